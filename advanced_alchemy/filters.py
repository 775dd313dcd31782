"""Statement filters: small objects that each know how to narrow, order or page a statement.

Each filter applies itself to a SQLAlchemy statement in ``append_to_statement(statement, model)``; the
repositories only call that, so the meaning of a filter is defined once, here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Optional, TypeVar, Union, cast

from sqlalchemy import Delete, Select, Update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.dml import ReturningDelete, ReturningUpdate
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from typing_extensions import TypeAlias

from advanced_alchemy.exceptions import RepositoryError

if TYPE_CHECKING:
    from advanced_alchemy.base import ModelProtocol

__all__ = (
    "FilterFieldName",
    "InAnyFilter",
    "LimitOffset",
    "OrderBy",
    "PaginationFilter",
    "StatementFilter",
    "StatementFilterT",
    "StatementTypeT",
    "resolve_field",
)

ModelT = TypeVar("ModelT", bound="ModelProtocol")
StatementTypeT = TypeVar(
    "StatementTypeT", bound=Union[ReturningDelete[Any], ReturningUpdate[Any], Select[Any], Update, Delete]
)
FilterFieldName: TypeAlias = Union[str, InstrumentedAttribute[Any], ColumnElement[Any]]

_NO_NULLS_ORDERING = frozenset({"mysql", "mariadb", "mssql"})


def resolve_field(model: type[Any], field_name: FilterFieldName) -> Any:
    """The column expression for ``field_name`` on ``model``; an unknown name raises :class:`RepositoryError`."""
    if not isinstance(field_name, str):
        return field_name
    attribute = getattr(model, field_name, None)
    if attribute is None or not hasattr(attribute, "__clause_element__"):
        msg = f"{model.__name__} has no field named {field_name!r}"
        raise RepositoryError(msg)
    return attribute


class StatementFilter(ABC):
    """Base class of every filter."""

    @abstractmethod
    def append_to_statement(
        self, statement: StatementTypeT, model: type[ModelT], *args: Any, **kwargs: Any
    ) -> StatementTypeT:
        """Return ``statement`` with this filter applied."""


StatementFilterT = TypeVar("StatementFilterT", bound=StatementFilter)


class PaginationFilter(StatementFilter, ABC):
    """Marker for filters that page results (skipped by count/exists/get_one/delete_where)."""


class InAnyFilter(StatementFilter, ABC):
    """Marker for filters that may render ``= ANY(:array)`` instead of ``IN``."""


@dataclass
class LimitOffset(PaginationFilter):
    """``LIMIT limit OFFSET offset`` on SELECTs."""

    limit: int
    """Maximum number of rows."""
    offset: int
    """Rows to skip."""

    def __post_init__(self) -> None:
        if not isinstance(self.limit, int) or isinstance(self.limit, bool) or self.limit < 0:
            msg = f"LimitOffset.limit must be a non-negative integer, got {self.limit!r}"
            raise ValueError(msg)
        if not isinstance(self.offset, int) or isinstance(self.offset, bool) or self.offset < 0:
            msg = f"LimitOffset.offset must be a non-negative integer, got {self.offset!r}"
            raise ValueError(msg)

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        if isinstance(statement, Select):
            return cast("StatementTypeT", statement.limit(self.limit).offset(self.offset))
        return statement


@dataclass
class OrderBy(StatementFilter):
    """``ORDER BY field ASC|DESC`` on SELECTs, optionally ``NULLS FIRST|LAST``.

    MySQL, MariaDB and SQL Server have no ``NULLS FIRST/LAST``; a leading ``CASE WHEN field IS NULL`` key
    gives the same order there.
    """

    field_name: FilterFieldName
    """Attribute name or column to order by."""
    sort_order: Literal["asc", "desc"] = "asc"
    """Direction."""
    nulls: Optional[Literal["first", "last"]] = None
    """Where NULLs go; ``None`` leaves it to the database."""

    def __post_init__(self) -> None:
        if self.sort_order not in {"asc", "desc"}:
            msg = f"OrderBy.sort_order must be 'asc' or 'desc', got {self.sort_order!r}"
            raise ValueError(msg)
        if self.nulls not in {None, "first", "last"}:
            msg = f"OrderBy.nulls must be 'first', 'last' or None, got {self.nulls!r}"
            raise ValueError(msg)

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        if not isinstance(statement, Select):
            return statement
        field = resolve_field(model, self.field_name)
        if self.nulls is None:
            return cast(
                "StatementTypeT", statement.order_by(field.desc() if self.sort_order == "desc" else field.asc())
            )
        ordering = NullsOrdering(field, descending=self.sort_order == "desc", nulls=self.nulls)
        return cast("StatementTypeT", statement.order_by(ordering))


class NullsOrdering(ColumnElement[Any]):
    """``field ASC|DESC NULLS FIRST|LAST``, emulated with a ``CASE`` key where the dialect lacks it."""

    __visit_name__ = "aa_nulls_ordering"
    inherit_cache = True
    _traverse_internals = [
        ("element", InternalTraversal.dp_clauseelement),
        ("descending", InternalTraversal.dp_boolean),
        ("nulls", InternalTraversal.dp_string),
    ]

    def __init__(self, element: Any, *, descending: bool, nulls: Literal["first", "last"]) -> None:
        self.element = coercions.expect(roles.ExpressionElementRole, element)
        self.descending = descending
        self.nulls = nulls


@compiles(NullsOrdering)
def _compile_nulls_ordering(element: NullsOrdering, compiler: Any, **kw: Any) -> str:
    direction = "DESC" if element.descending else "ASC"
    column = compiler.process(element.element, **kw)
    if compiler.dialect.name in _NO_NULLS_ORDERING:
        first, last = (0, 1) if element.nulls == "first" else (1, 0)
        return f"CASE WHEN {column} IS NULL THEN {first} ELSE {last} END, {column} {direction}"
    return f"{column} {direction} NULLS {element.nulls.upper()}"
