"""Statement filters: small objects that each know how to narrow, order or page a statement.

Each filter applies itself to a SQLAlchemy statement in ``append_to_statement(statement, model)``; the
repositories only call that, so the meaning of a filter is defined once, here.
"""

from __future__ import annotations

import datetime
import re
from abc import ABC, abstractmethod
from collections.abc import Collection
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Callable, Generic, Literal, Optional, TypeVar, Union, cast

from sqlalchemy import Date, Delete, Select, Update, and_, exists, false, not_, or_, select, true
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.dml import ReturningDelete, ReturningUpdate
from sqlalchemy.sql.elements import BinaryExpression, ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from typing_extensions import TypeAlias, TypedDict

from advanced_alchemy.exceptions import RepositoryError

if TYPE_CHECKING:
    from advanced_alchemy.base import ModelProtocol

__all__ = (
    "LIKE_ESCAPE_CHAR",
    "BeforeAfter",
    "BooleanFilter",
    "ChoicesFilter",
    "CollectionFilter",
    "ComparisonFilter",
    "ExistsFilter",
    "FilterFieldName",
    "FilterGroup",
    "FilterMap",
    "FilterTypes",
    "InAnyFilter",
    "LimitOffset",
    "LogicalOperatorMap",
    "MultiFilter",
    "NotExistsFilter",
    "NotInCollectionFilter",
    "NotInSearchFilter",
    "NotNullFilter",
    "NullFilter",
    "OnBeforeAfter",
    "OrderBy",
    "PaginationFilter",
    "SearchFilter",
    "StatementFilter",
    "StatementFilterT",
    "StatementTypeT",
    "escape_like_value",
    "resolve_field",
)

LIKE_ESCAPE_CHAR = "/"
"""Escape character used when search text is matched literally."""
T = TypeVar("T")

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

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        """Apply this filter to in-memory objects (used by the mock repositories)."""
        msg = f"{type(self).__name__} cannot be applied to in-memory objects"
        raise RepositoryError(msg)

    @staticmethod
    def _where(statement: StatementTypeT, clause: ColumnElement[bool]) -> StatementTypeT:
        return cast("StatementTypeT", statement.where(clause))


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

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        return objects[self.offset : self.offset + self.limit]


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

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        name = _field_key(self.field_name)
        descending = self.sort_order == "desc"
        # NULLs sort last ascending / first descending unless told otherwise, as on PostgreSQL
        nulls_first = descending if self.nulls is None else self.nulls == "first"
        present = [o for o in objects if getattr(o, name) is not None]
        missing = [o for o in objects if getattr(o, name) is None]
        present.sort(key=attrgetter(name), reverse=descending)
        return missing + present if nulls_first else present + missing


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


def _field_key(field_name: Any) -> str:
    """Attribute name of a filter's field, for in-memory filtering."""
    if isinstance(field_name, str):
        return field_name
    key = getattr(field_name, "key", None)
    if key is None:
        msg = f"Cannot filter in-memory objects on {field_name!r}"
        raise RepositoryError(msg)
    return str(key)


def escape_like_value(value: str, escape_char: str = LIKE_ESCAPE_CHAR) -> str:
    """``value`` with ``%``, ``_`` and the escape character escaped, for a literal LIKE match."""
    return value.replace(escape_char, escape_char * 2).replace("%", f"{escape_char}%").replace("_", f"{escape_char}_")


def like_matches(value: str, pattern: str, *, ignore_case: bool = False, escape: Optional[str] = None) -> bool:
    """Whether ``value`` matches the SQL LIKE ``pattern`` (``%`` any run, ``_`` one character)."""
    parts: list[str] = []
    chars = iter(pattern)
    for char in chars:
        if escape is not None and char == escape:
            parts.append(re.escape(next(chars, "")))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.fullmatch("".join(parts), value, flags) is not None


