"""The native upsert builders of ``advanced_alchemy.operations`` executed on real databases."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, UniqueConstraint, func, select
from sqlalchemy.orm import registry

from advanced_alchemy.operations import OnConflictUpsert, resolve_upsert_strategy

CREATED = datetime.datetime(2020, 1, 1, 0, 0, 0)
TOUCHED = datetime.datetime(2030, 6, 1, 12, 0, 0)


class Item:
    """Mapped imperatively onto each test's table, to stand for ``model_type``."""


@pytest.fixture
def items(engine: Engine) -> Iterator[Table]:
    """A fresh ``ops_<hex>`` table: integer key, a unique ``code``, insert-only and onupdate timestamps."""
    metadata = MetaData()
    table = Table(
        f"ops_{uuid.uuid4().hex[:10]}",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("code", String(20), nullable=False),
        Column("qty", Integer),
        Column("note", String(50)),
        Column("created_at", DateTime, default=lambda: CREATED),
        Column("updated_at", DateTime, default=lambda: CREATED, onupdate=lambda: TOUCHED),
        UniqueConstraint("code"),
    )
    metadata.create_all(engine)
    yield table
    metadata.drop_all(engine)


def rows_of(engine: Engine, table: Table) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table.c.id, table.c.code, table.c.qty).order_by(table.c.id))]


def test_create_upsert_inserts_then_updates(engine: Engine, items: Table) -> None:
    name = engine.dialect.name
    with engine.begin() as conn:
        conn.execute(OnConflictUpsert.create_upsert(items, {"id": 1, "code": "a", "qty": 1}, ["id"], dialect_name=name))
        conn.execute(OnConflictUpsert.create_upsert(items, {"id": 1, "code": "a", "qty": 5}, ["id"], dialect_name=name))
    assert rows_of(engine, items) == [(1, "a", 5)]
    with engine.begin() as conn:  # matched on the unique constraint: the key is kept, qty moves
        stmt = OnConflictUpsert.create_upsert(
            items, {"id": 99, "code": "a", "qty": 7}, ["code"], update_columns=["qty"], dialect_name=name
        )
        conn.execute(stmt)
    assert rows_of(engine, items) == [(1, "a", 7)]
    with engine.begin() as conn:  # nothing to update: the row is left as it is
        conn.execute(OnConflictUpsert.create_upsert(items, {"id": 1, "code": "a"}, ["id"], dialect_name=name))
    assert rows_of(engine, items) == [(1, "a", 7)]


def test_create_upsert_many_updates_without_duplicates(engine: Engine, items: Table) -> None:
    name = engine.dialect.name
    first = [{"id": i, "code": f"c{i}", "qty": i} for i in range(1, 4)]
    with engine.begin() as conn:
        conn.execute(OnConflictUpsert.create_upsert_many(items, first, ["id"], dialect_name=name))
    assert rows_of(engine, items) == [(1, "c1", 1), (2, "c2", 2), (3, "c3", 3)]
    second = [{"id": 2, "code": "c2", "qty": 20}, {"id": 3, "code": "c3", "qty": 30}, {"id": 4, "code": "c4", "qty": 4}]
    with engine.begin() as conn:
        conn.execute(OnConflictUpsert.create_upsert_many(items, second, ["id"], dialect_name=name))
    assert rows_of(engine, items) == [(1, "c1", 1), (2, "c2", 20), (3, "c3", 30), (4, "c4", 4)]


def test_create_upsert_many_onupdate_keeps_insert_defaults(engine: Engine, items: Table) -> None:
    name = engine.dialect.name
    mapper_registry = registry()
    model = type("Item", (Item,), {})
    mapper_registry.map_imperatively(model, items)
    try:
        rows = [{"id": 1, "code": "x", "qty": 1}, {"id": 2, "code": "y", "qty": 2}]
        with engine.begin() as conn:
            conn.execute(
                OnConflictUpsert.create_upsert_many(items, rows, ["code"], dialect_name=name, model_type=model)
            )
            conn.execute(
                OnConflictUpsert.create_upsert_many(
                    items, [{"id": 1, "code": "x", "qty": 10}], ["code"], dialect_name=name, model_type=model
                )
            )
        with engine.connect() as conn:
            stored = {
                r.code: (r.qty, r.created_at, r.updated_at)
                for r in conn.execute(select(items.c.code, items.c.qty, items.c.created_at, items.c.updated_at))
            }
        assert stored == {"x": (10, CREATED, TOUCHED), "y": (2, CREATED, CREATED)}
    finally:
        mapper_registry.dispose()


def test_upsert_returning_where_supported(engine: Engine, items: Table) -> None:
    name = engine.dialect.name
    strategy = resolve_upsert_strategy(items, ["id"], engine.dialect)
    if name in {"mysql", "mariadb"}:  # a primary key and a unique code: ON DUPLICATE KEY could hit either
        assert strategy.kind == "fallback"
        pytest.skip(f"{name}: no RETURNING for upserts")
    assert strategy.kind == "on_conflict"
    assert strategy.supports_returning
    with engine.begin() as conn:
        conn.execute(
            OnConflictUpsert.create_upsert(items, {"id": 1, "code": "r1", "qty": 1}, ["id"], dialect_name=name)
        )
        rows = [{"id": 1, "code": "r1", "qty": 11}, {"id": 2, "code": "r2", "qty": 2}]
        stmt = OnConflictUpsert.create_upsert_many(items, rows, ["id"], dialect_name=name)
        returned = sorted(tuple(r) for r in conn.execute(stmt.returning(items.c.id, items.c.qty)))
        single = OnConflictUpsert.create_upsert(items, {"id": 2, "code": "r2", "qty": 22}, ["id"], dialect_name=name)
        one = conn.execute(single.returning(items.c.qty)).scalar_one()
    assert returned == [(1, 11), (2, 2)]
    assert one == 22
    assert rows_of(engine, items) == [(1, "r1", 11), (2, "r2", 22)]


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
def test_postgresql_merge_upsert_and_merge_many(engine: Engine, items: Table) -> None:
    with engine.connect() as conn:
        if conn.dialect.server_version_info < (15,):
            pytest.skip("MERGE needs PostgreSQL 15")
    with engine.begin() as conn:
        for qty in (1, 2):  # the second statement reuses the cached compiled form with its own values
            stmt, extra = OnConflictUpsert.create_merge_upsert(
                items, {"id": 1, "code": "m", "qty": qty}, ["code"], dialect_name="postgresql"
            )
            assert extra == {}
            conn.execute(stmt)
    assert rows_of(engine, items) == [(1, "m", 2)]
    with engine.connect() as conn:
        updated_at = conn.execute(select(items.c.updated_at)).scalar_one()
    assert updated_at == TOUCHED
    rows = [{"id": 1, "code": "m", "qty": 3}, {"id": 2, "code": "n", "qty": 4}]
    with engine.begin() as conn:
        conn.execute(OnConflictUpsert.create_merge_many(items, rows, ["id"], dialect_name="postgresql"))
        conn.execute(OnConflictUpsert.create_merge_many(items, rows[1:], ["id"], dialect_name="postgresql"))
        assert conn.execute(select(func.count()).select_from(items)).scalar_one() == 2
    assert rows_of(engine, items) == [(1, "m", 3), (2, "n", 4)]
