"""The ``alchemy`` command line, run for real: click's ``CliRunner`` in-process and the console script in a
subprocess, against SQLite, PostgreSQL and MariaDB (sync and async drivers).

Each test writes a config module (its own declarative base, metadata and bind key) into a temporary
directory put on ``sys.path``; server tests get a database of their own, so autogenerate only ever sees
the test's tables.
"""

from __future__ import annotations

import datetime
import decimal
import importlib
import itertools
import json
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import click
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from advanced_alchemy.cli import CONFIGS_META_KEY, add_migration_commands, get_alchemy_group

PG_HOST = os.environ.get("AA_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("AA_PG_PORT", "5432"))
PG_USER = os.environ.get("AA_PG_USER", "postgres")
MARIADB_HOST = os.environ.get("AA_MARIADB_HOST", "127.0.0.1")
MARIADB_PORT = int(os.environ.get("AA_MARIADB_PORT", "3306"))
MARIADB_USER = os.environ.get("AA_MARIADB_USER", "root")
REQUIRE_SERVERS = os.environ.get("AA_REQUIRE_SERVERS", "") not in {"", "0", "false", "False"}
RUN_ID = uuid.uuid4().hex[:8]
_COUNTER = itertools.count()

BACKENDS = [
    pytest.param(("sqlite", False), marks=pytest.mark.sqlite, id="sqlite"),
    pytest.param(("sqlite", True), marks=pytest.mark.sqlite, id="aiosqlite"),
    pytest.param(("postgres", False), marks=pytest.mark.postgres, id="postgres"),
    pytest.param(("postgres", True), marks=pytest.mark.postgres, id="asyncpg"),
    pytest.param(("mariadb", False), marks=pytest.mark.mariadb, id="mariadb"),
    pytest.param(("mariadb", True), marks=pytest.mark.mariadb, id="asyncmy"),
]
SYNC_BACKENDS = [p for p in BACKENDS if p.id in {"sqlite", "postgres", "mariadb"}]

MODELS = """
import datetime
import decimal
import uuid
from typing import Optional

from sqlalchemy import ForeignKey, MetaData, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import NullPool

from advanced_alchemy.config import (
    AlembicAsyncConfig,
    AlembicSyncConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemySyncConfig,
)
from advanced_alchemy.types import GUID, DateTimeUTC


class Base(DeclarativeBase):
    metadata = MetaData()


class Author(Base):
    __tablename__ = "cli_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    born: Mapped[Optional[datetime.date]]


class Book(Base):
    __tablename__ = "cli_book"
    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid.uuid4)
    author_id: Mapped[int] = mapped_column(ForeignKey("cli_author.id"))
    title: Mapped[str] = mapped_column(String(200))
    price: Mapped[decimal.Decimal] = mapped_column(Numeric(10, 2))
    published_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    in_print: Mapped[bool]


def make_config(url, bind_key, directory):
    is_async = any(driver in url for driver in ("aiosqlite", "asyncpg", "asyncmy"))
    config_class = SQLAlchemyAsyncConfig if is_async else SQLAlchemySyncConfig
    alembic_class = AlembicAsyncConfig if is_async else AlembicSyncConfig
    return config_class(
        connection_string=url,
        metadata=Base.metadata,
        bind_key=bind_key,
        engine_config=EngineConfig(poolclass=NullPool),
        alembic_config=alembic_class(
            script_location=f"{directory}/migrations",
            script_config=f"{directory}/alembic.ini",
            version_table_name="cli_versions",
        ),
    )
"""


def _unavailable(name: str, exc: BaseException) -> None:
    message = f"{name} server is not reachable: {exc}"
    if REQUIRE_SERVERS:
        pytest.fail(message + " (AA_REQUIRE_SERVERS is set: a missing server is a failure)", pytrace=False)
    pytest.skip(message)


def _server_admin_url(backend: str) -> str:
    if backend == "postgres":
        return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"
    return f"mysql+pymysql://{MARIADB_USER}@{MARIADB_HOST}:{MARIADB_PORT}/"


@contextmanager
def _database(backend: str) -> Iterator[Optional[str]]:
    """A database of its own on a server backend (``None`` for SQLite, whose file lives in the test's directory)."""
    if backend == "sqlite":
        yield None
        return
    name = f"aa_cli_{RUN_ID}_{next(_COUNTER)}"
    admin = create_engine(_server_admin_url(backend), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    create = f'CREATE DATABASE "{name}"' if backend == "postgres" else f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"
    try:
        with admin.connect() as conn:
            conn.execute(text(create))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        _unavailable("PostgreSQL" if backend == "postgres" else "MariaDB", exc)
    try:
        yield name
    finally:
        drop = (
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
            if backend == "postgres"
            else f"DROP DATABASE IF EXISTS `{name}`"
        )
        with admin.connect() as conn:
            conn.execute(text(drop))
        admin.dispose()


def _urls(backend: str, is_async: bool, database: Optional[str], directory: Path) -> tuple[str, str]:
    """(URL of the config, URL of a sync engine on the same database for the test's own checks)."""
    if backend == "sqlite":
        path = directory / "cli.sqlite"
        return f"sqlite+{'aiosqlite' if is_async else 'pysqlite'}:///{path}", f"sqlite:///{path}"
    if backend == "postgres":
        base = f"{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
        return f"postgresql+{'asyncpg' if is_async else 'psycopg'}://{base}", f"postgresql+psycopg://{base}"
    base = f"{MARIADB_USER}@{MARIADB_HOST}:{MARIADB_PORT}/{database}?charset=utf8mb4"
    return f"mysql+{'asyncmy' if is_async else 'pymysql'}://{base}", f"mysql+pymysql://{base}"


@dataclass
class Project:
    """A directory with a config module ``<module>.py`` (``config``) and its migrations."""

    directory: Path
    module: str
    url: str
    sync_url: str
    backend: str
    is_async: bool

    @property
    def config_path(self) -> str:
        return f"{self.module}:config"

    @property
    def versions(self) -> list[Path]:
        versions = self.directory / "migrations" / "versions"
        return sorted(path for path in versions.glob("*.py") if path.name != "__init__.py")

    def tables(self) -> set[str]:
        engine = create_engine(self.sync_url, poolclass=NullPool)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    def execute(self, statement: str, params: Any = None) -> list[Any]:
        engine = create_engine(self.sync_url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params or {})
                return list(result) if result.returns_rows else []
        finally:
            engine.dispose()

    def models(self) -> Any:
        return importlib.import_module(self.module)

    def invoke(
        self, *args: str, input: Optional[str] = None, exit_code: int = 0, config: Optional[str] = None
    ) -> Result:
        """Run ``alchemy --config <module>:config ARGS`` in-process and check the exit code (never a traceback)."""
        result = CliRunner().invoke(
            add_migration_commands(),
            ["--config", config if config is not None else self.config_path, *args],
            input=input,
            terminal_width=200,
        )
        assert "Traceback" not in result.output, result.output
        if result.exit_code != exit_code:
            raise AssertionError(
                f"exit code {result.exit_code} != {exit_code} for {args}\n{result.output}\n{result.exception!r}"
            )
        if exit_code == 0:
            assert result.exception is None, result.exception
        return result

    def run(self, *args: str, input: Optional[str] = None) -> subprocess.CompletedProcess[str]:
        """Run the ``alchemy`` console script (``python -m advanced_alchemy`` without it) in a subprocess."""
        script = Path(sys.executable).parent / "alchemy"
        command = [str(script)] if script.exists() else [sys.executable, "-m", "advanced_alchemy"]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(self.directory), os.environ.get("PYTHONPATH", "")])}
        env["COLUMNS"] = "200"
        return subprocess.run(
            [*command, "--config", self.config_path, *args],
            cwd=self.directory,
            env=env,
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


def _write_module(directory: Path, module: str, body: str) -> None:
    (directory / f"{module}.py").write_text(body, encoding="utf-8")


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on ``sys.path`` for config modules; the modules imported from it are forgotten afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path)  # relative paths (alembic.ini, ./fixtures) land in the test's directory
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules[name], "__file__", None) or ""
        if module_file.startswith(str(tmp_path)):
            del sys.modules[name]