@dataclass
class BeforeAfter(StatementFilter):
    """``field < before`` and/or ``field > after`` (``None`` bounds are ignored)."""

    field_name: FilterFieldName
    """Attribute name or column."""
    before: Optional[datetime.datetime]
    """Exclusive upper bound."""
    after: Optional[datetime.datetime]
    """Exclusive lower bound."""

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        field = resolve_field(model, self.field_name)
        if self.before is not None:
            statement = self._where(statement, field < self.before)
        if self.after is not None:
            statement = self._where(statement, field > self.after)
        return statement

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        name = _field_key(self.field_name)
        if self.before is None and self.after is None:
            return objects
        return [
            o
            for o in objects
            if getattr(o, name) is not None  # NULL compares as unknown in SQL: the row is dropped
            and (self.before is None or getattr(o, name) < self.before)
            and (self.after is None or getattr(o, name) > self.after)
        ]


@dataclass
class OnBeforeAfter(StatementFilter):
    """``field <= on_or_before`` and/or ``field >= on_or_after`` (``None`` bounds are ignored)."""

    field_name: FilterFieldName
    """Attribute name or column."""
    on_or_before: Optional[datetime.datetime]
    """Inclusive upper bound."""
    on_or_after: Optional[datetime.datetime]
    """Inclusive lower bound."""

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        field = resolve_field(model, self.field_name)
        if self.on_or_before is not None:
            statement = self._where(statement, field <= self.on_or_before)
        if self.on_or_after is not None:
            statement = self._where(statement, field >= self.on_or_after)
        return statement

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        name = _field_key(self.field_name)
        if self.on_or_before is None and self.on_or_after is None:
            return objects
        return [
            o
            for o in objects
            if getattr(o, name) is not None  # NULL compares as unknown in SQL: the row is dropped
            and (self.on_or_before is None or getattr(o, name) <= self.on_or_before)
            and (self.on_or_after is None or getattr(o, name) >= self.on_or_after)
        ]


@dataclass
class CollectionFilter(InAnyFilter, Generic[T]):
    """``field IN (values)``; ``None`` is a no-op and an empty collection matches nothing."""

    field_name: FilterFieldName
    """Attribute name or column."""
    values: Union[Collection[T], None]
    """Accepted values."""

    def append_to_statement(
        self, statement: StatementTypeT, model: type[ModelT], prefer_any: bool = False
    ) -> StatementTypeT:
        if self.values is None:
            return statement
        if not self.values:
            return self._where(statement, false())
        field = resolve_field(model, self.field_name)
        values = list(self.values)
        if prefer_any:
            from sqlalchemy import any_

            return self._where(statement, field == any_(values))  # type: ignore[arg-type]
        return self._where(statement, field.in_(values))

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        if self.values is None:
            return objects
        name = _field_key(self.field_name)
        values = [v for v in self.values if v is not None]  # SQL: NULL never equals anything
        return [o for o in objects if (value := getattr(o, name)) is not None and value in values]


@dataclass
class ChoicesFilter(CollectionFilter[T]):
    """Same as :class:`CollectionFilter`, for choice fields."""


@dataclass
class NotInCollectionFilter(InAnyFilter, Generic[T]):
    """``field NOT IN (values)``; ``None`` or an empty collection is a no-op."""

    field_name: FilterFieldName
    """Attribute name or column."""
    values: Union[Collection[T], None]
    """Rejected values."""

    def append_to_statement(
        self, statement: StatementTypeT, model: type[ModelT], prefer_any: bool = False
    ) -> StatementTypeT:
        if not self.values:
            return statement
        field = resolve_field(model, self.field_name)
        values = list(self.values)
        if prefer_any:
            from sqlalchemy import all_

            return self._where(statement, field != all_(values))  # type: ignore[arg-type]
        return self._where(statement, field.notin_(values))

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        if not self.values:
            return objects
        if any(v is None for v in self.values):
            return []  # SQL: x NOT IN (..., NULL) is never true
        name = _field_key(self.field_name)
        return [o for o in objects if (value := getattr(o, name)) is not None and value not in self.values]


@dataclass
class BooleanFilter(StatementFilter):
    """``field = value``; ``None`` is a no-op."""

    field_name: Union[str, ColumnElement[Any], InstrumentedAttribute[Any]]
    """Attribute name or column."""
    value: Optional[bool]
    """Required value."""

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        if self.value is None:
            return statement
        return self._where(statement, resolve_field(model, self.field_name) == self.value)

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        if self.value is None:
            return objects
        name = _field_key(self.field_name)
        return [o for o in objects if getattr(o, name) is self.value or getattr(o, name) == self.value]


