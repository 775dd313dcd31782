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

    def bind_processor(self, dialect: Dialect) -> Optional[Callable[[Any], Any]]:
        """:meth:`process_bind_param` and the stored type's conversion, with a UTC datetime converted in one step.

        A datetime already in ``timezone.utc`` needs no conversion (``astimezone`` would return it as is). On
        SQLite the stored type's text is then formatted in one step when that gives the same text as
        SQLAlchemy's formatting (checked once, here); any other value takes the general path.
        """
        general = super().bind_processor(dialect)
        if general is None:
            return general
        stored = self.impl_instance.bind_processor(dialect)
        datetime_class = _DATETIME
        utc = _UTC
        if stored is None:

            def process(value: Any) -> Any:
                if value.__class__ is datetime_class and value.tzinfo is utc:
                    return value
                return general(value)

            return process
        convert: Callable[[Any], Any] = stored
        if all(stored(probe) == _sqlite_text(probe) for probe in _FORMAT_PROBES):
            convert = _sqlite_text

        def process_stored(value: Any) -> Any:
            if value.__class__ is datetime_class and value.tzinfo is utc:
                return convert(value)
            return general(value)

        return process_stored

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


_FORMAT_PROBES = (
    _DATETIME(2024, 2, 29, 23, 59, 58, 123456, _UTC),
    _DATETIME(1, 1, 1, 0, 0, 0, 0, _UTC),
    _DATETIME(999, 12, 31, 1, 2, 3, 4, _UTC),
)


def _sqlite_text(value: datetime.datetime) -> str:
    """SQLAlchemy's SQLite ``DATETIME`` text of a datetime (``YYYY-MM-DD HH:MM:SS.ffffff``), formatted from a tuple
    (cheaper than the mapping SQLAlchemy formats from, or ``isoformat``)."""
    return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (  # noqa: UP031 - the fastest of the formatting options
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )


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
