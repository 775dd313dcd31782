"""Async repository: a typed shell over the shared operations in :mod:`advanced_alchemy._core.ops`.

This file is the source of truth for ``_sync.py``, which ``tools/generate_sync.py`` generates from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, List, Optional, TypeVar, Union

from sqlalchemy import Select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.asyncio.scoping import async_scoped_session
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement

from advanced_alchemy._core import ops
from advanced_alchemy._core.context import CallContext
from advanced_alchemy._core.steps import Operation
from advanced_alchemy._drivers import run_async
from advanced_alchemy.exceptions import ErrorMessages, wrap_sqlalchemy_exception
from advanced_alchemy.filters import StatementFilter
from advanced_alchemy.repository._base import ModelT, RepositoryBase
from advanced_alchemy.utils.dataclass import Empty, EmptyType
from advanced_alchemy.utils.deprecation import warn_deprecation

__all__ = ("SQLAlchemyAsyncRepository",)

T = TypeVar("T")
FilterArg = Union[StatementFilter, ColumnElement[bool]]
Messages = Optional[Union[ErrorMessages, EmptyType]]
IdAttribute = Optional[Union[str, InstrumentedAttribute[Any]]]


class SQLAlchemyAsyncRepository(RepositoryBase[ModelT]):
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
        return await self._run(ctx, ops.add_many(ctx, data))

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
