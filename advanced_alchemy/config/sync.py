"""Configuration of a synchronous database: :class:`SQLAlchemySyncConfig` and its session/Alembic settings."""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Optional

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from advanced_alchemy.config.common import (
    GenericAlembicConfig,
    GenericSessionConfig,
    GenericSQLAlchemyConfig,
    _session_kwargs,
    _standalone_engine,
)
from advanced_alchemy.config.routing import RoutingConfig

__all__ = ("AlembicSyncConfig", "SQLAlchemySyncConfig", "SyncSessionConfig")


@dataclass
class SyncSessionConfig(GenericSessionConfig[Connection, Engine, Session]):
    """Options for :class:`~sqlalchemy.orm.sessionmaker`.

    ``url`` (an addition to the upstream API) makes the config usable on its own: :meth:`get_engine` and
    :meth:`get_session_maker` then build one engine for that URL. It is never passed to the sessionmaker.
    """

    url: Optional[str] = None

    def get_engine(self) -> Engine:
        """The engine for ``url``, created on first use (in-memory SQLite shares one connection).

        Raises:
            ImproperConfigurationError: ``url`` is not set.
        """
        return _standalone_engine(self, create_engine)

    def get_session_maker(self) -> sessionmaker[Session]:
        """A sessionmaker with these options, bound to ``bind`` if set, else to :meth:`get_engine`."""
        kwargs = _session_kwargs(self)
        if kwargs.get("bind") is None:
            kwargs["bind"] = self.get_engine()
        return sessionmaker(**kwargs)


@dataclass
class AlembicSyncConfig(GenericAlembicConfig):
    """Alembic settings of a sync configuration."""


@dataclass(eq=False)
class SQLAlchemySyncConfig(GenericSQLAlchemyConfig[Engine, Session, sessionmaker[Session]]):
    """A synchronous database: engine (``create_engine``), sessions (``sessionmaker``) and migrations.

    With ``create_all=True`` the tables of ``metadata`` are created the first time :meth:`get_engine`
    returns the engine.
    """

    create_engine_callable: Callable[[str], Engine] = create_engine
    session_config: SyncSessionConfig = field(default_factory=SyncSessionConfig)
    session_maker_class: type[sessionmaker[Session]] = sessionmaker
    alembic_config: AlembicSyncConfig = field(default_factory=AlembicSyncConfig)
    routing_config: Optional[RoutingConfig] = None

    def get_engine(self) -> Engine:
        """The engine (see :meth:`GenericSQLAlchemyConfig.get_engine`); creates the tables once if asked to."""
        engine = super().get_engine()
        if self.create_all and not self.__dict__.get("_tables_created") and self.metadata is not None:
            self.metadata.create_all(engine)
            self.__dict__["_tables_created"] = True
        return engine

    def create_session_maker(self) -> Callable[[], Session]:
        """The session maker (see :meth:`GenericSQLAlchemyConfig.create_session_maker`)."""
        return super().create_session_maker()

    @contextmanager
    def get_session(self) -> Generator[Session, None, None]:
        """A new session, closed on exit (nothing is committed)."""
        with self.create_session_maker()() as session:
            yield session
