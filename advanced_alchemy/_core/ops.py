"""Every repository operation, written once as a generator of session steps.

An operation yields :mod:`~advanced_alchemy._core.steps` and receives their results; the sync and async
drivers run the same operation object, so behaviour cannot drift between the two APIs.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import attrgetter, itemgetter
from typing import Any, Callable, Optional, TypeVar

from sqlalchemy import Result, bindparam, func, inspect, over, select
from sqlalchemy import delete as sql_delete
from sqlalchemy import exc as sa_exc
from sqlalchemy import insert as sql_insert
from sqlalchemy import tuple_ as sql_tuple
from sqlalchemy import update as sql_update
from sqlalchemy.orm import InstanceState, InstrumentedAttribute
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.sql import ColumnElement

from advanced_alchemy._core import statements as st
from advanced_alchemy._core.context import CallContext, M
from advanced_alchemy._core.model_info import client_default, model_info
from advanced_alchemy._core.steps import (
    Add,
    AddAll,
    Attach,
    BeginNested,
    Commit,
    Delete,
    EndNested,
    Execute,
    Expunge,
    Flush,
    MarkDeleted,
    Operation,
    Refresh,
)
from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.filters import resolve_field
from advanced_alchemy.operations import (
    OnConflictUpsert,
    UpsertStrategy,
    resolve_upsert_strategy,
    upsert_for_executemany,
)

__all__ = (
    "add",
    "add_many",
    "count",
    "delete",
    "delete_many",
    "exists",
    "get",
    "get_many",
    "get_many_and_count",
    "get_one",
    "get_one_or_none",
    "persist",
    "update",
)

T = TypeVar("T")

_NOT_FOUND = "No item found when one was expected"
# Bound parameters one statement may carry, per dialect (IN lists are chunked to fit); others get 950.
_BIND_PARAMETER_LIMITS = {
    "sqlite": 32_766,
    "postgresql": 32_767,
    "cockroachdb": 32_767,
    "duckdb": 32_767,
    "mysql": 65_535,
    "mariadb": 65_535,
    "mssql": 2_000,
    "oracle": 1_000,
}
_DEFAULT_CHUNK = 950
# Rows per executemany INSERT of add_many: bounds the parameters held at once, costs one round trip per chunk.
_INSERT_CHUNK = 1_000
_NO_SAVEPOINT_DIALECTS = frozenset({"duckdb"})
# DELETEs read their rows (RETURNING, or a SELECT first) and mark those instances deleted themselves
# (MarkDeleted): SQLAlchemy's own synchronisation would evaluate the criteria against every instance of the
# model in the session (loading expired ones, which async sessions cannot do there) and return new instances
# for rows the session already holds.
_OWN_SYNC = {"synchronize_session": False}


def persist(
    ctx: CallContext[M],
    instances: Sequence[Any],
    *,
    refresh: bool,
    attribute_names: Any = None,
    with_for_update: Any = None,
) -> Operation[None]:
    """Commit (``auto_commit``) or flush, refresh (``auto_refresh`` and ``refresh``), expunge (``auto_expunge``)."""
    yield Commit() if ctx.auto_commit else Flush()
    if refresh and ctx.auto_refresh:
        for instance in instances:
            if attribute_names is None and with_for_update is None and _fully_loaded(ctx.info, instance):
                continue  # every column value is already known: a refresh would re-read the same row
            yield Refresh(instance, attribute_names, with_for_update)
    if ctx.auto_expunge:
        yield Expunge(instances)


def atomic(
    ctx: CallContext[M], write: Callable[[], Operation[T]], *, unit_of_work: bool, flush_first: bool = True
) -> Operation[T]:
    """Run the statements of a bulk write inside a SAVEPOINT.

    If they fail, the savepoint is rolled back and the error re-raised: the session's transaction is as it
    was before the call, its earlier work intact and still committable, nothing of the call written.
    ``unit_of_work`` writes (added or changed instances flushed by the session) use ``session.begin_nested()``,
    which flushes earlier work first and restores the session's objects on rollback. Writes that send their
    own statements use a savepoint on the connection; earlier pending work is flushed before it
    (``flush_first``), so no ORM statement of the call autoflushes it into the savepoint. DuckDB has no
    savepoints: there a failed write needs the caller's rollback.
    """
    if ctx.dialect_name in _NO_SAVEPOINT_DIALECTS:
        return (yield from write())
    if flush_first and not unit_of_work:
        yield Flush()
    savepoint = yield BeginNested(session_level=unit_of_work, mapper=ctx.info.mapper)
    try:
        result = yield from write()
    except Exception:
        yield EndNested(savepoint, commit=False)
        raise
    yield EndNested(savepoint, commit=True)
    return result


def _fully_loaded(info: Any, instance: Any) -> bool:
    """Whether every column attribute of ``instance`` holds a value (none expired or database-generated)."""
    state = _state_of(instance)
    if state.expired_attributes:
        return False
    values = state.dict
    return all(key in values for key in info.column_attr_names)


def _state_of(instance: Any) -> Any:
    """The ``InstanceState`` of a mapped instance (``inspect()``'s error for anything else)."""
    try:
        return instance_state(instance)
    except AttributeError:
        return inspect(instance, raiseerr=True)


def _states_of(instances: Sequence[Any]) -> list[Any]:
    """The ``InstanceState`` of each mapped instance (``inspect()``'s error for anything else)."""
    try:
        return [instance_state(instance) for instance in instances]
    except AttributeError:
        return [_state_of(instance) for instance in instances]


def _new_of_exactly(state: Any, mapper: Any) -> bool:
    """Whether ``state`` is a transient instance of exactly ``mapper``'s class (not of a subclass)."""
    if state.mapper is not mapper or state.key is not None:
        return False
    return state.session_id is None or bool(state.transient)


def _scalars(result: Result[Any], unique: bool) -> list[Any]:
    scalars = result.scalars()
    return list(scalars.unique().all() if unique else scalars.all())


def add(ctx: CallContext[M], data: M) -> Operation[M]:
    """Add one instance; returns it with its primary key and defaults."""
    yield Add(data)
    yield from persist(ctx, [data], refresh=True)
    return data


def add_many(ctx: CallContext[M], data: Sequence[M], *, bulk: bool = True) -> Operation[Sequence[M]]:
    """Insert instances; returns the same objects, persistent in the session.

    When every value can be computed client-side (see :attr:`ModelInfo.insert_defaults`) and nothing hooks
    into inserting these rows, the rows go out as executemany ``INSERT`` statements of
    :data:`_INSERT_CHUNK` rows each (so only one chunk's parameters are held at a time) and the instances are
    attached to the session as they are; otherwise they are added and flushed through the unit of work.
    """
    if not data:
        return data
    states = _bulk_insert_states(ctx, data) if bulk else None
    if states is not None:
        yield from atomic(ctx, lambda: _bulk_insert(ctx, states), unit_of_work=False)
        yield Attach(data)
    else:
        yield from atomic(ctx, lambda: _add_and_flush(data), unit_of_work=True)
    yield from persist(ctx, data, refresh=False)
    return data


def _add_and_flush(data: Sequence[Any]) -> Operation[None]:
    yield AddAll(data)
    yield Flush()


def _bulk_insert_states(ctx: CallContext[M], data: Sequence[M]) -> Optional[list[Any]]:
    """The instance states of ``data`` if it can go out as Core ``INSERT`` rows (new instances of exactly the
    model, without related objects, every value computable client-side, no insert events on the mapper), else
    ``None``."""
    info = ctx.info
    mapper = info.mapper
    if info.insert_defaults is None or mapper.dispatch.before_insert or mapper.dispatch.after_insert:
        return None
    states = _states_of(data)
    if not all(_new_of_exactly(state, mapper) for state in states):
        return None  # a subclass instance may carry columns (or a table) the model's INSERT does not have
    relationships = info.relationship_names
    if relationships and any(relationships & state.dict.keys() for state in states):
        return None
    return states


def _bulk_insert(ctx: CallContext[M], states: Sequence[Any]) -> Operation[None]:
    """Send the instances as executemany ``INSERT`` chunks, client-side defaults filled in (see
    :func:`_insert_rows`)."""
    statement = sql_insert(ctx.info.table)
    for start in range(0, len(states), _INSERT_CHUNK):
        yield Execute(statement, _insert_rows(ctx.info, states[start : start + _INSERT_CHUNK]))


def _insert_rows(info: Any, states: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows (by column key) for a Core ``INSERT`` of these instance states; defaults are computed and set on
    the instances."""
    defaults = info.insert_defaults
    pk_names = info.pk_attr_names
    rows: list[dict[str, Any]] = []
    for state in states:
        values = state.dict
        row: dict[str, Any] = {}
        for key, column_key, make_default in defaults:
            value = values.get(key)
            if value is None and (key not in values or key in pk_names):
                value = make_default()
                if value is not None:
                    values[key] = value  # a default, not a change: no attribute events needed
            row[column_key] = value
        rows.append(row)
    return rows


def _select_one(ctx: CallContext[M], statement: Any) -> Operation[Optional[M]]:
    result: Result[Any] = yield Execute(statement)
    rows = _scalars(result, ctx.uniquify)
    if len(rows) > 1:
        from sqlalchemy.exc import MultipleResultsFound

        msg = "Multiple rows were found when one or none was required"
        raise MultipleResultsFound(msg)
    return rows[0] if rows else None


def get(
    ctx: CallContext[M], item_id: Any, *, id_attribute: Any = None, statement: Any = None, with_for_update: Any = None
) -> Operation[M]:
    """The row whose primary key (or ``id_attribute``) equals ``item_id``; missing -> ``NotFoundError``."""
    stmt = ctx.select(statement)
    clause = (
        st.id_clause(ctx.model, id_attribute, item_id) if id_attribute is not None else st.pk_clause(ctx.info, item_id)
    )
    stmt = st.apply_for_update(stmt.where(clause), with_for_update)
    instance = yield from _select_one(ctx, stmt)
    if instance is None:
        raise NotFoundError(_NOT_FOUND)
    if ctx.auto_expunge:
        yield Expunge([instance])
    return instance


def get_one_or_none(
    ctx: CallContext[M],
    filters: Sequence[Any],
    kwargs: dict[str, Any],
    *,
    statement: Any = None,
    with_for_update: Any = None,
) -> Operation[Optional[M]]:
    """The single match or ``None``; several -> ``MultipleResultsFoundError``."""
    stmt = st.apply_filters(ctx.select(statement), ctx.model, filters, kwargs, paginate=False)
    stmt = st.apply_for_update(stmt, with_for_update)
    instance = yield from _select_one(ctx, stmt)
    if instance is not None and ctx.auto_expunge:
        yield Expunge([instance])
    return instance


def get_one(
    ctx: CallContext[M],
    filters: Sequence[Any],
    kwargs: dict[str, Any],
    *,
    statement: Any = None,
    with_for_update: Any = None,
) -> Operation[M]:
    """Exactly one match; none -> ``NotFoundError``; several -> ``MultipleResultsFoundError``."""
    instance = yield from get_one_or_none(ctx, filters, kwargs, statement=statement, with_for_update=with_for_update)
    if instance is None:
        raise NotFoundError(_NOT_FOUND)
    return instance


def _list_statement(
    ctx: CallContext[M], filters: Sequence[Any], kwargs: dict[str, Any], statement: Any, order_by: Any
) -> Any:
    stmt = st.apply_order_by(ctx.select(statement), ctx.model, order_by if order_by is not None else ctx.order_by)
    return st.apply_filters(stmt, ctx.model, filters, kwargs)


def get_many(
    ctx: CallContext[M], filters: Sequence[Any], kwargs: dict[str, Any], *, statement: Any = None, order_by: Any = None
) -> Operation[list[M]]:
    """Every match (pagination filters applied)."""
    result: Result[Any] = yield Execute(_list_statement(ctx, filters, kwargs, statement, order_by))
    instances = _scalars(result, ctx.uniquify)
    if ctx.auto_expunge and instances:
        yield Expunge(instances)
    return instances


def count(
    ctx: CallContext[M], filters: Sequence[Any], kwargs: dict[str, Any], *, statement: Any = None
) -> Operation[int]:
    """Number of matches, ignoring pagination and ordering."""
    if statement is None and ctx.plain_statement:
        counted = select(func.count()).select_from(ctx.info.table)
        if ctx.execution_options:
            counted = counted.execution_options(**ctx.execution_options)
        counted = st.apply_filters(counted, ctx.model, filters, kwargs, paginate=False).order_by(None)
    else:
        stmt = st.apply_filters(ctx.select(statement), ctx.model, filters, kwargs, paginate=False)
        counted = st.count_statement(stmt)
    result: Result[Any] = yield Execute(counted)
    return int(result.scalar_one())


def exists(ctx: CallContext[M], filters: Sequence[Any], kwargs: dict[str, Any]) -> Operation[bool]:
    """Whether anything matches."""
    total = yield from count(ctx, filters, kwargs)
    return total > 0


def get_many_and_count(
    ctx: CallContext[M], filters: Sequence[Any], kwargs: dict[str, Any], *, statement: Any = None, order_by: Any = None
) -> Operation[tuple[list[M], int]]:
    """A page of matches and the total number of matches.

    With window counting the page and the total come back in one round trip; a page past the end falls
    back to a separate count, so the total is right even then.
    """
    if not ctx.count_with_window_function or ctx.uniquify:
        # joined eager loads multiply rows, so a window count would count joined rows, not entities
        total = yield from count(ctx, filters, kwargs, statement=statement)
        if total == 0:
            return [], 0
        instances = yield from get_many(ctx, filters, kwargs, statement=statement, order_by=order_by)
        return instances, total
    stmt = _list_statement(ctx, filters, kwargs, statement, order_by)
    stmt = stmt.add_columns(over(func.count()))
    result: Result[Any] = yield Execute(stmt)
    rows = result.unique().all() if ctx.uniquify else result.all()
    instances = [row[0] for row in rows]
    if rows:
        total = int(rows[0][-1])
    else:
        total = yield from count(ctx, filters, kwargs, statement=statement)
    if ctx.auto_expunge and instances:
        yield Expunge(instances)
    return instances, total


def update(
    ctx: CallContext[M],
    data: Any,
    *,
    id_attribute: Any = None,
    attribute_names: Any = None,
    with_for_update: Any = None,
) -> Operation[M]:
    """Copy the explicitly set column values of ``data`` onto the stored row and write it."""
    info = ctx.info
    item_id = _identity_of(ctx, data, id_attribute)
    existing = yield from get(replace(ctx, auto_expunge=False), item_id, id_attribute=id_attribute)
    if existing is not data:
        state = _state_of(data)
        for key in info.column_attr_names:
            if key in info.pk_attr_names or key not in state.dict:
                continue
            value = state.dict[key]
            if value is None and key in info.columns_with_defaults:
                continue
            if not _equal(getattr(existing, key), value):
                setattr(existing, key, value)
        for key in info.relationship_names:
            if key in state.dict and not info.mapper.relationships[key].viewonly:
                setattr(existing, key, state.dict[key])
    yield from persist(ctx, [existing], refresh=True, attribute_names=attribute_names, with_for_update=with_for_update)
    return existing


def delete(ctx: CallContext[M], item_id: Any, *, id_attribute: Any = None) -> Operation[M]:
    """Delete the row with this primary key (missing -> ``NotFoundError``); returns the deleted instance."""
    instance = yield from get(replace(ctx, auto_expunge=False), item_id, id_attribute=id_attribute)
    yield Delete(instance)
    yield from persist(ctx, [instance], refresh=False)
    return instance


def delete_many(
    ctx: CallContext[M],
    item_ids: Sequence[Any],
    *,
    id_attribute: Any = None,
    chunk_size: Optional[int] = None,
    supports_returning: bool,
) -> Operation[list[M]]:
    """Delete every row whose key is in ``item_ids``, one statement per chunk; returns the deleted rows.

    ``item_ids`` may also be a SQL expression or a filter (``Post.id.in_(ids)``): the rows it matches are deleted.
    """
    if _is_condition(item_ids):
        deleted: list[M] = yield from delete_where(
            ctx, [item_ids], {}, sanity_check=True, supports_returning=supports_returning
        )
        return deleted
    if chunk_size is not None and chunk_size < 1:
        msg = f"chunk_size must be at least 1, got {chunk_size}"
        raise ValueError(msg)
    removed: list[M] = yield from atomic(
        ctx,
        lambda: _delete_by_keys(ctx, item_ids, id_attribute, chunk_size, supports_returning=supports_returning),
        unit_of_work=False,
    )
    yield MarkDeleted(removed)
    yield from persist(ctx, removed, refresh=False)  # commit or flush, then expunge them if asked
    return removed


def _delete_by_keys(
    ctx: CallContext[M],
    item_ids: Sequence[Any],
    id_attribute: Any,
    chunk_size: Optional[int],
    *,
    supports_returning: bool,
) -> Operation[list[M]]:
    info = ctx.info
    key_column = resolve_field(ctx.model, id_attribute) if id_attribute is not None else None
    if key_column is None and not info.has_composite_pk:
        key_column = getattr(ctx.model, info.pk_attr_names[0])
    single_array = (
        chunk_size is None and ctx.prefer_any and key_column is not None and st.any_eligible(key_column, item_ids)
    )
    limit = chunk_size or _BIND_PARAMETER_LIMITS.get(ctx.dialect_name, _DEFAULT_CHUNK)
    size = max(1, len(item_ids)) if single_array else max(1, limit // max(1, len(info.pk_attr_names)))
    removed: list[Any] = []
    for start in range(0, len(item_ids), size):
        chunk = list(item_ids[start : start + size])
        if key_column is not None:
            where = st.in_clause(key_column, chunk, prefer_any=ctx.prefer_any)
        else:
            where = st.pk_in_clause(info, chunk, ctx.dialect_name)
        if supports_returning:
            result: Result[Any] = yield Execute(
                sql_delete(ctx.model).where(where).returning(ctx.model), execution_options=_OWN_SYNC
            )
            removed.extend(_scalars(result, False))
        else:
            found: Result[Any] = yield Execute(ctx.select().where(where))
            rows = _scalars(found, ctx.uniquify)
            if rows:
                yield Execute(sql_delete(ctx.model).where(where), execution_options=_OWN_SYNC)
            removed.extend(rows)
    return removed


def _is_condition(value: Any) -> bool:
    """A WHERE condition (SQL expression or filter) rather than a list of keys."""
    from advanced_alchemy.filters import StatementFilter

    return isinstance(value, (ColumnElement, StatementFilter)) or hasattr(value, "__clause_element__")


def _identity_of(ctx: CallContext[M], data: Any, id_attribute: Any) -> Any:
    info = ctx.info
    if id_attribute is not None:
        key = id_attribute.key if isinstance(id_attribute, InstrumentedAttribute) else id_attribute
        return getattr(data, key)
    if info.has_composite_pk:
        return tuple(getattr(data, name) for name in info.pk_attr_names)
    return getattr(data, info.pk_attr_names[0])


def _equal(a: Any, b: Any) -> bool:
    if a is None and b is None:
        return True
    try:
        return bool(a == b)
    except Exception:
        return False


def _now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def update_many(ctx: CallContext[M], data: Sequence[Any]) -> Operation[list[M]]:
    """Update rows by primary key with one executemany ``UPDATE`` per set of columns; returns the updated rows.

    ``updated_at`` (when the model has it) is set to the time of the write unless the caller set it.
    Instances already persistent in the session send only their changed columns and are marked clean
    afterwards; anything else (dicts, detached or new instances) is written whole and the rows re-read.
    Models with a version counter or update events go through the unit of work, which honours both.
    """
    info = ctx.info
    if not data:
        return []
    states = None if any(isinstance(item, dict) for item in data) else _states_of(data)
    tracked = states is not None and all(state.persistent for state in states)
    mapper = info.mapper
    if tracked and (mapper.version_id_col is not None or mapper.dispatch.before_update or mapper.dispatch.after_update):
        yield from persist(ctx, data, refresh=False)
        return list(data)
    stamp = "updated_at" in info.column_attr_names
    now = _now_utc()
    if tracked:
        assert states is not None
        changes = _tracked_changes(info, states, now if stamp else None)
        if changes is None:  # a primary key was changed: the unit of work moves the row
            yield from persist(ctx, data, refresh=False)
            return list(data)
        # tracked instances carry the very changes written here: flushing them first would write them twice
        yield from atomic(ctx, lambda: _execute_updates(info, changes.rows), unit_of_work=False, flush_first=False)
        changes.mark_written()
        rows: list[M] = list(data)
    else:
        payload: list[dict[str, Any]] = []
        for index, item in enumerate(data):
            state = None if states is None else states[index]
            row = _row_dict(info, item, state)
            _require_primary_key(info, row)
            if stamp and not _updated_at_set_by_caller(item, state):
                row["updated_at"] = now
            payload.append(row)
        bind_rows = _bind_rows(info, payload)
        yield from atomic(ctx, lambda: _execute_updates(info, bind_rows), unit_of_work=False, flush_first=True)
        ids = [
            tuple(row[name] for name in info.pk_attr_names) if info.has_composite_pk else row[info.pk_attr_names[0]]
            for row in payload
        ]
        reload = ctx.select().where(st.pk_in_clause(info, ids, ctx.dialect_name, prefer_any=ctx.prefer_any))
        result: Result[Any] = yield Execute(reload.execution_options(populate_existing=True))
        rows = _scalars(result, ctx.uniquify)
    yield from persist(ctx, rows, refresh=False)
    return rows


def _row_dict(info: Any, item: Any, state: Any = None) -> dict[str, Any]:
    """Every column attribute value ``item`` (a dict, or an instance whose ``state`` may be given) holds."""
    if isinstance(item, dict):
        return dict(item)
    values = (state if state is not None else _state_of(item)).dict
    return {key: values[key] for key in info.column_attr_names if key in values}


@dataclass(frozen=True)
class _UpdateBinds:
    """Bind parameter names of ``UPDATE ... SET column = :v_attr WHERE pk = :k_attr`` for one model."""

    set_names: dict[str, str]
    """Column attribute (not primary key) -> the bind name of its new value."""
    key_names: tuple[str, ...]
    """The bind names of the primary key attributes, in ``pk_attr_names`` order."""
    columns: dict[str, Any]
    """Bind name -> the table column it sets or matches."""


_UPDATE_BINDS: dict[type[Any], _UpdateBinds] = {}


def _update_binds(info: Any) -> _UpdateBinds:
    """The model's :class:`_UpdateBinds` (cached)."""
    binds = _UPDATE_BINDS.get(info.model)
    if binds is not None:
        return binds
    pk_names = set(info.pk_attr_names)
    set_names = {key: f"v_{key}" for key in info.column_attr_names if key not in pk_names}
    key_names = tuple(f"k_{key}" for key in info.pk_attr_names)
    columns = {
        f"{'k' if key in pk_names else 'v'}_{key}": info.mapper.attrs[key].columns[0] for key in info.column_attr_names
    }
    binds = _UPDATE_BINDS[info.model] = _UpdateBinds(set_names, key_names, columns)
    return binds


def _bind_rows(info: Any, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` (column attribute values including the primary key) under their ``UPDATE`` bind names."""
    binds = _update_binds(info)
    keys = list(zip(binds.key_names, info.pk_attr_names, strict=True))
    set_names = binds.set_names
    bound_rows = []
    for row in rows:
        bound = {bind: row[name] for bind, name in keys}
        for key, value in row.items():
            name = set_names.get(key)
            if name is not None:
                bound[name] = value
        bound_rows.append(bound)
    return bound_rows


@dataclass
class _TrackedChanges:
    """What ``update_many`` writes for instances persistent in a session, and how to record it afterwards."""

    rows: list[dict[str, Any]]
    """One bind row per instance: its stored primary key and its changed columns."""
    clean: dict[Any, list[tuple[Any, dict[str, Any]]]]
    """Per session id, the states (with their dicts) whose every pending change is written."""
    partial: list[tuple[Any, list[str]]]
    """States with other pending changes too (relationships ...), with the column attributes written."""
    stamp: Optional[datetime.datetime]

    def mark_written(self) -> None:
        """Record the written values as stored, so the next flush skips them (as after a flush)."""
        stamp = self.stamp
        for clean in self.clean.values():
            if stamp is not None:
                for state, values in clean:
                    if "updated_at" not in state.committed_state:
                        values["updated_at"] = stamp
            session = clean[0][0].session
            InstanceState._commit_all_states(clean, session.identity_map if session is not None else None)
        for state, keys in self.partial:
            instance = state.obj()
            if stamp is not None and "updated_at" not in state.committed_state:
                set_committed_value(instance, "updated_at", stamp)
            for key in keys:
                set_committed_value(instance, key, state.dict[key])


def _tracked_changes(info: Any, states: Sequence[Any], stamp: Optional[datetime.datetime]) -> Optional[_TrackedChanges]:
    """The ``UPDATE`` rows of persistent instances' changed columns; ``None`` when a primary key changed.

    The row matches the stored primary key (the identity key, valid even when the attribute is expired);
    ``updated_at`` is set to ``stamp`` unless the caller changed it.
    """
    binds = _update_binds(info)
    set_names = binds.set_names
    key_names = binds.key_names
    single_key = key_names[0] if len(key_names) == 1 else None
    stamp_name = set_names.get("updated_at") if stamp is not None else None
    rows: list[dict[str, Any]] = []
    clean: dict[Any, list[tuple[Any, dict[str, Any]]]] = {}
    bucket: list[tuple[Any, dict[str, Any]]] = []
    bucket_session = None
    partial: list[tuple[Any, list[str]]] = []
    for state in states:
        values = state.dict
        committed = state.committed_state
        identity = state.key[1]
        row = {single_key: identity[0]} if single_key is not None else dict(zip(key_names, identity, strict=True))
        complete = True
        for key in committed:
            name = set_names.get(key)
            if name is not None and key in values:
                row[name] = values[key]
            elif key in info.pk_attr_names:
                return None
            else:
                complete = False
        if stamp_name is not None and "updated_at" not in committed:
            row[stamp_name] = stamp
        rows.append(row)
        if not complete:
            partial.append((state, [key for key in committed if key in set_names and key in values]))
            continue
        if state.session_id != bucket_session or not bucket:
            bucket_session = state.session_id
            bucket = clean.setdefault(bucket_session, [])
        bucket.append((state, values))
    return _TrackedChanges(rows, clean, partial, stamp)


def _execute_updates(info: Any, rows: list[dict[str, Any]]) -> Operation[None]:
    """Core ``UPDATE table SET ... WHERE pk = ...`` executemany of bind rows, one per distinct set of columns.

    Core, not the ORM's bulk UPDATE, and without autoflush: flushing first would write the very changes it
    is about to write (SQLAlchemy 2.1 autoflushes before Core statements too).
    """
    binds = _update_binds(info)
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    for group in groups.values():
        set_names = [name for name in group[0] if name not in binds.key_names]
        if not set_names:
            continue
        where = [binds.columns[name] == bindparam(name) for name in binds.key_names]
        values: dict[str, Any] = {binds.columns[name].key: bindparam(name) for name in set_names}
        statement = sql_update(info.table).where(*where).values(values)
        yield Execute(statement, group, autoflush=False)


def _require_primary_key(info: Any, row: dict[str, Any]) -> None:
    for name in info.pk_attr_names:
        if row.get(name) is None:
            msg = f"update_many needs the primary key {info.pk_attr_names} on every item; missing in {row!r}"
            raise ValueError(msg)


def _updated_at_set_by_caller(item: Any, state: Any) -> bool:
    if state is None:
        return item.get("updated_at") is not None
    if state.transient or state.pending:
        return state.dict.get("updated_at") is not None
    return "updated_at" in state.committed_state


def delete_where(
    ctx: CallContext[M], filters: Sequence[Any], kwargs: dict[str, Any], *, sanity_check: bool, supports_returning: bool
) -> Operation[list[M]]:
    """Delete every row matching the filters (pagination ignored); returns the deleted rows."""
    deleted: list[M] = yield from atomic(
        ctx,
        lambda: _delete_matching(
            ctx, filters, kwargs, sanity_check=sanity_check, supports_returning=supports_returning
        ),
        unit_of_work=False,
    )
    yield MarkDeleted(deleted)
    yield from persist(ctx, deleted, refresh=False)  # commit or flush, then expunge them if asked
    return deleted


def _delete_matching(
    ctx: CallContext[M], filters: Sequence[Any], kwargs: dict[str, Any], *, sanity_check: bool, supports_returning: bool
) -> Operation[list[M]]:
    statement = st.apply_filters(sql_delete(ctx.model), ctx.model, filters, kwargs, paginate=False)
    if supports_returning:
        result: Result[Any] = yield Execute(statement.returning(ctx.model), execution_options=_OWN_SYNC)
        deleted = _scalars(result, False)
    else:
        deleted = yield from get_many(replace(ctx, auto_expunge=False), [f for f in filters if not _is_page(f)], kwargs)
        outcome: Result[Any] = yield Execute(statement, execution_options=_OWN_SYNC)
        rowcount = getattr(outcome, "rowcount", -1)
        if sanity_check and rowcount >= 0 and rowcount != len(deleted):
            from advanced_alchemy.exceptions import RepositoryError

            msg = "Deleted count does not match fetched count. Rollback issued."
            raise RepositoryError(msg)
    return deleted


def _is_page(item: Any) -> bool:
    from advanced_alchemy.filters import PaginationFilter

    return isinstance(item, PaginationFilter)


def _assign(target: Any, values: dict[str, Any]) -> bool:
    """Set each value that differs on ``target``; returns whether anything changed.

    An attribute ``target`` has not loaded (e.g. a subclass column of a row loaded through its base) is set
    without being loaded first (which async I/O could not do here)."""
    changed = False
    unloaded = _state_of(target).unloaded
    for key, value in values.items():
        if key in unloaded or not _equal(getattr(target, key), value):
            setattr(target, key, value)
            changed = True
    return changed


def _copy_values(info: Any, source: Any, target: Any, *, include_none: bool) -> bool:
    """Copy the non-key column values set on ``source`` onto ``target``; returns whether anything changed.

    A ``source`` of a subclass of the model brings its own columns too (onto a ``target`` of that subclass)."""
    source_model: Any = type(source)
    if source_model is not dict and source_model is not info.model and isinstance(target, source_model):
        info = model_info(source_model)
    values = {
        key: value
        for key, value in _row_dict(info, source).items()
        if key not in info.pk_attr_names and (value is not None or include_none)
    }
    return _assign(target, values)


def _save_changes(
    ctx: CallContext[M], existing: M, values: dict[str, Any], attribute_names: Any, with_for_update: Any
) -> Operation[bool]:
    """Assign ``values`` to ``existing`` and write it when something changed (else just expunge if asked)."""
    changed = _assign(existing, values)
    if changed:
        yield from persist(
            ctx, [existing], refresh=True, attribute_names=attribute_names, with_for_update=with_for_update
        )
    elif ctx.auto_expunge:
        yield Expunge([existing])
    return changed


def upsert(
    ctx: CallContext[M], data: M, *, match_fields: Any, attribute_names: Any = None, with_for_update: Any = None
) -> Operation[M]:
    """Update the row matching ``data`` (by ``match_fields``, else primary key, else all values) or insert it."""
    info = ctx.info
    fields = [match_fields] if isinstance(match_fields, str) else list(match_fields or [])
    values = _row_dict(info, data)
    if fields:
        match = {name: getattr(data, name) for name in fields if getattr(data, name, None) is not None}
    elif all(values.get(name) is not None for name in info.pk_attr_names):
        match = {name: values[name] for name in info.pk_attr_names}
    else:
        match = {k: v for k, v in values.items() if k not in info.pk_attr_names}
    existing: Optional[M] = None
    if match:
        existing = yield from get_one_or_none(replace(ctx, auto_expunge=False), [], match)
    if existing is None:
        added: M = yield from add(ctx, data)
        return added
    _copy_values(info, data, existing, include_none=True)
    yield from persist(ctx, [existing], refresh=True, attribute_names=attribute_names, with_for_update=with_for_update)
    return existing


def _match_filter(match_fields: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    fields = [match_fields] if isinstance(match_fields, str) else list(match_fields or [])
    if not fields:
        return dict(kwargs)
    return {name: kwargs[name] for name in fields if kwargs.get(name) is not None}


def get_or_upsert(
    ctx: CallContext[M],
    filters: Sequence[Any],
    kwargs: dict[str, Any],
    *,
    match_fields: Any,
    upsert: bool,
    attribute_names: Any = None,
    with_for_update: Any = None,
) -> Operation[tuple[M, bool]]:
    """The matching row (updated with ``kwargs`` when ``upsert``) or a new one.

    The insert runs in a savepoint: when a concurrent writer inserted the same row first, the savepoint is
    rolled back and that row is returned instead, so racing callers end with one row and no error.
    """
    match = _match_filter(match_fields, kwargs)
    lookup = replace(ctx, auto_expunge=False)
    existing = yield from get_one_or_none(lookup, filters, match)
    if existing is None:
        instance = ctx.model(**kwargs)
        if ctx.dialect_name in _NO_SAVEPOINT_DIALECTS:
            yield Add(instance)
            yield from persist(
                ctx, [instance], refresh=True, attribute_names=attribute_names, with_for_update=with_for_update
            )
            return instance, True
        savepoint = yield BeginNested()
        try:
            yield Add(instance)
            yield Flush()
        except sa_exc.IntegrityError:
            yield EndNested(savepoint, commit=False)
            # a locking read sees the competing writer's committed row even under REPEATABLE READ (InnoDB)
            locking = ctx.dialect_name in {"mysql", "mariadb"}
            existing = yield from get_one_or_none(lookup, filters, match, with_for_update=locking or None)
            if existing is None:
                raise
        else:
            yield EndNested(savepoint, commit=True)
            yield from persist(
                ctx, [instance], refresh=True, attribute_names=attribute_names, with_for_update=with_for_update
            )
            return instance, True
    if upsert:
        yield from _save_changes(ctx, existing, kwargs, attribute_names, with_for_update)
    elif ctx.auto_expunge:
        yield Expunge([existing])
    return existing, False


def get_and_update(
    ctx: CallContext[M],
    filters: Sequence[Any],
    kwargs: dict[str, Any],
    *,
    match_fields: Any,
    attribute_names: Any = None,
    with_for_update: Any = None,
) -> Operation[tuple[M, bool]]:
    """The matching row (missing -> ``NotFoundError``) updated with ``kwargs``; returns whether it changed."""
    existing = yield from get_one(replace(ctx, auto_expunge=False), filters, _match_filter(match_fields, kwargs))
    changed = yield from _save_changes(ctx, existing, kwargs, attribute_names, with_for_update)
    return existing, changed


def upsert_many(
    ctx: CallContext[M],
    data: Sequence[M],
    *,
    match_fields: Any,
    no_merge: bool = False,
    chunk_size: Optional[int] = None,
) -> Operation[list[M]]:
    """Insert or update many rows matched on ``match_fields`` (default: the primary key); input order kept.

    One native statement per chunk (``ON CONFLICT``, ``ON DUPLICATE KEY``, ``MERGE``, ``INSERT OR UPDATE``) when
    :func:`native_upsert_plan` allows it, else the select-then-insert/update fallback. A batch that repeats a match
    key raises ``ValueError``.
    """
    if chunk_size is not None and chunk_size < 1:
        msg = f"chunk_size must be at least 1, got {chunk_size}"
        raise ValueError(msg)
    if not data:
        return []
    info = ctx.info
    fields = [match_fields] if isinstance(match_fields, str) else list(match_fields or info.pk_attr_names)
    for name in fields:
        resolve_field(ctx.model, name)
    keys = _match_keys(data, fields)
    complete = [key for key in keys if None not in key]
    if len(set(complete)) != len(complete):
        msg = f"upsert_many got the same {fields} more than once in one batch"
        raise ValueError(msg)
    plan = None if no_merge else native_upsert_plan(ctx, data, fields, keys)
    if plan is None:
        rows: list[M] = yield from atomic(
            ctx, lambda: _upsert_many_fallback(ctx, data, fields, keys, complete), unit_of_work=True
        )
    else:
        native = plan
        stored = yield from atomic(
            ctx, lambda: _upsert_many_native(ctx, fields, keys, native, chunk_size), unit_of_work=False
        )
        rows = yield Attach(data, stored)
    yield from persist(ctx, rows, refresh=False)
    return rows


@dataclass(frozen=True)
class NativeUpsertPlan:
    """What one native bulk upsert sends: the strategy, the parameter rows and the columns the update sets."""

    strategy: UpsertStrategy
    rows: list[dict[str, Any]]
    update_columns: list[str]


@dataclass(frozen=True)
class _UpsertColumn:
    """One column of a native upsert row: where its value comes from when the instance leaves it unset."""

    attr: str
    key: str
    make_default: Optional[Callable[[], Any]]
    """Client-side default (``None``: the database fills it in, so the column is left out of the row)."""
    updates_like_default: bool
    """Its ``onupdate`` is its insert default (``updated_at``): a fresh default is the right update value."""
    has_onupdate: bool


_UPSERT_COLUMNS: dict[type[Any], Optional[tuple[_UpsertColumn, ...]]] = {}


def _origin(default: Any) -> Any:
    """The function or value behind a column default / onupdate (SQLAlchemy wraps plain callables)."""
    arg = getattr(default, "arg", None)
    return getattr(arg, "__wrapped__", arg)


def _upsert_columns(info: Any) -> Optional[tuple[_UpsertColumn, ...]]:
    """Per-model column plan of native upserts, or ``None`` when the model rules them out (cached)."""
    model = info.model
    if model in _UPSERT_COLUMNS:
        return _UPSERT_COLUMNS[model]
    mapper = info.mapper
    spec: Optional[tuple[_UpsertColumn, ...]] = None
    if mapper.inherits is None and len(mapper.tables) == 1:
        columns = []
        for key in info.column_attr_names:
            column = mapper.attrs[key].columns[0]
            onupdate = column.onupdate
            if onupdate is not None and not (getattr(onupdate, "is_scalar", False) or onupdate.is_callable):
                break  # a SQL-expression onupdate needs the database per row
            if type(column.type).__name__ in {"FileObject", "StoredObject"}:
                break
            columns.append(
                _UpsertColumn(
                    attr=key,
                    key=column.key,
                    make_default=client_default(column),
                    updates_like_default=onupdate is not None and _origin(column.default) is _origin(onupdate),
                    has_onupdate=onupdate is not None,
                )
            )
        else:
            spec = tuple(columns)
    _UPSERT_COLUMNS[model] = spec
    return spec


def native_upsert_plan(
    ctx: CallContext[M], data: Sequence[M], fields: list[str], keys: list[tuple[Any, ...]]
) -> Optional[NativeUpsertPlan]:
    """The native statement plan for ``data``, or ``None`` when the fallback must be used (see behaviours §15)."""
    info = ctx.info
    mapper = info.mapper
    spec = _upsert_columns(info)
    if spec is None:
        return None
    dispatch = mapper.dispatch
    if dispatch.before_insert or dispatch.after_insert or dispatch.before_update or dispatch.after_update:
        return None
    if any(None in key for key in keys):
        return None
    column_fields = []
    for name in fields:
        prop = mapper.attrs.get(name)
        if prop is None or name not in info.column_attr_names:
            return None
        column_fields.append(prop.columns[0].key)
    strategy = resolve_upsert_strategy(info.table, column_fields, ctx.dialect_name)
    if strategy.kind == "fallback":
        return None
    needs_every_value = strategy.kind in {"merge", "insert_or_update"}
    relationships = info.relationship_names
    rows: list[dict[str, Any]] = []
    first_given: Optional[list[str]] = None
    first_shape: Optional[int] = None
    for state in _states_of(data):
        if not _new_of_exactly(state, mapper):
            return None  # subclass instances may carry columns the model's statement does not have
        values = state.dict
        if relationships and any(values.get(name) not in (None, []) for name in relationships):
            return None
        row: dict[str, Any] = {}
        given: list[str] = []
        for column in spec:
            value = values.get(column.attr)
            if value is not None:
                row[column.key] = value
                given.append(column.key)
            elif column.make_default is not None:
                row[column.key] = column.make_default()
            elif needs_every_value:
                return None  # MERGE / INSERT OR UPDATE need every value client-side
        if first_given is None:
            first_given, first_shape = given, len(row)
        elif given != first_given or len(row) != first_shape:
            return None  # rows would update different column sets
        rows.append(row)
    assert first_given is not None  # data is not empty
    skip = set(strategy.conflict_columns) | {column.key for column in info.table.primary_key.columns}
    user_set = set(first_given)
    updates = []
    for column in spec:
        if column.key in skip:
            continue
        if column.key in user_set:
            updates.append(column.key)
        elif column.has_onupdate:
            if column.updates_like_default and column.key in rows[0]:
                updates.append(column.key)  # e.g. updated_at: the row's fresh default is the onupdate value too
            elif ctx.dialect_name in {"mysql", "mariadb"}:
                return None  # the onupdate value would be a bound parameter in ON DUPLICATE KEY: not executemany
    if not updates:
        updates = [strategy.conflict_columns[0]]  # a no-op update, so every matched row is still returned
    return NativeUpsertPlan(strategy, rows, updates)


def _upsert_many_native(
    ctx: CallContext[M],
    fields: list[str],
    keys: list[tuple[Any, ...]],
    plan: NativeUpsertPlan,
    chunk_size: Optional[int],
) -> Operation[list[dict[str, Any]]]:
    """Write each chunk with one native statement and read its rows back by match key.

    Returns, per input row, the column attribute values to attach its instance with.

    The read-back runs in the same transaction, where the written rows are locked, so it sees exactly what the
    statement left; it is cheaper than ``RETURNING`` through batched ``VALUES`` (notably on PostgreSQL).
    """
    info = ctx.info
    table = info.table
    strategy = plan.strategy
    conflict = list(strategy.conflict_columns)
    # the statement leaves exactly the sent values in the columns it updates; read back only the others
    # (primary key, match key, created_at ...), which an existing row keeps
    spec = _upsert_columns(info)  # cached per model; not None, or there would be no plan
    assert spec is not None
    sent = {column.attr: column.key for column in spec}
    written = set(plan.update_columns) - set(conflict)
    read_attrs = [key for key, column_key in sent.items() if column_key not in written or key in fields]
    read_columns = [info.mapper.attrs[key].columns[0] for key in read_attrs]
    match_columns = [table.c[info.mapper.attrs[name].columns[0].key] for name in fields]
    limit = _BIND_PARAMETER_LIMITS.get(ctx.dialect_name, _DEFAULT_CHUNK)
    # an executemany upsert is paged by SQLAlchemy itself, so only the read-back's key list bounds a chunk;
    # statements that carry the values (MERGE, INSERT OR UPDATE) hold every value of the chunk
    width = len(fields) if strategy.kind == "on_conflict" else max(1, len(plan.rows[0]))
    size = chunk_size or max(1, limit // width)
    rows, row_keys = plan.rows, keys
    try:  # one global key order, so concurrent upserts of overlapping keys lock rows in the same order
        order = sorted(range(len(rows)), key=keys.__getitem__)
        rows, row_keys = [rows[i] for i in order], [keys[i] for i in order]
    except TypeError:
        pass
    executemany = None
    if strategy.kind == "on_conflict":
        executemany = upsert_for_executemany(
            table, list(rows[0]), conflict, plan.update_columns, ctx.dialect_name, model_type=ctx.model
        )
    stored: dict[tuple[Any, ...], dict[str, Any]] = {}
    key_of = _match_key_of(fields)
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        if executemany is not None:
            yield Execute(executemany, chunk)
        elif strategy.kind == "merge":
            yield Execute(OnConflictUpsert.create_merge_many(table, chunk, conflict, plan.update_columns))
        else:
            yield Execute(OnConflictUpsert.create_insert_or_update_many(table, chunk))
        chunk_keys = row_keys[start : start + size]
        where = (
            st.in_clause(match_columns[0], [k[0] for k in chunk_keys], prefer_any=ctx.prefer_any)
            if len(match_columns) == 1
            else sql_tuple(*match_columns).in_(chunk_keys)
        )
        found: Result[Any] = yield Execute(select(*read_columns).where(where))
        for row in found:
            values = dict(zip(read_attrs, row, strict=True))
            stored[key_of(values)] = values
    sent_pairs = [(attr, column_key) for attr, column_key in sent.items() if column_key in plan.rows[0]]
    attached_values = []
    for sent_row, key in zip(plan.rows, keys, strict=True):
        attached = {attr: sent_row[column_key] for attr, column_key in sent_pairs}  # every row has the same keys
        attached.update(stored[key])
        attached_values.append(attached)
    return attached_values


def _match_key_of(fields: Sequence[str]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """The match key (a tuple of the ``fields`` values) of a dict of attribute values."""
    if len(fields) == 1:
        name = fields[0]
        return lambda values: (values[name],)
    get = itemgetter(*fields)
    return lambda values: get(values)


def _match_keys(data: Sequence[Any], fields: Sequence[str]) -> list[tuple[Any, ...]]:
    """Each item's values of ``fields``, as a tuple."""
    get = attrgetter(*fields)
    if len(fields) == 1:
        return [(get(item),) for item in data]
    return [get(item) for item in data]


def _upsert_many_fallback(
    ctx: CallContext[M],
    data: Sequence[M],
    fields: list[str],
    keys: list[tuple[Any, ...]],
    complete: list[tuple[Any, ...]],
) -> Operation[list[M]]:
    """Select the existing rows by the whole match tuple, update those, insert the rest; one flush."""
    info = ctx.info
    existing_by_key: dict[tuple[Any, ...], Any] = {}
    if complete:
        columns = [resolve_field(ctx.model, name) for name in fields]
        where = (
            st.in_clause(columns[0], [k[0] for k in complete], prefer_any=ctx.prefer_any)
            if len(columns) == 1
            else sql_tuple(*columns).in_(complete)
        )
        found: Result[Any] = yield Execute(ctx.select().where(where))
        for row in _scalars(found, ctx.uniquify):
            existing_by_key[tuple(getattr(row, name) for name in fields)] = row
    results: list[Any] = []
    to_insert: list[Any] = []
    for item, key in zip(data, keys, strict=True):
        current = existing_by_key.get(key)
        if current is None:
            to_insert.append(item)
            results.append(item)
        else:
            _copy_values(info, item, current, include_none=False)
            if _state_of(item).transient:
                for name in info.pk_attr_names:
                    setattr(item, name, getattr(current, name))
            results.append(current)
    if to_insert:
        yield AddAll(to_insert)
    yield Flush()
    return results
