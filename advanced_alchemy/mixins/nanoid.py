"""Nano ID primary key."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from advanced_alchemy.mixins.sentinel import SentinelMixin
from advanced_alchemy.utils.identifiers import nanoid

logger = logging.getLogger("advanced_alchemy")


class NanoIDPrimaryKey(SentinelMixin):
    """``id``: URL-friendly 21-character Nano ID primary key (column sized for up to 36 characters)."""

    __abstract__ = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)

    id: Mapped[str] = mapped_column(String(36), default=nanoid, primary_key=True, nullable=False, sort_order=-100)
