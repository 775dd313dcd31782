"""Bulk and conditional writes on every backend, sync and async."""

from __future__ import annotations

import asyncio
import datetime
import random
import uuid
from typing import Any, Optional

import pytest
from repository_support import run_scenario
from sqlalchemy import String, event, inspect, select
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value
from support import Backend
from test_repository import TABLES, PairBase, RepoAuthor, RepoPair, names
from test_upsert_many import StatementLog

from advanced_alchemy.base import UUIDBase, orm_registry
from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.filters import CollectionFilter, LimitOffset, SearchFilter


@pytest.fixture
def authors_backend(backend: Backend) -> Any:
    backend.create_all(orm_registry.metadata, TABLES)
    yield backend
    backend.drop_all(orm_registry.metadata, TABLES)


def test_add_many_sends_bounded_insert_chunks(authors_backend: Backend) -> None:
    """Large batches go out 1,000 rows per INSERT, so only one chunk's parameters are held at a time."""
    log = StatementLog(authors_backend.engine)

    async def scenario(session: Any, repo: Any) -> None:
        batch = [RepoAuthor(name=f"c{i:04d}", rank=i) for i in range(2_500)]
        with log:
            added = await repo.add_many(batch, auto_commit=True)
        assert added is batch
        assert all(inspect(author).persistent for author in added)
        assert len(log.starting("INSERT")) == 3
        assert await repo.count() == 2_500
        assert sorted(a.rank for a in await repo.get_many(RepoAuthor.rank >= 2_498)) == [2_498, 2_499]

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_add_many_leaves_instances_as_a_flush_would(authors_backend: Backend) -> None:
    """The inserted instances are persistent (the identity map serves them); a rollback makes them transient
    again, as it does for flushed new objects; session lifecycle listeners see transient -> pending ->
    persistent."""

    async def scenario(session: Any, repo: Any) -> None:
        added = await repo.add_many([RepoAuthor(name=f"r{i}", rank=i) for i in range(3)])
        assert all(inspect(author).persistent for author in added)
        assert all(not inspect(author).modified and not inspect(author).committed_state for author in added)
        assert await repo.get(added[0].id) is added[0]
        await session.rollback()
        assert all(inspect(author).transient for author in added)
        assert await repo.count() == 0

        sync_session = getattr(session, "sync_session", None) or session._target
        seen: list[tuple[str, Any]] = []
        for name in ("transient_to_pending", "pending_to_persistent"):
            event.listen(sync_session, name, lambda _, instance, name=name: seen.append((name, instance)))
        again = await repo.add_many([RepoAuthor(name=f"s{i}", rank=i) for i in range(2)], auto_commit=True)
        assert [name for name, _ in seen] == ["transient_to_pending"] * 2 + ["pending_to_persistent"] * 2
        assert {id(instance) for _, instance in seen} == {id(author) for author in again}
        assert all(inspect(author).persistent for author in again)

    run_scenario(authors_backend, scenario, RepoAuthor)


class Animal(UUIDBase):
    __tablename__ = "write_animal"
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(20), unique=True)
    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "animal"}  # noqa: RUF012


class Dog(Animal):  # single-table inheritance: its column lives in the parent's table
    bark: Mapped[Optional[str]] = mapped_column(String(20), nullable=True)
    __mapper_args__ = {"polymorphic_identity": "dog"}  # noqa: RUF012


@pytest.fixture
def animals_backend(backend: Backend) -> Any:
    backend.create_all(orm_registry.metadata, [Animal])
    yield backend
    backend.drop_all(orm_registry.metadata, [Animal])


def test_bulk_writes_keep_subclass_columns(animals_backend: Backend) -> None:
    """Instances of a subclass go through the unit of work: none of their columns is dropped."""

    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([Dog(name="rex", bark="woof"), Dog(name="max", bark="yip")], auto_commit=True)
        await repo.upsert_many([Dog(name="max", bark="grr"), Dog(name="ace", bark="arf")], match_fields=["name"])
        await session.commit()
        table = Animal.__table__
        stored = set((await session.execute(select(table.c.kind, table.c.name, table.c.bark))).all())
        assert stored == {("dog", "rex", "woof"), ("dog", "max", "grr"), ("dog", "ace", "arf")}

    run_scenario(animals_backend, scenario, Animal)


