"""Optimistic locking with a version counter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, event, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

__all__ = ("OptimisticLockMixin",)


class OptimisticLockMixin:
    """``version``: counter checked and incremented on every UPDATE/DELETE (SQLAlchemy ``version_id_col``).

    Writing a row that another transaction changed since it was loaded matches no row and raises
    :class:`~sqlalchemy.orm.exc.StaleDataError`, which the repository (or
    :func:`~advanced_alchemy.exceptions.wrap_sqlalchemy_exception`) turns into
    :class:`~advanced_alchemy.exceptions.ConflictError`.
    A model that declares its own ``__mapper_args__`` must include ``"version_id_col": cls.version`` itself.

    On drivers that do not report matched rows (DuckDB through duckdb-engine), SQLAlchemy cannot check the
    UPDATE/DELETE; there the current version is read first in the same transaction and compared instead.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, sort_order=3000)
    """Row version, starting at 1."""

    @declared_attr.directive
    @classmethod
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


def _expected_version(target: Any, key: str) -> Any:
    history = inspect(target).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return None


def _verify_version(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    """Compare the loaded version with the stored one where SQLAlchemy cannot trust the rowcount."""
    if connection.dialect.supports_sane_rowcount:
        return  # SQLAlchemy checks the UPDATE/DELETE rowcount itself
    version_col = mapper.version_id_col
    if version_col is None:
        return
    key = mapper.get_property_by_column(version_col).key
    expected = _expected_version(target, key)
    if expected is None:
        return
    identity = inspect(target).identity  # the loaded primary key: no attribute access, so no lazy load
    table = version_col.table
    if identity is None or any(column.table is not table for column in mapper.primary_key):
        return
    criteria = [column == value for column, value in zip(mapper.primary_key, identity, strict=True)]
    current = connection.execute(select(version_col).where(*criteria)).scalar_one_or_none()
    if current != expected:
        msg = (
            f"{mapper.class_.__name__} row {identity!r} was changed or deleted by another transaction "
            f"(expected version {expected!r}, found {current!r})"
        )
        raise StaleDataError(msg)


event.listen(OptimisticLockMixin, "before_update", _verify_version, propagate=True)
event.listen(OptimisticLockMixin, "before_delete", _verify_version, propagate=True)
