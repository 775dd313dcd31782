"""The ``alchemy`` command line: Alembic migrations and data utilities for SQLAlchemy configs.

``get_alchemy_group()`` builds the root ``alchemy`` group (``--config module.path:config``) and
``add_migration_commands(group)`` attaches the database commands to it, or to any other click group
(framework integrations reuse them for ``litestar database`` / ``flask database``).

Commands find their configs in the click context: ``ctx.meta[CONFIGS_META_KEY]`` or ``ctx.obj["configs"]``
(set by the root group from ``--config``), each either a config, a sequence of configs, or a zero-argument
callable returning one of those. ``--bind-key`` picks one of several configs (default: the first).

rich-click is used when installed (the ``cli`` extra), else plain click.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import datetime
import decimal
import enum
import functools
import json
import sys
import uuid
from collections.abc import Coroutine, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, TypeVar, Union, cast

from advanced_alchemy.utils.cli_tools import click

if TYPE_CHECKING:
    from alembic.operations.ops import MigrationScript
    from alembic.runtime.migration import MigrationContext
    from click import Command, Context, Group
    from sqlalchemy import Column, Engine, MetaData, Table
    from sqlalchemy.ext.asyncio import AsyncEngine
    from sqlalchemy.orm import DeclarativeBase

    from advanced_alchemy.alembic.commands import AlembicCommands
    from advanced_alchemy.config import SQLAlchemyAsyncConfig, SQLAlchemySyncConfig

__all__ = (
    "add_migration_commands",
    "get_alchemy_group",
)

CONFIGS_META_KEY = "advanced_alchemy.configs"
"""``ctx.meta`` key under which a framework group may store its configs (or a callable returning them)."""

_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])
_ConfigT = Union["SQLAlchemyAsyncConfig", "SQLAlchemySyncConfig"]

_BIND_KEY_HELP = "Bind key of the config to use (default: the first config)."
_NO_PROMPT_HELP = "Do not ask for confirmation or a message."
_LOAD_CHUNK_SIZE = 500


# --- errors ------------------------------------------------------------------------------------------------


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _error_message(exc: BaseException) -> str:
    """One line describing ``exc`` (no traceback)."""
    from alembic.util.exc import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from advanced_alchemy.exceptions import AdvancedAlchemyError

    if isinstance(exc, SQLAlchemyError):
        orig = getattr(exc, "orig", None)
        detail = _first_line(str(orig)) if orig is not None else _first_line(str(exc))
        return f"Database error ({type(orig or exc).__name__}): {detail}"
    message = _first_line(str(exc))
    if isinstance(exc, (CommandError, AdvancedAlchemyError, OSError)) and message:
        return message
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _handle_errors(function: _F) -> _F:
    """Turn any error a command raises into a one-line ``click.ClickException`` (exit code 1)."""

    from click.exceptions import Abort, Exit

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except (click.ClickException, Abort, Exit):
            raise
        except Exception as exc:
            raise click.ClickException(_error_message(exc)) from exc

    return cast("_F", wrapper)


# --- configs -----------------------------------------------------------------------------------------------


def _config_classes() -> tuple[type[Any], ...]:
    from advanced_alchemy.config import SQLAlchemyAsyncConfig, SQLAlchemySyncConfig

    return (SQLAlchemyAsyncConfig, SQLAlchemySyncConfig)


def _normalize_configs(value: Any, source: str) -> list[_ConfigT]:
    classes = _config_classes()
    if isinstance(value, classes):
        return [cast("_ConfigT", value)]
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items: list[Any] = list(value)
        if not items:
            msg = f"{source} is an empty sequence; expected at least one SQLAlchemy config"
            raise click.ClickException(msg)
        for item in items:
            if not isinstance(item, classes):
                msg = f"{source} contains a {type(item).__name__}, not an SQLAlchemyAsyncConfig or SQLAlchemySyncConfig"
                raise click.ClickException(msg)
        return cast("list[_ConfigT]", items)
    msg = (
        f"{source} is a {type(value).__name__}, not an SQLAlchemyAsyncConfig, SQLAlchemySyncConfig or a "
        "list/tuple of them"
    )
    raise click.ClickException(msg)


def _load_configs(config_path: str) -> list[_ConfigT]:
    """Import ``config_path`` (``module.attr`` or ``module:attr``) with the working directory importable."""
    from advanced_alchemy.utils.module_loader import import_string

    config_path = config_path.strip()
    if not config_path:
        msg = "--config is empty; expected a path such as 'app.db:config' or 'app.db.config'"
        raise click.ClickException(msg)
    cwd = str(Path.cwd())
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        value = import_string(config_path)
    except ImportError as exc:
        msg = f"Could not load --config {config_path!r}: {_first_line(str(exc)) or type(exc).__name__}"
        raise click.ClickException(msg) from exc
    except Exception as exc:  # an error while importing the user's module
        msg = f"Could not load --config {config_path!r}: {_error_message(exc)}"
        raise click.ClickException(msg) from exc
    return _normalize_configs(value, f"--config {config_path!r}")


def _get_configs(ctx: Context) -> list[_ConfigT]:
    source: Any = ctx.meta.get(CONFIGS_META_KEY)
    if source is None:
        obj = ctx.find_object(dict)
        if obj is not None:
            source = obj.get("configs")
    if source is None:
        msg = "No SQLAlchemy config found: pass --config 'module.path:config' to the alchemy command"
        raise click.ClickException(msg)
    if callable(source) and not isinstance(source, _config_classes()):
        source = source()
    return _normalize_configs(source, "The configured value")


def _bind_key_label(bind_key: Optional[str]) -> str:
    return "default" if bind_key is None else bind_key


def _select_config(ctx: Context, bind_key: Optional[str]) -> _ConfigT:
    configs = _get_configs(ctx)
    if bind_key is None:
        return configs[0]
    for config in configs:
        if config.bind_key == bind_key or (config.bind_key is None and bind_key == "default"):
            return config
    available = ", ".join(repr(_bind_key_label(config.bind_key)) for config in configs)
    msg = f"No config with bind key {bind_key!r} (available: {available})"
    raise click.ClickException(msg)


def _alembic_commands(ctx: Context, bind_key: Optional[str]) -> AlembicCommands:
    from advanced_alchemy.alembic.commands import AlembicCommands

    return AlembicCommands(sqlalchemy_config=_select_config(ctx, bind_key))


# --- helpers -----------------------------------------------------------------------------------------------


def _run(function: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
    """Run a coroutine function to completion, also when an event loop is already running in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(function())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, function()).result()