def _new_project(config_dir: Path, backend: str, is_async: bool, database: Optional[str]) -> Project:
    module = f"cli_project_{uuid.uuid4().hex[:10]}"
    url, sync_url = _urls(backend, is_async, database, config_dir)
    body = MODELS + f"\n\nconfig = make_config({url!r}, {module!r}, {str(config_dir)!r})\n"
    _write_module(config_dir, module, body)
    return Project(config_dir, module, url, sync_url, backend, is_async)


@pytest.fixture(params=BACKENDS)
def project(request: pytest.FixtureRequest, config_dir: Path) -> Iterator[Project]:
    backend, is_async = request.param
    with _database(backend) as database:
        yield _new_project(config_dir, backend, is_async, database)


@pytest.fixture(params=SYNC_BACKENDS)
def sync_project(request: pytest.FixtureRequest, config_dir: Path) -> Iterator[Project]:
    backend, is_async = request.param
    with _database(backend) as database:
        yield _new_project(config_dir, backend, is_async, database)


@pytest.fixture
def sqlite_project(config_dir: Path) -> Project:
    return _new_project(config_dir, "sqlite", False, None)


def _create_tables(project: Project) -> None:
    engine = create_engine(project.sync_url, poolclass=NullPool)
    try:
        project.models().Base.metadata.create_all(engine)
    finally:
        engine.dispose()


