"""The error hierarchy (spec §1.1) and the translation rules that need no database (spec §1.2)."""

from __future__ import annotations

import copy
import pickle
from typing import Any, Optional

import pytest
import sqlalchemy.exc as sa_exc
from sqlalchemy.orm.exc import StaleDataError

import advanced_alchemy.exceptions as exceptions_module
from advanced_alchemy._errors import DEFAULT_ERROR_MESSAGE_TEMPLATES, classify_driver_error
from advanced_alchemy.exceptions import (
    AdvancedAlchemyError,
    ConflictError,
    DecryptionError,
    DuplicateKeyError,
    ErrorMessages,
    ForeignKeyError,
    ImproperConfigurationError,
    IntegrityError,
    InvalidRequestError,
    MissingDependencyError,
    MultipleResultsFoundError,
    NotFoundError,
    RepositoryError,
    SerializationError,
    wrap_sqlalchemy_exception,
)

# --- hierarchy -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (MissingDependencyError, (AdvancedAlchemyError, ImportError)),
        (ImproperConfigurationError, (AdvancedAlchemyError,)),
        (SerializationError, (AdvancedAlchemyError,)),
        (RepositoryError, (AdvancedAlchemyError,)),
        (IntegrityError, (RepositoryError, sa_exc.IntegrityError)),
        (DuplicateKeyError, (IntegrityError, RepositoryError, sa_exc.IntegrityError)),
        (ForeignKeyError, (IntegrityError, RepositoryError, sa_exc.IntegrityError)),
        (NotFoundError, (RepositoryError,)),
        (MultipleResultsFoundError, (RepositoryError,)),
        (InvalidRequestError, (RepositoryError,)),
        (ConflictError, (RepositoryError,)),
        (DecryptionError, (AdvancedAlchemyError,)),
    ],
)
def test_hierarchy(cls: type[Exception], bases: tuple[type[Exception], ...]) -> None:
    for base in bases:
        assert issubclass(cls, base)
    assert issubclass(cls, AdvancedAlchemyError)


@pytest.mark.parametrize("cls", [NotFoundError, MultipleResultsFoundError, ConflictError, InvalidRequestError])
def test_non_integrity_repository_errors_are_not_sqlalchemy_errors(cls: type[Exception]) -> None:
    assert not issubclass(cls, (IntegrityError, sa_exc.SQLAlchemyError))


def test_all() -> None:
    assert "InvalidRequestError" not in exceptions_module.__all__  # importable but unlisted, as in the spec
    for name in (
        "AdvancedAlchemyError",
        "DuplicateKeyError",
        "ErrorMessages",
        "ForeignKeyError",
        "ImproperConfigurationError",
        "IntegrityError",
        "MissingDependencyError",
        "MultipleResultsFoundError",
        "NotFoundError",
        "RepositoryError",
        "SerializationError",
        "wrap_sqlalchemy_exception",
    ):
        assert name in exceptions_module.__all__
        assert hasattr(exceptions_module, name)


def test_error_messages_keys() -> None:
    assert ErrorMessages.__total__ is False
    assert set(ErrorMessages.__annotations__) == {
        "duplicate_key",
        "integrity",
        "foreign_key",
        "multiple_rows",
        "check_constraint",
        "other",
        "not_found",
    }


def test_default_message_templates() -> None:
    assert DEFAULT_ERROR_MESSAGE_TEMPLATES == {
        "integrity": "There was a data validation error during processing",
        "foreign_key": "A foreign key is missing or invalid",
        "multiple_rows": "Multiple matching rows found",
        "duplicate_key": "A record matching the supplied data already exists.",
        "other": "There was an error during data processing",
        "check_constraint": "The data failed a check constraint during processing",
        "not_found": "The requested resource was not found",
    }


# --- detail / str / repr (§1.1) -------------------------------------------------------------------------


def test_first_arg_becomes_detail() -> None:
    error = NotFoundError("No item found when one was expected")
    assert error.detail == "No item found when one was expected"
    assert error.args == ()
    assert str(error) == "No item found when one was expected"
    assert repr(error) == "NotFoundError - No item found when one was expected"


