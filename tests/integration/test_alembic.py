"""Alembic integration against real databases (spec §11.1): templates, commands, custom types, utilities.

Every server test gets a database of its own, so autogenerate sees only the tables of these models.
"""

import asyncio
import datetime
import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Optional

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Engine, ForeignKey, String, create_engine, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from advanced_alchemy.alembic.commands import AlembicCommandConfig, AlembicCommands, AlembicDuckDBImpl
from advanced_alchemy.alembic.environment import render_item
from advanced_alchemy.alembic.utils import drop_all, dump_tables
from advanced_alchemy.base import BigIntAuditBase, UUIDAuditBase, metadata_registry
from advanced_alchemy.config import (
    AlembicAsyncConfig,
    AlembicSyncConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemySyncConfig,
)
from advanced_alchemy.types import GUID, Bool, DateTimeUTC, JsonB
from advanced_alchemy.utils.serialization import decode_json

BIND_KEY = "alembic_integration"
METADATA = metadata_registry.get(BIND_KEY)
TABLES = {"alembic_author", "alembic_book"}
BORN = datetime.datetime(1970, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc)
ALEMBIC = Path(sys.executable).with_name("alembic")


class AlembicAuthor(UUIDAuditBase):
    """UUID key, audit timestamps (``DateTimeUTC``) and every custom column type."""

    __tablename__ = "alembic_author"
    __bind_key__ = BIND_KEY

    name: Mapped[str] = mapped_column(String(50))
    born: Mapped[Optional[datetime.datetime]] = mapped_column(DateTimeUTC, nullable=True)
    profile: Mapped[Optional[dict[str, Any]]] = mapped_column(JsonB, nullable=True)
    token: Mapped[Optional[uuid.UUID]] = mapped_column(GUID(binary=False), nullable=True)
    active: Mapped[bool] = mapped_column(Bool, default=True)


class AlembicBook(BigIntAuditBase):
    """Big-integer identity key (``BigIntIdentity``) and a ``GUID`` foreign key."""

    __tablename__ = "alembic_book"
    __bind_key__ = BIND_KEY

    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("alembic_author.id"))


DUCKDB_BIND_KEY = "alembic_integration_duckdb"


class AlembicDuckNote(UUIDAuditBase):
    """DuckDB has no SERIAL, so its migration has UUID keys only."""

    __tablename__ = "alembic_duck_note"
    __bind_key__ = DUCKDB_BIND_KEY

    body: Mapped[str] = mapped_column(String(200))
    due: Mapped[Optional[datetime.datetime]] = mapped_column(DateTimeUTC, nullable=True)
    extra: Mapped[Optional[dict[str, Any]]] = mapped_column(JsonB, nullable=True)
    ref: Mapped[Optional[uuid.UUID]] = mapped_column(GUID(binary=False), nullable=True)
    done: Mapped[bool] = mapped_column(Bool, default=False)


# --- databases -------------------------------------------------------------------------------------------

PG = f"{os.environ.get('AA_PG_USER', 'postgres')}@{os.environ.get('AA_PG_HOST', '127.0.0.1')}:{os.environ.get('AA_PG_PORT', '5432')}"
MARIADB = f"{os.environ.get('AA_MARIADB_USER', 'root')}@{os.environ.get('AA_MARIADB_HOST', '127.0.0.1')}:{os.environ.get('AA_MARIADB_PORT', '3306')}"
REQUIRE_SERVERS = os.environ.get("AA_REQUIRE_SERVERS", "") not in {"", "0", "false", "False"}

SYNC = [
    pytest.param("sqlite", marks=pytest.mark.sqlite, id="sqlite"),
    pytest.param("postgres", marks=pytest.mark.postgres, id="postgres"),
    pytest.param("mariadb", marks=pytest.mark.mariadb, id="mariadb"),
]
ASYNC = [
    pytest.param("sqlite", marks=pytest.mark.sqlite, id="aiosqlite"),
    pytest.param("postgres", marks=pytest.mark.postgres, id="asyncpg"),
    pytest.param("mariadb", marks=pytest.mark.mariadb, id="asyncmy"),
]


def _admin(backend: str) -> Engine:
    if backend == "postgres":
        return create_engine(f"postgresql+psycopg://{PG}/postgres", isolation_level="AUTOCOMMIT", poolclass=NullPool)
    return create_engine(f"mysql+pymysql://{MARIADB}/", isolation_level="AUTOCOMMIT", poolclass=NullPool)


