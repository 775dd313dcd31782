"""Quickstart: models on the library's bases, a repository, CRUD and pagination on an embedded SQLite file.

Run it with ``make demo`` (or ``python examples/quickstart.py [path/to/file.sqlite3]``).
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import Optional
from uuid import UUID

from sqlalchemy import ForeignKey, String, create_engine
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from advanced_alchemy.base import UUIDAuditBase, UUIDBase
from advanced_alchemy.exceptions import DuplicateKeyError, NotFoundError
from advanced_alchemy.filters import LimitOffset, OrderBy
from advanced_alchemy.repository import SQLAlchemySyncRepository


class Author(UUIDBase):
    """An author: UUID primary key, table name ``author`` generated from the class name."""

    name: Mapped[str] = mapped_column(String(100), unique=True)
    dob: Mapped[Optional[datetime.date]]
    books: Mapped[list[Book]] = relationship(back_populates="author", lazy="selectin")


class Book(UUIDAuditBase):
    """A book: UUID primary key plus ``created_at``/``updated_at`` audit columns."""

    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[UUID] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship(back_populates="books", lazy="joined")


class AuthorRepository(SQLAlchemySyncRepository[Author]):
    """Data access for authors."""

    model_type = Author


class BookRepository(SQLAlchemySyncRepository[Book]):
    """Data access for books."""

    model_type = Book


def main(database: Path) -> None:
    database.unlink(missing_ok=True)
    engine = create_engine(f"sqlite:///{database}")
    UUIDBase.metadata.create_all(engine, tables=[Author.__table__, Book.__table__])  # type: ignore[list-item]
    print(f"Created tables author, book in {database}")

    with Session(engine, expire_on_commit=False) as session:
        authors = AuthorRepository(session=session)
        books = BookRepository(session=session)

        # create
        ada = authors.add(Author(name="Ada Lovelace", dob=datetime.date(1815, 12, 10)), auto_commit=True)
        print(f"add:        {ada.name} -> id {ada.id}")
        created = authors.add_many(
            [Author(name=name) for name in ("Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov")],
            auto_commit=True,
        )
        print(f"add_many:   {len(created)} more authors")
        notes = books.add(Book(title="Notes on the Analytical Engine", author_id=ada.id), auto_commit=True)
        print(f"add:        book {notes.title!r} created at {notes.created_at:%Y-%m-%d %H:%M:%S %Z}")

        # read
        print(f"get:        {authors.get(ada.id).name}")
        print(f"get_one:    {authors.get_one(name='Grace Hopper').name}")
        print(f"count:      {authors.count()} authors, exists(name='Nobody') = {authors.exists(name='Nobody')}")

        # list with pagination
        page_size = 2
        for page in (1, 2, 3):
            rows, total = authors.get_many_and_count(
                LimitOffset(limit=page_size, offset=page_size * (page - 1)), OrderBy("name")
            )
            print(f"page {page}:     {[a.name for a in rows]} (total {total})")

        # update
        updated = authors.update(Author(id=ada.id, name="Augusta Ada King"), auto_commit=True)
        print(f"update:     {ada.id} is now {updated.name!r}")

        # errors are the library's own
        try:
            authors.add(Author(name="Alan Turing"), auto_commit=True)
        except DuplicateKeyError as exc:
            session.rollback()
            print(f"duplicate:  {type(exc).__name__}: {exc}")

        # delete
        removed = authors.delete_many([a.id for a in created[:2]], auto_commit=True)
        print(f"delete_many: removed {[a.name for a in removed]}")
        books.delete(notes.id, auto_commit=True)
        authors.delete(ada.id, auto_commit=True)
        try:
            authors.get(ada.id)
        except NotFoundError as exc:
            print(f"delete:     {ada.id} gone ({exc})")
        print(f"remaining:  {[a.name for a in authors.get_many(order_by=('name', False))]}")
    engine.dispose()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("quickstart.sqlite3"))
