"""Every repository operation, written once as a generator of session steps.

An operation yields :mod:`~advanced_alchemy._core.steps` and receives their results; the sync and async
drivers run the same operation object, so behaviour cannot drift between the two APIs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Optional

from sqlalchemy import Result, func, inspect, over
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import InstrumentedAttribute

from advanced_alchemy._core import statements as st
from advanced_alchemy._core.context import CallContext, M
from advanced_alchemy._core.steps import Add, AddAll, Commit, Delete, Execute, Expunge, Flush, Operation, Refresh
from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.filters import resolve_field

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

_NOT_FOUND = "No item found when one was expected"
_DEFAULT_CHUNK = 950


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
            yield Refresh(instance, attribute_names, with_for_update)
    if ctx.auto_expunge:
        yield Expunge(instances)


def _scalars(result: Result[Any], unique: bool) -> list[Any]:
    scalars = result.scalars()
    return list(scalars.unique().all() if unique else scalars.all())


def add(ctx: CallContext[M], data: M) -> Operation[M]:
    """Add one instance; returns it with its primary key and defaults."""
    yield Add(data)
    yield from persist(ctx, [data], refresh=True)
    return data


def add_many(ctx: CallContext[M], data: Sequence[M]) -> Operation[Sequence[M]]:
    """Add instances in one flush (batched INSERTs); returns the same objects."""
    if not data:
        return data
    yield AddAll(data)
    yield from persist(ctx, data, refresh=False)
    return data


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
    stmt = st.apply_filters(ctx.select(statement), ctx.model, filters, kwargs, paginate=False)
    result: Result[Any] = yield Execute(st.count_statement(stmt))
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
    if not ctx.count_with_window_function:
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
        state = inspect(data)
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
    """Delete every row whose key is in ``item_ids``, one statement per chunk; returns the deleted rows."""
    if chunk_size is not None and chunk_size < 1:
        msg = f"chunk_size must be at least 1, got {chunk_size}"
        raise ValueError(msg)
    info = ctx.info
    size = max(1, (chunk_size or _DEFAULT_CHUNK) // max(1, len(info.pk_attr_names)))
    deleted: list[Any] = []
    for start in range(0, len(item_ids), size):
        chunk = list(item_ids[start : start + size])
        if id_attribute is not None:
            where = resolve_field(ctx.model, id_attribute).in_(chunk)
        else:
            where = st.pk_in_clause(info, chunk, ctx.dialect_name)
        if supports_returning:
            result: Result[Any] = yield Execute(sql_delete(ctx.model).where(where).returning(ctx.model))
            deleted.extend(_scalars(result, False))
        else:
            found: Result[Any] = yield Execute(ctx.select().where(where))
            rows = _scalars(found, ctx.uniquify)
            if rows:
                yield Execute(sql_delete(ctx.model).where(where))
            deleted.extend(rows)
    yield from persist(ctx, [], refresh=False)
    if ctx.auto_expunge and deleted:
        yield Expunge(deleted)
    return deleted


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