def test_no_args() -> None:
    error = NotFoundError()
    assert error.detail == ""
    assert str(error) == ""
    assert repr(error) == "NotFoundError"


def test_remaining_args_and_detail_joined() -> None:
    error = RepositoryError("first", "second", "third")
    assert error.detail == "first"
    assert error.args == ("second", "third")
    assert str(error) == "second third first"
    assert repr(error) == "RepositoryError - first"


def test_explicit_detail_keeps_args() -> None:
    error = RepositoryError("a", "b", detail="the detail")
    assert error.detail == "the detail"
    assert error.args == ("a", "b")
    assert str(error) == "a b the detail"
    assert repr(error) == "RepositoryError - the detail"


def test_only_detail() -> None:
    error = SerializationError(detail="bad json")
    assert error.args == ()
    assert str(error) == "bad json"


def test_args_are_stringified_and_falsy_args_dropped() -> None:
    error = RepositoryError("", None, 0, 42, ValueError("boom"))
    assert error.detail == "42"
    assert error.args == ("boom",)
    assert str(error) == "boom 42"


def test_class_level_detail_used_when_nothing_given() -> None:
    class Teapot(AdvancedAlchemyError):
        detail = "I am a teapot"

    assert Teapot().detail == "I am a teapot"
    assert str(Teapot()) == "I am a teapot"
    assert repr(Teapot()) == "Teapot - I am a teapot"
    assert Teapot("short and stout").detail == "short and stout"


def test_str_strips() -> None:
    assert str(RepositoryError(detail="")) == ""
    assert str(RepositoryError("x", detail="")) == "x"


def test_missing_dependency_error() -> None:
    error = MissingDependencyError("fsspec")
    assert isinstance(error, ImportError)
    assert "Package 'fsspec' is not installed but required" in str(error)
    assert "pip install advanced_alchemy[fsspec]" in str(error)
    assert "pip install fsspec" in str(error)
    assert error.detail == str(error)
    assert repr(error).startswith("MissingDependencyError - Package 'fsspec'")

    error = MissingDependencyError("argon2", install_package="argon2-cffi")
    assert "Package 'argon2' is not installed" in str(error)
    assert "pip install advanced_alchemy[argon2-cffi]" in str(error)
    assert "pip install argon2-cffi" in str(error)

    with pytest.raises(ImportError):
        raise MissingDependencyError("obstore")


def test_integrity_error_str_names_constraint_and_columns() -> None:
    error = DuplicateKeyError(detail="A record matching the supplied data already exists.")
    assert str(error) == "A record matching the supplied data already exists."
    error.constraint_name = "uq_user_email"
    assert str(error) == "A record matching the supplied data already exists. (constraint uq_user_email)"
    error.columns = ("email", "tenant_id")
    assert str(error) == (
        "A record matching the supplied data already exists. (constraint uq_user_email; column(s) email, tenant_id)"
    )
    assert repr(error) == "DuplicateKeyError - A record matching the supplied data already exists."
    plain = IntegrityError("bad")
    assert plain.constraint_name is None
    assert plain.columns is None
    assert plain.orig is None
    assert plain.statement is None


def test_integrity_error_caught_as_sqlalchemy_integrity_error() -> None:
    with pytest.raises(sa_exc.IntegrityError) as info:
        raise DuplicateKeyError(detail="dup")
    assert isinstance(info.value, DuplicateKeyError)
    assert str(info.value) == "dup"


# --- pickling ------------------------------------------------------------------------------------------


def test_pickle_duplicate_key_error() -> None:
    error = DuplicateKeyError("extra", detail="A record matching the supplied data already exists.")
    error.constraint_name = "uq_name"
    error.columns = ("name",)
    error.statement = "INSERT INTO t VALUES (?)"
    error.orig = _Unpicklable()
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is DuplicateKeyError
    assert clone.detail == error.detail
    assert clone.args == ("extra",)
    assert clone.constraint_name == "uq_name"
    assert clone.columns == ("name",)
    assert clone.statement == "INSERT INTO t VALUES (?)"
    assert clone.orig is None  # a live driver error cannot travel; the class default is used
    assert str(clone) == str(error)
    assert repr(clone) == repr(error)


