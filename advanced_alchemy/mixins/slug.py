"""Slug column, and automatic slugs derived from another column."""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Index, String, UniqueConstraint, event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, declared_attr, mapped_column, object_session

from advanced_alchemy.utils.text import slugify

_RESERVED_KEY = "advanced_alchemy.reserved_slugs"


def _not_spanner(
    ddl: Any, target: Any, bind: Any, tables: Any = None, state: Any = None, *, dialect: Any, **kw: Any
) -> bool:
    return not str(dialect.name).startswith("spanner")


def _is_spanner(
    ddl: Any, target: Any, bind: Any, tables: Any = None, state: Any = None, *, dialect: Any, **kw: Any
) -> bool:
    return str(dialect.name).startswith("spanner")


class SlugKey:
    """``slug``: unique URL-friendly identifier (``String(100)``, NOT NULL)."""

    @declared_attr
    def slug(cls) -> Mapped[str]:
        return mapped_column(String(length=100), nullable=False)

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[Any, ...]:
        table = cls.__tablename__  # type: ignore[attr-defined]
        return (
            UniqueConstraint("slug", name=f"uq_{table}_slug").ddl_if(callable_=_not_spanner),
            Index(f"ix_{table}_slug_unique", "slug", unique=True).ddl_if(callable_=_is_spanner),
        )


class SlugMixin(SlugKey):
    """:class:`SlugKey` whose slug is filled in from ``__slug_source__`` (default ``"name"``) on insert.

    An explicitly given slug is kept. When the slug is taken, ``-2``, ``-3``, ... is appended, checking
    the database and the other rows of the same flush.
    """

    __slug_source__: ClassVar[str] = "name"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not event.contains(cls, "before_insert", _fill_slug):
            event.listen(cls, "before_insert", _fill_slug, propagate=True)


def _fill_slug(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    if getattr(target, "slug", None):
        return
    source = getattr(target, type(target).__slug_source__, None)
    if source is None:
        return
    slug_column = mapper.columns["slug"]  # on a parent table under joined-table inheritance
    table_name = str(getattr(slug_column.table, "fullname", slug_column.table.description))
    max_length = getattr(slug_column.type, "length", None) or 100
    base = (slugify(str(source)) or "item")[:max_length].rstrip("-_") or "item"
    session = object_session(target)
    reserved: set[tuple[str, str]] = session.info.setdefault(_RESERVED_KEY, set()) if session is not None else set()

    def candidate_for(counter: int) -> str:
        if counter == 1:
            return base
        suffix = f"-{counter}"
        return f"{base[: max_length - len(suffix)].rstrip('-_')}{suffix}"

    stem = candidate_for(2)[: -len("-2")]  # the base as shortened for suffixed candidates
    taken = {
        row[0]
        for row in connection.execute(
            select(slug_column).where((slug_column == base) | slug_column.startswith(f"{stem}-", autoescape=True))
        )
    }
    taken |= {slug for name, slug in reserved if name == table_name}
    counter = 1
    candidate = candidate_for(counter)
    while candidate in taken:
        counter += 1
        candidate = candidate_for(counter)
    target.slug = candidate
    reserved.add((table_name, candidate))


def _clear_reserved(session: Any, *args: Any) -> None:
    session.info.pop(_RESERVED_KEY, None)


def _listen_for_flush_boundaries() -> None:
    """Reserved slugs live for one flush: cleared when a flush starts and when it ends (or is rolled back)."""
    from sqlalchemy.orm import Session

    for name in ("before_flush", "after_flush_postexec", "after_soft_rollback"):
        if not event.contains(Session, name, _clear_reserved):
            event.listen(Session, name, _clear_reserved)


_listen_for_flush_boundaries()
