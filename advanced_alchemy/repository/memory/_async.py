"""Async in-memory mock repositories: the repository API over process memory, for unit tests.

This file is the source of truth for ``_sync.py``, which ``tools/generate_sync.py`` generates from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, List, Optional, Union, cast, overload

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.asyncio.scoping import async_scoped_session
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.lambdas import StatementLambdaElement
from typing_extensions import Self

from advanced_alchemy._core.model_info import ModelInfo, model_info
from advanced_alchemy.exceptions import ErrorMessages, NotFoundError
from advanced_alchemy.filters import StatementFilter
from advanced_alchemy.repository._async import (
    SQLAlchemyAsyncRepositoryProtocol,
    SQLAlchemyAsyncSlugRepositoryProtocol,
    fill_missing_slugs,
)
from advanced_alchemy.repository._base import random_suffix
from advanced_alchemy.repository.memory.base import (
    AnyObject,
    InMemoryStore,
    SQLAlchemyInMemoryStore,
    SQLAlchemyMultiStore,
    _attribute_key,
    _equal,
    _exactly_one,
    _filter_objects,
    _pk_key,
)
from advanced_alchemy.repository.typing import ModelT, OrderingPair, PrimaryKeyType
from advanced_alchemy.utils.dataclass import Empty, EmptyType
from advanced_alchemy.utils.deprecation import warn_deprecation
from advanced_alchemy.utils.text import slugify

__all__ = ("SQLAlchemyAsyncMockRepository", "SQLAlchemyAsyncMockSlugRepository")

FilterArg = Union[StatementFilter, ColumnElement[bool]]
Messages = Optional[Union[ErrorMessages, EmptyType]]
IdAttribute = Optional[Union[str, InstrumentedAttribute[Any]]]
OrderBySpec = Optional[Union[List[OrderingPair], OrderingPair]]
MatchFields = Optional[Union[List[str], str]]

# Options of the database repository that the mock's query methods receive through ``**kwargs``.
_OPTION_NAMES = frozenset(
    {
        "auto_commit",
        "auto_expunge",
        "auto_refresh",
        "count_with_window_function",
        "error_messages",
        "execution_options",
        "load",
        "order_by",
        "statement",
        "with_for_update",
    }
)


def _field_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in kwargs.items() if key not in _OPTION_NAMES}


def _field_names(match_fields: MatchFields) -> list[str]:
    return [match_fields] if isinstance(match_fields, str) else list(match_fields or [])


def _match_filter(match_fields: MatchFields, kwargs: dict[str, Any]) -> dict[str, Any]:
    fields = _field_names(match_fields)
    if not fields:
        return dict(kwargs)
    return {name: kwargs[name] for name in fields if kwargs.get(name) is not None}


def _assign(target: Any, values: dict[str, Any]) -> bool:
    """Set each value that differs on ``target``; returns whether anything changed."""
    changed = False
    for key, value in values.items():
        if not _equal(getattr(target, key), value):
            setattr(target, key, value)
            changed = True
    return changed


def _row_dict(info: ModelInfo, item: Any) -> dict[str, Any]:
    state = instance_state(item)
    return {key: state.dict[key] for key in info.column_attr_names if key in state.dict}


class SQLAlchemyAsyncMockRepository(SQLAlchemyAsyncRepositoryProtocol[ModelT]):
    """Drop-in stand-in for :class:`~advanced_alchemy.repository.SQLAlchemyAsyncRepository` in unit tests.

    Instances live in a class-level :class:`SQLAlchemyMultiStore` (``__database__``), one store per model,
    shared by every mock repository; ``__database_clear__()`` empties it. ``session`` and the persistence
    options (``auto_commit``, ``load``, ...) are accepted and ignored.
    """

    __database__: SQLAlchemyMultiStore[ModelT] = SQLAlchemyMultiStore(SQLAlchemyInMemoryStore)
    """Where the instances live (shared by subclasses unless one assigns its own)."""
    __database_registry__: dict[type[Self], SQLAlchemyMultiStore[ModelT]] = {}
    """The store of every subclass, so ``__database_clear__`` reaches them all."""

    model_type: type[ModelT]
    id_attribute: Any = "id"
    loader_options: Any = None
    error_messages: Optional[ErrorMessages] = None
    wrap_exceptions: bool = True
    execution_options: Optional[dict[str, Any]] = None
    match_fields: Optional[Union[List[str], str]] = None
    uniquify: bool = False
    order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None
    auto_expunge: bool
    auto_refresh: bool
    auto_commit: bool
    session: Union[AsyncSession, async_scoped_session[AsyncSession]]
    statement: Select[tuple[ModelT]]

    def __init__(
        self,
        *,
        statement: Union[Select[tuple[ModelT]], StatementLambdaElement, None] = None,
        session: Union[AsyncSession, async_scoped_session[AsyncSession]],
        auto_expunge: bool = False,
        auto_refresh: bool = True,
        auto_commit: bool = False,
        order_by: OrderBySpec = None,
        error_messages: Messages = Empty,
        wrap_exceptions: bool = True,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        **kwargs: Any,
    ) -> None:
        self.session = session
        self.auto_expunge = auto_expunge
        self.auto_refresh = auto_refresh
        self.auto_commit = auto_commit
        self.order_by = order_by if order_by is not None else type(self).order_by
        if error_messages is not Empty:
            self.error_messages = cast("Optional[ErrorMessages]", error_messages)
        self.wrap_exceptions = wrap_exceptions
        if load is not None:
            self.loader_options = load
        if execution_options is not None:
            self.execution_options = execution_options
        self.uniquify = bool(uniquify) if uniquify is not None else type(self).uniquify
        self.statement = cast("Select[tuple[ModelT]]", statement if statement is not None else select(self.model_type))

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.__database_registry__[cast("Any", cls)] = cls.__database__

    @classmethod
    def __database_add__(cls, identity: Any, data: ModelT) -> ModelT:
        """Store ``data`` under ``identity`` (a model class) directly, e.g. to seed test data."""
        return cls.__database__.add(identity, data)

    @classmethod
    def __database_clear__(cls) -> None:
        """Empty every store."""
        stores = {id(store): store for store in (cls.__database__, *cls.__database_registry__.values())}
        for store in stores.values():
            store.remove_all()

    @overload
    def __collection__(self) -> InMemoryStore[ModelT]: ...

    @overload
    def __collection__(self, identity: type[AnyObject]) -> InMemoryStore[AnyObject]: ...

    def __collection__(
        self, identity: Optional[type[AnyObject]] = None
    ) -> Union[InMemoryStore[AnyObject], InMemoryStore[ModelT]]:
        """The store of ``identity`` (default: this repository's model)."""
        if identity is None:
            return self.__database__.store(self.model_type)
        return cast("InMemoryStore[AnyObject]", self.__database__.store(identity))

    # --- helpers ------------------------------------------------------------------------------------------

    @property
    def _info(self) -> ModelInfo:
        return model_info(self.model_type)

    def _query(
        self,
        filters: Sequence[Any],
        kwargs: dict[str, Any],
        *,
        order_by: OrderBySpec = None,
        statement: Any = None,
        paginate: bool = True,
        ordered: bool = True,
    ) -> List[ModelT]:
        """Stored instances matching ``filters`` and the field values in ``kwargs``, ordered and paged."""
        if order_by is None:
            order_by = kwargs.get("order_by")
        if statement is None:
            statement = kwargs.get("statement")
        return _filter_objects(
            self.model_type,
            self.__collection__().get_all(),
            filters,
            _field_kwargs(kwargs),
            order_by=order_by if order_by is not None else self.order_by,
            statement=statement,
            paginate=paginate,
            ordered=ordered,
        )

    def _find_one(self, filters: Sequence[Any], fields: dict[str, Any]) -> Optional[ModelT]:
        matches = _filter_objects(
            self.model_type, self.__collection__().get_all(), filters, fields, paginate=False, ordered=False
        )
        return _exactly_one(matches)

    def _save(self, instance: ModelT) -> ModelT:
        """Write ``instance`` back to its store (``onupdate`` values, unique checks)."""
        return self.__collection__().update(instance)

    def _remove(self, instances: Iterable[ModelT]) -> None:
        store = self.__collection__()
        for instance in instances:
            store.remove(store.key(instance))

    # --- key helpers ----------------------------------------------------------------------------------------

    @property
    def pk_attr_names(self) -> tuple[str, ...]:
        """Primary-key attribute names, in mapper order."""
        return self._info.pk_attr_names

    @property
    def has_composite_pk(self) -> bool:
        """Whether the primary key has several columns."""
        return self._info.has_composite_pk

    def get_primary_key_value(self, instance: ModelT) -> PrimaryKeyType:
        """The primary key of ``instance``: a scalar, or a tuple for composite keys."""
        values = tuple(getattr(instance, name) for name in self.pk_attr_names)
        return values if self.has_composite_pk else values[0]

    def has_primary_key_values(self, instance: ModelT) -> bool:
        """Whether every primary-key attribute of ``instance`` is set."""
        return all(getattr(instance, name) is not None for name in self.pk_attr_names)

    @classmethod
    def get_id_attribute_value(
        cls, item: Union[ModelT, type[ModelT]], id_attribute: Union[str, InstrumentedAttribute[Any], None] = None
    ) -> Any:
        """The value of the id attribute (``id_attribute`` or the class default) of ``item``."""
        if isinstance(id_attribute, InstrumentedAttribute):
            id_attribute = id_attribute.key
        return getattr(item, id_attribute if id_attribute is not None else cls.id_attribute)

    @classmethod
    def set_id_attribute_value(
        cls, item_id: Any, item: ModelT, id_attribute: Union[str, InstrumentedAttribute[Any], None] = None
    ) -> ModelT:
        """Set the id attribute of ``item`` to ``item_id`` and return ``item``."""
        if isinstance(id_attribute, InstrumentedAttribute):
            id_attribute = id_attribute.key
        setattr(item, id_attribute if id_attribute is not None else cls.id_attribute, item_id)
        return item

    @staticmethod
    def check_not_found(item_or_none: Union[ModelT, None]) -> ModelT:
        """Return the item, or raise ``NotFoundError`` for ``None``."""
        if item_or_none is None:
            msg = "No item found when one was expected"
            raise NotFoundError(msg)
        return item_or_none

    @classmethod
    async def check_health(cls, session: Union[AsyncSession, async_scoped_session[AsyncSession]]) -> bool:
        """Always healthy: there is no database."""
        return True

    # --- reads --------------------------------------------------------------------------------------------

    async def get(
        self,
        item_id: PrimaryKeyType,
        *,
        auto_expunge: Optional[bool] = None,
        statement: Union[Select[tuple[ModelT]], StatementLambdaElement, None] = None,
        id_attribute: Union[str, InstrumentedAttribute[Any], None] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        with_for_update: Any = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """The instance whose primary key (or ``id_attribute``) is ``item_id``; missing -> ``NotFoundError``."""
        store = self.__collection__()
        if id_attribute is not None:
            name = _attribute_key(self.model_type, id_attribute)
            found = _exactly_one([item for item in store.get_all() if _equal(getattr(item, name), item_id)])
        else:
            found = store.get_or_none(_pk_key(self._info.mapper, item_id))
        if found is not None and statement is not None:
            kept = _filter_objects(self.model_type, [found], [], {}, statement=statement, ordered=False)
            found = kept[0] if kept else None
        return self.check_not_found(found)

    async def get_one(
        self,
        *filters: FilterArg,
        auto_expunge: Optional[bool] = None,
        statement: Union[Select[tuple[ModelT]], StatementLambdaElement, None] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> ModelT:
        """Exactly one match; none -> ``NotFoundError``, several -> ``MultipleResultsFoundError``."""
        return self.check_not_found(
            await self.get_one_or_none(*filters, statement=statement, bind_group=bind_group, **kwargs)
        )

    async def get_one_or_none(
        self,
        *filters: FilterArg,
        auto_expunge: Optional[bool] = None,
        statement: Union[Select[tuple[ModelT]], StatementLambdaElement, None] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Union[ModelT, None]:
        """The single match or ``None``; several -> ``MultipleResultsFoundError`` (also an ``IntegrityError``)."""
        return _exactly_one(self._query(filters, kwargs, statement=statement, paginate=False, ordered=False))

    async def get_many(
        self,
        *filters: FilterArg,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> List[ModelT]:
        """Every match, ordered (``order_by``, then ``OrderBy`` filters) and paged (``LimitOffset``)."""
        return self._query(filters, kwargs)

    async def get_many_and_count(
        self,
        *filters: FilterArg,
        statement: Union[Select[tuple[ModelT]], StatementLambdaElement, None] = None,
        auto_expunge: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
        order_by: OrderBySpec = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[List[ModelT], int]:
        """A page of matches and the total number of matches (pagination ignored for the total)."""
        total = len(self._query(filters, kwargs, statement=statement, paginate=False, ordered=False))
        return self._query(filters, kwargs, order_by=order_by, statement=statement), total

    async def list(
        self,
        *filters: FilterArg,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> List[ModelT]:
        """Deprecated alias of :meth:`get_many`."""
        warn_deprecation("1.10.0", "list", "method", removal_in="2.0.0", alternative="get_many")
        return await self.get_many(*filters, uniquify=uniquify, use_cache=use_cache, bind_group=bind_group, **kwargs)

    async def list_and_count(
        self,
        *filters: FilterArg,
        statement: Union[Select[tuple[ModelT]], StatementLambdaElement, None] = None,
        auto_expunge: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
        order_by: OrderBySpec = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[List[ModelT], int]:
        """Deprecated alias of :meth:`get_many_and_count`."""
        warn_deprecation("1.10.0", "list_and_count", "method", removal_in="2.0.0", alternative="get_many_and_count")
        return await self.get_many_and_count(*filters, statement=statement, order_by=order_by, **kwargs)

    async def count(
        self,
        *filters: FilterArg,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> int:
        """Number of matches (pagination and ordering ignored)."""
        return len(self._query(filters, kwargs, paginate=False, ordered=False))

    async def exists(
        self,
        *filters: FilterArg,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> bool:
        """Whether anything matches."""
        return await self.count(*filters, **kwargs) > 0

    # --- writes -------------------------------------------------------------------------------------------

    async def add(
        self,
        data: ModelT,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """Store ``data`` with its primary key and column defaults filled in; a taken key -> ``DuplicateKeyError``."""
        return self.__database_add__(self.model_type, data)

    async def add_many(
        self,
        data: List[ModelT],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
    ) -> List[ModelT]:
        """Store every instance, all or nothing; returns them."""
        added: List[ModelT] = []
        try:
            for item in data:
                added.append(self.__database_add__(self.model_type, item))
        except Exception:
            self._remove(added)
            raise
        return added

    async def update(
        self,
        data: ModelT,
        *,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: Any = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        id_attribute: IdAttribute = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """Write the explicitly set values of ``data`` onto the stored instance with the same key
        (missing -> ``NotFoundError``) and return the stored instance."""
        info = self._info
        if id_attribute is not None:
            item_id = getattr(data, _attribute_key(self.model_type, id_attribute))
        else:
            item_id = self.get_primary_key_value(data)
        existing = await self.get(item_id, id_attribute=id_attribute)
        if existing is not data:
            state = instance_state(data)
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
        return self._save(existing)

    async def update_many(
        self,
        data: List[ModelT],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> List[ModelT]:
        """Update each instance whose key is stored (others are skipped); returns the updated instances."""
        store = self.__collection__()
        updated: List[ModelT] = []
        for item in data:
            if store.get_or_none(store.key(item)) is not None:
                updated.append(await self.update(item))
        return updated

    async def delete(
        self,
        item_id: PrimaryKeyType,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        id_attribute: IdAttribute = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """Remove the instance with this key (missing -> ``NotFoundError``) and return it."""
        instance = await self.get(item_id, id_attribute=id_attribute)
        self._remove([instance])
        return instance

    async def delete_many(
        self,
        item_ids: List[PrimaryKeyType],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        id_attribute: IdAttribute = None,
        chunk_size: Optional[int] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> List[ModelT]:
        """Remove every instance whose key is in ``item_ids`` (missing keys are ignored); returns them.

        ``item_ids`` may also be a SQL expression or a filter, as for the database repository.
        """
        if isinstance(item_ids, (ColumnElement, StatementFilter)):
            return await self.delete_where(item_ids)
        if chunk_size is not None and chunk_size < 1:
            msg = f"chunk_size must be at least 1, got {chunk_size}"
            raise ValueError(msg)
        store = self.__collection__()
        if id_attribute is None:
            keys = {_pk_key(self._info.mapper, item_id) for item_id in item_ids}
            doomed = [item for item in store.get_all() if store.key(item) in keys]
        else:
            name = _attribute_key(self.model_type, id_attribute)
            doomed = [item for item in store.get_all() if any(_equal(getattr(item, name), value) for value in item_ids)]
        self._remove(doomed)
        return doomed

    async def delete_where(
        self,
        *filters: FilterArg,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        sanity_check: bool = True,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> List[ModelT]:
        """Remove every match (pagination ignored); returns the removed instances."""
        doomed = self._query(filters, kwargs, paginate=False, ordered=False)
        self._remove(doomed)
        return doomed

    async def upsert(
        self,
        data: ModelT,
        *,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: Any = None,
        auto_expunge: Optional[bool] = None,
        auto_commit: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        match_fields: MatchFields = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """Update the instance matching ``data`` (on ``match_fields``, else the primary key, else every set
        value) or add ``data``."""
        info = self._info
        fields = _field_names(match_fields if match_fields is not None else self.match_fields)
        values = _row_dict(info, data)
        if fields:
            match = {name: getattr(data, name) for name in fields if getattr(data, name, None) is not None}
        elif all(values.get(name) is not None for name in info.pk_attr_names):
            match = {name: values[name] for name in info.pk_attr_names}
        else:
            match = {key: value for key, value in values.items() if key not in info.pk_attr_names}
        existing = self._find_one([], match) if match else None
        if existing is None:
            return await self.add(data)
        _assign(existing, {key: value for key, value in values.items() if key not in info.pk_attr_names})
        return self._save(existing)

    async def upsert_many(
        self,
        data: List[ModelT],
        *,
        auto_expunge: Optional[bool] = None,
        auto_commit: Optional[bool] = None,
        no_merge: bool = False,
        match_fields: MatchFields = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        chunk_size: Optional[int] = None,
    ) -> List[ModelT]:
        """Update the instances matching on the whole ``match_fields`` tuple (default: primary key) and add
        the rest; returns the stored instances in input order. A repeated match key raises ``ValueError``."""
        info = self._info
        if not data:
            return []
        fields = _field_names(match_fields if match_fields is not None else self.match_fields) or list(
            info.pk_attr_names
        )
        names = [_attribute_key(self.model_type, name) for name in fields]
        keys = [tuple(getattr(item, name) for name in names) for item in data]
        complete = [key for key in keys if all(part is not None for part in key)]
        if len(set(complete)) != len(complete):
            msg = f"upsert_many got the same {fields} more than once in one batch"
            raise ValueError(msg)
        wanted = set(complete)
        existing_by_key: dict[tuple[Any, ...], ModelT] = {}
        for stored in self.__collection__().get_all():
            key = tuple(getattr(stored, name) for name in names)
            if key in wanted:
                existing_by_key[key] = stored
        results: List[ModelT] = []
        to_insert: List[ModelT] = []
        updated: List[ModelT] = []
        for item, key in zip(data, keys, strict=True):
            current = existing_by_key.get(key)
            if current is None:
                to_insert.append(item)
                results.append(item)
                continue
            if current is not item:
                row = _row_dict(info, item)
                _assign(current, {k: v for k, v in row.items() if k not in info.pk_attr_names and v is not None})
                for name in info.pk_attr_names:
                    setattr(item, name, getattr(current, name))
            updated.append(current)
            results.append(current)
        await self.add_many(to_insert)
        for instance in updated:
            self._save(instance)
        return results

    async def get_or_upsert(
        self,
        *filters: FilterArg,
        match_fields: Union[List[str], str, None] = None,
        upsert: bool = True,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: Any = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[ModelT, bool]:
        """``(instance, created)``: the match (updated with ``kwargs`` when ``upsert``) or a new instance."""
        fields = match_fields if match_fields is not None else self.match_fields
        existing = self._find_one(filters, _match_filter(fields, kwargs))
        if existing is None:
            instance = cast("ModelT", cast("Any", self.model_type)(**kwargs))
            return await self.add(instance), True
        if upsert and _assign(existing, kwargs):
            self._save(existing)
        return existing, False

    async def get_and_update(
        self,
        *filters: FilterArg,
        match_fields: Union[List[str], str, None] = None,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: Any = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[ModelT, bool]:
        """``(instance, updated)``: the match (missing -> ``NotFoundError``) updated with ``kwargs``."""
        fields = match_fields if match_fields is not None else self.match_fields
        existing = self.check_not_found(self._find_one(filters, _match_filter(fields, kwargs)))
        changed = _assign(existing, kwargs)
        if changed:
            self._save(existing)
        return existing, changed


class SQLAlchemyAsyncMockSlugRepository(
    SQLAlchemyAsyncMockRepository[ModelT], SQLAlchemyAsyncSlugRepositoryProtocol[ModelT]
):
    """:class:`SQLAlchemyAsyncMockRepository` for models with a ``slug`` column."""

    async def get_by_slug(
        self,
        slug: str,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Union[ModelT, None]:
        """The instance with this slug, or ``None``."""
        return await self.get_one_or_none(slug=slug)

    async def get_available_slug(self, value_to_slugify: str, **kwargs: Any) -> str:
        """``slugify(value)``, with a random ``-xxxx`` suffix appended while that slug is taken."""
        base = slugify(value_to_slugify)
        slug = base
        while await self.exists(slug=slug):
            slug = f"{base}-{random_suffix()}"
        return slug

    async def add(
        self,
        data: ModelT,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """Store ``data``; an empty slug is generated first, as the database slug repository does."""
        await fill_missing_slugs(self, [data])
        return await super().add(data)

    async def add_many(
        self,
        data: List[ModelT],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
    ) -> List[ModelT]:
        """Store every instance; empty slugs are generated first, unique within the batch too."""
        await fill_missing_slugs(self, data)
        return await super().add_many(data)
