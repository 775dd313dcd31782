"""Facts about a mapped class, read from its mapper once and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

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
        model=model,
        mapper=mapper,
        pk_columns=pk_columns,
        pk_attr_names=pk_attr_names,
        column_attr_names=tuple(column_attrs),
        columns_with_defaults=frozenset(with_defaults),
        relationship_names=frozenset(mapper.relationships.keys()),
    )
