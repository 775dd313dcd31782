"""Every filter on every backend, sync and async, through the repositories."""

from __future__ import annotations

import datetime
from typing import Any, Optional

import pytest
from repository_support import run_scenario
from sqlalchemy import MetaData, String, and_, or_
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from support import Backend

from advanced_alchemy.exceptions import RepositoryError
from advanced_alchemy.filters import (
    BeforeAfter,
    BooleanFilter,
    ChoicesFilter,
    CollectionFilter,
    ComparisonFilter,
    ExistsFilter,
    FilterGroup,
    LimitOffset,
    MultiFilter,
    NotExistsFilter,
    NotInCollectionFilter,
    NotInSearchFilter,
    NotNullFilter,
    NullFilter,
    OnBeforeAfter,
    OrderBy,
    SearchFilter,
)
from advanced_alchemy.types import DateTimeUTC

UTC = datetime.timezone.utc
T0 = datetime.datetime(2024, 1, 1, tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData()


class Item(Base):
    __tablename__ = "flt_item"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(50))
    note: Mapped[Optional[str]] = mapped_column(String(50), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    score: Mapped[Optional[int]] = mapped_column(default=None)
    stamp: Mapped[datetime.datetime] = mapped_column(DateTimeUTC)


ROWS = [
    {"id": 1, "name": "alpha", "note": "100% pure", "active": True, "score": 5, "stamp": T0},
    {
        "id": 2,
        "name": "beta",
        "note": "under_score",
        "active": False,
        "score": None,
        "stamp": T0 + datetime.timedelta(days=1),
    },
    {"id": 3, "name": "gamma", "note": None, "active": True, "score": 1, "stamp": T0 + datetime.timedelta(days=2)},
    {
        "id": 4,
        "name": "zalphabet",
        "note": "plain",
        "active": False,
        "score": 9,
        "stamp": T0 + datetime.timedelta(days=3),
    },
]


@pytest.fixture
def items_backend(backend: Backend) -> Any:
    backend.create_all(Base.metadata)
    yield backend
    backend.drop_all(Base.metadata)


def ids(rows: Any) -> list[int]:
    return sorted(row.id for row in rows)


CASES: list[tuple[str, Any, list[int]]] = [
    ("before_after", BeforeAfter("stamp", before=T0 + datetime.timedelta(days=2), after=T0), [2]),
    (
        "on_before_after",
        OnBeforeAfter("stamp", on_or_before=T0 + datetime.timedelta(days=2), on_or_after=T0),
        [1, 2, 3],
    ),
    ("before_only", BeforeAfter("stamp", before=T0 + datetime.timedelta(days=1), after=None), [1]),
    ("collection", CollectionFilter("name", ["alpha", "gamma"]), [1, 3]),
    ("collection_empty", CollectionFilter("name", []), []),
    ("collection_none", CollectionFilter("name", None), [1, 2, 3, 4]),
    ("choices", ChoicesFilter("id", [4]), [4]),
    ("not_in_collection", NotInCollectionFilter("name", ["alpha"]), [2, 3, 4]),
    ("not_in_empty", NotInCollectionFilter("name", []), [1, 2, 3, 4]),
    ("boolean", BooleanFilter("active", True), [1, 3]),
    ("boolean_none", BooleanFilter("active", None), [1, 2, 3, 4]),
    ("null", NullFilter("score"), [2]),
    ("not_null", NotNullFilter("note"), [1, 2, 4]),
    ("search", SearchFilter("name", "lpha"), [1, 4]),
    ("search_case", SearchFilter("name", "ALPHA", ignore_case=True), [1, 4]),
    ("search_many_fields", SearchFilter({"name", "note"}, "ai"), [4]),
    ("search_literal_percent", SearchFilter("note", "100%"), [1]),
    ("search_literal_underscore", SearchFilter("note", "r_s"), [2]),
    ("search_wildcard_literal", SearchFilter("note", "%"), [1]),
    ("search_raw_pattern", SearchFilter("note", "p%e", escape_wildcards=False), [1]),
    ("not_in_search", NotInSearchFilter("name", "alpha", ignore_case=True), [2, 3]),
    ("comparison_gt", ComparisonFilter("score", "gt", 1), [1, 4]),
    ("comparison_between", ComparisonFilter("id", "between", (2, 3)), [2, 3]),
    ("comparison_in", ComparisonFilter("id", "in", [1, 4]), [1, 4]),
    ("comparison_startswith", ComparisonFilter("name", "startswith", "al"), [1]),
    ("comparison_endswith", ComparisonFilter("name", "endswith", "ta"), [2]),
    ("comparison_iendswith", ComparisonFilter("name", "iendswith", "BET"), [4]),
    ("exists", ExistsFilter([Item.score > 4]), [1, 4]),
    ("exists_empty", ExistsFilter([]), []),
    ("not_exists", NotExistsFilter([Item.score > 4]), [2, 3]),
    ("not_exists_empty", NotExistsFilter([]), [1, 2, 3, 4]),
    ("filter_group_or", FilterGroup(or_, [CollectionFilter("id", [1]), NullFilter("note")]), [1, 3]),
    (
        "multi_filter",
        MultiFilter(
            {
                "or_": [
                    {"type": "collection", "field_name": "id", "values": [2]},
                    {
                        "and_": [
                            {"type": "boolean", "field_name": "active", "value": True},
                            {"type": "null", "field_name": "note"},
                        ]
                    },
                ]
            }
        ),
        [2, 3],
    ),
    ("raw_expression", and_(Item.score >= 1, Item.active.is_(False)), [4]),
]


@pytest.mark.parametrize(("name", "flt", "expected"), CASES, ids=[c[0] for c in CASES])
def test_filter(items_backend: Backend, name: str, flt: Any, expected: list[int]) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([Item(**row) for row in ROWS], auto_commit=True)
        assert ids(await repo.get_many(flt)) == expected
        assert await repo.count(flt) == len(expected)

    run_scenario(items_backend, scenario, Item)


def test_order_by_nulls_and_pagination(items_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        await repo.add_many([Item(**row) for row in ROWS], auto_commit=True)
        first = await repo.get_many(OrderBy("score", "asc", nulls="first"))
        assert [r.id for r in first] == [2, 3, 1, 4]
        last = await repo.get_many(OrderBy("score", "desc", nulls="last"))
        assert [r.id for r in last] == [4, 1, 3, 2]
        page, total = await repo.get_many_and_count(OrderBy("id", "desc"), LimitOffset(limit=2, offset=1))
        assert ([r.id for r in page], total) == ([3, 2], 4)

    run_scenario(items_backend, scenario, Item)


def test_invalid_filters_raise_clear_errors(items_backend: Backend) -> None:
    async def scenario(session: Any, repo: Any) -> None:
        with pytest.raises(RepositoryError, match="no field named 'nope'"):
            await repo.get_many(SearchFilter("nope", "x"))
        with pytest.raises(RepositoryError, match="no field named 'nope'"):
            await repo.get_many(CollectionFilter("nope", [1]))

    run_scenario(items_backend, scenario, Item)


def test_filter_construction_errors() -> None:
    with pytest.raises(ValueError, match="Invalid operator 'nope'. Must be one of: between, dateeq"):
        ComparisonFilter("id", "nope", 1)
    with pytest.raises(ValueError, match="unknown type 'bogus'"):
        MultiFilter({"and_": [{"type": "bogus"}]}).append_to_statement(None, Item)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="limit"):
        LimitOffset(limit=-1, offset=0)
    with pytest.raises(ValueError, match="sort_order"):
        OrderBy("id", "up")  # type: ignore[arg-type]
