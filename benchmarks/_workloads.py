"""One benchmark measurement per process (driven by ``benchmarks/run.py``).

    python benchmarks/_workloads.py prepare --side aa --dialect sqlite --workdir DIR
    python benchmarks/_workloads.py measure --side raw --workload W3 --dialect postgres --mode async \
        --workdir DIR [--n 200] [--reps 3] [--profile out.prof]

``measure`` prints one JSON object as its last stdout line: ``status`` (``ok``, ``wrong`` when the
check after the timed repetitions finds the work not done, ``missing`` for ImportError /
AttributeError / NotImplementedError, ``error`` otherwise), the repetition timings, the per-op µs
of the median repetition and the process's peak RSS (``ru_maxrss``, taken before the check).

Two sides: ``aa`` drives the repository API of this checkout; ``raw`` is hand-written SQLAlchemy 2.x
doing the same database work and never imports ``advanced_alchemy`` (so its RSS holds none of it).
Each side has its own tables. The workloads follow the shared yardstick (``../shared/bench``).

Every workload body is a coroutine. In async mode its awaits are real; in sync mode ``B.aw`` wraps
the already computed value in a coroutine that returns at once, and the body is stepped with a
single ``send(None)``, no event loop involved.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import random
import resource
import statistics
import sys
import time
import traceback
import uuid
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    Integer,
    String,
    Uuid,
    column,
    create_engine,
    delete,
    func,
    insert,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# ------------------------------------------------------------------------------------------------
# Data (identical for both sides)
# ------------------------------------------------------------------------------------------------

READ_ROWS = 100_000
CATEGORIES = 1_000
WORDS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet")
EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
DATA_VERSION = "1"  # bump when read_table_rows() changes: ``prepare`` reseeds
PAGE = 50
W7_KEEP = 100


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def read_table_rows() -> list[dict[str, Any]]:
    """The 100,000 read rows: 100 consecutive rows per category, two random words per name."""
    rnd = random.Random(1234)
    out = []
    for i in range(READ_ROWS):
        stamp = EPOCH + dt.timedelta(minutes=i)
        out.append(
            {
                "id": uuid.UUID(int=rnd.getrandbits(128), version=4),
                "name": f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} row {i}",
                "code": f"r{i:07d}",
                "category": (i // 100) % CATEGORIES,
                "score": round(rnd.random() * 1000, 3),
                "is_active": i % 3 != 0,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    return out


def new_rows(count: int, tag: str = "w") -> list[dict[str, Any]]:
    """Column values of new rows; the model's defaults fill id and the audit columns."""
    rnd = random.Random(77)
    return [
        {
            "name": f"{rnd.choice(WORDS)} {tag} {i}",
            "code": f"{tag}{i:07d}",
            "category": rnd.randrange(CATEGORIES),
            "score": round(rnd.random() * 1000, 3),
            "is_active": i % 2 == 0,
        }
        for i in range(count)
    ]


def full_rows(count: int, tag: str = "w", seed: int = 5) -> list[dict[str, Any]]:
    """Complete rows (id and audit columns included) to pre-populate the write table."""
    rnd = random.Random(seed)
    stamp = now_utc() - dt.timedelta(seconds=5)
    rows = new_rows(count, tag)
    for row in rows:
        row.update(id=uuid.UUID(int=rnd.getrandbits(128), version=4), created_at=stamp, updated_at=stamp)
    return rows