async def _dispose(engine: Union[Engine, AsyncEngine]) -> None:
    from sqlalchemy.ext.asyncio import AsyncEngine

    if isinstance(engine, AsyncEngine):
        await engine.dispose()
    else:
        engine.dispose()


def _confirm(message: str, no_prompt: bool) -> None:
    if not no_prompt:
        click.confirm(message, abort=True)


@contextmanager
def _progress(total: int, description: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (rich when installed, else click's); yields ``advance(n)``."""
    try:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    except ImportError:  # pragma: no cover - rich comes with rich-click
        from click import progressbar

        with progressbar(length=total, label=description, file=sys.stderr) as bar:
            yield bar.update
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(description, total=total)
        yield functools.partial(progress.advance, task)


def _mapped_models(metadata: MetaData) -> dict[str, type[DeclarativeBase]]:
    """Table name → mapped class, for every mapped class whose table belongs to ``metadata``."""
    from sqlalchemy import Table
    from sqlalchemy.orm import DeclarativeBase, DeclarativeBaseNoMeta, Mapper, mapperlib

    registries: list[Any] = list(getattr(mapperlib, "_mapper_registries", {}))
    pending: list[type[Any]] = [DeclarativeBase, DeclarativeBaseNoMeta]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        registry = cls.__dict__.get("registry")
        if registry is not None and not any(registry is known for known in registries):
            registries.append(registry)
    models: dict[str, type[DeclarativeBase]] = {}
    for registry in registries:
        for mapper in cast("frozenset[Mapper[Any]]", registry.mappers):
            table = mapper.local_table
            if not isinstance(table, Table) or table.metadata is not metadata or table.key not in metadata.tables:
                continue
            current = models.get(table.key)
            # the base of a single-table hierarchy dumps every row of the table
            if current is None or mapper.isa(current.__mapper__):
                models[table.key] = cast("type[DeclarativeBase]", mapper.class_)
    return models


def _config_metadata(config: _ConfigT) -> MetaData:
    if config.metadata is None:  # pragma: no cover - configs always resolve a metadata
        msg = f"The config with bind key {_bind_key_label(config.bind_key)!r} has no metadata"
        raise click.ClickException(msg)
    return config.metadata


def _drop_config_tables(
    config: _ConfigT, drop_all_tables: Callable[[Any, str, MetaData], Coroutine[Any, Any, None]]
) -> None:
    engine = config.get_engine()
    metadata = _config_metadata(config)
    version_table = config.alembic_config.version_table_name

    async def drop() -> None:
        try:
            await drop_all_tables(engine, version_table, metadata)
        finally:
            await _dispose(engine)

    _run(drop)


# --- fixture loading ---------------------------------------------------------------------------------------


def _parse_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "t", "yes", "y", "on"}:
        return True
    if lowered in {"0", "false", "f", "no", "n", "off"}:
        return False
    msg = f"not a boolean: {value!r}"
    raise ValueError(msg)


def _parse_datetime(value: str) -> datetime.datetime:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = f"{text[:-1]}+00:00"
    return datetime.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)


