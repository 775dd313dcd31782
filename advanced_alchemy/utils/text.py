"""Text helpers."""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

__all__ = ("check_email", "slugify")

_NOT_WORD = re.compile(r"[^\w\s-]")
_SEPARATORS = re.compile(r"[-\s]+")


def check_email(email: str) -> str:
    """Validate that ``email`` looks like an address and return it lowercased."""
    if "@" not in email:
        msg = "Invalid email!"
        raise ValueError(msg)
    return email.lower()


def slugify(value: str, allow_unicode: bool = False, separator: Optional[str] = None) -> str:
    """URL-friendly slug of ``value``: ``"Hello World!"`` -> ``"hello-world"``.

    Without ``allow_unicode`` accents are folded to ASCII (``"Crème Brûlée"`` -> ``"creme-brulee"``) and
    other non-ASCII characters are dropped; with it, letters of every script are kept (NFKC-normalised).
    """
    value = str(value)
    if allow_unicode:
        value = unicodedata.normalize("NFKC", value)
    else:
        value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _NOT_WORD.sub("", value.lower())
    value = _SEPARATORS.sub("-", value).strip("-_")
    if separator is not None:
        return value.replace("-", separator)
    return value
