"""The conversion core: ``schema_dump``, the schema type guards, ``to_model`` and ``to_schema_*``."""

# mypy cannot match mapped classes to ``ModelProtocol`` yet (``__name__``/``__table__`` member kinds).
# mypy: disable-error-code="type-var"

from __future__ import annotations

import dataclasses
import datetime
import enum
import subprocess
import sys
import textwrap
import types
import uuid
from pathlib import Path, PurePosixPath
from typing import Any, Optional, Union

import attrs
import msgspec
import pydantic
import pytest
from sqlalchemy import ForeignKey, String, create_engine, literal, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from advanced_alchemy import _conversion
from advanced_alchemy._conversion import msgspec_dec_hook, to_model, to_schema_item, to_schema_many
from advanced_alchemy.base import BasicAttributes
from advanced_alchemy.exceptions import AdvancedAlchemyError, RepositoryError, SerializationError
from advanced_alchemy.utils import serialization as ser
from advanced_alchemy.utils.dataclass import Empty
from advanced_alchemy.utils.serialization import SchemaDumpConfig, schema_dump

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Status(enum.Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class _Base(BasicAttributes, DeclarativeBase):
    pass


class ConvAuthor(_Base):
    __tablename__ = "conv_author"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(50))
    status: Mapped[Status] = mapped_column(default=Status.ACTIVE)
    created_at: Mapped[Optional[datetime.datetime]] = mapped_column(default=None)
    nickname: Mapped[Optional[str]] = mapped_column(default=None)
    rank: Mapped[Optional[int]] = mapped_column(default=None)
    _secret: Mapped[Optional[str]] = mapped_column("secret", default=None)
    books: Mapped[list[ConvBook]] = relationship(back_populates="author")

    plain_setting = "default"

    @property
    def shout(self) -> str:
        return self.name.upper()

    @property
    def alias(self) -> Optional[str]:
        return self.nickname

    @alias.setter
    def alias(self, value: str) -> None:
        self.nickname = value

    @hybrid_property
    def display(self) -> str:
        return self.name.title()

    @display.inplace.setter
    def _display_setter(self, value: str) -> None:
        self.name = value.lower()

    def greet(self) -> str:
        return f"hi {self.name}"

    @validates("rank")
    def _check_rank(self, key: str, value: Any) -> Any:
        if value is None:
            return value
        if isinstance(value, str) and value.startswith("msgspec:"):
            return msgspec.convert(value.removeprefix("msgspec:"), int)
        return pydantic.TypeAdapter(int).validate_python(value)


class ConvBook(_Base):
    __tablename__ = "conv_book"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[Optional[uuid.UUID]] = mapped_column(ForeignKey("conv_author.id"), default=None)
    author: Mapped[Optional[ConvAuthor]] = relationship(back_populates="books")


# --- input schemas -------------------------------------------------------------------------------------


class AuthorPydantic(pydantic.BaseModel):
    name: str
    nickname: Optional[str] = None
    status: Status = Status.ACTIVE


class AuthorStruct(msgspec.Struct):
    name: str
    nickname: Union[Optional[str], msgspec.UnsetType] = msgspec.UNSET
    status: Status = Status.ACTIVE


@attrs.define
class AuthorAttrs:
    name: str
    nickname: Optional[str] = None


@dataclasses.dataclass
class AuthorDataclass:
    name: str
    nickname: Any = Empty


# --- output schemas ------------------------------------------------------------------------------------


class AuthorOutPydantic(pydantic.BaseModel):
    id: uuid.UUID
    name: str
    status: Status
    created_at: datetime.datetime
    nickname: Optional[str] = None


class AuthorOutStruct(msgspec.Struct):
    id: uuid.UUID
    name: str
    status: Status
    created_at: datetime.datetime
    nickname: Optional[str] = None


@attrs.define
class AuthorOutAttrs:
    id: uuid.UUID
    name: str
    status: Status
    created_at: datetime.datetime
    nickname: Optional[str] = None


def _author(i: int = 0) -> ConvAuthor:
    return ConvAuthor(
        id=uuid.UUID(int=i + 1),
        name=f"author {i}",
        status=Status.INACTIVE,
        created_at=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        nickname=None if i % 2 else f"nick {i}",
    )


