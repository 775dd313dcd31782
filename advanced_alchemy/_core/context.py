"""Per-call settings of a repository operation, resolved once into an immutable object."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Optional, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm.interfaces import ORMOption

from advanced_alchemy._core.model_info import ModelInfo
from advanced_alchemy.exceptions import ErrorMessages

__all__ = ("CallContext", "M")

M = TypeVar("M")


@dataclass(frozen=True)
class CallContext(Generic[M]):
    """Everything an operation needs to know about the call, and nothing about the session."""

    info: ModelInfo
    statement: Select[Any]
    dialect_name: str
    auto_commit: bool = False
    auto_expunge: bool = False
    auto_refresh: bool = True
    uniquify: bool = False
    options: Sequence[ORMOption] = ()
    execution_options: Optional[dict[str, Any]] = None
    error_messages: Optional[ErrorMessages] = None
    wrap_exceptions: bool = True
    id_attribute: str = "id"
    order_by: Any = None
    count_with_window_function: bool = True
    prefer_any: bool = False
    """Match a list of keys with one ``= ANY(:array)`` parameter instead of ``IN (...)``."""
    plain_statement: bool = False
    """``statement`` is the repository's default ``select(model)`` (so a count can be built directly)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> type[M]:
        return self.info.model

    def select(self, statement: Optional[Any] = None) -> Select[Any]:
        """The base SELECT for this call with loader and execution options applied."""
        stmt = self.statement if statement is None else statement
        if self.options:
            stmt = stmt.options(*self.options)
        if self.execution_options:
            stmt = stmt.execution_options(**self.execution_options)
        return stmt