def _one_line_error(output: str) -> str:
    """The error text of a failed command, panel borders (rich-click) stripped and wrapping undone."""
    lines = [line.strip(" │╭╮╰╯─") for line in output.splitlines()]
    return " ".join(line for line in lines if line and not line.startswith(("Error", "Usage", "Try ")))


# --- structure ---------------------------------------------------------------------------------------------

EXPECTED_COMMANDS: dict[str, dict[str, tuple[str, ...]]] = {
    "branches": {"bind_key": ("--bind-key",), "verbose": ("--verbose",)},
    "check": {"bind_key": ("--bind-key",)},
    "downgrade": {
        "bind_key": ("--bind-key",),
        "sql": ("--sql",),
        "tag": ("--tag",),
        "no_prompt": ("--no-prompt",),
        "revision": (),
    },
    "drop-all": {"bind_key": ("--bind-key",), "no_prompt": ("--no-prompt",)},
    "dump-data": {"bind_key": ("--bind-key",), "table_names": ("--table",), "dump_dir": ("--dir",)},
    "edit": {"revision": (), "bind_key": ("--bind-key",)},
    "ensure-version": {"bind_key": ("--bind-key",), "sql": ("--sql",)},
    "heads": {
        "bind_key": ("--bind-key",),
        "verbose": ("--verbose",),
        "resolve_dependencies": ("--resolve-dependencies",),
    },
    "history": {
        "bind_key": ("--bind-key",),
        "verbose": ("--verbose",),
        "rev_range": ("--rev-range",),
        "indicate_current": ("--indicate-current",),
    },
    "init": {
        "bind_key": ("--bind-key",),
        "directory": (),
        "multidb": ("--multidb",),
        "package": ("--package",),
        "no_prompt": ("--no-prompt",),
    },
    "list-templates": {"bind_key": ("--bind-key",)},
    "make-migrations": {
        "bind_key": ("--bind-key",),
        "message": ("-m", "--message"),
        "autogenerate": ("--autogenerate",),
        "sql": ("--sql",),
        "head": ("--head",),
        "splice": ("--splice",),
        "branch_label": ("--branch-label",),
        "version_path": ("--version-path",),
        "rev_id": ("--rev-id",),
        "no_prompt": ("--no-prompt",),
    },
    "merge": {
        "revisions": (),
        "bind_key": ("--bind-key",),
        "message": ("-m", "--message"),
        "branch_label": ("--branch-label",),
        "rev_id": ("--rev-id",),
        "no_prompt": ("--no-prompt",),
    },
    "show": {"revision": (), "bind_key": ("--bind-key",)},
    "show-current-revision": {"bind_key": ("--bind-key",), "verbose": ("--verbose",)},
    "stamp": {
        "revision": (),
        "bind_key": ("--bind-key",),
        "sql": ("--sql",),
        "tag": ("--tag",),
        "purge": ("--purge",),
    },
    "upgrade": {
        "bind_key": ("--bind-key",),
        "sql": ("--sql",),
        "tag": ("--tag",),
        "no_prompt": ("--no-prompt",),
        "revision": (),
    },
}


@pytest.mark.sqlite
def test_alchemy_group_has_the_spec_commands_and_options() -> None:
    group = add_migration_commands()
    assert group.name == "alchemy"
    config_option = next(p for p in group.params if p.name == "config")
    assert config_option.required
    assert config_option.opts == ["--config"]
    for name, params in EXPECTED_COMMANDS.items():
        command = group.commands[name]
        found = {p.name: tuple(p.opts) if isinstance(p, click.Option) else () for p in command.params}
        assert found == params, name
    make_migrations = group.commands["make-migrations"]
    autogenerate = next(p for p in make_migrations.params if p.name == "autogenerate")
    assert isinstance(autogenerate, click.Option)
    assert autogenerate.secondary_opts == ["--no-autogenerate"]
    assert autogenerate.default is True
    downgrade = next(p for p in group.commands["downgrade"].params if p.name == "revision")
    upgrade = next(p for p in group.commands["upgrade"].params if p.name == "revision")
    assert (downgrade.default, upgrade.default) == ("-1", "head")
    dump_dir = next(p for p in group.commands["dump-data"].params if p.name == "dump_dir")
    assert dump_dir.default == Path.cwd() / "fixtures"
    # additions: alembic-style aliases and fixture loading
    assert {"revision", "current", "load-data"} <= set(group.commands)
    assert group.commands["revision"].params == make_migrations.params


