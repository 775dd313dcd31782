"""Settings shared by the sync and async configurations: session, Alembic and database (engine + session)."""

from __future__ import annotations

import copy
import datetime
import importlib
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Generic, Optional, TypeVar, Union, cast

from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapper, Query, Session, sessionmaker
from sqlalchemy.orm.session import JoinTransactionMode
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import TableClause

import advanced_alchemy
from advanced_alchemy.base import metadata_registry
from advanced_alchemy.config.engine import EngineConfig
from advanced_alchemy.exceptions import ImproperConfigurationError
from advanced_alchemy.utils.dataclass import Empty, EmptyType, simple_asdict

if TYPE_CHECKING:
    from sqlalchemy import MetaData
    from sqlalchemy.orm import UOWTransaction

    from advanced_alchemy.config.routing import RoutingConfig

__all__ = (
    "ALEMBIC_TEMPLATE_PATH",
    "ConnectionT",
    "EngineT",
    "GenericAlembicConfig",
    "GenericSQLAlchemyConfig",
    "GenericSessionConfig",
    "SessionMakerT",
    "SessionT",
)

ALEMBIC_TEMPLATE_PATH = f"{Path(advanced_alchemy.__file__).parent}/alembic/templates"
"""Directory of the migration templates shipped with the package."""

ConnectionT = TypeVar("ConnectionT", bound=Union[Connection, AsyncConnection])
EngineT = TypeVar("EngineT", bound=Union[Engine, AsyncEngine])
SessionT = TypeVar("SessionT", bound=Union[Session, AsyncSession])
SessionMakerT = TypeVar("SessionMakerT", bound=Union[sessionmaker[Session], async_sessionmaker[AsyncSession]])

_JSON_ARGUMENTS = frozenset({"json_serializer", "json_deserializer"})
_QUEUE_POOL_ARGUMENTS = frozenset({"pool_size", "max_overflow", "pool_timeout", "pool_use_lifo"})
_REJECTED_ARGUMENTS = re.compile(r"Invalid argument\(s\) (?P<names>.+?) sent to create_engine")
_SESSION_CONFIG_PRIVATE = frozenset({"url"})


@dataclass
class GenericSessionConfig(Generic[ConnectionT, EngineT, SessionT]):
    """Session(maker) options; a field left at ``Empty`` is not passed, so SQLAlchemy's default applies."""

    autobegin: Union[bool, EmptyType] = Empty
    autoflush: Union[bool, EmptyType] = Empty
    bind: Optional[Union[EngineT, ConnectionT, EmptyType]] = Empty
    binds: Optional[
        Union[dict[Union[type[Any], Mapper[Any], TableClause, str], Union[EngineT, ConnectionT]], EmptyType]
    ] = Empty
    class_: Union[type[SessionT], EmptyType] = Empty
    expire_on_commit: Union[bool, EmptyType] = Empty
    info: Optional[Union[dict[str, Any], EmptyType]] = Empty
    join_transaction_mode: Union[JoinTransactionMode, EmptyType] = Empty
    query_cls: Optional[Union[type[Query[Any]], EmptyType]] = Empty
    twophase: Union[bool, EmptyType] = Empty


@dataclass
class GenericAlembicConfig:
    """Where migrations live and how Alembic renders them."""

    script_config: str = "alembic.ini"
    version_table_name: str = "alembic_versions"
    version_table_schema: Optional[str] = None
    script_location: str = "migrations"
    toml_file: Optional[str] = None
    user_module_prefix: Optional[str] = "sa."
    render_as_batch: bool = True
    compare_type: bool = False
    template_path: str = ALEMBIC_TEMPLATE_PATH


