"""UniqueMixin, SlugMixin and OptimisticLockMixin on every backend, sync and async (spec §2.5, §2.6)."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Optional

import pytest
from sqlalchemy import ColumnElement, String, func, select, update
from sqlalchemy.exc import IntegrityError as SAIntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.exc import StaleDataError
from support import Backend

from advanced_alchemy.base import BigIntAuditBase, UUIDAuditBase, UUIDBase, orm_registry
from advanced_alchemy.exceptions import ConflictError, MultipleResultsFoundError, wrap_sqlalchemy_exception
from advanced_alchemy.mixins import OptimisticLockMixin, SlugKey, SlugMixin, UniqueMixin
from advanced_alchemy.utils.text import slugify

# --- models ---------------------------------------------------------------------------------------------


class ImTag(BigIntAuditBase, SlugKey, UniqueMixin):
    """The seed's Tag: unique by slug of the name."""

    name: Mapped[str] = mapped_column(String(50), unique=True, index=True)

    @classmethod
    def unique_hash(cls, name: str, slug: Optional[str] = None) -> Hashable:
        return slugify(name)

    @classmethod
    def unique_filter(cls, name: str, slug: Optional[str] = None) -> ColumnElement[bool]:
        return cls.slug == slugify(name)


class ImLabel(UUIDBase, UniqueMixin):
    """Unique by (kind, name); ``unique_filter`` on ``kind`` alone can match several rows."""

    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))

    @classmethod
    def unique_hash(cls, kind: str, name: str) -> Hashable:
        return (kind, name)

    @classmethod
    def unique_filter(cls, kind: str, name: str) -> ColumnElement[bool]:
        return (cls.kind == kind) & (cls.name == name)


class ImLabelByKind(UUIDBase, UniqueMixin):
    kind: Mapped[str] = mapped_column(String(20))

    @classmethod
    def unique_hash(cls, kind: str) -> Hashable:
        return kind

    @classmethod
    def unique_filter(cls, kind: str) -> ColumnElement[bool]:
        return cls.kind == kind


class ImArticle(UUIDAuditBase, SlugMixin):
    name: Mapped[str] = mapped_column(String(255))


class ImPage(BigIntAuditBase, SlugMixin):
    __slug_source__ = "title"
    title: Mapped[str] = mapped_column(String(100))


class ImLocked(UUIDAuditBase, OptimisticLockMixin):
    title: Mapped[str] = mapped_column(String(50))


def _tag(name: str) -> dict[str, str]:
    return {"name": name, "slug": slugify(name)}


# --- UniqueMixin ----------------------------------------------------------------------------------------


def test_unique_mixin_get_or_create(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImTag])

    def first(session: Session) -> None:
        a = ImTag.as_unique_sync(session, **_tag("Python Tips"))
        b = ImTag.as_unique_sync(session, **_tag("Python Tips"))
        c = ImTag.as_unique_sync(session, name="python tips!", slug="python-tips")  # same hash
        assert a is b is c
        assert a in session.new  # added, not flushed
        assert a.id is None
        other = ImTag.as_unique_sync(session, **_tag("SQL"))
        assert other is not a
        assert len(session.new) == 2
        session.commit()
        assert a.id is not None

    backend.run(first)

    def count(session: Session) -> int:
        return session.scalar(select(func.count()).select_from(ImTag)) or 0

    assert backend.run(count) == 2

    def second(session: Session) -> tuple[Any, Any]:
        existing = ImTag.as_unique_sync(session, **_tag("Python Tips"))
        assert existing not in session.new
        assert existing.id is not None
        assert existing.name == "Python Tips"
        again = ImTag.as_unique_sync(session, **_tag("Python Tips"))
        assert again is existing
        new = ImTag.as_unique_sync(session, **_tag("Rust"))
        assert new in session.new
        session.commit()
        return existing.id, new.id

    existing_id, new_id = backend.run(second)
    assert existing_id != new_id
    assert backend.run(count) == 3
    backend.drop_all(orm_registry.metadata, tables=[ImTag])


def test_unique_mixin_cache_is_per_session(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImLabel])

    def first(session: Session) -> Any:
        label = ImLabel.as_unique_sync(session, kind="color", name="red")
        assert getattr(session, "_unique_cache", None) is not None
        assert session._unique_cache[(ImLabel, ("color", "red"))] is label  # type: ignore[attr-defined]
        assert ImLabel.as_unique_sync(session, "color", "red") is label  # positional arguments hash the same
        assert ImLabel.as_unique_sync(session, kind="size", name="red") is not label
        session.commit()
        return label.id

    label_id = backend.run(first)

    def second(session: Session) -> Any:
        assert getattr(session, "_unique_cache", None) is None
        label = ImLabel.as_unique_sync(session, kind="color", name="red")
        return label.id

    assert backend.run(second) == label_id
    backend.drop_all(orm_registry.metadata, tables=[ImLabel])


