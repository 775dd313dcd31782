"""Declarative bases, table names, bind keys, ``to_dict`` and DDL (spec §2) — no server needed."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from typing import Any, Optional, get_args

import pytest
import sqlalchemy
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Sequence,
    String,
    UniqueConstraint,
    create_engine,
    create_mock_engine,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, deferred, mapped_column
from sqlalchemy.schema import CreateIndex
from support import compile_ddl, dialect

from advanced_alchemy import base
from advanced_alchemy.base import (
    AdvancedDeclarativeBase,
    BigIntAuditBase,
    BigIntBase,
    CommonTableAttributes,
    DefaultBase,
    IdentityAuditBase,
    IdentityBase,
    MetadataRegistry,
    ModelProtocol,
    NanoIDAuditBase,
    NanoIDBase,
    SQLQuery,
    UUIDAuditBase,
    UUIDBase,
    UUIDv6AuditBase,
    UUIDv6Base,
    UUIDv7AuditBase,
    UUIDv7Base,
    convention,
    create_registry,
    merge_table_arguments,
    metadata_registry,
    model_to_dict,
    orm_registry,
    table_name_regexp,
)
from advanced_alchemy.mixins import (
    AuditColumns,
    AuditMixin,
    BigIntPrimaryKey,
    IdentityPrimaryKey,
    NanoIDPrimaryKey,
    OptimisticLockMixin,
    SentinelMixin,
    SlugKey,
    SlugMixin,
    UniqueMixin,
    UUIDPrimaryKey,
    UUIDv6PrimaryKey,
    UUIDv7PrimaryKey,
    audit_user,
    get_audit_user,
    reset_audit_user,
    set_audit_user,
)
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB

# --- table names --------------------------------------------------------------------------------------


class _NamesBase(CommonTableAttributes, DeclarativeBase):
    """A private declarative base (own registry/metadata) so generic class names cannot collide."""


def _names_model(name: str, **attrs: Any) -> type:
    namespace: dict[str, Any] = {
        "__annotations__": {"id": Mapped[int]},
        "id": mapped_column(primary_key=True),
        **attrs,
    }
    return type(name, (_NamesBase,), namespace)


@pytest.mark.parametrize(
    ("class_name", "table_name"),
    [
        ("UserAccount", "user_account"),
        ("HTTPResponse", "http_response"),
        ("MyXMLDoc", "my_xml_doc"),
        ("Model2Thing", "model2_thing"),
        ("ProbeUUIDv6Thing", "probe_uui_dv6_thing"),
        ("Simple", "simple"),
        ("lowercase", "lowercase"),
        ("ABC", "abc"),
    ],
)
def test_generated_table_names(class_name: str, table_name: str) -> None:
    assert table_name_regexp.sub(r"_\1", class_name).lower() == table_name
    model = _names_model(class_name)
    assert model.__tablename__ == table_name  # type: ignore[attr-defined]
    assert model.__table__.name == table_name  # type: ignore[attr-defined]


def test_generated_table_name_on_library_base() -> None:
    class TbNamesUserAccount(UUIDBase):
        __bind_key__ = "tb_names"

    assert TbNamesUserAccount.__tablename__ == "tb_names_user_account"
    assert TbNamesUserAccount.__table__.name == "tb_names_user_account"


def test_explicit_tablename_wins() -> None:
    model = _names_model("ExplicitName", __tablename__="custom_name")
    assert model.__table__.name == "custom_name"  # type: ignore[attr-defined]


def _sti_parent(name: str, **extra: Any) -> type:
    return type(
        name,
        (_NamesBase,),
        {
            "__annotations__": {"id": Mapped[int], "kind": Mapped[str]},
            "id": mapped_column(primary_key=True),
            "kind": mapped_column(String(20)),
            "__mapper_args__": {"polymorphic_on": "kind", "polymorphic_identity": "parent"},
            **extra,
        },
    )


def test_single_table_inheritance_child_shares_parent_table() -> None:
    parent = _sti_parent("StiVehicle")
    child = type("StiCar", (parent,), {"__mapper_args__": {"polymorphic_identity": "car"}})
    grandchild = type("StiSportsCar", (child,), {"__mapper_args__": {"polymorphic_identity": "sports"}})
    assert parent.__table__.name == "sti_vehicle"  # type: ignore[attr-defined]
    assert child.__tablename__ is None  # type: ignore[attr-defined]
    assert child.__table__ is parent.__table__  # type: ignore[attr-defined]
    assert grandchild.__tablename__ is None  # type: ignore[attr-defined]
    assert grandchild.__table__ is parent.__table__  # type: ignore[attr-defined]


def test_single_table_inheritance_child_with_explicit_parent_name() -> None:
    parent = _sti_parent("StiExplicitParent", __tablename__="sti_custom_parent")
    child = type("StiExplicitChild", (parent,), {"__mapper_args__": {"polymorphic_identity": "child"}})
    assert parent.__table__.name == "sti_custom_parent"  # type: ignore[attr-defined]
    assert child.__tablename__ is None  # type: ignore[attr-defined]
    assert child.__table__ is parent.__table__  # type: ignore[attr-defined]


def test_sti_on_library_base_with_columns_added_by_child() -> None:
    class TbStiAnimal(UUIDAuditBase):
        __bind_key__ = "tb_sti"
        kind: Mapped[str] = mapped_column(String(20))
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "animal"}

    class TbStiDog(TbStiAnimal):
        bark: Mapped[Optional[str]] = mapped_column(String(20), nullable=True)
        __mapper_args__ = {"polymorphic_identity": "dog"}

    assert TbStiDog.__tablename__ is None
    assert TbStiDog.__table__ is TbStiAnimal.__table__
    assert "bark" in TbStiAnimal.__table__.c
    assert TbStiDog.__mapper__.inherits is TbStiAnimal.__mapper__


def test_concrete_and_own_polymorphic_on_children_get_generated_names() -> None:
    parent = _sti_parent("PolyEmployee")
    concrete = type(
        "PolyManager",
        (parent,),
        {
            "__annotations__": {"id": Mapped[int], "kind": Mapped[str]},
            "id": mapped_column(primary_key=True),
            "kind": mapped_column(String(20)),
            "__mapper_args__": {"concrete": True, "polymorphic_identity": "manager"},
        },
    )
    assert concrete.__tablename__ == "poly_manager"  # type: ignore[attr-defined]
    assert concrete.__table__.name == "poly_manager"  # type: ignore[attr-defined]

    own_poly = type(
        "PolyEngineer",
        (parent,),
        {
            "__annotations__": {"id": Mapped[int], "sub_kind": Mapped[str]},
            "id": mapped_column(ForeignKey("poly_employee.id"), primary_key=True),
            "sub_kind": mapped_column(String(20)),
            "__mapper_args__": {"polymorphic_on": "sub_kind", "polymorphic_identity": "engineer"},
        },
    )
    assert own_poly.__tablename__ == "poly_engineer"  # type: ignore[attr-defined]
    assert own_poly.__table__.name == "poly_engineer"  # type: ignore[attr-defined]


def test_joined_table_inheritance() -> None:
    class TbJoinedBase(UUIDBase):
        __bind_key__ = "tb_joined"
        kind: Mapped[str] = mapped_column(String(20))
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "base"}

    class TbJoinedChild(TbJoinedBase):
        __tablename__ = "tb_joined_child"
        id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tb_joined_base.id"), primary_key=True)
        extra: Mapped[str] = mapped_column(String(20))
        __mapper_args__ = {"polymorphic_identity": "child"}

    assert TbJoinedBase.__table__.name == "tb_joined_base"
    assert TbJoinedChild.__table__.name == "tb_joined_child"
    assert TbJoinedChild.__mapper__.inherits is TbJoinedBase.__mapper__
    assert TbJoinedChild.__mapper__.local_table is TbJoinedChild.__table__

    md = metadata_registry.get("tb_joined")
    engine = create_engine("sqlite://")
    md.create_all(engine)
    with Session(engine) as session:
        session.add(TbJoinedChild(extra="x"))
        session.commit()
        loaded = session.execute(select(TbJoinedBase)).scalar_one()
        assert isinstance(loaded, TbJoinedChild)
        assert loaded.extra == "x"
        assert loaded.kind == "child"
    engine.dispose()


def test_sql_query_has_no_generated_table_name() -> None:
    assert "__tablename__" not in vars(SQLQuery)
    assert not hasattr(SQLQuery, "__tablename__")
    assert SQLQuery.__allow_unmapped__ is True
    assert issubclass(SQLQuery, base.BasicAttributes)
    assert not issubclass(SQLQuery, CommonTableAttributes)


# --- registry / metadata ------------------------------------------------------------------------------


def test_naming_convention() -> None:
    assert convention == {
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
    assert orm_registry.metadata.naming_convention == {**MetaData().naming_convention, **convention}


def test_create_registry_type_annotation_map() -> None:
    reg = create_registry()
    assert reg is not orm_registry
    annotation_map = reg.type_annotation_map
    assert annotation_map[uuid.UUID] is GUID
    assert annotation_map[datetime.datetime] is DateTimeUTC
    assert annotation_map[dict] is JsonB
    assert annotation_map[dict[str, Any]] is JsonB
    assert annotation_map[dict[str, str]] is JsonB
    for key, value in convention.items():
        assert reg.metadata.naming_convention[key] == value


def test_create_registry_custom_map_overrides() -> None:
    custom = String(10)
    reg = create_registry({uuid.UUID: custom, int: BigInteger})
    assert reg.type_annotation_map[uuid.UUID] is custom
    assert reg.type_annotation_map[int] is BigInteger


def test_create_registry_pydantic_types() -> None:
    pydantic = pytest.importorskip("pydantic")
    reg = create_registry()
    for annotation in (pydantic.AnyUrl, pydantic.AnyHttpUrl, pydantic.IPvAnyAddress):
        assert reg.type_annotation_map[annotation] is String


def test_annotations_resolve_to_library_types() -> None:
    class TbAnnotated(UUIDBase):
        __bind_key__ = "tb_annotated"
        when: Mapped[datetime.datetime]
        day: Mapped[datetime.date]
        other: Mapped[uuid.UUID]
        doc: Mapped[dict[str, Any]]

    cols = TbAnnotated.__table__.c
    assert isinstance(cols.when.type, DateTimeUTC)
    assert isinstance(cols.other.type, GUID)
    assert isinstance(cols.id.type, GUID)
    assert cols.doc.type.__class__.__name__ == JsonB.__class__.__name__


def test_metadata_registry_is_a_singleton() -> None:
    assert MetadataRegistry() is metadata_registry
    assert MetadataRegistry() is MetadataRegistry()
    assert AdvancedDeclarativeBase.__metadata_registry__ is metadata_registry


def test_metadata_registry_mapping_interface() -> None:
    assert None in metadata_registry
    assert metadata_registry.get() is orm_registry.metadata
    assert metadata_registry[None] is orm_registry.metadata
    assert metadata_registry.get(None) is orm_registry.metadata

    assert "tb_fresh_key" not in metadata_registry
    fresh = metadata_registry.get("tb_fresh_key")
    assert "tb_fresh_key" in metadata_registry
    assert metadata_registry.get("tb_fresh_key") is fresh
    assert metadata_registry["tb_fresh_key"] is fresh
    assert fresh is not orm_registry.metadata
    assert fresh.naming_convention["pk"] == "pk_%(table_name)s"
    assert "tb_fresh_key" in list(metadata_registry)
    assert None in list(iter(metadata_registry))

    mine = MetaData()
    metadata_registry.set("tb_set_key", mine)
    assert metadata_registry.get("tb_set_key") is mine
    other = MetaData()
    metadata_registry["tb_setitem_key"] = other
    assert metadata_registry["tb_setitem_key"] is other
    with pytest.raises(KeyError):
        metadata_registry["tb_never_registered"]


def test_bind_key_models_get_separate_metadata() -> None:
    class TbAnalyticsEvent(BigIntBase):
        __bind_key__ = "tb_analytics"
        name: Mapped[str] = mapped_column(String(20))

    class TbAnalyticsMetric(UUIDAuditBase):
        __bind_key__ = "tb_analytics"

    class TbDefaultEvent(UUIDBase):
        name: Mapped[str] = mapped_column(String(20))

    analytics = metadata_registry.get("tb_analytics")
    assert TbAnalyticsEvent.metadata is analytics
    assert TbAnalyticsEvent.__table__.metadata is analytics
    assert TbAnalyticsMetric.__table__.metadata is analytics
    assert "tb_analytics_event" in analytics.tables
    assert "tb_analytics_metric" in analytics.tables
    assert "tb_analytics_event" not in orm_registry.metadata.tables
    assert TbDefaultEvent.__table__.metadata is orm_registry.metadata
    assert "tb_default_event" not in analytics.tables
    # the naming convention applies to the bind key's metadata, too
    assert TbAnalyticsEvent.__table__.primary_key.name == "pk_tb_analytics_event"
    # the sequence lives in the same metadata as the table
    seq = TbAnalyticsEvent.__table__.c.id.default
    assert isinstance(seq, Sequence)
    assert seq.name == "tb_analytics_event_id_seq"


def test_bases_are_abstract_and_async_attrs() -> None:
    from sqlalchemy.ext.asyncio import AsyncAttrs

    for cls in (
        UUIDBase,
        UUIDAuditBase,
        UUIDv6Base,
        UUIDv6AuditBase,
        UUIDv7Base,
        UUIDv7AuditBase,
        NanoIDBase,
        NanoIDAuditBase,
        BigIntBase,
        BigIntAuditBase,
        IdentityBase,
        IdentityAuditBase,
        DefaultBase,
        SQLQuery,
    ):
        assert cls.__dict__["__abstract__"] is True, cls
        assert issubclass(cls, AsyncAttrs)
        assert issubclass(cls, AdvancedDeclarativeBase)
        assert cls.registry is orm_registry
        assert cls.__bind_key__ is None
    assert base.BaseORMModel is DefaultBase
    assert base.NanoidBase is NanoIDBase
    assert base.NanoidAuditBase is NanoIDAuditBase
    assert base.SlugKey is SlugKey


def test_typevars_are_bound() -> None:
    assert base.UUIDBaseT.__bound__ is UUIDBase
    assert base.BigIntBaseT.__bound__ is BigIntBase
    assert base.IdentityBaseT.__bound__ is IdentityBase
    assert base.UUIDv6BaseT.__bound__ is UUIDv6Base
    assert base.UUIDv7BaseT.__bound__ is UUIDv7Base
    assert base.NanoIDBaseT.__bound__ is NanoIDBase
    assert get_args(base.TableArgsType)


# --- columns of each base ------------------------------------------------------------------------------


def _make(base_cls: type, name: str) -> Any:
    return type(
        name,
        (base_cls,),
        {
            "__bind_key__": "tb_columns",
            "__annotations__": {"title": Mapped[str]},
            "title": mapped_column(String(20)),
        },
    )


COLUMN_CASES = [
    (UUIDBase, GUID, True, False),
    (UUIDAuditBase, GUID, True, True),
    (UUIDv6Base, GUID, True, False),
    (UUIDv6AuditBase, GUID, True, True),
    (UUIDv7Base, GUID, True, False),
    (UUIDv7AuditBase, GUID, True, True),
    (NanoIDBase, String, True, False),
    (NanoIDAuditBase, String, True, True),
    (BigIntBase, BigInteger, False, False),
    (BigIntAuditBase, BigInteger, False, True),
    (IdentityBase, BigInteger, False, False),
    (IdentityAuditBase, BigInteger, False, True),
]


@pytest.mark.parametrize(
    ("base_cls", "id_type", "has_sentinel", "has_audit"), COLUMN_CASES, ids=[c[0].__name__ for c in COLUMN_CASES]
)
def test_base_columns(base_cls: type, id_type: type, has_sentinel: bool, has_audit: bool) -> None:
    model = _make(base_cls, f"TbCols{base_cls.__name__}")
    table = model.__table__
    id_col = table.c.id
    assert id_col.primary_key
    assert not id_col.nullable
    assert isinstance(id_col.type, id_type)
    expected = ["id", "title"]
    if has_sentinel:
        expected.append("sa_orm_sentinel")
    if has_audit:
        expected += ["created_at", "updated_at"]
    assert [c.name for c in table.columns] == expected
    if has_sentinel:
        sentinel = table.c.sa_orm_sentinel
        assert sentinel.nullable
        assert isinstance(sentinel.type, Integer)
        assert sentinel._insert_sentinel
        assert table._sentinel_column_characteristics.is_explicit is True
    if has_audit:
        for name in ("created_at", "updated_at"):
            col = table.c[name]
            assert isinstance(col.type, DateTimeUTC)
            assert not col.nullable
            assert col.default is not None
            assert col.default.is_callable
        assert table.c.updated_at.onupdate is not None
        assert table.c.created_at.onupdate is None
    assert table.primary_key.name == f"pk_{table.name}"


def test_id_defaults() -> None:
    uuid_model = _make(UUIDBase, "TbDefaultsUuid")
    v6_model = _make(UUIDv6Base, "TbDefaultsV6")
    v7_model = _make(UUIDv7Base, "TbDefaultsV7")
    nano_model = _make(NanoIDBase, "TbDefaultsNano")

    def gen(model: Any) -> Any:
        return model.__table__.c.id.default.arg(None)

    assert gen(uuid_model).version == 4
    assert gen(v6_model).version == 6
    assert gen(v7_model).version == 7
    nano = gen(nano_model)
    assert isinstance(nano, str)
    assert len(nano) == 21


def test_bigint_sequence_and_identity() -> None:
    big = _make(BigIntBase, "TbSeqBig")
    seq = big.__table__.c.id.default
    assert isinstance(seq, Sequence)
    assert seq.name == "tb_seq_big_id_seq"
    assert seq.optional is False
    ident = _make(IdentityBase, "TbSeqIdent")
    identity = ident.__table__.c.id.identity
    assert isinstance(identity, Identity)
    assert identity.start == 1
    assert identity.increment == 1


def test_bigint_sequence_follows_table_schema() -> None:
    class TbSchemaBig(BigIntBase):
        __bind_key__ = "tb_schema"
        __table_args__ = {"schema": "reporting"}

    seq = TbSchemaBig.__table__.c.id.default
    assert isinstance(seq, Sequence)
    assert seq.schema == "reporting"
    assert seq.name == "tb_schema_big_id_seq"


def test_standalone_mixins_on_plain_declarative_base() -> None:
    class PlainBase(DeclarativeBase):
        registry = create_registry()

    class PlainUuid(UUIDPrimaryKey, AuditColumns, PlainBase):
        __tablename__ = "plain_uuid"

    class PlainV6(UUIDv6PrimaryKey, PlainBase):
        __tablename__ = "plain_v6"

    class PlainV7(UUIDv7PrimaryKey, PlainBase):
        __tablename__ = "plain_v7"

    class PlainNano(NanoIDPrimaryKey, PlainBase):
        __tablename__ = "plain_nano"

    class PlainBig(BigIntPrimaryKey, PlainBase):
        __tablename__ = "plain_big"

    class PlainIdent(IdentityPrimaryKey, PlainBase):
        __tablename__ = "plain_ident"

    class PlainSentinel(SentinelMixin, PlainBase):
        __tablename__ = "plain_sentinel"
        id: Mapped[int] = mapped_column(primary_key=True)

    assert set(PlainUuid.__table__.c.keys()) == {"id", "sa_orm_sentinel", "created_at", "updated_at"}
    assert "sa_orm_sentinel" in PlainV6.__table__.c
    assert "sa_orm_sentinel" in PlainV7.__table__.c
    assert "sa_orm_sentinel" in PlainNano.__table__.c
    assert PlainBig.__table__.c.id.default.name == "plain_big_id_seq"  # type: ignore[union-attr]
    assert PlainIdent.__table__.c.id.identity is not None
    assert "sa_orm_sentinel" in PlainSentinel.__table__.c

    engine = create_engine("sqlite://")
    PlainBase.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([PlainUuid(), PlainUuid(), PlainBig(), PlainSentinel()])
        session.commit()
        rows = session.scalars(select(PlainUuid)).all()
        assert len(rows) == 2
        assert all(r.created_at.tzinfo is not None for r in rows)
    engine.dispose()


@pytest.mark.skipif(
    tuple(int(part) for part in sqlalchemy.__version__.split(".")[:2]) >= (2, 1),
    reason="SQLAlchemy 2.1 requires the mixins of a dataclass model to be dataclasses themselves",
)
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SADeprecationWarning")
def test_sentinel_with_mapped_as_dataclass() -> None:
    from sqlalchemy.orm import MappedAsDataclass

    class DcBase(MappedAsDataclass, DeclarativeBase):
        registry = create_registry()

    class DcThing(UUIDPrimaryKey, DcBase):
        __tablename__ = "dc_thing"
        name: Mapped[str] = mapped_column(String(20), default="x")

    thing = DcThing(name="a")
    assert thing.name == "a"
    assert "sa_orm_sentinel" in DcThing.__table__.c


# --- audit validation -----------------------------------------------------------------------------------


def test_naive_audit_values_become_utc() -> None:
    model = _make(UUIDAuditBase, "TbAuditNaive")
    naive = datetime.datetime(2024, 1, 2, 3, 4, 5)
    obj = model(title="x", created_at=naive)
    assert obj.created_at == naive.replace(tzinfo=datetime.timezone.utc)
    obj.updated_at = naive
    assert obj.updated_at.tzinfo is datetime.timezone.utc
    aware = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    obj.updated_at = aware
    assert obj.updated_at == aware
    assert obj.validate_tz_info("created_at", naive).tzinfo is datetime.timezone.utc


def test_audit_user_context() -> None:
    assert get_audit_user() is None
    with audit_user("alice"):
        assert get_audit_user() == "alice"
        with audit_user("bob"):
            assert get_audit_user() == "bob"
        assert get_audit_user() == "alice"
    assert get_audit_user() is None
    token = set_audit_user("carol")
    assert get_audit_user() == "carol"
    reset_audit_user(token)
    assert get_audit_user() is None

    class User:
        id = 42

    with audit_user(User()):
        assert get_audit_user() == "42"
    with audit_user(None):
        assert get_audit_user() is None


def test_audit_mixin_columns() -> None:
    class TbAuditMixinThing(UUIDBase, AuditMixin):
        __bind_key__ = "tb_audit_mixin"

    cols = TbAuditMixinThing.__table__.c
    assert {"created_at", "updated_at", "created_by", "updated_by"} <= set(cols.keys())
    assert cols.created_by.nullable
    assert cols.updated_by.onupdate is not None


# --- to_dict / model_to_dict ----------------------------------------------------------------------------


class TbDictThing(UUIDAuditBase):
    __bind_key__ = "tb_dict"
    name: Mapped[str] = mapped_column(String(20))
    secret: Mapped[Optional[str]] = deferred(mapped_column(String(20), nullable=True))


class _PlainDictBase(DeclarativeBase):
    pass


class PlainDictThing(_PlainDictBase):
    __tablename__ = "plain_dict_thing"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    note: Mapped[Optional[str]] = deferred(mapped_column(String(20), nullable=True))


@pytest.fixture
def dict_session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    metadata_registry.get("tb_dict").create_all(engine)
    _PlainDictBase.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_to_dict_on_transient_object() -> None:
    thing = TbDictThing(name="a")
    data = thing.to_dict()
    assert data == {"name": "a"}
    assert "sa_orm_sentinel" not in data
    assert "_sentinel" not in data


def test_to_dict_skips_sentinel_unloaded_and_excluded(dict_session: Session) -> None:
    thing = TbDictThing(name="a", secret="s")
    dict_session.add(thing)
    dict_session.commit()
    thing_id = thing.id
    dict_session.expunge_all()

    loaded = dict_session.get(TbDictThing, thing_id)
    assert loaded is not None
    data = loaded.to_dict()
    assert set(data) == {"id", "name", "created_at", "updated_at"}  # secret is deferred, sentinel skipped
    assert data["id"] == thing_id
    assert data["name"] == "a"
    assert data["created_at"].tzinfo is not None
    assert loaded.to_dict(exclude={"created_at", "updated_at"}) == {"id": thing_id, "name": "a"}

    assert loaded.secret == "s"  # loading the deferred column makes it appear
    assert loaded.to_dict()["secret"] == "s"

    dict_session.expire(loaded, ["name"])
    assert "name" not in loaded.to_dict()
    dict_session.expire(loaded)
    assert loaded.to_dict() == {}
    assert model_to_dict(loaded) == {}
    loaded.name  # noqa: B018 - refreshes the expired attributes
    assert set(loaded.to_dict()) == {"id", "name", "created_at", "updated_at"}


def test_model_to_dict_uses_to_dict_when_present(dict_session: Session) -> None:
    thing = TbDictThing(name="a")
    assert model_to_dict(thing) == thing.to_dict()
    assert model_to_dict(thing, exclude={"name"}) == {}

    class Custom:
        def to_dict(self, exclude: Optional[set[str]] = None) -> dict[str, Any]:
            return {"custom": True, "exclude": exclude}

    assert model_to_dict(Custom(), exclude={"a"}) == {"custom": True, "exclude": {"a"}}  # type: ignore[arg-type]


def test_model_to_dict_on_plain_declarative_model(dict_session: Session) -> None:
    obj = PlainDictThing(id=1, name="n", note="x")
    assert not hasattr(obj, "to_dict")
    assert model_to_dict(obj) == {"id": 1, "name": "n", "note": "x"}
    assert model_to_dict(obj, exclude={"note"}) == {"id": 1, "name": "n"}
    dict_session.add(obj)
    dict_session.commit()
    dict_session.expunge_all()
    loaded = dict_session.get(PlainDictThing, 1)
    assert loaded is not None
    assert model_to_dict(loaded) == {"id": 1, "name": "n"}


def test_model_protocol_is_runtime_checkable() -> None:
    assert isinstance(TbDictThing(name="a"), ModelProtocol)


# --- merge_table_arguments ------------------------------------------------------------------------------


def test_merge_table_arguments_combines_mixins_and_own_args() -> None:
    class ArgsMixinTuple:
        __table_args__ = (CheckConstraint("1 = 1", name="mixin_check"),)

    class ArgsMixinDict:
        __table_args__ = {"comment": "from mixin"}

    class TbMergedArgs(ArgsMixinTuple, ArgsMixinDict, UUIDBase):
        __bind_key__ = "tb_merge"
        name: Mapped[str] = mapped_column(String(20))

        @classmethod
        def _args(cls) -> Any:
            return merge_table_arguments(cls, table_args=(UniqueConstraint("name"), {"info": {"x": 1}}))

    merged = TbMergedArgs._args()
    assert isinstance(merged, tuple)
    assert isinstance(merged[-1], dict)
    assert merged[-1] == {"comment": "from mixin", "info": {"x": 1}}
    positional = merged[:-1]
    assert len(positional) == 2
    assert isinstance(positional[0], CheckConstraint)
    assert isinstance(positional[1], UniqueConstraint)


def test_merge_table_arguments_only_args_or_only_kwargs() -> None:
    class OnlyTuple:
        __table_args__ = (Index("ix_only_a", "a"),)

    class Combo(OnlyTuple):
        pass

    only_args = merge_table_arguments(Combo, table_args=(Index("ix_only_b", "b"),))  # type: ignore[arg-type]
    assert isinstance(only_args, tuple)
    assert [ix.name for ix in only_args] == ["ix_only_a", "ix_only_b"]

    class OnlyDict:
        __table_args__ = {"schema": "s1"}

    class Combo2(OnlyDict):
        pass

    only_kwargs = merge_table_arguments(Combo2, table_args={"comment": "c"})  # type: ignore[arg-type]
    assert only_kwargs == {"schema": "s1", "comment": "c"}

    class Nothing:
        pass

    assert merge_table_arguments(Nothing) == {}  # type: ignore[arg-type]
    assert merge_table_arguments(Nothing, table_args=()) == {}  # type: ignore[arg-type]


def test_merge_table_arguments_in_declared_table_args() -> None:
    from sqlalchemy.orm import declared_attr

    class TbSlugWithArgs(UUIDBase, SlugKey):
        __bind_key__ = "tb_merge_declared"
        name: Mapped[str] = mapped_column(String(20))

        @declared_attr.directive
        @classmethod
        def __table_args__(cls) -> Any:
            return merge_table_arguments(cls, table_args=(UniqueConstraint("name", name="uq_custom_name"),))

    names = {c.name for c in TbSlugWithArgs.__table__.constraints}
    assert "uq_custom_name" in names
    assert "uq_tb_slug_with_args_slug" in names


# --- SlugKey / UniqueMixin / OptimisticLockMixin declarations -----------------------------------------------


def test_slug_key_column() -> None:
    class TbSlugged(UUIDBase, SlugKey):
        __bind_key__ = "tb_slug"

    col = TbSlugged.__table__.c.slug
    assert isinstance(col.type, String)
    assert col.type.length == 100
    assert not col.nullable
    uqs = [c for c in TbSlugged.__table__.constraints if isinstance(c, UniqueConstraint)]
    assert [u.name for u in uqs] == ["uq_tb_slugged_slug"]
    assert [i.name for i in TbSlugged.__table__.indexes] == ["ix_tb_slugged_slug_unique"]


def test_slug_mixin_is_a_slug_key() -> None:
    assert issubclass(SlugMixin, SlugKey)
    assert SlugMixin.__slug_source__ == "name"


def test_unique_mixin_base_methods_raise() -> None:
    with pytest.raises(NotImplementedError, match="Implement this in subclass"):
        UniqueMixin.unique_hash("x")
    with pytest.raises(NotImplementedError, match="Implement this in subclass"):
        UniqueMixin.unique_filter("x")


def test_optimistic_lock_mixin_sets_version_id_col() -> None:
    class TbLocked(UUIDBase, OptimisticLockMixin):
        __bind_key__ = "tb_lock"

    assert TbLocked.__mapper__.version_id_col is TbLocked.__table__.c.version
    assert not TbLocked.__table__.c.version.nullable


# --- DDL on dialects without a server -------------------------------------------------------------------


class TbDdlUuid(UUIDAuditBase):
    __bind_key__ = "tb_ddl"
    name: Mapped[str] = mapped_column(String(20))


class TbDdlBig(BigIntAuditBase):
    __bind_key__ = "tb_ddl"


class TbDdlIdent(IdentityAuditBase):
    __bind_key__ = "tb_ddl"


class TbDdlSlug(UUIDv7Base, SlugKey):
    __bind_key__ = "tb_ddl"


@pytest.mark.compile
@pytest.mark.parametrize(
    ("dialect_name", "fragments"),
    [
        ("oracle", ["id RAW(16) NOT NULL", "created_at DATE NOT NULL", "updated_at DATE NOT NULL"]),
        (
            "mssql",
            [
                "id UNIQUEIDENTIFIER NOT NULL",
                "created_at DATETIMEOFFSET NOT NULL",
                "updated_at DATETIMEOFFSET NOT NULL",
            ],
        ),
        ("postgresql", ["id UUID NOT NULL", "created_at TIMESTAMP WITH TIME ZONE NOT NULL"]),
        ("cockroachdb", ["id UUID NOT NULL"]),
        ("sqlite", ["id BINARY(16) NOT NULL", "created_at DATETIME NOT NULL"]),
        ("mysql", ["id BINARY(16) NOT NULL"]),
    ],
)
def test_uuid_audit_ddl(dialect_name: str, fragments: list[str]) -> None:
    ddl = compile_ddl(TbDdlUuid, dialect_name)
    for fragment in fragments:
        assert fragment in ddl, (fragment, ddl)
    assert "CONSTRAINT pk_tb_ddl_uuid PRIMARY KEY (id)" in ddl
    assert "sa_orm_sentinel INTEGER" in ddl
    # sort_order: pk first, user columns, then sentinel and audit columns
    assert ddl.index("id ") < ddl.index("name ") < ddl.index("sa_orm_sentinel") < ddl.index("created_at")
    assert ddl.index("created_at") < ddl.index("updated_at")


@pytest.mark.compile
@pytest.mark.parametrize(
    ("dialect_name", "fragment"),
    [
        ("oracle", "id NUMBER(19) NOT NULL"),
        ("mysql", "id BIGINT NOT NULL AUTO_INCREMENT"),
        ("postgresql", "id BIGINT NOT NULL"),
        ("sqlite", "id INTEGER NOT NULL"),
        ("mssql", "id BIGINT NOT NULL"),
    ],
)
def test_bigint_ddl(dialect_name: str, fragment: str) -> None:
    ddl = compile_ddl(TbDdlBig, dialect_name)
    assert fragment in ddl, ddl
    assert "CONSTRAINT pk_tb_ddl_big PRIMARY KEY (id)" in ddl


@pytest.mark.compile
@pytest.mark.parametrize(
    ("dialect_name", "fragment"),
    [
        ("oracle", "GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 1 START WITH 1)"),
        ("postgresql", "GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY 1 START WITH 1)"),
        ("mssql", "IDENTITY(1,1)"),
    ],
)
def test_identity_ddl(dialect_name: str, fragment: str) -> None:
    ddl = compile_ddl(TbDdlIdent, dialect_name)
    assert fragment in ddl, ddl
    assert "CONSTRAINT pk_tb_ddl_ident PRIMARY KEY (id)" in ddl


@pytest.mark.compile
def test_slug_key_ddl_postgres_and_spanner() -> None:
    pg = compile_ddl(TbDdlSlug, "postgresql")
    assert "slug VARCHAR(100) NOT NULL" in pg
    assert "CONSTRAINT uq_tb_ddl_slug_slug UNIQUE (slug)" in pg

    spanner = compile_ddl(TbDdlSlug, "spanner")
    assert "uq_tb_ddl_slug_slug" not in spanner
    assert "UNIQUE" not in spanner
    (index,) = TbDdlSlug.__table__.indexes
    assert index.name == "ix_tb_ddl_slug_slug_unique"
    assert index.unique
    spanner_dialect = dialect("spanner")
    assert "CREATE UNIQUE INDEX ix_tb_ddl_slug_slug_unique" in str(CreateIndex(index).compile(dialect=spanner_dialect))
    # what create_all emits: the constraint everywhere but Spanner, the unique index only on Spanner
    pg_emitted = _emitted_ddl(TbDdlSlug.__table__, "postgresql+psycopg://")
    assert any("CONSTRAINT uq_tb_ddl_slug_slug UNIQUE (slug)" in stmt for stmt in pg_emitted)
    assert not any("ix_tb_ddl_slug_slug_unique" in stmt for stmt in pg_emitted)
    spanner_emitted = _emitted_ddl(TbDdlSlug.__table__, "spanner+spanner:///projects/p/instances/i/databases/d")
    assert any("CREATE UNIQUE INDEX ix_tb_ddl_slug_slug_unique" in stmt for stmt in spanner_emitted)
    assert not any("uq_tb_ddl_slug_slug" in stmt for stmt in spanner_emitted)


def _emitted_ddl(table: Any, url: str) -> list[str]:
    statements: list[str] = []
    engine: Any = None

    def executor(sql: Any, *args: Any, **kwargs: Any) -> None:
        statements.append(str(sql.compile(dialect=engine.dialect)))

    try:
        engine = create_mock_engine(url, executor)
    except Exception as exc:  # noqa: BLE001 - dialect package missing
        pytest.skip(f"dialect for {url} unavailable: {exc}")
    table.metadata.create_all(engine, tables=[table], checkfirst=False)
    return statements


@pytest.mark.compile
def test_cockroachdb_bigint_and_nanoid_ddl() -> None:
    class TbDdlNano(NanoIDAuditBase):
        __bind_key__ = "tb_ddl"

    ddl = compile_ddl(TbDdlNano, "postgresql")
    assert "id VARCHAR" in ddl
    assert "CONSTRAINT pk_tb_ddl_nano PRIMARY KEY (id)" in ddl
    assert "BIGINT" in compile_ddl(TbDdlBig, "cockroachdb")


def test_sql_query_maps_a_select(dict_session: Session) -> None:
    from sqlalchemy import func as sa_func

    dict_session.add_all([TbDictThing(name="a"), TbDictThing(name="a"), TbDictThing(name="b")])
    dict_session.commit()
    counts = (
        select(TbDictThing.name.label("name"), sa_func.count().label("total"))
        .group_by(TbDictThing.name)
        .subquery("tb_name_counts")
    )

    class TbNameCount(SQLQuery):
        __table__ = counts
        __mapper_args__ = {"primary_key": [counts.c.name]}

    rows = dict_session.scalars(select(TbNameCount).order_by(TbNameCount.name)).all()  # type: ignore[attr-defined]
    assert [row.to_dict() for row in rows] == [{"name": "a", "total": 2}, {"name": "b", "total": 1}]