@dataclass(eq=False)
class GenericSQLAlchemyConfig(Generic[EngineT, SessionT, SessionMakerT]):
    """One database: how its engine and sessions are made.

    The engine is created on the first :meth:`get_engine` call (or ``engine_instance`` is used as is) and
    reused afterwards. Configs compare equal (and hash alike) when their class, connection string,
    engine-config class, bind key and cache manager are the same, so they can key a dict.
    """

    create_engine_callable: Callable[[str], EngineT]
    session_config: GenericSessionConfig[Any, Any, Any]
    session_maker_class: type[Union[sessionmaker[Session], async_sessionmaker[AsyncSession]]]
    connection_string: Optional[str] = None
    engine_config: EngineConfig = field(default_factory=EngineConfig)
    session_maker: Optional[Callable[[], SessionT]] = None
    engine_instance: Optional[EngineT] = None
    create_all: bool = False
    metadata: Optional[MetaData] = None
    bind_key: Optional[str] = None
    enable_touch_updated_timestamp_listener: bool = True
    enable_file_object_listener: bool = True
    file_object_raise_on_error: bool = True
    cache_config: Optional[Any] = None
    cache_manager: Optional[Any] = None

    def __post_init__(self) -> None:
        if self.connection_string is not None and self.engine_instance is not None:
            msg = "Only one of 'connection_string' or 'engine_instance' can be provided."
            raise ImproperConfigurationError(msg)
        routing_config = self._routing_config
        if routing_config is not None:
            if self.connection_string is not None:
                msg = "Provide either 'connection_string' or 'routing_config', not both"
                raise ImproperConfigurationError(msg)
            primaries = routing_config.get_engine_configs(routing_config.default_group)
            self.connection_string = routing_config.primary_connection_string or (
                primaries[0].connection_string if primaries else None
            )
        if self.metadata is None:
            self.metadata = metadata_registry.get(self.bind_key)
        else:
            metadata_registry.set(self.bind_key, self.metadata)
        if self.cache_config is not None and self.cache_manager is None:
            self.cache_manager = _new_cache_manager(self.cache_config)
        session_config = copy.copy(self.session_config)
        info: dict[str, Any] = dict(session_config.info) if isinstance(session_config.info, dict) else {}
        info["file_object_raise_on_error"] = self.file_object_raise_on_error
        if self.cache_manager is not None:
            info["cache_manager"] = self.cache_manager
        session_config.info = info
        self.session_config = session_config

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        other_config = cast("GenericSQLAlchemyConfig[Any, Any, Any]", other)
        return (
            self.connection_string == other_config.connection_string
            and type(self.engine_config) is type(other_config.engine_config)
            and self.bind_key == other_config.bind_key
            and self.cache_manager is other_config.cache_manager
        )

    def __hash__(self) -> int:
        return hash(
            (
                type(self).__qualname__,
                self.connection_string,
                type(self.engine_config).__qualname__,
                self.bind_key,
                id(self.cache_manager),
            )
        )

    @property
    def _routing_config(self) -> Optional[RoutingConfig]:
        return cast("Optional[RoutingConfig]", getattr(self, "routing_config", None))

    @property
    def engine_config_dict(self) -> dict[str, Any]:
        """The engine options that were set (``Empty`` values dropped)."""
        return simple_asdict(self.engine_config, exclude_empty=True, convert_nested=False)

    @property
    def session_config_dict(self) -> dict[str, Any]:
        """The session options that were set (``Empty`` values dropped)."""
        return _session_kwargs(self.session_config)

    def get_engine(self) -> EngineT:
        """The engine: ``engine_instance`` if set, else one created from ``connection_string`` and cached.

        Raises:
            ImproperConfigurationError: neither ``connection_string`` nor ``engine_instance`` is set.
        """
        if self.engine_instance is not None:
            return self.engine_instance
        if self.connection_string is None:
            msg = "One of 'connection_string' or 'engine_instance' must be provided."
            raise ImproperConfigurationError(msg)
        self.engine_instance = _create_engine(
            self.create_engine_callable, self.connection_string, self.engine_config_dict
        )
        return self.engine_instance

    def create_session_maker(self) -> Callable[[], SessionT]:
        """The session maker: ``session_maker`` if set, else one bound to :meth:`get_engine` (then kept).

        The touch-``updated_at`` listener (and the cache listeners, when caching) is registered on the
        sessions it makes. Raises ``NotImplementedError`` when read/write routing is enabled: routing
        session makers come with :mod:`advanced_alchemy.routing`.
        """
        if self.session_maker is not None:
            return self.session_maker
        routing_config = self._routing_config
        if routing_config is not None and routing_config.enabled:
            msg = (
                "Read/write routing ('routing_config') is not supported by this configuration's session maker yet; "
                "remove 'routing_config' or set 'routing_config.enabled=False' to use the primary engine only."
            )
            raise NotImplementedError(msg)
        kwargs = self.session_config_dict
        if kwargs.get("bind") is None:
            kwargs["bind"] = self.get_engine()
        is_async = issubclass(self.session_maker_class, async_sessionmaker)
        if self.enable_touch_updated_timestamp_listener and is_async:
            base = kwargs.get("sync_session_class") or Session
            kwargs["sync_session_class"] = _session_class_with_listeners(base)
        maker = self.session_maker_class(**kwargs)
        if self.enable_touch_updated_timestamp_listener and isinstance(maker, sessionmaker):
            event.listen(maker, "before_flush", touch_updated_timestamp)
        if self.cache_manager is not None:
            _setup_cache_listeners()
        self.session_maker = cast("Callable[[], SessionT]", maker)
        return self.session_maker


def _session_kwargs(session_config: GenericSessionConfig[Any, Any, Any]) -> dict[str, Any]:
    return simple_asdict(session_config, exclude_empty=True, convert_nested=False, exclude=_SESSION_CONFIG_PRIVATE)


