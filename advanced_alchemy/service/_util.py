"""Output conversion shared by every service: models and rows to schemas and pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Optional, TypeVar, Union

from sqlalchemy import Row
from sqlalchemy.sql import ColumnElement

from advanced_alchemy import _conversion
from advanced_alchemy.filters import LimitOffset, StatementFilter
from advanced_alchemy.service.pagination import OffsetPagination

__all__ = ("ResultConverter", "find_filter")

FilterTypeT = TypeVar("FilterTypeT", bound=StatementFilter)
FilterSequence = Union[Sequence[Union[StatementFilter, ColumnElement[bool]]], Sequence[StatementFilter]]


def find_filter(filter_type: type[FilterTypeT], filters: FilterSequence) -> Union[FilterTypeT, None]:
    """The first filter in ``filters`` that is a ``filter_type``, else ``None``."""
    for item in filters:
        if isinstance(item, filter_type):
            return item
    return None


def _is_many(data: Any) -> bool:
    return isinstance(data, Sequence) and not isinstance(data, (Row, str, bytes))


class ResultConverter:
    """``to_schema``: a model, row or list of them as a schema (Pydantic, msgspec, attrs) or a page."""

    def to_schema(
        self,
        data: Any,
        total: Optional[int] = None,
        filters: Optional[FilterSequence] = None,
        *,
        schema_type: Optional[type[Any]] = None,
    ) -> Any:
        """Convert ``data``; a sequence becomes an :class:`OffsetPagination` (limit/offset from a ``LimitOffset``).

        Without ``schema_type`` items are returned as they are. ``total`` defaults to the number of items.
        """
        if not _is_many(data):
            return data if schema_type is None else _conversion.to_schema_item(data, schema_type)
        items = list(data) if schema_type is None else _conversion.to_schema_many(data, schema_type)
        page = find_filter(LimitOffset, filters or ())
        limit, offset = (page.limit, page.offset) if page is not None else (len(items), 0)
        return OffsetPagination(items=items, limit=limit, offset=offset, total=len(items) if total is None else total)