@pytest.fixture
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Optional[str]]]:
    """``(backend, database name)`` of an empty database made for this test (``None`` for file databases)."""
    backend: str = request.param
    if backend in {"sqlite", "duckdb"}:
        yield backend, None
        return
    name = f"aa_alembic_{uuid.uuid4().hex[:12]}"
    admin = _admin(backend)
    quoted = f'"{name}"' if backend == "postgres" else f"`{name}`"
    try:
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {quoted}"))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        message = f"{backend} server is not reachable: {exc}"
        if REQUIRE_SERVERS:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield backend, name
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}{' WITH (FORCE)' if backend == 'postgres' else ''}"))
    admin.dispose()


def _url(backend: str, database: Optional[str], is_async: bool, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite+{'aiosqlite' if is_async else 'pysqlite'}:///{tmp_path / 'db.sqlite'}"
    if backend == "duckdb":
        return f"duckdb:///{tmp_path / 'db.duckdb'}"
    if backend == "postgres":
        return f"postgresql+{'asyncpg' if is_async else 'psycopg'}://{PG}/{database}"
    return f"mysql+{'asyncmy' if is_async else 'pymysql'}://{MARIADB}/{database}?charset=utf8mb4"


def _config(url: str, is_async: bool, tmp_path: Path, bind_key: str = BIND_KEY, **alembic: Any) -> Any:
    settings: dict[str, Any] = {
        "script_config": str(tmp_path / "alembic.ini"),
        "script_location": str(tmp_path / "migrations"),
        **alembic,
    }
    if is_async:
        return SQLAlchemyAsyncConfig(
            connection_string=url,
            bind_key=bind_key,
            engine_config=EngineConfig(poolclass=NullPool),
            alembic_config=AlembicAsyncConfig(**settings),
        )
    return SQLAlchemySyncConfig(
        connection_string=url,
        bind_key=bind_key,
        engine_config=EngineConfig(poolclass=NullPool),
        alembic_config=AlembicSyncConfig(**settings),
    )


def _tables(url: str) -> set[str]:
    """Table names (lower case) through a sync driver, so async tests can look too."""
    sync_url = url.replace("+aiosqlite", "+pysqlite").replace("+asyncpg", "+psycopg").replace("+asyncmy", "+pymysql")
    engine = create_engine(sync_url, poolclass=NullPool)
    try:
        return {name.lower() for name in inspect(engine).get_table_names()}
    finally:
        engine.dispose()


def _migration_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "migrations" / "versions").glob("*.py"))


def _assert_renders_library_types(source: str) -> None:
    assert "import advanced_alchemy.types" in source
    for rendered in (
        "advanced_alchemy.types.GUID()",
        "advanced_alchemy.types.GUID(binary=False)",
        "advanced_alchemy.types.DateTimeUTC()",
        "advanced_alchemy.types.JsonB",
        "advanced_alchemy.types.Bool()",
        "advanced_alchemy.types.BigIntIdentity",
    ):
        assert rendered in source, rendered
    assert "sa.GUID" not in source


def _new_author(**values: Any) -> AlembicAuthor:
    return AlembicAuthor(name="Ursula", born=BORN, profile={"tags": ["sf", 1]}, token=uuid.UUID(int=7), **values)


# --- AlembicCommands: init -> autogenerate -> upgrade -> downgrade -> upgrade ------------------------------


@pytest.mark.parametrize("fresh_database", SYNC, indirect=True)
def test_sync_migration_cycle(fresh_database: tuple[str, Optional[str]], tmp_path: Path) -> None:
    backend, database = fresh_database
    url = _url(backend, database, False, tmp_path)
    config = _config(url, False, tmp_path, version_table_name="ddl_version")
    commands = AlembicCommands(config)
    assert isinstance(commands.config, AlembicCommandConfig)
    assert commands.config.bind_key == BIND_KEY

    commands.init(str(tmp_path / "migrations"))
    env_source = (tmp_path / "migrations" / "env.py").read_text()
    assert "from advanced_alchemy.alembic.environment import" in env_source
    assert "version_table_schema=settings.version_table_schema" in env_source
    assert "version_table = ddl_version" in (tmp_path / "alembic.ini").read_text()

    script = commands.revision(message="initial", autogenerate=True)
    assert script is not None
    (migration,) = _migration_files(tmp_path)
    _assert_renders_library_types(migration.read_text())

    commands.upgrade()
    assert _tables(url) >= {*TABLES, "ddl_version"}
    commands.check()  # the migrated schema matches the models

    session_maker = sessionmaker(bind=config.get_engine(), expire_on_commit=False)
    with session_maker() as session:
        author = _new_author()
        session.add(author)
        session.flush()
        # explicit key: Alembic does not autogenerate sequences, so on MariaDB the BigIntPrimaryKey sequence
        # ``alembic_book_id_seq`` (which the ORM would call nextval on) must be added to the migration by hand
        session.add(AlembicBook(id=1, title="The Dispossessed", author_id=author.id))
        session.commit()
    with session_maker() as session:
        loaded = session.execute(select(AlembicAuthor)).scalar_one()
        assert (loaded.born, loaded.profile, loaded.token, loaded.active) == (
            BORN,
            {"tags": ["sf", 1]},
            uuid.UUID(int=7),
            True,
        )
        assert session.execute(select(AlembicBook.author_id)).scalar_one() == loaded.id

    commands.downgrade("base")
    assert not _tables(url) & TABLES
    commands.upgrade("head")
    assert _tables(url) >= TABLES
    config.get_engine().dispose()