# --- schema_dump ---------------------------------------------------------------------------------------


class PydSchema(pydantic.BaseModel):
    a: int
    b: Optional[int] = None
    c: int = 5


class StructSchema(msgspec.Struct):
    a: int
    b: Optional[int] = None
    c: int = 5
    d: Union[int, msgspec.UnsetType] = msgspec.UNSET
    tags: list[str] = msgspec.field(default_factory=list)


@attrs.define
class AttrsSchema:
    a: int
    b: Optional[int] = None
    c: int = 5
    d: Any = msgspec.UNSET
    tags: list[str] = attrs.Factory(list)


@dataclasses.dataclass
class DataclassChild:
    x: int = 1


@dataclasses.dataclass
class DataclassSchema:
    a: int
    b: Optional[int] = None
    c: int = 5
    d: Any = Empty
    child: Optional[DataclassChild] = None


KEEP_ALL = SchemaDumpConfig(exclude_unset=False, exclude_sentinels=False)


def test_schema_dump_config_defaults_and_frozen() -> None:
    config = SchemaDumpConfig()
    assert (config.exclude_unset, config.exclude_none, config.exclude_defaults, config.exclude_sentinels) == (
        True,
        False,
        False,
        True,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.exclude_none = True  # type: ignore[misc]


def test_schema_dump_dict_is_returned_as_is() -> None:
    data = {"a": 1}
    assert schema_dump(data) is data


def test_schema_dump_pydantic_flags() -> None:
    model = PydSchema(a=1, b=None)
    assert schema_dump(model) == {"a": 1, "b": None}
    assert schema_dump(model, exclude_unset=False) == {"a": 1, "b": None, "c": 5}
    assert schema_dump(model, config=SchemaDumpConfig(exclude_none=True)) == {"a": 1}
    assert schema_dump(model, config=SchemaDumpConfig(exclude_unset=False, exclude_defaults=True)) == {"a": 1}
    assert schema_dump(model, config=SchemaDumpConfig(exclude_unset=False, exclude_none=True)) == {"a": 1, "c": 5}


def test_schema_dump_pydantic_missing_sentinel() -> None:
    missing = getattr(pydantic, "MISSING", None)
    if missing is None:
        pytest.skip("this pydantic has no MISSING sentinel")

    class WithMissing(pydantic.BaseModel):
        a: int
        b: Union[int, missing] = missing  # type: ignore[valid-type]

    model = WithMissing(a=1)
    assert schema_dump(model) == {"a": 1}
    assert schema_dump(model, config=SchemaDumpConfig(exclude_sentinels=False)) == {"a": 1, "b": missing}
    assert schema_dump(model, exclude_unset=False) == {"a": 1, "b": missing}


def test_schema_dump_msgspec_flags() -> None:
    data = StructSchema(a=1)
    assert schema_dump(data) == {"a": 1, "b": None, "c": 5, "tags": []}
    assert schema_dump(data, exclude_unset=False) == {"a": 1, "b": None, "c": 5, "d": msgspec.UNSET, "tags": []}
    assert schema_dump(data, config=SchemaDumpConfig(exclude_none=True)) == {"a": 1, "c": 5, "tags": []}
    assert schema_dump(data, config=SchemaDumpConfig(exclude_defaults=True)) == {"a": 1}
    assert schema_dump(StructSchema(a=1, c=6, d=2, tags=["x"]), config=SchemaDumpConfig(exclude_defaults=True)) == {
        "a": 1,
        "c": 6,
        "d": 2,
        "tags": ["x"],
    }


def test_schema_dump_msgspec_nested_structs_become_dicts() -> None:
    class Inner(msgspec.Struct):
        x: int

    class Outer(msgspec.Struct):
        inner: Inner
        items: list[Inner]

    assert schema_dump(Outer(inner=Inner(1), items=[Inner(2)])) == {"inner": {"x": 1}, "items": [{"x": 2}]}


def test_schema_dump_attrs_flags() -> None:
    data = AttrsSchema(a=1)
    assert schema_dump(data) == {"a": 1, "b": None, "c": 5, "tags": []}
    assert schema_dump(data, exclude_unset=False) == {"a": 1, "b": None, "c": 5, "d": msgspec.UNSET, "tags": []}
    assert schema_dump(data, config=SchemaDumpConfig(exclude_none=True)) == {"a": 1, "c": 5, "tags": []}
    assert schema_dump(data, config=SchemaDumpConfig(exclude_defaults=True)) == {"a": 1}


def test_schema_dump_dataclass_flags_and_nesting() -> None:
    data = DataclassSchema(a=1, child=DataclassChild())
    assert schema_dump(data) == {"a": 1, "b": None, "c": 5, "child": {"x": 1}}
    assert schema_dump(data, exclude_unset=False) == {"a": 1, "b": None, "c": 5, "d": Empty, "child": {"x": 1}}
    assert schema_dump(DataclassSchema(a=1), config=SchemaDumpConfig(exclude_none=True)) == {"a": 1, "c": 5}
    assert schema_dump(DataclassSchema(a=1, c=5), config=SchemaDumpConfig(exclude_defaults=True)) == {"a": 1}


def test_schema_dump_rows_objects_and_others() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        row = conn.execute(select(literal(1).label("a"), literal("x").label("b"))).one()
        mapping = conn.execute(select(literal(2).label("a"))).mappings().one()
    engine.dispose()
    assert schema_dump(row) == {"a": 1, "b": "x"}
    assert schema_dump(mapping) == {"a": 2}
    namespace = types.SimpleNamespace(a=1, b=2)
    assert schema_dump(namespace) == {"a": 1, "b": 2}
    assert schema_dump(42) == 42  # type: ignore[comparison-overlap]


def test_schema_dump_dto_data(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeDTOData:
        def as_builtins(self) -> dict[str, Any]:
            return {"name": "dto"}

    monkeypatch.setattr(ser, "is_dto_data", lambda v: isinstance(v, FakeDTOData))
    assert schema_dump(FakeDTOData()) == {"name": "dto"}


# --- type guards ---------------------------------------------------------------------------------------

SAMPLES: dict[str, Any] = {
    "dict": {"name": "x"},
    "pydantic": AuthorPydantic(name="x"),
    "msgspec": AuthorStruct(name="x"),
    "attrs": AuthorAttrs(name="x"),
    "dataclass": AuthorDataclass(name="x"),
    "model": ConvAuthor(name="x"),
    "object": types.SimpleNamespace(name="x"),
    "int": 1,
}

GUARDS: dict[str, set[str]] = {
    "is_dict": {"dict"},
    "is_pydantic_model": {"pydantic"},
    "is_msgspec_struct": {"msgspec"},
    "is_attrs_instance": {"attrs"},
    "is_dataclass": {"dataclass"},
    "is_schema": {"pydantic", "msgspec", "attrs"},
    "is_schema_or_dict": {"dict", "pydantic", "msgspec", "attrs"},
    "is_dto_data": set(),
    "is_sqlmodel_table_model": set(),
    "is_row_mapping": set(),
    "has_dict_attribute": {"pydantic", "dataclass", "model", "object"},  # attrs.define is slotted
}


@pytest.mark.parametrize("guard", sorted(GUARDS))
def test_type_guards(guard: str) -> None:
    check = getattr(ser, guard)
    for kind, value in SAMPLES.items():
        assert check(value) is (kind in GUARDS[guard]), (guard, kind)


@pytest.mark.parametrize(
    "base", ["is_dict", "is_pydantic_model", "is_msgspec_struct", "is_attrs_instance", "is_schema", "is_schema_or_dict"]
)
def test_with_and_without_field_guards(base: str) -> None:
    with_field = getattr(ser, f"{base}_with_field")
    without_field = getattr(ser, f"{base}_without_field")
    for kind, value in SAMPLES.items():
        matches = kind in GUARDS[base]
        assert with_field(value, "name") is matches, (base, kind)
        assert without_field(value, "name") is False, (base, kind)
        assert with_field(value, "missing") is False, (base, kind)
        assert without_field(value, "missing") is matches, (base, kind)


def test_dataclass_field_guards_and_attrs_schema() -> None:
    assert ser.is_dataclass_with_field(AuthorDataclass(name="x"), "name")
    assert ser.is_dataclass_without_field(AuthorDataclass(name="x"), "missing")
    assert not ser.is_dataclass(AuthorDataclass)
    assert not ser.is_attrs_schema(AuthorAttrs(name="x"))
    assert ser.is_attrs_schema(AuthorAttrs)
    assert not ser.is_attrs_schema(AuthorPydantic)


def test_row_mapping_guard() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        mapping = conn.execute(select(literal(1).label("a"))).mappings().one()
    engine.dispose()
    assert ser.is_row_mapping(mapping)
    assert not ser.is_row_mapping({"a": 1})


def test_cached_helpers() -> None:
    assert ser.get_type_adapter(AuthorOutPydantic) is ser.get_type_adapter(AuthorOutPydantic)
    assert ser.get_type_adapter(list[AuthorOutPydantic]) is ser.get_type_adapter(list[AuthorOutPydantic])
    assert [f.name for f in ser.get_attrs_fields(AuthorAttrs)] == ["name", "nickname"]
    assert ser.get_attrs_fields(AuthorPydantic) == ()
    assert ser.structure({"name": "x"}, AuthorAttrs) == AuthorAttrs(name="x")
    assert ser.unstructure(AuthorAttrs(name="x")) == {"name": "x", "nickname": None}
    assert ser.convert({"name": "x"}, AuthorStruct) == AuthorStruct(name="x")


def test_model_dict_aliases_are_strings() -> None:
    assert isinstance(ser.ModelDictT, str)
    assert isinstance(ser.ModelDictListT, str)
    assert isinstance(ser.BulkModelDictT, str)


def test_serializers_share_the_base_class() -> None:
    for cls in (ser.MsgspecSerializer, ser.StandardLibSerializer):
        serializer = cls()
        assert isinstance(serializer, ser.BaseJSONSerializer)
        assert isinstance(serializer, ser.JSONSerializer)
        assert serializer.decode(serializer.encode({"a": uuid.UUID(int=1)})) == {"a": str(uuid.UUID(int=1))}


def test_decode_complex_type() -> None:
    value = {"id": str(uuid.UUID(int=3)), "at": "2024-01-02T03:04:05Z", "day": "2024-01-02", "n": [1, "x"]}
    assert ser.decode_complex_type(value) == {
        "id": uuid.UUID(int=3),
        "at": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        "day": datetime.date(2024, 1, 2),
        "n": [1, "x"],
    }


# --- to_model ------------------------------------------------------------------------------------------


def test_to_model_returns_instances_as_is() -> None:
    author = ConvAuthor(name="x")
    assert to_model(ConvAuthor, author) is author


def test_to_model_from_dict_with_nested_relationships() -> None:
    author = to_model(ConvAuthor, {"name": "x", "books": [{"title": "a"}, {"title": "b"}]})
    assert isinstance(author, ConvAuthor)
    assert author.name == "x"
    assert [book.title for book in author.books] == ["a", "b"]
    assert all(isinstance(book, ConvBook) for book in author.books)
    book = to_model(ConvBook, {"title": "c", "author": {"name": "y"}})
    assert isinstance(book.author, ConvAuthor)
    assert book.author.name == "y"


def test_to_model_from_dict_applies_settable_attributes() -> None:
    author = to_model(ConvAuthor, {"name": "x", "alias": "al", "display": "LOUD", "plain_setting": "p"})
    assert author.nickname == "al"
    assert author.name == "loud"
    assert author.plain_setting == "p"
    assert to_model(ConvAuthor, {"name": "x", "_secret": "s"})._secret == "s"


@pytest.mark.parametrize(
    "key", ["bogus", "shout", "greet", "to_dict", "metadata", "registry", "_sa_instance_state", "__tablename__"]
)
def test_to_model_rejects_unknown_keys(key: str) -> None:
    with pytest.raises(RepositoryError) as exc_info:
        to_model(ConvAuthor, {"name": "x", key: 1})
    message = str(exc_info.value)
    assert repr(key) in message
    assert "ConvAuthor" in message


def test_to_model_unknown_keys_are_all_named_including_nested() -> None:
    with pytest.raises(RepositoryError) as exc_info:
        to_model(ConvAuthor, {"name": "x", "zzz": 1, "yyy": 2, "books": [{"title": "a"}, {"title": "b", "isbn": 3}]})
    message = str(exc_info.value)
    for expected in ("'zzz'", "'yyy'", "'isbn'", "ConvAuthor", "ConvBook", "books[1]"):
        assert expected in message


def test_to_model_rejects_non_string_keys() -> None:
    with pytest.raises(RepositoryError, match="ConvAuthor"):
        to_model(ConvAuthor, {"name": "x", 1: "y"})


@pytest.mark.parametrize(
    "data",
    [
        AuthorPydantic(name="x", nickname="n"),
        AuthorStruct(name="x", nickname="n"),
        AuthorAttrs(name="x", nickname="n"),
        AuthorDataclass(name="x", nickname="n"),
        types.SimpleNamespace(name="x", nickname="n"),
    ],
    ids=["pydantic", "msgspec", "attrs", "dataclass", "object"],
)
def test_to_model_from_schemas_and_objects(data: Any) -> None:
    author = to_model(ConvAuthor, data)
    assert isinstance(author, ConvAuthor)
    assert (author.name, author.nickname) == ("x", "n")


def test_to_model_schema_dump_config_is_used() -> None:
    data = AuthorStruct(name="x")
    assert "nickname" not in to_model(ConvAuthor, data).__dict__
    keep = to_model(ConvAuthor, data, SchemaDumpConfig(exclude_unset=False, exclude_sentinels=False))
    assert keep.__dict__["nickname"] is msgspec.UNSET
    none_excluded = to_model(ConvAuthor, AuthorPydantic(name="x"), SchemaDumpConfig(exclude_unset=False))
    assert none_excluded.status is Status.ACTIVE
    assert "nickname" in none_excluded.__dict__
    excluded = to_model(ConvAuthor, AuthorPydantic(name="x"), SchemaDumpConfig(exclude_unset=False, exclude_none=True))
    assert "nickname" not in excluded.__dict__


def test_to_model_dto_data(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeDTOData:
        def create_instance(self, **kwargs: Any) -> ConvAuthor:
            return ConvAuthor(name="from dto", **kwargs)

    monkeypatch.setattr(_conversion, "is_dto_data", lambda v: isinstance(v, FakeDTOData))
    assert to_model(ConvAuthor, FakeDTOData()).name == "from dto"


def test_to_model_leaves_other_values_unchanged() -> None:
    assert to_model(ConvAuthor, 42) == 42  # type: ignore[comparison-overlap,unused-ignore]


def test_to_model_wraps_pydantic_validation_errors() -> None:
    with pytest.raises(RepositoryError) as exc_info:
        to_model(ConvAuthor, {"name": "x", "rank": "not a number"})
    assert isinstance(exc_info.value.__cause__, pydantic.ValidationError)
    assert "ConvAuthor" in str(exc_info.value)
    assert "rank" in str(exc_info.value) or "int" in str(exc_info.value)


def test_to_model_wraps_msgspec_validation_errors() -> None:
    with pytest.raises(RepositoryError) as exc_info:
        to_model(ConvAuthor, {"name": "x", "rank": "msgspec:abc"})
    assert isinstance(exc_info.value.__cause__, msgspec.ValidationError)
    assert "Expected `int`" in str(exc_info.value)


def test_to_model_wraps_pydantic_serialization_errors() -> None:
    class Broken(pydantic.BaseModel):
        name: str

        @pydantic.field_serializer("name")
        def _boom(self, value: str) -> str:
            msg = "boom"
            raise ValueError(msg)

    with pytest.raises(RepositoryError, match="boom") as exc_info:
        to_model(ConvAuthor, Broken(name="x"))
    assert exc_info.value.__cause__ is not None


def test_to_model_sqlmodel_table_model() -> None:
    sqlmodel = pytest.importorskip("sqlmodel")

    sqlmodel_base: Any = sqlmodel.SQLModel

    class Hero(sqlmodel_base, table=True):  # type: ignore[call-arg,misc,unused-ignore]
        __tablename__ = "conv_hero"
        id: Optional[int] = sqlmodel.Field(default=None, primary_key=True)
        name: str

    assert ser.is_sqlmodel_table_model(Hero(name="h"))
    author = to_model(ConvAuthor, Hero(name="h"))
    assert author.name == "h"


# --- to_schema -----------------------------------------------------------------------------------------


class Slug:
    """A type msgspec does not know: built by the ``dec_hook``."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Slug) and other.value == self.value

    __hash__ = None  # type: ignore[assignment]


class WithSlug(msgspec.Struct):
    slug: Slug


OUTPUT_TYPES = [AuthorOutPydantic, AuthorOutStruct, AuthorOutAttrs]


@pytest.mark.parametrize("schema_type", OUTPUT_TYPES, ids=["pydantic", "msgspec", "attrs"])
def test_to_schema_item_from_model(schema_type: type[Any]) -> None:
    author = _author()
    item = to_schema_item(author, schema_type)
    assert isinstance(item, schema_type)
    assert item.id == author.id
    assert isinstance(item.id, uuid.UUID)
    assert item.status is Status.INACTIVE
    assert item.created_at == author.created_at
    assert item.nickname == "nick 0"


@pytest.mark.parametrize("schema_type", OUTPUT_TYPES, ids=["pydantic", "msgspec", "attrs"])
def test_to_schema_many_round_trip(schema_type: type[Any]) -> None:
    authors = [_author(i) for i in range(5)]
    items = to_schema_many(authors, schema_type)
    assert isinstance(items, list)
    assert [item.id for item in items] == [a.id for a in authors]
    assert [item.nickname for item in items] == [a.nickname for a in authors]
    assert all(isinstance(item, schema_type) for item in items)
    assert to_schema_many(iter(authors), schema_type) == items
    assert to_schema_many([], schema_type) == []


@pytest.mark.parametrize("schema_type", OUTPUT_TYPES, ids=["pydantic", "msgspec", "attrs"])
def test_to_schema_from_dicts_and_row_mappings(schema_type: type[Any]) -> None:
    payload = {
        "id": uuid.UUID(int=9),
        "name": "n",
        "status": Status.ACTIVE,
        "created_at": datetime.datetime(2024, 5, 6, tzinfo=datetime.timezone.utc),
    }
    item = to_schema_item(payload, schema_type)
    assert (item.id, item.status, item.nickname) == (uuid.UUID(int=9), Status.ACTIVE, None)
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        mapping = conn.execute(select(literal("m").label("name"))).mappings().one()
    engine.dispose()

    class NameOnly(msgspec.Struct):
        name: str

    assert to_schema_many([mapping], NameOnly) == [NameOnly(name="m")]


def test_to_schema_attrs_without_cattrs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_conversion, "CATTRS_INSTALLED", False)
    author = _author()
    assert author.created_at is not None
    item = to_schema_item(author, AuthorOutAttrs)
    assert item == AuthorOutAttrs(
        id=author.id, name=author.name, status=author.status, created_at=author.created_at, nickname="nick 0"
    )
    assert len(to_schema_many([_author(i) for i in range(3)], AuthorOutAttrs)) == 3


def test_to_schema_from_other_schemas() -> None:
    source = AuthorOutStruct(
        id=uuid.UUID(int=1), name="s", status=Status.ACTIVE, created_at=datetime.datetime(2024, 1, 1)
    )
    assert to_schema_item(source, AuthorOutAttrs).name == "s"
    assert to_schema_item(source, AuthorOutPydantic).name == "s"


def test_to_schema_validation_errors_are_serialization_errors() -> None:
    bad = {"id": "not-a-uuid", "name": "n", "status": "active", "created_at": "2024-01-01T00:00:00"}
    for schema_type in OUTPUT_TYPES:
        with pytest.raises(SerializationError) as exc_info:
            to_schema_item(bad, schema_type)
        assert exc_info.value.__cause__ is not None
        assert schema_type.__name__ in str(exc_info.value)
    with pytest.raises(SerializationError) as many_info:
        to_schema_many([bad], AuthorOutPydantic)
    assert isinstance(many_info.value.__cause__, pydantic.ValidationError)
    with pytest.raises(SerializationError) as struct_info:
        to_schema_many([bad], AuthorOutStruct)
    assert isinstance(struct_info.value.__cause__, msgspec.ValidationError)


@pytest.mark.parametrize("schema_type", [dict, int, AuthorDataclass, "AuthorOutPydantic"])
def test_to_schema_rejects_unsupported_schema_types(schema_type: Any) -> None:
    with pytest.raises(AdvancedAlchemyError, match="`schema_type` should be a valid Pydantic, Msgspec, or attrs"):
        to_schema_item({}, schema_type)
    with pytest.raises(AdvancedAlchemyError, match="`schema_type` should be a valid Pydantic, Msgspec, or attrs"):
        to_schema_many([], schema_type)


def test_msgspec_dec_hook() -> None:
    value = uuid.UUID(int=5)
    assert msgspec_dec_hook(uuid.UUID, value) is value
    assert msgspec_dec_hook(str, value) == value.hex
    assert msgspec_dec_hook(str, datetime.date(2024, 1, 2)) == "2024-01-02"
    assert msgspec_dec_hook(datetime.datetime, "2024-01-02T03:04:05") == datetime.datetime(2024, 1, 2, 3, 4, 5)
    assert msgspec_dec_hook(str, Status.ACTIVE) == "active"
    assert msgspec_dec_hook(PurePosixPath, Path("/tmp/x")) == PurePosixPath("/tmp/x")
    assert msgspec_dec_hook(int, "7") == 7


def test_msgspec_dec_hook_for_custom_types() -> None:
    holder = types.SimpleNamespace(slug="hello")
    assert to_schema_item(holder, WithSlug) == WithSlug(slug=Slug("hello"))
    assert to_schema_many([holder], WithSlug) == [WithSlug(slug=Slug("hello"))]


# --- optional libraries --------------------------------------------------------------------------------


def test_imports_work_without_optional_libraries() -> None:
    script = textwrap.dedent(
        """
        import dataclasses, sys
        for name in ("pydantic", "pydantic_core", "msgspec", "attrs", "attr", "cattrs", "litestar",
                     "sqlmodel", "orjson", "numpy"):
            sys.modules[name] = None
        import advanced_alchemy
        import advanced_alchemy.typing as t
        import advanced_alchemy.utils.serialization as s
        import advanced_alchemy._conversion as c
        import advanced_alchemy.service.typing as st
        from advanced_alchemy.exceptions import AdvancedAlchemyError, MissingDependencyError

        assert not (t.PYDANTIC_INSTALLED or t.MSGSPEC_INSTALLED or t.ATTRS_INSTALLED or t.CATTRS_INSTALLED)
        assert not (t.LITESTAR_INSTALLED or t.SQLMODEL_INSTALLED or t.ORJSON_INSTALLED or t.NUMPY_INSTALLED)
        assert repr(t.UNSET) == "UNSET" and not t.UNSET
        assert st.DTOData is t.DTOData

        @dataclasses.dataclass
        class D:
            a: int = 1

        assert not s.is_pydantic_model(D()) and not s.is_msgspec_struct(D()) and not s.is_attrs_instance(D())
        assert s.schema_dump(D()) == {"a": 1}
        assert s.decode_json(s.encode_json({"a": 1})) == {"a": 1}
        for fn, args in ((t.convert, ({}, dict)), (s.structure, ({}, dict)), (s.get_type_adapter, (int,))):
            try:
                fn(*args)
            except MissingDependencyError as exc:
                assert "advanced_alchemy[" in str(exc)
            else:
                raise AssertionError(fn)
        try:
            c.to_schema_item({}, D)
        except AdvancedAlchemyError as exc:
            assert "must be installed" in str(exc), exc
        else:
            raise AssertionError("to_schema_item")
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
