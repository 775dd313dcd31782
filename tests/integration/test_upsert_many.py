"""Native bulk upsert: one statement per chunk, input order, audit columns, fallbacks, failures, concurrency."""

from __future__ import annotations

import datetime
import threading
from typing import Any, Optional

import pytest
from repository_support import run_scenario
from sqlalchemy import Engine, MetaData, String, event, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from support import Backend, compile_sql

from advanced_alchemy._core import ops
from advanced_alchemy._core.context import CallContext
from advanced_alchemy._core.model_info import model_info
from advanced_alchemy.exceptions import DuplicateKeyError
from advanced_alchemy.mixins import AuditColumns, BigIntPrimaryKey
from advanced_alchemy.repository import SQLAlchemySyncRepository


class UpsertBase(DeclarativeBase):
    metadata = MetaData()


class Stock(AuditColumns, UpsertBase):
    """One unique key (the primary key), so every dialect, MariaDB included, can upsert natively."""

    __tablename__ = "upsert_stock"
    sku: Mapped[str] = mapped_column(String(20), primary_key=True)
    qty: Mapped[int] = mapped_column()
    note: Mapped[Optional[str]] = mapped_column(String(50), default=None)


class Account(BigIntPrimaryKey, AuditColumns, UpsertBase):
    """A sequence-backed surrogate key plus unique natural keys; MySQL/MariaDB must fall back (several keys)."""

    __tablename__ = "upsert_account"
    email: Mapped[str] = mapped_column(String(50), unique=True)
    handle: Mapped[str] = mapped_column(String(50), unique=True)
    score: Mapped[int] = mapped_column(default=0)


@pytest.fixture
def upsert_backend(backend: Backend) -> Any:
    backend.create_all(UpsertBase.metadata)
    yield backend
    backend.drop_all(UpsertBase.metadata)


_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN")


class StatementLog:
    """Statements sent to the database while active (transaction control kept apart)."""

    def __init__(self, engine: Any) -> None:
        self.engine = getattr(engine, "sync_engine", engine)
        self.statements: list[str] = []
        self.transaction_control: list[str] = []

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        flat = " ".join(statement.split()).upper()
        (self.transaction_control if flat.startswith(_TRANSACTION_CONTROL) else self.statements).append(flat)

    def __enter__(self) -> StatementLog:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)

    def starting(self, word: str) -> list[str]:
        return [s for s in self.statements if s.startswith(word)]


def test_upsert_many_is_one_statement_per_chunk_and_keeps_input_order(upsert_backend: Backend) -> None:
    log = StatementLog(upsert_backend.engine)

    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([Stock(sku=f"s{i:02d}", qty=i) for i in range(0, 20, 2)], auto_commit=True)
        before = {s.sku: s.created_at for s in await repo.get_many()}
        incoming = [Stock(sku=f"s{i:02d}", qty=100 + i) for i in reversed(range(20))]
        with log:
            result = await repo.upsert_many(incoming, chunk_size=7, auto_commit=True)
        assert [s.sku for s in result] == [s.sku for s in incoming]
        assert [s.qty for s in result] == [100 + i for i in reversed(range(20))]
        rows = {s.sku: s for s in await repo.get_many()}
        assert len(rows) == 20
        for sku, created in before.items():
            assert rows[sku].created_at == created  # insert-only default kept on update
            assert rows[sku].updated_at > created  # onupdate applied
        assert [item.sku for item in incoming] == [s.sku for s in result]

    run_scenario(upsert_backend, scenario, Stock)
    writes = log.starting("INSERT") + log.starting("MERGE")
    assert len(writes) == 3, log.statements  # 20 rows, chunks of 7
    assert not log.starting("UPDATE")
    savepoints = [s for s in log.transaction_control if s.startswith("SAVEPOINT")]
    assert len(savepoints) == (0 if upsert_backend.dialect_name == "duckdb" else 1)  # one for the whole batch
    assert len(log.statements) <= 3 * 2 + 2  # a re-SELECT per chunk at most (no RETURNING), plus commit noise


def test_upsert_many_on_a_unique_natural_key(upsert_backend: Backend) -> None:
    log = StatementLog(upsert_backend.engine)

    async def scenario(session: Any, repo: Any) -> None:
        first = await repo.add_many([Account(email=f"u{i}@x.io", handle=f"h{i}", score=i) for i in range(3)])
        await session.commit()
        ids = {a.email: a.id for a in first}
        incoming = [Account(email=f"u{i}@x.io", handle=f"h{i}", score=10 * i) for i in range(5)]
        with log:
            result = await repo.upsert_many(incoming, match_fields=["email"], auto_commit=True)
        assert [a.email for a in result] == [f"u{i}@x.io" for i in range(5)]
        assert [a.score for a in result] == [0, 10, 20, 30, 40]
        for account in result[:3]:
            assert account.id == ids[account.email]  # updated in place
        assert all(a.id is not None for a in incoming)  # keys copied onto the input objects
        assert await repo.count() == 5

    run_scenario(upsert_backend, scenario, Account)
    if upsert_backend.dialect_name in {"mysql", "mariadb"}:
        assert log.statements[0].startswith("SELECT")  # two unique keys: the select-then-write fallback
    else:
        assert len(log.starting("INSERT")) == 1
        assert "ON CONFLICT" in log.starting("INSERT")[0]


