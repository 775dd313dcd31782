"""Property: for any combination of filters, the database repository and the in-memory mock agree.

A fixed, seeded dataset is written both to a real database (every backend) and to
``SQLAlchemySyncMockRepository``. Hypothesis then draws random lists of filters (collections, searches,
date ranges, NULL checks, booleans, comparisons, ``FilterGroup``/``MultiFilter`` trees, keyword equality),
a deterministic ``OrderBy`` and optionally a ``LimitOffset``, and checks that ``get_many``, ``count`` and
``get_many_and_count`` return exactly the same ids, in the same order, from both repositories.

The data is chosen so every backend must give the same answer: lowercase ASCII names (LIKE is
case-insensitive on SQLite/MariaDB), no trailing spaces (MariaDB pads), scores that are exact binary
fractions and whole-second UTC timestamps. Orderings end with the unique ``id`` and ``NULL`` placement is
explicit, so row order is fully determined.

Edge cases the property found once (NULL against IN / NOT IN, constant WHERE clauses) are also pinned as
plain regression tests at the bottom of the file.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections.abc import Iterator
from typing import Any, Optional

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, Float, MetaData, String, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from support import Backend

from advanced_alchemy.filters import (
    BeforeAfter,
    BooleanFilter,
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
    StatementFilter,
)
from advanced_alchemy.repository import SQLAlchemyAsyncRepository, SQLAlchemySyncRepository
from advanced_alchemy.repository.memory import SQLAlchemySyncMockRepository
from advanced_alchemy.types import DateTimeUTC

UTC = datetime.timezone.utc
T0 = datetime.datetime(2024, 3, 1, tzinfo=UTC)
HOURS = 72
NAME_CHARS = "abc%_ "
QTY_RANGE = (-3, 9)
ROW_COUNT = 40


class Base(DeclarativeBase):
    metadata = MetaData()


class PropRow(Base):
    __tablename__ = "flt_prop_row"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(30))
    qty: Mapped[Optional[int]] = mapped_column(default=None)
    score: Mapped[float] = mapped_column(Float)
    active: Mapped[bool]
    created: Mapped[datetime.datetime] = mapped_column(DateTimeUTC)


class PropRowRepository(SQLAlchemySyncRepository[PropRow]):
    model_type = PropRow


class PropRowAsyncRepository(SQLAlchemyAsyncRepository[PropRow]):
    model_type = PropRow


class PropRowMockRepository(SQLAlchemySyncMockRepository[PropRow]):
    model_type = PropRow


def _dataset() -> list[dict[str, Any]]:
    rng = random.Random(20240301)
    rows = []
    for row_id in range(1, ROW_COUNT + 1):
        name = "".join(rng.choice(NAME_CHARS) for _ in range(rng.randint(1, 6))).rstrip() or "a"
        rows.append(
            {
                "id": row_id,
                "name": name,
                "qty": None if rng.random() < 0.25 else rng.randint(*QTY_RANGE),
                "score": rng.randint(-8, 8) / 2,
                "active": rng.random() < 0.5,
                "created": T0 + datetime.timedelta(hours=rng.randrange(HOURS)),
            }
        )
    return rows


ROWS = _dataset()
NAMES = sorted({row["name"] for row in ROWS})


def _instances() -> list[PropRow]:
    """Fresh ORM instances (never shared between a session and the mock store)."""
    return [PropRow(**row) for row in ROWS]


# --- strategies ------------------------------------------------------------------------------------------

ids_ = st.integers(0, ROW_COUNT + 2)
qtys = st.integers(QTY_RANGE[0] - 1, QTY_RANGE[1] + 1)
scores = st.integers(-10, 10).map(lambda n: n / 2)
names = st.one_of(
    st.sampled_from(NAMES),
    st.text(alphabet=NAME_CHARS, min_size=1, max_size=4).map(str.rstrip).filter(bool),
)
zones = st.sampled_from(
    [UTC, datetime.timezone(datetime.timedelta(hours=2)), datetime.timezone(-datetime.timedelta(hours=5, minutes=30))]
)
moments = st.builds(
    lambda hours, zone: (T0 + datetime.timedelta(hours=hours)).astimezone(zone), st.integers(-2, HOURS + 2), zones
)
optional_moments = st.none() | moments


def _values(element: st.SearchStrategy[Any], *, min_size: int = 0) -> st.SearchStrategy[Any]:
    return st.none() | st.lists(st.none() | element, min_size=min_size, max_size=5)


def _collection_filters(min_size: int) -> st.SearchStrategy[CollectionFilter[Any]]:
    return st.one_of(
        st.builds(CollectionFilter, st.just("id"), _values(ids_, min_size=min_size)),
        st.builds(CollectionFilter, st.just("qty"), _values(qtys, min_size=min_size)),
        st.builds(CollectionFilter, st.just("name"), _values(names, min_size=min_size)),
    )


not_in_collection_filters = st.one_of(
    st.builds(NotInCollectionFilter, st.just("id"), _values(ids_)),
    st.builds(NotInCollectionFilter, st.just("qty"), _values(qtys)),
    st.builds(NotInCollectionFilter, st.just("name"), _values(names)),
)


@st.composite
def search_filters(draw: st.DrawFn) -> SearchFilter:
    ignore_case = draw(st.booleans())
    # with ignore_case=False only lowercase text: LIKE is case-insensitive on SQLite and MariaDB
    alphabet = NAME_CHARS + ("ABC" if ignore_case else "")
    value = draw(st.text(alphabet=alphabet, max_size=3))
    cls = draw(st.sampled_from([SearchFilter, NotInSearchFilter]))
    return cls("name", value, ignore_case=ignore_case, escape_wildcards=draw(st.booleans()))


date_filters = st.one_of(
    st.builds(BeforeAfter, st.just("created"), optional_moments, optional_moments),
    st.builds(OnBeforeAfter, st.just("created"), optional_moments, optional_moments),
)
null_filters = st.builds(NullFilter, st.just("qty")) | st.builds(NotNullFilter, st.just("qty"))
boolean_filters = st.builds(BooleanFilter, st.just("active"), st.none() | st.booleans())
ORDER_OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le"]
comparison_filters = st.one_of(
    st.builds(ComparisonFilter, st.just("qty"), st.sampled_from(ORDER_OPERATORS), qtys),
    st.builds(ComparisonFilter, st.just("score"), st.sampled_from(ORDER_OPERATORS), scores),
    st.builds(ComparisonFilter, st.just("id"), st.just("in"), st.lists(ids_, min_size=1, max_size=4)),
    st.builds(
        ComparisonFilter,
        st.just("score"),
        st.just("between"),
        st.tuples(scores, scores).map(lambda t: tuple(sorted(t))),
    ),
    st.builds(
        ComparisonFilter,
        st.just("name"),
        st.sampled_from(["startswith", "endswith"]),
        st.text(alphabet=NAME_CHARS, min_size=1, max_size=2),
    ),
)


def _any_of(*kinds: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of ``kinds``, each kind equally likely (``st.one_of`` weighs every nested alternative)."""
    return st.sampled_from(kinds).flatmap(lambda kind: kind)


