"""``advanced_alchemy.config``: defaults, dict conversion, validation, session makers (spec §7) — no server needed."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, get_args

import pytest
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

import advanced_alchemy
from advanced_alchemy import config
from advanced_alchemy.base import metadata_registry
from advanced_alchemy.config import (
    AlembicAsyncConfig,
    AlembicSyncConfig,
    AsyncSessionConfig,
    EngineConfig,
    GenericAlembicConfig,
    ReplicaConfig,
    RoutingConfig,
    RoutingStrategy,
    SQLAlchemyAsyncConfig,
    SQLAlchemySyncConfig,
    SyncSessionConfig,
)
from advanced_alchemy.config.common import ALEMBIC_TEMPLATE_PATH, touch_updated_timestamp
from advanced_alchemy.config.types import CommitStrategy
from advanced_alchemy.exceptions import ImproperConfigurationError, MissingDependencyError
from advanced_alchemy.utils.dataclass import Empty
from advanced_alchemy.utils.serialization import decode_json, encode_json

SPEC_ALL = {
    "AlembicAsyncConfig",
    "AlembicSyncConfig",
    "AsyncSessionConfig",
    "CommitStrategy",
    "ConnectionT",
    "EngineConfig",
    "EngineT",
    "GenericAlembicConfig",
    "GenericSQLAlchemyConfig",
    "GenericSessionConfig",
    "ReplicaConfig",
    "RoutingConfig",
    "RoutingStrategy",
    "SQLAlchemyAsyncConfig",
    "SQLAlchemySyncConfig",
    "SessionMakerT",
    "SessionT",
    "SyncSessionConfig",
    "TypeDecodersSequence",
    "TypeEncodersMap",
}


class FakeEngineFactory:
    """Stands in for ``create_engine``: records calls, rejects chosen keyword arguments like SQLAlchemy does."""

    def __init__(self, rejects: tuple[str, ...] = ()) -> None:
        self.rejects = rejects
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, url: str, **kwargs: Any) -> Engine:
        self.calls.append((url, kwargs))
        bad = [name for name in self.rejects if name in kwargs]
        if bad:
            names = ",".join(repr(name) for name in bad)
            msg = f"Invalid argument(s) {names} sent to create_engine(), using configuration X/Y/Engine."
            raise TypeError(msg)
        return create_engine("sqlite://")


# --- names and defaults ---------------------------------------------------------------------------------


def test_all_matches_spec() -> None:
    assert set(config.__all__) == SPEC_ALL
    for name in SPEC_ALL:
        assert hasattr(config, name)


def test_type_aliases() -> None:
    assert get_args(CommitStrategy) == ("always", "match_status")
    assert config.ReplicaConfig is config.routing.EngineConfig
    assert config.EngineConfig is not config.routing.EngineConfig  # type: ignore[comparison-overlap]


def test_litestar_config_is_lazy_and_explains_missing_dependency() -> None:
    with pytest.raises(MissingDependencyError, match=r"advanced_alchemy\[litestar\]"):
        from advanced_alchemy.config import SQLAlchemyLitestarConfig  # noqa: F401
    with pytest.raises(AttributeError):
        _ = config.NotAConfig


def test_alembic_config_defaults() -> None:
    expected_path = str(Path(advanced_alchemy.__file__).parent / "alembic" / "templates")
    assert expected_path == ALEMBIC_TEMPLATE_PATH
    for cls in (GenericAlembicConfig, AlembicSyncConfig, AlembicAsyncConfig):
        alembic = cls()
        assert dataclasses.asdict(alembic) == {
            "script_config": "alembic.ini",
            "version_table_name": "alembic_versions",
            "version_table_schema": None,
            "script_location": "migrations",
            "toml_file": None,
            "user_module_prefix": "sa.",
            "render_as_batch": True,
            "compare_type": False,
            "template_path": expected_path,
        }
    assert isinstance(SQLAlchemySyncConfig().alembic_config, AlembicSyncConfig)
    assert isinstance(SQLAlchemyAsyncConfig().alembic_config, AlembicAsyncConfig)


def test_engine_config_defaults() -> None:
    engine_config = EngineConfig()
    values = {f.name: getattr(engine_config, f.name) for f in dataclasses.fields(engine_config)}
    assert values.pop("json_serializer") is encode_json
    assert values.pop("json_deserializer") is decode_json
    assert all(value is Empty for value in values.values())
    assert len(values) == 26


def test_session_config_fields() -> None:
    generic = [
        "autobegin",
        "autoflush",
        "bind",
        "binds",
        "class_",
        "expire_on_commit",
        "info",
        "join_transaction_mode",
        "query_cls",
        "twophase",
    ]
    assert [f.name for f in dataclasses.fields(SyncSessionConfig)] == [*generic, "url"]
    assert [f.name for f in dataclasses.fields(AsyncSessionConfig)] == [*generic, "sync_session_class", "url"]
    assert all(getattr(AsyncSessionConfig(), name) is Empty for name in [*generic, "sync_session_class"])
    assert SyncSessionConfig().url is None


def test_sqlalchemy_config_defaults() -> None:
    sync_config = SQLAlchemySyncConfig()
    assert sync_config.create_engine_callable is create_engine
    assert sync_config.session_maker_class is sessionmaker
    assert isinstance(sync_config.session_config, SyncSessionConfig)
    async_config = SQLAlchemyAsyncConfig()
    assert async_config.create_engine_callable is create_async_engine
    assert async_config.session_maker_class is async_sessionmaker
    assert isinstance(async_config.session_config, AsyncSessionConfig)
    for cfg in (sync_config, async_config):
        assert cfg.connection_string is None
        assert cfg.engine_instance is None
        assert cfg.session_maker is None
        assert cfg.create_all is False
        assert cfg.bind_key is None
        assert cfg.enable_touch_updated_timestamp_listener is True
        assert cfg.enable_file_object_listener is True
        assert cfg.file_object_raise_on_error is True
        assert cfg.cache_config is None
        assert cfg.cache_manager is None
        assert cfg.routing_config is None
        assert isinstance(cfg.engine_config, EngineConfig)


# --- dict conversion ----------------------------------------------------------------------------------------


def test_engine_config_dict_drops_empty() -> None:
    cfg = SQLAlchemySyncConfig(connection_string="sqlite://", engine_config=EngineConfig(echo=True, pool_size=3))
    assert cfg.engine_config_dict == {
        "echo": True,
        "pool_size": 3,
        "json_serializer": encode_json,
        "json_deserializer": decode_json,
    }


def test_session_config_dict_drops_empty_and_adds_info() -> None:
    cfg = SQLAlchemyAsyncConfig(
        session_config=AsyncSessionConfig(expire_on_commit=False, autoflush=False, url="sqlite+aiosqlite://"),
        file_object_raise_on_error=False,
    )
    assert cfg.session_config_dict == {
        "autoflush": False,
        "expire_on_commit": False,
        "info": {"file_object_raise_on_error": False},
    }


def test_session_config_is_copied_and_user_info_kept() -> None:
    user_info = {"tenant": "a"}
    session_config = SyncSessionConfig(info=user_info)
    cfg = SQLAlchemySyncConfig(session_config=session_config)
    assert cfg.session_config is not session_config
    assert cfg.session_config.info == {"tenant": "a", "file_object_raise_on_error": True}
    assert user_info == {"tenant": "a"}
    assert session_config.info is user_info


def test_cache_settings_are_stored() -> None:
    manager = object()
    cfg = SQLAlchemySyncConfig(cache_manager=manager)
    assert cfg.cache_manager is manager
    assert cfg.session_config_dict["info"]["cache_manager"] is manager


# --- validation ---------------------------------------------------------------------------------------------


def test_connection_string_and_engine_instance_are_exclusive() -> None:
    engine = create_engine("sqlite://")
    with pytest.raises(ImproperConfigurationError, match="Only one of 'connection_string' or 'engine_instance'"):
        SQLAlchemySyncConfig(connection_string="sqlite://", engine_instance=engine)


@pytest.mark.parametrize("config_class", [SQLAlchemySyncConfig, SQLAlchemyAsyncConfig])
def test_get_engine_requires_a_connection(config_class: type[Any]) -> None:
    with pytest.raises(ImproperConfigurationError, match="One of 'connection_string' or 'engine_instance'"):
        config_class().get_engine()


def test_routing_config_sets_connection_string() -> None:
    routing = RoutingConfig(primary_connection_string="sqlite:///primary.db", read_replicas=["sqlite:///r1.db"])
    assert SQLAlchemySyncConfig(routing_config=routing).connection_string == "sqlite:///primary.db"
    grouped = RoutingConfig(engines={"default": [ReplicaConfig("sqlite:///first.db"), "sqlite:///second.db"]})
    assert SQLAlchemyAsyncConfig(routing_config=grouped).connection_string == "sqlite:///first.db"
    with pytest.raises(ImproperConfigurationError, match="either 'connection_string' or 'routing_config'"):
        SQLAlchemySyncConfig(connection_string="sqlite://", routing_config=routing)


def test_routing_enabled_session_maker_is_not_available_yet() -> None:
    cfg = SQLAlchemySyncConfig(routing_config=RoutingConfig(primary_connection_string="sqlite://"))
    with pytest.raises(NotImplementedError, match="routing"), cfg.get_session():
        pass
    disabled = SQLAlchemySyncConfig(routing_config=RoutingConfig(primary_connection_string="sqlite://", enabled=False))
    with disabled.get_session() as session:
        assert session.get_bind() is disabled.get_engine()


def test_routing_config_groups() -> None:
    routing = RoutingConfig(
        primary_connection_string="postgresql://primary/db",
        read_replicas=["postgresql://r1/db", ReplicaConfig("postgresql://r2/db", weight=3, name="r2")],
        engines={"analytics": ["postgresql://olap/db"]},
    )
    assert [(e.connection_string, e.name) for e in routing.get_engine_configs("default")] == [
        ("postgresql://primary/db", "primary")
    ]
    assert [(e.connection_string, e.weight) for e in routing.get_engine_configs("read")] == [
        ("postgresql://r1/db", 1),
        ("postgresql://r2/db", 3),
    ]
    assert routing.get_engine_configs("analytics")[0].connection_string == "postgresql://olap/db"
    assert routing.get_engine_configs("missing") == []
    assert routing.routing_strategy is RoutingStrategy.ROUND_ROBIN
    assert (RoutingStrategy.ROUND_ROBIN.value, RoutingStrategy.RANDOM.value) == (1, 2)
    assert (routing.default_group, routing.read_group) == ("default", "read")
    assert routing.enabled
    assert routing.sticky_after_write
    assert routing.reset_stickiness_on_commit


def test_routing_config_does_not_mutate_caller_engines() -> None:
    engines: dict[str, list[Any]] = {"default": ["sqlite:///a.db"]}
    RoutingConfig(primary_connection_string="sqlite:///p.db", engines=engines)
    assert engines == {"default": ["sqlite:///a.db"]}


# --- metadata, equality -------------------------------------------------------------------------------------


def test_metadata_defaults_to_registry_and_explicit_metadata_is_registered() -> None:
    assert SQLAlchemySyncConfig().metadata is metadata_registry.get(None)
    assert SQLAlchemySyncConfig(bind_key="config_unit_a").metadata is metadata_registry.get("config_unit_a")
    explicit = MetaData()
    cfg = SQLAlchemyAsyncConfig(bind_key="config_unit_b", metadata=explicit)
    assert cfg.metadata is explicit
    assert metadata_registry.get("config_unit_b") is explicit


def test_equality_and_hash() -> None:
    a = SQLAlchemySyncConfig(connection_string="sqlite://", bind_key="k")
    b = SQLAlchemySyncConfig(connection_string="sqlite://", bind_key="k", create_all=True)
    assert a == b
    assert hash(a) == hash(b)
    assert {a: 1}[b] == 1
    assert a != SQLAlchemySyncConfig(connection_string="sqlite://", bind_key="other")
    assert a != SQLAlchemySyncConfig(connection_string="sqlite:///x.db", bind_key="k")
    assert a != SQLAlchemyAsyncConfig(connection_string="sqlite://", bind_key="k")
    assert a != SQLAlchemySyncConfig(connection_string="sqlite://", bind_key="k", cache_manager=object())
    assert a != "sqlite://"


# --- engines ------------------------------------------------------------------------------------------------


def test_get_engine_is_created_once_with_engine_options() -> None:
    factory = FakeEngineFactory()
    cfg = SQLAlchemySyncConfig(
        connection_string="x://", create_engine_callable=factory, engine_config=EngineConfig(echo=True)
    )
    engine = cfg.get_engine()
    assert cfg.get_engine() is engine
    assert cfg.engine_instance is engine
    assert factory.calls == [("x://", {"echo": True, "json_deserializer": decode_json, "json_serializer": encode_json})]


def test_engine_instance_is_used_as_is() -> None:
    engine = create_engine("sqlite://")
    assert SQLAlchemySyncConfig(engine_instance=engine).get_engine() is engine


def test_json_options_dropped_when_dialect_rejects_them() -> None:
    factory = FakeEngineFactory(rejects=("json_serializer",))
    cfg = SQLAlchemySyncConfig(
        connection_string="x://", create_engine_callable=factory, engine_config=EngineConfig(echo=True)
    )
    cfg.get_engine()
    assert len(factory.calls) == 2
    assert factory.calls[1][1] == {"echo": True}


def test_other_rejected_options_raise() -> None:
    factory = FakeEngineFactory(rejects=("pool_size",))
    cfg = SQLAlchemySyncConfig(
        connection_string="postgresql://h/db", create_engine_callable=factory, engine_config=EngineConfig(pool_size=2)
    )
    with pytest.raises(TypeError, match="pool_size"):
        cfg.get_engine()


def test_spanner_engine_without_json_options() -> None:
    pytest.importorskip("google.cloud.sqlalchemy_spanner")
    cfg = SQLAlchemySyncConfig(connection_string="spanner+spanner:///projects/p/instances/i/databases/d")
    assert cfg.get_engine().dialect.name.startswith("spanner")


def test_sqlite_engine_gets_json_serializer() -> None:
    engine = SQLAlchemySyncConfig(connection_string="sqlite://").get_engine()
    assert engine.dialect._json_serializer is encode_json  # type: ignore[attr-defined]
    assert engine.dialect._json_deserializer is decode_json  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:", "duckdb:///:memory:"])
def test_in_memory_database_ignores_queue_pool_sizing(url: str) -> None:
    cfg = SQLAlchemySyncConfig(connection_string=url, engine_config=EngineConfig(pool_size=5, max_overflow=2))
    engine = cfg.get_engine()
    with engine.connect():
        pass


async def test_in_memory_aiosqlite_ignores_queue_pool_sizing() -> None:
    cfg = SQLAlchemyAsyncConfig(
        connection_string="sqlite+aiosqlite://", engine_config=EngineConfig(pool_size=5, max_overflow=2, pool_timeout=3)
    )
    engine = cfg.get_engine()
    assert isinstance(engine.pool, StaticPool)
    await engine.dispose()


def test_file_database_keeps_pool_sizing(tmp_path: Path) -> None:
    cfg = SQLAlchemySyncConfig(
        connection_string=f"sqlite:///{tmp_path / 'db.sqlite'}", engine_config=EngineConfig(pool_size=5)
    )
    pool = cfg.get_engine().pool
    assert isinstance(pool, QueuePool)
    assert pool.size() == 5


# --- session makers and sessions ----------------------------------------------------------------------------


def test_create_session_maker_binds_engine_and_is_kept() -> None:
    cfg = SQLAlchemySyncConfig(connection_string="sqlite://", session_config=SyncSessionConfig(expire_on_commit=False))
    maker = cfg.create_session_maker()
    assert isinstance(maker, sessionmaker)
    assert maker.kw["bind"] is cfg.get_engine()
    assert maker.kw["expire_on_commit"] is False
    assert maker.kw["info"] == {"file_object_raise_on_error": True}
    assert cfg.create_session_maker() is maker
    assert cfg.session_maker is maker


def test_create_session_maker_uses_configured_bind() -> None:
    other = create_engine("sqlite://")
    cfg = SQLAlchemySyncConfig(connection_string="sqlite://", session_config=SyncSessionConfig(bind=other))
    assert cfg.create_session_maker().kw["bind"] is other  # type: ignore[attr-defined]
    assert cfg.engine_instance is None


def test_given_session_maker_is_returned() -> None:
    maker = sessionmaker()
    assert SQLAlchemySyncConfig(session_maker=maker).create_session_maker() is maker


def _flush_listeners(session: Session) -> list[Any]:
    return list(session.dispatch.before_flush)


def test_sync_touch_listener_registration() -> None:
    # asked on the sessions' own dispatch: ``event.contains(maker, ...)`` keys on ``id(maker)``, so a freed
    # sessionmaker whose Session subclass awaits the garbage collector can answer for a new one at its address
    maker = SQLAlchemySyncConfig(connection_string="sqlite://").create_session_maker()
    assert touch_updated_timestamp in _flush_listeners(maker())
    plain = SQLAlchemySyncConfig(
        connection_string="sqlite://", enable_touch_updated_timestamp_listener=False
    ).create_session_maker()
    assert touch_updated_timestamp not in _flush_listeners(plain())
    assert touch_updated_timestamp not in _flush_listeners(Session())


async def test_async_touch_listener_is_on_a_dedicated_sync_session_class() -> None:
    class CustomSession(Session):
        pass

    cfg = SQLAlchemyAsyncConfig(
        connection_string="sqlite+aiosqlite://", session_config=AsyncSessionConfig(sync_session_class=CustomSession)
    )
    maker = cfg.create_session_maker()
    assert isinstance(maker, async_sessionmaker)
    sync_class = maker.kw["sync_session_class"]
    assert issubclass(sync_class, CustomSession)
    assert sync_class is not CustomSession
    assert event.contains(sync_class, "before_flush", touch_updated_timestamp)
    assert not event.contains(CustomSession, "before_flush", touch_updated_timestamp)
    async with cfg.get_session() as session:
        assert isinstance(session, AsyncSession)
        assert isinstance(session.sync_session, sync_class)
    await cfg.get_engine().dispose()
    plain = SQLAlchemyAsyncConfig(
        connection_string="sqlite+aiosqlite://", enable_touch_updated_timestamp_listener=False
    )
    assert "sync_session_class" not in plain.create_session_maker().kw  # type: ignore[attr-defined]


def test_sync_get_session_yields_and_closes() -> None:
    cfg = SQLAlchemySyncConfig(connection_string="sqlite://")
    closed: list[Session] = []
    with cfg.get_session() as session:
        assert isinstance(session, Session)
        assert session.info["file_object_raise_on_error"] is True
        original_close = session.close

        def tracking_close() -> None:
            closed.append(session)
            original_close()

        session.close = tracking_close  # type: ignore[method-assign]
    assert closed == [session]


async def test_async_get_session_yields_and_closes() -> None:
    cfg = SQLAlchemyAsyncConfig(connection_string="sqlite+aiosqlite://")
    async with cfg.get_session() as session:
        assert isinstance(session, AsyncSession)
        await session.connection()
        assert session.in_transaction()
    assert not session.in_transaction()
    await cfg.get_engine().dispose()


# --- session configs with a url (addition) ------------------------------------------------------------------


def test_session_config_without_url_cannot_make_an_engine() -> None:
    with pytest.raises(ImproperConfigurationError, match="needs 'url'"):
        SyncSessionConfig().get_engine()
    with pytest.raises(ImproperConfigurationError, match="needs 'url'"):
        AsyncSessionConfig().get_session_maker()


def test_sync_session_config_url() -> None:
    session_config = SyncSessionConfig(url="sqlite:///:memory:", expire_on_commit=False)
    engine = session_config.get_engine()
    assert isinstance(engine, Engine)
    assert session_config.get_engine() is engine
    assert isinstance(engine.pool, StaticPool)
    maker = session_config.get_session_maker()
    assert maker.kw["bind"] is engine
    assert maker.kw["expire_on_commit"] is False
    assert "url" not in maker.kw


async def test_async_session_config_url() -> None:
    session_config = AsyncSessionConfig(url="sqlite+aiosqlite:///:memory:")
    engine = session_config.get_engine()
    assert isinstance(engine, AsyncEngine)
    assert session_config.get_engine() is engine
    assert isinstance(engine.pool, StaticPool)
    assert session_config.get_session_maker().kw["bind"] is engine
    await engine.dispose()


def test_touch_listener_with_nothing_dirty() -> None:
    # ``updated_at`` handling itself is covered against real databases in tests/integration/test_config.py
    touch_updated_timestamp(Session())
