"""Audit users and optimistic locking through the repository, on every backend, sync and async.

The bases and the other mixins are covered by test_bases.py and test_mixins.py."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from repository_support import run_scenario
from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column
from support import Backend

from advanced_alchemy import base
from advanced_alchemy.base import orm_registry
from advanced_alchemy.exceptions import ConflictError
from advanced_alchemy.mixins import AuditMixin, OptimisticLockMixin, audit_user


class MdlAudited(base.BigIntBase, AuditMixin):
    __tablename__ = "mdl_audited"
    title: Mapped[str] = mapped_column(String(50))


def test_audit_columns_and_audit_user(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, [MdlAudited])

    def scenario(session: Session) -> None:
        with audit_user("alice"):
            row = MdlAudited(title="a")
            session.add(row)
            session.commit()
        assert (row.created_by, row.updated_by) == ("alice", "alice")
        created, updated = row.created_at, row.updated_at
        time.sleep(0.01)
        with audit_user("bob"):
            row.title = "b"
            session.commit()
        assert (row.created_by, row.updated_by) == ("alice", "bob")
        assert row.created_at == created
        assert row.updated_at > updated
        explicit = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
        row.title = "c"
        row.updated_at = explicit
        session.commit()
        assert row.updated_at == explicit
        row.updated_at = datetime.datetime(2002, 1, 1)  # noqa: DTZ001 - naive values on audit columns are taken as UTC
        assert row.updated_at.tzinfo == datetime.timezone.utc
        session.rollback()

    try:
        backend.run(scenario, expire_on_commit=False)
    finally:
        backend.drop_all(orm_registry.metadata, [MdlAudited])


class MdlVersioned(base.BigIntBase, OptimisticLockMixin):
    __tablename__ = "mdl_versioned"
    title: Mapped[str] = mapped_column(String(50))


@pytest.mark.filterwarnings("ignore:Dialect duckdb.*versioning cannot be verified")
def test_optimistic_lock_stale_update_is_a_conflict(backend: Backend) -> None:
    backend.create_all(orm_registry.metadata, [MdlVersioned])

    async def scenario(session: Any, repo: Any) -> None:
        row = await repo.add(MdlVersioned(title="v1"), auto_commit=True)
        assert row.version == 1
        row.title = "v2"
        await repo.update(row, auto_commit=True)
        assert row.version == 2

        if backend.is_async:
            async with AsyncSession(backend.engine) as other_session:  # type: ignore[arg-type]
                other = await other_session.get(MdlVersioned, row.id)
                assert other is not None
                other.title = "someone else"
                await other_session.commit()
        else:
            with Session(backend.engine) as other_session:  # type: ignore[arg-type]
                other = other_session.get(MdlVersioned, row.id)
                assert other is not None
                other.title = "someone else"
                other_session.commit()
        row.title = "stale"
        with pytest.raises(ConflictError):
            await repo.update(row, auto_commit=True)

    try:
        run_scenario(backend, scenario, MdlVersioned)
    finally:
        backend.drop_all(orm_registry.metadata, [MdlVersioned])
