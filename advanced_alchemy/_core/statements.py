"""Statement building: filters, ordering, primary-key lookups, counting, locking and loader options."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar, Union, cast

from sqlalchemy import Select, and_, any_, bindparam, func, or_, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, RelationshipProperty, joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.selectable import ForUpdateArg

from advanced_alchemy._core.model_info import ModelInfo
from advanced_alchemy.exceptions import RepositoryError
from advanced_alchemy.filters import PaginationFilter, StatementFilter, resolve_field

__all__ = (
    "apply_filters",
    "apply_for_update",
    "apply_order_by",
    "count_statement",
    "id_clause",
    "loader_options",
    "pk_clause",
    "pk_in_clause",
)

StatementT = TypeVar("StatementT", bound=Any)
FilterArg = Union[StatementFilter, ColumnElement[bool]]


def apply_filters(
    statement: StatementT,
    model: type[Any],
    filters: Sequence[FilterArg],
    kwargs: dict[str, Any],
    *,
    paginate: bool = True,
) -> StatementT:
    """Apply filters in order, then ``kwargs`` as ``Model.<key> == value``; pagination only when ``paginate``."""
    for item in filters:
        if isinstance(item, StatementFilter):
            if not paginate and isinstance(item, PaginationFilter):
                continue
            statement = item.append_to_statement(statement, model)
        elif isinstance(item, ColumnElement) or hasattr(item, "__clause_element__"):
            statement = statement.where(item)
        else:
            msg = f"Unsupported filter {item!r}: pass a StatementFilter or a SQL boolean expression"
            raise RepositoryError(msg)
    if kwargs:
        statement = statement.where(*(resolve_field(model, key) == value for key, value in kwargs.items()))
    return statement


def apply_order_by(statement: Select[Any], model: type[Any], order_by: Any) -> Select[Any]:
    """Apply ``(field, is_desc)`` pairs and/or ``UnaryExpression`` s (one or a list)."""
    if order_by is None:
        return statement
    items = order_by if isinstance(order_by, list) else [order_by]
    for item in items:
        if isinstance(item, UnaryExpression):
            statement = statement.order_by(item)
            continue
        if not isinstance(item, tuple) or len(item) != 2:
            msg = f"Invalid order_by {item!r}: use (field, is_descending) or an ordering expression"
            raise RepositoryError(msg)
        field = resolve_field(model, item[0])
        statement = statement.order_by(field.desc() if item[1] else field.asc())
    return statement


def pk_clause(info: ModelInfo, item_id: Any) -> ColumnElement[bool]:
    """``WHERE`` clause selecting the row whose primary key is ``item_id`` (scalar, tuple or dict)."""
    attrs = [getattr(info.model, name) for name in info.pk_attr_names]
    if not info.has_composite_pk:
        if isinstance(item_id, (tuple, dict)):
            msg = f"{info.model.__name__} has a single-column primary key; got {item_id!r}"
            raise ValueError(msg)
        return attrs[0] == item_id  # type: ignore[no-any-return]
    values = _composite_values(info, item_id)
    return and_(*(attr == value for attr, value in zip(attrs, values, strict=True)))


def _composite_values(info: ModelInfo, item_id: Any) -> tuple[Any, ...]:
    names = info.pk_attr_names
    if isinstance(item_id, dict):
        missing = [name for name in names if name not in item_id]
        if missing:
            msg = f"Primary key of {info.model.__name__} is missing {missing}"
            raise ValueError(msg)
        values = tuple(item_id[name] for name in names)
    elif isinstance(item_id, tuple):
        if len(item_id) != len(names):
            msg = f"Primary key of {info.model.__name__} has {len(names)} columns {names}; got {len(item_id)} values"
            raise ValueError(msg)
        values = item_id
    else:
        msg = f"{info.model.__name__} has a composite primary key {names}: pass a tuple or a dict, not {item_id!r}"
        raise TypeError(msg)
    if any(value is None for value in values):
        msg = f"Primary key values of {info.model.__name__} must not be None: {item_id!r}"
        raise ValueError(msg)
    return values


_PLAIN_TYPES = (int, float, str, bool, bytes, Decimal, datetime.date, datetime.time, datetime.timedelta, uuid.UUID)


def any_eligible(column: Any, values: Sequence[Any]) -> bool:
    """Whether ``values`` can travel as one array parameter for ``column``: plain values of its Python type."""
    try:
        python_type = column.type.python_type
    except (AttributeError, NotImplementedError):
        return False
    return all(isinstance(value, _PLAIN_TYPES) and isinstance(value, python_type) for value in values)


def in_clause(column: Any, values: Sequence[Any], *, prefer_any: bool = False) -> ColumnElement[bool]:
    """``column IN (values)``, or ``column = ANY(:array)`` (one bind parameter) where preferred and possible."""
    values = list(values)
    if prefer_any and values and any_eligible(column, values):
        array = bindparam(None, values, type_=ARRAY(column.type), expanding=False)
        return column == any_(array)  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def pk_in_clause(
    info: ModelInfo, item_ids: Sequence[Any], dialect_name: str, *, prefer_any: bool = False
) -> ColumnElement[bool]:
    """``WHERE`` clause selecting every row whose primary key is in ``item_ids``."""
    attrs = [getattr(info.model, name) for name in info.pk_attr_names]
    if not info.has_composite_pk:
        return in_clause(attrs[0], item_ids, prefer_any=prefer_any)
    rows = [_composite_values(info, item_id) for item_id in item_ids]
    if dialect_name in {"mssql", "sqlite"}:
        return or_(*(and_(*(attr == value for attr, value in zip(attrs, row, strict=True))) for row in rows))
    return tuple_(*attrs).in_(rows)


def id_clause(
    model: type[Any], id_attribute: Union[str, InstrumentedAttribute[Any]], value: Any
) -> ColumnElement[bool]:
    """``Model.<id_attribute> == value``."""
    return resolve_field(model, id_attribute) == value  # type: ignore[no-any-return]


def count_statement(statement: Select[Any]) -> Select[tuple[int]]:
    """``SELECT count(*)`` over ``statement`` with ordering, limit and offset removed."""
    base = statement.order_by(None).limit(None).offset(None)
    if base._group_by_clauses or base._distinct or base._having_criteria:
        return select(func.count()).select_from(base.subquery())
    return base.with_only_columns(func.count(), maintain_column_froms=True)


def apply_for_update(statement: Select[Any], with_for_update: Any) -> Select[Any]:
    """``True`` -> ``FOR UPDATE``; a dict -> ``with_for_update(**dict)``; a ``ForUpdateArg`` -> its options."""
    if with_for_update is None or with_for_update is False:
        return statement
    if with_for_update is True:
        return statement.with_for_update()
    if isinstance(with_for_update, dict):
        return statement.with_for_update(**with_for_update)
    if isinstance(with_for_update, ForUpdateArg):
        return statement.with_for_update(
            nowait=with_for_update.nowait,
            read=with_for_update.read,
            skip_locked=with_for_update.skip_locked,
            key_share=with_for_update.key_share,
            of=cast("Any", with_for_update.of),
        )
    msg = f"Invalid with_for_update value {with_for_update!r}"
    raise RepositoryError(msg)


def _relationship_loader(attribute: Any, parent: Any = None) -> tuple[Any, bool]:
    """``selectinload`` for collections, ``joinedload`` (uniquify) for scalars, chained from ``parent``."""
    prop = attribute.property
    if prop.uselist:
        return (parent.selectinload(attribute) if parent is not None else selectinload(attribute)), False
    innerjoin = bool(prop.innerjoin)
    if parent is not None:
        return parent.joinedload(attribute, innerjoin=innerjoin), True
    return joinedload(attribute, innerjoin=innerjoin), True


def _is_relationship(item: Any) -> bool:
    return isinstance(item, InstrumentedAttribute) and isinstance(item.property, RelationshipProperty)


def loader_options(load: Any) -> tuple[list[ORMOption], bool]:
    """Loader options for a ``load`` spec, and whether results must be uniquified.

    Accepts loader options, relationship attributes (collections -> ``selectinload``, scalars ->
    ``joinedload``), ``"*"`` (``joinedload("*")``), lists/tuples of these, and nested lists, which chain
    (``[[Author.books, Book.reviews]]`` -> ``selectinload(Author.books).selectinload(Book.reviews)``).
    """
    if load is None:
        return [], False
    options: list[ORMOption] = []
    unique = False
    items: Iterable[Any] = load if isinstance(load, (list, tuple)) else [load]
    for item in items:
        if isinstance(item, ORMOption):
            options.append(item)
        elif isinstance(item, str) and item == "*":
            options.append(joinedload("*"))
            unique = True
        elif _is_relationship(item):
            option, needs_unique = _relationship_loader(item)
            options.append(option)
            unique = unique or needs_unique
        elif isinstance(item, (list, tuple)) and item and all(_is_relationship(part) for part in item):
            chained: Any = None
            for part in item:
                chained, needs_unique = _relationship_loader(part, chained)
                unique = unique or needs_unique
            options.append(chained)
        else:
            msg = f"Invalid load option {item!r}: use a loader option, a relationship attribute or '*'"
            raise RepositoryError(msg)
    return options, unique
