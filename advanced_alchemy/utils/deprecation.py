"""Deprecation warnings with one message format."""

from __future__ import annotations

import functools
import inspect
from typing import Callable, Literal, Optional, TypeVar
from warnings import warn

from typing_extensions import ParamSpec

__all__ = ("deprecated", "warn_deprecation")

P = ParamSpec("P")
T = TypeVar("T")
DeprecatedKind = Literal["function", "method", "classmethod", "attribute", "property", "class", "parameter", "import"]


def warn_deprecation(
    version: str,
    deprecated_name: str,
    kind: DeprecatedKind,
    *,
    removal_in: Optional[str] = None,
    alternative: Optional[str] = None,
    info: Optional[str] = None,
    pending: bool = False,
) -> None:
    """Emit a ``DeprecationWarning`` (``PendingDeprecationWarning`` when ``pending``)."""
    access_type = "Use of" if kind in {"parameter", "import"} else "Call to"
    parts = [f"{access_type} {'pending ' if pending else ''}deprecated {kind} {deprecated_name!r}."]
    parts.append(f"Deprecated in advanced-alchemy {version}.")
    parts.append(f"This {kind} will be removed in {removal_in or 'the next major version'}.")
    if alternative:
        parts.append(f"Use {alternative} instead.")
    if info:
        parts.append(info)
    warn(" ".join(parts), category=PendingDeprecationWarning if pending else DeprecationWarning, stacklevel=3)


def deprecated(
    version: str,
    *,
    removal_in: Optional[str] = None,
    alternative: Optional[str] = None,
    info: Optional[str] = None,
    pending: bool = False,
    kind: Optional[Literal["function", "method", "classmethod", "property"]] = None,
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Decorator that warns on every call of the decorated callable."""

    def decorator(func: Callable[P, T]) -> Callable[P, T]:
        resolved_kind = kind or ("method" if inspect.ismethod(func) else "function")

        @functools.wraps(func)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> T:
            warn_deprecation(
                version,
                func.__name__,
                resolved_kind,
                removal_in=removal_in,
                alternative=alternative,
                info=info,
                pending=pending,
            )
            return func(*args, **kwargs)

        return wrapped

    return decorator