def test_no_merge_and_mixed_rows_use_the_fallback(upsert_backend: Backend) -> None:
    log = StatementLog(upsert_backend.engine)

    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([Stock(sku="a", qty=1), Stock(sku="b", qty=2)], auto_commit=True)
        with log:
            await repo.upsert_many([Stock(sku="a", qty=5), Stock(sku="c", qty=3)], no_merge=True, auto_commit=True)
        assert log.statements[0].startswith("SELECT")
        log.statements.clear()
        with log:  # the second row sets a column the first leaves out: different update sets
            result = await repo.upsert_many([Stock(sku="b", qty=7), Stock(sku="d", qty=4, note="n")], auto_commit=True)
        assert log.statements[0].startswith("SELECT")
        assert [(s.sku, s.qty, s.note) for s in result] == [("b", 7, None), ("d", 4, "n")]
        assert sorted((s.sku, s.qty) for s in await repo.get_many()) == [("a", 5), ("b", 7), ("c", 3), ("d", 4)]

    run_scenario(upsert_backend, scenario, Stock)


def test_empty_batch_sends_nothing_and_bad_chunk_size_raises(upsert_backend: Backend) -> None:
    log = StatementLog(upsert_backend.engine)

    async def scenario(session: Any, repo: Any) -> None:
        with log:
            assert await repo.upsert_many([]) == []
        assert log.statements == []
        with pytest.raises(ValueError, match="chunk_size"):
            await repo.upsert_many([Stock(sku="a", qty=1)], chunk_size=0)
        with pytest.raises(ValueError, match="more than once"):
            await repo.upsert_many([Stock(sku="a", qty=1), Stock(sku="a", qty=2)])

    run_scenario(upsert_backend, scenario, Stock)


def test_failed_native_upsert_commits_nothing(upsert_backend: Backend) -> None:
    """A conflict on another unique key fails the statement; with auto_commit nothing of the batch is kept."""

    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([Account(email="a@x.io", handle="taken")], auto_commit=True)
        batch = [Account(email=f"n{i}@x.io", handle=f"new{i}") for i in range(50)]
        batch.append(Account(email="z@x.io", handle="taken"))
        with pytest.raises(DuplicateKeyError):
            await repo.upsert_many(batch, match_fields=["email"], chunk_size=20, auto_commit=True)
        await session.rollback()
        assert await repo.count() == 1

    run_scenario(upsert_backend, scenario, Account)


@pytest.mark.compile
@pytest.mark.parametrize("dialect_name", ["oracle", "mssql"])
def test_merge_dialects_plan_one_merge_per_chunk(dialect_name: str) -> None:
    info = model_info(Stock)
    ctx: CallContext[Stock] = CallContext(info=info, statement=select(Stock), dialect_name=dialect_name)
    data = [Stock(sku="a", qty=1, note="x"), Stock(sku="b", qty=2, note="y")]
    keys = [("a",), ("b",)]
    plan = ops.native_upsert_plan(ctx, data, ["sku"], keys)
    assert plan is not None
    assert plan.strategy.kind == "merge"
    assert "created_at" not in plan.update_columns  # insert-only
    from advanced_alchemy.operations import OnConflictUpsert

    statement = OnConflictUpsert.create_merge_many(info.table, plan.rows, ["sku"], plan.update_columns)
    sql = compile_sql(statement, dialect_name)
    assert sql.upper().startswith("MERGE INTO")
    assert "WHEN MATCHED THEN UPDATE" in sql.upper()
    assert "'a'" not in sql  # values are bound parameters
    if dialect_name == "oracle":
        assert "FROM DUAL" in sql.upper()
    else:
        assert sql.rstrip().endswith(";")
    lacking = [Stock(sku="c", qty=3)]  # `note` would need a value: MERGE needs every value client-side -> fine
    assert ops.native_upsert_plan(ctx, lacking, ["sku"], [("c",)]) is not None


def test_concurrent_upserts_of_overlapping_keys(server_engine: Engine) -> None:
    """8 workers upsert overlapping keys at once: no duplicates and no unhandled error."""
    UpsertBase.metadata.create_all(server_engine, tables=[Stock.__table__])  # type: ignore[list-item]

    class StockRepo(SQLAlchemySyncRepository[Stock]):
        model_type = Stock

    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for round_ in range(5):
                with Session(server_engine, expire_on_commit=False) as session:
                    keys = [f"k{(n * 7 + round_ * 3 + i) % 40:02d}" for i in range(25)]
                    StockRepo(session=session).upsert_many(
                        [Stock(sku=k, qty=n) for k in keys], auto_commit=True, chunk_size=10
                    )
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert errors == []
        with Session(server_engine) as session:
            total = session.scalar(select(func.count()).select_from(Stock))
            distinct = session.scalar(select(func.count(func.distinct(Stock.sku))))
            assert total == distinct
            assert total == 40
            stamps = session.scalars(select(Stock.updated_at)).all()
            assert all(isinstance(s, datetime.datetime) for s in stamps)
    finally:
        UpsertBase.metadata.drop_all(server_engine, tables=[Stock.__table__])  # type: ignore[list-item]
