"""The quickstart demo (``make demo``) runs as written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quickstart_runs(tmp_path: Path) -> None:
    database = tmp_path / "demo.sqlite3"
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples/quickstart.py"), str(database)],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    assert "Migrated:   revision " in out
    assert list((tmp_path / "demo.migrations" / "migrations" / "versions").glob("*.py"))
    assert "add_many:   4 more authors" in out
    assert "page 1:     ['Ada Lovelace', 'Alan Turing'] (total 5)" in out
    assert "page 3:     ['Grace Hopper'] (total 5)" in out
    assert "update:" in out
    assert "duplicate:  DuplicateKeyError" in out
    assert "remaining:  ['Barbara Liskov', 'Edsger Dijkstra']" in out
    assert database.exists()
