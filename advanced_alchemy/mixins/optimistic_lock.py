"""Optimistic locking with a version counter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

__all__ = ("OptimisticLockMixin",)


class OptimisticLockMixin:
    """``version``: counter checked and incremented on every UPDATE/DELETE (SQLAlchemy ``version_id_col``).

    Writing a row that another transaction changed since it was loaded matches no row; the repository
    (or :func:`~advanced_alchemy.exceptions.wrap_sqlalchemy_exception`) raises
    :class:`~advanced_alchemy.exceptions.ConflictError`.
    A model that declares its own ``__mapper_args__`` must include ``"version_id_col": cls.version`` itself.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, sort_order=3000)
    """Row version, starting at 1."""

    @declared_attr.directive
    @classmethod
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
