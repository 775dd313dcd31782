"""Repository calls against hand-written SQLAlchemy doing the same work (``make bench``).

    python benchmarks/run.py [--rows 2000] [--repeat 5] [--url sqlite:///...]

Each workload runs on a fresh table through the sync repository and through plain SQLAlchemy, in
alternation; the table shows the median time per call and the ratio. Numbers are for comparing
changes on one machine, not absolute claims (the shared yardstick is ../shared/bench).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, String, create_engine, delete, func, insert, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from advanced_alchemy.base import UUIDAuditBase
from advanced_alchemy.filters import CollectionFilter, LimitOffset, OrderBy
from advanced_alchemy.repository import SQLAlchemySyncRepository


class BenchItem(UUIDAuditBase):
    __tablename__ = "bench_item"
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[int] = mapped_column(index=True)


class BenchRepo(SQLAlchemySyncRepository[BenchItem]):
    model_type = BenchItem


def payload(n: int) -> list[dict[str, Any]]:
    return [{"name": f"item {i}", "code": f"c{i:08d}", "category": i % 10} for i in range(n)]


def reset(engine: Engine, rows: int) -> list[Any]:
    BenchItem.metadata.drop_all(engine, tables=[BenchItem.__table__])  # type: ignore[list-item]
    BenchItem.metadata.create_all(engine, tables=[BenchItem.__table__])  # type: ignore[list-item]
    with Session(engine) as session:
        session.add_all([BenchItem(**d) for d in payload(rows)])
        session.commit()
        return list(session.scalars(select(BenchItem.id)))


Workload = tuple[str, Callable[[Session, list[Any]], Any], Callable[[Session, list[Any]], Any], bool]


def workloads(rows: int) -> list[Workload]:
    fresh = [{"name": f"new {i}", "code": f"n{i:08d}", "category": 1} for i in range(rows)]

    def aa_add_many(s: Session, ids: list[Any]) -> Any:
        return BenchRepo(session=s).add_many([BenchItem(**d) for d in fresh], auto_commit=True)

    def raw_add_many(s: Session, ids: list[Any]) -> Any:
        s.execute(insert(BenchItem), [dict(d) for d in fresh])
        s.commit()

    def aa_get(s: Session, ids: list[Any]) -> Any:
        repo = BenchRepo(session=s)
        return [repo.get(i) for i in ids[:200]]

    def raw_get(s: Session, ids: list[Any]) -> Any:
        return [s.execute(select(BenchItem).where(BenchItem.id == i)).scalar_one() for i in ids[:200]]

    def aa_list_and_count(s: Session, ids: list[Any]) -> Any:
        repo = BenchRepo(session=s)
        return [
            repo.get_many_and_count(CollectionFilter("category", [1, 2]), OrderBy("code"), LimitOffset(20, k))
            for k in range(0, 400, 20)
        ]

    def raw_list_and_count(s: Session, ids: list[Any]) -> Any:
        out = []
        for k in range(0, 400, 20):
            stmt = select(BenchItem, func.count().over()).where(BenchItem.category.in_([1, 2]))
            page = s.execute(stmt.order_by(BenchItem.code).limit(20).offset(k)).all()
            out.append(([r[0] for r in page], page[0][1] if page else 0))
        return out

    def aa_count(s: Session, ids: list[Any]) -> Any:
        repo = BenchRepo(session=s)
        return [repo.count(category=c % 10) for c in range(200)]

    def raw_count(s: Session, ids: list[Any]) -> Any:
        stmt = select(func.count()).select_from(BenchItem)
        return [s.execute(stmt.where(BenchItem.category == c % 10)).scalar_one() for c in range(200)]

    def aa_update_many(s: Session, ids: list[Any]) -> Any:
        objs = list(s.scalars(select(BenchItem)))
        for o in objs:
            o.name += " upd"
        return BenchRepo(session=s).update_many(objs, auto_commit=True)

    def raw_update_many(s: Session, ids: list[Any]) -> Any:
        objs = list(s.scalars(select(BenchItem)))
        values = [{"id": o.id, "name": o.name + " upd"} for o in objs]
        s.expunge_all()
        s.execute(update(BenchItem), values)
        s.commit()

    def aa_delete_many(s: Session, ids: list[Any]) -> Any:
        return BenchRepo(session=s).delete_many(ids, auto_commit=True)

    def raw_delete_many(s: Session, ids: list[Any]) -> Any:
        s.execute(delete(BenchItem).where(BenchItem.id.in_(ids)))
        s.commit()

    return [
        ("add_many", aa_add_many, raw_add_many, True),
        ("get x200", aa_get, raw_get, False),
        ("list_and_count x20", aa_list_and_count, raw_list_and_count, False),
        ("count x200", aa_count, raw_count, False),
        ("update_many", aa_update_many, raw_update_many, True),
        ("delete_many", aa_delete_many, raw_delete_many, True),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="aa-bench-"))
    engine = create_engine(args.url or f"sqlite:///{workdir / 'bench.sqlite3'}")
    print(f"{'workload':<22}{'advanced_alchemy ms':>22}{'raw SQLAlchemy ms':>20}{'ratio':>8}")
    for name, aa, raw, writes in workloads(args.rows):
        timings: dict[str, list[float]] = {"aa": [], "raw": []}
        ids = reset(engine, args.rows)
        for _ in range(args.repeat):
            for label, fn in (("aa", aa), ("raw", raw)):
                if writes:
                    ids = reset(engine, args.rows)
                with Session(engine, expire_on_commit=False) as session:
                    start = time.perf_counter()
                    fn(session, ids)
                    timings[label].append((time.perf_counter() - start) * 1000)
        aa_ms, raw_ms = statistics.median(timings["aa"]), statistics.median(timings["raw"])
        print(f"{name:<22}{aa_ms:>22.1f}{raw_ms:>20.1f}{aa_ms / raw_ms:>8.2f}")
    engine.dispose()


if __name__ == "__main__":
    main()