@dataclass
class NullFilter(StatementFilter):
    """``field IS NULL``."""

    field_name: FilterFieldName
    """Attribute name or column."""

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        return self._where(statement, resolve_field(model, self.field_name).is_(None))

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        name = _field_key(self.field_name)
        return [o for o in objects if getattr(o, name) is None]


@dataclass
class NotNullFilter(StatementFilter):
    """``field IS NOT NULL``."""

    field_name: FilterFieldName
    """Attribute name or column."""

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        return self._where(statement, resolve_field(model, self.field_name).is_not(None))

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        name = _field_key(self.field_name)
        return [o for o in objects if getattr(o, name) is not None]


@dataclass
class SearchFilter(StatementFilter):
    """``field LIKE '%value%'`` (``ILIKE`` with ``ignore_case``) on one or several fields, OR-ed.

    ``escape_wildcards`` (default on here) makes ``%`` and ``_`` in ``value`` match literally; turn it off
    to pass a raw LIKE pattern. A field the model does not have raises :class:`RepositoryError`.
    """

    field_name: Union[str, set[str]]
    """Field name, or a set of names."""
    value: str
    """Text to look for."""
    ignore_case: Optional[bool] = False
    """Case-insensitive match."""
    escape_wildcards: bool = True
    """Match ``%``/``_`` in ``value`` literally."""

    @property
    def normalized_field_names(self) -> set[str]:
        """The field names as a set."""
        return {self.field_name} if isinstance(self.field_name, str) else set(self.field_name)

    def _pattern(self) -> str:
        value = escape_like_value(self.value) if self.escape_wildcards else self.value
        return f"%{value}%"

    def _like(self, field: Any) -> BinaryExpression[bool]:
        escape = LIKE_ESCAPE_CHAR if self.escape_wildcards else None
        method = field.ilike if self.ignore_case else field.like
        return cast("BinaryExpression[bool]", method(self._pattern(), escape=escape))

    def get_search_clauses(self, model: type[ModelT]) -> list[BinaryExpression[bool]]:
        """One LIKE clause per field."""
        return [self._like(resolve_field(model, name)) for name in sorted(self.normalized_field_names)]

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        clauses = self.get_search_clauses(model)
        if not clauses:
            return statement
        return self._where(statement, or_(*clauses))

    def _matches(self, obj: Any, name: str) -> bool:
        value = getattr(obj, name)
        if value is None:
            return False
        if not self.escape_wildcards:
            return like_matches(str(value), self._pattern(), ignore_case=bool(self.ignore_case))
        haystack, needle = str(value), self.value
        if self.ignore_case:
            haystack, needle = haystack.lower(), needle.lower()
        return needle in haystack

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        names = self.normalized_field_names
        return [o for o in objects if any(self._matches(o, name) for name in names)]


@dataclass
class NotInSearchFilter(SearchFilter):
    """``field NOT LIKE '%value%'`` (``NOT ILIKE`` with ``ignore_case``) on every field, AND-ed."""

    def _like(self, field: Any) -> BinaryExpression[bool]:
        escape = LIKE_ESCAPE_CHAR if self.escape_wildcards else None
        method = field.not_ilike if self.ignore_case else field.not_like
        return cast("BinaryExpression[bool]", method(self._pattern(), escape=escape))

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        clauses = self.get_search_clauses(model)
        if not clauses:
            return statement
        return self._where(statement, and_(*clauses))

    def filter_objects(self, objects: list[Any]) -> list[Any]:
        names = self.normalized_field_names
        return [
            o
            for o in objects
            # NULL NOT LIKE x is unknown in SQL, so a row with a NULL field is dropped
            if all(getattr(o, name) is not None for name in names) and not any(self._matches(o, name) for name in names)
        ]


_COMPARISONS: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
    "eq": lambda f, v: f == v,
    "ne": lambda f, v: f != v,
    "gt": lambda f, v: f > v,
    "ge": lambda f, v: f >= v,
    "lt": lambda f, v: f < v,
    "le": lambda f, v: f <= v,
    "in": lambda f, v: f.in_(v),
    "notin": lambda f, v: f.notin_(v),
    "between": lambda f, v: f.between(v[0], v[1]),
    "like": lambda f, v: f.like(v),
    "ilike": lambda f, v: f.ilike(v),
    "startswith": lambda f, v: f.startswith(v, autoescape=True),
    "istartswith": lambda f, v: f.istartswith(v, autoescape=True),
    "endswith": lambda f, v: f.endswith(v, autoescape=True),
    "iendswith": lambda f, v: f.iendswith(v, autoescape=True),
    "dateeq": lambda f, v: sql_cast(f, Date) == v,
}


