"""The upsert builders of ``advanced_alchemy.operations``, compiled for each dialect and asserted on their SQL."""

from __future__ import annotations

import datetime
import re
import sqlite3
import uuid
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Sequence,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.dialects import mssql, mysql, oracle, postgresql, sqlite
from sqlalchemy.schema import ColumnDefault
from support import compile_sql, dialect

from advanced_alchemy import operations
from advanced_alchemy.operations import (
    MergeStatement,
    OnConflictUpsert,
    UpsertStrategy,
    resolve_column_default,
    resolve_upsert_strategy,
    validate_identifier,
)

pytestmark = pytest.mark.compile

FIXED_NOW = datetime.datetime(2024, 1, 2, 3, 4, 5)

metadata = MetaData()
widget = Table(
    "widget",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(50), nullable=False),
    Column("qty", Integer),
    Column("created_at", DateTime, default=lambda: FIXED_NOW),
    Column("updated_at", DateTime, default=lambda: FIXED_NOW, onupdate=lambda: FIXED_NOW),
    UniqueConstraint("name", name="uq_widget_name"),
)
gadget = Table(
    "gadget",
    metadata,
    Column("id", Uuid, primary_key=True, default=uuid.uuid4),
    Column("code", String(20), nullable=False),
    Column("label", String(50)),
    Index("ix_gadget_code", "code", unique=True),
)
seq_table = Table(
    "seq_item",
    metadata,
    Column("id", Integer, Sequence("seq_item_id_seq"), primary_key=True),
    Column("sku", String(20), unique=True),
    Column("price", Integer),
)
two_keys = Table(
    "two_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(50), unique=True),
    Column("handle", String(50)),
)
plain = Table("plain", metadata, Column("id", Integer, primary_key=True), Column("note", String(20)))

ON_CONFLICT_DIALECTS = [
    pytest.param(postgresql.dialect(), id="postgresql"),
    pytest.param(sqlite.dialect(), id="sqlite"),
]


def sql_for(statement: Any, dialect_obj: Any) -> str:
    return " ".join(str(statement.compile(dialect=dialect_obj)).split())


# --- validate_identifier ------------------------------------------------------------------------


def test_validate_identifier_accepts_plain_names() -> None:
    assert validate_identifier("user_id") == "user_id"
    assert validate_identifier("_Col9", "column") == "_Col9"


def test_validate_identifier_rejects_empty_and_unsafe_names() -> None:
    with pytest.raises(ValueError, match="^Empty identifier name provided$"):
        validate_identifier("")
    with pytest.raises(ValueError, match="^Empty column name provided$"):
        validate_identifier("", "column")
    with pytest.raises(ValueError) as info:
        validate_identifier("name; DROP TABLE x", "column")
    assert str(info.value) == (
        "Invalid column name: 'name; DROP TABLE x'. Only alphanumeric characters and underscores are allowed."
    )
    for bad in ("1abc", "a-b", "a b", 'a"b'):
        with pytest.raises(ValueError, match="Invalid identifier name"):
            validate_identifier(bad)


def test_public_names() -> None:
    assert set(operations.__all__) == {
        "MergeStatement",
        "OnConflictUpsert",
        "UpsertKind",
        "UpsertStrategy",
        "resolve_column_default",
        "resolve_upsert_strategy",
        "validate_identifier",
    }


# --- ON CONFLICT / ON DUPLICATE KEY ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "native"),
    [
        ("postgresql", True),
        ("cockroachdb", True),
        ("sqlite", True),
        ("mysql", True),
        ("mariadb", True),
        ("duckdb", True),
        ("oracle", False),
        ("mssql", False),
        ("spanner", False),
    ],
)
def test_supports_native_upsert(name: str, native: bool) -> None:
    assert OnConflictUpsert.supports_native_upsert(name) is native


