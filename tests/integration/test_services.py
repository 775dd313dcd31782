"""Service layer on every backend, sync and async (one test body, both service kinds).

Each scenario runs with ``SQLAlchemyAsyncRepositoryService`` on async drivers and with
``SQLAlchemySyncRepositoryService`` (wrapped so its calls can be awaited) on sync drivers.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Annotated, Any, Optional, Union

import attrs
import msgspec
import pydantic
import pydantic_core
import pytest
from service_support import run_service_scenario, service_class
from sqlalchemy import ForeignKey, MetaData, String, event, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker, validates
from support import Backend

from advanced_alchemy.base import UUIDAuditBase, orm_registry
from advanced_alchemy.exceptions import (
    AdvancedAlchemyError,
    ImproperConfigurationError,
    NotFoundError,
    RepositoryError,
)
from advanced_alchemy.filters import CollectionFilter, LimitOffset, OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository, SQLAlchemySyncRepository
from advanced_alchemy.service import (
    OffsetPagination,
    SchemaDumpConfig,
    SQLAlchemyAsyncQueryService,
    SQLAlchemyAsyncRepositoryService,
    SQLAlchemySyncQueryService,
    SQLAlchemySyncRepositoryService,
)
from advanced_alchemy.utils.dataclass import Empty

_NAME = pydantic.TypeAdapter(Annotated[str, pydantic.StringConstraints(max_length=40)])


class SvcWidget(UUIDAuditBase):
    __tablename__ = "svc_widget"
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[Optional[str]] = mapped_column(String(200), default=None)
    quantity: Mapped[Optional[int]] = mapped_column(default=None)

    @validates("name")
    def _check_name(self, key: str, value: str) -> str:
        # a pydantic validation inside model construction: its ValidationError must surface as RepositoryError
        return _NAME.validate_python(value)


class SvcAuthor(UUIDAuditBase):
    __tablename__ = "svc_author"
    name: Mapped[str] = mapped_column(String(100))
    books: Mapped[list[SvcBook]] = relationship(back_populates="author", lazy="selectin", cascade="all, delete")


class SvcBook(UUIDAuditBase):
    __tablename__ = "svc_book"
    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("svc_author.id"))
    author: Mapped[SvcAuthor] = relationship(back_populates="books", lazy="selectin")


class PairBase(DeclarativeBase):
    metadata = MetaData()


class SvcPair(PairBase):
    __tablename__ = "svc_pair"
    left: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    right: Mapped[str] = mapped_column(String(10), primary_key=True)
    label: Mapped[str] = mapped_column(String(50))


# --- the seed example of the issue, as written (name/description get a length for MariaDB) -------------


class Tag(UUIDAuditBase):
    __tablename__ = "svc_tag"
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(String(255), default=None)


class TagService(SQLAlchemyAsyncRepositoryService[Tag]):
    class Repo(SQLAlchemyAsyncRepository[Tag]):
        model_type = Tag

    repository_type = Repo
    match_fields = ["name"]

    async def to_model_on_create(self, data):
        if isinstance(data, dict) and "name" in data:
            data["name"] = data["name"].strip().lower()
        return data


class TagSyncService(SQLAlchemySyncRepositoryService[Tag]):
    class Repo(SQLAlchemySyncRepository[Tag]):
        model_type = Tag

    repository_type = Repo
    match_fields = ["name"]

    def to_model_on_create(self, data):
        if isinstance(data, dict) and "name" in data:
            data["name"] = data["name"].strip().lower()
        return data


# --- input schemas: every field optional, left out of the dump when not given ---------------------------


class WidgetIn(pydantic.BaseModel):
    id: Optional[uuid.UUID] = None
    name: Optional[str] = None
    description: Optional[str] = None
    quantity: Optional[int] = None


class WidgetStructIn(msgspec.Struct):
    id: Union[uuid.UUID, msgspec.UnsetType] = msgspec.UNSET
    name: Union[str, msgspec.UnsetType] = msgspec.UNSET
    description: Union[Optional[str], msgspec.UnsetType] = msgspec.UNSET
    quantity: Union[Optional[int], msgspec.UnsetType] = msgspec.UNSET


@attrs.define
class WidgetAttrsIn:
    id: Any = Empty
    name: Any = Empty
    description: Any = Empty
    quantity: Any = Empty


@dataclasses.dataclass
class WidgetDataclassIn:
    id: Any = Empty
    name: Any = Empty
    description: Any = Empty
    quantity: Any = Empty


INPUT_KINDS = {
    "dict": dict,
    "model": SvcWidget,
    "pydantic": WidgetIn,
    "msgspec": WidgetStructIn,
    "attrs": WidgetAttrsIn,
    "dataclass": WidgetDataclassIn,
}


# --- output schemas -------------------------------------------------------------------------------------


class WidgetOut(pydantic.BaseModel):
    id: uuid.UUID
    name: str
    description: Optional[str]
    quantity: Optional[int]
    created_at: datetime.datetime


class WidgetStructOut(msgspec.Struct):
    id: uuid.UUID
    name: str
    description: Optional[str]
    quantity: Optional[int]
    created_at: datetime.datetime


@attrs.define
class WidgetAttrsOut:
    id: uuid.UUID
    name: str
    description: Optional[str]
    quantity: Optional[int]
    created_at: datetime.datetime


OUTPUT_KINDS = {"pydantic": WidgetOut, "msgspec": WidgetStructOut, "attrs": WidgetAttrsOut}


class QuantityCount(pydantic.BaseModel):
    quantity: Optional[int]
    n: int


class QuantityCountStruct(msgspec.Struct):
    quantity: Optional[int]
    n: int


@attrs.define
class QuantityCountAttrs:
    quantity: Optional[int]
    n: int


# --- fixtures and helpers -------------------------------------------------------------------------------


@pytest.fixture
def widgets_backend(backend: Backend) -> Iterator[Backend]:
    backend.create_all(orm_registry.metadata, [SvcWidget])
    yield backend
    backend.drop_all(orm_registry.metadata, [SvcWidget])


@pytest.fixture
def pairs_backend(backend: Backend) -> Iterator[Backend]:
    backend.create_all(PairBase.metadata)
    yield backend
    backend.drop_all(PairBase.metadata)


@pytest.fixture
def authors_backend(backend: Backend) -> Iterator[Backend]:
    backend.create_all(orm_registry.metadata, [SvcAuthor, SvcBook])
    yield backend
    backend.drop_all(orm_registry.metadata, [SvcAuthor, SvcBook])


@pytest.fixture
def tags_backend(backend: Backend) -> Iterator[Backend]:
    backend.create_all(orm_registry.metadata, [Tag])
    yield backend
    backend.drop_all(orm_registry.metadata, [Tag])


def widget_service(**class_attrs: Any) -> Any:
    """A factory ``is_async -> service class`` for :class:`SvcWidget`."""
    return lambda is_async: service_class(SvcWidget, is_async, **class_attrs)


async def state(service: Any) -> dict[str, tuple[Optional[str], Optional[int]]]:
    """``{name: (description, quantity)}`` of every stored widget, read back from the database."""
    service.repository.session.expire_all()
    return {w.name: (w.description, w.quantity) for w in await service.get_many()}


async def committed_count(session: Any, service: Any) -> int:
    """Commit whatever the session holds, then count the stored rows (proves nothing was left pending)."""
    await session.commit()
    return int(await service.count())


# --- writes, for every input type -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(INPUT_KINDS))
def test_writes_accept_every_input_type(widgets_backend: Backend, kind: str) -> None:
    make = INPUT_KINDS[kind]

    async def scenario(session: Any, svc: Any) -> None:
        alpha = await svc.create(make(name="alpha", description="first", quantity=1), auto_commit=True)
        assert isinstance(alpha, SvcWidget)
        assert alpha.id is not None
        assert (alpha.name, alpha.description, alpha.quantity) == ("alpha", "first", 1)

        beta, gamma = await svc.create_many([make(name="beta", quantity=2), make(name="gamma")], auto_commit=True)
        # (create_many does not refresh: only supplied values are loaded on async sessions)
        assert (beta.name, beta.quantity, gamma.name) == ("beta", 2, "gamma")
        assert beta.id is not None
        assert gamma.id is not None
        [delta] = await svc.add_many([make(name="delta", quantity=4)], auto_commit=True)
        assert delta.id is not None
        assert await svc.count() == 4

        # partial update by item_id: only the supplied field changes
        updated = await svc.update(make(quantity=10), item_id=alpha.id, auto_commit=True)
        assert (updated.id, updated.name, updated.description, updated.quantity) == (alpha.id, "alpha", "first", 10)
        # the key may travel in the data instead
        updated = await svc.update(make(id=alpha.id, description="changed"), auto_commit=True)
        assert (updated.id, updated.name, updated.description, updated.quantity) == (
            alpha.id,
            "alpha",
            "changed",
            10,
        )

        rows = await svc.update_many([make(id=beta.id, quantity=20), make(id=gamma.id, quantity=30)], auto_commit=True)
        assert sorted(r.quantity for r in rows) == [20, 30]

        # upsert: the class-level match_fields (name) finds the existing row
        upserted = await svc.upsert(make(name="delta", quantity=40), auto_commit=True)
        assert (upserted.id, upserted.quantity) == (delta.id, 40)
        inserted = await svc.upsert(make(name="epsilon", quantity=5), auto_commit=True)
        assert inserted.id not in {alpha.id, beta.id, gamma.id, delta.id}
        # an explicit item_id is written onto the model
        by_id = await svc.upsert(make(name="gamma", quantity=33), item_id=gamma.id, auto_commit=True)
        assert (by_id.id, by_id.quantity) == (gamma.id, 33)

        many = await svc.upsert_many(
            [make(name="alpha", quantity=100), make(name="zeta", quantity=6)], auto_commit=True
        )
        assert [(m.name, m.quantity) for m in many] == [("alpha", 100), ("zeta", 6)]
        assert many[0].id == alpha.id
        assert await svc.count() == 6

        stored = await state(svc)
        assert {name: quantity for name, (_, quantity) in stored.items()} == {
            "alpha": 100,
            "beta": 20,
            "gamma": 33,
            "delta": 40,
            "epsilon": 5,
            "zeta": 6,
        }
        assert stored["beta"][0] is None

    run_service_scenario(widgets_backend, scenario, widget_service(match_fields=["name"]))


def test_keyword_forms_and_update_errors(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        kw = await svc.create(name="kw", quantity=1, auto_commit=True)
        assert (kw.name, kw.quantity) == ("kw", 1)
        updated = await svc.update(quantity=2, item_id=kw.id, auto_commit=True)
        assert (updated.name, updated.quantity) == ("kw", 2)
        updated = await svc.update(id=kw.id, description="via keyword id", auto_commit=True)
        assert (updated.name, updated.description, updated.quantity) == ("kw", "via keyword id", 2)

        # item_id may name another attribute
        updated = await svc.update({"quantity": 3}, item_id="kw", id_attribute="name", auto_commit=True)
        assert (updated.id, updated.quantity) == (kw.id, 3)
        updated = await svc.update({"quantity": 2}, item_id=kw.id, auto_commit=True)
        assert await svc.delete_many([]) == []

        # update of a missing id: NotFoundError and nothing written
        with pytest.raises(NotFoundError):
            await svc.update({"name": "ghost", "quantity": 9}, item_id=uuid.uuid4())
        assert await committed_count(session, svc) == 1
        assert await state(svc) == {"kw": ("via keyword id", 2)}

        # neither item_id nor the key in the data
        with pytest.raises(RepositoryError, match="Could not identify ID attribute value") as info:
            await svc.update({"quantity": 9})
        assert "``item_id`` or ``data.id``" in str(info.value)
        with pytest.raises(RepositoryError, match="Could not identify ID attribute value"):
            await svc.update(WidgetIn(quantity=9))
        # data and keyword fields together, or neither
        with pytest.raises(RepositoryError):
            await svc.create({"name": "a"}, name="b")
        with pytest.raises(RepositoryError):
            await svc.create()
        with pytest.raises(RepositoryError):
            await svc.update(item_id=kw.id)
        assert await committed_count(session, svc) == 1
        assert await state(svc) == {"kw": ("via keyword id", 2)}

    run_service_scenario(widgets_backend, scenario, widget_service())


def test_schema_dump_config_class_setting(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        row = await svc.create(WidgetIn(name="cfg", description="kept", quantity=1), auto_commit=True)
        # description=None is set explicitly, but the service's dump config leaves Nones out
        await svc.update(WidgetIn(description=None, quantity=2), item_id=row.id, auto_commit=True)
        assert await state(svc) == {"cfg": ("kept", 2)}
        # a per-call config wins over the class setting
        await svc.update(
            WidgetIn(description=None), item_id=row.id, auto_commit=True, schema_dump_config=SchemaDumpConfig()
        )
        assert await state(svc) == {"cfg": (None, 2)}

    run_service_scenario(
        widgets_backend, scenario, widget_service(schema_dump_config=SchemaDumpConfig(exclude_none=True))
    )


# --- hooks ------------------------------------------------------------------------------------------------


def _values(data: Any) -> dict[str, Any]:
    return dict(data) if isinstance(data, dict) else data.model_dump(exclude_unset=True)


def _on_create(service: Any, data: Any) -> Any:
    values = _values(data)
    values["name"] = values["name"].strip().lower()
    values.setdefault("description", "by create hook")
    return values


def _on_update(service: Any, data: Any) -> Any:
    values = _values(data)
    if "quantity" in values:
        values["quantity"] *= 100
    return values


def _on_upsert(service: Any, data: Any) -> Any:
    values = _values(data)
    values["description"] = "by upsert hook"
    return WidgetIn(**values)  # a hook may return any supported input


def _on_delete(service: Any, data: Any) -> Any:
    return {**_values(data), "description": "by delete hook"}


HOOKS = {
    "to_model_on_create": _on_create,
    "to_model_on_update": _on_update,
    "to_model_on_upsert": _on_upsert,
    "to_model_on_delete": _on_delete,
}


def test_hooks_mutate_data(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        mixed = await svc.create({"name": "  MiXed "}, auto_commit=True)
        assert (mixed.name, mixed.description) == ("mixed", "by create hook")
        assert (await svc.create(WidgetIn(name=" PYD ", description="own"), auto_commit=True)).name == "pyd"
        assert (await svc.create(name=" KW ", auto_commit=True)).name == "kw"
        created = await svc.create_many([{"name": " A "}, WidgetIn(name="B ")], auto_commit=True)
        assert [(c.name, c.description) for c in created] == [("a", "by create hook"), ("b", "by create hook")]

        assert (await svc.update({"quantity": 2}, item_id=mixed.id, auto_commit=True)).quantity == 200
        assert (await svc.update(WidgetIn(id=mixed.id, quantity=3), auto_commit=True)).quantity == 300
        assert (await svc.update(quantity=4, item_id=mixed.id, auto_commit=True)).quantity == 400
        [a_row] = await svc.update_many([{"id": created[0].id, "quantity": 1}], auto_commit=True)
        assert a_row.quantity == 100

        upserted = await svc.upsert({"name": "mixed", "quantity": 7}, auto_commit=True)
        assert (upserted.id, upserted.name, upserted.description, upserted.quantity) == (
            mixed.id,
            "mixed",
            "by upsert hook",
            7,
        )
        rows = await svc.upsert_many([{"name": "b", "quantity": 8}, {"name": "new", "quantity": 9}], auto_commit=True)
        assert [(r.name, r.description, r.quantity) for r in rows] == [
            ("b", "by upsert hook", 8),
            ("new", "by upsert hook", 9),
        ]
        assert rows[0].id == created[1].id

        # get_or_upsert validates kwargs through the create hook, get_and_update through the update hook
        row, was_created = await svc.get_or_upsert(name=" NEW2 ", auto_commit=True)
        assert (row.name, row.description, was_created) == ("new2", "by create hook", True)
        row, updated = await svc.get_and_update(name="new2", quantity=5, auto_commit=True)
        assert (row.name, row.quantity, updated) == ("new2", 500, True)

        # to_model runs the hook of the operation it is given, and none without one
        assert (await svc.to_model({"name": "d"}, "delete")).description == "by delete hook"
        assert (await svc.to_model({"name": " D "})).name == " D "
        assert await state(svc) == {
            "mixed": ("by upsert hook", 7),
            "pyd": ("own", None),
            "kw": ("by create hook", None),
            "a": ("by create hook", 100),
            "b": ("by upsert hook", 8),
            "new": ("by upsert hook", 9),
            "new2": ("by create hook", 500),
        }

    run_service_scenario(widgets_backend, scenario, widget_service(hooks=HOOKS, match_fields=["name"]))


# --- get_or_upsert / get_and_update -----------------------------------------------------------------------


def test_get_or_upsert_and_get_and_update(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        row, created = await svc.get_or_upsert(name="g", quantity=1, auto_commit=True)
        assert (row.name, row.quantity, created) == ("g", 1, True)
        # class-level match_fields: matched on name only, the other kwargs are written
        again, created = await svc.get_or_upsert(name="g", quantity=2, auto_commit=True)
        assert (again.id, again.quantity, created) == (row.id, 2, False)
        same, created = await svc.get_or_upsert(name="g", quantity=3, upsert=False, auto_commit=True)
        assert (same.id, same.quantity, created) == (row.id, 2, False)

        updated_row, updated = await svc.get_and_update(name="g", quantity=4, auto_commit=True)
        assert (updated_row.id, updated_row.quantity, updated) == (row.id, 4, True)
        _, updated = await svc.get_and_update(name="g", quantity=4, auto_commit=True)
        assert updated is False
        with pytest.raises(NotFoundError):
            await svc.get_and_update(name="missing", quantity=1)
        with pytest.raises(RepositoryError, match="bogus"):
            await svc.get_or_upsert(name="g", bogus=1)
        assert await committed_count(session, svc) == 1
        assert await state(svc) == {"g": (None, 4)}

    run_service_scenario(widgets_backend, scenario, widget_service(match_fields=["name"]))


# --- deletes ----------------------------------------------------------------------------------------------


def test_delete_variants(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        w = await svc.create_many([{"name": f"w{i}", "quantity": i} for i in range(10)], auto_commit=True)

        deleted = await svc.delete(w[0].id, auto_commit=True)
        assert deleted.name == "w0"
        with pytest.raises(NotFoundError):
            await svc.get(w[0].id)
        with pytest.raises(NotFoundError):
            await svc.delete(w[0].id)

        assert sorted(r.name for r in await svc.delete_many([w[1].id, w[2].id], auto_commit=True)) == ["w1", "w2"]
        assert sorted(r.name for r in await svc.delete_many([w[3], w[4]], auto_commit=True)) == ["w3", "w4"]
        assert [r.name for r in await svc.delete_many([SvcWidget.name == "w5"], auto_commit=True)] == ["w5"]
        assert [r.name for r in await svc.delete_many(SvcWidget.id.in_([w[6].id]), auto_commit=True)] == ["w6"]
        assert [r.name for r in await svc.delete_many([CollectionFilter("name", ["w7"])], auto_commit=True)] == ["w7"]
        assert [r.name for r in await svc.delete_where(SvcWidget.quantity == 8, auto_commit=True)] == ["w8"]
        assert [r.name for r in await svc.delete_where(name="w9", auto_commit=True)] == ["w9"]
        assert await committed_count(session, svc) == 0

    run_service_scenario(widgets_backend, scenario, widget_service())


# --- reads ------------------------------------------------------------------------------------------------


def names(rows: Any) -> list[str]:
    return [row.name for row in rows]


async def _seed_reads(svc: Any) -> list[SvcWidget]:
    return list(await svc.create_many([{"name": f"r{i}", "quantity": i % 2} for i in range(5)], auto_commit=True))


async def _check_reads(svc: Any) -> None:
    rows = await svc.get_many(order_by=("name", False))
    assert names(rows) == ["r0", "r1", "r2", "r3", "r4"]
    first = rows[0]
    assert (await svc.get(first.id)).name == "r0"
    assert (await svc.get("r3", id_attribute="name")).quantity == 1
    with pytest.raises(NotFoundError):
        await svc.get(uuid.uuid4())
    assert (await svc.get_one(name="r2")).quantity == 0
    assert (await svc.get_one(SvcWidget.name == "r4")).name == "r4"
    with pytest.raises(NotFoundError):
        await svc.get_one(name="zz")
    assert await svc.get_one_or_none(name="zz") is None
    assert (await svc.get_one_or_none(name="r1")).name == "r1"
    assert names(await svc.get_many(OrderBy("name", "desc"), quantity=1)) == ["r3", "r1"]
    assert names(await svc.get_many(SvcWidget.quantity == 0, order_by=("name", True))) == ["r4", "r2", "r0"]
    page, total = await svc.get_many_and_count(LimitOffset(limit=2, offset=1), OrderBy("name"))
    assert (names(page), total) == (["r1", "r2"], 5)
    assert await svc.get_many_and_count(name="none") == ([], 0)
    assert await svc.count() == 5
    assert await svc.count(quantity=1) == 2
    assert await svc.exists(name="r0") is True
    assert await svc.exists(name="zz") is False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert names(await svc.list(OrderBy("name"), quantity=1)) == ["r1", "r3"]
        rows, total = await svc.list_and_count(LimitOffset(limit=1, offset=0), OrderBy("name"))
    assert (names(rows), total) == (["r0"], 5)
    assert [w.category for w in caught] == [DeprecationWarning, DeprecationWarning]


def test_reads(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        await _seed_reads(svc)
        await _check_reads(svc)

    run_service_scenario(widgets_backend, scenario, widget_service())


def test_read_service(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        assert not hasattr(svc.target, "create")
        assert not hasattr(svc.target, "delete")
        assert svc.model_type is SvcWidget
        # class-level settings are handed to the repository
        assert svc.repository.target.uniquify is True
        assert svc.repository.target.count_with_window_function is False
        raw_session = svc.repository.target.session
        seen: list[dict[str, Any]] = []
        event.listen(
            getattr(raw_session, "sync_session", raw_session),
            "do_orm_execute",
            lambda state: seen.append(dict(state.execution_options)),
        )
        assert await svc.count() == 0
        assert seen
        assert all(options.get("svc_marker") == 1 for options in seen)
        await session.add_all([SvcWidget(name=f"r{i}", quantity=i % 2) for i in range(5)])
        await session.commit()
        await _check_reads(svc)
        model = await svc.to_model({"name": "unsaved"}, "create")
        assert isinstance(model, SvcWidget)
        assert model.name == "unsaved"
        with pytest.raises(RepositoryError, match="bogus"):
            await svc.to_model({"name": "x", "bogus": 1})
        with pytest.raises(AdvancedAlchemyError, match="Unknown operation"):
            await svc.to_model({"name": "x"}, "explode")

    def factory(is_async: bool) -> Any:
        return service_class(
            SvcWidget,
            is_async,
            read_only=True,
            uniquify=True,
            count_with_window_function=False,
            execution_options={"svc_marker": 1},
        )

    run_service_scenario(widgets_backend, scenario, factory)


# --- bad input ----------------------------------------------------------------------------------------------


def test_bad_input_is_rejected_and_nothing_written(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        with pytest.raises(RepositoryError) as info:
            await svc.create({"name": "x", "bogus": 1, "other": 2})
        assert "'bogus'" in str(info.value)
        assert "'other'" in str(info.value)
        assert "SvcWidget" in str(info.value)
        with pytest.raises(RepositoryError, match="nope"):
            await svc.create_many([{"name": "ok"}, {"name": "bad", "nope": 1}])
        assert await committed_count(session, svc) == 0

        seed = await svc.create({"name": "seed", "quantity": 1}, auto_commit=True)
        with pytest.raises(RepositoryError, match="bogus"):
            await svc.update({"quantity": 2, "bogus": 1}, item_id=seed.id)
        with pytest.raises(RepositoryError, match="bogus"):
            await svc.update(quantity=2, bogus=1, item_id=seed.id)
        with pytest.raises(RepositoryError, match="bogus"):
            await svc.update_many([{"id": seed.id, "quantity": 2, "bogus": 1}])
        with pytest.raises(RepositoryError, match="bogus"):
            await svc.upsert({"name": "seed", "quantity": 2, "bogus": 1})
        with pytest.raises(RepositoryError, match="bogus"):
            await svc.upsert_many([{"name": "fresh", "bogus": 1}])

        # a pydantic ValidationError raised while building the model surfaces as RepositoryError
        for bad in ({"name": "x" * 50}, WidgetIn(name="y" * 50), WidgetStructIn(name="z" * 50)):
            with pytest.raises(RepositoryError, match="Invalid data for SvcWidget") as info:
                await svc.create(bad)
            assert isinstance(info.value.__cause__, pydantic_core.ValidationError)
        with pytest.raises(RepositoryError) as info:
            await svc.update({"name": "x" * 50}, item_id=seed.id)
        assert isinstance(info.value.__cause__, pydantic_core.ValidationError)

        assert await committed_count(session, svc) == 1
        assert await state(svc) == {"seed": (None, 1)}

    run_service_scenario(widgets_backend, scenario, widget_service(match_fields=["name"]))


# --- output conversion ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(OUTPUT_KINDS))
def test_to_schema_round_trip(widgets_backend: Backend, kind: str) -> None:
    schema_type = OUTPUT_KINDS[kind]

    async def scenario(session: Any, svc: Any) -> None:
        await svc.create_many(
            [{"name": f"s{i}", "description": f"d{i}" if i % 2 else None, "quantity": i} for i in range(5)],
            auto_commit=True,
        )
        filters = [LimitOffset(limit=2, offset=1), OrderBy("name")]
        rows, total = await svc.get_many_and_count(*filters)
        page = await svc.to_schema(rows, total, filters=filters, schema_type=schema_type)
        assert isinstance(page, OffsetPagination)
        assert (page.limit, page.offset, page.total) == (2, 1, 5)
        assert all(isinstance(item, schema_type) for item in page.items)
        for item, row in zip(page.items, rows, strict=True):
            assert (item.id, item.name, item.description, item.quantity) == (
                row.id,
                row.name,
                row.description,
                row.quantity,
            )
            assert isinstance(item.id, uuid.UUID)
            assert item.created_at == row.created_at
        assert [item.description for item in page.items] == ["d1", None]

        single = await svc.to_schema(rows[0], schema_type=schema_type)
        assert isinstance(single, schema_type)
        assert (single.id, single.name, single.quantity) == (rows[0].id, "s1", 1)

        # not paginated: limit = number of items, offset 0, total defaults to the count
        everything = await svc.get_many(order_by=("name", False))
        unpaged = await svc.to_schema(everything, schema_type=schema_type)
        assert (unpaged.limit, unpaged.offset, unpaged.total) == (5, 0, 5)
        assert [item.name for item in unpaged.items] == ["s0", "s1", "s2", "s3", "s4"]

        # without a schema type: items untouched
        assert await svc.to_schema(rows[0]) is rows[0]
        plain = await svc.to_schema(rows, total)
        assert plain.items == list(rows)
        assert (plain.limit, plain.offset, plain.total) == (2, 0, 5)
        with pytest.raises(AdvancedAlchemyError, match="should be a valid Pydantic, Msgspec, or attrs schema"):
            await svc.to_schema(rows[0], schema_type=dict)

    run_service_scenario(widgets_backend, scenario, widget_service())


# --- construction: new(session=...), new(config=...) ---------------------------------------------------------


class SyncConfigStub:
    """Anything with ``get_session()`` as a context manager will do as ``config``."""

    def __init__(self, maker: sessionmaker[Session]) -> None:
        self.maker = maker
        self.closed: list[Session] = []

    @contextmanager
    def get_session(self) -> Iterator[Session]:
        with self.maker() as session:
            yield session
        self.closed.append(session)


class AsyncConfigStub:
    def __init__(self, maker: async_sessionmaker[AsyncSession]) -> None:
        self.maker = maker
        self.closed: list[AsyncSession] = []

    @asynccontextmanager
    async def get_session(self) -> AsyncIterator[AsyncSession]:
        async with self.maker() as session:
            yield session
        self.closed.append(session)


def test_new_with_session_or_config(widgets_backend: Backend) -> None:
    engine: Any = widgets_backend.engine
    if widgets_backend.is_async:
        service = service_class(SvcWidget, True)

        async def go() -> None:
            async with AsyncSession(engine, expire_on_commit=False) as session:
                async with service.new(session=session) as svc:
                    assert svc.repository.session is session
                    await svc.create({"name": "n1"}, auto_commit=True)
            with pytest.raises(AdvancedAlchemyError, match="Please supply an optional configuration or session"):
                async with service.new():
                    pass
            stub = AsyncConfigStub(async_sessionmaker(engine, expire_on_commit=False))
            async with service.new(config=stub, uniquify=True) as svc:
                assert svc.repository.uniquify is True
                assert await svc.count() == 1
                await svc.create(name="n2", auto_commit=True)
                opened = svc.repository.session
            assert stub.closed == [opened]
            async with SQLAlchemyAsyncQueryService.new(config=stub) as query:
                assert await query.repository.count(select(SvcWidget)) == 2
            with pytest.raises(AdvancedAlchemyError):
                async with SQLAlchemyAsyncQueryService.new():
                    pass

        widgets_backend._await(go())
        return

    service = service_class(SvcWidget, False)
    with Session(engine, expire_on_commit=False) as session:
        with service.new(session=session) as svc:
            assert svc.repository.session is session
            svc.create({"name": "n1"}, auto_commit=True)
    with pytest.raises(AdvancedAlchemyError, match="Please supply an optional configuration or session"):
        with service.new():
            pass
    stub = SyncConfigStub(sessionmaker(engine, expire_on_commit=False))
    with service.new(config=stub, uniquify=True) as svc:
        assert svc.repository.uniquify is True
        assert svc.count() == 1
        svc.create(name="n2", auto_commit=True)
        opened = svc.repository.session
    assert stub.closed == [opened]
    with SQLAlchemySyncQueryService.new(config=stub) as query:
        assert query.repository.count(select(SvcWidget)) == 2
    with pytest.raises(AdvancedAlchemyError):
        with SQLAlchemySyncQueryService.new():
            pass


def test_composite_primary_key(pairs_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        rows = await svc.create_many(
            [
                {"left": 1, "right": "a", "label": "x"},
                {"left": 1, "right": "b", "label": "y"},
                {"left": 2, "right": "a", "label": "z"},
            ],
            auto_commit=True,
        )
        assert [(r.left, r.right) for r in rows] == [(1, "a"), (1, "b"), (2, "a")]
        message = "Could not identify composite PK values. Required attributes: left, right"
        for data in ({"label": "q"}, {"left": 1, "label": "q"}):
            with pytest.raises(RepositoryError, match=message):
                await svc.update(data)
        updated = await svc.update({"left": 1, "right": "a", "label": "x2"}, auto_commit=True)
        assert (updated.left, updated.right, updated.label) == (1, "a", "x2")
        updated = await svc.update({"label": "y2"}, item_id=(1, "b"), auto_commit=True)
        assert (updated.left, updated.right, updated.label) == (1, "b", "y2")
        upserted = await svc.upsert({"left": 2, "right": "a", "label": "z2"}, auto_commit=True)
        assert (upserted.left, upserted.right, upserted.label) == (2, "a", "z2")
        assert await svc.count() == 3
        # model instances in delete_many stand for their composite key
        deleted = await svc.delete_many([rows[1], rows[2]], auto_commit=True)
        assert sorted((r.left, r.right) for r in deleted) == [(1, "b"), (2, "a")]
        assert [(r.left, r.right, r.label) for r in await svc.get_many()] == [(1, "a", "x2")]
        assert [(r.left, r.right) for r in await svc.delete_many([(1, "a")], auto_commit=True)] == [(1, "a")]
        assert await committed_count(session, svc) == 0

    run_service_scenario(pairs_backend, scenario, lambda is_async: service_class(SvcPair, is_async))


def test_nested_relationship_dicts(authors_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        author = await svc.create({"name": "Ann", "books": [{"title": "t1"}, {"title": "t2"}]}, auto_commit=True)
        assert sorted(b.title for b in author.books) == ["t1", "t2"]
        with pytest.raises(RepositoryError, match=r"'isbn'.*books\[1\]"):
            await svc.create({"name": "Bob", "books": [{"title": "ok"}, {"title": "bad", "isbn": "x"}]})
        assert await committed_count(session, svc) == 1
        svc.repository.session.expire_all()
        [stored] = await svc.get_many()
        assert sorted(b.title for b in stored.books) == ["t1", "t2"]
        assert all(b.author_id == author.id for b in stored.books)

    run_service_scenario(authors_backend, scenario, lambda is_async: service_class(SvcAuthor, is_async))


def test_to_schema_keeps_an_explicit_total_of_zero() -> None:
    """Deliberate fix of the spec's quirk (4.5: ``total or len(items)``): a given total is kept, even 0."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    with Session(create_engine("sqlite://")) as session:
        svc = service_class(SvcWidget, False)(session=session)
    assert svc.to_schema([SvcWidget(name="a"), SvcWidget(name="b")], total=0).total == 0
    assert svc.to_schema([SvcWidget(name="a"), SvcWidget(name="b")]).total == 2


