"""Loader options (``load=``) and uniquifying on every backend, sync and async."""

from __future__ import annotations

from typing import Any

import pytest
from repository_support import run_scenario
from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, selectinload
from support import Backend

from advanced_alchemy.exceptions import RepositoryError


class Base(DeclarativeBase):
    metadata = MetaData()


class LoadAuthor(Base):
    __tablename__ = "load_author"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(50))
    books: Mapped[list[LoadBook]] = relationship(back_populates="author", lazy="raise")


class LoadBook(Base):
    __tablename__ = "load_book"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[int] = mapped_column(ForeignKey("load_author.id"))
    author: Mapped[LoadAuthor] = relationship(back_populates="books", lazy="raise", innerjoin=True)
    reviews: Mapped[list[LoadReview]] = relationship(lazy="raise")


class LoadReview(Base):
    __tablename__ = "load_review"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    book_id: Mapped[int] = mapped_column(ForeignKey("load_book.id"))
    stars: Mapped[int]


@pytest.fixture
def library(backend: Backend) -> Any:
    backend.create_all(Base.metadata)

    def seed(session: Any) -> None:
        session.add_all([LoadAuthor(id=1, name="A"), LoadAuthor(id=2, name="B")])
        session.flush()
        session.add_all([LoadBook(id=i, title=f"t{i}", author_id=1 + i % 2) for i in range(1, 5)])
        session.flush()
        session.add_all([LoadReview(id=i, book_id=1 + i % 4, stars=i) for i in range(1, 9)])
        session.commit()

    backend.run(seed)
    yield backend
    backend.drop_all(Base.metadata)


def test_collection_scalar_and_chained_loads(library: Backend) -> None:
    async def scenario(session: Any, authors: Any, books: Any) -> None:
        loaded = await authors.get_many(load=[LoadAuthor.books], order_by=("id", False))
        assert [len(a.books) for a in loaded] == [2, 2]
        with_author = await books.get_many(load=LoadBook.author, order_by=("id", False))
        assert [b.author.name for b in with_author] == ["B", "A", "B", "A"]
        chained = await authors.get(1, load=[[LoadAuthor.books, LoadBook.reviews]])
        assert sorted(len(b.reviews) for b in chained.books) == [2, 2]
        option = await authors.get_one(name="B", load=selectinload(LoadAuthor.books))
        assert len(option.books) == 2
        page, total = await authors.get_many_and_count(load="*")
        assert total == 2
        assert len(page) == 2

    run_scenario(library, scenario, LoadAuthor, LoadBook)


def test_default_load_on_the_repository_and_raise_without_it(library: Backend) -> None:
    async def with_default(session: Any, authors: Any) -> None:
        assert sum(len(a.books) for a in await authors.get_many()) == 4

    run_scenario(library, with_default, LoadAuthor, load=[LoadAuthor.books])

    async def without(session: Any, authors: Any) -> None:
        author = await authors.get(1)
        with pytest.raises(InvalidRequestError):
            _ = author.books

    run_scenario(library, without, LoadAuthor)


def test_invalid_load_spec_is_a_clear_error(library: Backend) -> None:
    async def scenario(session: Any, authors: Any) -> None:
        with pytest.raises(RepositoryError, match="Invalid load option"):
            await authors.get_many(load=[42])

    run_scenario(library, scenario, LoadAuthor)