def test_unique_mixin_multiple_rows_raise(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImLabelByKind])

    def scenario(session: Session) -> None:
        session.add_all([ImLabelByKind(kind="dup"), ImLabelByKind(kind="dup")])
        session.commit()
        with pytest.raises(MultipleResultsFoundError):
            ImLabelByKind.as_unique_sync(session, kind="dup")

    backend.run(scenario)
    backend.drop_all(orm_registry.metadata, tables=[ImLabelByKind])


def test_unique_mixin_does_not_autoflush(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImTag])

    def scenario(session: Session) -> None:
        # a pending row that would violate NOT NULL if flushed: the lookup must not flush it
        broken = ImTag(name="broken")
        session.add(broken)
        tag = ImTag.as_unique_sync(session, **_tag("Fine"))
        assert tag in session.new
        assert broken in session.new
        session.expunge(broken)
        session.commit()
        assert tag.id is not None

    backend.run(scenario)
    backend.drop_all(orm_registry.metadata, tables=[ImTag])


def test_unique_mixin_async(backend: Backend) -> None:
    if not backend.is_async:
        pytest.skip("as_unique_async needs an AsyncSession (async backends only)")
    backend.create_all(orm_registry.metadata, tables=[ImTag])

    async def first(session: AsyncSession) -> Any:
        a = await ImTag.as_unique_async(session, **_tag("Async Tag"))
        b = await ImTag.as_unique_async(session, **_tag("Async Tag"))
        assert a is b
        assert a in session.new
        other = await ImTag.as_unique_async(session, **_tag("Other"))
        assert other is not a
        await session.commit()
        return a.id

    tag_id = backend.run_async(first, expire_on_commit=False)
    assert tag_id is not None

    async def second(session: AsyncSession) -> Any:
        existing = await ImTag.as_unique_async(session, **_tag("Async Tag"))
        assert existing not in session.new
        assert existing is await ImTag.as_unique_async(session, **_tag("Async Tag"))
        count = await session.scalar(select(func.count()).select_from(ImTag))
        assert count == 2
        return existing.id

    assert backend.run_async(second, expire_on_commit=False) == tag_id
    backend.drop_all(orm_registry.metadata, tables=[ImTag])


def test_unique_mixin_async_multiple_rows_raise(backend: Backend) -> None:
    if not backend.is_async:
        pytest.skip("as_unique_async needs an AsyncSession (async backends only)")
    backend.create_all(orm_registry.metadata, tables=[ImLabelByKind])

    async def scenario(session: AsyncSession) -> None:
        session.add_all([ImLabelByKind(kind="dup"), ImLabelByKind(kind="dup")])
        await session.commit()
        with pytest.raises(MultipleResultsFoundError):
            await ImLabelByKind.as_unique_async(session, kind="dup")

    backend.run_async(scenario)
    backend.drop_all(orm_registry.metadata, tables=[ImLabelByKind])


# --- SlugMixin ------------------------------------------------------------------------------------------


