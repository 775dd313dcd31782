"""Run one async test body against the sync and the async repository alike."""

from __future__ import annotations

import asyncio
import inspect
import types
from collections.abc import Awaitable
from typing import Any, Callable

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session
from support import Backend

from advanced_alchemy.repository import SQLAlchemyAsyncRepository, SQLAlchemySyncRepository


class Awaitable_:  # noqa: N801 - mirrors the object it wraps
    """Wraps a sync object so every method call can be awaited, like its async twin."""

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Awaitable[Any]:
            async def done() -> Any:
                return attr(*args, **kwargs)

            return done()

        return call


def repository_class(model: type[Any], is_async: bool) -> type[Any]:
    base = SQLAlchemyAsyncRepository if is_async else SQLAlchemySyncRepository
    return types.new_class(
        f"{model.__name__}Repository",
        (base[model],),
        exec_body=lambda ns: ns.update(model_type=model),  # type: ignore[index]
    )


def run_scenario(
    backend: Backend,
    scenario: Callable[..., Awaitable[Any]],
    *models: type[Any],
    expire_on_commit: bool = False,
    **repo_kwargs: Any,
) -> Any:
    """Call ``scenario(session, *repos)`` with a repository per model; session and repos are awaitable."""

    async def go() -> Any:
        if isinstance(backend.engine, AsyncEngine):
            async with AsyncSession(backend.engine, expire_on_commit=expire_on_commit) as session:
                repos = [repository_class(m, True)(session=session, **repo_kwargs) for m in models]
                return await scenario(session, *repos)
        with Session(backend.engine, expire_on_commit=expire_on_commit) as session:
            repos = [Awaitable_(repository_class(m, False)(session=session, **repo_kwargs)) for m in models]
            return await scenario(Awaitable_(session), *repos)

    if backend.is_async:
        return backend._await(go())
    return asyncio.run(go()) if inspect.iscoroutinefunction(scenario) else None
