"""Operations are pure: they can be driven without a database by recording the steps they ask for."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import pytest
from sqlalchemy import String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from support import compile_sql

from advanced_alchemy._core import ops
from advanced_alchemy._core.context import CallContext
from advanced_alchemy._core.model_info import model_info
from advanced_alchemy._core.steps import Add, AddAll, BeginNested, Commit, EndNested, Execute, Expunge, Flush, Refresh
from advanced_alchemy.exceptions import NotFoundError
from advanced_alchemy.filters import LimitOffset, OrderBy


class Base(DeclarativeBase):
    pass


class Widget(Base):
    __tablename__ = "op_widget"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))


def context(**kwargs: Any) -> CallContext:
    return CallContext(info=model_info(Widget), statement=select(Widget), dialect_name="postgresql", **kwargs)


def drive(operation: Any, results: dict[type, Any] | None = None) -> tuple[list[Any], Any]:
    """Run an operation, answering each step from ``results`` (by step type); return steps and result."""
    steps: list[Any] = []
    try:
        step = next(operation)
        while True:
            steps.append(step)
            step = operation.send((results or {}).get(type(step)))
    except StopIteration as stop:
        return steps, stop.value


def result_of(rows: list[Any]) -> Any:
    result = MagicMock()
    result.scalars.return_value.all.return_value = rows
    result.scalars.return_value.unique.return_value.all.return_value = rows
    result.all.return_value = rows
    return result


def test_add_flushes_refreshes_and_returns_the_instance() -> None:
    widget = Widget(name="w")
    steps, value = drive(ops.add(context(), widget))
    assert value is widget
    assert steps == [Add(widget), Flush(), Refresh(widget, None, None)]


def test_add_commits_and_expunges_when_asked() -> None:
    widget = Widget(name="w")
    steps, _ = drive(ops.add(context(auto_commit=True, auto_refresh=False, auto_expunge=True), widget))
    assert steps == [Add(widget), Commit(), Expunge([widget])]


def test_add_many_never_refreshes_and_skips_empty_input() -> None:
    widgets = [Widget(name="a"), Widget(name="b")]
    steps, value = drive(ops.add_many(context(), widgets))
    # the unit of work flushes them inside a savepoint: a failure leaves the transaction as it was
    savepoint = BeginNested(session_level=True, mapper=model_info(Widget).mapper)
    assert steps == [savepoint, AddAll(widgets), Flush(), EndNested(None, commit=True), Flush()]
    assert value is widgets
    assert drive(ops.add_many(context(), []))[0] == []


def test_get_builds_one_primary_key_select_and_raises_when_missing() -> None:
    operation = ops.get(context(), 5)
    step = next(operation)
    assert isinstance(step, Execute)
    assert "WHERE op_widget.id = %(id_1)s" in compile_sql(step.statement, "postgresql")  # noqa: RUF100
    with pytest.raises(NotFoundError):
        operation.send(result_of([]))


def test_get_many_applies_order_and_pagination_in_one_statement() -> None:
    operation = ops.get_many(context(), [OrderBy("name", "desc"), LimitOffset(5, 10)], {"name": "x"})
    step = next(operation)
    sql = compile_sql(step.statement, "postgresql")
    assert "WHERE op_widget.name = %(name_1)s" in sql
    assert "ORDER BY op_widget.name DESC" in sql
    assert "LIMIT" in sql
    assert "OFFSET" in sql


def test_get_many_and_count_uses_a_window_function_in_one_round_trip() -> None:
    operation = ops.get_many_and_count(context(), [LimitOffset(2, 0)], {})
    step = next(operation)
    assert "count(*) OVER ()" in compile_sql(step.statement, "postgresql")
    widget = Widget(id=1, name="a")
    with pytest.raises(StopIteration) as stop:
        operation.send(result_of([(widget, 9)]))
    assert stop.value.value == ([widget], 9)


def test_count_strips_pagination_and_ordering() -> None:
    operation = ops.count(context(), [LimitOffset(2, 4), OrderBy("name")], {})
    sql = compile_sql(next(operation).statement, "postgresql")
    assert "count(*)" in sql
    assert "LIMIT" not in sql
    assert "ORDER BY" not in sql
