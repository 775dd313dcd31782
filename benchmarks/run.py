"""Repository calls against hand-written SQLAlchemy doing the same work (``make bench``).

    python benchmarks/run.py [--workloads W1,W6] [--dialects sqlite,postgres] [--modes sync,async]
                             [--rounds 3] [--scale 1.0] [--quick] [--profile-dir DIR] [--out FILE]
    python benchmarks/run.py --quick          # smoke run: --scale 0.2 --rounds 1 (numbers are noisy)
    python benchmarks/run.py --report FILE    # re-render the table of a stored results file

The workloads mirror the shared yardstick (``../shared/bench``): W1 add_many, W2 get, W3 list,
W4 list_and_count, W5 update_many, W6 upsert_many, W7 delete_many, W10 count, each on SQLite (a file
database; ``aiosqlite`` in async mode) and PostgreSQL (``psycopg`` / ``asyncpg``), sync and async.

Protocol: every measurement (workload x dialect x mode x side x round) runs in its own process
(``benchmarks/_workloads.py``): untimed setup, one capped warm-up repetition, then 2-3 timed
repetitions, each in a fresh session after ``gc.collect()``; the process reports its median
repetition, its peak RSS, and whether the check on the last repetition passed. Within a round
both sides of a cell run back to back, in an order that alternates by round and cell. The table
shows the median over rounds of the per-op µs and of the per-round ratio aa/raw, against the
target (met / MISSED). W1 also gets a memory row: peak RSS of aa against raw (target 1.2x).

Both sides use ``sessionmaker``/``async_sessionmaker(engine, expire_on_commit=False)``. Each side
has its own tables (``aa_bench_*`` / ``raw_bench_*``); the 100,000-row read tables are seeded once
and reused. SQLite files live in ``$AA_BENCH_DIR`` (default ``~/.cache/aa-main-bench``); PostgreSQL
is ``postgresql://$AA_BENCH_PG/$AA_BENCH_PG_DB`` (default ``postgres@127.0.0.1:5432`` /
``aa_bench``, created on first use). Compare numbers on one machine only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _workloads import WORKLOADS

HERE = Path(__file__).resolve().parent
CHILD = HERE / "_workloads.py"
MEMORY_TARGET = 1.2  # peak RSS of W1, aa / raw


def default_workdir() -> str:
    return os.environ.get("AA_BENCH_DIR", os.path.expanduser("~/.cache/aa-main-bench"))


def scaled(key: str, scale: float) -> int:
    n = max(1, round(WORKLOADS[key].n * scale))
    return n + n % 2 if key == "W6" else n  # half existing, half new


def child(args: list[str], timeout: float) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            [sys.executable, str(CHILD), *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "error": f"no result within {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    try:
        return dict(json.loads(lines[-1]))
    except (IndexError, ValueError):
        return {"status": "crash", "error": f"exit {proc.returncode}: {proc.stderr.strip()[-800:]}"}


def prepare(dialects: list[str], workdir: str, timeout: float) -> None:
    for dialect in dialects:
        for side in ("aa", "raw"):
            t0 = time.perf_counter()
            out = child(["prepare", "--side", side, "--dialect", dialect, "--workdir", workdir], timeout)
            print(f"prepare {dialect:8} {side:3}: {out} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
            if out.get("prepare") not in ("present", "seeded"):
                raise SystemExit(f"could not prepare the read table: {out}")


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    keys = [k.strip() for k in args.workloads.split(",") if k.strip()]
    unknown = [k for k in keys if k not in WORKLOADS]
    if unknown:
        raise SystemExit(f"unknown workloads {unknown}; known: {', '.join(WORKLOADS)}")
    dialects = [d.strip() for d in args.dialects.split(",") if d.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if any(WORKLOADS[k].reads for k in keys):
        prepare(dialects, args.workdir, args.timeout)
    cells = [(k, d, m) for k in keys for d in dialects for m in modes if d == "sqlite" or not WORKLOADS[k].sqlite_only]
    out_file = Path(args.out) if args.out else None
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
    if args.profile_dir:
        os.makedirs(args.profile_dir, exist_ok=True)
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    total = len(cells) * args.rounds * 2
    for rnd in range(args.rounds):
        for index, (key, dialect, mode) in enumerate(cells):
            sides = ("aa", "raw") if (rnd + index) % 2 == 0 else ("raw", "aa")
            for side in sides:
                argv = ["measure", "--side", side, "--workload", key, "--dialect", dialect, "--mode", mode]
                argv += ["--workdir", args.workdir, "--n", str(scaled(key, args.scale))]
                if args.profile_dir and side == "aa" and rnd == 0:
                    argv += ["--profile", os.path.join(args.profile_dir, f"{key}-{dialect}-{mode}.prof")]
                res = child(argv, args.timeout)
                res.update(workload=key, dialect=dialect, mode=mode, side=side, round=rnd)
                res.setdefault("status", "crash")
                results.append(res)
                if out_file is not None:
                    with out_file.open("a") as fh:
                        fh.write(json.dumps(res, default=str) + "\n")
                us = f"{res['per_op_us']:9.2f} µs/op" if "per_op_us" in res else ""
                note = "" if res["status"] == "ok" else f" {res['status']}: {res.get('error', '')[:300]}"
                print(
                    f"[{len(results):3}/{total} {time.perf_counter() - started:6.0f}s] round {rnd + 1} "
                    f"{key:4} {dialect:8} {mode:5} {side:3} {us}{note}",
                    file=sys.stderr,
                    flush=True,
                )
    return results


def _med(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def render(results: list[dict[str, Any]]) -> str:
    cells: dict[tuple[str, str, str], dict[int, dict[str, dict[str, Any]]]] = {}
    for r in results:
        cells.setdefault((r["workload"], r["dialect"], r["mode"]), {}).setdefault(r["round"], {})[r["side"]] = r
    order = {k: i for i, k in enumerate(WORKLOADS)}
    keys = sorted(cells, key=lambda c: (order.get(c[0], 99), c[1], c[2] != "sync"))
    head = [
        "workload",
        "dialect",
        "mode",
        "N",
        "aa µs/op",
        "raw µs/op",
        "aa/raw",
        "target",
        "",
        "RSS aa/raw MB",
        "stmts aa/raw",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    mem_lines: list[str] = []
    problems: list[str] = []
    summary = {"met": 0, "MISSED": 0, "other": 0}
    for key in keys:
        wl = WORKLOADS.get(key[0])
        rounds = cells[key]
        ok = {
            side: [r[side] for r in rounds.values() if r.get(side, {}).get("status") == "ok"] for side in ("aa", "raw")
        }
        ratios = [
            r["aa"]["per_op_us"] / r["raw"]["per_op_us"]
            for r in rounds.values()
            if all(r.get(s, {}).get("status") == "ok" for s in ("aa", "raw"))
        ]
        mem = [
            r["aa"]["peak_rss_kb"] / r["raw"]["peak_rss_kb"]
            for r in rounds.values()
            if all(r.get(s, {}).get("status") == "ok" for s in ("aa", "raw"))
        ]
        for rnd, pair in sorted(rounds.items()):
            for side, r in sorted(pair.items()):
                if r.get("status") != "ok":
                    problems.append(f"{'/'.join(key)} {side} round {rnd + 1}: {r.get('status')}: {r.get('error', '')}")
                for note in r.get("notes", ()):
                    problems.append(f"{'/'.join(key)} {side} round {rnd + 1}: note: {note}")
        ratio = _med(ratios)
        target = wl.target if wl else None
        wrong = any(r.get("status") == "wrong" for pair in rounds.values() for r in pair.values())
        if wrong:
            verdict = "wrong"
        elif ratio is None or target is None:
            verdict = next(
                (r.get("status") for pair in rounds.values() for r in pair.values() if r.get("status") != "ok"), "-"
            )
        else:
            verdict = "met" if ratio <= target else "MISSED"
        summary[verdict if verdict in summary else "other"] += 1
        n = next((r.get("n") for pair in rounds.values() for r in pair.values() if r.get("n")), "")
        rss = {s: _med([r["peak_rss_kb"] / 1024 for r in ok[s]]) for s in ok}
        stmts = {s: _med([r.get("statements", 0) for r in ok[s]]) for s in ok}
        row = [
            key[0],
            key[1],
            key[2],
            str(n),
            _fmt(_med([r["per_op_us"] for r in ok["aa"]]), ".2f"),
            _fmt(_med([r["per_op_us"] for r in ok["raw"]]), ".2f"),
            "-" if wrong else _fmt(ratio, ".2f"),
            f"≤{target:.2f}" if target else "-",
            verdict,
            f"{_fmt(rss['aa'], '.0f')}/{_fmt(rss['raw'], '.0f')}",
            f"{_fmt(stmts['aa'], '.0f')}/{_fmt(stmts['raw'], '.0f')}",
        ]
        lines.append("| " + " | ".join(row) + " |")
        if key[0] == "W1":
            mratio = _med(mem)
            growth = {s: _med([(r["peak_rss_kb"] - r.get("rss_imports_kb", 0)) / 1024 for r in ok[s]]) for s in ok}
            mverdict = "-" if mratio is None or wrong else ("met" if mratio <= MEMORY_TARGET else "MISSED")
            summary[mverdict if mverdict in summary else "other"] += 1
            mem_lines.append(
                f"| W1 memory | {key[1]} | {key[2]} | {_fmt(rss['aa'], '.1f')} | {_fmt(rss['raw'], '.1f')} | "
                f"{_fmt(mratio, '.2f')} | ≤{MEMORY_TARGET:.2f} | {mverdict} | "
                f"{_fmt(growth['aa'], '.1f')}/{_fmt(growth['raw'], '.1f')} |"
            )
    out = lines
    if mem_lines:
        out += [
            "",
            "| workload | dialect | mode | peak RSS aa MB | peak RSS raw MB | aa/raw | target | | growth after imports aa/raw MB |",
            "|---|---|---|---|---|---|---|---|---|",
            *mem_lines,
        ]
    out += ["", f"met: {summary['met']}, MISSED: {summary['MISSED']}, not measured/wrong: {summary['other']}"]
    if problems:
        out += ["", "Problems and notes:", *(f"- {p[:600]}" for p in problems)]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated keys (default: all)")
    p.add_argument("--dialects", default="sqlite,postgres")
    p.add_argument("--modes", default="sync,async")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--scale", type=float, default=1.0, help="multiplies every workload's N (quick runs)")
    p.add_argument("--quick", action="store_true", help="smoke run: --scale 0.2 --rounds 1")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds per measurement process")
    p.add_argument("--workdir", default=default_workdir(), help="SQLite files (default: $AA_BENCH_DIR)")
    p.add_argument("--out", help="results file, JSON lines (default: WORKDIR/results/run-<time>.jsonl)")
    p.add_argument("--profile-dir", help="cProfile one extra aa repetition per cell (round 1) into DIR/*.prof")
    p.add_argument("--report", nargs="+", metavar="FILE", help="only render the table of stored results")
    args = p.parse_args(argv)
    if args.report:
        results = [json.loads(line) for f in args.report for line in Path(f).read_text().splitlines() if line.strip()]
        print(render(results))
        return 0
    if args.quick:
        args.scale, args.rounds = 0.2, 1
    if not args.out:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        args.out = os.path.join(args.workdir, "results", f"run-{stamp}.jsonl")
    results = run(args)
    print(f"\nresults: {args.out} (scale {args.scale}, {args.rounds} round(s))\n", file=sys.stderr)
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
