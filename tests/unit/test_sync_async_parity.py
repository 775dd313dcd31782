"""The sync repository is generated from the async one and exposes the same API."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

from advanced_alchemy.repository import SQLAlchemyAsyncRepository, SQLAlchemySyncRepository

ROOT = Path(__file__).resolve().parents[2]


def test_generated_sync_file_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools/generate_sync.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _public_methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and callable(member)
    }


def test_every_public_method_has_the_same_signature() -> None:
    sync_methods = _public_methods(SQLAlchemySyncRepository)
    async_methods = _public_methods(SQLAlchemyAsyncRepository)
    assert sync_methods.keys() == async_methods.keys()
    for name, signature in async_methods.items():
        sync_sig = str(sync_methods[name]).replace("scoped_session[Session]", "X").replace("Session", "X")
        async_sig = str(signature).replace("async_scoped_session[AsyncSession]", "X").replace("AsyncSession", "X")
        assert sync_sig == async_sig, name


def test_async_methods_are_coroutines_and_sync_ones_are_not() -> None:
    for name, member in inspect.getmembers(SQLAlchemyAsyncRepository, inspect.isfunction):
        if name.startswith("_") or name in {"get_primary_key_value", "has_primary_key_values"}:
            continue
        sync_member = getattr(SQLAlchemySyncRepository, name)
        if inspect.iscoroutinefunction(member):
            assert not inspect.iscoroutinefunction(sync_member), name
