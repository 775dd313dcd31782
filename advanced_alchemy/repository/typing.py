"""Type variables and aliases used by the repositories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union

from sqlalchemy import RowMapping, Select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.base import ExecutableOption
from sqlalchemy.sql.elements import UnaryExpression
from typing_extensions import TypeAlias, TypeVar

from advanced_alchemy.base import ModelProtocol

if TYPE_CHECKING:
    from advanced_alchemy.repository._async import SQLAlchemyAsyncRepository
    from advanced_alchemy.repository._sync import SQLAlchemySyncRepository
    from advanced_alchemy.repository.memory import SQLAlchemyAsyncMockRepository, SQLAlchemySyncMockRepository

__all__ = (
    "MISSING",
    "ModelOrRowMappingT",
    "ModelT",
    "OrderingPair",
    "PrimaryKeyType",
    "RowMappingT",
    "RowT",
    "SQLAlchemyAsyncRepositoryT",
    "SQLAlchemySyncRepositoryT",
    "SelectT",
    "T",
)

T = TypeVar("T")
ModelT = TypeVar("ModelT", bound=ModelProtocol)
SelectT = TypeVar("SelectT", bound=Select[Any])
RowT = TypeVar("RowT", bound=tuple[Any, ...])
RowMappingT = TypeVar("RowMappingT", bound=RowMapping)
ModelOrRowMappingT = TypeVar("ModelOrRowMappingT", bound=Union[ModelProtocol, RowMapping])
OrderingPair: TypeAlias = Union[tuple[Union[str, InstrumentedAttribute[Any]], bool], UnaryExpression[Any]]
"""``(field, is_descending)`` or an ordering expression."""
PrimaryKeyType: TypeAlias = Union[Any, tuple[Any, ...], dict[str, Any]]
"""A scalar, a tuple (composite key, mapper column order) or a dict keyed by primary-key attribute names."""
SingleLoad: TypeAlias = Union[InstrumentedAttribute[Any], ExecutableOption, str, bool]
"""One relationship to eager-load, a loader option, ``"*"`` for all relationships, or ``True``."""
LoadCollection: TypeAlias = Sequence[Union[SingleLoad, Sequence[SingleLoad]]]
"""Several loads; a nested sequence is a path through relationships."""
ExecutableOptions: TypeAlias = Sequence[ExecutableOption]
LoadSpec: TypeAlias = Union[LoadCollection, SingleLoad, ExecutableOption, ExecutableOptions]
"""What a repository's ``load=`` accepts."""
SQLAlchemyAsyncRepositoryT = TypeVar(
    "SQLAlchemyAsyncRepositoryT",
    bound="Union[SQLAlchemyAsyncRepository[Any], SQLAlchemyAsyncMockRepository[Any]]",
    default=Any,
)
SQLAlchemySyncRepositoryT = TypeVar(
    "SQLAlchemySyncRepositoryT",
    bound="Union[SQLAlchemySyncRepository[Any], SQLAlchemySyncMockRepository[Any]]",
    default=Any,
)


class _MISSING:
    """Sentinel for "no value"."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING = _MISSING()
