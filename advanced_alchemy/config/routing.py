"""Read/write routing settings (primary + read replicas).

Only the settings live here; sessions that route statements between engines are provided by
:mod:`advanced_alchemy.routing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, Union

__all__ = ("ReplicaConfig", "RoutingConfig", "RoutingStrategy")


class RoutingStrategy(Enum):
    """How a replica is chosen among the engines of a group."""

    ROUND_ROBIN = 1
    """Cycle through the engines in order."""
    RANDOM = 2
    """Pick an engine at random (weighted by :attr:`EngineConfig.weight`)."""


@dataclass
class EngineConfig:
    """One engine of a routing group (distinct from :class:`advanced_alchemy.config.EngineConfig`)."""

    connection_string: str
    weight: int = 1
    name: str = ""


ReplicaConfig = EngineConfig


def _default_read_replicas() -> list[Union[str, EngineConfig]]:
    return []


def _default_engines() -> dict[str, list[Union[str, EngineConfig]]]:
    return {}


@dataclass
class RoutingConfig:
    """Engine groups for routing: writes go to ``default_group``, reads to ``read_group``.

    On init the primary connection string is put first in ``engines[default_group]`` (named
    ``"primary"``) and ``read_replicas`` are appended to ``engines[read_group]``.
    """

    primary_connection_string: Optional[str] = None
    read_replicas: list[Union[str, EngineConfig]] = field(default_factory=_default_read_replicas)
    engines: dict[str, list[Union[str, EngineConfig]]] = field(default_factory=_default_engines)
    default_group: str = "default"
    read_group: str = "read"
    routing_strategy: RoutingStrategy = RoutingStrategy.ROUND_ROBIN
    enabled: bool = True
    sticky_after_write: bool = True
    reset_stickiness_on_commit: bool = True

    def __post_init__(self) -> None:
        engines = {group: list(members) for group, members in self.engines.items()}
        if self.primary_connection_string is not None:
            primary = EngineConfig(connection_string=self.primary_connection_string, name="primary")
            engines.setdefault(self.default_group, []).insert(0, primary)
        if self.read_replicas:
            engines.setdefault(self.read_group, []).extend(self.read_replicas)
        self.engines = engines

    def get_engine_configs(self, group: str) -> list[EngineConfig]:
        """The engines of ``group`` (plain strings converted); empty for an unknown group."""
        return [
            EngineConfig(connection_string=member) if isinstance(member, str) else member
            for member in self.engines.get(group, [])
        ]
