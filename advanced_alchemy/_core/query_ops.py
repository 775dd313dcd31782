"""Operations of the query repository: arbitrary SELECTs, rows out."""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import Result, Row, Select, func, over

from advanced_alchemy._core.statements import count_statement
from advanced_alchemy._core.steps import Execute, Operation
from advanced_alchemy.exceptions import NotFoundError

__all__ = ("count", "execute", "get_many", "get_many_and_count", "get_one", "get_one_or_none")


def _filtered(statement: Select[Any], kwargs: dict[str, Any]) -> Select[Any]:
    return statement.filter_by(**kwargs) if kwargs else statement


def get_one_or_none(statement: Select[Any], kwargs: dict[str, Any]) -> Operation[Optional[Row[Any]]]:
    """The single row or ``None``; several -> ``MultipleResultsFound``."""
    result: Result[Any] = yield Execute(_filtered(statement, kwargs))
    row: Optional[Row[Any]] = result.one_or_none()
    return row


def get_one(statement: Select[Any], kwargs: dict[str, Any]) -> Operation[Row[Any]]:
    """Exactly one row; none -> ``NotFoundError``."""
    row = yield from get_one_or_none(statement, kwargs)
    if row is None:
        msg = "No item found when one was expected"
        raise NotFoundError(msg)
    return row


def count(statement: Select[Any], kwargs: dict[str, Any]) -> Operation[int]:
    """Number of rows the statement returns."""
    result: Result[Any] = yield Execute(count_statement(_filtered(statement, kwargs)))
    return int(result.scalar_one())


def get_many(statement: Select[Any], kwargs: dict[str, Any]) -> Operation[list[Row[Any]]]:
    """All rows."""
    result: Result[Any] = yield Execute(_filtered(statement, kwargs))
    return list(result.all())


def get_many_and_count(
    statement: Select[Any], kwargs: dict[str, Any], *, window: bool
) -> Operation[tuple[list[Row[Any]], int]]:
    """Rows and the total without pagination: one query with a window count, or a separate count."""
    statement = _filtered(statement, kwargs)
    if not window:
        total = yield from count(statement, {})
        if not total:
            return [], 0
        rows = yield from get_many(statement, {})
        return rows, total
    width = len(statement.selected_columns)
    result: Result[Any] = yield Execute(statement.add_columns(over(func.count()).label("_aa_total")))
    frozen = result.freeze()
    rows = list(frozen().columns(*range(width)).all())
    if not rows:
        total = yield from count(statement, {})
        return [], total
    first = frozen().first()
    return rows, int(first[width]) if first is not None else 0


def execute(statement: Any, execution_options: Any) -> Operation[Result[Any]]:
    """The raw result."""
    result: Result[Any] = yield Execute(statement, execution_options=execution_options)
    return result