@pytest.mark.parametrize(
    "error",
    [
        RepositoryError("a", "b"),
        NotFoundError("No item found when one was expected"),
        MissingDependencyError("fsspec"),
        ForeignKeyError(detail="fk"),
        ConflictError(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_pickle_and_copy_round_trip(error: AdvancedAlchemyError) -> None:
    for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(clone) is type(error)
        assert clone.args == error.args
        assert clone.detail == error.detail
        assert str(clone) == str(error)


class _Unpicklable(Exception):
    def __reduce__(self) -> Any:
        raise TypeError("cannot pickle a live driver error")


# --- classify_driver_error on fabricated driver errors -----------------------------------------------------


class FakeDriverError(Exception):
    """A DBAPI error carrying whatever attributes a driver sets."""

    def __init__(self, *args: Any, **attrs: Any) -> None:
        super().__init__(*args)
        for key, value in attrs.items():
            setattr(self, key, value)


def sa_integrity(orig: BaseException) -> sa_exc.IntegrityError:
    return sa_exc.IntegrityError("INSERT INTO t (id) VALUES (:id)", {"id": 1}, orig)


@pytest.mark.parametrize(
    ("orig", "kind", "constraint_name", "columns"),
    [
        pytest.param(
            FakeDriverError("ORA-00001: unique constraint (SCOTT.UQ_EMP_NAME) violated"),
            "duplicate_key",
            "SCOTT.UQ_EMP_NAME",
            None,
            id="oracle-00001",
        ),
        pytest.param(
            FakeDriverError("ORA-02291: integrity constraint (SCOTT.FK_EMP_DEPT) violated - parent key not found"),
            "foreign_key",
            "SCOTT.FK_EMP_DEPT",
            None,
            id="oracle-02291",
        ),
        pytest.param(
            FakeDriverError("ORA-02290: check constraint (SCOTT.CK_EMP_SAL) violated"),
            "check_constraint",
            "SCOTT.CK_EMP_SAL",
            None,
            id="oracle-02290",
        ),
        pytest.param(
            FakeDriverError('ORA-01400: cannot insert NULL into ("SCOTT"."EMP"."NAME")'),
            "not_null",
            None,
            None,
            id="oracle-01400",
        ),
        pytest.param(
            FakeDriverError(
                2627,
                b"Violation of PRIMARY KEY constraint 'PK__emp__3213E83F'. Cannot insert duplicate key in object "
                b"'dbo.emp'. The duplicate key value is (1).DB-Lib error message 20018, severity 14",
            ),
            "duplicate_key",
            "PK__emp__3213E83F",
            None,
            id="mssql-pymssql-2627",
        ),
        pytest.param(
            FakeDriverError(
                547,
                b'The INSERT statement conflicted with the FOREIGN KEY constraint "FK_emp_dept". The conflict '
                b'occurred in database "app", table "dbo.dept", column \'id\'.',
            ),
            "foreign_key",
            "FK_emp_dept",
            None,
            id="mssql-pymssql-547",
        ),
        pytest.param(
            FakeDriverError(
                "23000",
                "[23000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Violation of UNIQUE KEY constraint "
                "'UQ_emp_name'. Cannot insert duplicate key in object 'dbo.emp'. The duplicate key value is (a). "
                "(2627) (SQLExecDirectW)",
            ),
            "duplicate_key",
            "UQ_emp_name",
            None,
            id="mssql-pyodbc-2627",
        ),
        pytest.param(
            FakeDriverError(
                "23000",
                "[23000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]The INSERT statement conflicted with "
                'the FOREIGN KEY constraint "FK_emp_dept". (547) (SQLExecDirectW)',
            ),
            "foreign_key",
            "FK_emp_dept",
            None,
            id="mssql-pyodbc-547",
        ),
        pytest.param(
            FakeDriverError(
                'duplicate key value violates unique constraint "emp_pkey"\nDETAIL:  Key (id)=(1) already exists.',
                sqlstate="23505",
            ),
            "duplicate_key",
            "emp_pkey",
            ("id",),
            id="cockroachdb-23505",
        ),
        pytest.param(
            FakeDriverError(
                'insert on table "emp" violates foreign key constraint "emp_dept_id_fkey"',
                sqlstate="23503",
                diag=FakeDriverError(
                    constraint_name="emp_dept_id_fkey", message_detail="Key (dept_id)=(9) is not present"
                ),
            ),
            "foreign_key",
            "emp_dept_id_fkey",
            ("dept_id",),
            id="cockroachdb-23503-diag",
        ),
        pytest.param(
            FakeDriverError("restart transaction: TransactionRetryWithProtoRefreshError", sqlstate="40001"),
            "conflict",
            None,
            None,
            id="cockroachdb-40001-conflict",
        ),
        pytest.param(
            FakeDriverError("some exclusion conflict", pgcode="23P01"),
            "integrity",
            None,
            None,
            id="psycopg2-pgcode-class-23",
        ),
        pytest.param(
            FakeDriverError(1062, "Duplicate entry 'a' for key 'emp.uq_emp_name'", sqlstate="23000"),
            "duplicate_key",
            "uq_emp_name",
            None,
            id="mysql8-1062",
        ),
        pytest.param(
            FakeDriverError(3819, "Check constraint 'ck_emp_sal' is violated."),
            "check_constraint",
            "ck_emp_sal",
            None,
            id="mysql8-3819",
        ),
        pytest.param(
            FakeDriverError("UNIQUE constraint failed: emp.tenant_id, emp.name"),
            "duplicate_key",
            None,
            ("tenant_id", "name"),
            id="sqlite-message-only",
        ),
        pytest.param(
            FakeDriverError('Constraint Error: Duplicate key "name: a" violates unique constraint.'),
            "duplicate_key",
            None,
            ("name",),
            id="duckdb-unique",
        ),
    ],
)
def test_classify_driver_error(
    orig: BaseException, kind: Optional[str], constraint_name: Optional[str], columns: Optional[tuple[str, ...]]
) -> None:
    info = classify_driver_error(sa_integrity(orig))
    assert info.kind == kind
    assert info.constraint_name == constraint_name
    assert info.columns == columns


def test_classify_asyncpg_style_cause() -> None:
    """asyncpg's own error (with ``constraint_name``/``detail``) sits under SQLAlchemy's adapted one."""
    native = FakeDriverError(
        'duplicate key value violates unique constraint "emp_pkey"',
        sqlstate="23505",
        constraint_name="emp_pkey",
        detail="Key (id)=(1) already exists.",
    )
    adapted = FakeDriverError(f"{type(native)}: {native}", sqlstate="23505", pgcode="23505")
    adapted.__cause__ = native
    info = classify_driver_error(sa_integrity(adapted))
    assert info.kind == "duplicate_key"
    assert info.constraint_name == "emp_pkey"
    assert info.columns == ("id",)


def test_classify_without_driver_error() -> None:
    assert classify_driver_error(ValueError("nothing to see")).kind is None


# --- wrap_sqlalchemy_exception without a database -----------------------------------------------------


def raised(exc: BaseException, messages: Optional[ErrorMessages] = None, **kwargs: Any) -> Any:
    with pytest.raises(BaseException) as info, wrap_sqlalchemy_exception(error_messages=messages, **kwargs):
        raise exc
    return info.value


ORACLE_DUP = FakeDriverError("ORA-00001: unique constraint (SCOTT.UQ_EMP_NAME) violated")
MSSQL_FK = FakeDriverError(547, b'conflicted with the FOREIGN KEY constraint "FK_emp_dept"')
COCKROACH_DUP = FakeDriverError('duplicate key value violates unique constraint "emp_pkey"', sqlstate="23505")


@pytest.mark.parametrize(
    ("dialect_name", "orig", "cls", "key"),
    [
        ("oracle", ORACLE_DUP, DuplicateKeyError, "duplicate_key"),
        ("mssql", MSSQL_FK, ForeignKeyError, "foreign_key"),
        ("cockroachdb", COCKROACH_DUP, DuplicateKeyError, "duplicate_key"),
        (None, COCKROACH_DUP, DuplicateKeyError, "duplicate_key"),
        ("oracle", FakeDriverError("ORA-99999: something else"), IntegrityError, "integrity"),
    ],
)
def test_wrap_classifies_every_dialect(
    dialect_name: Optional[str], orig: BaseException, cls: type[IntegrityError], key: str
) -> None:
    original = sa_integrity(orig)
    error = raised(original, DEFAULT_ERROR_MESSAGE_TEMPLATES, dialect_name=dialect_name)
    assert type(error) is cls
    assert error.detail == DEFAULT_ERROR_MESSAGE_TEMPLATES[key]  # type: ignore[literal-required]
    assert error.__cause__ is original
    assert error.orig is orig
    assert error.statement == original.statement
    assert error.params == original.params

    error = raised(original, dialect_name=dialect_name)
    assert type(error) is cls
    assert error.detail == f"An integrity error occurred: {original}"


def test_wrap_callable_and_missing_messages() -> None:
    original = sa_integrity(ORACLE_DUP)
    error = raised(original, {"duplicate_key": lambda exc: f"dup via {type(exc).__name__}"})
    assert error.detail == "dup via IntegrityError"
    error = raised(original, {"other": "unused"})
    assert error.detail == f"duplicate_key error: {original}"


def test_wrap_not_found() -> None:
    inner = NotFoundError("No item found when one was expected")
    error = raised(inner)
    assert type(error) is NotFoundError
    assert error is not inner
    assert error.__cause__ is inner
    assert error.detail == "No rows matched the specified data"
    assert raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES).detail == "The requested resource was not found"
    assert raised(inner, {}).detail == f"not_found error: {inner}"


def test_wrap_multiple_results() -> None:
    inner = sa_exc.MultipleResultsFound("Multiple rows were found when exactly one was required")
    error = raised(inner)
    assert type(error) is MultipleResultsFoundError
    assert error.detail == "Multiple rows matched the specified data"
    assert raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES).detail == "Multiple matching rows found"


def test_wrap_invalid_request() -> None:
    inner = sa_exc.InvalidRequestError("nope")
    error = raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES)
    assert type(error) is InvalidRequestError
    assert error.detail == "An invalid request was made."
    assert error.__cause__ is inner
    assert type(raised(sa_exc.NoResultFound("none"))) is InvalidRequestError


