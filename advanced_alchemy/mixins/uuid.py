"""UUID primary keys (v4, v6, v7)."""

from __future__ import annotations

import logging
from typing import Any, Callable
from uuid import UUID

from sqlalchemy.orm import Mapped, mapped_column

from advanced_alchemy.mixins.sentinel import SentinelMixin
from advanced_alchemy.types.guid import GUID
from advanced_alchemy.utils import identifiers as _identifiers
from advanced_alchemy.utils.identifiers import uuid4

logger = logging.getLogger("advanced_alchemy")

uuid6: Callable[[], UUID] = _identifiers.uuid6
"""UUIDv6 generator: ``uuid_utils.compat.uuid6`` when installed, else an RFC 9562 implementation."""
uuid7: Callable[[], UUID] = _identifiers.uuid7
"""UUIDv7 generator: ``uuid_utils.compat.uuid7`` when installed, else an RFC 9562 implementation."""


class UUIDPrimaryKey(SentinelMixin):
    """``id``: random UUID (v4) primary key."""

    __abstract__ = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

    id: Mapped[UUID] = mapped_column(GUID, default=uuid4, primary_key=True, nullable=False, sort_order=-100)


class UUIDv6PrimaryKey(SentinelMixin):
    """``id``: time-ordered UUIDv6 primary key."""

    __abstract__ = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

    id: Mapped[UUID] = mapped_column(GUID, default=uuid6, primary_key=True, nullable=False, sort_order=-100)


class UUIDv7PrimaryKey(SentinelMixin):
    """``id``: time-ordered UUIDv7 primary key (millisecond Unix timestamp prefix)."""

    __abstract__ = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

    id: Mapped[UUID] = mapped_column(GUID, default=uuid7, primary_key=True, nullable=False, sort_order=-100)