COMMON_LEAF_KINDS = (
    not_in_collection_filters,
    search_filters(),
    date_filters,
    null_filters,
    boolean_filters,
    comparison_filters,
)
leaf_filters = _any_of(*COMMON_LEAF_KINDS, _collection_filters(min_size=0))
# Inside a group every sub-filter is evaluated in memory from its WHERE clause (constants included).
group_leaf_filters = leaf_filters


def _group(children: st.SearchStrategy[StatementFilter]) -> st.SearchStrategy[FilterGroup]:
    return st.builds(FilterGroup, st.sampled_from([and_, or_]), st.lists(children, min_size=1, max_size=3))


filter_groups = _group(st.recursive(group_leaf_filters, _group, max_leaves=4))

MULTI_TYPES = {
    CollectionFilter: "collection",
    NotInCollectionFilter: "not_in_collection",
    SearchFilter: "search",
    NotInSearchFilter: "not_in_search",
    BeforeAfter: "before_after",
    OnBeforeAfter: "on_before_after",
    NullFilter: "null",
    NotNullFilter: "not_null",
    BooleanFilter: "boolean",
    ComparisonFilter: "comparison",
}


def _condition(item: StatementFilter) -> dict[str, Any]:
    """``item`` as a :class:`MultiFilter` condition dict."""
    return {"type": MULTI_TYPES[type(item)], **{f.name: getattr(item, f.name) for f in dataclasses.fields(item)}}


