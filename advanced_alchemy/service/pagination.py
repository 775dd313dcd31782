"""Paginated results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ("OffsetPagination",)

T = TypeVar("T")


@dataclass(slots=True)
class OffsetPagination(Generic[T]):
    """A page of ``items`` with the ``limit``/``offset`` that selected it and the ``total`` number of matches."""

    items: Sequence[T]
    """The items of this page."""
    limit: int
    """Maximum number of items per page."""
    offset: int
    """Number of items skipped before this page."""
    total: int
    """Number of matching items over all pages."""