@pytest.mark.parametrize("dialect_obj", ON_CONFLICT_DIALECTS)
def test_create_upsert_on_conflict(dialect_obj: Any) -> None:
    stmt = OnConflictUpsert.create_upsert(widget, {"name": "w", "qty": 3}, ["name"], dialect_name=dialect_obj.name)
    sql = sql_for(stmt, dialect_obj)
    assert sql.startswith("INSERT INTO widget (")
    assert "ON CONFLICT (name) DO UPDATE SET qty = excluded.qty" in sql
    assert "name = excluded.name" not in sql


@pytest.mark.parametrize("name", ["duckdb", "cockroachdb"])
def test_create_upsert_postgresql_family(name: str) -> None:
    stmt = OnConflictUpsert.create_upsert(widget, {"id": 1, "name": "w"}, ["id"], dialect_name=name)
    sql = " ".join(compile_sql(stmt, name).split())
    assert "ON CONFLICT (id) DO UPDATE SET name = excluded.name" in sql


def test_create_upsert_explicit_update_columns_and_do_nothing() -> None:
    values = {"id": 1, "name": "w", "qty": 2}
    stmt = OnConflictUpsert.create_upsert(widget, values, ["id"], update_columns=["qty"], dialect_name="postgresql")
    assert "DO UPDATE SET qty = excluded.qty" in sql_for(stmt, postgresql.dialect())
    nothing = OnConflictUpsert.create_upsert(widget, {"name": "w"}, ["name"], dialect_name="sqlite")
    assert sql_for(nothing, sqlite.dialect()).endswith("ON CONFLICT (name) DO NOTHING")


@pytest.mark.parametrize("name", ["mysql", "mariadb"])
def test_create_upsert_on_duplicate_key(name: str) -> None:
    stmt = OnConflictUpsert.create_upsert(widget, {"name": "w", "qty": 3}, ["name"], dialect_name=name)
    sql = sql_for(stmt, mysql.dialect())
    assert sql.endswith("ON DUPLICATE KEY UPDATE qty = VALUES(qty)")
    nothing = OnConflictUpsert.create_upsert(widget, {"name": "w"}, ["name"], dialect_name=name)
    assert sql_for(nothing, mysql.dialect()).endswith("ON DUPLICATE KEY UPDATE name = widget.name")


@pytest.mark.parametrize("name", ["oracle", "mssql", "spanner", "bogus", None])
def test_create_upsert_unsupported_dialect(name: str | None) -> None:
    with pytest.raises(NotImplementedError, match=f"Native upsert not supported for dialect '{name}'"):
        OnConflictUpsert.create_upsert(widget, {"name": "w"}, ["name"], dialect_name=name)
    with pytest.raises(NotImplementedError, match="Native upsert not supported"):
        OnConflictUpsert.create_upsert_many(widget, [{"name": "w"}], ["name"], dialect_name=name)


def test_create_upsert_validates_identifiers_on_request() -> None:
    odd = Table("odd", MetaData(), Column("id", Integer, primary_key=True), Column("bad name", String(5)))
    values = {"id": 1, "bad name": "x"}
    assert OnConflictUpsert.create_upsert(odd, values, ["id"], dialect_name="postgresql") is not None
    with pytest.raises(ValueError, match="Invalid column name: 'bad name'"):
        OnConflictUpsert.create_upsert(odd, values, ["id"], dialect_name="postgresql", validate_identifiers=True)
    bad_table = Table("bad-table", MetaData(), Column("id", Integer, primary_key=True))
    with pytest.raises(ValueError, match="Invalid table name: 'bad-table'"):
        OnConflictUpsert.create_upsert(bad_table, {"id": 1}, ["id"], dialect_name="sqlite", validate_identifiers=True)


def test_create_upsert_unknown_conflict_column() -> None:
    with pytest.raises(ValueError, match="no column 'nope'"):
        OnConflictUpsert.create_upsert(widget, {"name": "w"}, ["nope"], dialect_name="postgresql")


