"""UUID primary keys (v4, v6, v7)."""

from __future__ import annotations

import logging
from uuid import UUID

from sqlalchemy.orm import Mapped, mapped_column

from advanced_alchemy.mixins.sentinel import SentinelMixin
from advanced_alchemy.types.guid import GUID
from advanced_alchemy.utils.identifiers import uuid4, uuid6, uuid7

logger = logging.getLogger("advanced_alchemy")


class UUIDPrimaryKey(SentinelMixin):
    """``id``: random UUID (v4) primary key."""

    __abstract__ = True

    id: Mapped[UUID] = mapped_column(GUID, default=uuid4, primary_key=True, nullable=False, sort_order=-100)


class UUIDv6PrimaryKey(SentinelMixin):
    """``id``: time-ordered UUIDv6 primary key."""

    __abstract__ = True

    id: Mapped[UUID] = mapped_column(GUID, default=uuid6, primary_key=True, nullable=False, sort_order=-100)


class UUIDv7PrimaryKey(SentinelMixin):
    """``id``: time-ordered UUIDv7 primary key (millisecond Unix timestamp prefix)."""

    __abstract__ = True

    id: Mapped[UUID] = mapped_column(GUID, default=uuid7, primary_key=True, nullable=False, sort_order=-100)