logical_operators = st.sampled_from(["and_", "or_"])
multi_conditions = st.recursive(
    group_leaf_filters.map(_condition),
    lambda children: st.builds(
        lambda op, items: {op: items}, logical_operators, st.lists(children, min_size=1, max_size=3)
    ),
    max_leaves=6,
)
multi_filters = st.builds(
    MultiFilter,
    st.fixed_dictionaries(
        {}, optional={"and_": st.lists(multi_conditions, max_size=3), "or_": st.lists(multi_conditions, max_size=3)}
    ),
)

directions = st.sampled_from(["asc", "desc"])
orderings = st.one_of(
    st.builds(lambda d: [OrderBy("id", d)], directions),
    st.builds(
        lambda field, d1, d2: [OrderBy(field, d1), OrderBy("id", d2)],
        st.sampled_from(["score", "created", "active"]),
        directions,
        directions,
    ),
    st.builds(
        lambda d1, nulls, d2: [OrderBy("qty", d1, nulls), OrderBy("id", d2)],
        directions,
        st.sampled_from(["first", "last"]),
        directions,
    ),
)
pages = st.lists(st.builds(LimitOffset, st.integers(0, 12), st.integers(0, ROW_COUNT + 5)), max_size=1)
# at most one keyword: each one alone already narrows the 40 rows a lot
keyword_filters = st.booleans().flatmap(
    lambda use: (
        st.one_of(
            st.builds(lambda value: {"active": value}, st.booleans()),
            st.builds(lambda value: {"qty": value}, st.none() | qtys),
            st.builds(lambda value: {"name": value}, st.sampled_from(NAMES)),
        )
        if use
        else st.just({})
    )
)


@st.composite
def queries(draw: st.DrawFn) -> tuple[list[StatementFilter], dict[str, Any]]:
    """0-4 filters, a deterministic ordering and maybe a page, in random order, plus keyword equality."""
    filters = draw(st.lists(_any_of(leaf_filters, leaf_filters, filter_groups, multi_filters), max_size=4))
    ordering = draw(orderings)
    combined = draw(st.permutations([*filters, *ordering, *draw(pages)]))
    # the OrderBy filters keep their relative order: the first is the primary key and ``id`` comes last
    sort_keys = iter(ordering)
    combined = [next(sort_keys) if isinstance(f, OrderBy) else f for f in combined]
    return combined, draw(keyword_filters)


SETTINGS = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# --- the property ----------------------------------------------------------------------------------------


def _ids(rows: Any) -> list[int]:
    return [row.id for row in rows]


@pytest.fixture
def mock_repo() -> Iterator[PropRowMockRepository]:
    PropRowMockRepository.__database_clear__()
    repo = PropRowMockRepository(session=None)  # type: ignore[arg-type]
    repo.add_many(_instances())
    yield repo
    PropRowMockRepository.__database_clear__()


def _expected(mock: PropRowMockRepository, filters: list[StatementFilter], kwargs: dict[str, Any]) -> Any:
    rows, total = mock.get_many_and_count(*filters, **kwargs)
    unpaged = [f for f in filters if not isinstance(f, LimitOffset)]
    assert total == len(mock.get_many(*unpaged, **kwargs))
    return _ids(mock.get_many(*filters, **kwargs)), mock.count(*filters, **kwargs), (_ids(rows), total)


