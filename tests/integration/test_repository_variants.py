"""Slug and query repositories on every backend, sync and async; model helpers."""

from __future__ import annotations

import asyncio
import types
from typing import Any

import pytest
from repository_support import Awaitable_
from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column
from support import Backend
from test_repository import TABLES, RepoAuthor, RepoBook

from advanced_alchemy.base import UUIDBase, orm_registry
from advanced_alchemy.exceptions import MultipleResultsFoundError, NotFoundError, RepositoryError
from advanced_alchemy.mixins import SlugKey
from advanced_alchemy.repository import (
    SQLAlchemyAsyncQueryRepository,
    SQLAlchemyAsyncSlugRepository,
    SQLAlchemySyncQueryRepository,
    SQLAlchemySyncSlugRepository,
    get_instrumented_attr,
    model_from_dict,
)


class RepoArticle(UUIDBase, SlugKey):
    __tablename__ = "repo_article"
    title: Mapped[str] = mapped_column(String(100))


def run(backend: Backend, scenario: Any, async_cls: type, sync_cls: type, **kwargs: Any) -> None:
    async def go() -> None:
        if isinstance(backend.engine, AsyncEngine):
            async with AsyncSession(backend.engine, expire_on_commit=False) as session:
                await scenario(session, async_cls(session=session, **kwargs))
        else:
            with Session(backend.engine, expire_on_commit=False) as session:
                await scenario(Awaitable_(session), Awaitable_(sync_cls(session=session, **kwargs)))

    backend._await(go()) if backend.is_async else asyncio.run(go())


def slug_classes() -> tuple[type, type]:
    def body(ns: dict[str, Any]) -> None:
        ns["model_type"] = RepoArticle

    return (
        types.new_class("ArticleAsync", (SQLAlchemyAsyncSlugRepository[RepoArticle],), exec_body=body),
        types.new_class("ArticleSync", (SQLAlchemySyncSlugRepository[RepoArticle],), exec_body=body),
    )


def test_slug_repository(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, [RepoArticle])

    async def scenario(session: Any, repo: Any) -> None:
        slug = await repo.get_available_slug("Hello World!")
        assert slug == "hello-world"
        await repo.add(RepoArticle(title="Hello World!", slug=slug), auto_commit=True)
        assert (await repo.get_by_slug("hello-world")).title == "Hello World!"
        assert await repo.get_by_slug("nope") is None
        second = await repo.get_available_slug("Hello World!")
        assert second.startswith("hello-world-")
        assert len(second) == len("hello-world-") + 4

    try:
        run(backend, scenario, *slug_classes())
    finally:
        backend.drop_all(orm_registry.metadata, [RepoArticle])


def test_slug_repository_generates_missing_slugs(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, [RepoArticle])

    async def scenario(session: Any, repo: Any) -> None:
        first = await repo.add(RepoArticle(title="Big News"), auto_commit=True)
        assert first.slug == "big-news"
        second = await repo.add(RepoArticle(title="Big News"), auto_commit=True)
        assert second.slug.startswith("big-news-")
        kept = await repo.add(RepoArticle(title="Other", slug="custom"), auto_commit=True)
        assert kept.slug == "custom"
        batch = await repo.add_many([RepoArticle(title="Twin"), RepoArticle(title="Twin")], auto_commit=True)
        assert batch[0].slug == "twin"
        assert batch[1].slug.startswith("twin-")

    try:
        run(backend, scenario, *slug_classes())
    finally:
        backend.drop_all(orm_registry.metadata, [RepoArticle])


def test_query_repository(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, TABLES)

    def seed(session: Session) -> None:
        authors = [RepoAuthor(name=f"q{i}", rank=i % 2) for i in range(4)]
        session.add_all(authors)
        session.flush()
        session.add_all([RepoBook(title=f"b{i}", author_id=authors[i % 2].id) for i in range(5)])
        session.commit()

    backend.run(seed)

    async def scenario(session: Any, repo: Any) -> None:
        per_author = select(RepoBook.author_id, func.count(RepoBook.id).label("n")).group_by(RepoBook.author_id)
        rows = await repo.get_many(per_author)
        assert sorted(row.n for row in rows) == [2, 3]
        assert await repo.count(per_author) == 2
        rows, total = await repo.get_many_and_count(select(RepoAuthor.name).order_by(RepoAuthor.name).limit(2))
        assert ([r.name for r in rows], total) == (["q0", "q1"], 4)
        rows, total = await repo.get_many_and_count(
            select(RepoAuthor.name).order_by(RepoAuthor.name).limit(2), count_with_window_function=False
        )
        assert ([r.name for r in rows], total) == (["q0", "q1"], 4)
        assert await repo.get_many_and_count(select(RepoAuthor.name).offset(10).limit(2)) == ([], 4)
        one = await repo.get_one(select(RepoAuthor.name, RepoAuthor.rank), name="q3")
        assert (one.name, one.rank) == ("q3", 1)
        assert await repo.get_one_or_none(select(RepoAuthor.name), name="none") is None
        with pytest.raises(NotFoundError):
            await repo.get_one(select(RepoAuthor.name), name="none")
        with pytest.raises(MultipleResultsFoundError):
            await repo.get_one(select(RepoAuthor.name), rank=1)
        assert (await repo.execute(select(func.count()).select_from(RepoAuthor))).scalar_one() == 4

    try:
        run(backend, scenario, SQLAlchemyAsyncQueryRepository, SQLAlchemySyncQueryRepository)
    finally:
        backend.drop_all(orm_registry.metadata, TABLES)


def test_model_from_dict_and_instrumented_attr() -> None:
    author = model_from_dict(RepoAuthor, name="a", unknown="dropped", books=[{"title": "t"}])
    assert author.name == "a"
    assert [b.title for b in author.books] == ["t"]
    assert get_instrumented_attr(RepoAuthor, "name") is RepoAuthor.name
    assert get_instrumented_attr(RepoAuthor, RepoAuthor.rank) is RepoAuthor.rank
    with pytest.raises(RepositoryError, match="no field named 'nope'"):
        get_instrumented_attr(RepoAuthor, "nope")
