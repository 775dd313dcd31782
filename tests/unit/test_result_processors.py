"""The fast result processors of GUID and DateTimeUTC agree with ``process_result_value`` on every input."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
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
