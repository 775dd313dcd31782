"""Engines for every backend the test-suite runs on.

Server-backed tests use a database created for this run and dropped at its end, so runs never collide.
When ``AA_REQUIRE_SERVERS=1`` (CI) an unreachable server fails the run instead of skipping its tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool
from support import Backend

PG_HOST = os.environ.get("AA_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("AA_PG_PORT", "5432"))
PG_USER = os.environ.get("AA_PG_USER", "postgres")
MARIADB_HOST = os.environ.get("AA_MARIADB_HOST", "127.0.0.1")
MARIADB_PORT = int(os.environ.get("AA_MARIADB_PORT", "3306"))
MARIADB_USER = os.environ.get("AA_MARIADB_USER", "root")
REQUIRE_SERVERS = os.environ.get("AA_REQUIRE_SERVERS", "") not in {"", "0", "false", "False"}
RUN_ID = uuid.uuid4().hex[:10]


def _unavailable(name: str, exc: BaseException) -> None:
    message = f"{name} server is not reachable: {exc}"
    if REQUIRE_SERVERS:
        pytest.fail(message + " (AA_REQUIRE_SERVERS is set: a missing server is a failure)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """Name of a PostgreSQL database that exists for this test run only."""
    name = f"aa_test_{RUN_ID}"
    admin = create_engine(f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        _unavailable("PostgreSQL", exc)
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def mariadb_database() -> Iterator[str]:
    """Name of a MariaDB database that exists for this test run only."""
    name = f"aa_test_{RUN_ID}"
    admin = create_engine(
        f"mysql+pymysql://{MARIADB_USER}@{MARIADB_HOST}:{MARIADB_PORT}/", isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        _unavailable("MariaDB", exc)
    yield name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
    admin.dispose()


def _url(backend: str, is_async: bool, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+{'aiosqlite' if is_async else 'pysqlite'}:///{tmp_path / 'test.sqlite'}"
    if backend == "duckdb":
        return f"duckdb:///{tmp_path / 'test.duckdb'}"
    if backend == "postgres":
        database = request.getfixturevalue("postgres_database")
        driver = "asyncpg" if is_async else "psycopg"
        return f"postgresql+{driver}://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
    database = request.getfixturevalue("mariadb_database")
    driver = "asyncmy" if is_async else "pymysql"
    return f"mysql+{driver}://{MARIADB_USER}@{MARIADB_HOST}:{MARIADB_PORT}/{database}?charset=utf8mb4"


SYNC_BACKENDS = [
    pytest.param("sqlite", marks=pytest.mark.sqlite, id="sqlite"),
    pytest.param("duckdb", marks=pytest.mark.duckdb, id="duckdb"),
    pytest.param("postgres", marks=pytest.mark.postgres, id="postgres"),
    pytest.param("mariadb", marks=pytest.mark.mariadb, id="mariadb"),
]
ASYNC_BACKENDS = [
    pytest.param("sqlite", marks=pytest.mark.sqlite, id="aiosqlite"),
    pytest.param("postgres", marks=pytest.mark.postgres, id="asyncpg"),
    pytest.param("mariadb", marks=pytest.mark.mariadb, id="asyncmy"),
]


def _engine_kwargs(backend: str) -> dict[str, Any]:
    return {"poolclass": NullPool} if backend != "duckdb" else {}


@pytest.fixture(params=SYNC_BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A sync engine on each backend (sqlite, duckdb, postgres, mariadb)."""
    eng = create_engine(_url(request.param, False, request, tmp_path), **_engine_kwargs(request.param))
    yield eng
    eng.dispose()


@pytest.fixture(params=[p for p in SYNC_BACKENDS if p.values[0] in {"postgres", "mariadb"}])
def server_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A sync engine with a connection pool on each server backend (for tests with concurrent writers)."""
    eng = create_engine(_url(request.param, False, request, tmp_path), pool_size=8)
    yield eng
    eng.dispose()


@pytest.fixture(params=ASYNC_BACKENDS)
async def async_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An async engine on each backend with an async driver (aiosqlite, asyncpg, asyncmy)."""
    eng = create_async_engine(_url(request.param, True, request, tmp_path), **_engine_kwargs(request.param))
    yield eng
    await eng.dispose()


ALL_BACKENDS = [
    *[pytest.param((p.values[0], False), marks=p.marks, id=p.id) for p in SYNC_BACKENDS],
    *[pytest.param((p.values[0], True), marks=p.marks, id=p.id) for p in ASYNC_BACKENDS],
]


@pytest.fixture(params=ALL_BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    """Every backend, sync and async, behind one interface: ``backend.run(fn)`` calls ``fn(session)``.

    Async backends run ``fn`` through ``AsyncSession.run_sync`` on the async driver, so one test body
    checks both forms.
    """
    name, is_async = request.param
    handle = Backend(
        name, _url(name, is_async, request, tmp_path), is_async=is_async, engine_kwargs=_engine_kwargs(name)
    )
    yield handle
    handle.close()
