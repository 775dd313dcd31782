"""The Flask extension: :class:`AdvancedAlchemy`.

It is a thin adapter over :mod:`advanced_alchemy.extensions._lifecycle`: request sessions live in
``flask.g`` (``advanced_alchemy_session_<bind_key>``), ``after_request`` finishes them with the response
status (commit or roll back per the config's ``commit_mode``, then close), and ``teardown_appcontext``
rolls back and closes any session left over (an unhandled exception, or a session opened in an app
context outside a request).

Async configs run on a background event loop (a portal): their request sessions are finished there, and
sync views can use them through ``alchemy.portal.call(session.execute, ...)``.
"""

from __future__ import annotations

import copy
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Optional, Union, cast

from flask import Response, g
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from advanced_alchemy.exceptions import ImproperConfigurationError
from advanced_alchemy.extensions._lifecycle import (
    AsyncSessionLifecycle,
    AttributeStateStore,
    SyncSessionLifecycle,
    session_state_key,
)
from advanced_alchemy.extensions.flask.config import SQLAlchemyAsyncConfig, SQLAlchemySyncConfig
from advanced_alchemy.utils.portals import Portal, PortalProvider

if TYPE_CHECKING:
    from flask import Flask

__all__ = ("AdvancedAlchemy",)

EXTENSION_NAME = "advanced_alchemy"
"""Key of the extension in ``app.extensions``."""

_ConfigT = Union[SQLAlchemySyncConfig, SQLAlchemyAsyncConfig]
_Lifecycle = Union[SyncSessionLifecycle, AsyncSessionLifecycle]


def _bind_key(config: _ConfigT) -> str:
    return config.bind_key or "default"


def _store() -> AttributeStateStore:
    return AttributeStateStore(g)


