"""Helpers shared by the tests: one interface over sync and async backends, and dialect compilation."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Callable, TypeVar

import pytest
from sqlalchemy import Engine, MetaData, Table, create_engine
from sqlalchemy.dialects import registry
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable
from sqlalchemy.sql import ClauseElement

T = TypeVar("T")

# Dialects with no server on this machine; their SQL/DDL is compiled and asserted.
COMPILE_ONLY_DIALECTS = {
    "oracle": "oracle.oracledb",
    "mssql": "mssql.pyodbc",
    "cockroachdb": "cockroachdb.psycopg",
    "spanner": "spanner.spanner",
}


def dialect(name: str, **kwargs: Any) -> Dialect:
    """A dialect instance by short name (``postgresql``, ``mysql``, ``oracle``, ``mssql``, ``cockroachdb``, ...)."""
    try:
        loader = registry.load(COMPILE_ONLY_DIALECTS.get(name, name))
    except NoSuchModuleError:
        # sqlalchemy-cockroachdb / sqlalchemy-spanner come with the `dialects` extra (SQLAlchemy 2.0 runs only)
        pytest.skip(f"the {name} dialect package is not installed in this environment")
    instance = loader(**kwargs)
    for key, value in kwargs.get("server_version", {}).items():
        setattr(instance, key, value)
    return instance


def compile_sql(statement: ClauseElement, dialect_name: str, *, literal_binds: bool = False, **dialect_kw: Any) -> str:
    """The SQL text of ``statement`` for ``dialect_name``."""
    compiled = statement.compile(
        dialect=dialect(dialect_name, **dialect_kw), compile_kwargs={"literal_binds": literal_binds}
    )
    return str(compiled)


def compile_ddl(table: Table | Any, dialect_name: str, *, server_version_info: tuple[int, ...] | None = None) -> str:
    """``CREATE TABLE`` for ``table`` (a Table or a mapped class) on ``dialect_name``."""
    table = getattr(table, "__table__", table)
    dia = dialect(dialect_name)
    if server_version_info is not None:
        dia.server_version_info = server_version_info
    return str(CreateTable(table).compile(dialect=dia))


class Backend:
    """One database backend, sync or async, with a single way to run ORM code on it."""

    def __init__(self, name: str, url: str, *, is_async: bool, engine_kwargs: dict[str, Any]) -> None:
        self.name = name
        self.url = url
        self.is_async = is_async
        self.engine: Engine | AsyncEngine = (
            create_async_engine(url, **engine_kwargs) if is_async else create_engine(url, **engine_kwargs)
        )
        self._loop: asyncio.AbstractEventLoop | None = asyncio.new_event_loop() if is_async else None

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    def _await(self, coro: Any) -> Any:
        assert self._loop is not None
        return self._loop.run_until_complete(coro)

    def create_all(self, metadata: MetaData, tables: Sequence[Table | Any] | None = None) -> None:
        """Create ``tables`` (mapped classes or Tables; all of ``metadata`` when omitted)."""
        resolved = [getattr(t, "__table__", t) for t in tables] if tables is not None else None
        if isinstance(self.engine, AsyncEngine):
            engine = self.engine

            async def go() -> None:
                async with engine.begin() as conn:
                    await conn.run_sync(lambda c: metadata.drop_all(c, tables=resolved))
                    await conn.run_sync(lambda c: metadata.create_all(c, tables=resolved))

            self._await(go())
        else:
            with self.engine.begin() as conn:
                metadata.drop_all(conn, tables=resolved)
                metadata.create_all(conn, tables=resolved)

    def drop_all(self, metadata: MetaData, tables: Sequence[Table | Any] | None = None) -> None:
        resolved = [getattr(t, "__table__", t) for t in tables] if tables is not None else None
        if isinstance(self.engine, AsyncEngine):
            engine = self.engine

            async def go() -> None:
                async with engine.begin() as conn:
                    await conn.run_sync(lambda c: metadata.drop_all(c, tables=resolved))

            self._await(go())
        else:
            with self.engine.begin() as conn:
                metadata.drop_all(conn, tables=resolved)

    def run(self, fn: Callable[[Session], T], **session_kwargs: Any) -> T:
        """Call ``fn(session)`` in a new session (an ``AsyncSession`` via ``run_sync`` when async)."""
        if isinstance(self.engine, AsyncEngine):
            engine = self.engine

            async def go() -> T:
                async with AsyncSession(engine, **session_kwargs) as session:
                    return await session.run_sync(fn)

            return self._await(go())  # type: ignore[no-any-return]
        with Session(self.engine, **session_kwargs) as session:
            return fn(session)

    def run_async(self, fn: Callable[[AsyncSession], Any], **session_kwargs: Any) -> Any:
        """Call the coroutine function ``fn(async_session)`` (async backends only)."""
        assert isinstance(self.engine, AsyncEngine)
        engine = self.engine

        async def go() -> Any:
            async with AsyncSession(engine, **session_kwargs) as session:
                return await fn(session)

        return self._await(go())

    def close(self) -> None:
        if isinstance(self.engine, AsyncEngine):
            self._await(self.engine.dispose())
            assert self._loop is not None
            self._loop.close()
        else:
            self.engine.dispose()
