"""The repositories satisfy their runtime-checkable protocols and keep their own behaviour."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from advanced_alchemy.base import BigIntBase
from advanced_alchemy.repository import (
    FilterableRepository,
    SQLAlchemyAsyncRepository,
    SQLAlchemyAsyncRepositoryProtocol,
    SQLAlchemyAsyncSlugRepository,
    SQLAlchemyAsyncSlugRepositoryProtocol,
    SQLAlchemySyncRepository,
    SQLAlchemySyncRepositoryProtocol,
    SQLAlchemySyncSlugRepository,
    SQLAlchemySyncSlugRepositoryProtocol,
)


class ProtocolWidget(BigIntBase):
    __tablename__ = "protocol_widget"
    name: Mapped[str] = mapped_column()


def test_sync_repositories_satisfy_protocols() -> None:
    class Repo(SQLAlchemySyncSlugRepository[Any]):
        model_type = ProtocolWidget

    with Session(create_engine("sqlite://")) as session:
        repo = Repo(session=session)
        assert isinstance(repo, SQLAlchemySyncRepositoryProtocol)
        assert isinstance(repo, SQLAlchemySyncSlugRepositoryProtocol)
        assert isinstance(repo, FilterableRepository)
        assert repo.pk_attr_names == ("id",)  # the shared implementation, not the protocol stub
    assert issubclass(SQLAlchemySyncRepository, FilterableRepository)


@pytest.mark.asyncio
async def test_async_repositories_satisfy_protocols() -> None:
    class Repo(SQLAlchemyAsyncSlugRepository[Any]):
        model_type = ProtocolWidget

    from sqlalchemy.ext.asyncio import AsyncSession

    engine = create_async_engine("sqlite+aiosqlite://")
    async with AsyncSession(engine) as session:
        repo = Repo(session=session)
        assert isinstance(repo, SQLAlchemyAsyncRepositoryProtocol)
        assert isinstance(repo, SQLAlchemyAsyncSlugRepositoryProtocol)
        assert repo.get_id_attribute_value(ProtocolWidget(id=3)) == 3
    await engine.dispose()
    assert SQLAlchemyAsyncRepository.prefer_any_dialects == ("postgresql",)
