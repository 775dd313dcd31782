"""Every declarative base and mixin on every backend, sync and async."""

from __future__ import annotations

import datetime
import time
from collections.abc import Hashable
from typing import Any

import pytest
from repository_support import run_scenario
from sqlalchemy import ColumnElement, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column
from support import Backend

from advanced_alchemy import base
from advanced_alchemy.base import orm_registry
from advanced_alchemy.exceptions import ConflictError
from advanced_alchemy.mixins import AuditMixin, OptimisticLockMixin, SlugKey, SlugMixin, UniqueMixin, audit_user
from advanced_alchemy.utils.text import slugify


def _model(base_class: type, name: str) -> type:
    return type(
        name,
        (base_class,),
        {"__tablename__": name.lower(), "__annotations__": {"title": Mapped[str]}, "title": mapped_column(String(50))},
    )


BASES = [
    base.UUIDBase,
    base.UUIDAuditBase,
    base.UUIDv6Base,
    base.UUIDv6AuditBase,
    base.UUIDv7Base,
    base.UUIDv7AuditBase,
    base.NanoIDBase,
    base.NanoIDAuditBase,
    base.BigIntBase,
    base.BigIntAuditBase,
    base.IdentityBase,
    base.IdentityAuditBase,
]
MODELS = {b.__name__: _model(b, f"Mdl{b.__name__}") for b in BASES}


@pytest.mark.parametrize("base_name", list(MODELS))
def test_every_base_round_trips_rows(backend: Backend, base_name: str) -> None:
    model = MODELS[base_name]
    if backend.name == "duckdb" and "Identity" in base_name:
        pytest.skip("DuckDB has no IDENTITY columns")
    backend.create_all(orm_registry.metadata, [model])
    try:

        async def scenario(session: Any, repo: Any) -> None:
            rows = await repo.add_many([model(title=f"t{i}") for i in range(3)], auto_commit=True)
            ids = [r.id for r in rows]
            assert len(set(ids)) == 3
            assert all(i is not None for i in ids)
            one = await repo.get(ids[0])
            assert one.title == "t0"
            if hasattr(model, "created_at"):
                assert one.created_at.tzinfo is not None
                assert one.updated_at >= one.created_at
            await repo.update(model(id=ids[1], title="changed"), auto_commit=True)
            assert (await repo.get(ids[1])).title == "changed"
            await repo.delete(ids[2], auto_commit=True)
            assert await repo.count() == 2
            assert "sa_orm_sentinel" not in one.to_dict()
            assert one.to_dict(exclude={"title"}).keys() >= {"id"}

        run_scenario(backend, scenario, model)
    finally:
        backend.drop_all(orm_registry.metadata, [model])


class MdlAudited(base.BigIntBase, AuditMixin):
    __tablename__ = "mdl_audited"
    title: Mapped[str] = mapped_column(String(50))


def test_audit_columns_and_audit_user(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, [MdlAudited])

    def scenario(session: Session) -> None:
        with audit_user("alice"):
            row = MdlAudited(title="a")
            session.add(row)
            session.commit()
        assert (row.created_by, row.updated_by) == ("alice", "alice")
        created, updated = row.created_at, row.updated_at
        time.sleep(0.01)
        with audit_user("bob"):
            row.title = "b"
            session.commit()
        assert (row.created_by, row.updated_by) == ("alice", "bob")
        assert row.created_at == created
        assert row.updated_at > updated
        explicit = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
        row.title = "c"
        row.updated_at = explicit
        session.commit()
        assert row.updated_at == explicit
        row.updated_at = datetime.datetime(2002, 1, 1)  # noqa: DTZ001 - naive values on audit columns are taken as UTC
        assert row.updated_at.tzinfo == datetime.timezone.utc
        session.rollback()

    try:
        backend.run(scenario, expire_on_commit=False)
    finally:
        backend.drop_all(orm_registry.metadata, [MdlAudited])


class MdlArticle(base.UUIDBase, SlugMixin):
    __tablename__ = "mdl_article"
    name: Mapped[str] = mapped_column(String(80))


def test_slug_mixin_fills_unique_slugs(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, [MdlArticle])

    def scenario(session: Session) -> list[str]:
        session.add(MdlArticle(name="Hello World!"))
        session.commit()
        session.add_all(
            [MdlArticle(name="Hello World!"), MdlArticle(name="Hello  world"), MdlArticle(name="x", slug="kept")]
        )
        session.commit()
        return sorted(session.scalars(select(MdlArticle.slug)).all())

    try:
        assert backend.run(scenario) == ["hello-world", "hello-world-2", "hello-world-3", "kept"]
    finally:
        backend.drop_all(orm_registry.metadata, [MdlArticle])


class MdlTag(base.BigIntAuditBase, SlugKey, UniqueMixin):
    __tablename__ = "mdl_tag"
    name: Mapped[str] = mapped_column(String(50), unique=True)

    @classmethod
    def unique_hash(cls, name: str, slug: str | None = None) -> Hashable:
        return slugify(name)

    @classmethod
    def unique_filter(cls, name: str, slug: str | None = None) -> ColumnElement[bool]:
        return cls.slug == slugify(name)


def test_unique_mixin_get_or_create(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, [MdlTag])

    def sync_scenario(session: Session) -> None:
        first = MdlTag.as_unique_sync(session, name="Python", slug="python")
        again = MdlTag.as_unique_sync(session, name="Python", slug="python")
        assert first is again
        session.commit()

    async def async_scenario(session: Any) -> None:
        first = await MdlTag.as_unique_async(session, name="Python", slug="python")
        again = await MdlTag.as_unique_async(session, name="Python", slug="python")
        assert first is again
        await session.commit()

    try:
        if backend.is_async:
            backend.run_async(async_scenario)
            backend.run_async(async_scenario)  # a new session finds the stored row
        else:
            backend.run(sync_scenario)
            backend.run(sync_scenario)
        assert backend.run(lambda s: len(s.scalars(select(MdlTag)).all())) == 1
    finally:
        backend.drop_all(orm_registry.metadata, [MdlTag])


class MdlVersioned(base.BigIntBase, OptimisticLockMixin):
    __tablename__ = "mdl_versioned"
    title: Mapped[str] = mapped_column(String(50))


def test_optimistic_lock_stale_update_is_a_conflict(backend: Backend) -> None:
    if backend.name == "duckdb":
        pytest.skip("duckdb-engine reports no updated row count, so stale versions cannot be detected")
    backend.create_all(orm_registry.metadata, [MdlVersioned])

    async def scenario(session: Any, repo: Any) -> None:
        row = await repo.add(MdlVersioned(title="v1"), auto_commit=True)
        assert row.version == 1
        row.title = "v2"
        await repo.update(row, auto_commit=True)
        assert row.version == 2

        if backend.is_async:
            async with AsyncSession(backend.engine) as other_session:  # type: ignore[arg-type]
                other = await other_session.get(MdlVersioned, row.id)
                assert other is not None
                other.title = "someone else"
                await other_session.commit()
        else:
            with Session(backend.engine) as other_session:  # type: ignore[arg-type]
                other = other_session.get(MdlVersioned, row.id)
                assert other is not None
                other.title = "someone else"
                other_session.commit()
        row.title = "stale"
        with pytest.raises(ConflictError):
            await repo.update(row, auto_commit=True)

    try:
        run_scenario(backend, scenario, MdlVersioned)
    finally:
        backend.drop_all(orm_registry.metadata, [MdlVersioned])