@pytest.mark.parametrize("fresh_database", ASYNC, indirect=True)
def test_async_migration_cycle(fresh_database: tuple[str, Optional[str]], tmp_path: Path) -> None:
    backend, database = fresh_database
    url = _url(backend, database, True, tmp_path)
    config = _config(url, True, tmp_path)
    commands = AlembicCommands(config)
    commands.init(str(tmp_path / "migrations"))
    assert "run_sync(do_run_migrations)" in (tmp_path / "migrations" / "env.py").read_text()

    commands.revision(message="initial", autogenerate=True)
    (migration,) = _migration_files(tmp_path)
    _assert_renders_library_types(migration.read_text())
    commands.upgrade()
    assert _tables(url) >= {*TABLES, "alembic_versions"}

    async def _round_trip() -> None:
        session_maker = async_sessionmaker(bind=config.get_engine(), expire_on_commit=False)
        async with session_maker() as session:
            session.add(_new_author())
            await session.commit()
        async with session_maker() as session:
            loaded = (await session.execute(select(AlembicAuthor))).scalar_one()
            assert (loaded.born, loaded.token) == (BORN, uuid.UUID(int=7))
        await config.get_engine().dispose()

    asyncio.run(_round_trip())
    commands.downgrade("base")
    assert not _tables(url) & TABLES
    commands.upgrade()
    assert _tables(url) >= TABLES


@pytest.mark.duckdb
def test_duckdb_runs_migrations(tmp_path: Path) -> None:
    """Upgrade/downgrade on DuckDB through AlembicDuckDBImpl.

    The migration is autogenerated on SQLite: duckdb-engine's reflection (which autogenerate needs) fails
    on DuckDB 2.x (``REGCLASS``), independently of this library.
    """
    sqlite_commands = AlembicCommands(_config(_url("sqlite", None, False, tmp_path), False, tmp_path, DUCKDB_BIND_KEY))
    sqlite_commands.init(str(tmp_path / "migrations"))
    sqlite_commands.revision(message="notes", autogenerate=True)
    (migration,) = _migration_files(tmp_path)
    assert "advanced_alchemy.types.GUID()" in migration.read_text()

    url = _url("duckdb", None, False, tmp_path)
    config = _config(url, False, tmp_path, DUCKDB_BIND_KEY)
    commands = AlembicCommands(config)
    with config.get_engine().connect() as conn:
        assert isinstance(MigrationContext.configure(conn).impl, AlembicDuckDBImpl)
    commands.upgrade()
    assert _tables(url) >= {"alembic_duck_note", "alembic_versions"}
    with sessionmaker(bind=config.get_engine())() as session:
        session.add(AlembicDuckNote(body="quack", due=BORN, extra={"a": [1]}, ref=uuid.UUID(int=3)))
        session.commit()
        note = session.execute(select(AlembicDuckNote)).scalar_one()
        assert (note.due, note.extra, note.ref, note.done) == (BORN, {"a": [1]}, uuid.UUID(int=3), False)
    commands.downgrade("base")
    assert "alembic_duck_note" not in _tables(url)
    commands.upgrade()
    assert "alembic_duck_note" in _tables(url)
    config.get_engine().dispose()