def test_slug_mixin(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImArticle])

    def scenario(session: Session) -> None:
        first = ImArticle(name="Hello World!")
        session.add(first)
        session.commit()
        assert first.slug == "hello-world"

        # collision with a row in the database
        second = ImArticle(name="Hello, World")
        session.add(second)
        session.commit()
        assert second.slug == "hello-world-2"

        # two colliding rows in the same flush
        third, fourth = ImArticle(name="hello world"), ImArticle(name="HELLO WORLD")
        session.add_all([third, fourth])
        session.commit()
        assert {third.slug, fourth.slug} == {"hello-world-3", "hello-world-4"}

        # a row whose slug merely starts with the base is not a collision for another base
        other = ImArticle(name="Hello World Again")
        session.add(other)
        session.commit()
        assert other.slug == "hello-world-again"

        # explicit slug kept
        explicit = ImArticle(name="Hello World!", slug="my-own-slug")
        session.add(explicit)
        session.commit()
        assert explicit.slug == "my-own-slug"

        # new base, two in one flush with nothing in the database
        a, b = ImArticle(name="Fresh Start"), ImArticle(name="fresh start")
        session.add_all([a, b])
        session.commit()
        assert sorted([a.slug, b.slug]) == ["fresh-start", "fresh-start-2"]

        # accents folded
        c = ImArticle(name="Crème Brûlée")
        session.add(c)
        session.commit()
        assert c.slug == "creme-brulee"

        # the slug is not recomputed on update
        first.name = "Something Else"
        session.commit()
        assert first.slug == "hello-world"

        # long sources are cut to the column length (100), suffix included
        long_name = "word " * 40
        long_a, long_b = ImArticle(name=long_name), ImArticle(name=long_name)
        session.add_all([long_a, long_b])
        session.commit()
        assert len(long_a.slug) <= 100
        assert len(long_b.slug) <= 100
        expected_long = "-".join(["word"] * 20)  # 99 characters, the longest whole-word prefix within 100
        assert long_a.slug == expected_long
        assert long_b.slug == expected_long[:98].rstrip("-") + "-2"
        assert long_a.slug != long_b.slug

        # a source that slugifies to nothing still gets a usable slug
        empty = ImArticle(name="!!!")
        session.add(empty)
        session.commit()
        assert empty.slug == "item"

        slugs = session.scalars(select(ImArticle.slug)).all()
        assert len(slugs) == len(set(slugs))

    backend.run(scenario)
    backend.drop_all(orm_registry.metadata, tables=[ImArticle])


def test_slug_mixin_custom_source_and_failed_flush(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImPage])

    def scenario(session: Session) -> None:
        page = ImPage(title="About Us")
        session.add(page)
        session.commit()
        assert page.slug == "about-us"

        # an explicit duplicate slug violates the unique constraint; the auto slug of the other row is
        # reserved during that flush
        session.add_all([ImPage(title="Contact"), ImPage(title="x", slug="about-us")])
        with pytest.raises(SAIntegrityError):
            session.flush()
        session.rollback()

        # slugs reserved during the failed flush do not leak into the next one
        fresh = ImPage(title="Contact")
        session.add(fresh)
        session.commit()
        assert fresh.slug == "contact"

    backend.run(scenario)
    backend.drop_all(orm_registry.metadata, tables=[ImPage])


# --- OptimisticLockMixin ----------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:.*versioning cannot be verified")
def test_optimistic_lock_version_increments(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImLocked])

    def scenario(session: Session) -> None:
        row = ImLocked(title="a")
        session.add(row)
        session.commit()
        assert row.version == 1
        row.title = "b"
        session.commit()
        assert row.version == 2
        session.expire_all()
        assert row.version == 2
        row.title = "c"
        session.flush()
        assert row.version == 3
        session.commit()
        assert session.scalar(select(ImLocked.version).where(ImLocked.id == row.id)) == 3

    backend.run(scenario)
    backend.drop_all(orm_registry.metadata, tables=[ImLocked])


def _bump_behind_the_orms_back(session: Session, row_id: Any) -> None:
    session.execute(
        update(ImLocked).where(ImLocked.id == row_id).values(version=ImLocked.version + 1),
        execution_options={"synchronize_session": False},
    )


@pytest.mark.filterwarnings("ignore:.*versioning cannot be verified")
def test_optimistic_lock_stale_update(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImLocked])

    def scenario(session: Session) -> None:
        row = ImLocked(title="a")
        session.add(row)
        session.commit()
        assert row.version == 1

        _bump_behind_the_orms_back(session, row.id)  # another writer got there first
        row.title = "stale write"
        with pytest.raises(StaleDataError):
            session.flush()
        session.rollback()

        _bump_behind_the_orms_back(session, row.id)
        row.title = "stale write again"
        with pytest.raises(ConflictError), wrap_sqlalchemy_exception():
            session.flush()
        session.rollback()

        # after a refresh the write goes through
        session.refresh(row)
        row.title = "fresh write"
        session.commit()
        assert row.title == "fresh write"

    backend.run(scenario)
    backend.drop_all(orm_registry.metadata, tables=[ImLocked])


@pytest.mark.filterwarnings("ignore:.*versioning cannot be verified")
def test_optimistic_lock_stale_delete(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, tables=[ImLocked])

    def scenario(session: Session) -> None:
        row = ImLocked(title="a")
        session.add(row)
        session.commit()
        _bump_behind_the_orms_back(session, row.id)
        session.delete(row)
        with pytest.raises(ConflictError), wrap_sqlalchemy_exception():
            session.flush()
        session.rollback()

    backend.run(scenario)
    backend.drop_all(orm_registry.metadata, tables=[ImLocked])
