"""Repository behaviour on every backend, sync and async (one test body, both repositories)."""

from __future__ import annotations

import datetime
import warnings
from typing import Any, Optional

import pytest
import sqlalchemy.exc as sa_exc
from repository_support import run_scenario
from sqlalchemy import ForeignKey, MetaData, String, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from support import Backend

from advanced_alchemy.base import BigIntAuditBase, UUIDAuditBase, orm_registry
from advanced_alchemy.exceptions import (
    DuplicateKeyError,
    IntegrityError,
    MultipleResultsFoundError,
    NotFoundError,
    RepositoryError,
)
from advanced_alchemy.filters import LimitOffset, OrderBy


class RepoAuthor(UUIDAuditBase):
    __tablename__ = "repo_author"
    name: Mapped[str] = mapped_column(String(100), unique=True)
    rank: Mapped[Optional[int]] = mapped_column(default=None)
    books: Mapped[list[RepoBook]] = relationship(back_populates="author", lazy="raise")


class RepoBook(BigIntAuditBase):
    __tablename__ = "repo_book"
    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[Any] = mapped_column(ForeignKey("repo_author.id"))
    author: Mapped[RepoAuthor] = relationship(back_populates="books", lazy="raise")


class PairBase(DeclarativeBase):
    metadata = MetaData()


class RepoPair(PairBase):
    __tablename__ = "repo_pair"
    left: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    right: Mapped[str] = mapped_column(String(10), primary_key=True)
    label: Mapped[str] = mapped_column(String(50))


TABLES = [RepoAuthor, RepoBook]


@pytest.fixture
def authors_backend(backend: Backend) -> Any:
    backend.create_all(orm_registry.metadata, TABLES)
    yield backend
    backend.drop_all(orm_registry.metadata, TABLES)


def names(rows: Any) -> list[str]:
    return [row.name for row in rows]