def test_service_configuration_errors() -> None:
    for is_async in (True, False):
        service = service_class(SvcWidget, is_async)
        with pytest.raises(ImproperConfigurationError, match="Repository not initialized"):
            _ = service.__new__(service).repository
        no_repo = type("NoRepo", (service,), {"repository_type": None})
        with pytest.raises(ImproperConfigurationError, match="repository_type"):
            no_repo(session=None)


# --- query service --------------------------------------------------------------------------------------------


def test_query_service(widgets_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        await session.add_all([SvcWidget(name=f"q{i}", quantity=i % 3) for i in range(7)])
        await session.commit()
        repo = svc.repository
        grouped = select(SvcWidget.quantity, func.count(SvcWidget.id).label("n")).group_by(SvcWidget.quantity)
        rows = await repo.get_many(grouped.order_by(SvcWidget.quantity))
        assert [(r.quantity, r.n) for r in rows] == [(0, 3), (1, 2), (2, 2)]
        mappings = (await session.execute(grouped.order_by(SvcWidget.quantity))).mappings().all()
        for schema_type in (QuantityCount, QuantityCountStruct, QuantityCountAttrs):
            for data in (rows, mappings):
                page = await svc.to_schema(data, schema_type=schema_type)
                assert all(isinstance(item, schema_type) for item in page.items)
                assert [(item.quantity, item.n) for item in page.items] == [(0, 3), (1, 2), (2, 2)]
                assert (page.limit, page.offset, page.total) == (3, 0, 3)
            single = await svc.to_schema(mappings[1], schema_type=schema_type)
            assert (single.quantity, single.n) == (1, 2)
        one = await repo.get_one(select(SvcWidget.name).where(SvcWidget.name == "q1"))
        assert one.name == "q1"
        assert await repo.get_one_or_none(select(SvcWidget.name).where(SvcWidget.name == "zz")) is None
        assert await repo.count(select(SvcWidget).where(SvcWidget.quantity == 0)) == 3
        names_page, total = await repo.get_many_and_count(select(SvcWidget.name).order_by(SvcWidget.name).limit(2))
        assert ([r.name for r in names_page], total) == (["q0", "q1"], 7)
        result = await repo.execute(select(func.max(SvcWidget.quantity)))
        assert result.scalar_one() == 2

    def factory(is_async: bool) -> Any:
        return SQLAlchemyAsyncQueryService if is_async else SQLAlchemySyncQueryService

    run_service_scenario(widgets_backend, scenario, factory)


# --- the seed example ------------------------------------------------------------------------------------------


def test_tag_service_seed_example(tags_backend: Backend) -> None:
    async def scenario(session: Any, svc: Any) -> None:
        tag = await svc.create({"name": "  Python  "}, auto_commit=True)
        assert (tag.name, tag.description) == ("python", None)
        assert tag.created_at is not None
        again = await svc.upsert({"name": "python", "description": "a language"}, auto_commit=True)
        assert (again.id, again.description) == (tag.id, "a language")
        created = await svc.create_many([{"name": " SQL "}, {"name": "Async"}], auto_commit=True)
        assert [t.name for t in created] == ["sql", "async"]
        row, was_created = await svc.get_or_upsert(name="sql", description="queries", auto_commit=True)
        assert (row.id, row.description, was_created) == (created[0].id, "queries", False)
        assert await svc.count() == 3
        assert (await svc.get_one(name="async")).id == created[1].id
        page = await svc.to_schema(await svc.get_many(order_by=("name", False)))
        assert [t.name for t in page.items] == ["async", "python", "sql"]

    run_service_scenario(tags_backend, scenario, lambda is_async: TagService if is_async else TagSyncService)
