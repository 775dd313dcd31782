"""Every backend answers, sync and async."""

from __future__ import annotations

from sqlalchemy import text
from support import Backend


def test_backend_answers(backend: Backend) -> None:
    assert backend.run(lambda s: s.execute(text("SELECT 1")).scalar()) == 1