def test_add_get_update_delete(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        ada = await repo.add(RepoAuthor(name="Ada"), auto_commit=True)
        assert ada.id is not None
        assert ada.created_at.tzinfo is not None
        fetched = await repo.get(ada.id)
        assert fetched is ada
        assert (await repo.get("Ada", id_attribute="name")).id == ada.id
        updated = await repo.update(RepoAuthor(id=ada.id, rank=3), auto_commit=True)
        assert (updated.name, updated.rank) == ("Ada", 3)
        assert updated.updated_at >= updated.created_at
        deleted = await repo.delete(ada.id, auto_commit=True)
        assert deleted.name == "Ada"
        with pytest.raises(NotFoundError) as info:
            await repo.get(ada.id)
        assert info.value.detail == "The requested resource was not found"
        with pytest.raises(NotFoundError):
            await repo.delete(ada.id)
        with pytest.raises(NotFoundError):
            await repo.update(RepoAuthor(id=ada.id, name="Ghost"))

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_add_many_count_exists_and_pagination(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        assert await repo.add_many([]) == []
        created = await repo.add_many([RepoAuthor(name=f"a{i}", rank=i % 3) for i in range(7)], auto_commit=True)
        assert len(created) == 7
        assert all(a.id is not None for a in created)
        assert await repo.count() == 7
        assert await repo.count(rank=0) == 3
        assert await repo.count(LimitOffset(limit=2, offset=0)) == 7
        assert await repo.exists(name="a1")
        assert not await repo.exists(name="zz")
        page, total = await repo.get_many_and_count(LimitOffset(limit=3, offset=3), OrderBy("name"))
        assert (names(page), total) == (["a3", "a4", "a5"], 7)
        page, total = await repo.get_many_and_count(
            LimitOffset(limit=3, offset=3), OrderBy("name"), count_with_window_function=False
        )
        assert (names(page), total) == (["a3", "a4", "a5"], 7)
        # a page past the end still reports the true total
        assert await repo.get_many_and_count(LimitOffset(limit=3, offset=30)) == ([], 7)
        assert await repo.get_many_and_count(LimitOffset(limit=3, offset=30), count_with_window_function=False) == (
            [],
            7,
        )
        assert await repo.get_many_and_count(name="none") == ([], 0)
        ordered = await repo.get_many(order_by=("name", True))
        assert names(ordered)[0] == "a6"
        ranked = await repo.get_many(RepoAuthor.rank == 2, order_by=[("rank", False), ("name", False)])
        assert names(ranked) == ["a2", "a5"]

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_get_one_variants(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([RepoAuthor(name="x", rank=1), RepoAuthor(name="y", rank=1)], auto_commit=True)
        assert (await repo.get_one(name="x")).name == "x"
        assert await repo.get_one_or_none(name="nobody") is None
        with pytest.raises(NotFoundError):
            await repo.get_one(name="nobody")
        with pytest.raises(MultipleResultsFoundError):
            await repo.get_one(rank=1)
        with pytest.raises(MultipleResultsFoundError):
            await repo.get_one_or_none(rank=1)

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_deprecated_aliases_warn_and_work(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        await repo.add(RepoAuthor(name="Cody"), auto_commit=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert names(await repo.list()) == ["Cody"]
            rows, total = await repo.list_and_count(LimitOffset(limit=10, offset=0), name="Cody")
        assert (names(rows), total) == (["Cody"], 1)
        assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_delete_many_returns_deleted_rows(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        created = await repo.add_many([RepoAuthor(name=f"d{i}") for i in range(5)], auto_commit=True)
        deleted = await repo.delete_many([a.id for a in created[:3]] + [created[0].id], chunk_size=2, auto_commit=True)
        assert sorted(names(deleted)) == ["d0", "d1", "d2"]
        assert await repo.count() == 2
        assert await repo.delete_many([]) == []
        by_name = await repo.delete_many(["d3"], id_attribute="name", auto_commit=True)
        assert names(by_name) == ["d3"]
        with pytest.raises(ValueError, match="chunk_size"):
            await repo.delete_many([created[4].id], chunk_size=0)

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_delete_many_accepts_a_sql_expression(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        created = await repo.add_many([RepoAuthor(name=f"x{i}") for i in range(4)], auto_commit=True)
        doomed = [a.id for a in created[:2]]
        deleted = await repo.delete_many(RepoAuthor.id.in_(doomed), auto_commit=True)
        assert sorted(names(deleted)) == ["x0", "x1"]
        assert sorted(names(await repo.get_many())) == ["x2", "x3"]

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_delete_many_sends_one_array_parameter_on_postgres(authors_backend: Backend) -> None:
    """On PostgreSQL the keys travel as one ``= ANY(:array)`` parameter, so any number of ids is one DELETE."""
    statements: list[str] = []
    sync_engine = getattr(authors_backend.engine, "sync_engine", authors_backend.engine)

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    async def scenario(session: Any, repo: Any) -> None:
        created = await repo.add_many([RepoAuthor(name=f"a{i}") for i in range(40)], auto_commit=True)
        event.listen(sync_engine, "before_cursor_execute", record)
        try:
            deleted = await repo.delete_many([a.id for a in created[:30]], chunk_size=None, auto_commit=True)
        finally:
            event.remove(sync_engine, "before_cursor_execute", record)
        assert len(deleted) == 30
        assert await repo.count() == 10

    run_scenario(authors_backend, scenario, RepoAuthor)
    deletes = [s for s in statements if s.lstrip().upper().startswith("DELETE")]
    if authors_backend.dialect_name == "postgresql":
        assert len(deletes) == 1
        assert "ANY" in deletes[0].upper()
    else:
        assert all("ANY" not in s.upper() for s in deletes)


def test_duplicate_key_is_catchable_both_ways(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        await repo.add(RepoAuthor(name="dup"), auto_commit=True)
        with pytest.raises(sa_exc.IntegrityError) as info:
            await repo.add(RepoAuthor(name="dup"))
        assert isinstance(info.value, DuplicateKeyError)
        assert isinstance(info.value, IntegrityError)
        assert info.value.detail == "A record matching the supplied data already exists."
        await session.rollback()
        assert await repo.count() == 1

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_unknown_field_names_raise_clear_errors(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        with pytest.raises(RepositoryError, match="no field named 'nope'"):
            await repo.get_many(nope=1)
        with pytest.raises(RepositoryError, match="no field named 'nope'"):
            await repo.get_many(OrderBy("nope"))
        with pytest.raises(RepositoryError, match="no field named 'nope'"):
            await repo.get_many(order_by=("nope", False))
        with pytest.raises(RepositoryError, match="no field named 'nope'"):
            await repo.count(nope=1)

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_auto_expunge_and_auto_refresh(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        author = await repo.add(RepoAuthor(name="ex"), auto_commit=True, auto_expunge=True)
        assert author not in session._target if hasattr(session, "_target") else author not in session  # noqa: SIM108
        fetched = await repo.get(author.id, auto_expunge=True)
        assert fetched.name == "ex"

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_foreign_key_relationship_rows(authors_backend: Backend) -> None:
    async def scenario(session: Any, authors: Any, books: Any) -> None:
        author = await authors.add(RepoAuthor(name="Tolkien"), auto_commit=True)
        await books.add_many([RepoBook(title=t, author_id=author.id) for t in ("Hobbit", "LOTR")], auto_commit=True)
        assert await books.count(author_id=author.id) == 2
        rows, total = await books.get_many_and_count(OrderBy("title", "desc"))
        assert [b.title for b in rows] == ["LOTR", "Hobbit"]
        assert total == 2
        assert all(isinstance(b.id, int) for b in rows)
        assert rows[0].created_at <= datetime.datetime.now(datetime.timezone.utc)

    run_scenario(authors_backend, scenario, RepoAuthor, RepoBook)


def test_composite_primary_keys(backend: Backend) -> None:
    backend.create_all(PairBase.metadata, [RepoPair])

    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many(
            [RepoPair(left=i, right=r, label=f"{i}{r}") for i in (1, 2) for r in ("a", "b")], auto_commit=True
        )
        assert (await repo.get((1, "b"))).label == "1b"
        assert (await repo.get({"left": 2, "right": "a"})).label == "2a"
        with pytest.raises(ValueError, match="composite|columns"):
            await repo.get((1,))
        with pytest.raises(TypeError):
            await repo.get(1)
        deleted = await repo.delete_many([(1, "a"), (2, "b")], auto_commit=True)
        assert sorted(p.label for p in deleted) == ["1a", "2b"]
        assert await repo.count() == 2
        updated = await repo.update(RepoPair(left=1, right="b", label="new"), auto_commit=True)
        assert updated.label == "new"

    try:
        run_scenario(backend, scenario, RepoPair)
    finally:
        backend.drop_all(PairBase.metadata, [RepoPair])


def test_add_many_bulk_path_and_unit_of_work_path_agree(authors_backend: Backend) -> None:
    """Plain models go out as one INSERT; a session someone listens to keeps the unit of work."""
    from sqlalchemy import event

    seen: list[int] = []

    async def scenario(session: Any, repo: Any) -> None:
        bulk = await repo.add_many([RepoAuthor(name="b1"), RepoAuthor(name="b2", rank=None)], auto_commit=True)
        assert all(a.id is not None and a.created_at is not None for a in bulk)
        assert all(a in (session._target if hasattr(session, "_target") else session) for a in bulk)
        assert seen == []
        sync_session = getattr(session, "_target", session)
        sync_session = getattr(sync_session, "sync_session", sync_session)
        event.listen(sync_session, "after_flush", lambda s, ctx: seen.append(len(s.new)))
        observed = await repo.add_many([RepoAuthor(name="o1")], auto_commit=True)
        assert observed[0].id is not None
        assert seen == [1]
        assert sorted(names(await repo.get_many())) == ["b1", "b2", "o1"]

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_count_and_exists_ignore_ordering_and_pagination(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([RepoAuthor(name=f"c{i}", rank=i) for i in range(5)], auto_commit=True)
        assert await repo.count(OrderBy("name", "desc"), LimitOffset(2, 1)) == 5
        assert await repo.count(OrderBy("rank"), RepoAuthor.rank > 2) == 2
        assert await repo.exists(OrderBy("rank"), name="c4")
        assert not await repo.exists(name="zz")

    run_scenario(authors_backend, scenario, RepoAuthor)
