"""The session calls an operation can ask its driver for.

Operations are generators: they yield steps and receive each step's result, so one operation runs on a
sync ``Session`` or an ``AsyncSession`` unchanged.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any, Optional, TypeVar, Union

from sqlalchemy.sql import Executable

__all__ = (
    "Add",
    "AddAll",
    "Attach",
    "BeginNested",
    "Commit",
    "Delete",
    "EndNested",
    "Execute",
    "Expunge",
    "Flush",
    "MarkDeleted",
    "Operation",
    "Refresh",
    "Step",
)

T = TypeVar("T")


@dataclass(frozen=True)
class Execute:
    """``session.execute(statement, params, execution_options=...)`` -> buffered ``Result``."""

    statement: Executable
    params: Optional[Union[dict[str, Any], Sequence[dict[str, Any]]]] = None
    execution_options: Optional[dict[str, Any]] = None
    autoflush: bool = True
    """``False``: run it in ``session.no_autoflush`` (it writes the pending changes itself)."""


@dataclass(frozen=True)
class Add:
    """``session.add(instance)``."""

    instance: Any


@dataclass(frozen=True)
class AddAll:
    """``session.add_all(instances)``."""

    instances: Sequence[Any]


@dataclass(frozen=True)
class Attach:
    """Make instances whose rows were just written persistent in the session (no SQL).

    With ``values`` (one dict of column attribute values per instance, as read back from the database), an
    instance whose row is already in the session's identity map is not attached: that session instance gets
    the values instead and takes its place in the result. The driver returns the resulting instances.
    """

    instances: Sequence[Any]
    values: Optional[Sequence[dict[str, Any]]] = None


@dataclass(frozen=True)
class Flush:
    """``session.flush()``."""


@dataclass(frozen=True)
class Commit:
    """``session.commit()``."""


@dataclass(frozen=True)
class Refresh:
    """``session.refresh(instance, attribute_names, with_for_update)``."""

    instance: Any
    attribute_names: Optional[Sequence[str]] = None
    with_for_update: Any = None


@dataclass(frozen=True)
class Delete:
    """``session.delete(instance)``."""

    instance: Any


@dataclass(frozen=True)
class MarkDeleted:
    """Record instances whose rows a statement just deleted as deleted in the session (no SQL), as a flush of
    ``session.delete()`` would: out of the identity map, detached at commit with their values kept, persistent
    again after a rollback."""

    instances: Sequence[Any]


@dataclass(frozen=True)
class Expunge:
    """``session.expunge(instance)`` for each instance still attached and not deleted."""

    instances: Sequence[Any]


@dataclass(frozen=True)
class BeginNested:
    """A SAVEPOINT -> its transaction object (``commit()`` releases it, ``rollback()`` rolls back to it).

    ``session_level``: ``session.begin_nested()``, which first flushes the session and on rollback also
    restores the session's objects (for unit-of-work writes). Otherwise a SAVEPOINT on the connection
    that serves ``mapper`` (no flush; for writes that send only their own statements).
    """

    session_level: bool = True
    mapper: Any = None


@dataclass(frozen=True)
class EndNested:
    """Commit (``commit=True``) or roll back the savepoint ``transaction``."""

    transaction: Any
    commit: bool


Step = Union[Execute, Add, AddAll, Attach, Flush, Commit, Refresh, Delete, MarkDeleted, Expunge, BeginNested, EndNested]
Operation = Generator[Step, Any, T]
"""An operation: yields steps, receives their results, returns its own result."""
