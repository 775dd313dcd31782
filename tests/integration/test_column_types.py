"""Core column types round-trip on every backend, sync and async."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Optional

import pytest
import sqlalchemy.exc as sa_exc
from sqlalchemy import JSON, Integer, MetaData, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from support import Backend

from advanced_alchemy.types import GUID, UUID6, UUID7, BigIntIdentity, Bool, DateTimeUTC, JsonB, MutableList
from advanced_alchemy.utils.identifiers import uuid6, uuid7


class Base(DeclarativeBase):
    metadata = MetaData()


class TypesRow(Base):
    __tablename__ = "types_row"
    id: Mapped[int] = mapped_column(BigIntIdentity, primary_key=True, autoincrement=False)
    guid: Mapped[Optional[uuid.UUID]] = mapped_column(GUID)
    guid_hex: Mapped[Optional[uuid.UUID]] = mapped_column(GUID(binary=False))
    v7: Mapped[Optional[uuid.UUID]] = mapped_column(UUID7)
    v6: Mapped[Optional[uuid.UUID]] = mapped_column(UUID6)
    stamp: Mapped[Optional[datetime.datetime]] = mapped_column(DateTimeUTC)
    doc: Mapped[Optional[dict[str, Any]]] = mapped_column(JsonB)
    flag: Mapped[Optional[bool]] = mapped_column(Bool)
    # a fresh type instance: as_mutable() tracks every column sharing the instance it is given
    tags: Mapped[Optional[list[str]]] = mapped_column(MutableList.as_mutable(JSON()))
    label: Mapped[Optional[str]] = mapped_column(String(20))


@pytest.fixture
def types_backend(backend: Backend) -> Any:
    backend.create_all(Base.metadata)
    yield backend
    backend.drop_all(Base.metadata)


def test_values_round_trip(types_backend: Backend) -> None:
    guid, v6, v7 = uuid.uuid4(), uuid6(), uuid7()
    eastern = datetime.timezone(datetime.timedelta(hours=-5))
    stamp = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=eastern)
    doc = {"a": 1, "nested": {"list": [1, "two", None], "ok": True}, "text": "żółw"}

    def write(session: Session) -> None:
        session.add(TypesRow(id=1, guid=guid, guid_hex=guid, v6=v6, v7=v7, stamp=stamp, doc=doc, flag=True, tags=["x"]))
        session.add(TypesRow(id=2))
        session.commit()

    types_backend.run(write)

    def read(session: Session) -> tuple[TypesRow, TypesRow]:
        rows = session.scalars(select(TypesRow).order_by(TypesRow.id)).all()
        return rows[0], rows[1]

    row, empty = types_backend.run(read)
    assert isinstance(row.guid, uuid.UUID)
    assert (row.guid, row.guid_hex, row.v6, row.v7) == (guid, guid, v6, v7)
    assert row.stamp == stamp
    assert row.stamp.utcoffset() == datetime.timedelta(0)
    assert row.doc == doc
    assert row.flag is True
    assert row.tags == ["x"]
    assert (empty.guid, empty.stamp, empty.doc, empty.flag, empty.tags) == (None, None, None, None, None)


def test_query_by_uuid_and_datetime(types_backend: Backend) -> None:
    guid = uuid.uuid4()
    stamp = datetime.datetime(2024, 1, 1, 12, tzinfo=datetime.timezone.utc)

    def scenario(session: Session) -> list[int]:
        session.add_all([TypesRow(id=1, guid=guid, stamp=stamp), TypesRow(id=2, guid=uuid.uuid4(), stamp=stamp)])
        session.commit()
        by_guid = session.scalars(select(TypesRow.id).where(TypesRow.guid == guid)).all()
        by_str = session.scalars(select(TypesRow.id).where(TypesRow.guid == str(guid))).all()
        later = session.scalars(select(TypesRow.id).where(TypesRow.stamp >= stamp)).all()
        return [*by_guid, *by_str, len(later)]

    assert types_backend.run(scenario) == [1, 1, 2]


def test_mutable_list_changes_are_persisted(types_backend: Backend) -> None:
    def scenario(session: Session) -> list[str]:
        session.add(TypesRow(id=1, tags=["a"]))
        session.commit()
        row = session.get(TypesRow, 1)
        assert row is not None
        assert row.tags is not None
        row.tags.append("b")
        row.tags.extend(["c"])
        assert row in session.dirty
        session.commit()
        session.expire_all()
        reloaded = session.get(TypesRow, 1)
        assert reloaded is not None
        return list(reloaded.tags or [])

    assert types_backend.run(scenario) == ["a", "b", "c"]


def test_naive_datetime_is_rejected(types_backend: Backend) -> None:
    def scenario(session: Session) -> None:
        session.add(TypesRow(id=1, stamp=datetime.datetime(2024, 1, 1)))  # noqa: DTZ001
        session.flush()

    with pytest.raises(sa_exc.StatementError, match="tzinfo is required"):
        types_backend.run(scenario)


def test_invalid_uuid_string_is_rejected(types_backend: Backend) -> None:
    if types_backend.dialect_name in {"postgresql", "duckdb"}:
        pytest.skip("native UUID columns: the database itself rejects the text")

    def scenario(session: Session) -> None:
        session.add(TypesRow(id=1, guid="not-a-uuid"))  # type: ignore[arg-type]
        session.flush()

    with pytest.raises(sa_exc.StatementError, match="Invalid UUID"):
        types_backend.run(scenario)


def test_integer_identity_column_on_every_backend(types_backend: Backend) -> None:
    def scenario(session: Session) -> int:
        session.add(TypesRow(id=2**40, label="big"))
        session.commit()
        return session.scalars(select(TypesRow.id).where(TypesRow.label == "big")).one()

    assert types_backend.run(scenario) == 2**40
    assert isinstance(TypesRow.__table__.c.id.type, type(BigIntIdentity))  # type: ignore[attr-defined]
    assert Integer  # keeps the import used for readers comparing with SQLite's INTEGER affinity
