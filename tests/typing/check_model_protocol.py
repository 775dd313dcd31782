"""Checked by ``mypy --strict`` in ``make lint`` (not collected by pytest): typed user code type-checks."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.repository import SQLAlchemyAsyncRepository, SQLAlchemySyncRepository, model_from_dict
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService


class Base(DeclarativeBase):
    pass


class Plain(Base):
    __tablename__ = "typing_plain"
    id: Mapped[int] = mapped_column(primary_key=True)


class Audited(UUIDAuditBase):
    __tablename__ = "typing_audited"
    name: Mapped[str]


class PlainRepository(SQLAlchemySyncRepository[Plain]):
    model_type = Plain


class AuditedRepository(SQLAlchemyAsyncRepository[Audited]):
    model_type = Audited


class AuditedService(SQLAlchemyAsyncRepositoryService[Audited, AuditedRepository]):
    repository_type = AuditedRepository


plain: Plain = model_from_dict(Plain, id=1)
audited: Audited = model_from_dict(Audited, name="a")
