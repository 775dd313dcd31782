"""Model definition rules: table names, bind keys, to_dict, registry, identifiers and slugs."""

from __future__ import annotations

import uuid
from typing import Any, Optional

import pytest
from sqlalchemy import ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from advanced_alchemy import base
from advanced_alchemy.base import (
    BigIntBase,
    CommonTableAttributes,
    DefaultBase,
    MetadataRegistry,
    UUIDBase,
    create_registry,
    merge_table_arguments,
    metadata_registry,
    model_to_dict,
    orm_registry,
)
from advanced_alchemy.mixins import SlugKey, UniqueMixin
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from advanced_alchemy.utils import identifiers
from advanced_alchemy.utils.text import check_email, slugify


@pytest.mark.parametrize(
    ("class_name", "table"),
    [
        ("UserAccount", "user_account"),
        ("HTTPResponse", "http_response"),
        ("MyXMLDoc", "my_xml_doc"),
        ("Model2Thing", "model2_thing"),
    ],
)
def test_table_names_from_class_names(class_name: str, table: str) -> None:
    model = type(f"Def{class_name}", (UUIDBase,), {})
    assert model.__tablename__ == f"def_{table}"


def test_explicit_table_name_wins() -> None:
    class DefExplicit(UUIDBase):
        __tablename__ = "custom_name"

    assert DefExplicit.__table__.name == "custom_name"


def test_single_table_inheritance_children_share_the_parent_table() -> None:
    class DefVehicle(BigIntBase):
        __tablename__ = "def_vehicles"
        kind: Mapped[str] = mapped_column(String(20))
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "vehicle"}

    class DefCar(DefVehicle):
        __mapper_args__ = {"polymorphic_identity": "car"}

    class DefTruck(DefVehicle):
        __tablename__ = "def_truck"
        id: Mapped[int] = mapped_column(ForeignKey("def_vehicles.id"), primary_key=True)
        __mapper_args__ = {"polymorphic_identity": "truck"}

    assert DefCar.__table__ is DefVehicle.__table__
    assert DefCar.__tablename__ is None
    assert DefTruck.__table__.name == "def_truck"


def test_bind_keys_get_their_own_metadata() -> None:
    class DefAnalytics(UUIDBase):
        __bind_key__ = "analytics"

    assert DefAnalytics.metadata is metadata_registry.get("analytics")
    assert DefAnalytics.metadata is not orm_registry.metadata
    assert "def_analytics" in DefAnalytics.metadata.tables
    assert "def_analytics" not in orm_registry.metadata.tables
    assert MetadataRegistry() is metadata_registry
    assert "analytics" in metadata_registry
    assert None in list(metadata_registry)
    assert metadata_registry[None] is orm_registry.metadata
    custom = MetaData()
    metadata_registry["custom-key"] = custom
    assert metadata_registry.get("custom-key") is custom


def test_registry_annotation_map_and_naming_convention() -> None:
    class DefTyped(UUIDBase):
        stamp: Mapped[Optional[base.datetime.datetime]]
        data: Mapped[Optional[dict[str, Any]]]
        ref: Mapped[Optional[uuid.UUID]]

    columns = DefTyped.__table__.c
    assert isinstance(columns.stamp.type, DateTimeUTC)
    assert isinstance(columns.ref.type, GUID)
    assert columns.data.type is JsonB
    assert orm_registry.metadata.naming_convention["pk"] == "pk_%(table_name)s"
    registry = create_registry({str: String(30)})
    assert registry.type_annotation_map[str] is not None


def test_to_dict_skips_sentinel_unloaded_and_excluded() -> None:
    class DefDict(UUIDBase):
        name: Mapped[str] = mapped_column(String(10))
        note: Mapped[Optional[str]] = mapped_column(String(10), default=None)

    item = DefDict(id=uuid.uuid4(), name="n", note="x")
    assert set(item.to_dict()) == {"id", "name", "note"}
    assert set(item.to_dict(exclude={"note"})) == {"id", "name"}
    assert model_to_dict(item, exclude={"id"}) == {"name": "n", "note": "x"}

    class Plain(DeclarativeBase):
        pass

    class DefPlain(Plain):
        __tablename__ = "def_plain"
        id: Mapped[int] = mapped_column(primary_key=True)

    assert model_to_dict(DefPlain(id=3)) == {"id": 3}