def test_deleted_instances_leave_the_session_as_a_flushed_delete_would(authors_backend: Backend) -> None:
    """``delete_many`` / ``delete_where`` results are deleted in the session, as after ``session.delete()`` and a
    flush: out of the identity map with their values kept (a commit's expiry does not reach them), persistent
    again after a rollback."""

    async def scenario(session: Any, repo: Any) -> None:
        created = await repo.add_many([RepoAuthor(name=f"d{i}", rank=i) for i in range(4)], auto_commit=True)
        ids = [created[0].id, created[1].id]
        removed = await repo.delete_many(ids)
        assert {id(author) for author in removed} == {id(author) for author in created[:2]}  # the session's own
        assert all(inspect(author).deleted for author in removed)
        await session.rollback()
        assert all(inspect(author).persistent for author in removed)
        assert await repo.count() == 4

        removed = await repo.delete_many(ids)  # (a rollback expired the instances: no lazy loads here)
        matched = await repo.delete_where(RepoAuthor.rank == 3)
        await session.commit()
        gone = [*removed, *matched]
        sync_session = getattr(session, "sync_session", None) or session._target
        assert all(inspect(author).was_deleted and author not in sync_session for author in gone)
        assert sorted(author.name for author in gone) == ["d0", "d1", "d3"]
        assert [author.name for author in await repo.get_many()] == ["d2"]

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_deleted_instances_stay_readable_after_an_expiring_commit(authors_backend: Backend) -> None:
    """With SQLAlchemy's default ``expire_on_commit=True`` the instances ``delete_many(..., auto_commit=True)``
    returns still hold their values (reading one used to raise ``ObjectDeletedError``)."""

    async def scenario(session: Any, repo: Any) -> None:
        created = await repo.add_many([RepoAuthor(name=f"e{i}", rank=i) for i in range(3)])
        ids = [author.id for author in created]
        await session.commit()  # expires them
        removed = await repo.delete_many(ids[:2], auto_commit=True)
        assert sorted(author.name for author in removed) == ["e0", "e1"]
        matched = await repo.delete_where(RepoAuthor.id == ids[2], auto_commit=True)
        assert [author.rank for author in matched] == [2]
        assert await repo.count() == 0

    run_scenario(authors_backend, scenario, RepoAuthor, expire_on_commit=True)