def _converter(column: Column[Any]) -> Callable[[Any], Any]:
    """Turn a JSON/CSV value back into the Python value ``column`` binds (JSON loses dates, UUIDs, ...)."""
    try:
        python_type: Any = column.type.python_type
    except (NotImplementedError, AttributeError, TypeError):
        python_type = None

    def convert(value: Any) -> Any:
        if value is None or python_type is None or isinstance(value, python_type):
            return value
        if isinstance(value, str) and value == "" and python_type is not str:
            return None
        if python_type is bool:
            return _parse_bool(value) if isinstance(value, str) else bool(value)
        if python_type is datetime.datetime and isinstance(value, str):
            return _parse_datetime(value)
        if python_type is datetime.date and isinstance(value, str):
            return _parse_datetime(value).date() if "T" in value or " " in value else datetime.date.fromisoformat(value)
        if python_type is datetime.time and isinstance(value, str):
            return datetime.time.fromisoformat(value)
        if python_type is datetime.timedelta:
            return datetime.timedelta(seconds=float(value))
        if python_type is decimal.Decimal:
            return decimal.Decimal(str(value))
        if python_type is uuid.UUID:
            return uuid.UUID(str(value))
        if python_type is bytes and isinstance(value, str):
            return value.encode("utf-8")
        if python_type in {int, float, str}:
            return python_type(value)
        if python_type in {dict, list} and isinstance(value, str):
            return json.loads(value)
        if isinstance(python_type, type) and issubclass(python_type, enum.Enum):
            try:
                return python_type(value)
            except ValueError:
                return python_type[value]
        return value

    return convert


def _column_lookup(table: Table, model: Optional[type[DeclarativeBase]]) -> dict[str, Column[Any]]:
    """Fixture field → column: column keys, column names and (for a mapped table) attribute names."""
    from sqlalchemy import Column
    from sqlalchemy.orm import ColumnProperty

    lookup: dict[str, Column[Any]] = {}
    for column in table.columns:
        lookup.setdefault(column.name, column)
        lookup[column.key] = column
    if model is not None:
        for prop in model.__mapper__.column_attrs:
            if isinstance(prop, ColumnProperty) and len(prop.columns) == 1:
                prop_column = prop.columns[0]
                if isinstance(prop_column, Column) and prop_column.table is table:
                    lookup.setdefault(prop.key, prop_column)
    return lookup