class AdvancedAlchemy:
    """Flask extension for SQLAlchemy: request-scoped sessions, commit modes, table creation and the
    ``flask database`` command group.

    Args:
        config: one config, or several with distinct ``bind_key`` values (``None`` is ``"default"``).
        app: the app to set up now (else call :meth:`init_app`).
        portal_provider: the event-loop portal for async configs (default: the process-wide
            :class:`PortalProvider`, started on first use).

    Raises:
        ImproperConfigurationError: no config, or two configs with the same bind key.
    """

    __slots__ = ("_config", "_lifecycles", "portal_provider")

    def __init__(
        self,
        config: Union[
            SQLAlchemySyncConfig,
            SQLAlchemyAsyncConfig,
            Sequence[Union[SQLAlchemySyncConfig, SQLAlchemyAsyncConfig]],
        ],
        app: Optional[Flask] = None,
        *,
        portal_provider: Optional[PortalProvider] = None,
    ) -> None:
        configs: tuple[_ConfigT, ...] = tuple(config) if isinstance(config, Sequence) else (config,)
        if not configs:
            msg = "AdvancedAlchemy needs at least one SQLAlchemy config"
            raise ImproperConfigurationError(msg)
        lifecycles: dict[str, _Lifecycle] = {}
        for item in configs:
            if not isinstance(item, (SQLAlchemySyncConfig, SQLAlchemyAsyncConfig)):
                msg = (
                    f"AdvancedAlchemy takes the configs of advanced_alchemy.extensions.flask "
                    f"(SQLAlchemySyncConfig, SQLAlchemyAsyncConfig), not {type(item).__name__}"
                )
                raise ImproperConfigurationError(msg)
            key = _bind_key(item)
            if key in lifecycles:
                msg = f"Two configs have the bind key {key!r}: give each config a distinct 'bind_key'"
                raise ImproperConfigurationError(msg)
            lifecycles[key] = _make_lifecycle(item)
        self._config = configs
        self._lifecycles = lifecycles
        self.portal_provider = portal_provider
        if app is not None:
            self.init_app(app)

    @property
    def config(self) -> Sequence[Union[SQLAlchemyAsyncConfig, SQLAlchemySyncConfig]]:
        """The configs, in the order given."""
        return self._config

    @property
    def is_async_enabled(self) -> bool:
        """Whether any config is async (and so needs the portal)."""
        return any(isinstance(config, SQLAlchemyAsyncConfig) for config in self._config)

    @property
    def portal(self) -> Portal:
        """The portal running async work on the background event loop (started on first access)."""
        if self.portal_provider is None:
            self.portal_provider = PortalProvider()
        if not self.portal_provider.is_running:
            self.portal_provider.start()
        return self.portal_provider.portal

    def init_app(self, app: Flask) -> None:
        """Set up ``app``: register the extension, create session makers (and tables when ``create_all``
        is set), finish request sessions after each request, and add the ``database`` CLI group.

        Raises:
            ImproperConfigurationError: an Advanced Alchemy extension is already registered on ``app``.
        """
        if EXTENSION_NAME in app.extensions:
            msg = "An AdvancedAlchemy extension is already registered on this application"
            raise ImproperConfigurationError(msg)
        portal = self.portal if self.is_async_enabled else None
        for config in self._config:
            config.init_app(app, portal)
        app.extensions[EXTENSION_NAME] = self
        app.after_request(self._finish_request_sessions)
        app.teardown_appcontext(self._finish_leftover_sessions)
        _add_cli_group(app)

    def _config_for(self, bind_key: Optional[str]) -> _ConfigT:
        key = bind_key or "default"
        if len(self._config) == 1 and key in {"default", _bind_key(self._config[0])}:
            return self._config[0]
        for config in self._config:
            if _bind_key(config) == key:
                return config
        available = ", ".join(repr(_bind_key(config)) for config in self._config)
        msg = f"No config with bind key {key!r} (available: {available})"
        raise ImproperConfigurationError(msg)

    def get_session(self, bind_key: str = "default") -> Union[AsyncSession, Session]:
        """The request's session for ``bind_key``, created on first use and finished after the request.

        With a single config, the default ``bind_key`` names it whatever its own bind key is.

        Raises:
            ImproperConfigurationError: no config has that bind key.
            RuntimeError: called outside a Flask application context.
        """
        config = self._config_for(bind_key)
        return self._lifecycles[_bind_key(config)].get_session(_store())

    def get_sync_session(self, bind_key: str = "default") -> Session:
        """:meth:`get_session` for a sync config.

        Raises:
            ImproperConfigurationError: the config of ``bind_key`` is async (or does not exist).
        """
        config = self._config_for(bind_key)
        if not isinstance(config, SQLAlchemySyncConfig):
            msg = f"The config with bind key {_bind_key(config)!r} is async: use get_async_session()"
            raise ImproperConfigurationError(msg)
        return cast("Session", self.get_session(bind_key))

    def get_async_session(self, bind_key: str = "default") -> AsyncSession:
        """:meth:`get_session` for an async config.

        Raises:
            ImproperConfigurationError: the config of ``bind_key`` is sync (or does not exist).
        """
        config = self._config_for(bind_key)
        if not isinstance(config, SQLAlchemyAsyncConfig):
            msg = f"The config with bind key {_bind_key(config)!r} is sync: use get_sync_session()"
            raise ImproperConfigurationError(msg)
        return cast("AsyncSession", self.get_session(bind_key))

    @contextmanager
    def with_session(self, bind_key: str = "default") -> Generator[Union[AsyncSession, Session], None, None]:
        """A new session of ``bind_key``, independent of the request's, closed on exit (never committed).

        Works outside a request too (scripts, CLI commands); async sessions are closed on the portal.
        """
        config = self._config_for(bind_key)
        session = config.create_session_maker()()
        try:
            yield session
        finally:
            if isinstance(session, AsyncSession):
                self.portal.call(session.close)
            else:
                session.close()

    def _finish(self, status: Optional[int]) -> None:
        store = _store()
        for lifecycle in self._lifecycles.values():
            if isinstance(lifecycle, AsyncSessionLifecycle):
                session = lifecycle.take_session(store)
                if session is not None:
                    self.portal.call(lifecycle.finish, session, status)
            else:
                lifecycle.end_request(store, status)

    def _finish_request_sessions(self, response: Response) -> Response:
        """``after_request``: commit or roll back (per ``commit_mode``) and close the request's sessions."""
        self._finish(response.status_code)
        return response

    def _finish_leftover_sessions(self, exc: Optional[BaseException]) -> None:
        """``teardown_appcontext``: roll back and close sessions that no response finished."""
        self._finish(None)


def _make_lifecycle(config: _ConfigT) -> _Lifecycle:
    key = session_state_key(config.bind_key)
    if isinstance(config, SQLAlchemyAsyncConfig):
        return AsyncSessionLifecycle(lambda: config.create_session_maker()(), config.commit_policy, key=key)
    return SyncSessionLifecycle(lambda: config.create_session_maker()(), config.commit_policy, key=key)


def _add_cli_group(app: Flask) -> None:
    """Add ``flask database`` (also ``flask db``, hidden from the command list) to ``app.cli``."""
    from advanced_alchemy.extensions.flask.cli import database_group

    if "database" not in app.cli.commands:
        app.cli.add_command(database_group)
    if "db" not in app.cli.commands:
        alias = copy.copy(database_group)
        alias.name = "db"
        alias.hidden = True
        app.cli.add_command(alias)