@pytest.mark.sqlite
async def test_async_commands_from_a_running_event_loop(tmp_path: Path) -> None:
    """Called inside an event loop (e.g. an app's startup), the asyncio env.py runs on a worker thread."""
    config = _config(_url("sqlite", None, True, tmp_path), True, tmp_path)
    commands = AlembicCommands(config)
    commands.init(str(tmp_path / "migrations"))
    commands.revision(message="initial", autogenerate=True)
    commands.upgrade()
    async with config.get_engine().connect() as conn:
        names = await conn.run_sync(lambda sync_conn: set(inspect(sync_conn).get_table_names()))
    assert names >= TABLES
    await config.get_engine().dispose()


@pytest.mark.parametrize("fresh_database", [SYNC[1]], indirect=True)
def test_version_table_schema_is_passed_through(fresh_database: tuple[str, Optional[str]], tmp_path: Path) -> None:
    backend, database = fresh_database
    url = _url(backend, database, False, tmp_path)
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA migration_meta"))
    config = _config(url, False, tmp_path, version_table_schema="migration_meta")
    commands = AlembicCommands(config)
    assert commands.config.version_table_schema == "migration_meta"
    commands.init(str(tmp_path / "migrations"))
    commands.revision(message="initial", autogenerate=True)
    commands.upgrade()
    inspector = inspect(engine)
    assert inspector.has_table("alembic_versions", schema="migration_meta")
    assert not inspector.has_table("alembic_versions")
    assert set(inspector.get_table_names()) >= TABLES
    engine.dispose()
    config.get_engine().dispose()


# --- other commands, errors ------------------------------------------------------------------------------


@pytest.mark.sqlite
def test_command_wrappers_and_errors(tmp_path: Path) -> None:
    config = _config(_url("sqlite", None, False, tmp_path), False, tmp_path)
    commands = AlembicCommands(config)
    output = io.StringIO()
    commands.config.stdout = output

    commands.list_templates()
    assert "sync - " in output.getvalue()
    assert "asyncio - " in output.getvalue()
    with pytest.raises(NotImplementedError):
        commands.init(str(tmp_path / "migrations"), multidb=True)
    commands.init(str(tmp_path / "migrations"), package=True)
    assert (tmp_path / "migrations" / "__init__.py").exists()
    with pytest.raises(CommandError, match="not empty"):
        commands.init(str(tmp_path / "migrations"))

    first = commands.revision(message="first", rev_id="aaa1")
    second = commands.revision(message="second", rev_id="bbb2", head="aaa1", splice=True)
    other = commands.revision(message="other", rev_id="ccc3", head="aaa1", splice=True)
    assert first is not None
    assert second is not None
    assert other is not None
    merged = commands.merge("heads", message="merge", rev_id="ddd4")
    assert merged is not None
    assert set(merged.down_revision or ()) == {"bbb2", "ccc3"}

    commands.ensure_version()
    commands.stamp("aaa1")
    output.truncate(0)
    commands.current()
    assert "aaa1" in output.getvalue()
    commands.upgrade("ddd4")
    output.truncate(0)
    commands.heads(verbose=True)
    commands.branches()
    commands.history(indicate_current=True)
    commands.show("ddd4")
    assert "ddd4" in output.getvalue()
    commands.upgrade(sql=False)
    commands.downgrade("aaa1")
    commands.stamp("head", purge=True)

    # a revision that doesn't exist: Alembic's own error, for the CLI to print
    with pytest.raises(CommandError, match="nonexistent"):
        commands.upgrade("nonexistent")
    with pytest.raises(CommandError, match="nonexistent"):
        commands.show("nonexistent")
    config.get_engine().dispose()


