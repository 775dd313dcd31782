"""Schema utilities for the migration commands: drop every table, dump tables to JSON files."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager, AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, cast

from sqlalchemy import Engine, MetaData, Table, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import DeclarativeBase, Session

from advanced_alchemy.base import model_to_dict
from advanced_alchemy.utils.serialization import encode_json

if TYPE_CHECKING:
    from sqlalchemy import Connection

__all__ = ("drop_all", "dump_tables")


async def drop_all(engine: Union[AsyncEngine, Engine], version_table_name: str, metadata: MetaData) -> None:
    """Drop every table of ``metadata`` and the Alembic version table ``version_table_name`` (if they exist)."""

    def _drop(connection: Connection) -> None:
        metadata.drop_all(connection, checkfirst=True)
        Table(version_table_name, MetaData()).drop(connection, checkfirst=True)

    if isinstance(engine, AsyncEngine):
        async with engine.begin() as async_connection:
            await async_connection.run_sync(_drop)
    else:
        with engine.begin() as connection:
            _drop(connection)


async def dump_tables(
    dump_dir: Path,
    session: Union[AbstractContextManager[Session], AbstractAsyncContextManager[AsyncSession]],
    models: list[type[DeclarativeBase]],
) -> None:
    """Write every row of each model to ``dump_dir/<tablename>.json`` (a JSON list of column-attribute dicts).

    ``session`` is a sync or async session (or a context manager giving one); ``dump_dir`` is created.
    """
    dump_dir = Path(dump_dir)
    dump_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(session, AbstractAsyncContextManager):
        async with session as async_session:
            for model in models:
                rows = (await async_session.execute(_select_all(model))).scalars().all()
                _write(dump_dir, model, rows)
        return
    with session as sync_session:
        for model in models:
            _write(dump_dir, model, sync_session.execute(_select_all(model)).scalars().all())


def _select_all(model: type[DeclarativeBase]) -> Any:
    """All rows of ``model``, in primary-key order so dumps are stable."""
    return select(model).order_by(*inspect(model).primary_key)


def _write(dump_dir: Path, model: type[DeclarativeBase], rows: Any) -> None:
    table_name = cast("Table", model.__table__).name
    data = [model_to_dict(row) for row in rows]
    (dump_dir / f"{table_name}.json").write_text(encode_json(data), encoding="utf-8")