def test_merge_table_arguments() -> None:
    class DefArgs(UUIDBase, SlugKey):
        __tablename__ = "def_args"

        @declared_attr.directive
        @classmethod
        def __table_args__(cls) -> Any:
            return merge_table_arguments(cls, table_args={"comment": "hi"})

    assert DefArgs.__table__.comment == "hi"
    assert any(c.name == "uq_def_args_slug" for c in DefArgs.__table__.constraints)


def test_custom_declarative_base_from_the_seed() -> None:
    class DefServerSideBase(CommonTableAttributes, DeclarativeBase):
        registry = orm_registry
        __abstract__ = True

    class DefServerThing(DefServerSideBase):
        id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)

    assert DefServerThing.__tablename__ == "def_server_thing"
    assert isinstance(DefServerThing.__table__.c.id.type, GUID)


def test_seed_spellings_and_aliases() -> None:
    from advanced_alchemy.base import BaseORMModel, NanoIDAuditBase, NanoidAuditBase
    from advanced_alchemy.base import SlugKey as BaseSlugKey
    from advanced_alchemy.types import UUID6, UUID7

    assert NanoidAuditBase is NanoIDAuditBase
    assert BaseSlugKey is SlugKey
    assert BaseORMModel is DefaultBase
    assert UUID6 is GUID
    assert UUID7 is GUID
    import advanced_alchemy

    assert advanced_alchemy.__version__ == "1.12.0"


def test_unique_mixin_requires_the_hooks() -> None:
    with pytest.raises(NotImplementedError, match="Implement this in subclass"):
        UniqueMixin.unique_hash("x")
    with pytest.raises(NotImplementedError, match="Implement this in subclass"):
        UniqueMixin.unique_filter("x")


@pytest.mark.parametrize("make", [identifiers._stdlib_uuid7, identifiers.uuid7])
def test_uuid7_is_version_7_and_monotonic(make: Any) -> None:
    values = [make() for _ in range(2000)]
    assert all(v.version == 7 for v in values)
    assert all(str(v).split("-")[3][0] in "89ab" for v in values)  # RFC 9562 variant
    assert [v.bytes for v in values] == sorted(v.bytes for v in values)


@pytest.mark.parametrize("make", [identifiers._stdlib_uuid6, identifiers.uuid6])
def test_uuid6_is_version_6_and_time_ordered(make: Any) -> None:
    values = [make() for _ in range(2000)]
    assert all(v.version == 6 for v in values)
    timestamps = [v.int >> 64 & ~(0xF << 12) for v in values]
    assert timestamps == sorted(timestamps)


@pytest.mark.parametrize("make", [identifiers._stdlib_nanoid, identifiers.nanoid])
def test_nanoid_shape(make: Any) -> None:
    values = {make() for _ in range(500)}
    assert len(values) == 500
    allowed = set("_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert all(len(v) == 21 and set(v) <= allowed for v in values)


def test_slugify() -> None:
    assert slugify("Hello World!") == "hello-world"
    assert slugify("Crème Brûlée") == "creme-brulee"
    assert slugify("  --Hello__World--  ") == "hello__world"
    assert slugify("Zażółć gęślą jaźń", allow_unicode=True) == "zażółć-gęślą-jaźń"
    assert slugify("東京 tower") == "tower"
    assert slugify("a b c", separator="_") == "a_b_c"
    assert slugify("Hello World!") == slugify("Hello World!")
    assert check_email("Ann@Example.com") == "ann@example.com"
    with pytest.raises(ValueError, match="Invalid email!"):
        check_email("nope")
