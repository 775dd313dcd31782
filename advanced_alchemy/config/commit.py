"""The request commit policy shared by every framework integration.

A request-scoped session ends in one of three ways, decided by the response status alone:

- ``manual``: the library never commits; the session is rolled back (Flask: just closed).
- ``autocommit``: commit for 2xx, roll back otherwise.
- ``autocommit_include_redirect`` (Litestar spells it ``autocommit_include_redirects``): commit for 2xx
  and 3xx, roll back otherwise.

Extra commit / rollback statuses refine the ranges; an unhandled exception counts as status 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Optional

__all__ = ("COMMIT_MODES", "CommitAction", "CommitMode", "CommitPolicy", "normalize_commit_mode")

CommitMode = Literal["manual", "autocommit", "autocommit_include_redirect"]
CommitAction = Literal["commit", "rollback"]
COMMIT_MODES: tuple[CommitMode, ...] = ("manual", "autocommit", "autocommit_include_redirect")
_SPELLINGS: dict[str, CommitMode] = {
    "manual": "manual",
    "autocommit": "autocommit",
    "autocommit_include_redirect": "autocommit_include_redirect",
    "autocommit_include_redirects": "autocommit_include_redirect",
}
_OVERLAP_MESSAGE = "Extra rollback statuses and commit statuses must not share any status codes"


def normalize_commit_mode(mode: Optional[str]) -> CommitMode:
    """The canonical name of ``mode`` (``None`` is ``manual``); an unknown name raises ``ValueError``."""
    if mode is None:
        return "manual"
    try:
        return _SPELLINGS[mode]
    except KeyError:
        accepted = ", ".join(repr(name) for name in _SPELLINGS)
        msg = f"Unknown commit mode {mode!r}: expected one of {accepted}"
        raise ValueError(msg) from None


@dataclass(frozen=True)
class CommitPolicy:
    """What to do with a request's session once the response status is known."""

    mode: CommitMode = "manual"
    extra_commit_statuses: frozenset[int] = field(default_factory=frozenset)
    extra_rollback_statuses: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def from_mode(
        cls,
        mode: Optional[str] = None,
        *,
        extra_commit_statuses: Optional[Iterable[int]] = None,
        extra_rollback_statuses: Optional[Iterable[int]] = None,
    ) -> CommitPolicy:
        """A policy from any accepted spelling of the mode; overlapping extra statuses raise ``ValueError``."""
        commit = frozenset(extra_commit_statuses or ())
        rollback = frozenset(extra_rollback_statuses or ())
        if commit & rollback:
            raise ValueError(_OVERLAP_MESSAGE)
        return cls(normalize_commit_mode(mode), commit, rollback)

    @property
    def commits(self) -> bool:
        """Whether this policy ever commits (``manual`` does not)."""
        return self.mode != "manual" or bool(self.extra_commit_statuses)

    def action(self, status: Optional[int]) -> CommitAction:
        """``"commit"`` or ``"rollback"`` for a response with ``status`` (``None``: no response, i.e. 500)."""
        code = 500 if status is None else status
        if code in self.extra_commit_statuses:
            return "commit"
        if code in self.extra_rollback_statuses or self.mode == "manual":
            return "rollback"
        upper = 400 if self.mode == "autocommit_include_redirect" else 300
        return "commit" if 200 <= code < upper else "rollback"
