"""Audit columns: when a row was created/updated and, with :class:`AuditMixin`, by whom."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any, Optional

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, validates

from advanced_alchemy.types.datetime import DateTimeUTC

_audit_user: ContextVar[Optional[str]] = ContextVar("advanced_alchemy_audit_user", default=None)


def _now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _as_identifier(user: Any) -> Optional[str]:
    if user is None:
        return None
    return str(getattr(user, "id", user)) if not isinstance(user, str) else user


def set_audit_user(user: Any) -> Token[Optional[str]]:
    """Record who is making changes in this context (a string, or an object whose ``id`` is used).

    Returns a token for :func:`reset_audit_user`. Framework extensions set it per request.
    """
    return _audit_user.set(_as_identifier(user))


def reset_audit_user(token: Token[Optional[str]]) -> None:
    """Restore the audit user that was current before :func:`set_audit_user` returned ``token``."""
    _audit_user.reset(token)


def get_audit_user() -> Optional[str]:
    """Who is making changes in this context, or ``None``."""
    return _audit_user.get()


@contextmanager
def audit_user(user: Any) -> Iterator[None]:
    """Context manager form of :func:`set_audit_user`."""
    token = set_audit_user(user)
    try:
        yield
    finally:
        _audit_user.reset(token)


class AuditColumns:
    """``created_at`` / ``updated_at`` as timezone-aware UTC datetimes.

    ``updated_at`` is refreshed whenever a flush updates the row, unless it was set explicitly.
    """

    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now_utc, sort_order=3002)
    """Date/time of instance creation."""
    updated_at: Mapped[datetime.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=_now_utc, onupdate=_now_utc, sort_order=3003
    )
    """Date/time of last update."""

    @validates("created_at", "updated_at")
    def validate_tz_info(self, _: str, value: datetime.datetime) -> datetime.datetime:
        """Treat naive datetimes assigned to the audit columns as UTC."""
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value


class AuditMixin(AuditColumns):
    """:class:`AuditColumns` plus ``created_by`` / ``updated_by``, taken from :func:`set_audit_user`."""

    created_by: Mapped[Optional[str]] = mapped_column(String(255), default=get_audit_user, sort_order=3004)
    """Who created the row."""
    updated_by: Mapped[Optional[str]] = mapped_column(
        String(255), default=get_audit_user, onupdate=get_audit_user, sort_order=3005
    )
    """Who last updated the row."""
