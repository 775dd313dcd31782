"""Configuration of an asyncio database: :class:`SQLAlchemyAsyncConfig` and its session/Alembic settings."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Callable, Optional, Union

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from advanced_alchemy.config.common import (
    GenericAlembicConfig,
    GenericSessionConfig,
    GenericSQLAlchemyConfig,
    _session_kwargs,
    _standalone_engine,
)
from advanced_alchemy.config.routing import RoutingConfig
from advanced_alchemy.utils.dataclass import Empty, EmptyType

__all__ = ("AlembicAsyncConfig", "AsyncSessionConfig", "SQLAlchemyAsyncConfig")


@dataclass
class AsyncSessionConfig(GenericSessionConfig[AsyncConnection, AsyncEngine, AsyncSession]):
    """Options for :class:`~sqlalchemy.ext.asyncio.async_sessionmaker`.

    ``url`` (an addition to the upstream API) makes the config usable on its own: :meth:`get_engine` and
    :meth:`get_session_maker` then build one engine for that URL. It is never passed to the sessionmaker.
    """

    sync_session_class: Optional[Union[type[Session], EmptyType]] = Empty
    url: Optional[str] = None

    def get_engine(self) -> AsyncEngine:
        """The async engine for ``url``, created on first use (in-memory SQLite shares one connection).

        Raises:
            ImproperConfigurationError: ``url`` is not set.
        """
        return _standalone_engine(self, create_async_engine)

    def get_session_maker(self) -> async_sessionmaker[AsyncSession]:
        """An async sessionmaker with these options, bound to ``bind`` if set, else to :meth:`get_engine`."""
        kwargs = _session_kwargs(self)
        if kwargs.get("bind") is None:
            kwargs["bind"] = self.get_engine()
        return async_sessionmaker(**kwargs)


@dataclass
class AlembicAsyncConfig(GenericAlembicConfig):
    """Alembic settings of an async configuration."""


@dataclass(eq=False)
class SQLAlchemyAsyncConfig(GenericSQLAlchemyConfig[AsyncEngine, AsyncSession, async_sessionmaker[AsyncSession]]):
    """An asyncio database: engine (``create_async_engine``), sessions (``async_sessionmaker``) and migrations.

    With ``create_all=True`` the tables of ``metadata`` are created (through ``run_sync``) when the first
    session is opened with :meth:`get_session`.
    """

    create_engine_callable: Callable[[str], AsyncEngine] = create_async_engine
    session_config: AsyncSessionConfig = field(default_factory=AsyncSessionConfig)
    session_maker_class: type[async_sessionmaker[AsyncSession]] = async_sessionmaker
    alembic_config: AlembicAsyncConfig = field(default_factory=AlembicAsyncConfig)
    routing_config: Optional[RoutingConfig] = None

    def create_session_maker(self) -> Callable[[], AsyncSession]:
        """The session maker (see :meth:`GenericSQLAlchemyConfig.create_session_maker`).

        Session listeners are attached to a dedicated sync session class passed as ``sync_session_class``.
        """
        return super().create_session_maker()

    @asynccontextmanager
    async def get_session(self) -> AsyncGenerator[AsyncSession, None]:
        """A new session, closed on exit (nothing is committed)."""
        session_maker = self.create_session_maker()
        if self.create_all and not self.__dict__.get("_tables_created") and self.metadata is not None:
            async with self.get_engine().begin() as conn:
                await conn.run_sync(self.metadata.create_all)
            self.__dict__["_tables_created"] = True
        async with session_maker() as session:
            yield session
