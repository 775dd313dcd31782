"""Insert sentinel column: lets SQLAlchemy batch INSERT ... RETURNING for client-generated keys."""

from __future__ import annotations

from typing import Any, TypedDict, cast

from sqlalchemy.orm import Mapped, MappedAsDataclass, declared_attr, mapped_column
from sqlalchemy.sql.schema import _InsertSentinelColumnDefault
from typing_extensions import NotRequired


class SentinelKwargs(TypedDict):
    """Extra keyword arguments for the sentinel column."""

    init: NotRequired[bool]


class SentinelMixin:
    """Adds the ``sa_orm_sentinel`` insert-sentinel column (nullable, never written by statements).

    SQLAlchemy uses it to match rows of a batched ``INSERT ... RETURNING`` back to their objects when the
    primary key is generated client-side (UUIDs, Nano IDs).
    """

    __abstract__ = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

    @declared_attr
    def _sentinel(cls) -> Mapped[int]:
        kwargs: dict[str, Any] = {"init": False} if issubclass(cast("type[Any]", cls), MappedAsDataclass) else {}
        return mapped_column(
            name="sa_orm_sentinel",
            default=_InsertSentinelColumnDefault(),
            _omit_from_statements=True,
            insert_sentinel=True,
            use_existing_column=True,
            nullable=True,
            sort_order=3001,
            **kwargs,
        )
