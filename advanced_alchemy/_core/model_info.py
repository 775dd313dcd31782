"""Facts about a mapped class, read from its mapper once and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, partial
from typing import Any, Callable, Optional

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import ColumnProperty, Mapper
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.schema import Column

__all__ = ("ModelInfo", "model_info")


@dataclass(frozen=True)
class ModelInfo:
    """Primary key and column facts of one mapped class."""

    model: type[Any]
    mapper: Mapper[Any]
    pk_columns: tuple[ColumnElement[Any], ...]
    pk_attr_names: tuple[str, ...]
    column_attr_names: tuple[str, ...]
    columns_with_defaults: frozenset[str]
    """Column attributes whose ``None`` is replaced by a default/onupdate (so ``update`` skips ``None``)."""
    relationship_names: frozenset[str]
    table: Any
    """The mapped table (the local table of the mapper)."""
    insert_defaults: Optional[tuple[tuple[str, str, Callable[[], Any]], ...]]
    """Per column attribute ``(attribute key, column key, default)``: how to compute its value client-side on
    insert (a Core ``INSERT`` into :attr:`table` then needs nothing from the ORM); ``None`` when some value
    can only come from the database (sequence, identity, server default, SQL expression, version counter)
    or inheritance makes one INSERT statement insufficient."""

    @property
    def has_composite_pk(self) -> bool:
        return len(self.pk_attr_names) > 1


@cache
def model_info(model: type[Any]) -> ModelInfo:
    """Cached :class:`ModelInfo` of ``model``."""
    mapper: Mapper[Any] = sa_inspect(model)
    pk_columns = tuple(mapper.primary_key)
    pk_attr_names = tuple(mapper.get_property_by_column(column).key for column in pk_columns)
    column_attrs: list[str] = []
    with_defaults: set[str] = set()
    for prop in mapper.column_attrs:
        if not isinstance(prop, ColumnProperty) or prop.key in {"_sentinel", "sa_orm_sentinel"}:
            continue
        column_attrs.append(prop.key)
        column = prop.columns[0]
        if isinstance(column, Column) and (
            column.default is not None or column.server_default is not None or column.onupdate is not None
        ):
            with_defaults.add(prop.key)
    return ModelInfo(
        insert_defaults=_insert_defaults(mapper),
        model=model,
        mapper=mapper,
        pk_columns=pk_columns,
        pk_attr_names=pk_attr_names,
        column_attr_names=tuple(column_attrs),
        columns_with_defaults=frozenset(with_defaults),
        relationship_names=frozenset(mapper.relationships.keys()),
        table=mapper.local_table,
    )


def _no_value() -> Any:
    return None


def _constant(value: Any) -> Any:
    return value


def db_generated_key(column: Any) -> bool:
    """A primary key the database numbers itself (identity, or a lone integer ``autoincrement`` key)."""
    if not column.primary_key:
        return False
    if column.identity is not None:
        return True
    try:
        is_int = column.type.python_type is int
    except NotImplementedError:
        is_int = False
    return bool(is_int and column.autoincrement in (True, "auto") and len(column.table.primary_key.columns) == 1)


def client_default(column: Any) -> Optional[Callable[[], Any]]:
    """How to compute ``column``'s insert value in Python when the caller left it unset, or ``None`` when only
    the database (server default, identity, sequence, SQL expression) or the execution context can."""
    default = column.default
    if default is None:
        if column.server_default is not None or db_generated_key(column):
            return None
        return _no_value
    if getattr(default, "is_scalar", False):
        return partial(_constant, default.arg)
    if getattr(default, "is_callable", False):
        return getattr(default.arg, "__wrapped__", None)  # plain callables; context-wanting ones are not
    return None


def _insert_defaults(mapper: Mapper[Any]) -> Optional[tuple[tuple[str, str, Callable[[], Any]], ...]]:
    if mapper.inherits is not None or mapper.version_id_col is not None or len(mapper.tables) != 1:
        return None
    defaults: list[tuple[str, str, Callable[[], Any]]] = []
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column, Column):
            return None
        if column._insert_sentinel:
            continue
        make_default = client_default(column)
        if make_default is None:
            return None  # some value only the database (or the execution context) can supply
        defaults.append((prop.key, column.key, make_default))
    return tuple(defaults)
