"""Run one async test body against the sync and the async service alike (the service twin of ``run_scenario``)."""

from __future__ import annotations

import asyncio
import inspect
import types
from collections.abc import Awaitable, Mapping
from typing import Any, Callable, Optional

from repository_support import Awaitable_, repository_class
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from support import Backend

from advanced_alchemy.service import (
    SQLAlchemyAsyncRepositoryReadService,
    SQLAlchemyAsyncRepositoryService,
    SQLAlchemySyncRepositoryReadService,
    SQLAlchemySyncRepositoryService,
)

Hook = Callable[[Any, Any], Any]


class AwaitableService(Awaitable_):
    """Every method call of the wrapped (sync or async) object can be awaited.

    Sync results are wrapped like :class:`Awaitable_` does; coroutines of async objects are awaited, and
    the plain methods of async objects (``to_schema``, ``AsyncSession.expire_all``) become awaitable too,
    so one scenario body reads the same for both service kinds. Classes (``model_type``) and other
    non-callable attributes come back as they are; ``repository`` is wrapped the same way.
    """

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if name == "repository":
            return AwaitableService(attr)
        if isinstance(attr, type) or not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Awaitable[Any]:
            async def done() -> Any:
                result = attr(*args, **kwargs)
                return await result if inspect.isawaitable(result) else result

            return done()

        return call

    @property
    def target(self) -> Any:
        """The wrapped object."""
        return self._target


def _async_hook(fn: Hook) -> Callable[[Any, Any], Awaitable[Any]]:
    async def hook(self: Any, data: Any) -> Any:
        return fn(self, data)

    hook.__name__ = fn.__name__
    return hook


def service_class(
    model: type[Any],
    is_async: bool,
    *,
    read_only: bool = False,
    hooks: Optional[Mapping[str, Hook]] = None,
    **class_attrs: Any,
) -> type[Any]:
    """A service class for ``model`` (async or sync, read-only or read/write) with its own repository class.

    ``hooks`` maps hook names (``to_model_on_create`` ...) to plain functions ``fn(service, data)``; they
    become ``async def`` methods on async services. ``class_attrs`` (``match_fields`` ...) are class attributes.
    """
    repo = repository_class(model, is_async)
    if is_async:
        base: Any = SQLAlchemyAsyncRepositoryReadService if read_only else SQLAlchemyAsyncRepositoryService
    else:
        base = SQLAlchemySyncRepositoryReadService if read_only else SQLAlchemySyncRepositoryService
    namespace: dict[str, Any] = {"repository_type": repo, **class_attrs}
    for name, fn in (hooks or {}).items():
        namespace[name] = _async_hook(fn) if is_async else fn
    return types.new_class(
        f"{model.__name__}{'Async' if is_async else 'Sync'}Service",
        (base[model, repo],),
        exec_body=lambda ns: ns.update(namespace),
    )


def run_service_scenario(
    backend: Backend,
    scenario: Callable[[Any, Any], Awaitable[Any]],
    service_factory: Callable[[bool], type[Any]],
    **service_kwargs: Any,
) -> Any:
    """Call ``scenario(session, service)``; ``service_factory(is_async)`` gives the service class.

    Session and service are wrapped in :class:`AwaitableService`, so every call in the scenario is awaited.
    """

    async def go() -> Any:
        if isinstance(backend.engine, AsyncEngine):
            async with AsyncSession(backend.engine, expire_on_commit=False) as session:
                service = service_factory(True)(session=session, **service_kwargs)
                return await scenario(AwaitableService(session), AwaitableService(service))
        with Session(backend.engine, expire_on_commit=False) as session:
            service = service_factory(False)(session=session, **service_kwargs)
            return await scenario(AwaitableService(session), AwaitableService(service))

    if backend.is_async:
        return backend._await(go())
    return asyncio.run(go())