def test_sync_repository_matches_mock(engine: Engine, mock_repo: PropRowMockRepository) -> None:
    """``SQLAlchemySyncRepository`` on each backend returns what the in-memory mock returns."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            session.add_all(_instances())
            session.commit()
            repo = PropRowRepository(session=session)

            @SETTINGS
            @given(query=queries())
            def check(query: tuple[list[StatementFilter], dict[str, Any]]) -> None:
                filters, kwargs = query
                rows, total = repo.get_many_and_count(*filters, **kwargs)
                actual = (_ids(repo.get_many(*filters, **kwargs)), repo.count(*filters, **kwargs), (_ids(rows), total))
                assert actual == _expected(mock_repo, filters, kwargs)

            check()
    finally:
        Base.metadata.drop_all(engine)


def test_repository_matches_mock_on_every_driver(backend: Backend, mock_repo: PropRowMockRepository) -> None:
    """The same property through the async repository on async drivers (and the sync one otherwise)."""
    backend.create_all(Base.metadata)

    def seed(session: Session) -> None:
        session.add_all(_instances())
        session.commit()

    try:
        backend.run(seed)
        if backend.is_async:
            async_session = AsyncSession(backend.engine, expire_on_commit=False)  # type: ignore[arg-type]
            async_repo = PropRowAsyncRepository(session=async_session)

            def call(method: str, *args: Any, **kwargs: Any) -> Any:
                return backend._await(getattr(async_repo, method)(*args, **kwargs))

            def close() -> None:
                backend._await(async_session.close())
        else:
            sync_session = Session(backend.engine, expire_on_commit=False)  # type: ignore[arg-type]
            sync_repo = PropRowRepository(session=sync_session)

            def call(method: str, *args: Any, **kwargs: Any) -> Any:
                return getattr(sync_repo, method)(*args, **kwargs)

            close = sync_session.close

        @settings(SETTINGS, max_examples=40)
        @given(query=queries())
        def check(query: tuple[list[StatementFilter], dict[str, Any]]) -> None:
            filters, kwargs = query
            rows, total = call("get_many_and_count", *filters, **kwargs)
            actual = (
                _ids(call("get_many", *filters, **kwargs)),
                call("count", *filters, **kwargs),
                (_ids(rows), total),
            )
            assert actual == _expected(mock_repo, filters, kwargs)

        try:
            check()
        finally:
            close()
    finally:
        backend.drop_all(Base.metadata)


# --- regressions found by the property ----------------------------------------------------------------------
# Each case below gives the same ids on all four databases (the SQL answer written out here).

ALL_IDS = [row["id"] for row in ROWS]
QTY_NOT_NULL_IDS = [row["id"] for row in ROWS if row["qty"] is not None]
QTY_IS_1_IDS = [row["id"] for row in ROWS if row["qty"] == 1]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        pytest.param(
            NotInCollectionFilter("qty", [5]),
            [i for i in QTY_NOT_NULL_IDS if ROWS[i - 1]["qty"] != 5],
            id="not_in_collection_on_nullable_column",
        ),
        pytest.param(CollectionFilter("qty", [None]), [], id="collection_of_none"),
        pytest.param(CollectionFilter("qty", [1, None]), QTY_IS_1_IDS, id="collection_with_none"),
    ],
)
def test_collection_filters_on_null_follow_sql(
    mock_repo: PropRowMockRepository, item: StatementFilter, expected: list[int]
) -> None:
    """``IN`` / ``NOT IN`` never match a NULL field in SQL; the mock must agree."""
    assert _ids(mock_repo.get_many(item, OrderBy("id"))) == expected


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        pytest.param(FilterGroup(and_, [CollectionFilter("id", [])]), [], id="group_with_empty_collection"),
        pytest.param(
            MultiFilter({"or_": [{"type": "collection", "field_name": "id", "values": []}]}),
            [],
            id="multi_filter_with_empty_collection",
        ),
        pytest.param(ExistsFilter([]), [], id="exists_without_values"),
        pytest.param(NotExistsFilter([]), ALL_IDS, id="not_exists_without_values"),
    ],
)
def test_constant_where_clauses_evaluate_in_memory(
    mock_repo: PropRowMockRepository, item: StatementFilter, expected: list[int]
) -> None:
    """Filters whose WHERE clause is a constant ``false()`` / ``true()`` work in the mock as in SQL."""
    assert _ids(mock_repo.get_many(item, OrderBy("id"))) == expected