def test_wrap_stale_data_is_conflict() -> None:
    inner = StaleDataError("UPDATE statement on table 't' expected to update 1 row(s); 0 were matched.")
    error = raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES)
    assert type(error) is ConflictError
    assert error.__cause__ is inner
    assert "expected to update 1 row(s)" in error.detail


def test_wrap_other_sqlalchemy_error() -> None:
    inner = sa_exc.SQLAlchemyError("boom")
    error = raised(inner)
    assert type(error) is RepositoryError
    assert error.detail == "An exception occurred: boom"
    assert raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES).detail == "There was an error during data processing"


def test_wrap_statement_error_without_driver_code() -> None:
    inner = sa_exc.OperationalError("SELECT 1", {}, FakeDriverError("server closed the connection"))
    error = raised(inner)
    assert type(error) is RepositoryError
    assert error.detail == f"An exception occurred: {inner}"
    assert raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES).detail == "There was an error during data processing"


def test_wrap_constraint_violation_reported_as_other_dbapi_class() -> None:
    """Drivers that report a constraint failure as OperationalError (MariaDB 4025) still give IntegrityError."""
    inner = sa_exc.OperationalError(
        "INSERT", {}, FakeDriverError(4025, "CONSTRAINT `ck_qty` failed for `db`.`t`", sqlstate="23000")
    )
    error = raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES)
    assert type(error) is IntegrityError
    assert error.detail == "The data failed a check constraint during processing"
    assert error.constraint_name == "ck_qty"


