"""Dialect-aware upsert statement builders.

``OnConflictUpsert`` builds one-statement upserts: ``INSERT ... ON CONFLICT`` (PostgreSQL, CockroachDB, SQLite,
DuckDB), ``INSERT ... ON DUPLICATE KEY UPDATE`` (MySQL, MariaDB), ``MERGE`` (Oracle, SQL Server, PostgreSQL 15+)
and Spanner's ``INSERT OR UPDATE``. ``resolve_upsert_strategy`` picks which of them fits a table and match fields.
Every value travels as a bound parameter; identifiers are quoted by the dialect's preparer.
"""

from __future__ import annotations

import inspect as _inspect
import re
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple, Optional, Union, cast

from sqlalchemy import Table, bindparam, insert, select, text, union_all
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Insert
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement, TextClause, and_
from sqlalchemy.sql.schema import Column, ColumnDefault, DefaultGenerator, FetchedValue, Index, UniqueConstraint
from sqlalchemy.sql.schema import Sequence as SASequence
from sqlalchemy.sql.selectable import FromClause, Select
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.sql.visitors import InternalTraversal

__all__ = (
    "MergeStatement",
    "OnConflictUpsert",
    "UpsertKind",
    "UpsertStrategy",
    "resolve_column_default",
    "resolve_upsert_strategy",
    "validate_identifier",
)

_IDENTIFIER = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_ON_CONFLICT_DIALECTS = frozenset({"postgresql", "cockroachdb", "sqlite", "duckdb"})
_MYSQL_DIALECTS = frozenset({"mysql", "mariadb"})
_MERGE_DIALECTS = frozenset({"oracle", "mssql"})
_NATIVE_UPSERT_DIALECTS = _ON_CONFLICT_DIALECTS | _MYSQL_DIALECTS
_TARGET_ALIAS = "tgt"
_SOURCE_ALIAS = "src"
_QUERY_PREFIXES = ("select", "values", "with", "(")

UpsertKind = Literal["on_conflict", "merge", "insert_or_update", "fallback"]


class UpsertStrategy(NamedTuple):
    """How an upsert on one table and set of match fields can be done on one dialect."""

    kind: UpsertKind
    supports_returning: bool
    conflict_columns: tuple[str, ...]
    dialect_name: str


def validate_identifier(name: str, identifier_type: str = "identifier") -> str:
    """Return ``name`` if it is a plain SQL identifier (letters, digits, underscores), else raise ``ValueError``."""
    if not name:
        msg = f"Empty {identifier_type} name provided"
        raise ValueError(msg)
    if not _IDENTIFIER.match(name):
        msg = f"Invalid {identifier_type} name: '{name}'. Only alphanumeric characters and underscores are allowed."
        raise ValueError(msg)
    return name