def call_params(count: int) -> list[tuple[list[int], str, dt.datetime]]:
    """Filters of the k-th list/count call: 3 categories, a search word, a created_at lower bound."""
    out = []
    for k in range(count):
        cats = [(k * 31 + j * 101) % CATEGORIES for j in range(3)]
        after = EPOCH + dt.timedelta(minutes=(k * 7907) % (READ_ROWS // 2))
        out.append((cats, WORDS[k % len(WORDS)], after))
    return out


def sample_codes(count: int) -> list[str]:
    return [f"r{i:07d}" for i in random.Random(99).sample(range(READ_ROWS), min(count, READ_ROWS))]


# ------------------------------------------------------------------------------------------------
# Models
# ------------------------------------------------------------------------------------------------


class RawBase(DeclarativeBase):
    pass


class RawCols:
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc, onupdate=now_utc)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class RawRead(RawCols, RawBase):
    __tablename__ = "raw_bench_read"


class RawWrite(RawCols, RawBase):
    __tablename__ = "raw_bench_write"


class AACols:
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[int] = mapped_column(Integer, index=True)
    score: Mapped[float] = mapped_column(Float)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


_aa: dict[str, Any] = {}


def aa_classes(is_async: bool) -> dict[str, Any]:
    """The aa models and repositories, imported only in an ``aa`` process."""
    if "Read" not in _aa:
        from advanced_alchemy.base import UUIDAuditBase

        class AARead(AACols, UUIDAuditBase):
            __tablename__ = "aa_bench_read"

        class AAWrite(AACols, UUIDAuditBase):
            __tablename__ = "aa_bench_write"

        _aa.update(Read=AARead, Write=AAWrite)
    key = "async" if is_async else "sync"
    if key not in _aa:
        if is_async:
            from advanced_alchemy.repository import SQLAlchemyAsyncRepository as Repo
        else:
            from advanced_alchemy.repository import SQLAlchemySyncRepository as Repo  # type: ignore[assignment]

        class ReadRepo(Repo[_aa["Read"]]):  # type: ignore[misc,valid-type]
            model_type = _aa["Read"]

        class WriteRepo(Repo[_aa["Write"]]):  # type: ignore[misc,valid-type]
            model_type = _aa["Write"]

        if is_async:
            from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService as Service
        else:
            from advanced_alchemy.service import SQLAlchemySyncRepositoryService as Service  # type: ignore[assignment]

        class ReadService(Service[_aa["Read"]]):  # type: ignore[misc,valid-type]
            repository_type = ReadRepo

        class WriteService(Service[_aa["Write"]]):  # type: ignore[misc,valid-type]
            repository_type = WriteRepo

        _aa[key] = {
            "ReadRepo": ReadRepo,
            "WriteRepo": WriteRepo,
            "ReadService": ReadService,
            "WriteService": WriteService,
        }
    return {**_aa, **_aa[key]}


# ------------------------------------------------------------------------------------------------
# Per-process state
# ------------------------------------------------------------------------------------------------


def pg_server() -> str:
    return os.environ.get("AA_BENCH_PG", "postgres@127.0.0.1:5432")


def pg_database() -> str:
    return os.environ.get("AA_BENCH_PG_DB", "aa_bench")


def urls(dialect: str, side: str, workdir: str) -> dict[str, str]:
    if dialect == "sqlite":
        path = os.path.join(os.path.abspath(workdir), f"{side}.sqlite3")
        return {"sync": f"sqlite:///{path}", "async": f"sqlite+aiosqlite:///{path}"}
    if dialect == "postgres":
        where = f"{pg_server()}/{pg_database()}"
        return {"sync": f"postgresql+psycopg://{where}", "async": f"postgresql+asyncpg://{where}"}
    raise SystemExit(f"unknown dialect {dialect!r}")


def ensure_pg_database() -> None:
    admin = create_engine(f"postgresql+psycopg://{pg_server()}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": pg_database()}):
                conn.execute(text(f'CREATE DATABASE "{pg_database()}"'))
    finally:
        admin.dispose()


async def _value(value: Any) -> Any:
    return value


