"""The one place where SQLAlchemy and driver errors become library errors.

Errors are classified from the driver's own codes first (SQLSTATE on PostgreSQL/CockroachDB, errno on
MySQL/MariaDB, extended result codes on SQLite, ORA-/MSSQL numbers) and from the message text second, so
the classification holds on every dialect whatever the wording (DuckDB reports no codes at all).
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, Optional

import sqlalchemy.exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError

from advanced_alchemy.exceptions import (
    ConflictError,
    DuplicateKeyError,
    ErrorMessages,
    ForeignKeyError,
    IntegrityError,
    InvalidRequestError,
    MultipleResultsFoundError,
    NotFoundError,
    RepositoryError,
)

__all__ = (
    "DEFAULT_ERROR_MESSAGE_TEMPLATES",
    "DriverErrorInfo",
    "classify_driver_error",
    "wrap_sqlalchemy_exception",
)

Kind = Literal["duplicate_key", "foreign_key", "check_constraint", "not_null", "integrity", "data", "lock", "conflict"]
"""What went wrong, as far as the driver tells."""

CONSTRAINT_KINDS: frozenset[Optional[Kind]] = frozenset(
    {"duplicate_key", "foreign_key", "check_constraint", "not_null", "integrity"}
)
"""Kinds that are constraint violations, hence :class:`~advanced_alchemy.exceptions.IntegrityError`."""

DEFAULT_ERROR_MESSAGE_TEMPLATES: ErrorMessages = {
    "integrity": "There was a data validation error during processing",
    "foreign_key": "A foreign key is missing or invalid",
    "multiple_rows": "Multiple matching rows found",
    "duplicate_key": "A record matching the supplied data already exists.",
    "other": "There was an error during data processing",
    "check_constraint": "The data failed a check constraint during processing",
    "not_found": "The requested resource was not found",
}

# SQLSTATE (PostgreSQL, CockroachDB and every driver that reports one). Classes 22 (data exception) and
# 23 (integrity constraint violation) are handled as a whole after these exact codes.
_SQLSTATE: dict[str, Kind] = {
    "23505": "duplicate_key",
    "23503": "foreign_key",
    "23514": "check_constraint",
    "23502": "not_null",
    "55P03": "lock",  # lock_not_available (NOWAIT, lock_timeout)
    "40P01": "lock",  # deadlock_detected
    "40001": "conflict",  # serialization_failure: a concurrent transaction changed the row
}
# MySQL / MariaDB errno (args[0] of pymysql/asyncmy/mysqlclient errors).
_MYSQL_ERRNO: dict[int, Kind] = {
    1062: "duplicate_key",  # ER_DUP_ENTRY
    1586: "duplicate_key",  # ER_DUP_ENTRY_WITH_KEY_NAME
    1022: "duplicate_key",  # ER_DUP_KEY
    1216: "foreign_key",  # ER_NO_REFERENCED_ROW
    1217: "foreign_key",  # ER_ROW_IS_REFERENCED
    1451: "foreign_key",  # ER_ROW_IS_REFERENCED_2
    1452: "foreign_key",  # ER_NO_REFERENCED_ROW_2
    3819: "check_constraint",  # MySQL ER_CHECK_CONSTRAINT_VIOLATED
    4025: "check_constraint",  # MariaDB ER_CONSTRAINT_FAILED
    1048: "not_null",  # ER_BAD_NULL_ERROR
    1364: "not_null",  # ER_NO_DEFAULT_FOR_FIELD
    1406: "data",  # ER_DATA_TOO_LONG
    1264: "data",  # ER_WARN_DATA_OUT_OF_RANGE
    1265: "data",  # WARN_DATA_TRUNCATED
    1366: "data",  # ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
    1292: "data",  # ER_TRUNCATED_WRONG_VALUE
    1205: "lock",  # ER_LOCK_WAIT_TIMEOUT
    1213: "lock",  # ER_LOCK_DEADLOCK
    3572: "lock",  # ER_LOCK_NOWAIT
}
# Microsoft SQL Server error numbers (args[0] of pymssql errors, "(<number>)" in pyodbc messages).
_MSSQL_NUMBERS: dict[int, Kind] = {
    2627: "duplicate_key",
    2601: "duplicate_key",
    547: "foreign_key",
    515: "not_null",
    8152: "data",
    2628: "data",
    1205: "lock",  # same number and meaning as MySQL's lock-wait timeout; 1222 is left to the message
}
# Oracle ORA- codes (in the message of python-oracledb / cx_Oracle errors).
_ORACLE_CODES: dict[str, Kind] = {
    "00001": "duplicate_key",
    "02291": "foreign_key",
    "02292": "foreign_key",
    "02290": "check_constraint",
    "01400": "not_null",
    "01407": "not_null",
    "12899": "data",
    "01438": "data",
    "00054": "lock",
    "30006": "lock",
    "00060": "lock",
}
# SQLite extended result code names (sqlite3 exposes them from Python 3.11).
_SQLITE_NAMES: dict[str, Kind] = {
    "SQLITE_CONSTRAINT_UNIQUE": "duplicate_key",
    "SQLITE_CONSTRAINT_PRIMARYKEY": "duplicate_key",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "foreign_key",
    "SQLITE_CONSTRAINT_CHECK": "check_constraint",
    "SQLITE_CONSTRAINT_NOTNULL": "not_null",
    "SQLITE_TOOBIG": "data",
    "SQLITE_MISMATCH": "data",
    "SQLITE_BUSY": "lock",
    "SQLITE_LOCKED": "lock",
}
_ORACLE_CODE = re.compile(r"\bORA-(\d{5})\b")
_MSSQL_NUMBER = re.compile(r"\((\d{3,5})\) \(SQL\w+\)")  # pyodbc: "... (2627) (SQLExecDirectW)"

# Message patterns, for drivers that give no code (DuckDB) and as a fallback everywhere. Checked in order.
_MESSAGE_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        "duplicate_key",
        re.compile(
            r"duplicate key|unique constraint|primary key constraint|PRIMARY KEY must be unique|are not unique"
            r"|Duplicate entry|Cannot insert duplicate key|Violation of (PRIMARY|UNIQUE) KEY",
            re.IGNORECASE,
        ),
    ),
    ("foreign_key", re.compile(r"foreign key|REFERENCE constraint|referenced table", re.IGNORECASE)),
    ("check_constraint", re.compile(r"check constraint", re.IGNORECASE)),
    ("not_null", re.compile(r"not[- ]null constraint|cannot be null|Cannot insert the value NULL", re.IGNORECASE)),
    ("conflict", re.compile(r"Conflict on (update|tuple deletion)|could not serialize access", re.IGNORECASE)),
    (
        "lock",
        re.compile(
            r"database is locked|database table is locked|lock wait timeout|could not obtain lock|deadlock"
            r"|resource busy|Lock request time out",
            re.IGNORECASE,
        ),
    ),
    (
        "data",
        re.compile(
            r"value too long|Data too long|out of range|invalid input syntax|invalid input value"
            r"|Conversion Error|Could not convert|String or binary data would be truncated",
            re.IGNORECASE,
        ),
    ),
)

_CONSTRAINT_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r'constraint "(?P<name>[^"]+)"', re.IGNORECASE),  # PostgreSQL / CockroachDB / MSSQL foreign key
    re.compile(r"for key '(?:[^'.]+\.)?(?P<name>[^']+)'"),  # MySQL / MariaDB duplicate ("tbl.key" on MySQL 8)
    re.compile(r"CONSTRAINT `(?P<name>[^`]+)`"),  # MySQL / MariaDB foreign key and check
    re.compile(r"constraint '(?P<name>[^']+)'", re.IGNORECASE),  # MSSQL / MySQL 8 check
    re.compile(r"constraint \((?P<name>[^)]+)\)", re.IGNORECASE),  # Oracle
    re.compile(r"CHECK constraint failed: (?P<name>\w+)"),  # SQLite named check
)
_COLUMN_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"Key \((?P<cols>[^)]+)\)="),  # PostgreSQL / CockroachDB detail
    re.compile(r"(?:UNIQUE|NOT NULL) constraint failed: (?P<cols>[\w.]+(?:, [\w.]+)*)"),  # SQLite
    re.compile(r'[Dd]uplicate key "(?P<cols>\w+):'),  # DuckDB
    re.compile(r"NOT NULL constraint failed: (?P<cols>[\w.]+)"),  # DuckDB
    re.compile(r"Column '(?P<cols>[^']+)' cannot be null"),  # MySQL / MariaDB
    re.compile(r"FOREIGN KEY \((?P<cols>[^)]+)\)"),  # MySQL / MariaDB foreign key
    re.compile(r"null value in column \"(?P<cols>[^\"]+)\""),  # PostgreSQL not null
    re.compile(r"Cannot insert the value NULL into column '(?P<cols>[^']+)'"),  # MSSQL
)


@dataclass(frozen=True)
class DriverErrorInfo:
    """What the driver told about an error."""

    kind: Optional[Kind]
    """What went wrong; ``None`` when neither a code nor the message says."""
    constraint_name: Optional[str] = None
    """Name of the violated constraint (or key/index), when reported."""
    columns: Optional[tuple[str, ...]] = None
    """Columns involved, when reported."""


def _driver_errors(exc: BaseException) -> Iterator[BaseException]:
    """The DBAPI error and what it wraps (asyncpg's own error under SQLAlchemy's adapted one)."""
    orig = getattr(exc, "orig", None)
    if not isinstance(orig, BaseException):
        return
    yield orig
    cause = orig.__cause__
    if cause is not None and cause is not orig:
        yield cause


def _driver_message(exc: BaseException) -> str:
    parts: list[str] = []
    for err in _driver_errors(exc):
        for arg in getattr(err, "args", ()):
            if arg is None:
                continue
            text = arg.decode(errors="replace") if isinstance(arg, bytes) else str(arg)
            if text not in parts:
                parts.append(text)
        diag_detail = getattr(getattr(err, "diag", None), "message_detail", None) or getattr(err, "detail", None)
        if isinstance(diag_detail, str) and diag_detail not in parts:
            parts.append(diag_detail)
    return " - ".join(parts) if parts else str(exc)


def _sqlstate(exc: BaseException) -> Optional[str]:
    for err in _driver_errors(exc):
        sqlstate = getattr(err, "sqlstate", None) or getattr(err, "pgcode", None)
        if isinstance(sqlstate, str) and len(sqlstate) == 5:
            return sqlstate
    return None


def _sqlstate_class_kind(sqlstate: Optional[str]) -> Optional[Kind]:
    if sqlstate is None:
        return None
    if sqlstate.startswith("23"):
        return "integrity"
    if sqlstate.startswith("22"):
        return "data"
    return None


def _kind_from_codes(exc: BaseException, message: str) -> Optional[Kind]:
    sqlstate = _sqlstate(exc)
    if sqlstate in _SQLSTATE:
        return _SQLSTATE[sqlstate]
    for err in _driver_errors(exc):
        name = getattr(err, "sqlite_errorname", None)
        if isinstance(name, str) and name in _SQLITE_NAMES:
            return _SQLITE_NAMES[name]
        args = getattr(err, "args", ())
        if args and isinstance(args[0], int) and not isinstance(args[0], bool):
            if args[0] in _MYSQL_ERRNO:
                return _MYSQL_ERRNO[args[0]]
            if args[0] in _MSSQL_NUMBERS:
                return _MSSQL_NUMBERS[args[0]]
    if oracle := _ORACLE_CODE.search(message):
        return _ORACLE_CODES.get(oracle.group(1))
    if mssql := _MSSQL_NUMBER.search(message):
        return _MSSQL_NUMBERS.get(int(mssql.group(1)))
    if sqlstate is not None and not sqlstate.endswith("000"):
        # a specific SQLSTATE (PostgreSQL's 22001, 23P01, ...) is authoritative for its class; a generic
        # one (MySQL's and ODBC's "23000") says less than the message does
        return _sqlstate_class_kind(sqlstate)
    return None


def _column_name(raw: str) -> str:
    name = raw.strip().strip("`\"'[]")
    return name.rsplit(".", 1)[-1].strip("`\"'[]")  # SQLite/MSSQL qualify with the table name


def classify_driver_error(exc: BaseException) -> DriverErrorInfo:
    """Tell what kind of failure a SQLAlchemy/driver error is, and which constraint/columns it names.

    Args:
        exc: a SQLAlchemy error wrapping a DBAPI error (``exc.orig``), or any exception.

    Returns:
        The kind of failure (``None`` when unknown) and the constraint name and columns when reported.
    """
    message = _driver_message(exc)
    kind = _kind_from_codes(exc, message)
    if kind is None:
        kind = next((k for k, pattern in _MESSAGE_PATTERNS if pattern.search(message)), None)
    if kind is None:
        kind = _sqlstate_class_kind(_sqlstate(exc))
    constraint_name: Optional[str] = None
    for err in _driver_errors(exc):
        reported = getattr(getattr(err, "diag", None), "constraint_name", None) or getattr(err, "constraint_name", None)
        if isinstance(reported, str) and reported:
            constraint_name = reported
            break
    if constraint_name is None:
        match = next((m for p in _CONSTRAINT_PATTERNS if (m := p.search(message))), None)
        constraint_name = match.group("name") if match else None
    col_match = next((m for p in _COLUMN_PATTERNS if (m := p.search(message))), None)
    columns = tuple(_column_name(c) for c in col_match.group("cols").split(",")) if col_match else None
    return DriverErrorInfo(kind=kind, constraint_name=constraint_name, columns=columns)


def _message(error_messages: Optional[ErrorMessages], key: str, exc: Exception, default: str) -> str:
    if error_messages is None:
        return default
    template = error_messages.get(key)
    if template is None:
        return f"{key} error: {exc}"
    if callable(template):
        return str(template(exc))
    return str(template)


_INTEGRITY_CLASSES: dict[Optional[Kind], tuple[type[IntegrityError], str]] = {
    "duplicate_key": (DuplicateKeyError, "duplicate_key"),
    "foreign_key": (ForeignKeyError, "foreign_key"),
    "check_constraint": (IntegrityError, "check_constraint"),
}


def _integrity_error(
    exc: sa_exc.StatementError, info: DriverErrorInfo, error_messages: Optional[ErrorMessages]
) -> IntegrityError:
    error_class, key = _INTEGRITY_CLASSES.get(info.kind, (IntegrityError, "integrity"))
    error = error_class(detail=_message(error_messages, key, exc, f"An integrity error occurred: {exc}"))
    error.constraint_name = info.constraint_name
    error.columns = info.columns
    error.orig = exc.orig
    error.statement = exc.statement
    error.params = exc.params
    error.connection_invalidated = bool(getattr(exc, "connection_invalidated", False))
    return error


def _statement_error(exc: sa_exc.StatementError, error_messages: Optional[ErrorMessages]) -> RepositoryError:
    if not isinstance(exc, sa_exc.DBAPIError):
        # raised before the database saw the statement (a bind processor refused a value, ...): there is no
        # driver error to classify
        if isinstance(exc.orig, (ValueError, TypeError, OverflowError)):
            return RepositoryError(detail=f"A value could not be sent to the database (data error): {exc}")
        return RepositoryError(detail=_message(error_messages, "other", exc, f"An exception occurred: {exc}"))
    info = classify_driver_error(exc)
    if info.kind in CONSTRAINT_KINDS or isinstance(exc, sa_exc.IntegrityError):
        return _integrity_error(exc, info, error_messages)
    if info.kind == "lock":
        return RepositoryError(detail=f"The database could not take a lock in time (lock contention): {exc}")
    if info.kind == "conflict":
        return ConflictError(detail=f"A concurrent transaction changed the same row (write conflict): {exc}")
    if info.kind == "data" or isinstance(exc, sa_exc.DataError):
        return RepositoryError(detail=f"The database rejected a value (data error): {exc}")
    return RepositoryError(detail=_message(error_messages, "other", exc, f"An exception occurred: {exc}"))


@contextmanager
def wrap_sqlalchemy_exception(
    error_messages: Optional[ErrorMessages] = None,
    dialect_name: Optional[str] = None,
    wrap_exceptions: bool = True,
) -> Generator[None, None, None]:
    """Translate SQLAlchemy/driver errors raised inside the block into library errors.

    Mapping, in order: :class:`NotFoundError` → a new ``NotFoundError``; ``MultipleResultsFound`` →
    :class:`MultipleResultsFoundError`; constraint violations → :class:`DuplicateKeyError`,
    :class:`ForeignKeyError` or :class:`IntegrityError`; ``StaleDataError`` (optimistic locking) →
    :class:`ConflictError`; ``InvalidRequestError`` → the library's ``InvalidRequestError``; data errors,
    lock contention and any other SQLAlchemy error → :class:`RepositoryError`; ``AttributeError`` →
    :class:`RepositoryError`. Library integrity errors raised inside pass through unchanged. Wrapped errors
    are chained to the original (``__cause__``).

    Args:
        error_messages: messages to use per error kind (string or ``(exc) -> str``); ``None`` keeps the
            built-in wording, which includes the driver's message. A key missing from a given mapping
            becomes ``"<key> error: <exc>"``.
        dialect_name: kept for compatibility; errors are classified from the driver's codes on every
            dialect.
        wrap_exceptions: when false, errors are re-raised untouched.

    Yields:
        Nothing; the block runs inside the translation.
    """
    del dialect_name  # classification reads the driver's own codes, whatever the dialect
    try:
        yield
    except NotFoundError as exc:
        if not wrap_exceptions:
            raise
        detail = _message(error_messages, "not_found", exc, "No rows matched the specified data")
        raise NotFoundError(detail=detail) from exc
    except sa_exc.MultipleResultsFound as exc:
        if not wrap_exceptions:
            raise
        detail = _message(error_messages, "multiple_rows", exc, "Multiple rows matched the specified data")
        raise MultipleResultsFoundError(detail=detail) from exc
    except IntegrityError:
        raise  # already translated (nested wrappers); it is also a sqlalchemy IntegrityError
    except StaleDataError as exc:
        if not wrap_exceptions:
            raise
        raise ConflictError(
            detail=f"The row was changed or deleted by another transaction since it was read: {exc}"
        ) from exc
    except sa_exc.InvalidRequestError as exc:
        if not wrap_exceptions:
            raise
        raise InvalidRequestError(detail="An invalid request was made.") from exc
    except sa_exc.StatementError as exc:
        if not wrap_exceptions:
            raise
        raise _statement_error(exc, error_messages) from exc
    except sa_exc.SQLAlchemyError as exc:
        if not wrap_exceptions:
            raise
        detail = _message(error_messages, "other", exc, f"An exception occurred: {exc}")
        raise RepositoryError(detail=detail) from exc
    except AttributeError as exc:
        if not wrap_exceptions:
            raise
        detail = _message(error_messages, "other", exc, f"An attribute error occurred during processing: {exc}")
        raise RepositoryError(detail=detail) from exc
