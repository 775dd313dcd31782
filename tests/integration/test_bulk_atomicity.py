"""A failed bulk write leaves the session's transaction as it was before the call, on every backend.

The transaction's earlier work survives and can still be committed, nothing of the failed call is
written, and with ``auto_commit=True`` nothing is committed. Without ``auto_commit`` nothing is committed
behind the caller's back (SQLite's legacy transaction mode would otherwise turn a released SAVEPOINT into
a COMMIT).
"""

from __future__ import annotations

from collections.abc import Awaitable
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


async def _maybe_await(value: Any) -> None:
    """``expunge``/``expire`` are plain calls on ``AsyncSession``; the sync session's test wrapper awaits them."""
    if isinstance(value, Awaitable):
        await value


def test_get_or_upsert_without_auto_commit_commits_nothing(authors_backend: Backend) -> None:
    async def scenario(session: Any, authors: Any) -> None:
        _, created = await authors.get_or_upsert(name="fresh")
        assert created
        await session.rollback()
        assert await _names(session) == []

    run_scenario(authors_backend, scenario, RepoAuthor)


# Each failing write: a setup (earlier work of the same transaction, flushed but not committed) returning
# the state the call needs, then the call that fails part-way.
Setup = Callable[[Any, Any, Any], Awaitable[Any]]
Call = Callable[[Any, Any, Any, bool], Awaitable[Any]]


async def _no_setup(session: Any, authors: Any, books: Any) -> Any:
    return None


async def _add_many(state: Any, authors: Any, books: Any, auto_commit: bool) -> Any:
    batch = [RepoAuthor(name=f"new{i:02d}") for i in range(30)]
    batch.insert(25, RepoAuthor(name="existing"))  # row 26 of 31 violates the unique name
    return await authors.add_many(batch, auto_commit=auto_commit)


async def _add_many_chunks(state: Any, authors: Any, books: Any, auto_commit: bool) -> Any:
    batch = [RepoAuthor(name=f"new{i:04d}") for i in range(2_600)]
    batch.insert(2_400, RepoAuthor(name="existing"))  # the third INSERT chunk fails; two went out before it
    return await authors.add_many(batch, auto_commit=auto_commit)


async def _add_many_unit_of_work(state: Any, authors: Any, books: Any, auto_commit: bool) -> Any:
    batch = [RepoAuthor(name=f"new{i:02d}") for i in range(30)]
    batch[0].books = []  # a relationship value sends add_many through the unit of work
    batch.insert(25, RepoAuthor(name="existing"))
    return await authors.add_many(batch, auto_commit=auto_commit)


async def _three_rows(session: Any, authors: Any, books: Any) -> Any:
    return [await authors.add(RepoAuthor(name=f"row{i}")) for i in range(3)]


async def _update_many_tracked(rows: Any, authors: Any, books: Any, auto_commit: bool) -> Any:
    rows[0].name = "renamed"
    rows[2].name = "existing"
    return await authors.update_many(rows, auto_commit=auto_commit)


async def _update_many_dicts(rows: Any, authors: Any, books: Any, auto_commit: bool) -> Any:
    changes = [{"id": rows[0].id, "name": "renamed"}, {"id": rows[2].id, "name": "existing"}]
    return await authors.update_many(changes, auto_commit=auto_commit)


async def _existing_key(session: Any, authors: Any, books: Any) -> Any:
    existing = await authors.get_one(name="existing")
    await _maybe_await(session.expunge(existing))  # the new row below shares its key, not its identity
    return existing.id


async def _upsert_many(existing_id: Any, authors: Any, books: Any, auto_commit: bool) -> Any:
    batch = [RepoAuthor(name=f"new{i:02d}") for i in range(10)]
    batch.append(RepoAuthor(id=existing_id, name="other"))  # matched on name: a new row with a taken key
    return await authors.upsert_many(batch, match_fields=["name"], auto_commit=auto_commit)


async def _upsert_many_fallback(existing_id: Any, authors: Any, books: Any, auto_commit: bool) -> Any:
    batch = [RepoAuthor(name=f"new{i:02d}") for i in range(10)]
    batch.append(RepoAuthor(id=existing_id, name="other"))
    return await authors.upsert_many(batch, match_fields=["name"], no_merge=True, auto_commit=auto_commit)


async def _pinned_author(session: Any, authors: Any, books: Any) -> Any:
    existing = await authors.get_one(name="existing")
    await books.add(RepoBook(title="pinned", author_id=existing.id))
    free = await authors.add(RepoAuthor(name="free"))
    return [free.id, existing.id]


async def _delete_many(ids: Any, authors: Any, books: Any, auto_commit: bool) -> Any:
    return await authors.delete_many(ids, auto_commit=auto_commit)  # the second row is still referenced


FAILING_WRITES: dict[str, tuple[Setup, Call, type[IntegrityError]]] = {
    "add_many": (_no_setup, _add_many, DuplicateKeyError),
    "add_many-chunks": (_no_setup, _add_many_chunks, DuplicateKeyError),
    "add_many-unit-of-work": (_no_setup, _add_many_unit_of_work, DuplicateKeyError),
    "update_many-tracked": (_three_rows, _update_many_tracked, DuplicateKeyError),
    "update_many-dicts": (_three_rows, _update_many_dicts, DuplicateKeyError),
    "upsert_many": (_existing_key, _upsert_many, DuplicateKeyError),
    "upsert_many-fallback": (_existing_key, _upsert_many_fallback, DuplicateKeyError),
    "delete_many": (_pinned_author, _delete_many, ForeignKeyError),
}


def _skip_unsupported(backend: Backend, operation: str) -> None:
    if operation == "delete_many" and backend.dialect_name == "sqlite":
        pytest.skip("SQLite enforces foreign keys only with PRAGMA foreign_keys=ON")


@pytest.mark.parametrize("operation", list(FAILING_WRITES))
def test_failed_bulk_write_leaves_the_transaction_as_it_was(authors_backend: Backend, operation: str) -> None:
    _skip_unsupported(authors_backend, operation)
    if authors_backend.dialect_name == "duckdb":
        pytest.skip("duckdb-engine has no savepoints: a failed statement needs the caller's rollback there")
    setup, call, error = FAILING_WRITES[operation]

    async def scenario(session: Any, authors: Any, books: Any) -> None:
        await authors.add(RepoAuthor(name="existing"), auto_commit=True)
        await authors.add(RepoAuthor(name="kept"))  # earlier work of this transaction
        state = await setup(session, authors, books)
        before = await _names(session)
        with pytest.raises(error):
            await call(state, authors, books, False)
        await _maybe_await(session.expire_all())  # drop the caller's own unwritten changes (update_many-tracked)
        assert await _names(session) == before  # the transaction still works and holds what it held
        await session.commit()
        assert await _names(session) == before

    run_scenario(authors_backend, scenario, RepoAuthor, RepoBook)


@pytest.mark.parametrize("operation", list(FAILING_WRITES))
def test_failed_bulk_write_with_auto_commit_commits_nothing(authors_backend: Backend, operation: str) -> None:
    _skip_unsupported(authors_backend, operation)
    setup, call, error = FAILING_WRITES[operation]

    async def scenario(session: Any, authors: Any, books: Any) -> None:
        await authors.add(RepoAuthor(name="existing"), auto_commit=True)
        state = await setup(session, authors, books)
        with pytest.raises(error):
            await call(state, authors, books, True)
        await session.rollback()
        assert await _names(session) == ["existing"]

    run_scenario(authors_backend, scenario, RepoAuthor, RepoBook)