@pytest.mark.sqlite
def test_offline_sql_uses_the_config_url(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    config = _config(_url("sqlite", None, False, tmp_path), False, tmp_path)
    commands = AlembicCommands(config)
    commands.init(str(tmp_path / "migrations"))
    commands.revision(message="initial", autogenerate=True)
    capfd.readouterr()
    commands.upgrade(sql=True)
    out = capfd.readouterr().out
    assert "CREATE TABLE alembic_author" in out
    assert "CREATE TABLE alembic_versions" in out
    assert "alembic_author" not in _tables(config.connection_string)


# --- plain `alembic` with the generated alembic.ini (no AlembicCommandConfig) ------------------------------

PLAIN_MODELS = """
import datetime
import uuid
from typing import Any, Optional

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from advanced_alchemy.base import UUIDAuditBase, metadata_registry
from advanced_alchemy.types import GUID, Bool, DateTimeUTC, JsonB


class PlainNote(UUIDAuditBase):
    __tablename__ = "plain_note"
    __bind_key__ = "plain"

    body: Mapped[str] = mapped_column(String(200))
    due: Mapped[Optional[datetime.datetime]] = mapped_column(DateTimeUTC, nullable=True)
    extra: Mapped[Optional[dict[str, Any]]] = mapped_column(JsonB, nullable=True)
    ref: Mapped[Optional[uuid.UUID]] = mapped_column(GUID(binary=False), nullable=True)
    done: Mapped[bool] = mapped_column(Bool, default=False)


metadata = metadata_registry.get("plain")
"""


def _alembic(tmp_path: Path, *args: str, env: Optional[dict[str, str]] = None) -> str:
    result = subprocess.run(
        [str(ALEMBIC), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("is_async", "target_metadata", "url_in_ini"),
    [
        pytest.param(False, "plain_models", True, id="sync-module-url-in-ini"),
        pytest.param(True, "plain_models:metadata", False, id="asyncio-attribute-DATABASE_URL"),
    ],
)
def test_plain_alembic_uses_the_generated_ini(
    tmp_path: Path, is_async: bool, target_metadata: str, url_in_ini: bool
) -> None:
    """`alembic revision --autogenerate` then `alembic upgrade head` from the shell, as the seeds' step 5."""
    url = _url("sqlite", None, is_async, tmp_path)
    # the environment is created once by advanced_alchemy (`alchemy init`), then used by plain alembic
    commands = AlembicCommands(_config(url, is_async, tmp_path))
    commands.init(str(tmp_path / "migrations"))
    (tmp_path / "plain_models.py").write_text(PLAIN_MODELS)
    ini = tmp_path / "alembic.ini"
    lines = ini.read_text().replace(f"bind_key = {BIND_KEY}", "bind_key = plain")
    lines = lines.replace("target_metadata =\n", f"target_metadata = {target_metadata}\n")
    if url_in_ini:
        lines = lines.replace("sqlalchemy.url =\n", f"sqlalchemy.url = {url}\n")
    ini.write_text(lines)
    env = {} if url_in_ini else {"DATABASE_URL": url}

    output = _alembic(tmp_path, "revision", "--autogenerate", "-m", "add notes", env=env)
    assert "Detected added table 'plain_note'" in output
    (migration,) = _migration_files(tmp_path)
    assert migration.name.endswith("_add_notes_" + migration.name.rsplit("_", 1)[-1])  # ini file_template
    source = migration.read_text()
    assert "advanced_alchemy.types.GUID(binary=False)" in source
    assert "advanced_alchemy.types.DateTimeUTC()" in source
    assert "advanced_alchemy.types.JsonB" in source

    _alembic(tmp_path, "upgrade", "head", env=env)
    assert _tables(url) >= {"plain_note", "alembic_versions"}
    assert "(head)" in _alembic(tmp_path, "current", env=env)
    _alembic(tmp_path, "downgrade", "base", env=env)
    assert "plain_note" not in _tables(url)


@pytest.mark.sqlite
def test_plain_alembic_without_url_explains(tmp_path: Path) -> None:
    commands = AlembicCommands(_config(_url("sqlite", None, False, tmp_path), False, tmp_path))
    commands.init(str(tmp_path / "migrations"))
    result = subprocess.run(
        [str(ALEMBIC), "upgrade", "head"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={key: value for key, value in os.environ.items() if key != "DATABASE_URL"},
        check=False,
    )
    assert result.returncode != 0
    assert "No database URL" in result.stdout + result.stderr


# --- drop_all / dump_tables ------------------------------------------------------------------------------


@pytest.mark.parametrize("fresh_database", SYNC, indirect=True)
def test_drop_all_removes_tables_and_version_table(fresh_database: tuple[str, Optional[str]], tmp_path: Path) -> None:
    backend, database = fresh_database
    url = _url(backend, database, False, tmp_path)
    config = _config(url, False, tmp_path)
    commands = AlembicCommands(config)
    commands.init(str(tmp_path / "migrations"))
    commands.revision(message="initial", autogenerate=True)
    commands.upgrade()
    assert _tables(url) >= {*TABLES, "alembic_versions"}
    asyncio.run(drop_all(config.get_engine(), "alembic_versions", METADATA))
    assert not _tables(url) & {*TABLES, "alembic_versions"}
    asyncio.run(drop_all(config.get_engine(), "alembic_versions", METADATA))  # nothing left: no error
    config.get_engine().dispose()


@pytest.mark.sqlite
async def test_drop_all_with_async_engine(tmp_path: Path) -> None:
    config = _config(_url("sqlite", None, True, tmp_path), True, tmp_path)
    engine: AsyncEngine = config.get_engine()
    async with engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
        await conn.execute(text("CREATE TABLE alembic_versions (version_num VARCHAR(32) PRIMARY KEY)"))
        await conn.execute(text("CREATE TABLE unrelated (id INTEGER PRIMARY KEY)"))
    await drop_all(engine, "alembic_versions", METADATA)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync_conn: set(inspect(sync_conn).get_table_names()))
    assert names == {"unrelated"}
    await engine.dispose()


def _check_dump(dump_dir: Path, author_id: uuid.UUID) -> None:
    assert sorted(path.name for path in dump_dir.iterdir()) == ["alembic_author.json", "alembic_book.json"]
    (author,) = decode_json((dump_dir / "alembic_author.json").read_text())
    assert author["id"] == str(author_id)
    assert author["name"] == "Ursula"
    assert author["profile"] == {"tags": ["sf", 1]}
    assert datetime.datetime.fromisoformat(author["born"]) == BORN
    assert {"created_at", "updated_at", "token", "active"} <= author.keys()
    books = decode_json((dump_dir / "alembic_book.json").read_text())
    assert [(book["id"], book["title"], book["author_id"]) for book in books] == [
        (1, "A", str(author_id)),
        (2, "B", str(author_id)),
    ]


@pytest.mark.sqlite
def test_dump_tables_with_a_sync_session(tmp_path: Path) -> None:
    engine = create_engine(_url("sqlite", None, False, tmp_path), poolclass=NullPool)
    METADATA.create_all(engine)
    session_maker = sessionmaker(bind=engine, expire_on_commit=False)
    with session_maker() as session:
        author = _new_author()
        session.add(author)
        session.flush()
        session.add(AlembicBook(title="A", author_id=author.id))
        session.flush()
        session.add(AlembicBook(title="B", author_id=author.id))
        session.commit()
    dump_dir = tmp_path / "fixtures" / "nested"
    asyncio.run(dump_tables(dump_dir, session_maker(), [AlembicAuthor, AlembicBook]))
    _check_dump(dump_dir, author.id)
    engine.dispose()


@pytest.mark.parametrize("fresh_database", [ASYNC[0], ASYNC[1]], indirect=True)
async def test_dump_tables_with_an_async_session(fresh_database: tuple[str, Optional[str]], tmp_path: Path) -> None:
    backend, database = fresh_database
    config = _config(_url(backend, database, True, tmp_path), True, tmp_path)
    engine: AsyncEngine = config.get_engine()
    async with engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    session_maker = async_sessionmaker(bind=engine, expire_on_commit=False)
    async with session_maker() as session:
        author = _new_author()
        session.add(author)
        await session.flush()
        session.add(AlembicBook(title="A", author_id=author.id))
        await session.flush()
        session.add(AlembicBook(title="B", author_id=author.id))
        await session.commit()
    await dump_tables(tmp_path / "dump", config.get_session(), [AlembicAuthor, AlembicBook])  # a context manager
    _check_dump(tmp_path / "dump", author.id)
    await engine.dispose()


# --- rendering of library types (no database) --------------------------------------------------------------


class SecretiveType(TypeDecorator[str]):
    """Stands in for a library type with a secret constructor argument (as an encrypted string has)."""

    impl = String
    cache_ok = True

    def __init__(self, key: str = "", backend: str = "default", length: int = 10) -> None:
        self.key = key
        self.backend = backend
        super().__init__(length=length)


SecretiveType.__module__ = "advanced_alchemy.types.secretive"


def test_render_item_writes_importable_library_types() -> None:
    context = SimpleNamespace(imports=set())
    assert render_item("type", GUID(), context) == "advanced_alchemy.types.GUID()"  # type: ignore[arg-type]
    assert render_item("type", JsonB, context) == "advanced_alchemy.types.JsonB"  # type: ignore[arg-type]
    rendered = render_item("type", SecretiveType(key="s3cret", backend="vault", length=20), context)  # type: ignore[arg-type]
    assert rendered == "advanced_alchemy.types.secretive.SecretiveType(backend='vault', length=20)"
    assert context.imports == {"import advanced_alchemy.types", "import advanced_alchemy.types.secretive"}
    assert render_item("type", String(5), context) is False  # type: ignore[arg-type]
    assert render_item("server_default", GUID(), context) is False  # type: ignore[arg-type]
