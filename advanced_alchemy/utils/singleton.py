"""Singleton metaclass."""

from __future__ import annotations

import threading
from typing import Any, ClassVar, TypeVar

__all__ = ("SingletonMeta",)

_T = TypeVar("_T")


class SingletonMeta(type):
    """Metaclass whose classes have exactly one instance."""

    _instances: ClassVar[dict[type, Any]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __call__(cls: type[_T], *args: Any, **kwargs: Any) -> _T:
        instances = SingletonMeta._instances
        if cls not in instances:
            with SingletonMeta._lock:
                if cls not in instances:
                    instances[cls] = super().__call__(*args, **kwargs)  # type: ignore[misc]
        return instances[cls]  # type: ignore[no-any-return]
