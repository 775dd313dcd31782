"""The bases' keyword constructor records exactly what SQLAlchemy's declarative constructor records."""

from __future__ import annotations

import datetime
from typing import Any, Optional

import pytest
from sqlalchemy import ForeignKey, String, event, inspect
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import DeclarativeBase, Mapped, instrumentation, mapped_column, relationship, validates
from sqlalchemy.orm.decl_base import _declarative_constructor

from advanced_alchemy._constructor import model_constructor
from advanced_alchemy.base import UUIDAuditBase, create_registry
from advanced_alchemy.types import JsonB


class Base(DeclarativeBase):
    registry = create_registry()


class Author(Base):
    __tablename__ = "ctor_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    nickname: Mapped[Optional[str]] = mapped_column(String(50), default=None)
    checked: Mapped[Optional[str]] = mapped_column(String(50), default=None)
    extra: Mapped[Optional[dict[str, Any]]] = mapped_column(MutableDict.as_mutable(JsonB), default=None)
    books: Mapped[list[Book]] = relationship(back_populates="author")

    @validates("checked")
    def _upper(self, _: str, value: Optional[str]) -> Optional[str]:
        return value.upper() if value else value

    @hybrid_property
    def shout(self) -> str:
        return self.name

    @shout.inplace.setter
    def _shout_setter(self, value: str) -> None:
        self.name = value.lower()


class Book(Base):
    __tablename__ = "ctor_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ctor_author.id"))
    author: Mapped[Optional[Author]] = relationship(back_populates="books")


class Item(UUIDAuditBase):
    __tablename__ = "ctor_item"
    name: Mapped[str] = mapped_column(String(50))


def _declarative(cls: type, **kwargs: Any) -> Any:
    """An instance built by SQLAlchemy's own declarative constructor, for comparison."""
    instance = cls.__new__(cls)
    instrumentation.manager_of_class(cls)._new_state_if_none(instance)
    _declarative_constructor(instance, **kwargs)
    return instance


def _recorded(instance: Any) -> tuple[dict[str, Any], dict[str, Any], bool, dict[str, Any]]:
    state = inspect(instance)
    values = {key: value for key, value in vars(instance).items() if key != "_sa_instance_state"}
    history = {attr.key: tuple(attr.history) for attr in state.attrs if attr.key in values}
    return values, dict(state.committed_state), state.modified, history


def test_the_library_registry_installs_it() -> None:
    assert Base.registry.constructor is model_constructor
    assert instrumentation.manager_of_class(Item).original_init is model_constructor


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"name": "ann"},
        {"name": "ann", "nickname": None, "id": 7},
        {"checked": "x", "name": "ann"},  # a @validates attribute goes through its setter
        {"shout": "LOUD"},  # a hybrid's setter
        {"extra": {"a": 1}, "name": "b"},  # a mutable type's coercion listener
    ],
    ids=["none", "one", "three", "validated", "hybrid", "mutable"],
)
def test_records_what_the_declarative_constructor_records(kwargs: dict[str, Any]) -> None:
    assert _recorded(Author(**kwargs)) == _recorded(_declarative(Author, **kwargs))


def test_setters_and_listeners_still_run() -> None:
    author = Author(name="ann", checked="yes", extra={"a": 1}, shout="HI")
    assert author.checked == "YES"
    assert author.name == "hi"  # the hybrid setter ran after name was written, as kwargs are in order
    assert isinstance(author.extra, MutableDict)


def test_a_listener_added_later_is_honoured() -> None:
    Author(name="before")  # the class's plan is computed and cached here
    seen: list[Any] = []

    def record(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
        seen.append(value)
        return value

    event.listen(Author.nickname, "set", record)
    try:
        Author(nickname="nick")
    finally:
        event.remove(Author.nickname, "set", record)
    assert seen == ["nick"]


def test_relationships_keep_their_events() -> None:
    author = Author(name="ann")
    book = Book(title="t", author=author)
    assert author.books == [book]  # the backref was populated by the relationship's set event


def test_unknown_keyword_is_a_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="'colour' is an invalid keyword argument for Author"):
        Author(name="ann", colour="red")


def test_audit_validators_still_apply() -> None:
    item = Item(name="n", created_at=datetime.datetime(2024, 1, 1))  # naive: the validator makes it UTC
    assert item.created_at.tzinfo is datetime.timezone.utc
    assert inspect(item).attrs.name.history.added == ["n"]
