"""The one place where SQLAlchemy and driver errors become library errors.

Errors are classified from the driver's own codes first (SQLSTATE on PostgreSQL/CockroachDB, errno on
MySQL/MariaDB, extended result codes on SQLite, ORA-/MSSQL numbers) and from the message text second, so
the classification holds on every dialect whatever the wording.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, Optional

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

__all__ = ("DEFAULT_ERROR_MESSAGE_TEMPLATES", "classify_driver_error", "wrap_sqlalchemy_exception")

Kind = Literal["duplicate_key", "foreign_key", "check_constraint", "not_null", "data", "lock", "integrity"]

DEFAULT_ERROR_MESSAGE_TEMPLATES: ErrorMessages = {
    "integrity": "There was a data validation error during processing",
    "foreign_key": "A foreign key is missing or invalid",
    "multiple_rows": "Multiple matching rows found",
    "duplicate_key": "A record matching the supplied data already exists.",
    "other": "There was an error during data processing",
    "check_constraint": "The data failed a check constraint during processing",
    "not_found": "The requested resource was not found",
}

# SQLSTATE classes (PostgreSQL, CockroachDB and every driver that reports them).
_SQLSTATE: dict[str, Kind] = {
    "23505": "duplicate_key",
    "23503": "foreign_key",
    "23514": "check_constraint",
    "23502": "not_null",
    "55P03": "lock",
    "40P01": "lock",
}
# MySQL / MariaDB errno.
_MYSQL_ERRNO: dict[int, Kind] = {
    1062: "duplicate_key",
    1586: "duplicate_key",
    1022: "duplicate_key",
    1216: "foreign_key",
    1217: "foreign_key",
    1451: "foreign_key",
    1452: "foreign_key",
    3819: "check_constraint",
    4025: "check_constraint",
    1048: "not_null",
    1364: "not_null",
    1406: "data",
    1264: "data",
    1265: "data",
    1366: "data",
    1292: "data",
    1205: "lock",
    1213: "lock",
    3572: "lock",
}
# SQLite extended result code names (sqlite3 exposes them on Python >= 3.11).
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
# Message patterns, for drivers that give no code (DuckDB) and as a fallback everywhere.
_MESSAGE_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    (
        "duplicate_key",
        re.compile(
            r"duplicate key|unique constraint|primary key constraint|PRIMARY KEY must be unique|are not unique"
            r"|Duplicate entry|ORA-00001|Cannot insert duplicate key|Violation of (PRIMARY|UNIQUE) KEY",
            re.IGNORECASE,
        ),
    ),
    (
        "foreign_key",
        re.compile(
            r"foreign key|ORA-0229[12]|REFERENCE constraint|referenced table",
            re.IGNORECASE,
        ),
    ),
    ("check_constraint", re.compile(r"check constraint|ORA-02290|CHECK constraint", re.IGNORECASE)),
    ("not_null", re.compile(r"not[- ]null|cannot be null|ORA-01400|Cannot insert the value NULL", re.IGNORECASE)),
    ("lock", re.compile(r"database is locked|lock wait timeout|could not obtain lock|deadlock|ORA-00054", re.I)),
    ("data", re.compile(r"value too long|Data too long|out of range|invalid input|ORA-12899|truncated", re.I)),
)
_ORACLE_CODE = re.compile(r"ORA-(\d{5})")
_MSSQL_NUMBERS: dict[int, Kind] = {2627: "duplicate_key", 2601: "duplicate_key", 547: "foreign_key", 515: "not_null"}

_CONSTRAINT_PATTERNS = (
    re.compile(r'constraint "(?P<name>[^"]+)"'),  # PostgreSQL / CockroachDB
    re.compile(r"for key '(?P<name>[^']+)'"),  # MySQL / MariaDB duplicate
    re.compile(r"CONSTRAINT `(?P<name>[^`]+)`"),  # MySQL / MariaDB foreign key
    re.compile(r"constraint '(?P<name>[^']+)'"),  # MSSQL
    re.compile(r"constraint \((?P<name>[^)]+)\)"),  # Oracle
    re.compile(r"CHECK constraint failed: (?P<name>\w+)"),  # SQLite named check
)
_COLUMN_PATTERNS = (
    re.compile(r"Key \((?P<cols>[^)]+)\)="),  # PostgreSQL detail
    re.compile(r"(?:UNIQUE|NOT NULL) constraint failed: (?P<cols>[\w., ]+)"),  # SQLite
    re.compile(r'Duplicate key "(?P<cols>[^":]+):'),  # DuckDB
    re.compile(r"Column '(?P<cols>[^']+)' cannot be null"),  # MySQL
)


@dataclass(frozen=True)
class DriverErrorInfo:
    """What the driver told about an error."""

    kind: Optional[Kind]
    constraint_name: Optional[str] = None
    columns: Optional[tuple[str, ...]] = None


def _driver_error(exc: BaseException) -> Optional[BaseException]:
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, BaseException) else None


def _driver_message(exc: BaseException) -> str:
    orig = _driver_error(exc)
    parts: list[str] = []
    for err in (orig, getattr(orig, "__cause__", None)):
        if err is None:
            continue
        parts.extend(str(arg) for arg in getattr(err, "args", ()) if arg is not None)
        diag_detail = getattr(getattr(err, "diag", None), "message_detail", None) or getattr(err, "detail", None)
        if isinstance(diag_detail, str):
            parts.append(diag_detail)
    return " - ".join(parts) if parts else str(exc)


def _kind_from_codes(orig: BaseException) -> Optional[Kind]:
    for err in (orig, orig.__cause__):
        if err is None:
            continue
        sqlstate = getattr(err, "sqlstate", None) or getattr(err, "pgcode", None)
        if isinstance(sqlstate, str) and sqlstate in _SQLSTATE:
            return _SQLSTATE[sqlstate]
        if isinstance(sqlstate, str) and sqlstate.startswith("22"):
            return "data"
        name = getattr(err, "sqlite_errorname", None)
        if isinstance(name, str) and name in _SQLITE_NAMES:
            return _SQLITE_NAMES[name]
        args = getattr(err, "args", ())
        if args and isinstance(args[0], int):
            code = args[0]
            if code in _MYSQL_ERRNO:
                return _MYSQL_ERRNO[code]
            if code in _MSSQL_NUMBERS:
                return _MSSQL_NUMBERS[code]
    return None


def classify_driver_error(exc: BaseException) -> DriverErrorInfo:
    """Tell what kind of failure a SQLAlchemy/driver error is, and which constraint/columns it names."""
    orig = _driver_error(exc)
    message = _driver_message(exc)
    kind = _kind_from_codes(orig) if orig is not None else None
    if kind is None and (oracle := _ORACLE_CODE.search(message)):
        kind = {"00001": "duplicate_key", "02291": "foreign_key", "02292": "foreign_key", "02290": "check_constraint",
                "01400": "not_null", "12899": "data", "00054": "lock"}.get(oracle.group(1))  # type: ignore[assignment]
    if kind is None:
        kind = next((k for k, pattern in _MESSAGE_PATTERNS if pattern.search(message)), None)
    constraint_name = getattr(getattr(orig, "diag", None), "constraint_name", None) or getattr(
        getattr(orig, "__cause__", None), "constraint_name", None
    )
    if not constraint_name:
        match = next((m for p in _CONSTRAINT_PATTERNS if (m := p.search(message))), None)
        constraint_name = match.group("name") if match else None
    col_match = next((m for p in _COLUMN_PATTERNS if (m := p.search(message))), None)
    columns = tuple(c.strip() for c in col_match.group("cols").split(",")) if col_match else None
    return DriverErrorInfo(kind=kind, constraint_name=constraint_name, columns=columns)


def _message(error_messages: Optional[ErrorMessages], key: str, exc: Exception, default: str) -> str:
    if error_messages is None:
        return default
    template = error_messages.get(key)
    if template is None:
        return f"{key} error: {exc}"
    return template(exc) if callable(template) else template


_INTEGRITY_CLASSES: dict[Optional[Kind], tuple[type[IntegrityError], str]] = {
    "duplicate_key": (DuplicateKeyError, "duplicate_key"),
    "foreign_key": (ForeignKeyError, "foreign_key"),
    "check_constraint": (IntegrityError, "check_constraint"),
}


def _integrity_error(exc: sa_exc.IntegrityError, error_messages: Optional[ErrorMessages]) -> IntegrityError:
    info = classify_driver_error(exc)
    error_class, key = _INTEGRITY_CLASSES.get(info.kind, (IntegrityError, "integrity"))
    detail = _message(error_messages, key, exc, f"An integrity error occurred: {exc}")
    error = error_class(detail=detail)
    error.constraint_name = info.constraint_name
    error.columns = info.columns
    error.orig = exc.orig
    error.statement = exc.statement
    error.params = exc.params
    return error


def _statement_error(exc: sa_exc.StatementError, error_messages: Optional[ErrorMessages]) -> RepositoryError:
    info = classify_driver_error(exc)
    if info.kind == "lock":
        return RepositoryError(detail=f"The database could not take a lock in time (contention): {exc}")
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

    Args:
        error_messages: messages to use per error kind (string or ``(exc) -> str``); ``None`` keeps the
            built-in wording, which includes the driver's message.
        dialect_name: kept for compatibility; errors are classified from driver codes on every dialect.
        wrap_exceptions: when false, errors are re-raised untouched.
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
        raise
    except sa_exc.IntegrityError as exc:
        if not wrap_exceptions:
            raise
        raise _integrity_error(exc, error_messages) from exc
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