@pytest.mark.parametrize("dialect_obj", ON_CONFLICT_DIALECTS)
def test_create_upsert_many_is_one_multi_values_statement(dialect_obj: Any) -> None:
    rows = [{"id": 1, "name": "a", "qty": 1}, {"id": 2, "name": "b", "qty": 2}]
    stmt = OnConflictUpsert.create_upsert_many(widget, rows, ["id"], dialect_name=dialect_obj.name)
    compiled = stmt.returning(widget.c.id).compile(dialect=dialect_obj)
    sql = " ".join(str(compiled).split())
    assert sql.count("), (") == 1  # two VALUES tuples
    assert "ON CONFLICT (id) DO UPDATE SET name = excluded.name, qty = excluded.qty" in sql
    assert "RETURNING " in sql
    assert "updated_at = " not in sql.split("ON CONFLICT")[1]  # without model_type, no onupdate handling


def test_create_upsert_many_sets_python_onupdate_with_model_type() -> None:
    rows = [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    stmt = OnConflictUpsert.create_upsert_many(widget, rows, ["id"], dialect_name="postgresql", model_type=object)
    compiled = stmt.compile(dialect=postgresql.dialect())
    update_part = str(compiled).split("ON CONFLICT")[1]
    assert "name = excluded.name" in update_part
    assert "updated_at = %(updated_at_onupdate_1)s" in update_part
    assert "created_at" not in update_part  # insert-only default is never overwritten
    assert compiled.params["updated_at_onupdate_1"] == FIXED_NOW
    explicit = OnConflictUpsert.create_upsert_many(
        widget, [{"id": 1, "updated_at": FIXED_NOW}], ["id"], dialect_name="sqlite", model_type=object
    )
    assert "updated_at = excluded.updated_at" in sql_for(explicit, sqlite.dialect())


def test_create_upsert_many_mysql_and_empty_rows() -> None:
    rows = [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    sql = sql_for(OnConflictUpsert.create_upsert_many(widget, rows, ["id"], dialect_name="mariadb"), mysql.dialect())
    assert "VALUES (%s, %s, %s, %s), (%s, %s, %s, %s)" in sql
    assert sql.endswith("ON DUPLICATE KEY UPDATE name = VALUES(name)")
    with pytest.raises(ValueError, match="At least one row"):
        OnConflictUpsert.create_upsert_many(widget, [], ["id"], dialect_name="sqlite")


# --- MERGE ----------------------------------------------------------------------------------------------


def test_merge_upsert_oracle_uses_dual_and_binds() -> None:
    stmt, extra = OnConflictUpsert.create_merge_upsert(
        widget, {"name": "SECRET_NAME", "qty": 424242}, ["name"], dialect_name="oracle"
    )
    assert isinstance(stmt, MergeStatement)
    assert extra == {}  # integer PK without a Python default generates nothing
    compiled = stmt.compile(dialect=oracle.dialect())
    sql = " ".join(str(compiled).split())
    assert sql.startswith("MERGE INTO widget tgt USING (SELECT :name AS name, :qty AS qty")
    assert "FROM DUAL) src ON (tgt.name = src.name)" in sql
    assert "WHEN MATCHED THEN UPDATE SET tgt.qty = src.qty" in sql
    assert "WHEN NOT MATCHED THEN INSERT (name, qty, created_at, updated_at) VALUES (src.name, src.qty" in sql
    assert "SECRET_NAME" not in sql
    assert "424242" not in sql
    assert compiled.params["name"] == "SECRET_NAME"
    assert compiled.params["qty"] == 424242
    assert " AS tgt" not in sql  # Oracle rejects AS before a table alias


def test_merge_upsert_generates_callable_pk_and_uses_sequences() -> None:
    stmt, extra = OnConflictUpsert.create_merge_upsert(
        gadget, {"code": "c1", "label": "x"}, ["code"], dialect_name="oracle"
    )
    assert set(extra) == {"id"}
    assert isinstance(extra["id"], uuid.UUID)
    compiled = stmt.compile(dialect=oracle.dialect())
    assert compiled.params["id"] == extra["id"]
    assert "INSERT (id, code, label) VALUES (src.id, src.code, src.label)" in str(compiled)

    seq_stmt, seq_extra = OnConflictUpsert.create_merge_upsert(
        seq_table, {"sku": "s", "price": 1}, ["sku"], dialect_name="oracle"
    )
    assert seq_extra == {}
    seq_sql = sql_for(seq_stmt, oracle.dialect())
    assert "INSERT (id, sku, price) VALUES (seq_item_id_seq.nextval, src.sku, src.price)" in seq_sql


def test_merge_upsert_onupdate_and_literal_rendering() -> None:
    stmt, _ = OnConflictUpsert.create_merge_upsert(widget, {"id": 5, "name": "n"}, ["id"], dialect_name="oracle")
    sql = sql_for(stmt, oracle.dialect())
    assert "UPDATE SET tgt.name = src.name, tgt.updated_at = :updated_at_onupdate_1" in sql
    assert "tgt.created_at" not in sql
    literal = str(stmt.compile(dialect=oracle.dialect(), compile_kwargs={"literal_binds": True}))
    assert "SELECT 5 AS id, 'n' AS name" in literal


def test_merge_upsert_postgresql_and_mssql() -> None:
    stmt, _ = OnConflictUpsert.create_merge_upsert(widget, {"name": "p", "qty": 9}, ["name"], dialect_name="postgresql")
    pg = re.sub(
        r"::[A-Z]+(\([0-9, ]+\))?( WITH(OUT)? TIME ZONE)?", "", sql_for(stmt, postgresql.dialect())
    )  # 2.1 casts
    assert pg.startswith("MERGE INTO widget AS tgt USING (SELECT %(name)s AS name, %(qty)s AS qty")
    assert ") AS src ON (tgt.name = src.name) WHEN MATCHED THEN UPDATE SET qty = src.qty" in pg
    ms = sql_for(stmt, mssql.dialect())
    assert ms.startswith("MERGE INTO widget WITH (HOLDLOCK) AS tgt USING (SELECT")
    assert "UPDATE SET tgt.qty = src.qty" in ms
    assert ms.endswith(";")


@pytest.mark.parametrize("dialect_obj", [oracle.dialect(), mssql.dialect(), postgresql.dialect()], ids=str)
def test_merge_many_compiles_union_of_bound_rows(dialect_obj: Any) -> None:
    rows = [{"sku": "AAA_SKU", "price": 111111}, {"sku": "BBB_SKU", "price": 222222}]
    stmt = OnConflictUpsert.create_merge_many(seq_table, rows, ["sku"], dialect_name=dialect_obj.name)
    compiled = stmt.compile(dialect=dialect_obj)
    sql = " ".join(str(compiled).split())
    assert sql.startswith("MERGE INTO seq_item")
    assert sql.count("UNION ALL") == 1
    for literal in ("AAA_SKU", "BBB_SKU", "111111", "222222"):
        assert literal not in sql
    assert sorted(v for v in compiled.params.values() if isinstance(v, str)) == ["AAA_SKU", "BBB_SKU"]
    if dialect_obj.name == "oracle":
        assert sql.count("FROM DUAL") == 2
        assert "seq_item_id_seq.nextval" in sql
    if dialect_obj.name == "mssql":
        assert sql.endswith(";")
        assert "NEXT VALUE FOR seq_item_id_seq" in sql
    if dialect_obj.name == "postgresql":
        assert "nextval('seq_item_id_seq')" in sql


def test_merge_many_fills_missing_values_per_row() -> None:
    rows = [{"code": "a", "label": "x"}, {"code": "b"}]
    stmt = OnConflictUpsert.create_merge_many(gadget, rows, ["code"], dialect_name="mssql")
    params = stmt.compile(dialect=mssql.dialect()).params
    generated_ids = [v for v in params.values() if isinstance(v, uuid.UUID)]
    assert len(set(generated_ids)) == 2  # one generated key per row
    assert None in params.values()  # the second row has no label


def test_merge_unsupported_dialects() -> None:
    stmt, _ = OnConflictUpsert.create_merge_upsert(widget, {"name": "w"}, ["name"])
    for dialect_obj in (sqlite.dialect(), mysql.dialect()):
        with pytest.raises(
            NotImplementedError, match=f"MERGE statement not supported for dialect '{dialect_obj.name}'"
        ):
            stmt.compile(dialect=dialect_obj)


def test_merge_statement_direct_construction() -> None:
    src = select(bindparam("v", "x").label("name")).subquery("src")
    stmt = MergeStatement(
        widget,
        src,
        widget.c.name == src.c.name,
        when_matched_update={"qty": 1},
        when_not_matched_insert={"name": src.c.name, "qty": 0},
    )
    assert stmt.table is widget
    assert stmt.source is src
    assert stmt.when_matched_update == {"qty": 1}
    sql = sql_for(stmt, oracle.dialect())
    assert "ON (tgt.name = src.name)" in sql  # conditions on the table are rendered against the target alias
    assert "UPDATE SET tgt.qty = :qty_1" in sql
    raw = MergeStatement(widget, "SELECT 'a' AS name FROM DUAL", text("tgt.name = src.name"), {"qty": 2})
    raw_sql = sql_for(raw, oracle.dialect())
    assert "USING (SELECT 'a' AS name FROM DUAL) src ON (tgt.name = src.name)" in raw_sql
    assert "WHEN NOT MATCHED" not in raw_sql
    with pytest.raises(ValueError, match="MERGE needs"):
        MergeStatement(widget, src, widget.c.name == src.c.name)


def test_merge_statement_cache_key_tracks_values() -> None:
    first, _ = OnConflictUpsert.create_merge_upsert(
        widget, {"name": "a", "qty": 1}, ["name"], dialect_name="postgresql"
    )
    second, _ = OnConflictUpsert.create_merge_upsert(
        widget, {"name": "b", "qty": 2}, ["name"], dialect_name="postgresql"
    )
    key1, key2 = first._generate_cache_key(), second._generate_cache_key()
    assert key1 is not None
    assert key2 is not None
    assert key1 == key2  # same shape: the compiled form is shared
    assert [b.value for b in key1.bindparams][:2] == ["a", 1]
    assert [b.value for b in key2.bindparams][:2] == ["b", 2]
    other, _ = OnConflictUpsert.create_merge_upsert(widget, {"name": "b"}, ["name"], dialect_name="postgresql")
    assert other._generate_cache_key() != key1


def test_merge_validates_identifiers() -> None:
    odd = Table("odd2", MetaData(), Column("id", Integer, primary_key=True), Column("bad name", String(5)))
    with pytest.raises(ValueError, match="Invalid column name"):
        OnConflictUpsert.create_merge_upsert(
            odd, {"id": 1, "bad name": "x"}, ["id"], dialect_name="oracle", validate_identifiers=True
        )
    with pytest.raises(ValueError, match="Invalid column name"):
        OnConflictUpsert.create_merge_many(
            odd, [{"id": 1, "bad name": "x"}], ["id"], dialect_name="oracle", validate_identifiers=True
        )


# --- Spanner INSERT OR UPDATE ------------------------------------------------------------------------------


def test_insert_or_update_many_default_dialect() -> None:
    stmt = OnConflictUpsert.create_insert_or_update_many(plain, [{"id": 1, "note": "a"}, {"id": 2, "note": "b"}])
    sql = " ".join(str(stmt).split())
    assert sql.startswith("INSERT OR UPDATE INTO plain (id, note) VALUES (")
    assert sql.count("), (") == 1


def test_insert_or_update_many_spanner() -> None:
    stmt = OnConflictUpsert.create_insert_or_update_many(plain, [{"id": 1, "note": "a"}])
    assert compile_sql(stmt, "spanner").startswith("INSERT OR UPDATE INTO plain (id, note) VALUES")


# --- resolve_upsert_strategy -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["postgresql", "cockroachdb", "duckdb"])
def test_strategy_on_conflict_family(name: str) -> None:
    assert resolve_upsert_strategy(widget, ["id"], name) == UpsertStrategy("on_conflict", True, ("id",), name)
    assert resolve_upsert_strategy(widget, [], name).conflict_columns == ("id",)
    assert resolve_upsert_strategy(widget, ["name"], name).kind == "on_conflict"  # unique constraint
    assert resolve_upsert_strategy(gadget, ["code"], name).kind == "on_conflict"  # unique index
    assert resolve_upsert_strategy(widget, ["qty"], name) == UpsertStrategy("fallback", False, ("qty",), name)
    assert resolve_upsert_strategy(widget, ["id", "name"], name).kind == "fallback"  # no key equals the set


def test_strategy_sqlite_returning_follows_library_version() -> None:
    strategy = resolve_upsert_strategy(widget, ["name"], sqlite.dialect())
    assert strategy.kind == "on_conflict"
    assert strategy.dialect_name == "sqlite"
    assert strategy.supports_returning is (sqlite3.sqlite_version_info >= (3, 35))


def test_strategy_conflict_columns_in_table_order() -> None:
    table = Table(
        "ordered",
        MetaData(),
        Column("a", Integer, primary_key=True),
        Column("b", Integer),
        Column("c", Integer),
        UniqueConstraint("c", "b"),
    )
    assert resolve_upsert_strategy(table, ["c", "b"], "postgresql").conflict_columns == ("b", "c")


@pytest.mark.parametrize("name", ["mysql", "mariadb"])
def test_strategy_mysql_needs_a_single_unique_key(name: str) -> None:
    assert resolve_upsert_strategy(plain, ["id"], name) == UpsertStrategy("on_conflict", False, ("id",), name)
    assert resolve_upsert_strategy(two_keys, ["email"], name).kind == "fallback"
    assert resolve_upsert_strategy(two_keys, ["id"], name).kind == "fallback"
    assert resolve_upsert_strategy(two_keys, ["email"], mysql.dialect()).kind == "fallback"


@pytest.mark.parametrize("dialect_obj", [oracle.dialect(), mssql.dialect()], ids=str)
def test_strategy_merge_dialects(dialect_obj: Any) -> None:
    strategy = resolve_upsert_strategy(widget, ["name"], dialect_obj)
    assert strategy == UpsertStrategy("merge", False, ("name",), dialect_obj.name)
    assert resolve_upsert_strategy(widget, ["qty"], dialect_obj).kind == "fallback"


def test_strategy_spanner() -> None:
    assert resolve_upsert_strategy(widget, ["id"], "spanner") == UpsertStrategy(
        "insert_or_update", False, ("id",), "spanner"
    )
    assert resolve_upsert_strategy(widget, ["name"], "spanner") == UpsertStrategy(
        "fallback", False, ("name",), "spanner"
    )
    assert resolve_upsert_strategy(widget, ["id"], dialect("spanner")).kind == "insert_or_update"


def test_strategy_unknown_dialect_falls_back() -> None:
    assert resolve_upsert_strategy(widget, ["id"], "firebird").kind == "fallback"


# --- resolve_column_default ----------------------------------------------------------------------------------------


def test_resolve_column_default() -> None:
    assert resolve_column_default(None) is None
    assert resolve_column_default(ColumnDefault(5)) == 5
    assert resolve_column_default(ColumnDefault(lambda: "made")) == "made"
    assert resolve_column_default(ColumnDefault(lambda ctx: ("ctx", ctx))) == ("ctx", None)
    assert resolve_column_default(ColumnDefault(func.now())) is None
    assert resolve_column_default(Sequence("s")) is None
    assert resolve_column_default(lambda: 7) == 7
    assert resolve_column_default(lambda ctx: ctx) is None
    assert resolve_column_default("as-is") == "as-is"
    assert resolve_column_default(3) == 3
    assert resolve_column_default(widget.c.updated_at.onupdate) == FIXED_NOW
    assert resolve_column_default(widget.c.id.default) is None
    assert isinstance(resolve_column_default(gadget.c.id.default), uuid.UUID)
