"""In-memory stores behind the mock repositories, and the machinery that queries them.

A :class:`MultiStore` holds one :class:`InMemoryStore` per identity (for the SQLAlchemy stores: per mapped
class); each store keys its objects by their stringified primary key. :class:`SQLAlchemyInMemoryStore`
also plays the part of the database on writes: it fills in primary keys and Python-side column defaults,
applies ``onupdate`` values and enforces primary-key and unique constraints.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any, Callable, Generic, List, Optional, TypeVar, Union, cast, overload

from sqlalchemy import Column, Date, DateTime, Float, Integer, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.orm import Mapper, RelationshipDirection, class_mapper
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.orm.exc import UnmappedClassError, UnmappedColumnError
from sqlalchemy.sql import ClauseElement, ColumnElement, operators
from sqlalchemy.sql.elements import (
    AsBoolean,
    BinaryExpression,
    BindParameter,
    BooleanClauseList,
    Cast,
    ClauseList,
    ExpressionClauseList,
    False_,
    Grouping,
    Null,
    True_,
    Tuple,
    UnaryExpression,
)
from sqlalchemy.sql.functions import Function

from advanced_alchemy.exceptions import (
    DuplicateKeyError,
    IntegrityError,
    MultipleResultsFoundError,
    NotFoundError,
    RepositoryError,
)
from advanced_alchemy.filters import OrderBy, PaginationFilter, StatementFilter, like_matches, resolve_field
from advanced_alchemy.repository.typing import ModelT
from advanced_alchemy.utils.deprecation import warn_deprecation
from advanced_alchemy.utils.text import slugify

T = TypeVar("T")
CollectionT = TypeVar("CollectionT")
AnyObject = TypeVar("AnyObject", bound=Any)

_NOT_FOUND = "No item found when one was expected"
_ALREADY_EXISTS = "Item already exist in collection"
_MULTIPLE = "Multiple objects when one was expected"


class _NotSet:
    """Sentinel: no default was given."""


class _MultipleObjectsError(MultipleResultsFoundError, IntegrityError):  # type: ignore[misc]
    """Several objects matched where at most one was expected (both a ``MultipleResultsFoundError`` and,
    as the reference mock raises, an ``IntegrityError``)."""


class InMemoryStore(Generic[T]):
    """Objects of one kind, keyed by :meth:`key`."""

    def __init__(self) -> None:
        self._store: dict[Any, T] = {}

    def __bool__(self) -> bool:
        return bool(self._store)

    def __contains__(self, obj: T) -> bool:
        return self.key(obj) in self._store

    def key(self, obj: T) -> Any:
        """The key ``obj`` is stored under."""
        return hash(obj)

    def add(self, obj: T) -> T:
        """Store ``obj``; an existing key raises :class:`~advanced_alchemy.exceptions.DuplicateKeyError`."""
        key = self.key(obj)
        if key in self._store:
            raise DuplicateKeyError(_ALREADY_EXISTS)
        self._store[key] = obj
        return obj

    def update(self, obj: T) -> T:
        """Replace the object stored under ``obj``'s key (missing -> ``NotFoundError``)."""
        key = self.key(obj)
        if key not in self._store:
            raise NotFoundError(_NOT_FOUND)
        self._store[key] = obj
        return obj

    @overload
    def get(self, key: Any, default: type[_NotSet] = _NotSet) -> T: ...

    @overload
    def get(self, key: Any, default: AnyObject) -> Union[T, AnyObject]: ...

    def get(self, key: Any, default: Union[AnyObject, type[_NotSet]] = _NotSet) -> Union[T, AnyObject]:
        """The object stored under ``key``; missing -> ``default``, or ``NotFoundError`` without one."""
        if key in self._store:
            return self._store[key]
        if default is _NotSet:
            raise NotFoundError(_NOT_FOUND)
        return cast("AnyObject", default)

    def get_or_none(self, key: Any, default: Any = _NotSet) -> Union[T, None]:
        """The object stored under ``key``, or ``None`` (or ``default`` when given)."""
        return cast("Union[T, None]", self.get(key, None if default is _NotSet else default))

    def get_all(self) -> List[T]:
        """Every stored object, in insertion order."""
        return list(self._store.values())

    def list(self) -> List[T]:
        """Deprecated alias of :meth:`get_all`."""
        warn_deprecation("1.10.0", "list", "method", removal_in="2.0.0", alternative="get_all")
        return self.get_all()

    def remove(self, key: Any) -> T:
        """Remove and return the object stored under ``key`` (missing -> ``NotFoundError``)."""
        if key not in self._store:
            raise NotFoundError(_NOT_FOUND)
        return self._store.pop(key)

    def remove_all(self) -> None:
        """Empty the store."""
        self._store.clear()


