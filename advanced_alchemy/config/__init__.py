"""Database configuration: engines, sessions, Alembic settings and read/write routing settings.

``SQLAlchemyLitestarConfig`` is resolved lazily from :mod:`advanced_alchemy.extensions.litestar`, so this
package imports without Litestar installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any

from advanced_alchemy.config.asyncio import AlembicAsyncConfig, AsyncSessionConfig, SQLAlchemyAsyncConfig
from advanced_alchemy.config.common import (
    ConnectionT,
    EngineT,
    GenericAlembicConfig,
    GenericSessionConfig,
    GenericSQLAlchemyConfig,
    SessionMakerT,
    SessionT,
)
from advanced_alchemy.config.engine import EngineConfig
from advanced_alchemy.config.routing import ReplicaConfig, RoutingConfig, RoutingStrategy
from advanced_alchemy.config.sync import AlembicSyncConfig, SQLAlchemySyncConfig, SyncSessionConfig
from advanced_alchemy.config.types import CommitStrategy, TypeDecodersSequence, TypeEncodersMap
from advanced_alchemy.exceptions import MissingDependencyError

__all__ = (
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
)

_LITESTAR_NAMES = frozenset({"SQLAlchemyLitestarConfig"})


def __getattr__(name: str) -> Any:
    if name in _LITESTAR_NAMES:
        try:
            module = importlib.import_module("advanced_alchemy.extensions.litestar")
        except ImportError as exc:
            if importlib.util.find_spec("litestar") is None:
                raise MissingDependencyError("litestar", "litestar") from exc
            raise
        return getattr(module, name)
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)
