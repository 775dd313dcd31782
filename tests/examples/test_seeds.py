"""The seeds' examples run as written (``tests/examples/seeds`` holds them verbatim, indentation restored)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent / "seeds"


def run_seed(name: str) -> str:
    result = subprocess.run([sys.executable, str(SEEDS / name)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.duckdb
def test_service_example_on_duckdb() -> None:
    out = run_seed("service_duckdb.py")
    assert "Created 4 new objects." in out
    assert "Selected 1 records out of a total of 1." in out
    assert "Removed 1 records out of a total of 1." in out
    assert "Found 3 remaining records after delete." in out


@pytest.mark.sqlite
def test_async_quickstart() -> None:
    out = run_seed("quickstart_async.py")
    assert "Created user: Alice (" in out
    assert "All users: ['Alice']" in out
    assert "Updated user: Alicia" in out
    assert "Users after deletion: []" in out
