"""Driver errors from every live backend become the right library errors (spec §1.2).

Each test runs on every backend, sync and async (``backend`` fixture), with the wrapper placed inside
the session callback exactly as the repositories use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional

import pytest
import sqlalchemy.exc as sa_exc
from sqlalchemy import (
    CheckConstraint,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    create_engine,
    event,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import NullPool
from support import Backend

from advanced_alchemy._errors import DEFAULT_ERROR_MESSAGE_TEMPLATES
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
    wrap_sqlalchemy_exception,
)


class ErrBase(DeclarativeBase):
    metadata = MetaData()


class ErrParent(ErrBase):
    __tablename__ = "err_parent"
    __table_args__ = (
        UniqueConstraint("name", name="uq_err_parent_name"),
        CheckConstraint("qty >= 0", name="ck_err_parent_qty"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    code: Mapped[Optional[str]] = mapped_column(String(5), nullable=True)
    qty: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    required: Mapped[Optional[str]] = mapped_column(String(20), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class ErrChild(ErrBase):
    __tablename__ = "err_child"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    parent_id: Mapped[int] = mapped_column(ForeignKey("err_parent.id"), nullable=False)


PARENT_TABLE = ErrBase.metadata.tables["err_parent"]
MESSAGES = pytest.mark.parametrize(
    "messages",
    [None, DEFAULT_ERROR_MESSAGE_TEMPLATES],
    ids=["no-messages", "default-messages"],
)
SYNC_DRIVERS = {"sqlite": "sqlite+pysqlite", "postgres": "postgresql+psycopg", "mariadb": "mysql+pymysql"}


def parent(id_: int, name: str, **kwargs: Any) -> ErrParent:
    values: dict[str, Any] = {"required": "yes", "qty": 1, **kwargs}
    return ErrParent(id=id_, name=name, **values)


def sync_engine(backend: Backend) -> Engine:
    return backend.engine.sync_engine if isinstance(backend.engine, AsyncEngine) else backend.engine


def second_sync_engine(backend: Backend) -> Engine:
    """A separate sync engine on the same database (a second, independent connection)."""
    url = make_url(backend.url).set(drivername=SYNC_DRIVERS[backend.name])
    return create_engine(url, poolclass=NullPool)


@pytest.fixture
def db(backend: Backend) -> Iterator[Backend]:
    backend.create_all(ErrBase.metadata)
    try:
        yield backend
    finally:
        backend.drop_all(ErrBase.metadata)


def seed(backend: Backend, *rows: ErrParent) -> None:
    def go(session: Session) -> None:
        session.add_all(rows)
        session.commit()

    backend.run(go)


def raise_inside(
    backend: Backend, body: Any, messages: Optional[ErrorMessages] = None, *, wrap_exceptions: bool = True
) -> Any:
    """Run ``body(session)`` inside the wrapper and return what escaped it."""

    def go(session: Session) -> None:
        with wrap_sqlalchemy_exception(
            error_messages=messages, dialect_name=backend.dialect_name, wrap_exceptions=wrap_exceptions
        ):
            body(session)

    with pytest.raises(Exception) as info:
        backend.run(go)
    return info.value


def add_and_flush(*objs: Any) -> Any:
    def body(session: Session) -> None:
        session.add_all(objs)
        session.flush()

    return body


def enable_sqlite_foreign_keys(backend: Backend) -> None:
    if backend.name != "sqlite":
        return

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    event.listen(sync_engine(backend), "connect", on_connect)


def assert_integrity(error: BaseException, cls: type[IntegrityError]) -> None:
    assert type(error) is cls
    assert isinstance(error, IntegrityError)
    assert isinstance(error, RepositoryError)
    assert isinstance(error, sa_exc.IntegrityError)
    # the driver's error; mostly a sqlalchemy IntegrityError, but MariaDB reports a failed CHECK (4025) as an
    # OperationalError, which is translated to an IntegrityError all the same
    assert isinstance(error.__cause__, sa_exc.DBAPIError)
    assert not isinstance(error.__cause__, RepositoryError)
    assert error.orig is error.__cause__.orig
    assert error.statement == error.__cause__.statement


# --- duplicate keys ---------------------------------------------------------------------------------


@MESSAGES
def test_duplicate_primary_key(db: Backend, messages: Optional[ErrorMessages]) -> None:
    seed(db, parent(1, "a"))
    error = raise_inside(db, add_and_flush(parent(1, "b")), messages)
    assert_integrity(error, DuplicateKeyError)
    assert isinstance(error.__cause__, sa_exc.IntegrityError)
    if messages is None:
        assert error.detail.startswith("An integrity error occurred: ")
    else:
        assert error.detail == "A record matching the supplied data already exists."
    if db.name == "postgres":
        assert error.constraint_name == "err_parent_pkey"
        assert error.columns == ("id",)
        assert "constraint err_parent_pkey" in str(error)
    elif db.name == "mariadb":
        assert error.constraint_name == "PRIMARY"
    else:  # sqlite and duckdb name the columns
        assert error.columns == ("id",)
        assert "column(s) id" in str(error)


@MESSAGES
def test_duplicate_unique_value(db: Backend, messages: Optional[ErrorMessages]) -> None:
    seed(db, parent(1, "a"))
    error = raise_inside(db, add_and_flush(parent(2, "a")), messages)
    assert_integrity(error, DuplicateKeyError)
    if messages is not None:
        assert error.detail == "A record matching the supplied data already exists."
    if db.name in {"postgres", "mariadb"}:
        assert error.constraint_name == "uq_err_parent_name"
    if db.name != "mariadb":
        assert error.columns == ("name",)


def test_duplicate_key_caught_as_sqlalchemy_integrity_error(db: Backend) -> None:
    """Seed code catching ``sqlalchemy.exc.IntegrityError`` keeps working when the library translated it."""
    seed(db, parent(1, "a"))
    outcome: list[str] = []

    def go(session: Session) -> None:
        try:
            with wrap_sqlalchemy_exception(DEFAULT_ERROR_MESSAGE_TEMPLATES, db.dialect_name):
                session.add(parent(1, "a"))
                session.flush()
        except sa_exc.IntegrityError as exc:
            outcome.append(type(exc).__name__)
            session.rollback()

    db.run(go)
    assert outcome == ["DuplicateKeyError"]


def test_callable_and_missing_messages(db: Backend) -> None:
    seed(db, parent(1, "a"))
    seen: list[BaseException] = []

    def duplicate(exc: Exception) -> str:
        seen.append(exc)
        return f"dup! {type(exc).__name__}"

    error = raise_inside(db, add_and_flush(parent(1, "b")), {"duplicate_key": duplicate})
    assert type(error) is DuplicateKeyError
    assert error.detail == "dup! IntegrityError"
    assert seen == [error.__cause__]

    error = raise_inside(db, add_and_flush(parent(1, "b")), {"integrity": "unused"})
    assert type(error) is DuplicateKeyError
    assert error.detail == f"duplicate_key error: {error.__cause__}"


def test_wrap_exceptions_false_reraises_original(db: Backend) -> None:
    seed(db, parent(1, "a"))
    error = raise_inside(db, add_and_flush(parent(1, "b")), DEFAULT_ERROR_MESSAGE_TEMPLATES, wrap_exceptions=False)
    assert type(error) is sa_exc.IntegrityError
    assert error.__cause__ is None or not isinstance(error.__cause__, RepositoryError)


def test_async_wrapper_around_await(db: Backend) -> None:
    """The wrapper also works around awaited calls on an AsyncSession (how async repositories use it)."""
    if not db.is_async:
        pytest.skip("async drivers only")
    seed(db, parent(1, "a"))

    async def go(session: AsyncSession) -> None:
        with wrap_sqlalchemy_exception(DEFAULT_ERROR_MESSAGE_TEMPLATES, db.dialect_name):
            session.add(parent(1, "a"))
            await session.flush()

    with pytest.raises(DuplicateKeyError) as info:
        db.run_async(go)
    assert info.value.detail == "A record matching the supplied data already exists."
    assert isinstance(info.value.__cause__, sa_exc.IntegrityError)


# --- other constraints ------------------------------------------------------------------------------


@MESSAGES
def test_foreign_key_violation(db: Backend, messages: Optional[ErrorMessages]) -> None:
    enable_sqlite_foreign_keys(db)
    seed(db, parent(1, "a"))
    error = raise_inside(db, add_and_flush(ErrChild(id=1, parent_id=99)), messages)
    assert_integrity(error, ForeignKeyError)
    if messages is not None:
        assert error.detail == "A foreign key is missing or invalid"
    if db.name == "postgres":
        assert error.constraint_name == "err_child_parent_id_fkey"
        assert error.columns == ("parent_id",)
    elif db.name == "mariadb":
        assert error.constraint_name
        assert error.columns == ("parent_id",)


@MESSAGES
def test_check_constraint_violation(db: Backend, messages: Optional[ErrorMessages]) -> None:
    error = raise_inside(db, add_and_flush(parent(1, "a", qty=-1)), messages)
    assert_integrity(error, IntegrityError)
    if messages is not None:
        assert error.detail == "The data failed a check constraint during processing"
    if db.name != "duckdb":  # DuckDB reports the expression, not the name
        assert error.constraint_name == "ck_err_parent_qty"


@MESSAGES
def test_not_null_violation(db: Backend, messages: Optional[ErrorMessages]) -> None:
    error = raise_inside(db, add_and_flush(parent(1, "a", required=None)), messages)
    assert_integrity(error, IntegrityError)
    if messages is not None:
        assert error.detail == "There was a data validation error during processing"
    else:
        assert error.detail.startswith("An integrity error occurred: ")
    if db.name in {"postgres", "mariadb", "sqlite"}:
        assert error.columns == ("required",)


# --- data errors and lock contention -----------------------------------------------------------------


def assert_not_integrity(error: BaseException, phrase: str) -> None:
    assert type(error) is RepositoryError
    assert not isinstance(error, (IntegrityError, sa_exc.IntegrityError))
    assert isinstance(error.__cause__, sa_exc.DBAPIError)
    assert phrase in error.detail
    assert phrase in str(error)


@MESSAGES
def test_string_too_long_is_a_data_error(db: Backend, messages: Optional[ErrorMessages]) -> None:
    if db.name in {"sqlite", "duckdb"}:
        pytest.skip(f"{db.name} does not enforce VARCHAR lengths")
    if db.name == "mariadb":
        sql_mode = db.run(lambda s: s.execute(text("SELECT @@SESSION.sql_mode")).scalar_one())
        assert "STRICT_TRANS_TABLES" in str(sql_mode)
    error = raise_inside(db, add_and_flush(parent(1, "a", code="much too long")), messages)
    assert_not_integrity(error, "data error")


def test_rejected_value_is_a_data_error(db: Backend) -> None:
    if db.name in {"sqlite", "mariadb"}:
        pytest.skip(f"{db.name} casts an invalid number to a value instead of failing")
    error = raise_inside(
        db, lambda s: s.execute(text("SELECT CAST('abc' AS INTEGER)")).all(), DEFAULT_ERROR_MESSAGE_TEMPLATES
    )
    assert_not_integrity(error, "data error")


@MESSAGES
def test_lock_contention(db: Backend, messages: Optional[ErrorMessages]) -> None:
    if db.name == "duckdb":
        pytest.skip("DuckDB has no row locks to contend on")
    seed(db, parent(1, "a"))
    holder = second_sync_engine(db)
    try:
        with holder.connect() as conn:
            trans = conn.begin()
            if db.name == "postgres":
                conn.execute(select(ErrParent.id).where(ErrParent.id == 1).with_for_update())
            else:  # a write takes the row lock (MariaDB) or the database write lock (SQLite)
                conn.execute(update(PARENT_TABLE).where(ErrParent.id == 1).values(code="held"))

            def contend(session: Session) -> None:
                if db.name == "postgres":
                    session.execute(select(ErrParent).where(ErrParent.id == 1).with_for_update(nowait=True)).all()
                    return
                if db.name == "mariadb":
                    session.execute(text("SET SESSION innodb_lock_wait_timeout = 1"))
                else:
                    session.execute(text("PRAGMA busy_timeout = 100"))
                session.execute(update(PARENT_TABLE).where(ErrParent.id == 1).values(code="mine"))

            error = raise_inside(db, contend, messages)
            trans.rollback()
    finally:
        holder.dispose()
    assert_not_integrity(error, "lock")
    assert "contention" in error.detail


# --- ORM-level errors ---------------------------------------------------------------------------------


@MESSAGES
def test_multiple_results_found(db: Backend, messages: Optional[ErrorMessages]) -> None:
    seed(db, parent(1, "a"), parent(2, "b"))
    error = raise_inside(db, lambda s: s.execute(select(ErrParent)).scalar_one(), messages)
    assert type(error) is MultipleResultsFoundError
    assert isinstance(error.__cause__, sa_exc.MultipleResultsFound)
    expected = "Multiple matching rows found" if messages else "Multiple rows matched the specified data"
    assert error.detail == expected


@MESSAGES
def test_not_found_raised_inside(db: Backend, messages: Optional[ErrorMessages]) -> None:
    def body(session: Session) -> None:
        if session.get(ErrParent, 42) is None:
            raise NotFoundError("No item found when one was expected")

    error = raise_inside(db, body, messages)
    assert type(error) is NotFoundError
    assert isinstance(error.__cause__, NotFoundError)
    assert error.__cause__.detail == "No item found when one was expected"
    expected = "The requested resource was not found" if messages else "No rows matched the specified data"
    assert error.detail == expected


def test_invalid_request(db: Backend) -> None:
    error = raise_inside(db, lambda s: s.refresh(parent(5, "detached")), DEFAULT_ERROR_MESSAGE_TEMPLATES)
    assert type(error) is InvalidRequestError
    assert error.detail == "An invalid request was made."
    assert isinstance(error.__cause__, sa_exc.InvalidRequestError)


@MESSAGES
def test_stale_data_is_a_conflict(db: Backend, messages: Optional[ErrorMessages]) -> None:
    if db.name == "duckdb":
        pytest.skip("duckdb-engine reports no updated rowcount, so SQLAlchemy cannot detect stale versions")
    seed(db, parent(1, "a"))

    def load(session: Session) -> ErrParent:
        return session.get_one(ErrParent, 1)

    stale = db.run(load, expire_on_commit=False)  # session A reads version 1, then closes

    def bump(session: Session) -> None:  # session B changes the row
        session.get_one(ErrParent, 1).code = "B"
        session.commit()

    db.run(bump)
    assert db.run(lambda s: s.get_one(ErrParent, 1).version) == 2

    def write_stale(session: Session) -> None:  # session A writes from what it read
        session.add(stale)
        stale.code = "A"
        session.flush()

    error = raise_inside(db, write_stale, messages)
    assert type(error) is ConflictError
    assert isinstance(error, RepositoryError)
    assert not isinstance(error, (IntegrityError, sa_exc.IntegrityError))
    assert isinstance(error.__cause__, StaleDataError)


@MESSAGES
def test_other_statement_error(db: Backend, messages: Optional[ErrorMessages]) -> None:
    error = raise_inside(db, lambda s: s.execute(text("SELECT * FROM err_no_such_table")).all(), messages)
    assert type(error) is RepositoryError
    assert isinstance(error.__cause__, sa_exc.DBAPIError)
    if messages is None:
        assert error.detail.startswith("An exception occurred: ")
    else:
        assert error.detail == "There was an error during data processing"


def test_attribute_error(db: Backend) -> None:
    def body(session: Session) -> None:
        session.get(ErrParent, 1).name  # type: ignore[union-attr]  # noqa: B018

    error = raise_inside(db, body)
    assert type(error) is RepositoryError
    assert isinstance(error.__cause__, AttributeError)
    assert error.detail.startswith("An attribute error occurred during processing: ")


@pytest.mark.parametrize("factory", [add_and_flush, None], ids=["integrity", "multiple-rows"])
def test_unwrapped_errors_pass_through(db: Backend, factory: Any) -> None:
    seed(db, parent(1, "a"), parent(2, "b"))
    body = factory(parent(1, "b")) if factory else (lambda s: s.execute(select(ErrParent)).scalar_one())
    original: list[BaseException] = []

    def capture(session: Session) -> None:
        try:
            body(session)
        except Exception as exc:
            original.append(exc)
            raise

    error = raise_inside(db, capture, DEFAULT_ERROR_MESSAGE_TEMPLATES, wrap_exceptions=False)
    assert error is original[0]
    assert not isinstance(error, RepositoryError)
