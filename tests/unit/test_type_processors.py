"""The fast bind/result processors of GUID and DateTimeUTC agree with ``process_bind_param`` /
``process_result_value`` on every input."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.dialects import mssql, mysql, oracle, postgresql, sqlite
from sqlalchemy.engine import Dialect

from advanced_alchemy.types import GUID, DateTimeUTC

DIALECTS = [sqlite.dialect(), postgresql.dialect(), mysql.dialect(), mssql.dialect(), oracle.dialect()]
VALUE = uuid.UUID("1b4e28ba-2fa1-11d2-883f-0016d3cca427")


def _processor(type_: Any, dialect: Dialect) -> Any:
    impl = type_.dialect_impl(dialect)
    return impl.result_processor(dialect, None) or (lambda value: value)


def _reference(type_: Any, dialect: Dialect, value: Any) -> Any:
    """What the documented path gives: the stored type's conversion, then ``process_result_value``."""
    impl = type_.dialect_impl(dialect)
    convert = impl.impl_instance.result_processor(dialect, None)
    return type_.process_result_value(convert(value) if convert else value, dialect)


@pytest.mark.parametrize("dialect", DIALECTS, ids=lambda d: d.name)
@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize(
    "stored",
    [None, VALUE, VALUE.bytes, bytearray(VALUE.bytes), memoryview(VALUE.bytes), VALUE.hex, str(VALUE)],
    ids=["none", "uuid", "bytes", "bytearray", "memoryview", "hex", "text"],
)
def test_guid_result_processor_matches_process_result_value(dialect: Dialect, binary: bool, stored: Any) -> None:
    if dialect.name == "mssql" and not (stored is None or isinstance(stored, str)):
        pytest.skip("UNIQUEIDENTIFIER comes back from the driver as text only")
    guid = GUID(binary=binary)
    got = _processor(guid, dialect)(stored)
    assert got == _reference(guid, dialect, stored)
    assert got is None if stored is None else got == VALUE and type(got) is uuid.UUID


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect(), mysql.dialect()], ids=lambda d: d.name)
@pytest.mark.parametrize(
    "stored",
    [
        None,
        datetime.datetime(2024, 5, 1, 12, 30, 15, 123456),
        datetime.datetime(2024, 5, 1, 14, 30, 15, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
    ],
    ids=["none", "naive", "aware"],
)
def test_datetime_utc_result_processor_matches_process_result_value(dialect: Dialect, stored: Any) -> None:
    column_type = DateTimeUTC()
    raw = stored
    if dialect.name == "sqlite" and stored is not None:  # SQLite hands back text
        raw = stored.replace(tzinfo=None).isoformat(sep=" ") if stored.tzinfo is None else stored.isoformat(sep=" ")
    got = _processor(column_type, dialect)(raw)
    assert got == _reference(column_type, dialect, raw)
    if stored is not None:
        assert got.tzinfo is datetime.timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01 12:30:15.123456", datetime.datetime(2024, 5, 1, 12, 30, 15, 123456)),
        ("2024-05-01 12:30:15", datetime.datetime(2024, 5, 1, 12, 30, 15)),
        ("2024-05-01T12:30:15.5", datetime.datetime(2024, 5, 1, 12, 30, 15, 500000)),
        ("2024-05-01 14:30:15+02:00", datetime.datetime(2024, 5, 1, 12, 30, 15)),
        ("2024-05-01 12:30:15Z", datetime.datetime(2024, 5, 1, 12, 30, 15)),
    ],
    ids=["stored-form", "no-fraction", "t-separator", "own-offset", "zulu"],
)
def test_datetime_utc_reads_sqlite_text_as_utc(text: str, expected: datetime.datetime) -> None:
    """Naive text is UTC (parsed in one step); text with its own offset is converted to UTC."""
    dialect = sqlite.dialect()
    got = _processor(DateTimeUTC(), dialect)(text)
    assert got == expected.replace(tzinfo=datetime.timezone.utc)
    assert got.tzinfo is datetime.timezone.utc
    assert got == _reference(DateTimeUTC(), dialect, text)
    with pytest.raises(ValueError):
        _processor(DateTimeUTC(), dialect)("not a date")


# dialects with a DBAPI loaded too: their stored types convert bound values themselves (SQLite's BINARY wraps
# bytes in the driver's Binary, its DATETIME formats text)
BIND_DIALECTS = [*DIALECTS, create_engine("sqlite://").dialect]
UTC = datetime.timezone.utc
PLUS_TWO = datetime.timezone(datetime.timedelta(hours=2))


def _bind_reference(type_: Any, dialect: Dialect, value: Any) -> Any:
    """What the documented path gives: ``process_bind_param``, then the stored type's conversion."""
    impl = type_.dialect_impl(dialect)
    convert = impl.impl_instance.bind_processor(dialect)
    processed = impl.process_bind_param(value, dialect)
    return convert(processed) if convert else processed


def _bind(type_: Any, dialect: Dialect, value: Any) -> Any:
    impl = type_.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    return process(value) if process else value


def _comparable(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


@pytest.mark.parametrize("dialect", BIND_DIALECTS, ids=lambda d: f"{d.name}-{'dbapi' if d.dbapi else 'bare'}")
@pytest.mark.parametrize("binary", [True, False])
@pytest.mark.parametrize(
    "value", [None, VALUE, VALUE.hex, str(VALUE), VALUE.bytes], ids=["none", "uuid", "hex", "text", "bytes"]
)
def test_guid_bind_processor_matches_process_bind_param(dialect: Dialect, binary: bool, value: Any) -> None:
    guid = GUID(binary=binary)
    got = _bind(guid, dialect, value)
    want = _bind_reference(guid, dialect, value)
    assert type(got) is type(want)
    assert _comparable(got) == _comparable(want)


@pytest.mark.parametrize("dialect", BIND_DIALECTS, ids=lambda d: f"{d.name}-{'dbapi' if d.dbapi else 'bare'}")
@pytest.mark.parametrize(
    "value",
    [
        None,
        datetime.datetime(2024, 2, 29, 23, 59, 58, 123456, UTC),
        datetime.datetime(2024, 5, 1, 12, 0, 0, 0, UTC),
        datetime.datetime(999, 1, 2, 3, 4, 5, 6, UTC),
        datetime.datetime(2024, 5, 1, 14, 30, 15, 5, PLUS_TWO),
    ],
    ids=["none", "utc", "utc-no-fraction", "year-999", "plus-two"],
)
def test_datetime_utc_bind_processor_matches_process_bind_param(dialect: Dialect, value: Any) -> None:
    got = _bind(DateTimeUTC(), dialect, value)
    want = _bind_reference(DateTimeUTC(), dialect, value)
    assert type(got) is type(want)
    assert got == want


@pytest.mark.parametrize("dialect", BIND_DIALECTS, ids=lambda d: f"{d.name}-{'dbapi' if d.dbapi else 'bare'}")
def test_datetime_utc_bind_processor_still_rejects_naive_and_non_datetimes(dialect: Dialect) -> None:
    with pytest.raises(TypeError, match="tzinfo is required"):
        _bind(DateTimeUTC(), dialect, datetime.datetime(2024, 5, 1, 12, 0))
    with pytest.raises(TypeError, match="expects a datetime"):
        _bind(DateTimeUTC(), dialect, "2024-05-01")