@pytest.mark.sqlite
def test_get_alchemy_group_is_a_new_group_without_commands() -> None:
    first, second = get_alchemy_group(), get_alchemy_group()
    assert first is not second
    assert first.name == "alchemy"
    assert isinstance(first, click.Group)
    assert not first.commands


@pytest.mark.sqlite
def test_commands_attach_to_a_framework_group_reading_configs_from_the_context(sqlite_project: Project) -> None:
    config = sqlite_project.models().config

    @click.group()
    @click.pass_context
    def database(ctx: click.Context) -> None:
        ctx.meta[CONFIGS_META_KEY] = lambda: [config]

    group = add_migration_commands(database)
    assert group is database
    _create_tables(sqlite_project)
    result = CliRunner().invoke(group, ["drop-all", "--no-prompt"])
    assert result.exit_code == 0, result.output
    assert sqlite_project.tables() == set()

    @click.group()
    def bare() -> None:
        pass

    result = CliRunner().invoke(add_migration_commands(bare), ["drop-all", "--no-prompt"])
    assert result.exit_code == 1
    assert "No SQLAlchemy config found" in result.output

    result = CliRunner().invoke(add_migration_commands(bare), ["drop-all", "--no-prompt"], obj={"configs": config})
    assert result.exit_code == 0, result.output


# --- migrations --------------------------------------------------------------------------------------------


def test_migration_round_trip(project: Project) -> None:
    project.invoke("init", "--no-prompt")
    assert (project.directory / "migrations" / "env.py").is_file()
    assert (project.directory / "migrations" / "__init__.py").is_file()  # --package is on by default

    project.invoke("revision", "--autogenerate", "-m", "create tables")
    assert len(project.versions) == 1
    assert "create_table" in project.versions[0].read_text(encoding="utf-8")

    project.invoke("upgrade", "--no-prompt")
    assert {"cli_author", "cli_book", "cli_versions"} <= project.tables()

    # nothing changed: no file written, a notice instead
    result = project.invoke("make-migrations", "--no-prompt")
    assert "No changes detected" in result.output
    assert len(project.versions) == 1
    project.invoke("check")

    project.invoke("downgrade", "--no-prompt")
    assert project.tables() & {"cli_author", "cli_book"} == set()
    project.invoke("upgrade", "--no-prompt")
    assert {"cli_author", "cli_book"} <= project.tables()
    revision = project.execute("SELECT version_num FROM cli_versions")
    assert [row[0] for row in revision] == [project.versions[0].stem.rsplit("_", 1)[-1]]

    for args in (("history", "--verbose", "--indicate-current"), ("heads", "--verbose"), ("branches",), ("current",)):
        project.invoke(*args)


@pytest.mark.sqlite
def test_upgrade_and_downgrade_ask_for_confirmation(sqlite_project: Project) -> None:
    project = sqlite_project
    project.invoke("init", "--no-prompt")
    project.invoke("make-migrations", "-m", "initial", "--no-prompt")

    result = project.invoke("upgrade", input="n\n", exit_code=1)
    assert "Are you sure you want to migrate the database to the 'head' revision?" in result.output
    assert "Aborted" in result.output
    assert "cli_author" not in project.tables()
    project.invoke("upgrade", input="y\n")
    assert "cli_author" in project.tables()

    result = project.invoke("downgrade", "base", input="n\n", exit_code=1)
    assert "downgrade the database to the 'base' revision" in result.output
    assert "cli_author" in project.tables()
    project.invoke("downgrade", "base", input="y\n")
    assert "cli_author" not in project.tables()


@pytest.mark.sqlite
def test_init_asks_for_confirmation_and_uses_the_given_directory(sqlite_project: Project) -> None:
    project = sqlite_project
    target = project.directory / "elsewhere"
    result = project.invoke("init", str(target), input="n\n", exit_code=1)
    assert "initialize" in result.output
    assert not target.exists()
    project.invoke("init", str(target), input="y\n")
    assert (target / "env.py").is_file()
    result = project.invoke("init", str(target), "--no-prompt", exit_code=1)
    assert "not empty" in _one_line_error(result.output)
    result = project.invoke("init", str(project.directory / "multi"), "--multidb", "--no-prompt", exit_code=1)
    assert "not supported" in _one_line_error(result.output)