def _prepare_rows(
    table: Table, rows: Any, fixture_name: str, model: Optional[type[DeclarativeBase]]
) -> tuple[list[dict[str, Any]], set[str]]:
    if isinstance(rows, Mapping):
        rows = [rows]
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        msg = f"Fixture {fixture_name!r} must hold a list of objects (one per row)"
        raise click.ClickException(msg)
    lookup = _column_lookup(table, model)
    converters: dict[str, Callable[[Any], Any]] = {}
    unknown: set[str] = set()
    prepared: list[dict[str, Any]] = []
    for index, row in enumerate(cast("list[Mapping[str, Any]]", rows)):
        values: dict[str, Any] = {}
        for field, value in row.items():
            column = lookup.get(field)
            if column is None:
                unknown.add(field)
                continue
            convert = converters.get(column.key)
            if convert is None:
                convert = converters[column.key] = _converter(column)
            try:
                values[column.key] = convert(value)
            except (ValueError, TypeError, KeyError, decimal.InvalidOperation) as exc:
                msg = f"Fixture {fixture_name!r}, row {index + 1}: bad value for {field!r}: {value!r} ({exc})"
                raise click.ClickException(msg) from exc
        prepared.append(values)
    return prepared, unknown


def _same_key_batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Consecutive runs of rows with the same keys, at most ``_LOAD_CHUNK_SIZE`` long (one executemany each)."""
    batch: list[dict[str, Any]] = []
    for row in rows:
        if batch and (len(batch) >= _LOAD_CHUNK_SIZE or row.keys() != batch[0].keys()):
            yield batch
            batch = []
        batch.append(row)
    if batch:
        yield batch


def _reset_postgres_sequence(connection: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """Move the serial/identity sequence of ``table`` past ids that were inserted explicitly."""
    from sqlalchemy import text

    column = table.autoincrement_column
    if column is None or not any(column.key in row for row in rows):
        return
    preparer = connection.dialect.identifier_preparer
    qualified = preparer.format_table(table)
    sequence = connection.execute(
        text("SELECT pg_get_serial_sequence(:table_name, :column_name)"),
        {"table_name": qualified, "column_name": column.name},
    ).scalar()
    if sequence is not None:
        connection.execute(
            text(
                f"SELECT setval(CAST(:sequence AS regclass), (SELECT MAX({preparer.quote(column.name)}) FROM {qualified}))"
            ),
            {"sequence": sequence},
        )


def _insert_all(
    connection: Any, plan: list[tuple[Table, list[dict[str, Any]]]], advance: Callable[[int], None]
) -> None:
    """Insert every table's rows (parents first) on a sync connection; runs inside one transaction."""
    from sqlalchemy import insert

    for table, rows in plan:
        for batch in _same_key_batches(rows):
            connection.execute(insert(table), batch)
            advance(len(batch))
        if connection.dialect.name == "postgresql":
            _reset_postgres_sequence(connection, table, rows)


def _load_fixtures(config: _ConfigT, table_names: Sequence[str], fixtures_dir: Path) -> list[tuple[str, int]]:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from advanced_alchemy.utils.fixtures import open_fixture

    metadata = _config_metadata(config)
    models = _mapped_models(metadata)
    load_all = "*" in table_names
    unknown_tables = sorted({name for name in table_names if name != "*" and name not in metadata.tables})
    if unknown_tables:
        available = ", ".join(sorted(metadata.tables)) or "none"
        msg = f"Unknown table(s): {', '.join(unknown_tables)} (tables of this config: {available})"
        raise click.ClickException(msg)
    plan: list[tuple[Table, list[dict[str, Any]]]] = []
    for table in metadata.sorted_tables:
        if not load_all and table.key not in table_names:
            continue
        try:
            data = open_fixture(fixtures_dir, table.name)
        except FileNotFoundError:
            if load_all:
                continue
            raise
        rows, unknown = _prepare_rows(table, data, table.name, models.get(table.key))
        if unknown:
            click.secho(
                f"Warning: fixture {table.name!r} has fields with no column, skipped: {', '.join(sorted(unknown))}",
                fg="yellow",
                err=True,
            )
        plan.append((table, rows))
    if not plan:
        msg = f"No fixture files for the tables of this config were found in {str(fixtures_dir)!r}"
        raise click.ClickException(msg)
    total = sum(len(rows) for _, rows in plan)
    engine = config.get_engine()

    with _progress(total, "Loading rows") as advance:
        if isinstance(engine, AsyncEngine):
            async_engine = engine

            async def load() -> None:
                try:
                    async with async_engine.begin() as connection:
                        await connection.run_sync(_insert_all, plan, advance)
                finally:
                    await async_engine.dispose()

            _run(load)
        else:
            try:
                with engine.begin() as connection:
                    _insert_all(connection, plan, advance)
            finally:
                engine.dispose()
    return [(table.name, len(rows)) for table, rows in plan]