@dataclass
class ComparisonFilter(StatementFilter):
    """``field <operator> value``.

    Operators: ``eq ne gt ge lt le in notin between like ilike startswith istartswith endswith
    iendswith dateeq`` (``between`` takes ``(low, high)``; ``dateeq`` compares the date part).
    """

    field_name: FilterFieldName
    """Attribute name or column."""
    operator: str
    """Comparison operator name."""
    value: Any
    """Right-hand value."""

    def __post_init__(self) -> None:
        if self.operator not in _COMPARISONS:
            msg = f"Invalid operator '{self.operator}'. Must be one of: {', '.join(sorted(_COMPARISONS))}"
            raise ValueError(msg)
        if self.operator == "between" and (not isinstance(self.value, (tuple, list)) or len(self.value) != 2):
            msg = f"ComparisonFilter 'between' needs a (low, high) pair, got {self.value!r}"
            raise ValueError(msg)

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        field = resolve_field(model, self.field_name)
        return self._where(statement, _COMPARISONS[self.operator](field, self.value))


def _correlated_exists(model: type[Any], values: list[ColumnElement[bool]], operator: str) -> ColumnElement[bool]:
    combine = and_ if operator == "and" else or_
    table = getattr(model, "__table__")  # noqa: B009
    return exists(select(1).where(combine(*values)).correlate(table))


@dataclass
class ExistsFilter(StatementFilter):
    """``WHERE EXISTS (SELECT 1 WHERE <values AND/OR-ed>)`` correlated to the model; no values -> false."""

    values: list[ColumnElement[bool]]
    """Conditions inside the sub-select."""
    operator: Literal["and", "or"] = "and"
    """How ``values`` combine."""

    def get_exists_clause(self, model: type[ModelT]) -> ColumnElement[bool]:
        """The EXISTS clause."""
        if not self.values:
            return false()
        return _correlated_exists(model, self.values, self.operator)

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        return self._where(statement, self.get_exists_clause(model))


@dataclass
class NotExistsFilter(StatementFilter):
    """``WHERE NOT EXISTS (...)``; no values -> true."""

    values: list[ColumnElement[bool]]
    """Conditions inside the sub-select."""
    operator: Literal["and", "or"] = "and"
    """How ``values`` combine."""

    def get_exists_clause(self, model: type[ModelT]) -> ColumnElement[bool]:
        """The NOT EXISTS clause."""
        if not self.values:
            return true()
        return not_(_correlated_exists(model, self.values, self.operator))

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        return self._where(statement, self.get_exists_clause(model))


@dataclass
class FilterGroup(StatementFilter):
    """Combine the WHERE clauses of several filters with ``logical_operator`` (``and_`` / ``or_``)."""

    logical_operator: Callable[..., ColumnElement[bool]]
    """``sqlalchemy.and_`` or ``sqlalchemy.or_``."""
    filters: list[StatementFilter] = field(default_factory=list)
    """Filters whose conditions are combined."""

    def clauses(self, model: type[ModelT]) -> list[ColumnElement[bool]]:
        """The WHERE clause each sub-filter would add."""
        result: list[ColumnElement[bool]] = []
        for item in self.filters:
            probe = item.append_to_statement(select(1), model)
            if probe.whereclause is not None:
                result.append(probe.whereclause)
        return result

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        clauses = self.clauses(model)
        if not clauses:
            return statement
        return self._where(statement, self.logical_operator(*clauses))


class LogicalOperatorMap(TypedDict):
    """Names of the logical operators accepted by :class:`MultiFilter`."""

    and_: Callable[..., ColumnElement[bool]]
    or_: Callable[..., ColumnElement[bool]]


