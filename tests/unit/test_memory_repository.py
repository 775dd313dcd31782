"""In-memory mock repositories: the same API and behaviour as the database repositories, sync and async."""

from __future__ import annotations

import datetime
import inspect
import uuid
import warnings
from collections.abc import Iterator
from typing import Any, Optional

import pytest
from sqlalchemy import ForeignKey, MetaData, String, and_, func, or_, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from advanced_alchemy.base import BigIntBase, UUIDAuditBase, UUIDBase
from advanced_alchemy.exceptions import (
    DuplicateKeyError,
    IntegrityError,
    MultipleResultsFoundError,
    NotFoundError,
    RepositoryError,
)
from advanced_alchemy.filters import (
    BeforeAfter,
    BooleanFilter,
    CollectionFilter,
    ComparisonFilter,
    ExistsFilter,
    FilterGroup,
    LimitOffset,
    MultiFilter,
    NotInCollectionFilter,
    NotInSearchFilter,
    NotNullFilter,
    NullFilter,
    OnBeforeAfter,
    OrderBy,
    SearchFilter,
)
from advanced_alchemy.mixins.slug import SlugKey, SlugMixin
from advanced_alchemy.repository.memory import (
    SQLAlchemyAsyncMockRepository,
    SQLAlchemyAsyncMockSlugRepository,
    SQLAlchemySyncMockRepository,
    SQLAlchemySyncMockSlugRepository,
)
from advanced_alchemy.repository.memory.base import InMemoryStore, SQLAlchemyInMemoryStore, SQLAlchemyMultiStore


class MemAuthor(UUIDAuditBase):
    __tablename__ = "mem_author"
    name: Mapped[str] = mapped_column(String(100), unique=True)
    rank: Mapped[Optional[int]] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)
    born: Mapped[Optional[datetime.datetime]] = mapped_column(default=None)
    books: Mapped[list[MemBook]] = relationship(back_populates="author", lazy="noload")


class MemBook(BigIntBase):
    __tablename__ = "mem_book"
    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[Optional[uuid.UUID]] = mapped_column(ForeignKey("mem_author.id"), default=None)
    author: Mapped[Optional[MemAuthor]] = relationship(back_populates="books", lazy="noload")


class MemTag(UUIDBase, SlugKey):
    __tablename__ = "mem_tag"
    name: Mapped[str] = mapped_column(String(50))


class MemTopic(BigIntBase, SlugMixin):
    __tablename__ = "mem_topic"
    name: Mapped[str] = mapped_column(String(50))


class PairBase(DeclarativeBase):
    metadata = MetaData()


class MemPair(PairBase):
    __tablename__ = "mem_pair"
    left: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    right: Mapped[str] = mapped_column(String(10), primary_key=True)
    label: Mapped[str] = mapped_column(String(50))


class AsyncAuthorRepo(SQLAlchemyAsyncMockRepository[MemAuthor]):
    model_type = MemAuthor


class SyncAuthorRepo(SQLAlchemySyncMockRepository[MemAuthor]):
    model_type = MemAuthor


class AsyncBookRepo(SQLAlchemyAsyncMockRepository[MemBook]):
    model_type = MemBook


class SyncBookRepo(SQLAlchemySyncMockRepository[MemBook]):
    model_type = MemBook


class AsyncTagRepo(SQLAlchemyAsyncMockSlugRepository[MemTag]):
    model_type = MemTag


class SyncTagRepo(SQLAlchemySyncMockSlugRepository[MemTag]):
    model_type = MemTag


class AsyncTopicRepo(SQLAlchemyAsyncMockSlugRepository[MemTopic]):
    model_type = MemTopic


class SyncTopicRepo(SQLAlchemySyncMockSlugRepository[MemTopic]):
    model_type = MemTopic


class AsyncPairRepo(SQLAlchemyAsyncMockRepository[MemPair]):
    model_type = MemPair


class SyncPairRepo(SQLAlchemySyncMockRepository[MemPair]):
    model_type = MemPair


