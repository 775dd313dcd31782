"""Failed and uncommitted writes commit nothing, on every backend, sync and async.

Without ``auto_commit`` nothing is committed behind the caller's back (SQLite's legacy transaction mode
would otherwise turn a released SAVEPOINT into a COMMIT); a bulk write that fails with ``auto_commit=True``
commits nothing of its batch.
"""

from __future__ import annotations

from typing import Any, Callable

import pytest
from repository_support import run_scenario
from sqlalchemy import select
from support import Backend
from test_repository import TABLES, RepoAuthor, RepoBook

from advanced_alchemy.base import orm_registry
from advanced_alchemy.exceptions import DuplicateKeyError, ForeignKeyError, IntegrityError


@pytest.fixture
def authors_backend(backend: Backend) -> Any:
    backend.create_all(orm_registry.metadata, TABLES)
    yield backend
    backend.drop_all(orm_registry.metadata, TABLES)


async def _names(session: Any) -> list[str]:
    result = await session.execute(select(RepoAuthor.name).order_by(RepoAuthor.name))
    return [name for (name,) in result.all()]


def test_get_or_upsert_without_auto_commit_commits_nothing(authors_backend: Backend) -> None:
    async def scenario(session: Any, authors: Any) -> None:
        _, created = await authors.get_or_upsert(name="fresh")
        assert created
        await session.rollback()
        assert await _names(session) == []

    run_scenario(authors_backend, scenario, RepoAuthor)


async def _add_many(session: Any, authors: Any, books: Any) -> None:
    batch = [RepoAuthor(name=f"new{i:02d}") for i in range(30)]
    batch.insert(25, RepoAuthor(name="existing"))
    await authors.add_many(batch, auto_commit=True)


async def _add_many_unit_of_work(session: Any, authors: Any, books: Any) -> None:
    batch = [RepoAuthor(name=f"new{i:02d}") for i in range(30)]
    batch[0].books = []  # a relationship value sends add_many through the unit of work
    batch.insert(25, RepoAuthor(name="existing"))
    await authors.add_many(batch, auto_commit=True)


async def _update_many(session: Any, authors: Any, books: Any) -> None:
    rows = [await authors.add(RepoAuthor(name=f"new{i:02d}")) for i in range(3)]
    rows[0].name = "renamed"
    rows[2].name = "existing"
    await authors.update_many(rows, auto_commit=True)


async def _upsert_many(session: Any, authors: Any, books: Any) -> None:
    existing = await authors.get_one(name="existing")
    expunged = session.expunge(existing)  # the new row below shares its key, not its session identity
    if expunged is not None:  # the sync session's test wrapper returns an awaitable
        await expunged
    batch = [RepoAuthor(name=f"new{i:02d}") for i in range(10)]
    batch.append(RepoAuthor(id=existing.id, name="other"))  # matched on name: a new row with a taken key
    await authors.upsert_many(batch, match_fields=["name"], auto_commit=True)


async def _delete_many(session: Any, authors: Any, books: Any) -> None:
    existing = await authors.get_one(name="existing")
    await books.add(RepoBook(title="pinned", author_id=existing.id))
    free = await authors.add(RepoAuthor(name="new00"))
    await authors.delete_many([free.id, existing.id], auto_commit=True)  # the second row is still referenced


FAILING_WRITES: dict[str, tuple[Callable[..., Any], type[IntegrityError]]] = {
    "add_many": (_add_many, DuplicateKeyError),
    "add_many-unit-of-work": (_add_many_unit_of_work, DuplicateKeyError),
    "update_many": (_update_many, DuplicateKeyError),
    "upsert_many": (_upsert_many, DuplicateKeyError),
    "delete_many": (_delete_many, ForeignKeyError),
}


@pytest.mark.parametrize("operation", list(FAILING_WRITES))
def test_failed_bulk_write_with_auto_commit_commits_nothing(authors_backend: Backend, operation: str) -> None:
    if operation == "delete_many" and authors_backend.dialect_name == "sqlite":
        pytest.skip("SQLite enforces foreign keys only with PRAGMA foreign_keys=ON")
    write, error = FAILING_WRITES[operation]

    async def scenario(session: Any, authors: Any, books: Any) -> None:
        await authors.add(RepoAuthor(name="existing"), auto_commit=True)
        with pytest.raises(error):
            await write(session, authors, books)
        await session.rollback()
        assert await _names(session) == ["existing"]

    run_scenario(authors_backend, scenario, RepoAuthor, RepoBook)