class FilterMap(TypedDict):
    """Filter classes by the ``type`` name :class:`MultiFilter` conditions use."""

    before_after: type[BeforeAfter]
    on_before_after: type[OnBeforeAfter]
    boolean: type[BooleanFilter]
    choices: type[ChoicesFilter[Any]]
    collection: type[CollectionFilter[Any]]
    not_in_collection: type[NotInCollectionFilter[Any]]
    limit_offset: type[LimitOffset]
    null: type[NullFilter]
    not_null: type[NotNullFilter]
    order_by: type[OrderBy]
    search: type[SearchFilter]
    not_in_search: type[NotInSearchFilter]
    comparison: type[ComparisonFilter]
    exists: type[ExistsFilter]
    not_exists: type[NotExistsFilter]
    filter_group: type[FilterGroup]


_LOGICAL_OPERATORS: LogicalOperatorMap = {"and_": and_, "or_": or_}
_FILTER_MAP: FilterMap = {
    "before_after": BeforeAfter,
    "on_before_after": OnBeforeAfter,
    "boolean": BooleanFilter,
    "choices": ChoicesFilter,
    "collection": CollectionFilter,
    "not_in_collection": NotInCollectionFilter,
    "limit_offset": LimitOffset,
    "null": NullFilter,
    "not_null": NotNullFilter,
    "order_by": OrderBy,
    "search": SearchFilter,
    "not_in_search": NotInSearchFilter,
    "comparison": ComparisonFilter,
    "exists": ExistsFilter,
    "not_exists": NotExistsFilter,
    "filter_group": FilterGroup,
}


@dataclass
class MultiFilter(StatementFilter):
    """Filters described as data: ``{"and_": [cond, ...]}`` / ``{"or_": [...]}``, nestable.

    Each condition is ``{"type": "<FilterMap key>", **constructor kwargs}`` or a nested group. An invalid
    condition raises :class:`ValueError` naming it.
    """

    filters: dict[str, Any]
    """The filter description."""

    def _group(self, operator_name: str, conditions: Any) -> FilterGroup:
        if operator_name not in _LOGICAL_OPERATORS:
            msg = f"Invalid logical operator {operator_name!r}: use 'and_' or 'or_'"
            raise ValueError(msg)
        if not isinstance(conditions, list):
            msg = f"{operator_name!r} must map to a list of conditions, got {conditions!r}"
            raise ValueError(msg)
        return FilterGroup(
            logical_operator=_LOGICAL_OPERATORS[operator_name],  # type: ignore[literal-required]
            filters=[self._condition(condition) for condition in conditions],
        )

    def _condition(self, condition: Any) -> StatementFilter:
        if not isinstance(condition, dict):
            msg = f"Invalid filter condition {condition!r}: expected a dict"
            raise ValueError(msg)
        groups = [key for key in condition if key in _LOGICAL_OPERATORS]
        if groups:
            if len(condition) != 1:
                msg = f"Invalid filter condition {condition!r}: a group has a single 'and_' or 'or_' key"
                raise ValueError(msg)
            return self._group(groups[0], condition[groups[0]])
        kwargs = dict(condition)
        type_name = kwargs.pop("type", None)
        if type_name not in _FILTER_MAP:
            msg = f"Invalid filter condition {condition!r}: unknown type {type_name!r}"
            raise ValueError(msg)
        try:
            return cast("StatementFilter", _FILTER_MAP[type_name](**kwargs))  # type: ignore[literal-required]
        except TypeError as exc:
            msg = f"Invalid filter condition {condition!r}: {exc}"
            raise ValueError(msg) from exc

    def append_to_statement(self, statement: StatementTypeT, model: type[ModelT]) -> StatementTypeT:
        for operator_name, conditions in self.filters.items():
            statement = self._group(operator_name, conditions).append_to_statement(statement, model)
        return statement


FilterTypes: TypeAlias = Union[
    BeforeAfter,
    OnBeforeAfter,
    BooleanFilter,
    ChoicesFilter[Any],
    CollectionFilter[Any],
    LimitOffset,
    NullFilter,
    NotNullFilter,
    OrderBy,
    SearchFilter,
    NotInCollectionFilter[Any],
    NotInSearchFilter,
    ExistsFilter,
    NotExistsFilter,
    ComparisonFilter,
    MultiFilter,
    FilterGroup,
]
"""Every concrete filter class."""
