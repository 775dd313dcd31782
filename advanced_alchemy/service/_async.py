"""Async services: input conversion and lifecycle hooks in front of an async repository.

This file is the source of truth for ``_sync.py``, which ``tools/generate_sync.py`` generates from it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import cached_property
from typing import Any, Generic, List, Optional, Union, cast

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.asyncio.scoping import async_scoped_session
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.selectable import ForUpdateParameter
from typing_extensions import Self

from advanced_alchemy import _conversion
from advanced_alchemy.exceptions import AdvancedAlchemyError, ErrorMessages, RepositoryError
from advanced_alchemy.filters import StatementFilter
from advanced_alchemy.repository._async import SQLAlchemyAsyncQueryRepository
from advanced_alchemy.repository.typing import (
    LoadSpec,
    ModelT,
    OrderingPair,
    PrimaryKeyType,
    SQLAlchemyAsyncRepositoryT,
)
from advanced_alchemy.service._base import (
    NO_SESSION_MESSAGE,
    ServiceSettings,
    data_or_fields,
    expand_dto_data,
    is_condition_list,
    item_ids_for_delete,
    merge_into_existing,
    missing_id_message,
    supplied_values,
)
from advanced_alchemy.service._util import ResultConverter
from advanced_alchemy.utils.dataclass import Empty, EmptyType
from advanced_alchemy.utils.deprecation import warn_deprecation
from advanced_alchemy.utils.serialization import SchemaDumpConfig

__all__ = (
    "SQLAlchemyAsyncQueryService",
    "SQLAlchemyAsyncRepositoryReadService",
    "SQLAlchemyAsyncRepositoryService",
)

FilterArg = Union[StatementFilter, ColumnElement[bool]]
Messages = Optional[Union[ErrorMessages, EmptyType]]
IdAttribute = Optional[Union[str, InstrumentedAttribute[Any]]]
SessionArg = Union[AsyncSession, async_scoped_session[AsyncSession]]


class SQLAlchemyAsyncQueryService(ResultConverter):
    """Runs arbitrary SELECTs through a :class:`SQLAlchemyAsyncQueryRepository` (``.repository``)."""

    def __init__(self, session: SessionArg, **repo_kwargs: Any) -> None:
        self.repository = SQLAlchemyAsyncQueryRepository(session=session, **repo_kwargs)

    @classmethod
    @asynccontextmanager
    async def new(
        cls, session: Optional[SessionArg] = None, config: Optional[Any] = None
    ) -> AsyncGenerator[Self, None]:
        """A service on ``session``, or on a session opened from ``config`` and closed afterwards."""
        if session is not None:
            yield cls(session=session)
        elif config is not None:
            async with config.get_session() as db_session:
                yield cls(session=db_session)
        else:
            raise AdvancedAlchemyError(detail=NO_SESSION_MESSAGE)


class SQLAlchemyAsyncRepositoryReadService(
    ServiceSettings, ResultConverter, Generic[ModelT, SQLAlchemyAsyncRepositoryT]
):
    """Read operations of a repository plus input (``to_model``) and output (``to_schema``) conversion.

    Subclasses set ``repository_type``; ``loader_options``, ``execution_options``, ``match_fields``,
    ``uniquify``, ``count_with_window_function`` and ``schema_dump_config`` are optional class settings.
    """

    repository_type: type[SQLAlchemyAsyncRepositoryT]

    def __init__(
        self,
        session: SessionArg,
        *,
        statement: Optional[Select[Any]] = None,
        auto_expunge: bool = False,
        auto_refresh: bool = True,
        auto_commit: bool = False,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        error_messages: Messages = Empty,
        wrap_exceptions: bool = True,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
        **repo_kwargs: Any,
    ) -> None:
        self._build_repository(
            session,
            statement=statement,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            auto_commit=auto_commit,
            order_by=order_by,
            error_messages=error_messages,
            wrap_exceptions=wrap_exceptions,
            load=load,
            execution_options=execution_options,
            uniquify=uniquify,
            count_with_window_function=count_with_window_function,
            repo_kwargs=repo_kwargs,
        )

    @property
    def repository(self) -> SQLAlchemyAsyncRepositoryT:
        """The repository this service drives."""
        return cast("SQLAlchemyAsyncRepositoryT", self._checked_repository())

    @cached_property
    def model_type(self) -> type[ModelT]:
        """The repository's model class."""
        return cast("type[ModelT]", self.repository.model_type)

    @classmethod
    @asynccontextmanager
    async def new(
        cls,
        session: Optional[SessionArg] = None,
        statement: Optional[Select[tuple[ModelT]]] = None,
        config: Optional[Any] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
    ) -> AsyncGenerator[Self, None]:
        """A service on ``session``, or on a session opened from ``config`` and closed afterwards."""
        options: dict[str, Any] = {
            "statement": statement,
            "error_messages": error_messages,
            "load": load,
            "execution_options": execution_options,
            "uniquify": uniquify,
            "count_with_window_function": count_with_window_function,
        }
        if session is not None:
            yield cls(session=session, **options)
        elif config is not None:
            async with config.get_session() as db_session:
                yield cls(session=db_session, **options)
        else:
            raise AdvancedAlchemyError(detail=NO_SESSION_MESSAGE)

    # --- input conversion ---------------------------------------------------------------------------------

    async def to_model_on_create(self, data: Any) -> Any:
        """Hook: adjust ``data`` before it becomes a model for ``create`` (default: unchanged)."""
        return data

    async def to_model_on_update(self, data: Any) -> Any:
        """Hook: adjust ``data`` before it becomes a model for ``update`` (default: unchanged)."""
        return data

    async def to_model_on_upsert(self, data: Any) -> Any:
        """Hook: adjust ``data`` before it becomes a model for ``upsert`` (default: unchanged)."""
        return data

    async def to_model_on_delete(self, data: Any) -> Any:
        """Hook: adjust ``data`` before it becomes a model for ``delete`` (default: unchanged)."""
        return data

    async def to_model(
        self, data: Any, operation: Optional[str] = None, schema_dump_config: Optional[SchemaDumpConfig] = None
    ) -> ModelT:
        """``data`` (dict, model, Pydantic/msgspec/attrs/dataclass instance, ...) as a ``model_type`` instance.

        The ``to_model_on_<operation>`` hook runs first; unknown keys raise :class:`RepositoryError`.
        """
        self._check_operation(operation)
        if operation == "create":
            data = await self.to_model_on_create(data)
        elif operation == "update":
            data = await self.to_model_on_update(data)
        elif operation == "upsert":
            data = await self.to_model_on_upsert(data)
        elif operation == "delete":
            data = await self.to_model_on_delete(data)
        return _conversion.to_model(self.model_type, data, schema_dump_config or self.schema_dump_config)

    # --- reads --------------------------------------------------------------------------------------------

    async def get(
        self,
        item_id: PrimaryKeyType,
        *,
        statement: Optional[Select[tuple[ModelT]]] = None,
        id_attribute: IdAttribute = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """The row with this primary key (or ``id_attribute``); missing -> ``NotFoundError``."""
        return cast(
            "ModelT",
            await self.repository.get(
                item_id,
                statement=statement,
                id_attribute=id_attribute,
                auto_expunge=auto_expunge,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
            ),
        )

    async def get_one(
        self,
        *filters: FilterArg,
        statement: Optional[Select[tuple[ModelT]]] = None,
        auto_expunge: Optional[bool] = None,
        load: Optional[LoadSpec] = None,
        error_messages: Messages = Empty,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        with_for_update: ForUpdateParameter = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> ModelT:
        """Exactly one match; none -> ``NotFoundError``."""
        return cast(
            "ModelT",
            await self.repository.get_one(
                *filters,
                statement=statement,
                auto_expunge=auto_expunge,
                load=load,
                error_messages=error_messages,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                with_for_update=with_for_update,
                bind_group=bind_group,
                **kwargs,
            ),
        )

    async def get_one_or_none(
        self,
        *filters: FilterArg,
        statement: Optional[Select[tuple[ModelT]]] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        with_for_update: ForUpdateParameter = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Optional[ModelT]:
        """The single match or ``None``."""
        return cast(
            "Optional[ModelT]",
            await self.repository.get_one_or_none(
                *filters,
                statement=statement,
                auto_expunge=auto_expunge,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                with_for_update=with_for_update,
                bind_group=bind_group,
                **kwargs,
            ),
        )

    async def get_many(
        self,
        *filters: FilterArg,
        statement: Optional[Select[tuple[ModelT]]] = None,
        auto_expunge: Optional[bool] = None,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Sequence[ModelT]:
        """Every match, with pagination and ordering filters applied."""
        return cast(
            "Sequence[ModelT]",
            await self.repository.get_many(
                *filters,
                statement=statement,
                auto_expunge=auto_expunge,
                order_by=order_by,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                use_cache=use_cache,
                bind_group=bind_group,
                **kwargs,
            ),
        )

    async def get_many_and_count(
        self,
        *filters: FilterArg,
        statement: Optional[Select[tuple[ModelT]]] = None,
        auto_expunge: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[Sequence[ModelT], int]:
        """A page of matches and the total number of matches."""
        return cast(
            "tuple[Sequence[ModelT], int]",
            await self.repository.get_many_and_count(
                *filters,
                statement=statement,
                auto_expunge=auto_expunge,
                count_with_window_function=count_with_window_function,
                order_by=order_by,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                use_cache=use_cache,
                bind_group=bind_group,
                **kwargs,
            ),
        )

    async def list(
        self,
        *filters: FilterArg,
        statement: Optional[Select[tuple[ModelT]]] = None,
        auto_expunge: Optional[bool] = None,
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Sequence[ModelT]:
        """Deprecated alias of :meth:`get_many`."""
        warn_deprecation("1.10.0", "list", "method", removal_in="2.0.0", alternative="get_many")
        return await self.get_many(
            *filters,
            statement=statement,
            auto_expunge=auto_expunge,
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
        order_by: Optional[Union[List[OrderingPair], OrderingPair]] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        use_cache: bool = True,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> tuple[Sequence[ModelT], int]:
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
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> int:
        """Number of matches (pagination and ordering ignored)."""
        return int(
            await self.repository.count(
                *filters,
                statement=statement,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
                **kwargs,
            )
        )

    async def exists(
        self,
        *filters: FilterArg,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> bool:
        """Whether anything matches."""
        return bool(
            await self.repository.exists(
                *filters,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
                **kwargs,
            )
        )


class SQLAlchemyAsyncRepositoryService(
    SQLAlchemyAsyncRepositoryReadService[ModelT, SQLAlchemyAsyncRepositoryT],
    Generic[ModelT, SQLAlchemyAsyncRepositoryT],
):
    """Read and write operations; every write converts its input with :meth:`to_model` (and the hooks)."""

    async def create(
        self,
        data: Any = None,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
        **fields: Any,
    ) -> ModelT:
        """Insert ``data`` (or the keyword ``fields``) and return the new row."""
        model = await self.to_model(data_or_fields(data, fields, "create"), "create", schema_dump_config)
        return cast(
            "ModelT",
            await self.repository.add(
                model,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                auto_refresh=auto_refresh,
                error_messages=error_messages,
                bind_group=bind_group,
            ),
        )

    async def create_many(
        self,
        data: Any,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
    ) -> Sequence[ModelT]:
        """Insert every item of ``data`` in one batch and return the new rows."""
        models = [await self.to_model(item, "create", schema_dump_config) for item in expand_dto_data(data)]
        return cast(
            "Sequence[ModelT]",
            await self.repository.add_many(
                models,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                error_messages=error_messages,
                bind_group=bind_group,
            ),
        )

    async def add_many(
        self,
        data: Any,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
    ) -> Sequence[ModelT]:
        """Same as :meth:`create_many` (the repository's name for it)."""
        return await self.create_many(
            data,
            auto_commit=auto_commit,
            auto_expunge=auto_expunge,
            error_messages=error_messages,
            bind_group=bind_group,
            schema_dump_config=schema_dump_config,
        )

    async def update(
        self,
        data: Any = None,
        item_id: Optional[Any] = None,
        *,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: ForUpdateParameter = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        id_attribute: IdAttribute = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
        **fields: Any,
    ) -> ModelT:
        """Write the supplied values of ``data`` (or keyword ``fields``) onto the row ``item_id`` (or data's key).

        Fields that are not supplied keep their stored values; a missing row raises ``NotFoundError``.
        """
        repository = self.repository
        model = await self.to_model(data_or_fields(data, fields, "update"), "update", schema_dump_config)
        if item_id is not None:
            existing = await repository.get(
                item_id,
                id_attribute=id_attribute,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
            )
            model = merge_into_existing(existing, model, repository.pk_attr_names)
        elif not repository.has_primary_key_values(model):
            raise RepositoryError(missing_id_message(repository.pk_attr_names, repository.id_attribute))
        return cast(
            "ModelT",
            await repository.update(
                model,
                attribute_names=attribute_names,
                with_for_update=with_for_update,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                auto_refresh=auto_refresh,
                id_attribute=id_attribute,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
            ),
        )

    async def update_many(
        self,
        data: Any,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
    ) -> Sequence[ModelT]:
        """Update every item of ``data`` by primary key in one batch."""
        models = [await self.to_model(item, "update", schema_dump_config) for item in expand_dto_data(data)]
        return cast(
            "Sequence[ModelT]",
            await self.repository.update_many(
                models,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
            ),
        )

    async def upsert(
        self,
        data: Any,
        item_id: Optional[Any] = None,
        *,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: ForUpdateParameter = None,
        auto_expunge: Optional[bool] = None,
        auto_commit: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        match_fields: Optional[Union[List[str], str]] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
    ) -> ModelT:
        """Update the row matching ``data`` (``match_fields``, else the key) or insert it."""
        repository = self.repository
        model = await self.to_model(data, "upsert", schema_dump_config)
        if item_id is not None and not repository.has_composite_pk:
            repository.set_id_attribute_value(item_id, model)
        return cast(
            "ModelT",
            await repository.upsert(
                model,
                attribute_names=attribute_names,
                with_for_update=with_for_update,
                auto_expunge=auto_expunge,
                auto_commit=auto_commit,
                auto_refresh=auto_refresh,
                match_fields=self._match_fields(match_fields),
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
            ),
        )

    async def upsert_many(
        self,
        data: Any,
        *,
        auto_expunge: Optional[bool] = None,
        auto_commit: Optional[bool] = None,
        no_merge: bool = False,
        match_fields: Optional[Union[List[str], str]] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
        chunk_size: Optional[int] = None,
    ) -> Sequence[ModelT]:
        """Insert or update every item of ``data`` (native bulk upsert where possible)."""
        models = [await self.to_model(item, "upsert", schema_dump_config) for item in expand_dto_data(data)]
        return cast(
            "Sequence[ModelT]",
            await self.repository.upsert_many(
                models,
                auto_expunge=auto_expunge,
                auto_commit=auto_commit,
                no_merge=no_merge,
                match_fields=self._match_fields(match_fields),
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
                chunk_size=chunk_size,
            ),
        )

    async def get_or_upsert(
        self,
        *filters: FilterArg,
        match_fields: Optional[Union[List[str], str]] = None,
        upsert: bool = True,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: ForUpdateParameter = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
        **kwargs: Any,
    ) -> tuple[ModelT, bool]:
        """The row matching ``kwargs`` (updated when ``upsert``) or a new one; ``(row, created)``."""
        values = supplied_values(await self.to_model(kwargs, "create", schema_dump_config))
        return cast(
            "tuple[ModelT, bool]",
            await self.repository.get_or_upsert(
                *filters,
                match_fields=self._match_fields(match_fields),
                upsert=upsert,
                attribute_names=attribute_names,
                with_for_update=with_for_update,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                auto_refresh=auto_refresh,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
                **values,
            ),
        )

    async def get_and_update(
        self,
        *filters: FilterArg,
        match_fields: Optional[Union[List[str], str]] = None,
        attribute_names: Optional[Iterable[str]] = None,
        with_for_update: ForUpdateParameter = None,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        schema_dump_config: Optional[SchemaDumpConfig] = None,
        **kwargs: Any,
    ) -> tuple[ModelT, bool]:
        """The row matching ``kwargs`` updated with them (missing -> ``NotFoundError``); ``(row, updated)``."""
        values = supplied_values(await self.to_model(kwargs, "update", schema_dump_config))
        return cast(
            "tuple[ModelT, bool]",
            await self.repository.get_and_update(
                *filters,
                match_fields=self._match_fields(match_fields),
                attribute_names=attribute_names,
                with_for_update=with_for_update,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                auto_refresh=auto_refresh,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
                **values,
            ),
        )

    async def delete(
        self,
        item_id: PrimaryKeyType,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        id_attribute: IdAttribute = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> ModelT:
        """Delete the row ``item_id`` and return it; missing -> ``NotFoundError``."""
        return cast(
            "ModelT",
            await self.repository.delete(
                item_id,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                id_attribute=id_attribute,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
            ),
        )

    async def delete_many(
        self,
        item_ids: Any,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        id_attribute: IdAttribute = None,
        chunk_size: Optional[int] = None,
        error_messages: Messages = Empty,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> Sequence[ModelT]:
        """Delete rows by key (ids or model instances), or every row a filter / SQL condition (list) matches."""
        if is_condition_list(item_ids):
            return await self.delete_where(
                *item_ids,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=uniquify,
                bind_group=bind_group,
            )
        repository = self.repository
        return cast(
            "Sequence[ModelT]",
            await repository.delete_many(
                item_ids_for_delete(item_ids, repository.pk_attr_names, self.model_type),
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                id_attribute=id_attribute,
                chunk_size=chunk_size,
                error_messages=error_messages,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
            ),
        )

    async def delete_where(
        self,
        *filters: FilterArg,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        error_messages: Messages = Empty,
        sanity_check: bool = True,
        load: Optional[LoadSpec] = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        bind_group: Optional[str] = None,
        **kwargs: Any,
    ) -> Sequence[ModelT]:
        """Delete every row matching the filters and return them."""
        return cast(
            "Sequence[ModelT]",
            await self.repository.delete_where(
                *filters,
                auto_commit=auto_commit,
                auto_expunge=auto_expunge,
                error_messages=error_messages,
                sanity_check=sanity_check,
                load=load,
                execution_options=execution_options,
                uniquify=self._uniquify(uniquify),
                bind_group=bind_group,
                **kwargs,
            ),
        )