def _new_cache_manager(cache_config: Any) -> Any:
    """``CacheManager(cache_config)`` when :mod:`advanced_alchemy.cache` is available, else ``None``."""
    if importlib.util.find_spec("advanced_alchemy.cache") is None:
        return None
    return importlib.import_module("advanced_alchemy.cache").CacheManager(cache_config)


def _setup_cache_listeners() -> None:
    if importlib.util.find_spec("advanced_alchemy.cache") is not None:
        importlib.import_module("advanced_alchemy.cache").setup_cache_listeners()


def _session_class_with_listeners(base: type[Session]) -> type[Session]:
    """A subclass of ``base`` carrying the config's session listeners (for ``AsyncSession.sync_session_class``)."""
    session_class = cast("type[Session]", type(base.__name__, (base,), {}))
    event.listen(session_class, "before_flush", touch_updated_timestamp)
    return session_class


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def touch_updated_timestamp(
    session: Session, flush_context: Optional[UOWTransaction] = None, instances: Any = None
) -> None:
    """``before_flush`` listener: set ``updated_at`` to now (UTC) on modified persistent instances.

    An instance is touched when its class maps an ``updated_at`` column, some other column attribute
    changed, and ``updated_at`` itself was not assigned. The explicit value also stops a column
    ``onupdate`` default from firing, so the timestamp is written once.
    """
    now: Optional[datetime.datetime] = None
    new, deleted = session.new, session.deleted
    for instance in session.dirty:
        if instance in new or instance in deleted:
            continue
        state = inspect(instance)
        if not state.committed_state:
            continue  # modified flag without pending changes (e.g. values written by update_many)
        column_attrs = state.mapper.column_attrs
        if "updated_at" not in column_attrs or state.attrs["updated_at"].history.has_changes():
            continue
        if any(attr.key != "updated_at" and state.attrs[attr.key].history.has_changes() for attr in column_attrs):
            now = now or _utcnow()
            instance.updated_at = now


def _is_in_memory_database(url: str) -> bool:
    """Whether ``url`` names an in-memory SQLite or DuckDB database."""
    parsed = make_url(url)
    if parsed.get_backend_name() not in {"sqlite", "duckdb"}:
        return False
    database = parsed.database or ""
    return (
        database in {"", ":memory:"}
        or database.startswith((":memory:", "file::memory:"))
        or (parsed.query.get("mode") == "memory")
    )


def _create_engine(create: Callable[..., EngineT], url: str, kwargs: dict[str, Any]) -> EngineT:
    """``create(url, **kwargs)``, retried without the options the dialect or pool rejected.

    The JSON (de)serializer options are dropped for dialects that do not take them (Spanner, ...), and
    queue-pool sizing options for in-memory SQLite/DuckDB databases, whose single-connection pools reject
    them. Any other rejected argument is an error.
    """
    kwargs = dict(kwargs)
    while True:
        try:
            return create(url, **kwargs)
        except TypeError as exc:
            rejected = _rejected_arguments(exc)
            droppable = set(_JSON_ARGUMENTS)
            if _is_in_memory_database(url):
                droppable |= _QUEUE_POOL_ARGUMENTS
            if not rejected or not rejected <= droppable:
                raise
            drop = rejected | _JSON_ARGUMENTS if rejected & _JSON_ARGUMENTS else rejected
            if not drop & kwargs.keys():
                raise
            for name in drop:
                kwargs.pop(name, None)


def _rejected_arguments(exc: TypeError) -> set[str]:
    match = _REJECTED_ARGUMENTS.search(str(exc))
    if match is None:
        return set()
    return {name.strip().strip("'\"") for name in match.group("names").split(",")}


def _standalone_engine(
    session_config: GenericSessionConfig[Any, EngineT, Any], create: Callable[..., EngineT]
) -> EngineT:
    """The engine of a session config's ``url``, created once and kept on the config."""
    cached = cast("Optional[EngineT]", session_config.__dict__.get("_engine"))
    if cached is not None:
        return cached
    url: Optional[str] = getattr(session_config, "url", None)
    if url is None:
        msg = f"{type(session_config).__name__} needs 'url' to create an engine."
        raise ImproperConfigurationError(msg)
    kwargs = simple_asdict(EngineConfig(), exclude_empty=True, convert_nested=False)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and _is_in_memory_database(url):
        kwargs["poolclass"] = StaticPool
        if not parsed.get_dialect().is_async:
            kwargs["connect_args"] = {"check_same_thread": False}
    engine = _create_engine(create, url, kwargs)
    session_config.__dict__["_engine"] = engine
    return engine