# --- the commands ------------------------------------------------------------------------------------------


def get_alchemy_group() -> Group:
    """A new root ``alchemy`` click group whose ``--config`` option names the SQLAlchemy config(s) to use."""

    @click.group(name="alchemy")
    @click.option(
        "--config",
        required=True,
        type=str,
        help="Dotted path to an SQLAlchemy config or a list/tuple of configs ('app.db.config' or 'app.db:config').",
    )
    @click.pass_context
    def alchemy_group(ctx: Context, config: str) -> None:
        """Advanced Alchemy: database migrations and data utilities."""
        ctx.ensure_object(dict)["configs"] = functools.cache(functools.partial(_load_configs, config))

    return alchemy_group


def _add_alias(group: Group, command: Command, alias: str) -> None:
    """Register a copy of ``command`` under ``alias`` (so help and usage show the alias' own name)."""
    aliased = copy.copy(command)
    aliased.name = alias
    aliased.help = f"Alias of '{command.name}': {command.help or ''}".rstrip(": ")
    aliased.short_help = None
    group.add_command(aliased, name=alias)


def _bind_key_option(function: _F) -> _F:
    return click.option("--bind-key", type=str, default=None, help=_BIND_KEY_HELP)(function)


def add_migration_commands(database_group: Optional[Group] = None) -> Group:
    """Attach the migration and data commands to ``database_group`` (a new ``alchemy`` group when ``None``).

    Returns:
        The group the commands were added to.
    """
    group = database_group if database_group is not None else get_alchemy_group()

    @group.command(name="show-current-revision", help="Show the current revision of the database.")
    @_bind_key_option
    @click.option("--verbose", is_flag=True, default=False, help="Show more details.")
    @click.pass_context
    @_handle_errors
    def show_database_revision(ctx: Context, bind_key: Optional[str], verbose: bool) -> None:
        _alembic_commands(ctx, bind_key).current(verbose=verbose)

    _add_alias(group, show_database_revision, "current")

    @group.command(name="downgrade", help="Downgrade the database to a previous revision (default: one step back).")
    @_bind_key_option
    @click.option("--sql", is_flag=True, default=False, help="Print the SQL instead of running it (offline mode).")
    @click.option("--tag", type=str, default=None, help="Arbitrary 'tag' name passed to custom env.py scripts.")
    @click.option("--no-prompt", is_flag=True, default=False, help=_NO_PROMPT_HELP)
    @click.argument("revision", type=str, default="-1")
    @click.pass_context
    @_handle_errors
    def downgrade_database(
        ctx: Context, bind_key: Optional[str], sql: bool, tag: Optional[str], no_prompt: bool, revision: str
    ) -> None:
        commands = _alembic_commands(ctx, bind_key)
        _confirm(f"Are you sure you want to downgrade the database to the {revision!r} revision?", no_prompt)
        commands.downgrade(revision=revision, sql=sql, tag=tag)

    @group.command(name="upgrade", help="Upgrade the database to a later revision (default: head).")
    @_bind_key_option
    @click.option("--sql", is_flag=True, default=False, help="Print the SQL instead of running it (offline mode).")
    @click.option("--tag", type=str, default=None, help="Arbitrary 'tag' name passed to custom env.py scripts.")
    @click.option("--no-prompt", is_flag=True, default=False, help=_NO_PROMPT_HELP)
    @click.argument("revision", type=str, default="head")
    @click.pass_context
    @_handle_errors
    def upgrade_database(
        ctx: Context, bind_key: Optional[str], sql: bool, tag: Optional[str], no_prompt: bool, revision: str
    ) -> None:
        commands = _alembic_commands(ctx, bind_key)
        _confirm(f"Are you sure you want to migrate the database to the {revision!r} revision?", no_prompt)
        commands.upgrade(revision=revision, sql=sql, tag=tag)

    @group.command(name="stamp", help="Set the revision in the version table without running migrations.")
    @click.argument("revision", type=str)
    @_bind_key_option
    @click.option("--sql", is_flag=True, default=False, help="Print the SQL instead of running it (offline mode).")
    @click.option("--tag", type=str, default=None, help="Arbitrary 'tag' name passed to custom env.py scripts.")
    @click.option("--purge", is_flag=True, default=False, help="Delete all entries in the version table first.")
    @click.pass_context
    @_handle_errors
    def stamp(ctx: Context, revision: str, bind_key: Optional[str], sql: bool, tag: Optional[str], purge: bool) -> None:
        _alembic_commands(ctx, bind_key).stamp(revision=revision, sql=sql, tag=tag, purge=purge)

    @group.command(name="check", help="Fail if the models have changes that no migration covers yet.")
    @_bind_key_option
    @click.pass_context
    @_handle_errors
    def check(ctx: Context, bind_key: Optional[str]) -> None:
        _alembic_commands(ctx, bind_key).check()

    @group.command(name="edit", help="Open a revision file in $EDITOR.")
    @click.argument("revision", type=str)
    @_bind_key_option
    @click.pass_context
    @_handle_errors
    def edit(ctx: Context, revision: str, bind_key: Optional[str]) -> None:
        _alembic_commands(ctx, bind_key).edit(revision=revision)

    @group.command(name="ensure-version", help="Create the version table if it does not exist.")
    @_bind_key_option
    @click.option("--sql", is_flag=True, default=False, help="Print the SQL instead of running it (offline mode).")
    @click.pass_context
    @_handle_errors
    def ensure_version(ctx: Context, bind_key: Optional[str], sql: bool) -> None:
        _alembic_commands(ctx, bind_key).ensure_version(sql=sql)

    @group.command(name="heads", help="Show the current head revisions.")
    @_bind_key_option
    @click.option("--verbose", is_flag=True, default=False, help="Show more details.")
    @click.option("--resolve-dependencies", is_flag=True, default=False, help="Treat dependencies as down revisions.")
    @click.pass_context
    @_handle_errors
    def heads(ctx: Context, bind_key: Optional[str], verbose: bool, resolve_dependencies: bool) -> None:
        _alembic_commands(ctx, bind_key).heads(verbose=verbose, resolve_dependencies=resolve_dependencies)

    @group.command(name="history", help="List the revisions in chronological order.")
    @_bind_key_option
    @click.option("--verbose", is_flag=True, default=False, help="Show more details.")
    @click.option("--rev-range", type=str, default=None, help="Revision range to show, as '[start]:[end]'.")
    @click.option("--indicate-current", is_flag=True, default=False, help="Mark the current revision.")
    @click.pass_context
    @_handle_errors
    def history(
        ctx: Context, bind_key: Optional[str], verbose: bool, rev_range: Optional[str], indicate_current: bool
    ) -> None:
        _alembic_commands(ctx, bind_key).history(
            rev_range=rev_range, verbose=verbose, indicate_current=indicate_current
        )

    @group.command(name="merge", help="Merge two or more revisions into one.")
    @click.argument("revisions", type=str)
    @_bind_key_option
    @click.option("-m", "--message", type=str, default=None, help="Message of the merge revision.")
    @click.option("--branch-label", type=str, default=None, help="Branch label to apply to the new revision.")
    @click.option("--rev-id", type=str, default=None, help="Revision id to use instead of a generated one.")
    @click.option("--no-prompt", is_flag=True, default=False, help=_NO_PROMPT_HELP)
    @click.pass_context
    @_handle_errors
    def merge(
        ctx: Context,
        revisions: str,
        bind_key: Optional[str],
        message: Optional[str],
        branch_label: Optional[str],
        rev_id: Optional[str],
        no_prompt: bool,
    ) -> None:
        commands = _alembic_commands(ctx, bind_key)
        if message is None:
            message = "merge revisions" if no_prompt else click.prompt("Please enter a message describing this merge")
        commands.merge(revisions=revisions, message=message, branch_label=branch_label, rev_id=rev_id)

    @group.command(name="show", help="Show the details of a revision.")
    @click.argument("revision", type=str)
    @_bind_key_option
    @click.pass_context
    @_handle_errors
    def show(ctx: Context, revision: str, bind_key: Optional[str]) -> None:
        _alembic_commands(ctx, bind_key).show(rev=revision)

    @group.command(name="branches", help="Show the branch points.")
    @_bind_key_option
    @click.option("--verbose", is_flag=True, default=False, help="Show more details.")
    @click.pass_context
    @_handle_errors
    def branches(ctx: Context, bind_key: Optional[str], verbose: bool) -> None:
        _alembic_commands(ctx, bind_key).branches(verbose=verbose)

    @group.command(name="list-templates", help="List the available migration environment templates.")
    @_bind_key_option
    @click.pass_context
    @_handle_errors
    def list_templates(ctx: Context, bind_key: Optional[str]) -> None:
        _alembic_commands(ctx, bind_key).list_templates()

    @group.command(name="init", help="Create a migrations environment (default directory: the script location).")
    @_bind_key_option
    @click.argument("directory", type=str, required=False, default=None)
    @click.option("--multidb", is_flag=True, default=False, help="Create a multi-database environment.")
    @click.option("--package", is_flag=True, default=True, help="Create __init__.py files in the directories.")
    @click.option("--no-prompt", is_flag=True, default=False, help=_NO_PROMPT_HELP)
    @click.pass_context
    @_handle_errors
    def init_alembic(
        ctx: Context, bind_key: Optional[str], directory: Optional[str], multidb: bool, package: bool, no_prompt: bool
    ) -> None:
        config = _select_config(ctx, bind_key)
        target = directory if directory is not None else config.alembic_config.script_location
        commands = _alembic_commands(ctx, bind_key)
        _confirm(f"Are you sure you want to initialize a migrations environment in {target!r}?", no_prompt)
        commands.init(directory=target, package=package, multidb=multidb)

    @group.command(name="make-migrations", help="Create a new migration revision (autogenerated from the models).")
    @_bind_key_option
    @click.option("-m", "--message", type=str, default=None, help="Message describing the revision.")
    @click.option(
        "--autogenerate/--no-autogenerate",
        default=True,
        help="Compare the models with the database and write the operations found.",
    )
    @click.option("--sql", is_flag=True, default=False, help="Print the SQL instead of running it (offline mode).")
    @click.option("--head", type=str, default="head", help="Head revision to base the new revision on.")
    @click.option("--splice", is_flag=True, default=False, help="Allow a non-head revision as the 'head'.")
    @click.option("--branch-label", type=str, default=None, help="Branch label to apply to the new revision.")
    @click.option("--version-path", type=str, default=None, help="Directory to write the revision file to.")
    @click.option("--rev-id", type=str, default=None, help="Revision id to use instead of a generated one.")
    @click.option("--no-prompt", is_flag=True, default=False, help=_NO_PROMPT_HELP)
    @click.pass_context
    @_handle_errors
    def create_revision(
        ctx: Context,
        bind_key: Optional[str],
        message: Optional[str],
        autogenerate: bool,
        sql: bool,
        head: str,
        splice: bool,
        branch_label: Optional[str],
        version_path: Optional[str],
        rev_id: Optional[str],
        no_prompt: bool,
    ) -> None:
        commands = _alembic_commands(ctx, bind_key)
        if message is None:
            message = "autogenerated" if no_prompt else click.prompt("Please enter a message describing this revision")
        skipped: list[bool] = []

        def process_revision_directives(
            context: MigrationContext, revision: Any, directives: list[MigrationScript]
        ) -> None:
            if not autogenerate or sql or not directives:
                return
            script = directives[0]
            if all(ops.is_empty() for ops in script.upgrade_ops_list):
                directives[:] = []
                skipped.append(True)

        commands.revision(
            message=message,
            autogenerate=autogenerate,
            sql=sql,
            head=head,
            splice=splice,
            branch_label=branch_label,
            version_path=version_path,
            rev_id=rev_id,
            process_revision_directives=process_revision_directives,
        )
        if skipped:
            click.secho("No changes detected in the models: no migration file was written.", fg="yellow")

    _add_alias(group, create_revision, "revision")

    @group.command(name="drop-all", help="Drop every table of the config(s), and the migrations version table.")
    @_bind_key_option
    @click.option("--no-prompt", is_flag=True, default=False, help=_NO_PROMPT_HELP)
    @click.pass_context
    @_handle_errors
    def drop_all(ctx: Context, bind_key: Optional[str], no_prompt: bool) -> None:
        from advanced_alchemy.alembic.utils import drop_all as drop_all_tables

        configs = [_select_config(ctx, bind_key)] if bind_key is not None else _get_configs(ctx)
        _confirm("Are you sure you want to drop all tables from the database?", no_prompt)
        for config in configs:
            _drop_config_tables(config, drop_all_tables)
            click.secho(f"Dropped all tables of the {_bind_key_label(config.bind_key)!r} config.", fg="green")

    @group.command(name="dump-data", help="Dump tables to JSON files, one '<table>.json' per table.")
    @_bind_key_option
    @click.option(
        "--table", "table_names", type=str, multiple=True, required=True, help="Table to dump (repeatable; '*' = all)."
    )
    @click.option(
        "--dir",
        "dump_dir",
        type=click.Path(path_type=Path),
        default=Path.cwd() / "fixtures",
        help="Directory to write the JSON files to.",
    )
    @click.pass_context
    @_handle_errors
    def dump_table_data(ctx: Context, bind_key: Optional[str], table_names: tuple[str, ...], dump_dir: Path) -> None:
        from advanced_alchemy.alembic.utils import dump_tables

        config = _select_config(ctx, bind_key)
        models = _mapped_models(_config_metadata(config))
        if "*" in table_names:
            _confirm(f"Are you sure you want to dump all tables to {str(dump_dir)!r}?", no_prompt=False)
            selected = [models[name] for name in sorted(models)]
        else:
            missing = [name for name in table_names if name not in models]
            if missing:
                available = ", ".join(sorted(models)) or "none"
                msg = f"No mapped model for table(s): {', '.join(missing)} (mapped tables: {available})"
                raise click.ClickException(msg)
            selected = [models[name] for name in dict.fromkeys(table_names)]
        if not selected:
            msg = "The config has no mapped tables to dump"
            raise click.ClickException(msg)
        dump_dir.mkdir(parents=True, exist_ok=True)
        engine = config.get_engine()

        with _progress(len(selected), "Dumping tables") as advance:

            async def dump() -> None:
                try:
                    for model in selected:
                        await dump_tables(dump_dir, config.get_session(), [model])
                        advance(1)
                finally:
                    await _dispose(engine)

            _run(dump)
        click.secho(f"Dumped {len(selected)} table(s) to {str(dump_dir)!r}.", fg="green")

    @group.command(name="load-data", help="Load fixture files (from dump-data or hand-written) into tables.")
    @_bind_key_option
    @click.option(
        "--table", "table_names", type=str, multiple=True, required=True, help="Table to load (repeatable; '*' = all)."
    )
    @click.option(
        "--dir",
        "fixtures_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=Path.cwd() / "fixtures",
        help="Directory holding '<table>.json' (.json.gz, .json.zip, .csv, ...) fixture files.",
    )
    @click.pass_context
    @_handle_errors
    def load_table_data(
        ctx: Context, bind_key: Optional[str], table_names: tuple[str, ...], fixtures_dir: Path
    ) -> None:
        if not fixtures_dir.is_dir():
            msg = f"Fixtures directory {str(fixtures_dir)!r} does not exist"
            raise click.ClickException(msg)
        config = _select_config(ctx, bind_key)
        loaded = _load_fixtures(config, table_names, fixtures_dir)
        for name, count in loaded:
            click.echo(f"Loaded {count} row(s) into {name!r}.")

    return group
