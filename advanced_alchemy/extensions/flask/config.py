"""Flask flavours of the SQLAlchemy configs: the same settings plus ``app`` and ``commit_mode``.

``commit_mode`` decides what happens to a request's session once the response is known:

- ``"manual"`` (default): nothing is committed; the session is closed.
- ``"autocommit"``: commit when the response status is 2xx, otherwise roll back.
- ``"autocommit_include_redirect"``: commit for 2xx and 3xx, otherwise roll back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, Optional

from advanced_alchemy.config.asyncio import SQLAlchemyAsyncConfig as _SQLAlchemyAsyncConfig
from advanced_alchemy.config.commit import CommitPolicy, normalize_commit_mode
from advanced_alchemy.config.engine import EngineConfig as _EngineConfig
from advanced_alchemy.config.sync import SQLAlchemySyncConfig as _SQLAlchemySyncConfig
from advanced_alchemy.exceptions import ImproperConfigurationError
from advanced_alchemy.utils.serialization import encode_json

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

    from advanced_alchemy.utils.portals import Portal

__all__ = ("EngineConfig", "SQLAlchemyAsyncConfig", "SQLAlchemySyncConfig")

FlaskCommitMode = Literal["manual", "autocommit", "autocommit_include_redirect"]


def serializer(value: Any) -> str:
    """The engines' JSON serializer: :func:`~advanced_alchemy.utils.serialization.encode_json` to text."""
    return encode_json(value)


@dataclass
class EngineConfig(_EngineConfig):
    """Engine options (see :class:`advanced_alchemy.config.EngineConfig`); JSON is written by :func:`serializer`."""

    json_serializer: Callable[[Any], str] = serializer


def _check_commit_mode(config: SQLAlchemySyncConfig | SQLAlchemyAsyncConfig) -> None:
    try:
        normalize_commit_mode(config.commit_mode)
    except ValueError as exc:
        raise ImproperConfigurationError(str(exc)) from exc


def _commit_policy(config: SQLAlchemySyncConfig | SQLAlchemyAsyncConfig) -> CommitPolicy:
    return CommitPolicy.from_mode(config.commit_mode)


@dataclass(eq=False)
class SQLAlchemySyncConfig(_SQLAlchemySyncConfig):
    """A synchronous database for a Flask app (see :class:`advanced_alchemy.config.SQLAlchemySyncConfig`).

    Raises:
        ImproperConfigurationError: ``commit_mode`` is not one of the accepted modes.
    """

    engine_config: _EngineConfig = field(default_factory=EngineConfig)
    app: Optional[Flask] = None
    commit_mode: FlaskCommitMode = "manual"

    def __post_init__(self) -> None:
        _check_commit_mode(self)
        super().__post_init__()

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)

    __hash__ = _SQLAlchemySyncConfig.__hash__

    @property
    def commit_policy(self) -> CommitPolicy:
        """The request commit policy of ``commit_mode``."""
        return _commit_policy(self)

    def init_app(self, app: Flask, portal: Optional[Portal] = None) -> None:
        """Bind the config to ``app``: create the session maker, and the tables when ``create_all`` is set.

        ``portal`` is accepted for symmetry with :meth:`SQLAlchemyAsyncConfig.init_app` and not used.
        """
        self.app = app
        self.create_session_maker()
        if self.create_all:
            self.create_all_metadata()

    def create_session_maker(self) -> Callable[[], Session]:
        """The session maker (see :meth:`advanced_alchemy.config.SQLAlchemySyncConfig.create_session_maker`)."""
        return super().create_session_maker()

    def create_all_metadata(self) -> None:
        """Create the tables of ``metadata`` that do not exist yet."""
        engine = self.get_engine()  # creates the tables already when ``create_all`` is set
        if self.metadata is not None and not self.__dict__.get("_tables_created"):
            self.metadata.create_all(engine)
            self.__dict__["_tables_created"] = True

    def close_engines(self, portal: Portal) -> None:
        """Dispose of the engine's connection pool (``portal`` is not needed for a sync engine)."""
        if self.engine_instance is not None:
            self.engine_instance.dispose()


@dataclass(eq=False)
class SQLAlchemyAsyncConfig(_SQLAlchemyAsyncConfig):
    """An asyncio database for a Flask app (see :class:`advanced_alchemy.config.SQLAlchemyAsyncConfig`).

    Its coroutines run on a background event loop (a portal) when called from synchronous Flask code.

    Raises:
        ImproperConfigurationError: ``commit_mode`` is not one of the accepted modes.
    """

    engine_config: _EngineConfig = field(default_factory=EngineConfig)
    app: Optional[Flask] = None
    commit_mode: FlaskCommitMode = "manual"

    def __post_init__(self) -> None:
        _check_commit_mode(self)
        super().__post_init__()

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)

    __hash__ = _SQLAlchemyAsyncConfig.__hash__

    @property
    def commit_policy(self) -> CommitPolicy:
        """The request commit policy of ``commit_mode``."""
        return _commit_policy(self)

    def init_app(self, app: Flask, portal: Optional[Portal] = None) -> None:
        """Bind the config to ``app``: create the session maker, and the tables when ``create_all`` is set.

        Raises:
            ImproperConfigurationError: ``create_all`` is set but no ``portal`` was given to run it on.
        """
        self.app = app
        self.create_session_maker()
        if self.create_all:
            if portal is None:
                msg = "An async config with 'create_all=True' needs a portal to create the tables"
                raise ImproperConfigurationError(msg)
            portal.call(self.create_all_metadata)

    def create_session_maker(self) -> Callable[[], AsyncSession]:
        """The session maker (see :meth:`advanced_alchemy.config.SQLAlchemyAsyncConfig.create_session_maker`)."""
        return super().create_session_maker()

    async def create_all_metadata(self) -> None:
        """Create the tables of ``metadata`` that do not exist yet."""
        if self.metadata is None or self.__dict__.get("_tables_created"):
            return
        async with self.get_engine().begin() as conn:
            await conn.run_sync(self.metadata.create_all)
        self.__dict__["_tables_created"] = True

    def close_engines(self, portal: Portal) -> None:
        """Dispose of the engine's connection pool on ``portal``'s event loop."""
        if self.engine_instance is not None:
            portal.call(self.engine_instance.dispose)