class MultiStore(Generic[T]):
    """One :class:`InMemoryStore` per identity, created on first use."""

    def __init__(self, store_type: type[InMemoryStore[T]]) -> None:
        self.store_type = store_type
        self._stores: dict[Any, InMemoryStore[T]] = {}

    def identity(self, obj: T) -> Any:
        """The identity ``obj`` is stored under (its type)."""
        return type(obj)

    def store(self, identity: Any) -> InMemoryStore[T]:
        """The store for ``identity``."""
        if identity not in self._stores:
            self._stores[identity] = self.store_type()
        return self._stores[identity]

    def add(self, identity: Any, obj: T) -> T:
        """Add ``obj`` to the store of ``identity``."""
        return self.store(identity).add(obj)

    def remove_all(self) -> None:
        """Empty and forget every store."""
        for store in self._stores.values():
            store.remove_all()
        self._stores.clear()


class _DefaultContext:
    """Stand-in for the execution context a context-sensitive column default receives."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        self.current_parameters = parameters

    def get_current_parameters(self, isolate_multiinsert_groups: bool = True) -> dict[str, Any]:
        return self.current_parameters


def _column_value(default: Any, parameters: dict[str, Any]) -> tuple[bool, Any]:
    """``(True, value)`` for a Python-side column default/onupdate, ``(False, None)`` when the database computes it."""
    if default is None or getattr(default, "is_sequence", False) or getattr(default, "is_clause_element", False):
        return False, None
    if getattr(default, "is_scalar", False):
        return True, default.arg
    if getattr(default, "is_callable", False):
        function = default.arg
        wrapped = getattr(function, "__wrapped__", None)
        return True, wrapped() if wrapped is not None else function(_DefaultContext(parameters))
    return False, None


def _is_integer(column: Column[Any]) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


class SQLAlchemyInMemoryStore(InMemoryStore[ModelT]):
    """Instances of one mapped class keyed by their stringified primary key.

    Adding fills in primary keys (Python defaults, else an autoincrement counter for integer keys), other
    Python-side column defaults and a :class:`~advanced_alchemy.mixins.SlugMixin` slug; writes apply
    ``onupdate`` values; primary-key and unique constraints raise ``DuplicateKeyError``.
    """

    id_attribute: str = "id"

    def __init__(self) -> None:
        super().__init__()
        self._last_int_id = 0

    @staticmethod
    def changed_attrs(data: ModelT) -> Iterable[str]:
        """Names of the column attributes set on ``data`` since it was last stored."""
        state = instance_state(data)
        return [
            prop.key
            for prop in state.mapper.column_attrs
            if prop.key in state.dict and state.attrs[prop.key].history.has_changes()
        ]

    def key(self, obj: ModelT) -> str:
        """The stringified primary key of ``obj``."""
        try:
            mapper = class_mapper(type(obj))
        except (NoInspectionAvailable, UnmappedClassError):
            return str(getattr(obj, self.id_attribute))
        return _pk_key(mapper, _pk_value(mapper, obj))

    def add(self, obj: ModelT) -> ModelT:
        """Fill in keys and defaults, check constraints and store ``obj``."""
        mapper = class_mapper(type(obj))
        self._apply_insert_defaults(mapper, obj)
        if any(value is None for value in _as_tuple(_pk_value(mapper, obj))):
            msg = f"{mapper.class_.__name__} needs a primary key value ({', '.join(_pk_names(mapper))})"
            raise IntegrityError(msg)
        super().add(obj)
        try:
            self._check_unique(mapper, obj)
        except DuplicateKeyError:
            self._store.pop(self.key(obj))
            raise
        _commit_state(obj)
        return obj

    def update(self, obj: ModelT) -> ModelT:
        """Write ``obj`` (already stored) the way a flush would: ``onupdate`` values, unique checks."""
        stored = self.get(self.key(obj))
        if stored is not obj:
            self._store[self.key(obj)] = obj
        changed = set(self.changed_attrs(obj))
        if changed:
            mapper = class_mapper(type(obj))
            parameters = {key: getattr(obj, key) for key in changed}
            for prop in mapper.column_attrs:
                column = prop.columns[0]
                if prop.key in changed or not isinstance(column, Column) or column.onupdate is None:
                    continue
                known, value = _column_value(column.onupdate, parameters)
                if known:
                    setattr(obj, prop.key, value)
            self._check_unique(mapper, obj)
        _commit_state(obj)
        return obj

    def _apply_insert_defaults(self, mapper: Mapper[Any], obj: Any) -> None:
        state = instance_state(obj)
        keys = _pk_names(mapper)
        parameters = dict(state.dict)
        for prop in mapper.column_attrs:
            column = prop.columns[0]
            if not isinstance(column, Column) or prop.key in {"_sentinel", "sa_orm_sentinel"}:
                continue
            if prop.key in state.dict and (state.dict[prop.key] is not None or prop.key not in keys):
                if column.primary_key and _is_integer(column) and isinstance(state.dict[prop.key], int):
                    self._last_int_id = max(self._last_int_id, state.dict[prop.key])
                continue
            known, value = _column_value(column.default, parameters)
            if not known and column.primary_key and _is_integer(column) and column.autoincrement is not False:
                self._last_int_id = max([self._last_int_id, *self._stored_int_ids(prop.key)]) + 1
                known, value = True, self._last_int_id
            if known:
                setattr(obj, prop.key, value)
                parameters[prop.key] = value
        _fill_slug(obj, self)

    def _stored_int_ids(self, key: str) -> list[int]:
        return [value for value in (getattr(obj, key) for obj in self._store.values()) if isinstance(value, int)]

    def _check_unique(self, mapper: Mapper[Any], obj: Any) -> None:
        for names in _unique_keys(mapper):
            values = tuple(getattr(obj, name) for name in names)
            if any(value is None for value in values):
                continue
            for other in self._store.values():
                if other is not obj and tuple(getattr(other, name) for name in names) == values:
                    shown = ", ".join(f"{name}={value!r}" for name, value in zip(names, values, strict=True))
                    msg = f"{_ALREADY_EXISTS}: {mapper.class_.__name__} with {shown} violates a unique constraint"
                    raise DuplicateKeyError(msg)


class SQLAlchemyMultiStore(MultiStore[ModelT]):
    """A :class:`SQLAlchemyInMemoryStore` per mapped class; adding cascades to related instances."""

    def add(self, identity: Any, obj: ModelT) -> ModelT:
        """Add ``obj`` to the store of ``identity``, then add related instances not stored yet and fill in the
        foreign keys that point at them."""
        self.store(identity).add(obj)
        mapper = class_mapper(type(obj))
        state = instance_state(obj)
        for prop in mapper.relationships:
            if prop.viewonly or prop.key not in state.dict or state.dict[prop.key] is None:
                continue
            value = state.dict[prop.key]
            related_items: list[Any] = list(value) if prop.uselist else [value]
            for related in related_items:
                related_store = self.store(type(related))
                if related_store.get_or_none(related_store.key(related)) is None:
                    self.add(type(related), related)
                if prop.direction is RelationshipDirection.MANYTOONE:
                    for local, remote in prop.local_remote_pairs or ():
                        _sync_column(obj, mapper, local, related, prop.mapper, remote)
                elif prop.direction is RelationshipDirection.ONETOMANY:
                    for local, remote in prop.local_remote_pairs or ():
                        _sync_column(related, prop.mapper, remote, obj, mapper, local)
                        _commit_state(related)
        _commit_state(obj)
        return obj


def _sync_column(
    target: Any,
    target_mapper: Mapper[Any],
    target_column: Any,
    source: Any,
    source_mapper: Mapper[Any],
    source_column: Any,
) -> None:
    """Copy ``source``'s value of ``source_column`` to ``target``'s ``target_column`` (a foreign key pair)."""
    try:
        target_key = target_mapper.get_property_by_column(target_column).key
        source_key = source_mapper.get_property_by_column(source_column).key
    except UnmappedColumnError:
        return
    value = getattr(source, source_key)
    if value is not None and getattr(target, target_key) != value:
        setattr(target, target_key, value)


def _commit_state(obj: Any) -> None:
    """Mark the column values of ``obj`` as stored, so later changes show up in its attribute history."""
    state = instance_state(obj)
    for prop in state.mapper.column_attrs:
        if prop.key in state.dict:
            set_committed_value(obj, prop.key, state.dict[prop.key])


def _pk_names(mapper: Mapper[Any]) -> tuple[str, ...]:
    """Primary-key attribute names, in mapper order."""
    return tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)


def _pk_value(mapper: Mapper[Any], obj: Any) -> Any:
    """The primary key of ``obj``: a scalar, or a tuple for composite keys."""
    values = tuple(getattr(obj, name) for name in _pk_names(mapper))
    return values if len(values) > 1 else values[0]


def _pk_key(mapper: Mapper[Any], item_id: Any) -> str:
    """Store key for a primary key given as a scalar, a tuple or a dict (composite keys)."""
    names = _pk_names(mapper)
    if len(names) == 1:
        if isinstance(item_id, (tuple, dict)):
            msg = f"{mapper.class_.__name__} has a single-column primary key; got {item_id!r}"
            raise ValueError(msg)
        return str(item_id)
    if isinstance(item_id, dict):
        missing = [name for name in names if name not in item_id]
        if missing:
            msg = f"Primary key of {mapper.class_.__name__} is missing {missing}"
            raise ValueError(msg)
        item_id = tuple(item_id[name] for name in names)
    elif not isinstance(item_id, tuple):
        msg = f"{mapper.class_.__name__} has a composite primary key {names}: pass a tuple or a dict, not {item_id!r}"
        raise TypeError(msg)
    if len(item_id) != len(names):
        msg = f"Primary key of {mapper.class_.__name__} has {len(names)} columns {names}; got {len(item_id)} values"
        raise ValueError(msg)
    return str(tuple(item_id))


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


def _unique_keys(mapper: Mapper[Any]) -> list[tuple[str, ...]]:
    """Attribute names of each unique constraint / unique index of the mapped tables (primary key excluded)."""
    keys: list[tuple[str, ...]] = []
    for table in mapper.tables:
        column_sets = [list(c.columns) for c in getattr(table, "constraints", ()) if isinstance(c, UniqueConstraint)]
        column_sets += [list(index.columns) for index in getattr(table, "indexes", ()) if index.unique]
        for columns in column_sets:
            try:
                names = tuple(mapper.get_property_by_column(column).key for column in columns)
            except UnmappedColumnError:
                continue
            if names and names not in keys:
                keys.append(names)
    return keys


def _fill_slug(obj: Any, store: InMemoryStore[Any]) -> None:
    """What :class:`~advanced_alchemy.mixins.SlugMixin` does on insert: slug from the source, ``-2``, ``-3``, ...
    appended while taken."""
    from advanced_alchemy.mixins.slug import SlugMixin

    if not isinstance(obj, SlugMixin) or getattr(obj, "slug", None):
        return
    source = getattr(obj, type(obj).__slug_source__, None)
    if source is None:
        return
    column = class_mapper(type(obj)).columns["slug"]
    max_length = getattr(column.type, "length", None) or 100
    base = (slugify(str(source)) or "item")[:max_length].rstrip("-_") or "item"
    taken = {getattr(other, "slug", None) for other in store.get_all()}
    candidate, counter = base, 1
    while candidate in taken:
        counter += 1
        suffix = f"-{counter}"
        candidate = f"{base[: max_length - len(suffix)].rstrip('-_')}{suffix}"
    obj.slug = candidate


# --- querying -----------------------------------------------------------------------------------------------

_Evaluator = Callable[[Any], Any]


def _overrides_filter_objects(item: StatementFilter) -> bool:
    return type(item).filter_objects is not StatementFilter.filter_objects


def _filter_objects(
    model: type[Any],
    objects: Sequence[Any],
    filters: Sequence[Any],
    kwargs: dict[str, Any],
    *,
    order_by: Any = None,
    paginate: bool = True,
    ordered: bool = True,
    statement: Any = None,
) -> list[Any]:
    """Apply filters, ``kwargs`` (attribute equality), ordering and pagination to ``objects``.

    Filters with an in-memory implementation (``_filter_objects``) use it; any other filter, and plain SQL
    expressions, are evaluated from the WHERE clause they produce. Every filter is first applied to a
    SELECT, so unknown field names raise :class:`RepositoryError` exactly as with the database.
    """
    result = list(objects)
    orderings: list[OrderBy] = [*_order_by_pairs(model, order_by)] if ordered else []
    pages: list[PaginationFilter] = []
    where = getattr(statement, "whereclause", None)
    if where is not None:
        result = _where(model, result, where)
    for item in filters:
        if isinstance(item, StatementFilter):
            probe = item.append_to_statement(select(model), model)  # validates field names
            if isinstance(item, PaginationFilter):
                if paginate:
                    pages.append(item)
            elif isinstance(item, OrderBy):
                if ordered:
                    orderings.append(item)
            elif _overrides_filter_objects(item):
                result = item.filter_objects(result)
            elif probe.whereclause is not None:
                result = _where(model, result, probe.whereclause)
        elif isinstance(item, ColumnElement) or hasattr(item, "__clause_element__"):
            result = _where(model, result, item)
        else:
            msg = f"Unsupported filter {item!r}: pass a StatementFilter or a SQL boolean expression"
            raise RepositoryError(msg)
    for key, value in kwargs.items():
        name = _attribute_key(model, key)
        result = [obj for obj in result if _equal(getattr(obj, name), value)]
    for ordering in reversed(orderings):  # stable sorts: the first ordering ends up the primary key
        result = ordering.filter_objects(result)
    for page in pages:
        result = page.filter_objects(result)
    return result


def _exactly_one(matches: Sequence[T]) -> Optional[T]:
    """The single match or ``None``; several -> :class:`_MultipleObjectsError`."""
    if len(matches) > 1:
        raise _MultipleObjectsError(_MULTIPLE)
    return matches[0] if matches else None


def _attribute_key(model: type[Any], field: Any) -> str:
    attribute = resolve_field(model, field)
    key = getattr(attribute, "key", None)
    if key is None:
        msg = f"Cannot use {field!r} on in-memory {model.__name__} objects"
        raise RepositoryError(msg)
    return str(key)


def _equal(left: Any, right: Any) -> bool:
    if left is None or right is None:
        return left is right
    try:
        return bool(left == right)
    except Exception:
        return False


def _order_by_pairs(model: type[Any], order_by: Any) -> list[OrderBy]:
    if order_by is None:
        return []
    items = order_by if isinstance(order_by, list) else [order_by]
    orderings: list[OrderBy] = []
    for item in items:
        if isinstance(item, UnaryExpression):
            orderings.append(_unary_ordering(model, item))
            continue
        if not isinstance(item, tuple) or len(item) != 2:
            msg = f"Invalid order_by {item!r}: use (field, is_descending) or an ordering expression"
            raise RepositoryError(msg)
        orderings.append(OrderBy(_attribute_key(model, item[0]), "desc" if item[1] else "asc"))
    return orderings


def _unary_ordering(model: type[Any], expression: UnaryExpression[Any]) -> OrderBy:
    nulls: Optional[str] = None
    if expression.modifier in (operators.nulls_first_op, operators.nulls_last_op):
        nulls = "first" if expression.modifier is operators.nulls_first_op else "last"
        inner = expression.element
        if isinstance(inner, UnaryExpression):
            expression = inner
        else:
            return OrderBy(_column_key(model, inner), "asc", nulls)  # type: ignore[arg-type]
    if expression.modifier not in (operators.asc_op, operators.desc_op):
        msg = f"Cannot order in-memory objects by {expression}"
        raise RepositoryError(msg)
    direction = "desc" if expression.modifier is operators.desc_op else "asc"
    return OrderBy(_column_key(model, expression.element), direction, nulls)  # type: ignore[arg-type]


def _column_key(model: type[Any], column: Any) -> str:
    mapper = class_mapper(model)
    try:
        return str(mapper.get_property_by_column(column).key)
    except (UnmappedColumnError, KeyError, AttributeError) as error:
        msg = f"Cannot evaluate {column} against in-memory {model.__name__} objects"
        raise RepositoryError(msg) from error


def _where(model: type[Any], objects: list[Any], clause: Any) -> list[Any]:
    evaluate = _compile_clause(model, clause)
    try:
        return [obj for obj in objects if evaluate(obj) is True]
    except TypeError as error:
        msg = f"Cannot evaluate {clause} against in-memory {model.__name__} objects: {error}"
        raise RepositoryError(msg) from error


def _like(
    wrap: Callable[[str], str], *, ignore_case: bool = False, negate: bool = False
) -> Callable[[Any, Any, Optional[str]], Any]:
    def match(value: Any, pattern: Any, escape: Optional[str]) -> Any:
        if value is None or pattern is None:
            return None
        found = like_matches(str(value), wrap(str(pattern)), ignore_case=ignore_case, escape=escape)
        return found is not negate

    return match


def _plain(pattern: str) -> str:
    return pattern


def _contains(pattern: str) -> str:
    return f"%{pattern}%"


def _prefix(pattern: str) -> str:
    return f"{pattern}%"


def _suffix(pattern: str) -> str:
    return f"%{pattern}"


_LIKE_OPERATORS: dict[Any, Callable[[Any, Any, Optional[str]], Any]] = {
    operators.like_op: _like(_plain),
    operators.not_like_op: _like(_plain, negate=True),
    operators.ilike_op: _like(_plain, ignore_case=True),
    operators.not_ilike_op: _like(_plain, ignore_case=True, negate=True),
    operators.contains_op: _like(_contains),
    operators.not_contains_op: _like(_contains, negate=True),
    operators.icontains_op: _like(_contains, ignore_case=True),
    operators.not_icontains_op: _like(_contains, ignore_case=True, negate=True),
    operators.startswith_op: _like(_prefix),
    operators.not_startswith_op: _like(_prefix, negate=True),
    operators.istartswith_op: _like(_prefix, ignore_case=True),
    operators.not_istartswith_op: _like(_prefix, ignore_case=True, negate=True),
    operators.endswith_op: _like(_suffix),
    operators.not_endswith_op: _like(_suffix, negate=True),
    operators.iendswith_op: _like(_suffix, ignore_case=True),
    operators.not_iendswith_op: _like(_suffix, ignore_case=True, negate=True),
}

_COMPARISONS: dict[Any, Callable[[Any, Any], Any]] = {
    operators.eq: lambda a, b: a == b,
    operators.ne: lambda a, b: a != b,
    operators.lt: lambda a, b: a < b,
    operators.le: lambda a, b: a <= b,
    operators.gt: lambda a, b: a > b,
    operators.ge: lambda a, b: a >= b,
    operators.in_op: lambda a, b: _sql_in(a, b),
    operators.not_in_op: lambda a, b: None if (found := _sql_in(a, b)) is None else not found,
}


def _sql_in(value: Any, candidates: Any) -> Optional[bool]:
    """``value IN (candidates)`` with SQL NULLs: no match and a NULL among the candidates is unknown."""
    if value in candidates:
        return True
    return None if any(candidate is None for candidate in candidates) else False


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": lambda value: None if value is None else str(value).lower(),
    "upper": lambda value: None if value is None else str(value).upper(),
    "length": lambda value: None if value is None else len(value),
    "char_length": lambda value: None if value is None else len(value),
    "abs": lambda value: None if value is None else abs(value),
    "coalesce": lambda *values: next((value for value in values if value is not None), None),
}


def _cast_value(value: Any, type_: Any) -> Any:
    if value is None:
        return None
    if isinstance(type_, Date) and not isinstance(type_, DateTime):
        return value.date() if isinstance(value, datetime.datetime) else value
    if isinstance(type_, (String, Text)):
        return str(value)
    if isinstance(type_, Integer):
        return int(value)
    if isinstance(type_, (Float, Numeric)):
        return float(value)
    return value


def _and(evaluators: list[_Evaluator]) -> _Evaluator:
    def evaluate(obj: Any) -> Any:
        values = [item(obj) for item in evaluators]
        if any(value is False for value in values):
            return False
        return None if any(value is None for value in values) else True

    return evaluate


def _or(evaluators: list[_Evaluator]) -> _Evaluator:
    def evaluate(obj: Any) -> Any:
        values = [item(obj) for item in evaluators]
        if any(value is True for value in values):
            return True
        return None if any(value is None for value in values) else False

    return evaluate


def _compile_clause(model: type[Any], clause: Any) -> _Evaluator:
    """A function evaluating the SQL expression ``clause`` against an instance of ``model`` (SQL NULL
    semantics: ``None`` is "unknown"); an expression it cannot evaluate raises :class:`RepositoryError`."""
    if not isinstance(clause, ClauseElement) and hasattr(clause, "__clause_element__"):
        clause = clause.__clause_element__()
    if isinstance(clause, (Grouping, AsBoolean)):
        inner = _compile_clause(model, clause.element)
        if isinstance(clause, AsBoolean) and clause.operator is operators.is_false:
            return lambda obj: None if (value := inner(obj)) is None else not value
        return inner
    if isinstance(clause, True_):
        return lambda obj: True
    if isinstance(clause, False_):
        return lambda obj: False
    if isinstance(clause, Null):
        return lambda obj: None
    if isinstance(clause, BindParameter):
        value = clause.effective_value
        return lambda obj: value
    if isinstance(clause, BooleanClauseList):
        parts = [_compile_clause(model, item) for item in clause.clauses]
        if clause.operator is operators.and_:
            return _and(parts)
        if clause.operator is operators.or_:
            return _or(parts)
    elif isinstance(clause, (Tuple, ClauseList, ExpressionClauseList)):
        items = [_compile_clause(model, item) for item in clause.clauses]
        return lambda obj: tuple(item(obj) for item in items)
    elif isinstance(clause, UnaryExpression) and clause.operator is operators.inv:
        inner = _compile_clause(model, clause.element)
        return lambda obj: None if (value := inner(obj)) is None else not value
    elif isinstance(clause, Cast):
        inner = _compile_clause(model, clause.clause)
        type_ = clause.type
        return lambda obj: _cast_value(inner(obj), type_)
    elif isinstance(clause, Function) and clause.name.lower() in _FUNCTIONS:
        function = _FUNCTIONS[clause.name.lower()]
        arguments = [_compile_clause(model, item) for item in clause.clauses]
        return lambda obj: function(*(argument(obj) for argument in arguments))
    elif isinstance(clause, BinaryExpression):
        return _compile_binary(model, clause)
    elif isinstance(clause, ColumnElement) and hasattr(clause, "table"):
        key = _column_key(model, clause)
        return lambda obj: getattr(obj, key)
    msg = (
        f"Cannot evaluate {clause!s} against in-memory {model.__name__} objects; "
        "use a filter from advanced_alchemy.filters"
    )
    raise RepositoryError(msg)


def _compile_binary(model: type[Any], clause: BinaryExpression[Any]) -> _Evaluator:
    operator = clause.operator
    left = _compile_clause(model, clause.left)
    right = _compile_clause(model, clause.right)
    if operator in (operators.is_, operators.is_not):
        negate = operator is operators.is_not
        return lambda obj: (left(obj) is right(obj)) is not negate
    if operator in (operators.between_op, operators.not_between_op):
        negate = operator is operators.not_between_op

        def between(obj: Any) -> Any:
            value, (low, high) = left(obj), right(obj)
            if value is None or low is None or high is None:
                return None
            return (low <= value <= high) is not negate

        return between
    if operator in _LIKE_OPERATORS:
        like = _LIKE_OPERATORS[operator]
        escape = clause.modifiers.get("escape")
        return lambda obj: like(left(obj), right(obj), escape)
    if operator in _COMPARISONS:
        compare = _COMPARISONS[operator]

        def comparison(obj: Any) -> Any:
            a, b = left(obj), right(obj)
            if a is None or b is None:
                return None
            result = compare(a, b)
            return None if result is None else bool(result)

        return comparison
    name = getattr(operator, "__name__", operator)
    msg = f"Cannot evaluate operator {name!r} against in-memory {model.__name__} objects"
    raise RepositoryError(msg)