@pytest.mark.parametrize(
    ("orig", "phrase"),
    [
        (FakeDriverError("could not obtain lock on row", sqlstate="55P03"), "lock"),
        (FakeDriverError(1205, "Lock wait timeout exceeded; try restarting transaction"), "lock"),
        (FakeDriverError("database is locked", sqlite_errorname="SQLITE_BUSY"), "lock"),
        (FakeDriverError("ORA-00054: resource busy and acquire with NOWAIT specified"), "lock"),
        (FakeDriverError("value too long for type character varying(5)", sqlstate="22001"), "data error"),
        (FakeDriverError(1406, "Data too long for column 'code' at row 1"), "data error"),
        (FakeDriverError("ORA-12899: value too large for column"), "data error"),
    ],
)
def test_wrap_data_and_lock_errors_are_not_integrity_errors(orig: BaseException, phrase: str) -> None:
    inner = sa_exc.OperationalError("UPDATE t SET x = 1", {}, orig)
    error = raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES)
    assert type(error) is RepositoryError
    assert not isinstance(error, sa_exc.IntegrityError)
    assert phrase in error.detail
    assert error.__cause__ is inner


def test_wrap_bind_time_value_error_is_a_data_error() -> None:
    """A value refused before reaching the database (a bind processor raising) is a data error."""
    inner = sa_exc.StatementError("(builtins.ValueError) bad", "INSERT", {"x": "?"}, ValueError("not a UUID"))
    error = raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES)
    assert type(error) is RepositoryError
    assert "data error" in error.detail
    # an error message that happens to mention a constraint is not mistaken for a driver report
    inner = sa_exc.StatementError("x", "INSERT", {}, RuntimeError("foreign key lookup failed"))
    error = raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES)
    assert type(error) is RepositoryError
    assert error.detail == "There was an error during data processing"