REPOS = {
    "async": {
        "author": AsyncAuthorRepo,
        "book": AsyncBookRepo,
        "tag": AsyncTagRepo,
        "topic": AsyncTopicRepo,
        "pair": AsyncPairRepo,
    },
    "sync": {
        "author": SyncAuthorRepo,
        "book": SyncBookRepo,
        "tag": SyncTagRepo,
        "topic": SyncTopicRepo,
        "pair": SyncPairRepo,
    },
}


class Repos:
    """Repositories of one flavour; ``call`` awaits async results so one test body serves both."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.classes = REPOS[kind]

    def __call__(self, name: str, **kwargs: Any) -> Any:
        return self.classes[name](session=None, **kwargs)


async def call(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@pytest.fixture(params=["async", "sync"])
def repos(request: pytest.FixtureRequest) -> Iterator[Repos]:
    yield Repos(request.param)
    SQLAlchemyAsyncMockRepository.__database_clear__()
    SQLAlchemySyncMockRepository.__database_clear__()


async def seed(repos: Repos) -> Any:
    repo = repos("author")
    when = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    authors = [
        MemAuthor(name="Ada", rank=3, born=when),
        MemAuthor(name="Grace", rank=None, active=False, born=when + datetime.timedelta(days=10)),
        MemAuthor(name="Linus", rank=1, born=None),
        MemAuthor(name="50% off_sale", rank=2, born=when + datetime.timedelta(days=20)),
    ]
    await call(repo.add_many(authors))
    return repo


def names(rows: Any) -> list[str]:
    return [row.name for row in rows]


# --- CRUD ---------------------------------------------------------------------------------------------------


async def test_sync_methods_are_not_coroutines() -> None:
    for name, member in inspect.getmembers(SQLAlchemyAsyncMockSlugRepository, inspect.isfunction):
        if name.startswith("_"):
            continue
        sync_member = getattr(SQLAlchemySyncMockSlugRepository, name)
        assert not inspect.iscoroutinefunction(sync_member), name


async def test_add_get_update_delete(repos: Repos) -> None:
    repo = repos("author")
    ada = await call(repo.add(MemAuthor(name="Ada")))
    assert isinstance(ada.id, uuid.UUID)
    assert ada.created_at.tzinfo is not None
    assert ada.updated_at is not None
    assert ada.active is True  # Python-side column default
    assert await call(repo.get(ada.id)) is ada
    assert await call(repo.get(str(ada.id))) is ada
    assert await call(repo.get("Ada", id_attribute="name")) is ada
    assert await call(repo.get("Ada", id_attribute=MemAuthor.name)) is ada
    # another repository instance of the same model sees the same data
    assert await call(repos("author").get(ada.id)) is ada

    before = ada.updated_at
    updated = await call(repo.update(MemAuthor(id=ada.id, rank=3)))
    assert updated is ada
    assert (updated.name, updated.rank) == ("Ada", 3)
    assert updated.updated_at >= before
    ada.name = "Ada L."
    assert (await call(repo.update(ada))).name == "Ada L."

    with pytest.raises(NotFoundError):
        await call(repo.update(MemAuthor(id=uuid.uuid4(), name="ghost")))
    deleted = await call(repo.delete(ada.id))
    assert deleted is ada
    with pytest.raises(NotFoundError, match="No item found when one was expected"):
        await call(repo.get(ada.id))
    with pytest.raises(NotFoundError):
        await call(repo.delete(ada.id))


async def test_update_bumps_updated_at_only_when_something_changed(repos: Repos) -> None:
    repo = repos("author")
    ada = await call(repo.add(MemAuthor(name="Ada")))
    stamp = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    ada.updated_at = stamp
    await call(repo.update(ada))
    assert ada.updated_at == stamp  # explicitly set by the caller
    await call(repo.update(ada))
    assert ada.updated_at == stamp  # nothing changed
    ada.rank = 9
    await call(repo.update(ada))
    assert ada.updated_at > stamp


async def test_autoincrement_integer_keys_and_explicit_keys(repos: Repos) -> None:
    repo = repos("book")
    first, second = await call(repo.add_many([MemBook(title="a"), MemBook(title="b")]))
    assert (first.id, second.id) == (1, 2)
    await call(repo.add(MemBook(id=10, title="c")))
    assert (await call(repo.add(MemBook(title="d")))).id == 11
    with pytest.raises(DuplicateKeyError, match="already exist"):
        await call(repo.add(MemBook(id=10, title="dup")))
    assert await call(repo.count()) == 4


async def test_duplicate_key_and_unique_constraint(repos: Repos) -> None:
    repo = repos("author")
    ada = await call(repo.add(MemAuthor(name="Ada")))
    with pytest.raises(DuplicateKeyError) as info:
        await call(repo.add(MemAuthor(id=ada.id, name="Other")))
    assert isinstance(info.value, IntegrityError)
    with pytest.raises(DuplicateKeyError):
        await call(repo.add(MemAuthor(name="Ada")))
    # add_many is all or nothing
    with pytest.raises(DuplicateKeyError):
        await call(repo.add_many([MemAuthor(name="New"), MemAuthor(name="Ada")]))
    assert names(await call(repo.get_many())) == ["Ada"]


async def test_get_one_and_get_one_or_none(repos: Repos) -> None:
    repo = await seed(repos)
    assert (await call(repo.get_one(name="Ada"))).rank == 3
    assert (await call(repo.get_one(MemAuthor.rank == 1))).name == "Linus"
    assert await call(repo.get_one_or_none(name="nobody")) is None
    with pytest.raises(NotFoundError):
        await call(repo.get_one(name="nobody"))
    with pytest.raises(MultipleResultsFoundError) as info:
        await call(repo.get_one(MemAuthor.rank > 1))
    assert isinstance(info.value, IntegrityError)
    with pytest.raises(MultipleResultsFoundError):
        await call(repo.get_one_or_none(active=True))


async def test_get_many_count_exists_and_list_and_count(repos: Repos) -> None:
    repo = await seed(repos)
    assert len(await call(repo.get_many())) == 4
    assert names(await call(repo.get_many(active=False))) == ["Grace"]
    assert await call(repo.count()) == 4
    assert await call(repo.count(MemAuthor.rank >= 2)) == 2
    assert await call(repo.exists(name="Ada")) is True
    assert await call(repo.exists(name="nobody")) is False
    page, total = await call(repo.get_many_and_count(LimitOffset(limit=2, offset=0), order_by=("name", False)))
    assert (names(page), total) == (["50% off_sale", "Ada"], 4)
    page, total = await call(repo.get_many_and_count(LimitOffset(limit=2, offset=10)))
    assert (page, total) == ([], 4)
    with pytest.warns(DeprecationWarning, match="get_many"):
        rows = await call(repo.list(name="Ada"))
    assert names(rows) == ["Ada"]
    with pytest.warns(DeprecationWarning, match="get_many_and_count"):
        rows, total = await call(repo.list_and_count(LimitOffset(limit=1, offset=1), order_by=("name", True)))
    assert (names(rows), total) == (["Grace"], 4)


async def test_delete_many_and_delete_where(repos: Repos) -> None:
    repo = await seed(repos)
    ada = await call(repo.get_one(name="Ada"))
    grace = await call(repo.get_one(name="Grace"))
    deleted = await call(repo.delete_many([ada.id, grace.id, uuid.uuid4()]))
    assert sorted(names(deleted)) == ["Ada", "Grace"]
    assert await call(repo.count()) == 2
    assert names(await call(repo.delete_many(["Linus"], id_attribute="name"))) == ["Linus"]
    with pytest.raises(ValueError):
        await call(repo.delete_many([ada.id], chunk_size=0))
    await call(repo.add(MemAuthor(name="Zed", rank=7)))
    deleted = await call(repo.delete_where(MemAuthor.rank > 5, LimitOffset(limit=0, offset=0)))
    assert names(deleted) == ["Zed"]
    assert names(await call(repo.delete_where(rank=2))) == ["50% off_sale"]
    assert await call(repo.count()) == 0


async def test_update_many_skips_unknown_rows(repos: Repos) -> None:
    repo = await seed(repos)
    ada = await call(repo.get_one(name="Ada"))
    ada.rank = 10
    updated = await call(repo.update_many([ada, MemAuthor(id=uuid.uuid4(), name="ghost")]))
    assert names(updated) == ["Ada"]
    assert (await call(repo.get(ada.id))).rank == 10
    assert await call(repo.count()) == 4


async def test_composite_primary_key(repos: Repos) -> None:
    repo = repos("pair")
    await call(repo.add(MemPair(left=1, right="a", label="x")))
    assert (await call(repo.get((1, "a")))).label == "x"
    assert (await call(repo.get({"left": 1, "right": "a"}))).label == "x"
    assert repo.has_composite_pk
    assert repo.pk_attr_names == ("left", "right")
    with pytest.raises(NotFoundError):
        await call(repo.get((2, "a")))
    with pytest.raises(DuplicateKeyError):
        await call(repo.add(MemPair(left=1, right="a", label="y")))
    assert len(await call(repo.delete_many([(1, "a"), (9, "z")]))) == 1


# --- upserts ------------------------------------------------------------------------------------------------


async def test_upsert(repos: Repos) -> None:
    repo = repos("author")
    created = await call(repo.upsert(MemAuthor(name="Ada", rank=1)))
    assert await call(repo.count()) == 1
    same = await call(repo.upsert(MemAuthor(id=created.id, name="Ada", rank=2)))
    assert same is created
    assert same.rank == 2
    by_name = await call(repo.upsert(MemAuthor(name="Ada", rank=5), match_fields=["name"]))
    assert by_name is created
    assert created.rank == 5
    other = await call(repo.upsert(MemAuthor(name="Grace", rank=1), match_fields="name"))
    assert other is not created
    assert await call(repo.count()) == 2


async def test_upsert_many(repos: Repos) -> None:
    repo = repos("author")
    ada = await call(repo.add(MemAuthor(name="Ada", rank=1)))
    rows = await call(
        repo.upsert_many([MemAuthor(name="Ada", rank=2), MemAuthor(name="Grace", rank=3)], match_fields=["name"])
    )
    assert rows[0] is ada
    assert ada.rank == 2
    assert rows[1].name == "Grace"
    assert rows[1].id is not None
    assert await call(repo.count()) == 2
    by_pk = await call(repo.upsert_many([MemAuthor(id=ada.id, name="Ada", rank=4)]))
    assert by_pk == [ada]
    assert ada.rank == 4
    assert await call(repo.upsert_many([])) == []
    with pytest.raises(ValueError):
        await call(repo.upsert_many([MemAuthor(name="X"), MemAuthor(name="X")], match_fields="name"))


async def test_get_or_upsert_and_get_and_update(repos: Repos) -> None:
    repo = repos("author")
    ada, created = await call(repo.get_or_upsert(name="Ada", rank=1))
    assert created is True
    assert ada.id is not None
    again, created = await call(repo.get_or_upsert(match_fields="name", name="Ada", rank=2))
    assert (again is ada, created, ada.rank) == (True, False, 2)
    kept, created = await call(repo.get_or_upsert(match_fields="name", upsert=False, name="Ada", rank=9))
    assert (created, kept.rank) == (False, 2)
    updated, changed = await call(repo.get_and_update(match_fields="name", name="Ada", rank=3))
    assert (updated is ada, changed, ada.rank) == (True, True, 3)
    _, changed = await call(repo.get_and_update(match_fields="name", name="Ada", rank=3))
    assert changed is False
    with pytest.raises(NotFoundError):
        await call(repo.get_and_update(match_fields="name", name="nobody", rank=1))


# --- filters and ordering -----------------------------------------------------------------------------------


async def test_statement_filters(repos: Repos) -> None:
    repo = await seed(repos)
    when = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)
    day = datetime.timedelta(days=1)
    assert names(await call(repo.get_many(SearchFilter("name", "50%")))) == ["50% off_sale"]
    assert names(await call(repo.get_many(SearchFilter("name", "ADA", ignore_case=True)))) == ["Ada"]
    assert names(await call(repo.get_many(SearchFilter({"name"}, "a_s")))) == []
    assert len(await call(repo.get_many(NotInSearchFilter("name", "a", ignore_case=True)))) == 1
    assert sorted(names(await call(repo.get_many(CollectionFilter("rank", [1, 3]))))) == ["Ada", "Linus"]
    assert await call(repo.get_many(CollectionFilter("rank", []))) == []
    assert len(await call(repo.get_many(CollectionFilter("rank", None)))) == 4
    assert sorted(names(await call(repo.get_many(NotInCollectionFilter("name", ["Ada", "Linus"]))))) == [
        "50% off_sale",
        "Grace",
    ]
    assert names(await call(repo.get_many(NullFilter("rank")))) == ["Grace"]
    assert len(await call(repo.get_many(NotNullFilter("rank")))) == 3
    assert names(await call(repo.get_many(BooleanFilter("active", False)))) == ["Grace"]
    assert names(
        await call(repo.get_many(NotNullFilter("born"), BeforeAfter("born", before=when + day, after=None)))
    ) == ["Ada"]
    assert names(
        await call(
            repo.get_many(NotNullFilter("born"), OnBeforeAfter("born", on_or_before=None, on_or_after=when + 20 * day))
        )
    ) == ["50% off_sale"]


async def test_comparison_group_and_multi_filters(repos: Repos) -> None:
    repo = await seed(repos)
    assert names(await call(repo.get_many(ComparisonFilter("rank", "gt", 2)))) == ["Ada"]
    assert sorted(names(await call(repo.get_many(ComparisonFilter("rank", "between", (1, 2)))))) == [
        "50% off_sale",
        "Linus",
    ]
    assert names(await call(repo.get_many(ComparisonFilter("name", "startswith", "50%")))) == ["50% off_sale"]
    assert names(await call(repo.get_many(ComparisonFilter("name", "istartswith", "gra")))) == ["Grace"]
    assert names(await call(repo.get_many(ComparisonFilter("name", "like", "L%s")))) == ["Linus"]
    assert names(await call(repo.get_many(ComparisonFilter("rank", "in", [3])))) == ["Ada"]
    assert names(await call(repo.get_many(ComparisonFilter("born", "dateeq", datetime.date(2020, 1, 11))))) == ["Grace"]
    group = FilterGroup(or_, [ComparisonFilter("rank", "eq", 3), CollectionFilter("name", ["Linus"])])
    assert sorted(names(await call(repo.get_many(group)))) == ["Ada", "Linus"]
    multi = MultiFilter(
        {
            "and_": [
                {"type": "comparison", "field_name": "rank", "operator": "ge", "value": 1},
                {
                    "or_": [
                        {"type": "search", "field_name": "name", "value": "in"},
                        {"type": "boolean", "field_name": "active", "value": True},
                    ]
                },
            ]
        }
    )
    assert sorted(names(await call(repo.get_many(multi)))) == ["50% off_sale", "Ada", "Linus"]
    with pytest.raises(RepositoryError):
        await call(repo.get_many(ExistsFilter([MemAuthor.rank == 1])))


async def test_sql_expressions(repos: Repos) -> None:
    repo = await seed(repos)
    assert names(await call(repo.get_many(MemAuthor.name == "Ada"))) == ["Ada"]
    assert sorted(names(await call(repo.get_many(MemAuthor.rank != 3)))) == ["50% off_sale", "Linus"]  # NULL drops
    assert names(await call(repo.get_many(MemAuthor.rank.is_(None)))) == ["Grace"]
    assert len(await call(repo.get_many(MemAuthor.rank.is_not(None)))) == 3
    assert names(await call(repo.get_many(MemAuthor.name.in_(["Ada", "x"])))) == ["Ada"]
    assert len(await call(repo.get_many(MemAuthor.name.not_in(["Ada"])))) == 3
    assert names(await call(repo.get_many(MemAuthor.name.like("G%")))) == ["Grace"]
    assert names(await call(repo.get_many(~MemAuthor.name.like("%a%"), MemAuthor.rank < 2))) == ["Linus"]
    assert names(await call(repo.get_many(and_(MemAuthor.rank > 1, MemAuthor.rank <= 2)))) == ["50% off_sale"]
    assert names(await call(repo.get_many(func.lower(MemAuthor.name) == "ada"))) == ["Ada"]
    statement = select(MemAuthor).where(MemAuthor.active.is_(False))
    assert names(await call(repo.get_many(statement=statement))) == ["Grace"]
    with pytest.raises(RepositoryError, match="Cannot evaluate"):
        await call(repo.get_many(MemAuthor.name.regexp_match("A.*")))
    with pytest.raises(RepositoryError, match="Cannot evaluate"):
        await call(repo.get_many(MemBook.title == "x"))


async def test_ordering(repos: Repos) -> None:
    repo = await seed(repos)
    assert names(await call(repo.get_many(OrderBy("rank", "asc")))) == ["Linus", "50% off_sale", "Ada", "Grace"]
    assert names(await call(repo.get_many(OrderBy("rank", "desc")))) == ["Grace", "Ada", "50% off_sale", "Linus"]
    assert names(await call(repo.get_many(OrderBy("rank", "asc", nulls="first"))))[0] == "Grace"
    assert names(await call(repo.get_many(OrderBy("rank", "desc", nulls="last"))))[-1] == "Grace"
    assert names(await call(repo.get_many(order_by=("rank", True), active=True))) == ["Ada", "50% off_sale", "Linus"]
    assert names(await call(repo.get_many(order_by=[MemAuthor.rank.desc().nulls_last()])))[-1] == "Grace"
    assert names(await call(repo.get_many(order_by=MemAuthor.name.asc()))) == ["50% off_sale", "Ada", "Grace", "Linus"]
    # order_by pairs come before OrderBy filters; ordering is applied before pagination
    await call(repo.add(MemAuthor(name="Bea", rank=3)))
    rows = await call(
        repo.get_many(OrderBy("name", "desc"), LimitOffset(limit=2, offset=0), order_by=("rank", True), active=True)
    )
    assert names(rows) == ["Bea", "Ada"]
    default_ordered = repos("author", order_by=("name", False))
    assert names(await call(default_ordered.get_many()))[:2] == ["50% off_sale", "Ada"]


async def test_unknown_fields_raise_repository_error(repos: Repos) -> None:
    repo = await seed(repos)
    for filters, kwargs in [
        ((), {"nope": 1}),
        ((OrderBy("nope"),), {}),
        ((SearchFilter("nope", "x"),), {}),
        ((CollectionFilter("nope", [1]),), {}),
        ((ComparisonFilter("nope", "eq", 1),), {}),
        ((), {"order_by": ("nope", False)}),
    ]:
        with pytest.raises(RepositoryError, match="MemAuthor.*nope|nope.*MemAuthor"):
            await call(repo.get_many(*filters, **kwargs))
    with pytest.raises(RepositoryError, match="nope"):
        await call(repo.count(nope=1))
    with pytest.raises(RepositoryError, match="nope"):
        await call(repo.get("x", id_attribute="nope"))
    with pytest.raises(RepositoryError):
        await call(repo.get_many("not a filter"))


# --- slugs, relationships, stores ---------------------------------------------------------------------------


async def test_slug_repository(repos: Repos) -> None:
    repo = repos("tag")
    assert await call(repo.get_available_slug("Hello World!")) == "hello-world"
    tag = await call(repo.add(MemTag(name="Hello", slug="hello-world")))
    assert await call(repo.get_by_slug("hello-world")) is tag
    assert await call(repo.get_by_slug("missing")) is None
    other = await call(repo.get_available_slug("Hello World"))
    assert other.startswith("hello-world-")
    assert len(other) == len("hello-world-") + 4
    with pytest.raises(DuplicateKeyError):  # the slug column is unique
        await call(repo.add(MemTag(name="Again", slug="hello-world")))


async def test_slug_mixin_fills_the_slug_on_add(repos: Repos) -> None:
    repo = repos("topic")
    first = await call(repo.add(MemTopic(name="Big News")))
    second = await call(repo.add(MemTopic(name="Big News")))
    explicit = await call(repo.add(MemTopic(name="x", slug="chosen")))
    assert (first.slug, second.slug, explicit.slug) == ("big-news", "big-news-2", "chosen")


async def test_related_instances_are_stored_and_foreign_keys_filled(repos: Repos) -> None:
    author = MemAuthor(name="Ada")
    book = await call(repos("book").add(MemBook(title="Notes", author=author)))
    assert author.id is not None
    assert book.author_id == author.id
    assert await call(repos("author").get(author.id)) is author
    grace = MemAuthor(name="Grace", books=[MemBook(title="COBOL")])
    await call(repos("author").add(grace))
    cobol = await call(repos("book").get_one(title="COBOL"))
    assert cobol.author_id == grace.id


async def test_repository_helpers(repos: Repos) -> None:
    repo = repos("author", auto_commit=True, auto_expunge=True, load=[MemAuthor.books], execution_options={"x": 1})
    assert await call(type(repo).check_health(None)) is True
    ada = await call(repo.add(MemAuthor(name="Ada")))
    assert repo.get_primary_key_value(ada) == ada.id
    assert repo.has_primary_key_values(ada)
    assert not repo.has_composite_pk
    assert repo.get_id_attribute_value(ada) == ada.id
    assert repo.get_id_attribute_value(ada, MemAuthor.name) == "Ada"
    assert repo.set_id_attribute_value("Bea", ada, "name").name == "Bea"
    with pytest.raises(NotFoundError):
        repo.check_not_found(None)
    assert repo.__collection__().get_all() == [ada]
    assert repo.__collection__(MemBook).get_all() == []
    type(repo).__database_clear__()
    assert await call(repo.count()) == 0


def test_repository_registry_and_shared_store() -> None:
    assert SQLAlchemyAsyncMockRepository.__database_registry__[AsyncAuthorRepo] is AsyncAuthorRepo.__database__
    assert AsyncAuthorRepo.__database__ is AsyncBookRepo.__database__
    assert SQLAlchemySyncMockRepository.__database__ is not SQLAlchemyAsyncMockRepository.__database__
    seeded = AsyncAuthorRepo.__database_add__(MemAuthor, MemAuthor(name="Seed"))
    assert seeded.id is not None
    assert AsyncAuthorRepo(session=None).__collection__().get(str(seeded.id)) is seeded
    SQLAlchemyAsyncMockRepository.__database_clear__()
    assert not AsyncAuthorRepo(session=None).__collection__()


def test_in_memory_store() -> None:
    store: InMemoryStore[str] = InMemoryStore()
    assert not store
    store.add("a")
    assert "a" in store
    assert store
    with pytest.raises(DuplicateKeyError):
        store.add("a")
    assert store.get(hash("a")) == "a"
    assert store.get("missing", "default") == "default"
    assert store.get_or_none("missing") is None
    with pytest.raises(NotFoundError):
        store.get("missing")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DeprecationWarning):
            store.list()
    assert store.get_all() == ["a"]
    assert store.update("a") == "a"
    assert store.remove(hash("a")) == "a"
    with pytest.raises(NotFoundError):
        store.remove(hash("a"))
    store.add("b")
    store.remove_all()
    assert store.get_all() == []

    multi: SQLAlchemyMultiStore[Any] = SQLAlchemyMultiStore(SQLAlchemyInMemoryStore)
    author = multi.add(MemAuthor, MemAuthor(name="Ada"))
    assert multi.identity(author) is MemAuthor
    assert multi.store(MemAuthor).get(str(author.id)) is author
    assert list(SQLAlchemyInMemoryStore.changed_attrs(author)) == []
    author.rank = 4
    assert list(SQLAlchemyInMemoryStore.changed_attrs(author)) == ["rank"]
    multi.remove_all()
    assert not multi.store(MemAuthor)


def test_mock_slug_repository_generates_missing_slugs() -> None:
    from sqlalchemy.orm import mapped_column

    from advanced_alchemy.base import BigIntBase
    from advanced_alchemy.mixins import SlugKey
    from advanced_alchemy.repository.memory import SQLAlchemySyncMockSlugRepository

    class MockTag(BigIntBase, SlugKey):
        __tablename__ = "mock_slug_tag"
        name: Mapped[str] = mapped_column()

    class TagRepo(SQLAlchemySyncMockSlugRepository[MockTag]):
        model_type = MockTag

    repo = TagRepo(session=None)
    try:
        assert repo.add(MockTag(name="Hello There")).slug == "hello-there"
        again = repo.add_many([MockTag(name="Hello There"), MockTag(name="x", slug="fixed")])
        assert again[0].slug.startswith("hello-there-")
        assert again[1].slug == "fixed"
    finally:
        TagRepo.__database_clear__()