def step_sync(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a coroutine whose awaits all complete at once (sync mode), without an event loop."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("a sync-mode body awaited something that suspends")


class Wrong(Exception):
    """The check after the timed repetitions found the work not done (or done wrong)."""


def must(cond: Any, message: str) -> None:
    if not cond:
        raise Wrong(message)


class B:
    """Engines, sessions and models of one measurement process."""

    def __init__(self, side: str, dialect: str, mode: str, workdir: str) -> None:
        self.side, self.dialect, self.mode = side, dialect, mode
        self.is_async = mode == "async"
        self.aw: Callable[[Any], Awaitable[Any]] = (lambda x: x) if self.is_async else _value
        self.urls = urls(dialect, side, workdir)
        self.admin = create_engine(self.urls["sync"])  # DDL, seeding, checks: untimed
        self._maker: Any = None
        self.statements = 0
        self.notes: list[str] = []
        self._neutral: dict[str, Any] = {}

    def cls(self) -> dict[str, Any]:
        if self.side == "aa":
            return aa_classes(self.is_async)
        return {"Read": RawRead, "Write": RawWrite}

    def model(self, which: str) -> Any:
        return self.cls()["Read" if which == "read" else "Write"]

    def repo(self, which: str, session: Any) -> Any:
        return self.cls()["ReadRepo" if which == "read" else "WriteRepo"](session=session)

    def service(self, which: str, session: Any) -> Any:
        return self.cls()["ReadService" if which == "read" else "WriteService"](session=session)

    def maker(self) -> Any:
        # Both sides: a plain sessionmaker with expire_on_commit=False (the library's config
        # classes, which the shared harness uses for the aa side, are not written yet).
        if self._maker is None:
            from sqlalchemy import event

            if self.is_async:
                from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

                engine: Any = create_async_engine(self.urls["async"])
                self._maker = async_sessionmaker(engine, expire_on_commit=False)
                sync_engine = engine.sync_engine
            else:
                from sqlalchemy.orm import sessionmaker

                engine = sync_engine = create_engine(self.urls["sync"])
                self._maker = sessionmaker(engine, expire_on_commit=False)

            def count_statement(*_: Any) -> None:
                self.statements += 1

            event.listen(sync_engine, "before_cursor_execute", count_statement)
        return self._maker

    async def dispose(self) -> None:
        if self._maker is not None:
            await self.aw(self._maker.kw["bind"].dispose())
        self.admin.dispose()

    # untimed table work through the sync admin engine ----------------------------------------
    def table(self, which: str) -> Any:
        return self.model(which).__table__

    def recreate(self, which: str) -> None:
        t = self.table(which)
        t.metadata.drop_all(self.admin, tables=[t])
        t.metadata.create_all(self.admin, tables=[t])

    def clear(self, which: str) -> None:
        t = self.table(which)
        with self.admin.begin() as conn:
            conn.execute(text(f"TRUNCATE {t.name}") if self.dialect == "postgres" else t.delete())

    def seed(self, which: str, rows: list[dict[str, Any]]) -> None:
        t = self.table(which)
        with self.admin.begin() as conn:
            for i in range(0, len(rows), 5_000):
                conn.execute(t.insert(), rows[i : i + 5_000])

    def neutral(self, which: str) -> Any:
        """The table with untyped columns: checks never decode through the side's column types."""
        if which not in self._neutral:
            names = ("id", "name", "code", "category", "score", "is_active", "created_at", "updated_at")
            self._neutral[which] = table(self.table(which).name, *(column(c) for c in names))
        return self._neutral[which]

    def scalar(self, stmt: Any) -> Any:
        with self.admin.connect() as conn:
            return conn.scalar(stmt)


# ------------------------------------------------------------------------------------------------
# Workloads: setup (untimed, admin engine) -> [load (untimed, measured session)] -> body (timed)
# -> check (untimed, last repetition only). Bodies keep only what the check needs: lengths and
# a few values read from the instances' __dict__ (cheap, the same for both sides).
# ------------------------------------------------------------------------------------------------


def count_rows(b: B, which: str, *where: Any) -> int:
    t = b.neutral(which)
    return int(b.scalar(select(func.count()).select_from(t).where(*where)))


def returned(value: Any) -> int:
    """Length of what a bulk call returned (the instances are dropped inside the timed part)."""
    try:
        return len(value)
    except TypeError:
        return -1


# W1 add_many ------------------------------------------------------------------------------------
def w1_setup(b: B, n: int) -> Any:
    b.clear("write")
    return new_rows(n)


async def w1_aa(b: B, s: Any, payload: Any) -> Any:
    Item = b.model("write")
    got = returned(await b.aw(b.repo("write", s).add_many([Item(**d) for d in payload])))
    await b.aw(s.commit())
    return got


async def w1_raw(b: B, s: Any, payload: Any) -> Any:
    await b.aw(s.execute(insert(RawWrite), payload))
    await b.aw(s.commit())
    return len(payload)


def w1_check(b: B, n: int, payload: Any, got: Any) -> None:
    t = b.neutral("write")
    must(got == n, f"add_many returned {got} items, expected {n}")
    rows = count_rows(b, "write")
    must(rows == n, f"write table holds {rows} rows, expected {n}")
    stamped = count_rows(b, "write", t.c.id.is_not(None), t.c.created_at.is_not(None), t.c.updated_at.is_not(None))
    must(stamped == n, f"{n - stamped} rows lack an id or an audit timestamp")
    last = payload[-1]
    must(
        b.scalar(select(t.c.name).where(t.c.code == last["code"])) == last["name"],
        "the last payload row has the wrong name",
    )


# W2 get by primary key ------------------------------------------------------------------------------
def w2_setup(b: B, n: int) -> Any:
    t = b.table("read")  # typed: the ids come back as the side's own values
    codes = sample_codes(n)
    by_code: dict[str, Any] = {}
    with b.admin.connect() as conn:
        for i in range(0, len(codes), 1000):
            by_code.update(conn.execute(select(t.c.code, t.c.id).where(t.c.code.in_(codes[i : i + 1000]))).all())
    return [by_code[c] for c in codes], codes


async def w2_aa(b: B, s: Any, state: Any) -> Any:
    repo = b.repo("read", s)
    out = []
    for pk in state[0]:
        obj = await b.aw(repo.get(pk))
        out.append(obj.__dict__.get("code"))
    return out


async def w2_raw(b: B, s: Any, state: Any) -> Any:
    out = []
    for pk in state[0]:
        obj = (await b.aw(s.scalars(select(RawRead).where(RawRead.id == pk)))).one()
        out.append(obj.__dict__.get("code"))
    return out


def w2_check(b: B, n: int, state: Any, got: Any) -> None:
    must(len(state[0]) == n and n > 0, f"{len(state[0])} ids sampled, expected {n}")
    must(got == state[1], "get returned rows other than the requested ones")


# W3 list / W4 list_and_count / W10 count -------------------------------------------------------------
def params_setup(b: B, n: int) -> Any:
    return call_params(n)


def filters(cats: list[int], word: str, after: dt.datetime | None = None, page: bool = True) -> list[Any]:
    from advanced_alchemy.filters import BeforeAfter, CollectionFilter, LimitOffset, OrderBy, SearchFilter

    out: list[Any] = [
        CollectionFilter(field_name="category", values=cats),
        SearchFilter(field_name="name", value=word, ignore_case=True),
    ]
    if after is not None:
        out.append(BeforeAfter(field_name="created_at", before=None, after=after))
    if page:
        out += [OrderBy(field_name="score", sort_order="desc"), LimitOffset(limit=PAGE, offset=0)]
    return out


def page_of(rows: Any) -> list[tuple[Any, Any]]:
    return [(o.__dict__.get("id"), o.__dict__.get("score")) for o in rows]


def raw_page_stmt(cats: list[int], word: str) -> Any:
    return (
        select(RawRead)
        .where(RawRead.category.in_(cats), RawRead.name.ilike(f"%{word}%"))
        .order_by(RawRead.score.desc())
        .limit(PAGE)
        .offset(0)
    )


async def w3_aa(b: B, s: Any, params: Any) -> Any:
    # The shared yardstick calls the deprecated ``list`` alias (DeprecationWarning ignored).
    repo = b.repo("read", s)
    return [page_of(await b.aw(repo.list(*filters(cats, word)))) for cats, word, _ in params]


async def w3_raw(b: B, s: Any, params: Any) -> Any:
    return [page_of((await b.aw(s.scalars(raw_page_stmt(cats, word)))).all()) for cats, word, _ in params]


def expected_page(b: B, cats: list[int], word: str) -> tuple[list[float], int]:
    t = b.neutral("read")
    cond = (t.c.category.in_(cats), func.lower(t.c.name).like(f"%{word}%"))
    with b.admin.connect() as conn:
        scores = [float(x) for x in conn.scalars(select(t.c.score).where(*cond).order_by(t.c.score.desc()).limit(PAGE))]
        total = conn.scalar(select(func.count()).select_from(t).where(*cond))
    return scores, int(total or 0)


def check_page(b: B, k: int, cats: list[int], word: str, page: Any) -> int:
    scores, total = expected_page(b, cats, word)
    must(isinstance(page, list), f"call #{k}: got {type(page).__name__}, not a list")
    must(len(page) == len(scores), f"call #{k}: {len(page)} rows, expected {len(scores)}")
    must(len({pk for pk, _ in page}) == len(page), f"call #{k}: a row is returned twice")
    got = [float(sc) for _, sc in page]
    must(got == scores, f"call #{k}: not the {PAGE} highest scores of the filtered rows, in descending order")
    return total


def w3_check(b: B, n: int, params: Any, got: Any) -> None:
    must(len(got) == len(params) == n, f"{len(got)} calls recorded, expected {n}")
    rows = sum(len(page) for page in got)
    must(rows > 0, "every page is empty (vacuous)")
    for k, ((cats, word, _), page) in enumerate(zip(params, got, strict=True)):
        if k % 10 == 0 or k == n - 1:  # a sample of the calls: the check stays light
            check_page(b, k, cats, word, page)


async def w4_aa(b: B, s: Any, params: Any) -> Any:
    repo = b.repo("read", s)
    out = []
    for cats, word, _ in params:
        items, total = await b.aw(repo.list_and_count(*filters(cats, word)))
        out.append((page_of(items), total))
    return out


async def w4_raw(b: B, s: Any, params: Any) -> Any:
    out = []
    for cats, word, _ in params:
        stmt = raw_page_stmt(cats, word).add_columns(func.count().over())
        rows = (await b.aw(s.execute(stmt))).all()
        if rows:
            total = rows[0][1]
        else:  # an empty page carries no window count
            total = await b.aw(
                s.scalar(
                    select(func.count())
                    .select_from(RawRead)
                    .where(RawRead.category.in_(cats), RawRead.name.ilike(f"%{word}%"))
                )
            )
        out.append((page_of(r[0] for r in rows), total))
    return out


def w4_check(b: B, n: int, params: Any, got: Any) -> None:
    must(len(got) == len(params) == n, f"{len(got)} calls recorded, expected {n}")
    must(sum(total for _, total in got) > 0, "every total is 0 (vacuous)")
    for k, ((cats, word, _), (page, total)) in enumerate(zip(params, got, strict=True)):
        if k % 10 == 0 or k == n - 1:
            want = check_page(b, k, cats, word, page)
            must(total == want, f"call #{k}: total {total!r}, expected {want}")


async def w10_aa(b: B, s: Any, params: Any) -> Any:
    repo = b.repo("read", s)
    return [await b.aw(repo.count(*filters(cats, word, after, page=False))) for cats, word, after in params]


async def w10_raw(b: B, s: Any, params: Any) -> Any:
    out = []
    for cats, word, after in params:
        stmt = (
            select(func.count())
            .select_from(RawRead)
            .where(RawRead.category.in_(cats), RawRead.name.ilike(f"%{word}%"), RawRead.created_at > after)
        )
        out.append(await b.aw(s.scalar(stmt)))
    return out


def w10_check(b: B, n: int, params: Any, got: Any) -> None:
    must(len(got) == len(params) == n, f"{len(got)} counts recorded, expected {n}")
    must(sum(got) > 0, "every count is 0 (vacuous)")
    # expected counts from the deterministic data: row i has created_at = EPOCH + i minutes
    t = b.neutral("read")
    with b.admin.connect() as conn:
        for k, ((cats, word, after), count) in enumerate(zip(params, got, strict=True)):
            if k % 10 == 0 or k == n - 1:
                codes = conn.scalars(
                    select(t.c.code).where(t.c.category.in_(cats), func.lower(t.c.name).like(f"%{word}%"))
                )
                bound = (after - EPOCH) // dt.timedelta(minutes=1)
                want = sum(1 for c in codes if int(c[1:]) > bound)
                must(count == want and not isinstance(count, bool), f"call #{k}: count {count!r}, expected {want}")


# W5 update_many ---------------------------------------------------------------------------------
def w5_setup(b: B, n: int) -> Any:
    b.clear("write")
    b.seed("write", full_rows(n))
    return n


async def w5_load(b: B, s: Any, n: Any) -> Any:
    Item = b.model("write")
    objs = list((await b.aw(s.scalars(select(Item)))).all())
    for o in objs:
        o.name = o.name + " upd"
        o.score = o.score + 1.0
    if b.side == "aa":
        return objs
    stamp = now_utc()  # the floor sends plain values by primary key
    values = [{"id": o.id, "name": o.name, "score": o.score, "updated_at": stamp} for o in objs]
    s.expunge_all()
    return values


async def w5_aa(b: B, s: Any, objs: Any) -> Any:
    got = returned(await b.aw(b.repo("write", s).update_many(objs)))
    await b.aw(s.commit())
    return got


async def w5_raw(b: B, s: Any, values: Any) -> Any:
    await b.aw(s.execute(update(RawWrite), values))
    await b.aw(s.commit())
    return len(values)


def w5_check(b: B, n: int, state: Any, got: Any) -> None:
    t = b.neutral("write")
    must(got == n, f"update_many returned {got} items, expected {n}")
    total = count_rows(b, "write")
    must(total == n, f"write table holds {total} rows, expected {n}")
    changed = count_rows(b, "write", t.c.name.like("% upd"))
    must(changed == n, f"{n - changed} of {n} rows kept their old name")
    fresh = count_rows(b, "write", t.c.updated_at != t.c.created_at)
    if fresh < n:
        b.notes.append(f"{n - fresh} of {n} rows kept their old updated_at")


# W6 upsert_many: half existing, half new, matched on code ---------------------------------------
def w6_setup(b: B, n: int) -> Any:
    b.clear("write")
    b.seed("write", full_rows(n // 2))
    payload = new_rows(n)
    for d in payload:
        d["name"] += " ups"
    return payload


async def w6_aa(b: B, s: Any, payload: Any) -> Any:
    Item = b.model("write")
    repo = b.repo("write", s)
    got = returned(await b.aw(repo.upsert_many([Item(**d) for d in payload], match_fields=["code"])))
    await b.aw(s.commit())
    return got


async def w6_raw(b: B, s: Any, payload: Any) -> Any:
    if b.dialect == "postgres":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    stmt = upsert(RawWrite)
    stmt = stmt.on_conflict_do_update(
        index_elements=[RawWrite.code],
        set_={c: stmt.excluded[c] for c in ("name", "category", "score", "is_active", "updated_at")},
    )
    await b.aw(s.execute(stmt, payload))
    await b.aw(s.commit())
    return len(payload)


def w6_check(b: B, n: int, payload: Any, got: Any) -> None:
    t = b.neutral("write")
    must(got == n, f"upsert_many returned {got} items, expected {n}")
    total = count_rows(b, "write")
    must(total == n, f"write table holds {total} rows, expected {n}")
    must(count_rows(b, "write", t.c.name.like("% ups")) == n, "not every row holds the payload's name")
    # the rows that existed kept their primary key (updated in place, not replaced)
    old_ids = [r["id"] for r in full_rows(n // 2)]
    model = b.table("write")
    with b.admin.connect() as conn:
        kept = sum(
            conn.scalar(select(func.count()).select_from(model).where(model.c.id.in_(old_ids[i : i + 500]))) or 0
            for i in range(0, len(old_ids), 500)
        )
    must(kept == n // 2, f"{n // 2 - kept} of {n // 2} existing rows got a new primary key")


# W7 delete_many -------------------------------------------------------------------------------------
def w7_setup(b: B, n: int) -> Any:
    b.clear("write")
    doomed = full_rows(n)
    b.seed("write", doomed + full_rows(W7_KEEP, tag="k", seed=6))
    return [r["id"] for r in doomed]


async def w7_aa(b: B, s: Any, ids: Any) -> Any:
    got = returned(await b.aw(b.repo("write", s).delete_many(ids)))
    await b.aw(s.commit())
    return got


async def w7_raw(b: B, s: Any, ids: Any) -> Any:
    stmt = delete(RawWrite).where(RawWrite.id.in_(ids))
    await b.aw(s.execute(stmt, execution_options={"synchronize_session": False}))
    await b.aw(s.commit())
    return len(ids)


def w7_check(b: B, n: int, ids: Any, got: Any) -> None:
    t = b.neutral("write")
    must(got == n, f"delete_many returned {got} items, expected {n}")
    left = count_rows(b, "write")
    must(left == W7_KEEP, f"write table holds {left} rows, expected the {W7_KEEP} kept ones")
    must(count_rows(b, "write", t.c.code.like("k%")) == W7_KEEP, "rows that were not to be deleted are gone")


@dataclass
class Workload:
    key: str
    title: str
    n: int
    unit: str
    target: float
    setup: Callable[[B, int], Any]
    aa: Callable[[B, Any, Any], Coroutine[Any, Any, Any]]
    raw: Callable[[B, Any, Any], Coroutine[Any, Any, Any]]
    check: Callable[[B, int, Any, Any], None]
    reps: int = 2
    warmup: int = 1000
    load: Callable[[B, Any, Any], Coroutine[Any, Any, Any]] | None = None
    reads: bool = False
    writes: bool = False
    sqlite_only: bool = False


# W8 service.create from dicts (a flush per row) -------------------------------------------------
def w8_setup(b: B, n: int) -> Any:
    b.clear("write")
    return new_rows(n)


async def w8_aa(b: B, s: Any, payload: Any) -> Any:
    service = b.service("write", s)
    ids = [(await b.aw(service.create(dict(d)))).__dict__.get("id") for d in payload]
    await b.aw(s.commit())
    return ids


async def w8_raw(b: B, s: Any, payload: Any) -> Any:
    ids = []
    for d in payload:
        obj = RawWrite(**d)
        s.add(obj)
        await b.aw(s.flush())
        ids.append(obj.id)
    await b.aw(s.commit())
    return ids


def w8_check(b: B, n: int, payload: Any, got: Any) -> None:
    must(len(got) == n and all(pk is not None for pk in got), f"{len(got)} created rows returned, expected {n}")
    total = count_rows(b, "write")
    must(total == n, f"write table holds {total} rows, expected {n}")


# W9 to_schema of 1,000 loaded rows into Pydantic (W9p) / msgspec (W9m) ----------------------------
_schemas: dict[str, Any] = {}


def schema(kind: str) -> Any:
    if not _schemas:
        import msgspec
        from pydantic import BaseModel, ConfigDict

        class ItemSchema(BaseModel):
            model_config = ConfigDict(from_attributes=True)
            id: uuid.UUID
            name: str
            code: str
            category: int
            score: float
            is_active: bool
            created_at: dt.datetime
            updated_at: dt.datetime

        class ItemStruct(msgspec.Struct):
            id: uuid.UUID
            name: str
            code: str
            category: int
            score: float
            is_active: bool
            created_at: dt.datetime
            updated_at: dt.datetime

        _schemas.update(pydantic=ItemSchema, msgspec=ItemStruct)
    return _schemas[kind]


def w9_setup(b: B, n: int) -> Any:
    return n


async def _w9_rows(b: B, s: Any, n: Any) -> Any:
    model = b.model("read") if b.side == "aa" else RawRead
    return list((await b.aw(s.scalars(select(model).order_by(model.code).limit(n)))).all())


def _w9_aa(kind: str) -> Callable[[B, Any, Any], Coroutine[Any, Any, Any]]:
    async def body(b: B, s: Any, rows: Any) -> Any:
        from advanced_alchemy.filters import LimitOffset

        service = b.service("read", s)
        page = None
        for _ in range(20):
            page = service.to_schema(rows, len(rows), filters=[LimitOffset(len(rows), 0)], schema_type=schema(kind))
        return page

    return body


def _w9_raw(kind: str) -> Callable[[B, Any, Any], Coroutine[Any, Any, Any]]:
    async def body(b: B, s: Any, rows: Any) -> Any:
        page = None
        for _ in range(20):
            if kind == "pydantic":
                from pydantic import TypeAdapter

                items = TypeAdapter(list[schema(kind)]).validate_python(rows, from_attributes=True)
            else:
                import msgspec

                items = msgspec.convert(rows, list[schema(kind)], from_attributes=True)
            page = {"items": items, "limit": len(rows), "offset": 0, "total": len(rows)}
        return page

    return body


def w9_check(b: B, n: int, state: Any, got: Any) -> None:
    items = got.items if hasattr(got, "items") and not isinstance(got, dict) else got["items"]
    total = got.total if hasattr(got, "total") else got["total"]
    must(len(items) == n and total == n, f"page of {len(items)} items (total {total}), expected {n}")


WORKLOADS = {
    w.key: w
    for w in (
        Workload("W1", "add_many", 10_000, "row", 1.15, w1_setup, w1_aa, w1_raw, w1_check, writes=True),
        Workload("W2", "get by pk", 2_000, "get", 1.30, w2_setup, w2_aa, w2_raw, w2_check, warmup=100, reads=True),
        Workload("W3", "list 4 filters", 200, "call", 1.30, params_setup, w3_aa, w3_raw, w3_check, 3, 20, reads=True),
        Workload("W4", "list_and_count", 200, "call", 1.30, params_setup, w4_aa, w4_raw, w4_check, 3, 20, reads=True),
        Workload("W5", "update_many", 5_000, "row", 1.15, w5_setup, w5_aa, w5_raw, w5_check, load=w5_load, writes=True),
        Workload("W6", "upsert_many", 5_000, "row", 1.15, w6_setup, w6_aa, w6_raw, w6_check, writes=True),
        Workload("W7", "delete_many", 5_000, "row", 1.15, w7_setup, w7_aa, w7_raw, w7_check, writes=True),
        Workload(
            "W8", "service.create", 1_000, "row", 1.25, w8_setup, w8_aa, w8_raw, w8_check, warmup=100, writes=True
        ),
        Workload(
            "W9p",
            "to_schema pydantic",
            1_000,
            "call",
            1.5,
            w9_setup,
            _w9_aa("pydantic"),
            _w9_raw("pydantic"),
            w9_check,
            3,
            1_000,
            load=_w9_rows,
            reads=True,
            sqlite_only=True,
        ),
        Workload(
            "W9m",
            "to_schema msgspec",
            1_000,
            "call",
            1.5,
            w9_setup,
            _w9_aa("msgspec"),
            _w9_raw("msgspec"),
            w9_check,
            3,
            1_000,
            load=_w9_rows,
            reads=True,
            sqlite_only=True,
        ),
        Workload(
            "W10", "count 3 filters", 500, "call", 1.30, params_setup, w10_aa, w10_raw, w10_check, warmup=20, reads=True
        ),
    )
}


# ------------------------------------------------------------------------------------------------
# One measurement
# ------------------------------------------------------------------------------------------------


async def one_rep(b: B, wl: Workload, n: int, profile: str | None = None) -> tuple[float, Any, Any]:
    state = wl.setup(b, n)
    arg = state
    async with _session(b) as s:
        if wl.load is not None:
            arg = await wl.load(b, s, state)
        body = wl.aa if b.side == "aa" else wl.raw
        prof = None
        if profile:
            import cProfile

            prof = cProfile.Profile()
        gc.collect()
        b.statements = 0
        if prof is not None:
            prof.enable()
        t0 = time.perf_counter()
        out = await body(b, s, arg)
        elapsed = time.perf_counter() - t0
        if prof is not None:
            prof.disable()
            prof.dump_stats(profile)
    return elapsed, state, out


class _session:
    """``async with`` over a sync or async session (a sync one is closed synchronously)."""

    def __init__(self, b: B) -> None:
        self.b = b
        self.s: Any = None

    async def __aenter__(self) -> Any:
        self.s = self.b.maker()()
        return self.s

    async def __aexit__(self, *exc: Any) -> None:
        await self.b.aw(self.s.close())


async def measure(b: B, wl: Workload, n: int, reps: int, profile: str | None) -> dict[str, Any]:
    try:
        if wl.writes:
            b.recreate("write")
        await one_rep(b, wl, min(n, wl.warmup))
        samples, last = [], None
        for _ in range(reps):
            last = None
            elapsed, *last = await one_rep(b, wl, n)
            samples.append(elapsed)
        res: dict[str, Any] = {
            "samples": samples,
            "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "statements": b.statements,
        }
        try:
            wl.check(b, n, *last)  # type: ignore[misc]
            res["status"] = "ok"
        except Wrong as exc:
            res.update(status="wrong", error=str(exc))
        except Exception as exc:
            res.update(status="wrong", error=f"check failed: {type(exc).__name__}: {exc}")
        last = None
        if profile:
            await one_rep(b, wl, n, profile)
        return res
    finally:
        await b.dispose()


def cmd_measure(args: argparse.Namespace) -> dict[str, Any]:
    wl = WORKLOADS[args.workload]
    n = args.n or wl.n
    reps = args.reps or wl.reps
    result: dict[str, Any] = {
        "workload": wl.key,
        "dialect": args.dialect,
        "mode": args.mode,
        "side": args.side,
        "n": n,
        "reps": reps,
    }
    warnings.simplefilter("ignore", DeprecationWarning)  # list / list_and_count are deprecated aliases
    rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        if args.dialect == "postgres":
            ensure_pg_database()  # a write-only run has no prepare step
        b = B(args.side, args.dialect, args.mode, args.workdir)
        b.cls()  # import the aa side before the baseline RSS is taken
        result["rss_imports_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        coro = measure(b, wl, n, reps, args.profile)
        res = asyncio.run(coro) if b.is_async else step_sync(coro)
    except Exception as exc:
        missing = isinstance(exc, (ImportError, AttributeError, NotImplementedError))
        result.update(status="missing" if missing else "error", error=f"{type(exc).__name__}: {exc}"[:1500])
        result["traceback"] = traceback.format_exc()[-3000:]
        result["peak_rss_kb"] = rss_start
        return result
    med = statistics.median(res["samples"])
    result.update(res, median_s=med, per_op_us=med / n * 1e6)
    if b.notes:
        result["notes"] = b.notes
    return result


def cmd_prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Create the database and seed the read table once (kept while rows and marker match)."""
    if args.dialect == "postgres":
        ensure_pg_database()
    b = B(args.side, args.dialect, "sync", args.workdir)
    try:
        t = b.table("read")
        marker = f"{DATA_VERSION}:{READ_ROWS}:{t.name}:" + ",".join(
            f"{c.name}={c.type.compile(b.admin.dialect)}" for c in t.columns
        )
        with b.admin.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS bench_marker (tbl VARCHAR(64), marker VARCHAR(1000))"))
            have = conn.scalar(text("SELECT marker FROM bench_marker WHERE tbl = :t"), {"t": t.name})
        rows = None
        if have == marker:
            try:
                rows = count_rows(b, "read")
            except Exception:
                rows = None
        if rows == READ_ROWS:
            return {"prepare": "present", "table": t.name}
        t0 = time.perf_counter()
        b.recreate("read")
        b.seed("read", read_table_rows())
        with b.admin.begin() as conn:
            conn.execute(text("DELETE FROM bench_marker WHERE tbl = :t"), {"t": t.name})
            conn.execute(text("INSERT INTO bench_marker (tbl, marker) VALUES (:t, :m)"), {"t": t.name, "m": marker})
            conn.execute(text(f"ANALYZE {t.name}"))
        return {"prepare": "seeded", "table": t.name, "seconds": round(time.perf_counter() - t0, 1)}
    finally:
        b.admin.dispose()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("prepare", "measure"):
        sp = sub.add_parser(name)
        sp.add_argument("--side", choices=("aa", "raw"), required=True)
        sp.add_argument("--dialect", choices=("sqlite", "postgres"), required=True)
        sp.add_argument("--workdir", required=True)
        if name == "measure":
            sp.add_argument("--workload", choices=sorted(WORKLOADS), required=True)
            sp.add_argument("--mode", choices=("sync", "async"), required=True)
            sp.add_argument("--n", type=int, default=0)
            sp.add_argument("--reps", type=int, default=0)
            sp.add_argument("--profile", help="cProfile one extra repetition into this .prof file")
    args = p.parse_args(argv)
    os.makedirs(args.workdir, exist_ok=True)
    if args.cmd == "prepare":
        try:
            out = cmd_prepare(args)
        except Exception as exc:
            out = {"prepare": "error", "error": f"{type(exc).__name__}: {exc}"[:1500]}
    else:
        out = cmd_measure(args)
    sys.stdout.write(json.dumps(out, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
