"""The request-scoped session lifecycle shared by every framework integration.

One session per request and per database, created lazily on first use and finished when the request ends:
the config's :class:`~advanced_alchemy.config.commit.CommitPolicy` turns the response status into
``"commit"`` or ``"rollback"``, that action is applied, and the session is closed. Failures while finishing
are logged at debug level and swallowed: the response has already been produced.

A framework adapter supplies only two things:

* a :class:`RequestStateStore` — where the request's sessions live (``flask.g``, Starlette's
  ``request.state``, Sanic's ``request.ctx`` through :class:`AttributeStateStore`; a Litestar scope state
  dict through :class:`MappingStateStore`);
* the moment the request ends, with its response status (``None`` when no response was produced, e.g. an
  unhandled exception, which counts as 500).

Then::

    lifecycle = SyncSessionLifecycle(config.create_session_maker(), CommitPolicy.from_mode("autocommit"),
                                     key=session_state_key(config.bind_key))
    session = lifecycle.get_session(store)          # in the handler, any number of times
    lifecycle.end_request(store, response.status_code)   # once, when the request is over

:class:`AsyncSessionLifecycle` is the same for :class:`~sqlalchemy.ext.asyncio.AsyncSession`, with an
``async`` :meth:`~AsyncSessionLifecycle.end_request`. Both take their decision from the same policy.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any, Callable, Generic, Optional, Protocol, TypeVar, Union

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from advanced_alchemy.config.commit import CommitAction, CommitPolicy

__all__ = (
    "SESSION_STATE_KEY_PREFIX",
    "AsyncSessionLifecycle",
    "AttributeStateStore",
    "MappingStateStore",
    "RequestStateStore",
    "SyncSessionLifecycle",
    "finish_async_session",
    "finish_sync_session",
    "session_state_key",
)

logger = logging.getLogger("advanced_alchemy.extensions")

SESSION_STATE_KEY_PREFIX = "advanced_alchemy_session_"
"""Prefix of the per-request state keys holding sessions (``advanced_alchemy_session_<bind_key>``)."""

_SessionT = TypeVar("_SessionT", bound=Union[Session, AsyncSession])


def session_state_key(bind_key: Optional[str] = None) -> str:
    """The request-state key of the session of ``bind_key`` (``None`` is ``"default"``)."""
    return f"{SESSION_STATE_KEY_PREFIX}{bind_key or 'default'}"


class RequestStateStore(Protocol):
    """Per-request storage supplied by a framework adapter."""

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or ``None``."""
        ...

    def set(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key``."""
        ...

    def pop(self, key: str) -> Any:
        """Remove and return the value stored under ``key`` (``None`` when there is none)."""
        ...


class AttributeStateStore:
    """A :class:`RequestStateStore` over an object's attributes (``flask.g``, ``request.state``, ...)."""

    __slots__ = ("_target",)

    def __init__(self, target: Any) -> None:
        self._target = target

    def get(self, key: str) -> Any:
        return getattr(self._target, key, None)

    def set(self, key: str, value: Any) -> None:
        setattr(self._target, key, value)

    def pop(self, key: str) -> Any:
        value = getattr(self._target, key, None)
        if value is not None:
            delattr(self._target, key)
        return value


class MappingStateStore:
    """A :class:`RequestStateStore` over a mutable mapping (an ASGI scope's ``state`` dict, ...)."""

    __slots__ = ("_mapping",)

    def __init__(self, mapping: MutableMapping[str, Any]) -> None:
        self._mapping = mapping

    def get(self, key: str) -> Any:
        return self._mapping.get(key)

    def set(self, key: str, value: Any) -> None:
        self._mapping[key] = value

    def pop(self, key: str) -> Any:
        return self._mapping.pop(key, None)


def _log_failure(step: str, session: Union[Session, AsyncSession]) -> None:
    logger.debug("Ignoring an error during session %s of %r at the end of a request", step, session, exc_info=True)


def finish_sync_session(session: Session, action: Optional[CommitAction]) -> None:
    """Apply ``action`` (``None``: neither commit nor rollback) to ``session``, then close it.

    Errors are logged at debug level and swallowed; the session is closed even when the action failed.
    """
    try:
        if action == "commit":
            session.commit()
        elif action == "rollback":
            session.rollback()
    except Exception:
        _log_failure(action or "finish", session)
    try:
        session.close()
    except Exception:
        _log_failure("close", session)


async def finish_async_session(session: AsyncSession, action: Optional[CommitAction]) -> None:
    """The ``async`` twin of :func:`finish_sync_session`."""
    try:
        if action == "commit":
            await session.commit()
        elif action == "rollback":
            await session.rollback()
    except Exception:
        _log_failure(action or "finish", session)
    try:
        await session.close()
    except Exception:
        _log_failure("close", session)


class _SessionLifecycle(Generic[_SessionT]):
    """What the sync and async lifecycles share: lazy creation and the commit decision."""

    __slots__ = ("key", "policy", "session_maker")

    def __init__(
        self,
        session_maker: Callable[[], _SessionT],
        policy: Optional[CommitPolicy] = None,
        *,
        key: Optional[str] = None,
    ) -> None:
        """
        Args:
            session_maker: makes the request's session (a config's ``create_session_maker()``).
            policy: decides commit or rollback from the response status (default: ``manual``).
            key: the request-state key of the session (default: :func:`session_state_key`).
        """
        self.session_maker = session_maker
        self.policy = policy if policy is not None else CommitPolicy()
        self.key = key if key is not None else session_state_key()

    def get_session(self, store: RequestStateStore) -> _SessionT:
        """The request's session: the one in ``store``, else a new one, remembered there."""
        session: Optional[_SessionT] = store.get(self.key)
        if session is None:
            session = self.session_maker()
            store.set(self.key, session)
        return session

    def current_session(self, store: RequestStateStore) -> Optional[_SessionT]:
        """The request's session if one was created, without creating one."""
        session: Optional[_SessionT] = store.get(self.key)
        return session

    def take_session(self, store: RequestStateStore) -> Optional[_SessionT]:
        """Remove the request's session from ``store`` and return it (``None`` if none was created)."""
        session: Optional[_SessionT] = store.pop(self.key)
        return session

    def decide(self, status: Optional[int]) -> CommitAction:
        """``"commit"`` or ``"rollback"`` for a request that ended with ``status`` (``None``: 500)."""
        return self.policy.action(status)


class SyncSessionLifecycle(_SessionLifecycle[Session]):
    """The request session lifecycle of a synchronous :class:`~sqlalchemy.orm.Session`."""

    __slots__ = ()

    def finish(self, session: Session, status: Optional[int]) -> CommitAction:
        """Commit or roll back ``session`` per ``status``, then close it."""
        action = self.decide(status)
        finish_sync_session(session, action)
        return action

    def end_request(self, store: RequestStateStore, status: Optional[int]) -> Optional[CommitAction]:
        """Finish the request's session, if one was created: commit or roll back per ``status``, then close.

        Returns:
            The action taken, or ``None`` when the request used no session.
        """
        session = self.take_session(store)
        if session is None:
            return None
        return self.finish(session, status)


class AsyncSessionLifecycle(_SessionLifecycle[AsyncSession]):
    """The request session lifecycle of an :class:`~sqlalchemy.ext.asyncio.AsyncSession`."""

    __slots__ = ()

    async def finish(self, session: AsyncSession, status: Optional[int]) -> CommitAction:
        """Commit or roll back ``session`` per ``status``, then close it."""
        action = self.decide(status)
        await finish_async_session(session, action)
        return action

    async def end_request(self, store: RequestStateStore, status: Optional[int]) -> Optional[CommitAction]:
        """Finish the request's session, if one was created: commit or roll back per ``status``, then close.

        Returns:
            The action taken, or ``None`` when the request used no session.
        """
        session = self.take_session(store)
        if session is None:
            return None
        return await self.finish(session, status)