def _call_plain(fn: Any) -> Any:
    """Call a user callable with no arguments, or with ``None`` when it requires one (a context argument)."""
    try:
        signature = _inspect.signature(fn)
    except (TypeError, ValueError):
        return fn()
    required = [
        p
        for p in signature.parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return fn(None) if required else fn()


def resolve_column_default(arg: Any) -> Any:
    """The Python-side value of a column default or onupdate; ``None`` for server-side (SQL, sequence) defaults."""
    if arg is None or isinstance(arg, (SASequence, FetchedValue)):
        return None
    if isinstance(arg, ColumnDefault):
        if arg.is_clause_element:
            return None
        if arg.is_callable:
            return arg.arg(None)  # SQLAlchemy wraps zero-argument callables to accept the context
        if arg.is_scalar:
            return arg.arg
        return None
    if isinstance(arg, DefaultGenerator):
        return None
    if isinstance(arg, ClauseElement):
        return arg
    if callable(arg):
        return _call_plain(arg)
    return arg


def _has_python_default(default: Any) -> bool:
    return isinstance(default, ColumnDefault) and bool(default.is_scalar or default.is_callable)


def _normalize_dialect(dialect: Union[str, Dialect, None]) -> str:
    if dialect is None:
        return ""
    if not isinstance(dialect, str):
        return "mariadb" if getattr(dialect, "is_mariadb", False) else _normalize_dialect(dialect.name)
    name = dialect
    return name.lower().split("+", 1)[0]


def _column(table: Table, key: str) -> Column[Any]:
    try:
        return table.c[key]
    except KeyError:
        msg = f"Table '{table.name}' has no column '{key}'"
        raise ValueError(msg) from None


class MergeStatement(Executable, ClauseElement):
    """``MERGE INTO table USING source ON condition WHEN MATCHED ... WHEN NOT MATCHED ...``.

    ``on_condition`` and the clause values may refer to ``table`` directly; they are rendered against the target
    alias ``tgt``. The source should be a named subquery (it is rendered as ``src`` otherwise). Plain values in
    the two dicts become bound parameters. Compiles on PostgreSQL (15+), Oracle and SQL Server.
    """

    __visit_name__ = "merge_statement"
    inherit_cache = True

    _traverse_internals = [
        ("table", InternalTraversal.dp_clauseelement),
        ("_source_clause", InternalTraversal.dp_clauseelement),
        ("_on_clause", InternalTraversal.dp_clauseelement),
        ("_update_items", InternalTraversal.dp_dml_ordered_values),
        ("_insert_items", InternalTraversal.dp_dml_ordered_values),
        *Executable._executable_traverse_internals,
    ]

    def __init__(
        self,
        table: Table,
        source: Union[ClauseElement, str],
        on_condition: ClauseElement,
        when_matched_update: Optional[dict[str, Any]] = None,
        when_not_matched_insert: Optional[dict[str, Any]] = None,
    ) -> None:
        if not when_matched_update and not when_not_matched_insert:
            msg = "MERGE needs a WHEN MATCHED update or a WHEN NOT MATCHED insert"
            raise ValueError(msg)
        self.table = table
        self.source = source
        self.on_condition = on_condition
        self.when_matched_update = when_matched_update
        self.when_not_matched_insert = when_not_matched_insert
        self._target = table.alias(_TARGET_ALIAS)
        adapter = ClauseAdapter(self._target)
        self._source_clause: ClauseElement = text(source) if isinstance(source, str) else source
        self._on_clause: ClauseElement = adapter.traverse(on_condition)
        self._update_items = self._items(when_matched_update, adapter)
        self._insert_items = self._items(when_not_matched_insert, adapter)

    def _items(self, values: Optional[dict[str, Any]], adapter: ClauseAdapter) -> list[tuple[str, ClauseElement]]:
        items: list[tuple[str, ClauseElement]] = []
        for key, value in (values or {}).items():
            column = _column(self.table, key)
            element: ClauseElement
            if isinstance(value, ClauseElement):
                element = adapter.traverse(value)
            elif hasattr(value, "__clause_element__"):
                element = adapter.traverse(value.__clause_element__())
            else:
                element = bindparam(key, value, type_=column.type, unique=True)
            items.append((key, element))
        return items


def _render_source(element: MergeStatement, compiler: SQLCompiler, **kw: Any) -> str:
    source = element._source_clause
    if isinstance(source, TextClause):
        sql = compiler.process(source, **kw).strip()
        if sql.lower().startswith(_QUERY_PREFIXES):
            sql = sql if sql.startswith("(") else f"({sql})"
            return f"{sql} {_SOURCE_ALIAS}"
        return sql  # a table name, possibly with its own alias
    if isinstance(source, FromClause) and source.named_with_column and not isinstance(source, Table):
        return compiler.process(source, asfrom=True, **kw)
    if isinstance(source, Table):
        return f"{compiler.preparer.format_table(source)} {_SOURCE_ALIAS}"
    return f"({compiler.process(source, **kw)}) {_SOURCE_ALIAS}"


def _render_merge(
    element: MergeStatement,
    compiler: SQLCompiler,
    *,
    target_suffix: str = "",
    qualify_set: bool,
    terminator: str = "",
    **kw: Any,
) -> str:
    preparer = compiler.preparer
    kw.pop("asfrom", None)
    target = f"{preparer.format_table(element.table)}{target_suffix} {preparer.quote(_TARGET_ALIAS)}"
    parts = [
        f"MERGE INTO {target}",
        f"USING {_render_source(element, compiler, **kw)}",
        f"ON ({compiler.process(element._on_clause, **kw)})",
    ]
    if element._update_items:
        prefix = f"{preparer.quote(_TARGET_ALIAS)}." if qualify_set else ""
        assignments = ", ".join(
            f"{prefix}{preparer.quote(element.table.c[key].name)} = {compiler.process(value, **kw)}"
            for key, value in element._update_items
        )
        parts.append(f"WHEN MATCHED THEN UPDATE SET {assignments}")
    if element._insert_items:
        columns = ", ".join(preparer.quote(element.table.c[key].name) for key, _ in element._insert_items)
        values = ", ".join(compiler.process(value, **kw) for _, value in element._insert_items)
        parts.append(f"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({values})")
    return " ".join(parts) + terminator


@compiles(MergeStatement)
def compile_merge_default(element: MergeStatement, compiler: SQLCompiler, **kwargs: Any) -> str:
    """Dialects without a MERGE implementation."""
    msg = f"MERGE statement not supported for dialect '{compiler.dialect.name}'"
    raise NotImplementedError(msg)


@compiles(MergeStatement, "mssql")
def compile_merge_mssql(element: MergeStatement, compiler: SQLCompiler, **kwargs: Any) -> str:
    """SQL Server: ``MERGE INTO t WITH (HOLDLOCK) AS tgt ...;`` (the terminating semicolon is required)."""
    return _render_merge(
        element, compiler, target_suffix=" WITH (HOLDLOCK) AS", qualify_set=True, terminator=";", **kwargs
    )


@compiles(MergeStatement, "oracle")
def compile_merge_oracle(element: MergeStatement, compiler: SQLCompiler, **kwargs: Any) -> str:
    """Oracle: ``MERGE INTO t tgt USING (SELECT ... FROM DUAL) src ON (...)``."""
    return _render_merge(element, compiler, qualify_set=True, **kwargs)


@compiles(MergeStatement, "postgresql")
def compile_merge_postgresql(element: MergeStatement, compiler: SQLCompiler, **kwargs: Any) -> str:
    """PostgreSQL 15+: SET targets are unqualified column names."""
    return _render_merge(element, compiler, target_suffix=" AS", qualify_set=False, **kwargs)


def _validate_all(table: Table, *groups: Sequence[str]) -> None:
    validate_identifier(table.name, "table")
    for group in groups:
        for name in group:
            validate_identifier(name, "column")


def _update_keys(
    table: Table, value_keys: Sequence[str], conflict_columns: Sequence[str], update_columns: Optional[Sequence[str]]
) -> list[str]:
    if update_columns is not None:
        return list(update_columns)
    skip = set(conflict_columns) | {c.key for c in table.primary_key.columns}
    return [key for key in value_keys if key not in skip]


def _ordered_keys(table: Table, rows: Sequence[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    order = {c.key: i for i, c in enumerate(table.columns)}
    return sorted(seen, key=lambda k: order.get(k, len(order)))


def _sqlite_has_returning() -> bool:
    import sqlite3

    return sqlite3.sqlite_version_info >= (3, 35)


def _build_on_conflict(
    table: Table,
    rows: Union[dict[str, Any], Sequence[dict[str, Any]], None],
    value_keys: Sequence[str],
    conflict_columns: list[str],
    update_columns: Optional[list[str]],
    dialect_name: Optional[str],
    validate_identifiers: bool,
    onupdate_columns: Sequence[Column[Any]] = (),
) -> Insert:
    name = _normalize_dialect(dialect_name)
    if not OnConflictUpsert.supports_native_upsert(name):
        msg = f"Native upsert not supported for dialect '{dialect_name}'"
        raise NotImplementedError(msg)
    if not conflict_columns:
        msg = "At least one conflict column is required"
        raise ValueError(msg)
    updates = _update_keys(table, value_keys, conflict_columns, update_columns)
    if validate_identifiers:
        _validate_all(table, list(value_keys), conflict_columns, updates)
    for key in [*conflict_columns, *updates]:
        _column(table, key)
    extra: dict[str, Any] = {}
    for column in onupdate_columns:
        if column.key in updates or column.key in conflict_columns:
            continue  # the rows' own value wins; match columns are never rewritten
        extra[column.key] = bindparam(
            f"{column.key}_onupdate", resolve_column_default(column.onupdate), type_=column.type, unique=True
        )
    if name in _MYSQL_DIALECTS:
        from sqlalchemy.dialects.mysql import insert as mysql_insert

        mstmt = mysql_insert(table)
        if rows is not None:
            mstmt = mstmt.values(rows)
        set_mysql: dict[str, Any] = {key: mstmt.inserted[key] for key in updates}
        set_mysql.update(extra)
        if not set_mysql:
            first = conflict_columns[0]
            set_mysql = {first: table.c[first]}
        return mstmt.on_duplicate_key_update(set_mysql)
    pstmt: Any
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        pstmt = sqlite_insert(table)
    else:
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        pstmt = postgresql_insert(table)
    if rows is not None:
        pstmt = pstmt.values(rows)
    set_pg: dict[str, Any] = {key: pstmt.excluded[key] for key in updates}
    set_pg.update(extra)
    if not set_pg:
        return cast("Insert", pstmt.on_conflict_do_nothing(index_elements=conflict_columns))
    return cast("Insert", pstmt.on_conflict_do_update(index_elements=conflict_columns, set_=set_pg))


def upsert_for_executemany(
    table: Table,
    value_keys: Sequence[str],
    conflict_columns: list[str],
    update_columns: Optional[list[str]],
    dialect_name: str,
    model_type: Optional[type[Any]] = None,
) -> Insert:
    """The ``ON CONFLICT`` / ``ON DUPLICATE KEY`` upsert with no values, to execute with a list of rows.

    SQLAlchemy then sends the rows in pages of multi-row ``VALUES`` (its "insertmanyvalues" batching), compiling the
    statement once; ``model_type`` applies Python-side ``onupdate`` values as in
    :meth:`OnConflictUpsert.create_upsert_many`.
    """
    onupdate = [c for c in table.columns if _has_python_default(c.onupdate)] if model_type is not None else []
    return _build_on_conflict(table, None, value_keys, conflict_columns, update_columns, dialect_name, False, onupdate)


def _merge_row(
    table: Table, keys: Sequence[str], row: dict[str, Any], generated: dict[str, Any], unique: bool
) -> Select[Any]:
    """One bound-parameter ``SELECT :a AS a, :b AS b`` row (``FROM DUAL`` is added by the Oracle compiler).

    With ``unique=False`` the parameters are named after the column keys.
    """
    labels = []
    for key in keys:
        column = table.c[key]
        value = row[key] if key in row else generated.get(key)
        labels.append(bindparam(key, value, type_=column.type, unique=unique).label(column.name))
    return select(*labels)


def _generate_defaults(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """Python-side default values for the columns ``row`` leaves out."""
    return {
        column.key: resolve_column_default(column.default)
        for column in table.columns
        if column.key not in row and _has_python_default(column.default)
    }


def _build_merge(
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict_columns: list[str],
    update_columns: Optional[list[str]],
    validate_identifiers: bool,
) -> tuple[MergeStatement, list[dict[str, Any]]]:
    if not rows:
        msg = "At least one row is required"
        raise ValueError(msg)
    if not conflict_columns:
        msg = "At least one conflict column is required"
        raise ValueError(msg)
    value_keys = _ordered_keys(table, rows)
    updates = [
        k for k in _update_keys(table, value_keys, conflict_columns, update_columns) if k not in conflict_columns
    ]
    if validate_identifiers:
        _validate_all(table, value_keys, conflict_columns, updates)
    for key in [*value_keys, *conflict_columns, *updates]:
        _column(table, key)
    generated = [_generate_defaults(table, row) for row in rows]
    sequence_keys = [
        c.key
        for c in table.primary_key.columns
        if isinstance(c.default, SASequence) and c.key not in value_keys and not any(c.key in g for g in generated)
    ]
    source_keys = [
        c.key
        for c in table.columns
        if c.key in value_keys
        or any(c.key in g for g in generated)
        or (c.key in conflict_columns and c.key in sequence_keys)
    ]
    selects = [
        _merge_row(table, source_keys, row, gen, len(rows) > 1) for row, gen in zip(rows, generated, strict=True)
    ]
    src = (selects[0] if len(selects) == 1 else union_all(*selects)).subquery(_SOURCE_ALIAS)
    on_condition = and_(*(table.c[key] == src.c[table.c[key].name] for key in conflict_columns))
    update_set: dict[str, Any] = {key: src.c[table.c[key].name] for key in updates}
    for column in table.columns:
        if (
            _has_python_default(column.onupdate)
            and column.key not in value_keys
            and column.key not in conflict_columns
            and column.key not in update_set
        ):
            update_set[column.key] = bindparam(
                f"{column.key}_onupdate", resolve_column_default(column.onupdate), type_=column.type, unique=True
            )
    insert_values: dict[str, Any] = {}
    for column in table.columns:
        if column.key in sequence_keys:
            assert isinstance(column.default, SASequence)
            insert_values[column.key] = column.default.next_value()
        elif column.key in source_keys:
            insert_values[column.key] = src.c[column.name]
    statement = MergeStatement(table, src, on_condition, update_set or None, insert_values or None)
    return statement, generated


class OnConflictUpsert:
    """Builders for native, single-statement upserts."""

    @staticmethod
    def supports_native_upsert(dialect_name: str) -> bool:
        """Whether ``dialect_name`` has ``INSERT ... ON CONFLICT`` / ``ON DUPLICATE KEY UPDATE``."""
        return _normalize_dialect(dialect_name) in _NATIVE_UPSERT_DIALECTS

    @staticmethod
    def create_upsert(
        table: Table,
        values: dict[str, Any],
        conflict_columns: list[str],
        update_columns: Optional[list[str]] = None,
        dialect_name: Optional[str] = None,
        validate_identifiers: bool = False,
    ) -> Insert:
        """One-row upsert; ``update_columns=None`` updates every value column that is not a conflict column."""
        return _build_on_conflict(
            table, values, list(values), conflict_columns, update_columns, dialect_name, validate_identifiers
        )

    @staticmethod
    def create_upsert_many(
        table: Table,
        rows: Sequence[dict[str, Any]],
        conflict_columns: list[str],
        update_columns: Optional[list[str]] = None,
        dialect_name: Optional[str] = None,
        validate_identifiers: bool = False,
        model_type: Optional[type[Any]] = None,
    ) -> Insert:
        """Multi-row upsert as one multi-VALUES statement (so ``.returning()`` works).

        With ``update_columns=None`` the update covers the value columns less conflict and primary key columns.
        When ``model_type`` is given, columns with a Python-side ``onupdate`` that the update leaves out are set from
        it (so ``updated_at`` moves on update while the inserted row keeps its insert default).
        """
        if not rows:
            msg = "At least one row is required"
            raise ValueError(msg)
        value_keys = _ordered_keys(table, rows)
        onupdate: list[Column[Any]] = []
        if model_type is not None:
            onupdate = [c for c in table.columns if _has_python_default(c.onupdate)]
        return _build_on_conflict(
            table,
            list(rows),
            value_keys,
            conflict_columns,
            update_columns,
            dialect_name,
            validate_identifiers,
            onupdate,
        )

    @staticmethod
    def create_merge_upsert(
        table: Table,
        values: dict[str, Any],
        conflict_columns: list[str],
        update_columns: Optional[list[str]] = None,
        dialect_name: Optional[str] = None,
        validate_identifiers: bool = False,
    ) -> tuple[MergeStatement, dict[str, Any]]:
        """One-row ``MERGE`` (Oracle, SQL Server, PostgreSQL 15+) and the primary key values it generated.

        The source row is ``SELECT :col AS col, ...`` with bound parameters named after the columns; missing
        primary keys with a Python callable default are generated and returned, sequence-backed ones use
        ``<sequence>.nextval`` in the INSERT.
        """
        statement, generated = _build_merge(table, [values], conflict_columns, update_columns, validate_identifiers)
        pk_keys = {c.key for c in table.primary_key.columns}
        extra = {key: value for key, value in generated[0].items() if key in pk_keys}
        return statement, extra

    @staticmethod
    def create_merge_many(
        table: Table,
        rows: Sequence[dict[str, Any]],
        conflict_columns: list[str],
        update_columns: Optional[list[str]] = None,
        dialect_name: Optional[str] = None,
        validate_identifiers: bool = False,
    ) -> MergeStatement:
        """Multi-row ``MERGE`` whose source is a ``UNION ALL`` of bound-parameter ``SELECT`` rows."""
        statement, _ = _build_merge(table, list(rows), conflict_columns, update_columns, validate_identifiers)
        return statement

    @staticmethod
    def create_insert_or_update_many(table: Table, rows: Sequence[dict[str, Any]]) -> Insert:
        """Spanner's ``INSERT OR UPDATE INTO t (cols) VALUES (...), (...)``."""
        if not rows:
            msg = "At least one row is required"
            raise ValueError(msg)
        return insert(table).values(list(rows)).prefix_with("OR UPDATE")


def _unique_targets(table: Table) -> list[tuple[str, ...]]:
    """Every unique key of ``table``: the primary key, unique constraints and unique indexes (column keys)."""
    targets: list[tuple[str, ...]] = []
    pk = tuple(c.key for c in table.primary_key.columns)
    if pk:
        targets.append(pk)
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.columns:
            targets.append(tuple(c.key for c in constraint.columns))
    for index in table.indexes:
        if isinstance(index, Index) and index.unique:
            cols = tuple(c.key for c in index.columns)
            if cols and len(cols) == len(index.expressions):  # expression indexes cannot be conflict targets
                targets.append(cols)
    unique: list[tuple[str, ...]] = []
    for target in targets:
        if set(target) not in [set(t) for t in unique]:
            unique.append(target)
    return unique


def resolve_upsert_strategy(table: Table, match_fields: Sequence[str], dialect: Union[str, Dialect]) -> UpsertStrategy:
    """Which upsert ``table`` supports on ``dialect`` when rows are matched on ``match_fields``."""
    name = _normalize_dialect(dialect)
    fields = list(match_fields)
    pk = [c.key for c in table.primary_key.columns]
    wanted = set(fields) if fields else set(pk)
    targets = _unique_targets(table)
    covered = bool(wanted) and any(set(t) == wanted for t in targets)
    ordered = tuple(c.key for c in table.columns if c.key in wanted)

    def fallback() -> UpsertStrategy:
        return UpsertStrategy("fallback", False, tuple(fields), name)

    if not covered:
        return fallback()
    if name in _ON_CONFLICT_DIALECTS:
        returning = _sqlite_has_returning() if name == "sqlite" else True
        return UpsertStrategy("on_conflict", returning, ordered, name)
    if name in _MYSQL_DIALECTS:
        if len(targets) == 1:
            return UpsertStrategy("on_conflict", False, ordered, name)
        return fallback()
    if name in _MERGE_DIALECTS:
        return UpsertStrategy("merge", False, ordered, name)
    if name == "spanner" and pk and wanted == set(pk):
        return UpsertStrategy("insert_or_update", False, ordered, name)
    return fallback()
