"""Timezone-aware UTC datetime column type."""

from __future__ import annotations

import datetime
from typing import Any, Callable, Optional

from sqlalchemy.engine import Dialect
from sqlalchemy.types import DateTime, TypeDecorator, TypeEngine

__all__ = ("DateTimeUTC",)


class DateTimeUTC(TypeDecorator[datetime.datetime]):
    """Stores aware datetimes as UTC and always returns aware UTC datetimes.

    A naive datetime is rejected with ``TypeError("tzinfo is required")``: its meaning is ambiguous.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime.datetime]:
        return datetime.datetime

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in {"mysql", "mariadb"}:
            from sqlalchemy.dialects.mysql import DATETIME as MYSQL_DATETIME

            # plain DATETIME drops microseconds on MySQL/MariaDB; DATETIME(6) keeps the value exact
            return dialect.type_descriptor(MYSQL_DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Optional[datetime.datetime], dialect: Dialect) -> Optional[datetime.datetime]:
        if value is None:
            return value
        if not isinstance(value, datetime.datetime):
            msg = f"DateTimeUTC expects a datetime.datetime, got {type(value).__name__}"
            raise TypeError(msg)
        if value.tzinfo is None or value.utcoffset() is None:
            msg = "tzinfo is required"
            raise TypeError(msg)
        return value.astimezone(datetime.timezone.utc)

    def process_result_value(self, value: Optional[datetime.datetime], dialect: Dialect) -> Optional[datetime.datetime]:
        return _as_utc(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Optional[Callable[[Any], Any]]:
        """The stored type's conversion, then :meth:`process_result_value`, as one closure.

        SQLite stores naive UTC text: it is parsed as UTC in one step (``fromisoformat`` with ``+00:00``),
        falling back to the general conversion for text in any other form.
        """
        convert = self.impl_instance.result_processor(dialect, coltype)
        if convert is None:
            return _as_utc
        if dialect.name == "sqlite":
            parse = datetime.datetime.fromisoformat

            def process_text(value: Any) -> Optional[datetime.datetime]:
                if value is None:
                    return None
                try:
                    return parse(value + "+00:00")
                except (TypeError, ValueError):  # not text, or text that carries its own offset
                    return _as_utc(convert(value))

            return process_text

        def process(value: Any) -> Optional[datetime.datetime]:
            return _as_utc(convert(value))

        return process


_UTC = datetime.timezone.utc
_DATETIME = datetime.datetime


def _as_utc(value: Optional[datetime.datetime]) -> Optional[datetime.datetime]:
    """A stored datetime as an aware UTC datetime (naive values are UTC)."""
    if value is None:
        return value
    if value.tzinfo is None:
        # positional construction: ``replace(tzinfo=...)`` costs ~3x more (keyword parsing)
        return _DATETIME(
            value.year, value.month, value.day, value.hour, value.minute, value.second, value.microsecond, _UTC
        )
    return value.astimezone(_UTC)