@pytest.mark.sqlite
def test_make_migrations_prompts_for_a_message(sqlite_project: Project) -> None:
    project = sqlite_project
    project.invoke("init", "--no-prompt")
    result = project.invoke("make-migrations", "--no-autogenerate", input="hand written\n")
    assert "Please enter a message" in result.output
    assert [path.name.split("_", 1)[1] for path in project.versions] == [
        f"hand_written_{project.versions[0].stem.rsplit('_', 1)[-1]}.py"
    ]
    assert "create_table" not in project.versions[0].read_text(encoding="utf-8")


@pytest.mark.sqlite
def test_revision_commands(sqlite_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project = sqlite_project
    project.invoke("init", "--no-prompt")
    project.invoke("make-migrations", "-m", "first", "--rev-id", "aaa1", "--no-prompt")
    project.invoke("make-migrations", "-m", "second", "--rev-id", "bbb2", "--no-autogenerate", "--no-prompt")
    # a branch off base: two heads, merged again
    project.invoke(
        "make-migrations",
        "-m",
        "branch",
        "--rev-id",
        "ccc3",
        "--head",
        "base",
        "--splice",
        "--branch-label",
        "side",
        "--no-autogenerate",
        "--no-prompt",
    )
    project.invoke("merge", "heads", "--rev-id", "ddd4", "--no-prompt")
    merge_file = next(path for path in project.versions if "ddd4" in path.name)
    assert "merge revisions" in merge_file.read_text(encoding="utf-8")
    project.invoke("heads", "--resolve-dependencies")
    project.invoke("show", "aaa1")
    project.invoke("history", "--rev-range", "base:aaa1")
    project.invoke("list-templates")

    project.invoke("ensure-version")
    assert "cli_versions" in project.tables()
    project.invoke("stamp", "aaa1")
    assert project.execute("SELECT version_num FROM cli_versions") == [("aaa1",)]
    project.invoke("stamp", "heads", "--purge")
    assert project.execute("SELECT version_num FROM cli_versions") == [("ddd4",)]
    project.invoke("upgrade", "--sql", "--no-prompt", "base:aaa1")  # offline: prints the SQL
    project.invoke("stamp", "--sql", "aaa1")
    project.invoke("downgrade", "--sql", "--no-prompt", "aaa1:base")

    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.delenv("VISUAL", raising=False)
    project.invoke("edit", "aaa1")


def test_console_script_round_trip(sync_project: Project) -> None:
    project = sync_project
    for args in (
        ("init", "--no-prompt"),
        ("revision", "--autogenerate", "-m", "create tables"),
        ("upgrade", "--no-prompt"),
    ):
        completed = project.run(*args)
        assert completed.returncode == 0, completed.stdout + completed.stderr
    revision = project.versions[0].stem.rsplit("_", 1)[-1]
    completed = project.run("show-current-revision")
    assert completed.returncode == 0, completed.stderr
    assert f"{revision} (head)" in completed.stdout
    completed = project.run("history")
    assert f"<base> -> {revision} (head), create tables" in completed.stdout
    completed = project.run("downgrade", "base", "--no-prompt")
    assert completed.returncode == 0, completed.stderr
    assert project.tables() & {"cli_author", "cli_book"} == set()
    # no stdin: the confirmation cannot be given, nothing happens
    completed = project.run("upgrade")
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert project.tables() & {"cli_author", "cli_book"} == set()


# --- data --------------------------------------------------------------------------------------------------


def _seed(project: Project, authors: int = 1200, books: int = 40) -> None:
    models = project.models()
    base = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    engine = create_engine(project.sync_url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(
                models.Author.__table__.insert(),
                [
                    {
                        "id": i,
                        "name": f"Author {i} ✓",
                        "born": datetime.date(1900, 1, 1) + datetime.timedelta(days=i) if i % 3 else None,
                    }
                    for i in range(1, authors + 1)
                ],
            )
            conn.execute(
                models.Book.__table__.insert(),
                [
                    {
                        "id": uuid.UUID(int=i),
                        "author_id": i % authors + 1,
                        "title": f'Book "{i}"',
                        "price": decimal.Decimal(f"{i}.{i % 100:02d}"),
                        "published_at": base + datetime.timedelta(days=i, seconds=i),
                        "in_print": bool(i % 2),
                    }
                    for i in range(1, books + 1)
                ],
            )
    finally:
        engine.dispose()


def _rows(project: Project) -> dict[str, list[tuple[Any, ...]]]:
    models = project.models()
    engine = create_engine(project.sync_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {
                table.name: [tuple(row) for row in conn.execute(table.select().order_by(*table.primary_key.columns))]
                for table in (models.Author.__table__, models.Book.__table__)
            }
    finally:
        engine.dispose()


def test_dump_data_and_load_it_back(project: Project) -> None:
    _create_tables(project)
    _seed(project)
    before = _rows(project)
    dump_dir = project.directory / "dump"

    result = project.invoke("dump-data", "--table", "cli_author", "--table", "cli_book", "--dir", str(dump_dir))
    assert "Dumped 2 table(s)" in result.output
    authors = json.loads((dump_dir / "cli_author.json").read_text(encoding="utf-8"))
    assert len(authors) == 1200
    assert authors[0]["name"] == "Author 1 ✓"
    assert len(json.loads((dump_dir / "cli_book.json").read_text(encoding="utf-8"))) == 40

    project.execute("DELETE FROM cli_book")
    project.execute("DELETE FROM cli_author")
    result = project.invoke("load-data", "--table", "*", "--dir", str(dump_dir))
    assert "Loaded 1200 row(s) into 'cli_author'" in result.output
    assert "Loaded 40 row(s) into 'cli_book'" in result.output
    assert _rows(project) == before

    # the ids were inserted explicitly: new rows still get fresh ones
    models = project.models()
    engine = create_engine(project.sync_url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            new_id = conn.execute(models.Author.__table__.insert().values(name="new")).inserted_primary_key[0]
    finally:
        engine.dispose()
    assert new_id == 1201


@pytest.mark.sqlite
def test_dump_all_tables_asks_first(sqlite_project: Project) -> None:
    project = sqlite_project
    _create_tables(project)
    _seed(project, authors=5, books=3)
    dump_dir = project.directory / "all"
    result = project.invoke("dump-data", "--table", "*", "--dir", str(dump_dir), input="n\n", exit_code=1)
    assert "dump all tables" in result.output
    assert not dump_dir.exists()
    project.invoke("dump-data", "--table", "*", "--dir", str(dump_dir), input="y\n")
    assert sorted(path.name for path in dump_dir.iterdir()) == ["cli_author.json", "cli_book.json"]


@pytest.mark.sqlite
def test_load_data_reads_csv_and_compressed_fixtures(sqlite_project: Project) -> None:
    project = sqlite_project
    _create_tables(project)
    fixtures = project.directory / "fixtures"
    fixtures.mkdir()
    (fixtures / "cli_author.csv").write_text("id,name,born\n1,Ada,1815-12-10\n2,Alan,\n", encoding="utf-8")
    import gzip

    book = {
        "id": str(uuid.UUID(int=7)),
        "author_id": 1,
        "title": "Notes",
        "price": "12.50",
        "published_at": "1843-09-01T00:00:00Z",
        "in_print": False,
    }
    (fixtures / "cli_book.json.gz").write_bytes(gzip.compress(json.dumps([book]).encode()))
    project.invoke("load-data", "--table", "cli_author", "--table", "cli_book", "--dir", str(fixtures))
    rows = _rows(project)
    assert rows["cli_author"] == [(1, "Ada", datetime.date(1815, 12, 10)), (2, "Alan", None)]
    assert rows["cli_book"][0][:4] == (uuid.UUID(int=7), 1, "Notes", decimal.Decimal("12.50"))
    assert rows["cli_book"][0][4] == datetime.datetime(1843, 9, 1, tzinfo=datetime.timezone.utc)


def test_drop_all_asks_then_drops(sync_project: Project) -> None:
    project = sync_project
    _create_tables(project)
    project.execute("CREATE TABLE cli_versions (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    result = project.invoke("drop-all", input="n\n", exit_code=1)
    assert "Are you sure you want to drop all tables from the database?" in result.output
    assert {"cli_author", "cli_book", "cli_versions"} <= project.tables()
    result = project.invoke("drop-all", input="y\n")
    assert "Dropped all tables" in result.output
    assert project.tables() & {"cli_author", "cli_book", "cli_versions"} == set()
    _create_tables(project)
    project.invoke("drop-all", "--no-prompt")
    assert project.tables() & {"cli_author", "cli_book"} == set()


@pytest.mark.sqlite
def test_several_configs_and_bind_keys(config_dir: Path) -> None:
    body = MODELS + textwrap.dedent(
        f"""
        from sqlalchemy import MetaData as _MetaData, Integer as _Integer, Table as _Table, Column as _Column

        other_metadata = _MetaData()
        _Table("cli_other", other_metadata, _Column("id", _Integer, primary_key=True))
        first = make_config("sqlite:///{config_dir}/first.sqlite", "cli_multi_first", {str(config_dir / "a")!r})
        second = SQLAlchemySyncConfig(
            connection_string="sqlite:///{config_dir}/second.sqlite",
            metadata=other_metadata,
            bind_key="cli_multi_second",
            alembic_config=AlembicSyncConfig(script_location={str(config_dir / "b" / "migrations")!r}),  # relative alembic.ini
        )
        configs = [first, second]
        pair = (first, second)
        """
    )
    _write_module(config_dir, "cli_multi_configs", body)
    modules = sys.modules
    project = Project(config_dir, "cli_multi_configs", "", f"sqlite:///{config_dir}/first.sqlite", "sqlite", False)
    project.invoke("init", "--no-prompt", config="cli_multi_configs.configs")  # the first config by default
    assert (config_dir / "a" / "migrations" / "env.py").is_file()
    project.invoke("init", "--no-prompt", "--bind-key", "cli_multi_second", config="cli_multi_configs.pair")
    assert (config_dir / "b" / "migrations" / "env.py").is_file()
    assert (config_dir / "alembic.ini").is_file()  # the default script_config, relative to the working directory

    first_engine = create_engine(f"sqlite:///{config_dir}/first.sqlite")
    second_engine = create_engine(f"sqlite:///{config_dir}/second.sqlite")
    modules["cli_multi_configs"].Base.metadata.create_all(first_engine)
    modules["cli_multi_configs"].other_metadata.create_all(second_engine)
    project.invoke("drop-all", "--no-prompt", "--bind-key", "cli_multi_second", config="cli_multi_configs:configs")
    assert inspect(second_engine).get_table_names() == []
    assert "cli_author" in inspect(first_engine).get_table_names()
    modules["cli_multi_configs"].other_metadata.create_all(second_engine)
    project.invoke("drop-all", "--no-prompt", config="cli_multi_configs:configs")  # every config
    assert inspect(first_engine).get_table_names() == inspect(second_engine).get_table_names() == []
    first_engine.dispose()
    second_engine.dispose()

    result = project.invoke(
        "drop-all", "--no-prompt", "--bind-key", "nope", config="cli_multi_configs:configs", exit_code=1
    )
    assert "No config with bind key 'nope' (available: 'cli_multi_first', 'cli_multi_second')" in _one_line_error(
        result.output
    )


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("", "--config is empty"),
        ("not a path!", "is not a valid import path"),
        ("a..b", "is not a valid import path"),
        ("cli_missing_module_xyz:config", "No module named 'cli_missing_module_xyz'"),
        ("{module}:missing", "has no attribute 'missing'"),
        ("{module}.missing", "has no attribute 'missing'"),
        ("{module}:Base", "is a DeclarativeAttributeIntercept, not an SQLAlchemyAsyncConfig"),
        ("{module}", "is a module, not an SQLAlchemyAsyncConfig"),
        ("{broken}:config", "ZeroDivisionError"),
        ("{broken}_list:config", "contains a int"),
    ],
)
@pytest.mark.sqlite
def test_bad_config_paths_give_a_one_line_error(sqlite_project: Project, config: str, message: str) -> None:
    broken = f"{sqlite_project.module}_broken"
    _write_module(sqlite_project.directory, broken, "config = 1 / 0\n")
    _write_module(sqlite_project.directory, f"{broken}_list", "config = [1, 2]\n")
    result = sqlite_project.invoke(
        "show-current-revision", config=config.format(module=sqlite_project.module, broken=broken), exit_code=1
    )
    assert message in _one_line_error(result.output)


@pytest.mark.sqlite
def test_missing_config_option_is_a_usage_error(sqlite_project: Project) -> None:
    result = CliRunner().invoke(add_migration_commands(), ["upgrade"])
    assert result.exit_code == 2
    assert "Missing option '--config'" in result.output


@pytest.mark.sqlite
def test_bad_input_errors(sqlite_project: Project) -> None:
    project = sqlite_project
    project.invoke("init", "--no-prompt")
    project.invoke("make-migrations", "-m", "first", "--no-prompt")

    result = project.invoke("upgrade", "doesnotexist", "--no-prompt", exit_code=1)
    assert "Can't locate revision identified by 'doesnotexist'" in _one_line_error(result.output)
    result = project.invoke("show", "doesnotexist", exit_code=1)
    assert "doesnotexist" in _one_line_error(result.output)
    result = project.invoke("upgrade", "--bind-key", "nope", "--no-prompt", exit_code=1)
    assert "No config with bind key 'nope'" in _one_line_error(result.output)

    # the database is behind the migrations: no new revision is generated
    result = project.invoke("make-migrations", "-m", "second", "--no-prompt", exit_code=1)
    assert "Target database is not up to date" in _one_line_error(result.output)
    result = project.invoke("check", exit_code=1)
    assert "Target database is not up to date" in _one_line_error(result.output)

    result = project.invoke("dump-data", "--table", "nope", "--dir", str(project.directory / "d"), exit_code=1)
    assert "No mapped model for table(s): nope (mapped tables: cli_author, cli_book)" in _one_line_error(result.output)
    result = project.invoke("load-data", "--table", "*", "--dir", str(project.directory / "missing"), exit_code=1)
    assert "does not exist" in _one_line_error(result.output)
    fixtures = project.directory / "bad_fixtures"
    fixtures.mkdir()
    result = project.invoke("load-data", "--table", "cli_author", "--dir", str(fixtures), exit_code=1)
    assert "Could not find the 'cli_author' fixture" in _one_line_error(result.output)
    (fixtures / "cli_author.json").write_text("[{not json", encoding="utf-8")
    result = project.invoke("load-data", "--table", "cli_author", "--dir", str(fixtures), exit_code=1)
    assert "Could not read fixture file" in _one_line_error(result.output)
    (fixtures / "cli_author.json").write_text('{"rows": 1}', encoding="utf-8")
    result = project.invoke("load-data", "--table", "cli_author", "--dir", str(fixtures), exit_code=1)
    (fixtures / "cli_author.json").write_text('[{"id": 1, "name": "x", "born": "not a date"}]', encoding="utf-8")
    result = project.invoke("load-data", "--table", "cli_author", "--dir", str(fixtures), exit_code=1)
    assert "row 1: bad value for 'born'" in _one_line_error(result.output)
    result = project.invoke("load-data", "--table", "nope", "--dir", str(fixtures), exit_code=1)
    assert "Unknown table(s): nope" in _one_line_error(result.output)

    # the tables do not exist yet: a database error, on one line
    (fixtures / "cli_author.json").write_text('[{"id": 1, "name": "x"}]', encoding="utf-8")
    result = project.invoke("load-data", "--table", "cli_author", "--dir", str(fixtures), exit_code=1)
    assert "Database error (OperationalError): no such table: cli_author" in _one_line_error(result.output)


@pytest.mark.sqlite
def test_console_script_errors_are_one_line(sqlite_project: Project) -> None:
    project = sqlite_project
    missing = Project(project.directory, "cli_missing_module_xyz", "", project.sync_url, "sqlite", False)
    completed = project.run("upgrade", "--no-prompt")
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "Please use the 'init' command" in _one_line_error(completed.stderr)
    assert project.run("init", "--no-prompt").returncode == 0
    for runner, args, message in (
        (missing, ("upgrade", "--no-prompt"), "No module named 'cli_missing_module_xyz'"),
        (project, ("upgrade", "nope", "--no-prompt"), "Can't locate revision"),
        (project, ("heads", "--bind-key", "other"), "No config with bind key 'other'"),
    ):
        completed = runner.run(*args)
        assert completed.returncode == 1, completed.stdout + completed.stderr
        assert "Traceback" not in completed.stderr
        assert message in _one_line_error(completed.stderr)


_WITHOUT = """
import sys
for name in {blocked!r}:
    sys.modules[name] = None  # importing it raises ImportError
sys.argv = ["alchemy", *sys.argv[1:]]
from advanced_alchemy.__main__ import run_cli
run_cli()
"""


def _run_without(project: Project, blocked: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project.directory), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT.format(blocked=blocked), "--config", project.config_path, *args],
        cwd=project.directory,
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.sqlite
def test_plain_click_without_rich(sqlite_project: Project) -> None:
    project = sqlite_project
    blocked = ["rich_click", "rich"]
    _create_tables(project)
    _seed(project, authors=30, books=5)
    before = _rows(project)
    dump_dir = project.directory / "plain"
    completed = _run_without(
        project, blocked, "dump-data", "--table", "cli_author", "--table", "cli_book", "--dir", str(dump_dir)
    )
    assert completed.returncode == 0, completed.stderr
    project.execute("DELETE FROM cli_book")
    project.execute("DELETE FROM cli_author")
    completed = _run_without(project, blocked, "load-data", "--table", "*", "--dir", str(dump_dir))
    assert completed.returncode == 0, completed.stderr
    assert "Loading rows" in completed.stderr  # click's progress bar
    assert _rows(project) == before

    completed = _run_without(project, blocked, "heads", "--bind-key", "nope")
    assert completed.returncode == 1
    assert completed.stderr.splitlines() == [f"Error: No config with bind key 'nope' (available: {project.module!r})"]


@pytest.mark.sqlite
def test_without_click_the_cli_reports_the_missing_extra(sqlite_project: Project) -> None:
    completed = _run_without(sqlite_project, ["rich_click", "click"], "heads")
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert "Package 'click' is not installed" in completed.stderr
    assert "advanced_alchemy[cli]" in completed.stderr
