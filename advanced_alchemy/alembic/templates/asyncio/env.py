"""Alembic environment for an asyncio advanced_alchemy config.

Run through advanced_alchemy (`alchemy` CLI, ``AlembicCommands``) it uses the config's engine, metadata and
migration settings; run by plain ``alembic`` it reads them from ``alembic.ini`` (see the comments there).
Migrations run on the async driver through ``AsyncConnection.run_sync``.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from advanced_alchemy.alembic.environment import get_migration_settings, render_item

config = context.config
settings = get_migration_settings(config)
if settings.configure_logging and config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = settings.metadata


def _configure(**kwargs: Any) -> None:
    context.configure(
        target_metadata=target_metadata,
        version_table=settings.version_table_name,
        version_table_schema=settings.version_table_schema,
        version_table_pk=settings.version_table_pk,
        render_as_batch=settings.render_as_batch,
        compare_type=settings.compare_type,
        user_module_prefix=settings.user_module_prefix,
        render_item=render_item,
        **kwargs,
    )


def run_migrations_offline() -> None:
    """Emit the migration SQL for ``settings.url`` without connecting (``--sql``)."""
    _configure(url=settings.url, literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    """Run the migrations on ``connection`` (the sync face of an async connection)."""
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """Connect with the config's engine (or one made from ``settings.url``) and run the migrations."""
    engine = settings.engine or create_async_engine(settings.url, poolclass=NullPool)
    if not isinstance(engine, AsyncEngine):
        msg = "the `asyncio` migration template needs an async engine; use the `sync` template for sync configs"
        raise TypeError(msg)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        # the pooled connections belong to this event loop, which ends with the migrations
        await engine.dispose()


def run_migrations_online() -> None:
    """Run :func:`run_async_migrations` on a new event loop (in a worker thread if one is already running)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(run_async_migrations())
        return
    with ThreadPoolExecutor(max_workers=1) as executor:
        executor.submit(asyncio.run, run_async_migrations()).result()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
