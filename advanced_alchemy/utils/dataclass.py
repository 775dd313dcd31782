"""Dataclass helpers and the ``Empty`` sentinel ("argument not given")."""

from __future__ import annotations

from dataclasses import Field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Final, Optional, Protocol, runtime_checkable

from typing_extensions import TypeAlias, TypeGuard

if TYPE_CHECKING:
    from collections.abc import Iterable
    from collections.abc import Set as AbstractSet

__all__ = (
    "DataclassProtocol",
    "Empty",
    "EmptyType",
    "extract_dataclass_fields",
    "extract_dataclass_items",
    "is_dataclass_class",
    "is_dataclass_instance",
    "simple_asdict",
)


@runtime_checkable
class DataclassProtocol(Protocol):
    """Any dataclass."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


class Empty:
    """Sentinel class meaning "no value was given" (distinct from ``None``)."""

    __final__: Final = True


EmptyType: TypeAlias = "type[Empty]"


def is_dataclass_instance(obj: Any) -> TypeGuard[DataclassProtocol]:
    """Whether ``obj`` is a dataclass instance."""
    return is_dataclass(obj) and not isinstance(obj, type)


def is_dataclass_class(annotation: Any) -> TypeGuard[type[DataclassProtocol]]:
    """Whether ``annotation`` is a dataclass type."""
    return isinstance(annotation, type) and is_dataclass(annotation)


def extract_dataclass_fields(
    dt: DataclassProtocol,
    exclude_none: bool = False,
    exclude_empty: bool = False,
    include: Optional[AbstractSet[str]] = None,
    exclude: Optional[AbstractSet[str]] = None,
) -> tuple[Field[Any], ...]:
    """The fields of ``dt``, filtered by value (``None``/``Empty``) and by name."""
    include = include or set()
    exclude = exclude or set()
    if common := include & exclude:
        msg = f"Fields {common} are both included and excluded."
        raise ValueError(msg)
    selected: Iterable[Field[Any]] = fields(dt)
    return tuple(
        f
        for f in selected
        if (not include or f.name in include)
        and f.name not in exclude
        and not (exclude_none and getattr(dt, f.name) is None)
        and not (exclude_empty and getattr(dt, f.name) is Empty)
    )


def extract_dataclass_items(
    dt: DataclassProtocol,
    exclude_none: bool = False,
    exclude_empty: bool = False,
    include: Optional[AbstractSet[str]] = None,
    exclude: Optional[AbstractSet[str]] = None,
) -> tuple[tuple[str, Any], ...]:
    """``(name, value)`` pairs of the selected fields of ``dt``."""
    selected = extract_dataclass_fields(dt, exclude_none, exclude_empty, include, exclude)
    return tuple((f.name, getattr(dt, f.name)) for f in selected)


def simple_asdict(
    obj: DataclassProtocol,
    exclude_none: bool = False,
    exclude_empty: bool = False,
    convert_nested: bool = True,
    exclude: Optional[AbstractSet[str]] = None,
) -> dict[str, Any]:
    """Shallow ``asdict`` (nested dataclasses converted when ``convert_nested``) with value/name filters."""
    result: dict[str, Any] = {}
    for name, value in extract_dataclass_items(obj, exclude_none, exclude_empty, exclude=exclude):
        if convert_nested and is_dataclass_instance(value):
            result[name] = simple_asdict(value, exclude_none, exclude_empty)
        else:
            result[name] = value
    return result