def test_wrap_attribute_error() -> None:
    inner = AttributeError("'NoneType' object has no attribute 'name'")
    error = raised(inner)
    assert type(error) is RepositoryError
    assert error.detail == f"An attribute error occurred during processing: {inner}"
    assert raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES).detail == "There was an error during data processing"


@pytest.mark.parametrize(
    "inner",
    [
        NotFoundError("x"),
        sa_exc.MultipleResultsFound("x"),
        sa_integrity(ORACLE_DUP),
        StaleDataError("x"),
        sa_exc.InvalidRequestError("x"),
        sa_exc.OperationalError("SELECT 1", {}, FakeDriverError("x")),
        sa_exc.SQLAlchemyError("x"),
        AttributeError("x"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_wrap_exceptions_false_reraises_untouched(inner: BaseException) -> None:
    assert raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES, wrap_exceptions=False) is inner


def test_library_integrity_error_passes_through_nested_wrappers() -> None:
    original = sa_integrity(COCKROACH_DUP)

    def nested() -> None:
        with wrap_sqlalchemy_exception(DEFAULT_ERROR_MESSAGE_TEMPLATES):
            with wrap_sqlalchemy_exception({"duplicate_key": "inner message"}):
                raise original

    with pytest.raises(DuplicateKeyError) as info:
        nested()
    assert info.value.detail == "inner message"
    assert info.value.__cause__ is original


def test_unrelated_errors_pass_through() -> None:
    inner = ValueError("not ours")
    assert raised(inner, DEFAULT_ERROR_MESSAGE_TEMPLATES) is inner
    other = SerializationError("library error")
    assert raised(other) is other


def test_no_error_no_effect() -> None:
    with wrap_sqlalchemy_exception(DEFAULT_ERROR_MESSAGE_TEMPLATES, "postgresql"):
        value = 1
    assert value == 1
