"""``advanced_alchemy.config`` against real databases: engines, sessions, ``create_all``, ``updated_at`` (spec §7)."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, String, event, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.pool import NullPool

from advanced_alchemy.base import UUIDAuditBase, metadata_registry
from advanced_alchemy.config import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemySyncConfig,
    SyncSessionConfig,
    common,
)
from advanced_alchemy.utils.serialization import decode_json, encode_json

BIND_KEY = "config_integration"
FIXED_NOW = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
EXPLICIT = datetime.datetime(2031, 6, 7, 8, 9, 10, tzinfo=datetime.timezone.utc)


class ConfigWidget(UUIDAuditBase):
    __tablename__ = "config_widget"
    __bind_key__ = BIND_KEY

    name: Mapped[str] = mapped_column(String(50))


METADATA = metadata_registry.get(BIND_KEY)


def _engine_config(engine: Engine | AsyncEngine) -> EngineConfig:
    return EngineConfig() if engine.dialect.name == "duckdb" else EngineConfig(poolclass=NullPool)


def _sync_config(engine: Engine, **kwargs: Any) -> SQLAlchemySyncConfig:
    return SQLAlchemySyncConfig(
        connection_string=engine.url.render_as_string(hide_password=False),
        engine_config=_engine_config(engine),
        **{"bind_key": BIND_KEY, "create_all": True, **kwargs},
    )


def _async_config(engine: AsyncEngine, **kwargs: Any) -> SQLAlchemyAsyncConfig:
    return SQLAlchemyAsyncConfig(
        connection_string=engine.url.render_as_string(hide_password=False),
        engine_config=_engine_config(engine),
        **{"bind_key": BIND_KEY, "create_all": True, **kwargs},
    )


@pytest.fixture
def sync_configs(engine: Engine) -> Iterator[list[SQLAlchemySyncConfig]]:
    """Configs a test creates on the ``engine`` backend; their tables are dropped and engines disposed after."""
    configs: list[SQLAlchemySyncConfig] = []
    yield configs
    for cfg in configs:
        if cfg.engine_instance is not None:
            METADATA.drop_all(cfg.engine_instance)
            cfg.engine_instance.dispose()


@pytest.fixture
async def async_configs(async_engine: AsyncEngine) -> AsyncIterator[list[SQLAlchemyAsyncConfig]]:
    """Configs a test creates on the ``async_engine`` backend; tables dropped and engines disposed after."""
    configs: list[SQLAlchemyAsyncConfig] = []
    yield configs
    for cfg in configs:
        if cfg.engine_instance is not None:
            async with cfg.engine_instance.begin() as conn:
                await conn.run_sync(METADATA.drop_all)
            await cfg.engine_instance.dispose()


@pytest.fixture
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> datetime.datetime:
    """The time the touch-``updated_at`` listener stamps (the column's ``onupdate`` keeps the real clock)."""
    monkeypatch.setattr(common, "_utcnow", lambda: FIXED_NOW)
    return FIXED_NOW


# --- sync ---------------------------------------------------------------------------------------------------


def test_sync_engine_session_and_create_all(engine: Engine, sync_configs: list[SQLAlchemySyncConfig]) -> None:
    cfg = _sync_config(engine)
    sync_configs.append(cfg)
    db_engine = cfg.get_engine()
    assert cfg.get_engine() is db_engine
    assert inspect(db_engine).has_table("config_widget")
    with cfg.get_session() as session:
        widget = ConfigWidget(name="one")
        session.add(widget)
        session.commit()
        assert inspect(widget).expired  # expire_on_commit defaults to True
        assert session.scalar(select(ConfigWidget.name)) == "one"
        assert session.info["file_object_raise_on_error"] is True
    assert inspect(widget).detached


def test_sync_expire_on_commit_from_session_config(engine: Engine, sync_configs: list[SQLAlchemySyncConfig]) -> None:
    cfg = _sync_config(engine, session_config=SyncSessionConfig(expire_on_commit=False))
    sync_configs.append(cfg)
    with cfg.get_session() as session:
        widget = ConfigWidget(name="kept")
        session.add(widget)
        session.commit()
        assert not inspect(widget).expired
    assert widget.name == "kept"


def test_sync_engine_instance_and_json_serializer(engine: Engine, sync_configs: list[SQLAlchemySyncConfig]) -> None:
    cfg = _sync_config(engine)
    sync_configs.append(cfg)
    dialect = cfg.get_engine().dialect
    assert dialect._json_serializer is encode_json  # type: ignore[attr-defined]
    assert dialect._json_deserializer is decode_json  # type: ignore[attr-defined]
    given = SQLAlchemySyncConfig(engine_instance=engine)
    assert given.get_engine() is engine
    with given.get_session() as session:
        assert session.get_bind() is engine


def test_sync_touch_updated_timestamp(
    engine: Engine, sync_configs: list[SQLAlchemySyncConfig], fixed_now: datetime.datetime
) -> None:
    cfg = _sync_config(engine, session_config=SyncSessionConfig(expire_on_commit=False))
    sync_configs.append(cfg)
    updates: list[str] = []
    with cfg.get_session() as session:
        widget = ConfigWidget(name="a")
        session.add(widget)
        session.commit()
        inserted_at = widget.updated_at
        assert inserted_at != fixed_now  # inserts are left to the column default

        event.listen(
            cfg.get_engine(),
            "before_cursor_execute",
            lambda _c, _cur, statement, *_: updates.append(statement) if statement.startswith("UPDATE") else None,
        )
        widget.name = "a"  # no net change: not touched, no UPDATE
        session.commit()
        assert updates == []
        assert widget.updated_at == inserted_at

        widget.name = "b"
        session.commit()
        assert len(updates) == 1
        assert updates[0].count("updated_at=") == 1
        assert widget.updated_at == fixed_now
        assert session.scalar(select(ConfigWidget.updated_at)) == fixed_now  # onupdate did not overwrite it

        widget.name = "c"
        widget.updated_at = EXPLICIT
        session.commit()
        assert session.scalar(select(ConfigWidget.updated_at)) == EXPLICIT


def test_sync_without_touch_listener_onupdate_still_applies(
    engine: Engine, sync_configs: list[SQLAlchemySyncConfig], fixed_now: datetime.datetime
) -> None:
    cfg = _sync_config(engine, enable_touch_updated_timestamp_listener=False)
    sync_configs.append(cfg)
    with cfg.get_session() as session:
        widget = ConfigWidget(name="a")
        session.add(widget)
        session.commit()
        before = widget.updated_at
        widget.name = "b"
        session.commit()
        stored = session.scalar(select(ConfigWidget.updated_at))
    assert stored is not None
    assert stored != fixed_now
    assert stored >= before


# --- async --------------------------------------------------------------------------------------------------


async def test_async_engine_session_and_create_all(
    async_engine: AsyncEngine, async_configs: list[SQLAlchemyAsyncConfig]
) -> None:
    cfg = _async_config(async_engine)
    async_configs.append(cfg)
    db_engine = cfg.get_engine()
    assert cfg.get_engine() is db_engine
    async with db_engine.connect() as conn:
        assert not await conn.run_sync(lambda c: inspect(c).has_table("config_widget"))
    async with cfg.get_session() as session:  # the first session creates the tables
        widget = ConfigWidget(name="one")
        session.add(widget)
        await session.commit()
        assert inspect(widget).expired
        assert await session.scalar(select(ConfigWidget.name)) == "one"
    assert inspect(widget).detached
    async with db_engine.connect() as conn:
        assert await conn.run_sync(lambda c: inspect(c).has_table("config_widget"))


async def test_async_expire_on_commit_and_touch(
    async_engine: AsyncEngine, async_configs: list[SQLAlchemyAsyncConfig], fixed_now: datetime.datetime
) -> None:
    cfg = _async_config(async_engine, session_config=AsyncSessionConfig(expire_on_commit=False))
    async_configs.append(cfg)
    async with cfg.get_session() as session:
        widget = ConfigWidget(name="a")
        session.add(widget)
        await session.commit()
        assert not inspect(widget).expired
        assert widget.updated_at != fixed_now
        widget.name = "b"
        await session.commit()
        assert widget.updated_at == fixed_now
        assert await session.scalar(select(ConfigWidget.updated_at)) == fixed_now
    assert widget.name == "b"


async def test_async_engine_json_serializer(
    async_engine: AsyncEngine, async_configs: list[SQLAlchemyAsyncConfig]
) -> None:
    cfg = _async_config(async_engine, create_all=False)
    async_configs.append(cfg)
    assert cfg.get_engine().dialect._json_serializer is encode_json  # type: ignore[attr-defined]


# --- seeds --------------------------------------------------------------------------------------------------


class SeedUser(UUIDAuditBase):
    __tablename__ = "config_seed_user"
    __bind_key__ = "config_seed"

    name: Mapped[str] = mapped_column(String(50))


@pytest.mark.duckdb
def test_seed_duckdb_in_memory() -> None:
    from advanced_alchemy import base, config, filters, repository, service  # noqa: F401

    User = SeedUser  # noqa: N806
    db = config.SQLAlchemySyncConfig(
        connection_string="duckdb:///:memory:", session_config=config.SyncSessionConfig(expire_on_commit=False)
    )
    with db.get_engine().begin() as conn:
        User.metadata.create_all(conn)
    with db.get_session() as db_session:

        class UserRepository(repository.SQLAlchemySyncRepository[SeedUser]):
            model_type = SeedUser

        repo = UserRepository(session=db_session)
        user = repo.add(User(name="ada"), auto_commit=True)
        assert repo.count() == 1
        assert user.name == "ada"
    db.get_engine().dispose()


@pytest.mark.sqlite
async def test_seed_quickstart_async_session_config() -> None:
    from advanced_alchemy.config import AsyncSessionConfig

    db_url = "sqlite+aiosqlite:///:memory:"
    async_session_config = AsyncSessionConfig(url=db_url)
    async with async_session_config.get_engine().begin() as conn:
        await conn.run_sync(SeedUser.metadata.create_all)
    session_maker = async_session_config.get_session_maker()
    async with session_maker() as session:
        session.add(SeedUser(name="grace"))
        await session.commit()
    async with session_maker() as session:
        assert await session.scalar(select(SeedUser.name)) == "grace"
    await async_session_config.get_engine().dispose()


@pytest.mark.sqlite
def test_sync_session_config_url_in_memory_sqlite_across_threads() -> None:
    import threading

    session_config = SyncSessionConfig(url="sqlite:///:memory:")
    with session_config.get_engine().begin() as conn:
        SeedUser.metadata.create_all(conn)
    names: list[str | None] = []

    def work() -> None:
        with session_config.get_session_maker()() as session:
            session.add(SeedUser(name="thread"))
            session.commit()
            names.append(session.scalar(select(SeedUser.name)))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert names == ["thread"]
    session_config.get_engine().dispose()
