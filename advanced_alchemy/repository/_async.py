"""Async repository: a typed shell over the shared operations in :mod:`advanced_alchemy._core.ops`.

This file is the source of truth for ``_sync.py``, which ``tools/generate_sync.py`` generates from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, List, Optional, Protocol, TypeVar, Union, runtime_checkable

from sqlalchemy import Result, Row, Select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.asyncio.scoping import async_scoped_session
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.selectable import ForUpdateParameter

from advanced_alchemy._core import ops, query_ops
from advanced_alchemy._core.context import CallContext
from advanced_alchemy._core.steps import Operation
from advanced_alchemy._drivers import run_async
from advanced_alchemy.exceptions import ErrorMessages, wrap_sqlalchemy_exception
from advanced_alchemy.filters import StatementFilter
from advanced_alchemy.repository._base import (
    FilterableRepository,
    FilterableRepositoryProtocol,
    ModelT,
    RepositoryBase,
    random_suffix,
    slug_source,
)
from advanced_alchemy.repository.typing import LoadSpec, OrderingPair, PrimaryKeyType
from advanced_alchemy.utils.dataclass import Empty, EmptyType
from advanced_alchemy.utils.deprecation import warn_deprecation
from advanced_alchemy.utils.text import slugify

__all__ = (
    "SQLAlchemyAsyncQueryRepository",
    "SQLAlchemyAsyncRepository",
    "SQLAlchemyAsyncRepositoryProtocol",
    "SQLAlchemyAsyncSlugRepository",
    "SQLAlchemyAsyncSlugRepositoryProtocol",
)

T = TypeVar("T")
FilterArg = Union[StatementFilter, ColumnElement[bool]]
Messages = Optional[Union[ErrorMessages, EmptyType]]
IdAttribute = Optional[Union[str, InstrumentedAttribute[Any]]]


@runtime_checkable
class SQLAlchemyAsyncRepositoryProtocol(FilterableRepositoryProtocol[ModelT], Protocol[ModelT]):
    """The interface every async repository (database or in-memory) provides."""

    auto_commit: bool
    auto_expunge: bool
    auto_refresh: bool
    error_messages: Optional[ErrorMessages] = None
    id_attribute: str
    match_fields: Optional[Union[List[str], str]] = None
    model_type: type[ModelT]
    order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None
    session: Union[AsyncSession, async_scoped_session[AsyncSession]]
    statement: Select[tuple[ModelT]]
    wrap_exceptions: bool = True

    def __init__(
        self,
        *,
        statement: Optional[Select[tuple[ModelT]]] = None,
        session: Union[AsyncSession, async_scoped_session[AsyncSession]],
        auto_expunge: bool = False,
        auto_refresh: bool = True,
        auto_commit: bool = False,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        wrap_exceptions: bool = True,
        **kwargs: Any,
    ) -> None: ...

    async def add(
        self,
        data: ModelT,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        bind_group: Optional[str] = None,
    ) -> ModelT: ...

    async def add_many(
        self,
        data: List[ModelT],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        bind_group: Optional[str] = None,
    ) -> Sequence[ModelT]: ...

    @classmethod
    async def check_health(cls, session: Union[AsyncSession, async_scoped_session[AsyncSession]]) -> bool: ...

    @staticmethod
    def check_not_found(item_or_none: Optional[ModelT]) -> ModelT: ...

    async def count(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        statement: Optional[Select[tuple[ModelT]]] = None,
        load: Optional[LoadSpec] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> int: ...

    async def delete(
        self,
        item_id: PrimaryKeyType,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        id_attribute: Optional[Union[str, InstrumentedAttribute[Any]]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT: ...

    async def delete_many(
        self,
        item_ids: List[PrimaryKeyType],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        id_attribute: Optional[Union[str, InstrumentedAttribute[Any]]] = None,
        chunk_size: Optional[int] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
    ) -> Sequence[ModelT]: ...

    async def delete_where(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        load: Optional[LoadSpec] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        execution_options: Optional[dict[str, Any]] = None,
        sanity_check: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Sequence[ModelT]: ...

    async def exists(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        load: Optional[LoadSpec] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> bool: ...

    async def get(
        self,
        item_id: PrimaryKeyType,
        *,
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        id_attribute: Optional[Union[str, InstrumentedAttribute[Any]]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        with_for_update: ForUpdateParameter = None,
        bind_group: Optional[str] = None,
    ) -> ModelT: ...

    async def get_and_update(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        match_fields: Optional[Union[List[str], str]] = None,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: ForUpdateParameter = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[ModelT, bool]: ...

    @classmethod
    def get_id_attribute_value(
        cls, item: Union[ModelT, type[ModelT]], id_attribute: Optional[Union[str, InstrumentedAttribute[Any]]] = None
    ) -> Any: ...

    async def get_many(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> List[ModelT]: ...

    async def get_many_and_count(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        count_with_window_function: Optional[bool] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[List[ModelT], int]: ...

    async def get_one(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        with_for_update: ForUpdateParameter = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> ModelT: ...

    async def get_one_or_none(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        with_for_update: ForUpdateParameter = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Optional[ModelT]: ...

    async def get_or_upsert(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        match_fields: Optional[Union[List[str], str]] = None,
        upsert: bool = True,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: ForUpdateParameter = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[ModelT, bool]: ...

    def get_primary_key_value(self, instance: ModelT) -> PrimaryKeyType: ...

    @property
    def has_composite_pk(self) -> bool: ...

    def has_primary_key_values(self, instance: ModelT) -> bool: ...

    async def list(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> List[ModelT]: ...

    async def list_and_count(
        self,
        *filters: Union[StatementFilter, ColumnElement[bool]],
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        count_with_window_function: Optional[bool] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[List[ModelT], int]: ...

    @property
    def pk_attr_names(self) -> tuple[str, ...]: ...

    @classmethod
    def set_id_attribute_value(
        cls, item_id: Any, item: ModelT, id_attribute: Optional[Union[str, InstrumentedAttribute[Any]]] = None
    ) -> ModelT: ...

    async def update(
        self,
        data: ModelT,
        *,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: ForUpdateParameter = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        id_attribute: Optional[Union[str, InstrumentedAttribute[Any]]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT: ...

    async def update_many(
        self,
        data: List[ModelT],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
    ) -> List[ModelT]: ...

    async def upsert(
        self,
        data: ModelT,
        *,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: ForUpdateParameter = None,
        auto_expunge: Optional[bool] = None,
        auto_commit: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        match_fields: Optional[Union[List[str], str]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT: ...

    async def upsert_many(
        self,
        data: List[ModelT],
        *,
        auto_expunge: Optional[bool] = None,
        auto_commit: Optional[bool] = None,
        no_merge: bool = False,
        match_fields: Optional[Union[List[str], str]] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        chunk_size: Optional[int] = None,
    ) -> List[ModelT]: ...


@runtime_checkable
class SQLAlchemyAsyncSlugRepositoryProtocol(SQLAlchemyAsyncRepositoryProtocol[ModelT], Protocol[ModelT]):
    """An async repository that can look rows up by slug and generate unique slugs."""

    async def get_available_slug(self, value_to_slugify: str, **kwargs: Any) -> str: ...

    async def get_by_slug(
        self,
        slug: str,
        *,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Optional[ModelT]: ...


class SQLAlchemyAsyncRepository(
    RepositoryBase[ModelT], SQLAlchemyAsyncRepositoryProtocol[ModelT], FilterableRepository[ModelT]
):
    """Async CRUD, filtering and pagination for one mapped class (set ``model_type`` in a subclass)."""

    session: Union[AsyncSession, async_scoped_session[AsyncSession]]

    def __init__(
        self,
        *,
        statement: Optional[Select[tuple[ModelT]]] = None,
        session: Union[AsyncSession, async_scoped_session[AsyncSession]],
        auto_expunge: bool = False,
        auto_refresh: bool = True,
        auto_commit: bool = False,
        order_by: Any = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        wrap_exceptions: bool = True,
        uniquify: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
        cache_manager: Any = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> None:
        self._setup(
            statement=statement,
            session=session,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            auto_commit=auto_commit,
            order_by=order_by,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            wrap_exceptions=wrap_exceptions,
            uniquify=uniquify,
            count_with_window_function=count_with_window_function,
            bind_group=bind_group,
        )
        self.cache_manager = cache_manager

    async def _run(self, ctx: CallContext[ModelT], operation: Operation[T]) -> T:
        with wrap_sqlalchemy_exception(ctx.error_messages, ctx.dialect_name, ctx.wrap_exceptions):
            return await run_async(self.session, operation)

    @classmethod
    async def check_health(cls, session: Union[AsyncSession, async_scoped_session[AsyncSession]]) -> bool:
        """Whether the database answers ``SELECT 1``."""
        bind = session.bind if session.bind is not None else session.get_bind()
        query = "SELECT 1 FROM DUAL" if bind.dialect.name == "oracle" else "SELECT 1"
        return bool((await session.execute(text(query))).scalar_one() == 1)

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
        """Insert ``data`` and return it with its primary key and defaults filled in."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            error_messages=error_messages,
            bind_group=bind_group,
        )
        return await self._run(ctx, ops.add(ctx, data))

    async def add_many(
        self,
        data: List[ModelT],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
    ) -> Sequence[ModelT]:
        """Insert every instance in one flush (batched INSERTs); returns the same objects."""
        ctx = self._context(
            auto_commit=auto_commit, auto_expunge=auto_expunge, error_messages=error_messages, bind_group=bind_group
        )
        return await self._run(ctx, ops.add_many(ctx, data, bulk=self._flush_is_unobserved()))

    async def get(
        self,
        item_id: Any,
        *,
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        id_attribute: IdAttribute = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        with_for_update: Any = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """The row whose primary key (or ``id_attribute``) is ``item_id``; missing -> ``NotFoundError``."""
        ctx = self._context(
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        operation = ops.get(
            ctx, item_id, id_attribute=id_attribute, statement=statement, with_for_update=with_for_update
        )
        return await self._run(ctx, operation)

    async def get_one(
        self,
        *filters: FilterArg,
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        with_for_update: Any = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> ModelT:
        """Exactly one match; none -> ``NotFoundError``, several -> ``MultipleResultsFoundError``."""
        ctx = self._context(
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        operation = ops.get_one(ctx, filters, kwargs, statement=statement, with_for_update=with_for_update)
        return await self._run(ctx, operation)

    async def get_one_or_none(
        self,
        *filters: FilterArg,
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        with_for_update: Any = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Union[ModelT, None]:
        """The single match or ``None``; several -> ``MultipleResultsFoundError``."""
        ctx = self._context(
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        operation = ops.get_one_or_none(ctx, filters, kwargs, statement=statement, with_for_update=with_for_update)
        return await self._run(ctx, operation)

    async def get_many(
        self,
        *filters: FilterArg,
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        order_by: Any = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> List[ModelT]:
        """Every match, with pagination and ordering filters applied."""
        ctx = self._context(
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        return await self._run(ctx, ops.get_many(ctx, filters, kwargs, statement=statement, order_by=order_by))

    async def get_many_and_count(
        self,
        *filters: FilterArg,
        statement: Optional[Select[tuple[ModelT]]] = None,
        auto_expunge: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
        order_by: Any = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[List[ModelT], int]:
        """A page of matches and the total number of matches (pagination ignored for the total)."""
        ctx = self._context(
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            count_with_window_function=count_with_window_function,
            bind_group=bind_group,
        )
        operation = ops.get_many_and_count(ctx, filters, kwargs, statement=statement, order_by=order_by)
        return await self._run(ctx, operation)

    async def list(
        self,
        *filters: FilterArg,
        auto_expunge: Optional[bool] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        order_by: Any = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> List[ModelT]:
        """Deprecated alias of :meth:`get_many`."""
        warn_deprecation("1.10.0", "list", "method", removal_in="2.0.0", alternative="get_many")
        return await self.get_many(
            *filters,
            auto_expunge=auto_expunge,
            statement=statement,
            order_by=order_by,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            use_cache=use_cache,
            bind_group=bind_group,
            **kwargs,
        )

    async def list_and_count(
        self,
        *filters: FilterArg,
        statement: Optional[Select[tuple[ModelT]]] = None,
        auto_expunge: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
        order_by: Any = None,
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
        return await self.get_many_and_count(
            *filters,
            statement=statement,
            auto_expunge=auto_expunge,
            count_with_window_function=count_with_window_function,
            order_by=order_by,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            use_cache=use_cache,
            bind_group=bind_group,
            **kwargs,
        )

    async def count(
        self,
        *filters: FilterArg,
        statement: Optional[Select[tuple[ModelT]]] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> int:
        """Number of matches (pagination and ordering ignored)."""
        ctx = self._context(
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        return await self._run(ctx, ops.count(ctx, filters, kwargs, statement=statement))

    async def exists(
        self,
        *filters: FilterArg,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> bool:
        """Whether anything matches."""
        ctx = self._context(
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        return await self._run(ctx, ops.exists(ctx, filters, kwargs))

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
        """Write the explicitly set values of ``data`` onto the stored row with the same key."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        names = None if attribute_names is None else [*attribute_names]
        operation = ops.update(
            ctx, data, id_attribute=id_attribute, attribute_names=names, with_for_update=with_for_update
        )
        return await self._run(ctx, operation)

    async def delete(
        self,
        item_id: Any,
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
        """Delete the row with this key (missing -> ``NotFoundError``) and return it."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        return await self._run(ctx, ops.delete(ctx, item_id, id_attribute=id_attribute))

    async def delete_many(
        self,
        item_ids: List[Any],
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
    ) -> Sequence[ModelT]:
        """Delete every row whose key is in ``item_ids`` (one statement per chunk); returns the deleted rows."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        operation = ops.delete_many(
            ctx, item_ids, id_attribute=id_attribute, chunk_size=chunk_size, supports_returning=self._delete_returning
        )
        return await self._run(ctx, operation)

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
        """Update rows by primary key in one executemany ``UPDATE``; returns the updated rows."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        return await self._run(ctx, ops.update_many(ctx, data))

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
    ) -> Sequence[ModelT]:
        """Delete every row matching the filters (pagination ignored); returns the deleted rows."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        operation = ops.delete_where(
            ctx, filters, kwargs, sanity_check=sanity_check, supports_returning=self._delete_returning
        )
        return await self._run(ctx, operation)

    async def upsert(
        self,
        data: ModelT,
        *,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: Any = None,
        auto_expunge: Optional[bool] = None,
        auto_commit: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        match_fields: Optional[Union[List[str], str]] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """Update the row matching ``data`` (``match_fields``, else primary key) or insert ``data``."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        names = None if attribute_names is None else [*attribute_names]
        operation = ops.upsert(
            ctx,
            data,
            match_fields=match_fields if match_fields is not None else self.match_fields,
            attribute_names=names,
            with_for_update=with_for_update,
        )
        return await self._run(ctx, operation)

    async def upsert_many(
        self,
        data: List[ModelT],
        *,
        auto_expunge: Optional[bool] = None,
        auto_commit: Optional[bool] = None,
        no_merge: bool = False,
        match_fields: Optional[Union[List[str], str]] = None,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        chunk_size: Optional[int] = None,
    ) -> List[ModelT]:
        """Insert or update many rows matched on ``match_fields`` (default: primary key); input order kept.

        Sends one native upsert per chunk where the dialect and model allow it (``no_merge=True`` forces the
        select-then-insert/update path); returns the session's rows, with primary keys copied onto ``data``.
        """
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        fields = match_fields if match_fields is not None else self.match_fields
        operation = ops.upsert_many(ctx, data, match_fields=fields, no_merge=no_merge, chunk_size=chunk_size)
        return await self._run(ctx, operation)

    async def get_or_upsert(
        self,
        *filters: FilterArg,
        match_fields: Optional[Union[List[str], str]] = None,
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
        """``(row, created)``: the matching row (updated with ``kwargs`` when ``upsert``) or a new one."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        names = None if attribute_names is None else [*attribute_names]
        operation = ops.get_or_upsert(
            ctx,
            filters,
            kwargs,
            match_fields=match_fields if match_fields is not None else self.match_fields,
            upsert=upsert,
            attribute_names=names,
            with_for_update=with_for_update,
        )
        return await self._run(ctx, operation)

    async def get_and_update(
        self,
        *filters: FilterArg,
        match_fields: Optional[Union[List[str], str]] = None,
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
        """``(row, updated)``: the matching row (missing -> ``NotFoundError``) updated with ``kwargs``."""
        ctx = self._context(
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
        )
        names = None if attribute_names is None else [*attribute_names]
        operation = ops.get_and_update(
            ctx,
            filters,
            kwargs,
            match_fields=match_fields if match_fields is not None else self.match_fields,
            attribute_names=names,
            with_for_update=with_for_update,
        )
        return await self._run(ctx, operation)


class SQLAlchemyAsyncSlugRepository(SQLAlchemyAsyncRepository[ModelT], SQLAlchemyAsyncSlugRepositoryProtocol[ModelT]):
    """Repository for models with a ``slug`` column (see :class:`~advanced_alchemy.mixins.SlugKey`)."""

    async def get_by_slug(
        self,
        slug: str,
        error_messages: Messages = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Optional[ModelT]:
        """The row with this slug, or ``None``."""
        return await self.get_one_or_none(
            error_messages=error_messages,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            bind_group=bind_group,
            slug=slug,
        )

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
        """Insert ``data``; an empty slug is generated first from the slug source (see :func:`slug_source`)."""
        await fill_missing_slugs(self, [data])
        return await super().add(
            data,
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            error_messages=error_messages,
            bind_group=bind_group,
        )

    async def add_many(
        self,
        data: List[ModelT],
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
    ) -> Sequence[ModelT]:
        """Insert every instance; empty slugs are generated first, unique within the batch too."""
        await fill_missing_slugs(self, data)
        return await super().add_many(
            data,
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            bind_group=bind_group,
        )


async def fill_missing_slugs(repository: Any, data: Sequence[Any]) -> None:
    """Give every item without a slug one from its name/title (``repository.get_available_slug``), unique
    within ``data`` too; shared by the database and in-memory slug repositories."""
    taken: set[str] = {slug for item in data if (slug := getattr(item, "slug", None))}
    for item in data:
        source = None if getattr(item, "slug", None) else slug_source(item)
        if source is None:
            continue
        slug = await repository.get_available_slug(source)
        while slug in taken:
            slug = f"{slugify(source)}-{random_suffix()}"
        taken.add(slug)
        item.slug = slug


class SQLAlchemyAsyncQueryRepository:
    """Runs arbitrary SELECTs (aggregates, joins, raw column lists) and returns rows."""

    error_messages: Optional[ErrorMessages] = None
    wrap_exceptions: bool = True

    def __init__(
        self,
        *,
        session: Union[AsyncSession, async_scoped_session[AsyncSession]],
        error_messages: Optional[ErrorMessages] = None,
        wrap_exceptions: bool = True,
        **kwargs: Any,
    ) -> None:
        self.session = session
        self.error_messages = error_messages
        self.wrap_exceptions = wrap_exceptions

    async def _run(self, operation: Operation[T]) -> T:
        with wrap_sqlalchemy_exception(self.error_messages, wrap_exceptions=self.wrap_exceptions):
            return await run_async(self.session, operation)

    @staticmethod
    def check_not_found(item_or_none: Optional[T]) -> T:
        """Return the item, or raise ``NotFoundError`` for ``None``."""
        return RepositoryBase.check_not_found(item_or_none)

    def _bound(self, statement: Select[Any], bind_group: Optional[str]) -> Select[Any]:
        return statement.execution_options(bind_group=bind_group) if bind_group else statement

    async def get_one(self, statement: Select[tuple[Any]], bind_group: Optional[str] = None, **kwargs: Any) -> Row[Any]:
        """Exactly one row (``kwargs`` are ``filter_by`` criteria); none -> ``NotFoundError``."""
        return await self._run(query_ops.get_one(self._bound(statement, bind_group), kwargs))

    async def get_one_or_none(
        self, statement: Select[Any], bind_group: Optional[str] = None, **kwargs: Any
    ) -> Optional[Row[Any]]:
        """The single row or ``None``; several -> ``MultipleResultsFoundError``."""
        return await self._run(query_ops.get_one_or_none(self._bound(statement, bind_group), kwargs))

    async def count(self, statement: Select[Any], bind_group: Optional[str] = None, **kwargs: Any) -> int:
        """Number of rows the statement returns."""
        return await self._run(query_ops.count(self._bound(statement, bind_group), kwargs))

    async def get_many(self, statement: Select[Any], bind_group: Optional[str] = None, **kwargs: Any) -> List[Row[Any]]:
        """All rows."""
        return await self._run(query_ops.get_many(self._bound(statement, bind_group), kwargs))

    async def get_many_and_count(
        self,
        statement: Select[Any],
        count_with_window_function: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[List[Row[Any]], int]:
        """Rows and their total; a window count in the same query unless ``count_with_window_function=False``."""
        window = count_with_window_function is not False
        return await self._run(query_ops.get_many_and_count(self._bound(statement, bind_group), kwargs, window=window))

    async def list(self, statement: Select[Any], bind_group: Optional[str] = None, **kwargs: Any) -> List[Row[Any]]:
        """Deprecated alias of :meth:`get_many`."""
        warn_deprecation("1.10.0", "list", "method", removal_in="2.0.0", alternative="get_many")
        return await self.get_many(statement, bind_group=bind_group, **kwargs)

    async def list_and_count(
        self,
        statement: Select[Any],
        count_with_window_function: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[List[Row[Any]], int]:
        """Deprecated alias of :meth:`get_many_and_count`."""
        warn_deprecation("1.10.0", "list_and_count", "method", removal_in="2.0.0", alternative="get_many_and_count")
        return await self.get_many_and_count(statement, count_with_window_function, bind_group=bind_group, **kwargs)

    async def execute(self, statement: Any, execution_options: Optional[dict[str, Any]] = None) -> Result[Any]:
        """Execute any statement and return its ``Result``."""
        return await self._run(query_ops.execute(statement, execution_options))