def test_update_many_writes_values_and_moves_updated_at(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        created = await repo.add_many([RepoAuthor(name=f"u{i}", rank=i) for i in range(3)], auto_commit=True)
        before = {a.id: a.updated_at for a in created}
        await asyncio.sleep(0.01)
        for author in created:
            author.rank = (author.rank or 0) + 10
        updated = await repo.update_many(created, auto_commit=True)
        assert sorted(a.rank for a in updated) == [10, 11, 12]
        assert all(a.updated_at > before[a.id] for a in updated)
        assert not session.dirty
        assert await repo.count(RepoAuthor.rank >= 10) == 3  # really written, not just on the objects
        stored = await repo.get_many(RepoAuthor.rank >= 10)
        assert all(a.updated_at > before[a.id] for a in stored)
        as_dicts = await repo.update_many([{"id": created[0].id, "rank": 99}], auto_commit=True)
        assert as_dicts[0].rank == 99
        assert (await repo.get(created[0].id)).rank == 99
        assert await repo.update_many([]) == []
        with pytest.raises(ValueError, match="primary key"):
            await repo.update_many([{"rank": 1}])

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_update_many_groups_rows_by_changed_columns_whatever_the_order(authors_backend: Backend) -> None:
    """One executemany UPDATE per set of changed columns, however the attributes were assigned."""
    log = StatementLog(authors_backend.engine)

    async def scenario(session: Any, repo: Any) -> None:
        a, b, c = await repo.add_many([RepoAuthor(name=f"g{i}", rank=i) for i in range(3)], auto_commit=True)
        a.name, a.rank = "g0x", 10
        b.rank, b.name = 11, "g1x"  # the same columns, assigned in the other order
        c.rank = 12
        with log:
            updated = await repo.update_many([a, b, c], auto_commit=True)
        assert len(log.starting("UPDATE")) == 2
        assert [(x.name, x.rank) for x in updated] == [("g0x", 10), ("g1x", 11), ("g2", 12)]
        assert not session.dirty
        stored = {x.name: x.rank for x in await repo.get_many()}
        assert stored == {"g0x": 10, "g1x": 11, "g2": 12}

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_update_many_of_expired_instances_uses_their_identity(authors_backend: Backend) -> None:
    """After a commit with ``expire_on_commit=True`` even the key is expired; the identity still holds it."""

    async def scenario(session: Any, repo: Any) -> None:
        created = await repo.add_many([RepoAuthor(name=f"e{i}", rank=i) for i in range(2)], auto_commit=True)
        for author in created:
            expired = session.expire(author)  # what a commit with expire_on_commit=True does
            if expired is not None:  # the sync session's test wrapper returns an awaitable
                await expired
        for author in created:
            author.rank = 50
        await repo.update_many(created, auto_commit=True)
        assert await repo.count(RepoAuthor.rank == 50) == 2

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_update_many_of_tracked_instances_edge_cases(authors_backend: Backend) -> None:
    """A caller-set ``updated_at`` is kept, a changed primary key moves the row (unit of work), and an
    instance with other pending changes keeps them pending while the written columns are recorded."""
    log = StatementLog(authors_backend.engine)

    async def scenario(session: Any, repo: Any) -> None:
        a, b, c = await repo.add_many([RepoAuthor(name=f"t{i}", rank=i) for i in range(3)], auto_commit=True)
        chosen = datetime.datetime(2001, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)
        a.rank, a.updated_at = 100, chosen
        b.rank = 101
        set_committed_value(b, "books", [])  # loaded, so the assignment needs no lazy load
        b.books = []  # a pending relationship change the UPDATE does not write
        with log:
            await repo.update_many([a, b], auto_commit=False)  # then flushes what else is pending
        # one executemany (both set rank and updated_at); the flush after it does not write b's rank again
        assert len(log.starting("UPDATE")) == 1
        assert not session.dirty
        await session.commit()
        stored = {x.name: x for x in await repo.get_many()}
        assert stored["t0"].rank == 100
        assert stored["t0"].updated_at == chosen
        assert stored["t1"].rank == 101
        assert stored["t1"].updated_at > chosen

        old_id, new_id = c.id, uuid.uuid4()
        c.id, c.rank = new_id, 102
        moved = await repo.update_many([c], auto_commit=True)
        assert moved == [c]
        assert await repo.get_one_or_none(id=old_id) is None
        assert (await repo.get(new_id)).rank == 102

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_update_many_of_tracked_instances_random_changes(authors_backend: Backend) -> None:
    """Random changes to random instances: the database ends up holding exactly the instances' values, the
    changes go out as one executemany per set of changed columns, and nothing is left for a flush."""
    log = StatementLog(authors_backend.engine)
    chosen = datetime.datetime(2002, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc)

    async def scenario(session: Any, repo: Any) -> None:
        authors = await repo.add_many([RepoAuthor(name=f"r{i:02d}", rank=i) for i in range(24)], auto_commit=True)
        for seed in range(6):
            rng = random.Random(seed)
            picked = rng.sample(authors, rng.randint(1, len(authors)))
            column_sets = set()
            for author in picked:
                changed = set()
                if rng.random() < 0.5:
                    author.name = f"{author.name.split('-')[0]}-{seed}"
                    changed.add("name")
                if rng.random() < 0.5:
                    author.rank = rng.choice([None, rng.randint(-50, 50)])
                    changed.add("rank")
                if rng.random() < 0.2:
                    author.updated_at = chosen
                changed.add("updated_at")  # set by the caller, or stamped by update_many
                column_sets.add(frozenset(changed))
            with log:
                returned = await repo.update_many(picked, auto_commit=False)
            assert returned == picked
            assert len(log.starting("UPDATE")) == len(column_sets)
            log.statements.clear()
            assert not session.dirty
            assert all(not inspect(author).committed_state for author in picked)
            result = await session.execute(select(RepoAuthor.id, RepoAuthor.name, RepoAuthor.rank))
            stored = {row.id: (row.name, row.rank) for row in result}
            assert stored == {author.id: (author.name, author.rank) for author in authors}
            await session.commit()

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_update_many_of_tracked_instances_with_a_composite_key(backend: Backend) -> None:
    backend.create_all(PairBase.metadata, [RepoPair])

    async def scenario(session: Any, repo: Any) -> None:
        pairs = await repo.add_many(
            [RepoPair(left=i, right=r, label=f"{i}{r}") for i in (1, 2) for r in ("a", "b")], auto_commit=True
        )
        for pair in pairs[1:3]:
            pair.label = pair.label + "!"
        await repo.update_many(pairs[1:3], auto_commit=True)
        assert not session.dirty
        stored = {(p.left, p.right): p.label for p in await repo.get_many()}
        assert stored == {(1, "a"): "1a", (1, "b"): "1b!", (2, "a"): "2a!", (2, "b"): "2b"}

    try:
        run_scenario(backend, scenario, RepoPair)
    finally:
        backend.drop_all(PairBase.metadata, [RepoPair])


def test_delete_where(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([RepoAuthor(name=f"w{i}", rank=i % 2) for i in range(6)], auto_commit=True)
        deleted = await repo.delete_where(
            CollectionFilter("rank", [1]), LimitOffset(limit=1, offset=0), auto_commit=True
        )
        assert sorted(names(deleted)) == ["w1", "w3", "w5"]
        assert await repo.count() == 3
        assert names(await repo.delete_where(name="w0", auto_commit=True)) == ["w0"]
        with pytest.raises(Exception, match="no field named"):
            await repo.delete_where(SearchFilter("nope", "x"))
        assert await repo.count() == 2

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_upsert_inserts_then_updates(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        first = await repo.upsert(RepoAuthor(name="up", rank=1), match_fields="name", auto_commit=True)
        second = await repo.upsert(RepoAuthor(name="up", rank=2), match_fields=["name"], auto_commit=True)
        assert second.id == first.id
        assert second.rank == 2
        by_pk = await repo.upsert(RepoAuthor(id=first.id, name="up", rank=3), auto_commit=True)
        assert (by_pk.id, by_pk.rank) == (first.id, 3)
        assert await repo.count() == 1

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_upsert_many_matches_on_whole_tuple_and_keeps_input_order(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        existing = await repo.add_many([RepoAuthor(name="m1", rank=1), RepoAuthor(name="m2", rank=2)], auto_commit=True)
        incoming = [RepoAuthor(name="m3", rank=3), RepoAuthor(name="m1", rank=10), RepoAuthor(name="m4", rank=4)]
        result = await repo.upsert_many(incoming, match_fields=["name"], auto_commit=True)
        assert names(result) == ["m3", "m1", "m4"]
        assert result[1].id == existing[0].id
        assert result[1].rank == 10
        assert incoming[1].id == existing[0].id
        assert await repo.count() == 4
        assert await repo.upsert_many([]) == []
        with pytest.raises(ValueError, match="more than once"):
            await repo.upsert_many([RepoAuthor(name="x"), RepoAuthor(name="x")], match_fields="name")

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_get_or_upsert_and_get_and_update(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        made, created = await repo.get_or_upsert(name="g", rank=1, auto_commit=True)
        assert created
        again, created = await repo.get_or_upsert(match_fields="name", name="g", rank=2, auto_commit=True)
        assert (again.id, again.rank, created) == (made.id, 2, False)
        unchanged, created = await repo.get_or_upsert(match_fields="name", name="g", rank=5, upsert=False)
        assert (unchanged.rank, created) == (2, False)
        updated, changed = await repo.get_and_update(match_fields="name", name="g", rank=7, auto_commit=True)
        assert (updated.rank, changed) == (7, True)
        same, changed = await repo.get_and_update(match_fields="name", name="g", rank=7)
        assert not changed
        with pytest.raises(NotFoundError):
            await repo.get_and_update(match_fields="name", name="nobody", rank=1)

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_get_or_upsert_loser_of_a_race_gets_the_winners_row(authors_backend: Backend) -> None:
    """A row inserted by another transaction between our lookup and our insert: one row, no error."""

    async def scenario(session: Any, repo: Any) -> None:
        await session.execute(select(RepoAuthor).limit(1))  # open our transaction first
        winner = RepoAuthor(name="race", rank=1)
        # a competing writer commits the row after our transaction started: on MariaDB (REPEATABLE READ)
        # our plain lookup does not see it, our insert collides, and the savepoint path re-reads it
        if authors_backend.is_async:
            from sqlalchemy.ext.asyncio import AsyncSession

            async with AsyncSession(authors_backend.engine) as other:  # type: ignore[arg-type]
                other.add(winner)
                await other.commit()
        else:
            from sqlalchemy.orm import Session

            with Session(authors_backend.engine) as other:  # type: ignore[arg-type]
                other.add(winner)
                other.commit()
        found, created = await repo.get_or_upsert(name="race", rank=2, match_fields="name", upsert=False)
        assert not created
        assert (found.name, found.rank) == ("race", 1)
        await session.commit()  # a new transaction (and snapshot) sees the single committed row
        assert await repo.count(name="race") == 1

    if authors_backend.name == "duckdb":
        pytest.skip("duckdb-engine has no savepoints")
    run_scenario(authors_backend, scenario, RepoAuthor)


def test_update_keeps_explicit_updated_at(authors_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        author = await repo.add(RepoAuthor(name="t"), auto_commit=True)
        stamp = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
        updated = await repo.update(RepoAuthor(id=author.id, rank=4, updated_at=stamp), auto_commit=True)
        assert updated.updated_at == stamp

    run_scenario(authors_backend, scenario, RepoAuthor)


def test_auto_commit_inside_an_explicit_transaction_block(authors_backend: Backend) -> None:
    """``auto_commit=True`` inside ``with session.begin():`` flushes; the block owns commit and rollback."""
    from repository_support import repository_class
    from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
    from sqlalchemy.orm import Session

    class Boom(Exception):
        pass

    async def go() -> None:
        engine = authors_backend.engine
        if isinstance(engine, AsyncEngine):
            repo_cls = repository_class(RepoAuthor, True)
            async with AsyncSession(engine, expire_on_commit=False) as session:
                async with session.begin():
                    await repo_cls(session=session).add(RepoAuthor(name="kept1"), auto_commit=True)
                    await repo_cls(session=session).add_many([RepoAuthor(name="kept2")], auto_commit=True)

                async def fail_inside_block() -> None:
                    async with session.begin():
                        await repo_cls(session=session).add(RepoAuthor(name="lost"), auto_commit=True)
                        raise Boom

                with pytest.raises(Boom):
                    await fail_inside_block()
            async with AsyncSession(engine) as session:
                assert sorted(names(await repo_cls(session=session).get_many())) == ["kept1", "kept2"]
            return
        repo_cls = repository_class(RepoAuthor, False)
        with Session(engine, expire_on_commit=False) as session:
            with session.begin():
                repo_cls(session=session).add(RepoAuthor(name="kept1"), auto_commit=True)
                repo_cls(session=session).add_many([RepoAuthor(name="kept2")], auto_commit=True)

            def fail_inside_block() -> None:
                with session.begin():
                    repo_cls(session=session).add(RepoAuthor(name="lost"), auto_commit=True)
                    raise Boom

            with pytest.raises(Boom):
                fail_inside_block()
        with Session(engine) as session:
            assert sorted(names(repo_cls(session=session).get_many())) == ["kept1", "kept2"]

    if authors_backend.is_async:
        authors_backend._await(go())
    else:
        asyncio.run(go())
