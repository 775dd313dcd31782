"""advanced-alchemy: production-grade building blocks for SQLAlchemy 2.x."""

from __future__ import annotations

import importlib
from typing import Any

from advanced_alchemy.__about__ import __version__
from advanced_alchemy.utils.serialization import decode_json, encode_json

__all__ = (
    "__version__",
    "alembic",
    "base",
    "cli",
    "config",
    "decode_json",
    "encode_json",
    "exceptions",
    "extensions",
    "filters",
    "mixins",
    "operations",
    "service",
    "types",
    "utils",
)

_SUBMODULES = frozenset(
    {
        "alembic",
        "base",
        "cli",
        "config",
        "exceptions",
        "extensions",
        "filters",
        "mixins",
        "operations",
        "repository",
        "routing",
        "service",
        "types",
        "utils",
    }
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"advanced_alchemy.{name}")
    msg = f"module 'advanced_alchemy' has no attribute {name!r}"
    raise AttributeError(msg)
