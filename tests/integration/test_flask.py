"""The Flask extension, run for real through Flask's test client and CLI runner.

Covers the seeds' examples (run as written), the commit modes, sync and async configs (async views through
``flask[async]`` and sync views through the portal), several configs with bind keys, the ``flask database``
migration commands on SQLite / PostgreSQL / MariaDB, and ``FlaskServiceMixin.jsonify``.
"""

from __future__ import annotations

import datetime
import itertools
import json
import logging
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest
from flask import Flask, abort, g, redirect
from msgspec import Struct
from sqlalchemy import MetaData, String, create_engine, func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import NullPool

from advanced_alchemy.config.commit import CommitPolicy
from advanced_alchemy.exceptions import ImproperConfigurationError
from advanced_alchemy.extensions._lifecycle import (
    AsyncSessionLifecycle,
    AttributeStateStore,
    MappingStateStore,
    SyncSessionLifecycle,
    session_state_key,
)
from advanced_alchemy.extensions.flask import (
    AdvancedAlchemy,
    AlembicAsyncConfig,
    AlembicSyncConfig,
    EngineConfig,
    FlaskServiceMixin,
    SQLAlchemyAsyncConfig,
    SQLAlchemySyncConfig,
    get_database_migration_plugin,
)
from advanced_alchemy.extensions.flask.cli import database_group
from advanced_alchemy.service import OffsetPagination
from advanced_alchemy.utils.portals import PortalProvider

PG_HOST = os.environ.get("AA_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("AA_PG_PORT", "5432"))
PG_USER = os.environ.get("AA_PG_USER", "postgres")
MARIADB_HOST = os.environ.get("AA_MARIADB_HOST", "127.0.0.1")
MARIADB_PORT = int(os.environ.get("AA_MARIADB_PORT", "3306"))
MARIADB_USER = os.environ.get("AA_MARIADB_USER", "root")
REQUIRE_SERVERS = os.environ.get("AA_REQUIRE_SERVERS", "") not in {"", "0", "false", "False"}
RUN_ID = uuid.uuid4().hex[:8]
_COUNTER = itertools.count()


class _Base(DeclarativeBase):
    metadata = MetaData()


class Widget(_Base):
    __tablename__ = "flask_widget"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


def _bind_key() -> str:
    """A bind key of its own, so the configs' metadata never replaces the default registry entry."""
    return f"flask_test_{next(_COUNTER)}"


def _count(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Widget)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'flask.sqlite'}"


def _sync_config(url: str, **kwargs: Any) -> SQLAlchemySyncConfig:
    return SQLAlchemySyncConfig(
        connection_string=url, metadata=_Base.metadata, bind_key=_bind_key(), create_all=True, **kwargs
    )


def _widget_app(config: Any) -> tuple[Flask, AdvancedAlchemy]:
    """An app whose ``/widgets/<status>`` view adds a widget and answers with ``status``."""
    app = Flask(__name__)
    alchemy = AdvancedAlchemy(config, app)

    @app.route("/widgets/<int:status>", methods=["POST"])
    def add_widget(status: int) -> Any:
        session = alchemy.get_sync_session()
        session.add(Widget(name=f"status-{status}"))
        session.flush()
        if status == 302:
            return redirect("/elsewhere")
        if status >= 400:
            abort(status)
        return "", status

    @app.route("/boom", methods=["POST"])
    def boom() -> Any:
        alchemy.get_sync_session().add(Widget(name="boom"))
        msg = "unhandled"
        raise RuntimeError(msg)

    @app.route("/commit-and-fail", methods=["POST"])
    def commit_and_fail() -> Any:
        session = alchemy.get_sync_session()
        session.add(Widget(name="committed"))
        session.commit()
        abort(400)

    return app, alchemy


# --- the seeds' examples -----------------------------------------------------------------------------------


FULL_EXAMPLE = '''
from __future__ import annotations

import datetime  # noqa: TC003
import os
from uuid import UUID  # noqa: TC003

from flask import Flask, request
from msgspec import Struct
from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from advanced_alchemy.extensions.flask import (
    AdvancedAlchemy,
    FlaskServiceMixin,
    SQLAlchemySyncConfig,
    base,
    filters,
    repository,
    service,
)


class Author(base.UUIDBase):
    """Author model."""

    name: Mapped[str]
    dob: Mapped[datetime.date | None]
    books: Mapped[list[Book]] = relationship(back_populates="author", lazy="noload")


class Book(base.UUIDAuditBase):
    """Book model."""

    title: Mapped[str]
    author_id: Mapped[UUID] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship(lazy="joined", innerjoin=True, viewonly=True)


class AuthorService(service.SQLAlchemySyncRepositoryService[Author], FlaskServiceMixin):
    """Author service."""

    class Repo(repository.SQLAlchemySyncRepository[Author]):
        """Author repository."""

        model_type = Author

    repository_type = Repo


class AuthorSchema(Struct):
    """Author schema."""

    name: str
    id: UUID | None = None
    dob: datetime.date | None = None


app = Flask(__name__)
alchemy_config = SQLAlchemySyncConfig(connection_string="sqlite:///local.db", commit_mode="autocommit", create_all=True)
alchemy = AdvancedAlchemy(alchemy_config, app)


@app.route("/authors", methods=["GET"])
def list_authors():
    """List authors with pagination."""
    page, page_size = request.args.get("currentPage", 1, type=int), request.args.get("pageSize", 10, type=int)
    limit_offset = filters.LimitOffset(limit=page_size, offset=page_size * (page - 1))
    service = AuthorService(session=alchemy.get_sync_session())
    results, total = service.list_and_count(limit_offset)
    response = service.to_schema(results, total, filters=[limit_offset], schema_type=AuthorSchema)
    return service.jsonify(response)


@app.route("/authors", methods=["POST"])
def create_author():
    """Create a new author."""
    service = AuthorService(session=alchemy.get_sync_session())
    obj = service.create(**request.get_json())
    return service.jsonify(obj)


@app.route("/authors/<uuid:author_id>", methods=["GET"])
def get_author(author_id: UUID):
    """Get an existing author."""
    service = AuthorService(session=alchemy.get_sync_session(), load=[Author.books])
    obj = service.get(author_id)
    return service.jsonify(obj)


@app.route("/authors/<uuid:author_id>", methods=["PATCH"])
def update_author(author_id: UUID):
    """Update an author."""
    service = AuthorService(session=alchemy.get_sync_session(), load=[Author.books])
    obj = service.update(**request.get_json(), item_id=author_id)
    return service.jsonify(obj)


@app.route("/authors/<uuid:author_id>", methods=["DELETE"])
def delete_author(author_id: UUID):
    """Delete an author."""
    service = AuthorService(session=alchemy.get_sync_session())
    service.delete(author_id)
    return "", 204


if __name__ == "__main__":
    app.run(debug=os.environ["ENV"] == "dev")
'''

FULL_EXAMPLE_DRIVER = """
import json
import sys

from seed_flask_app import app

client = app.test_client()
steps = {}


def record(name, response):
    steps[name] = [response.status_code, response.get_json(silent=True)]


record("create", client.post("/authors", json={"name": "Ada Lovelace"}))
author_id = steps["create"][1]["id"]
record("create_second", client.post("/authors", json={"name": "Alan Turing", "dob": None}))
record("list", client.get("/authors"))
record("page_2", client.get("/authors?currentPage=2&pageSize=1"))
record("get", client.get(f"/authors/{author_id}"))
record("update", client.patch(f"/authors/{author_id}", json={"name": "Ada King"}))
record("get_updated", client.get(f"/authors/{author_id}"))
record("delete", client.delete(f"/authors/{author_id}"))
record("list_after_delete", client.get("/authors"))
print(json.dumps(steps))
"""


@pytest.mark.sqlite
def test_seed_full_example_runs_as_written(tmp_path: Path) -> None:
    """The seeds' full Flask example, unchanged but for the database path, driven by the test client.

    It runs in a subprocess: its models live in the library's default metadata, which the rest of the
    test-suite shares.
    """
    database = tmp_path / "local.db"
    source = FULL_EXAMPLE.replace("sqlite:///local.db", f"sqlite:///{database}")
    assert source.count(str(database)) == 1
    (tmp_path / "seed_flask_app.py").write_text(source, encoding="utf-8")
    (tmp_path / "driver.py").write_text(FULL_EXAMPLE_DRIVER, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "driver.py"], cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stderr
    steps = json.loads(result.stdout.strip().splitlines()[-1])

    status, created = steps["create"]
    assert status == 200
    assert created["name"] == "Ada Lovelace"
    assert created["dob"] is None
    assert uuid.UUID(created["id"])
    assert steps["create_second"][0] == 200

    status, page = steps["list"]
    assert status == 200
    assert page["total"] == 2
    assert page["limit"] == 10
    assert page["offset"] == 0
    assert sorted(item["name"] for item in page["items"]) == ["Ada Lovelace", "Alan Turing"]
    assert set(page["items"][0]) == {"id", "name", "dob"}
    status, page_2 = steps["page_2"]
    assert (status, page_2["total"], page_2["limit"], page_2["offset"], len(page_2["items"])) == (200, 2, 1, 1, 1)

    assert steps["get"] == [200, created]
    assert steps["update"][0] == 200
    assert steps["update"][1]["name"] == "Ada King"
    assert steps["get_updated"][1]["name"] == "Ada King"  # autocommit persisted the update
    assert steps["delete"] == [204, None]
    status, remaining = steps["list_after_delete"]
    assert [item["name"] for item in remaining["items"]] == ["Alan Turing"]
    assert remaining["total"] == 1
    assert database.exists()


@pytest.mark.duckdb
def test_seed_short_example_on_duckdb() -> None:
    app = Flask(__name__)
    alchemy = AdvancedAlchemy(
        config=SQLAlchemySyncConfig(connection_string="duckdb:///:memory:"),
        app=app,
    )

    @app.route("/answer")
    def answer() -> Any:
        return {"answer": alchemy.get_sync_session().execute(text("SELECT 42")).scalar_one()}

    response = app.test_client().get("/answer")
    assert response.status_code == 200
    assert response.get_json() == {"answer": 42}
    assert app.extensions["advanced_alchemy"] is alchemy


# --- commit modes ------------------------------------------------------------------------------------------


COMMIT_CASES = [
    # mode, status, committed
    ("autocommit", 200, True),
    ("autocommit", 201, True),
    ("autocommit", 204, True),
    ("autocommit", 302, False),
    ("autocommit", 400, False),
    ("autocommit", 404, False),
    ("autocommit", 500, False),
    ("autocommit_include_redirect", 200, True),
    ("autocommit_include_redirect", 302, True),
    ("autocommit_include_redirect", 400, False),
    ("autocommit_include_redirect", 500, False),
    ("manual", 200, False),
    ("manual", 302, False),
    ("manual", 400, False),
]


@pytest.mark.sqlite
@pytest.mark.parametrize(("mode", "status", "committed"), COMMIT_CASES)
def test_commit_modes(db_url: str, mode: Any, status: int, committed: bool) -> None:
    app, _ = _widget_app(_sync_config(db_url, commit_mode=mode))
    response = app.test_client().post(f"/widgets/{status}")
    assert response.status_code == status
    assert _count(db_url) == (1 if committed else 0)


@pytest.mark.sqlite
@pytest.mark.parametrize("mode", ["autocommit", "autocommit_include_redirect"])
@pytest.mark.parametrize("propagate", [True, False], ids=["propagated", "handled"])
def test_unhandled_exception_rolls_back(db_url: str, mode: Any, propagate: bool) -> None:
    """An unhandled error rolls back, whether Flask re-raises it (testing) or answers 500 itself."""
    app, alchemy = _widget_app(_sync_config(db_url, commit_mode=mode))
    app.config["PROPAGATE_EXCEPTIONS"] = propagate
    client = app.test_client()
    if propagate:
        with pytest.raises(RuntimeError, match="unhandled"):
            client.post("/boom")
    else:
        assert client.post("/boom").status_code == 500
    assert _count(db_url) == 0
    # the pool is not left with a checked-out connection or an open transaction
    assert client.post("/widgets/201").status_code == 201
    assert _count(db_url) == 1


@pytest.mark.sqlite
def test_manual_mode_keeps_what_the_view_committed(db_url: str) -> None:
    app, _ = _widget_app(_sync_config(db_url))  # manual is the default
    assert app.test_client().post("/commit-and-fail").status_code == 400
    assert _count(db_url) == 1


@pytest.mark.sqlite
def test_commit_mode_is_validated(db_url: str) -> None:
    with pytest.raises(ImproperConfigurationError, match="Unknown commit mode 'always'"):
        _sync_config(db_url, commit_mode="always")
    assert SQLAlchemySyncConfig().commit_mode == "manual"
    assert SQLAlchemyAsyncConfig().commit_mode == "manual"
    assert _sync_config(db_url, commit_mode="autocommit").commit_policy == CommitPolicy.from_mode("autocommit")


@pytest.mark.sqlite
def test_a_failing_commit_is_logged_and_swallowed(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    app = Flask(__name__)
    alchemy = AdvancedAlchemy(_sync_config(db_url, commit_mode="autocommit"), app)

    @app.route("/bad")
    def bad() -> Any:
        alchemy.get_sync_session().add(Widget(id=1, name=None))  # NOT NULL fails at commit (flush) time
        return "", 201

    with caplog.at_level(logging.DEBUG, logger="advanced_alchemy.extensions"):
        assert app.test_client().get("/bad").status_code == 201
    assert _count(db_url) == 0
    assert any("session commit" in record.getMessage() for record in caplog.records)


# --- sessions ----------------------------------------------------------------------------------------------


@pytest.mark.sqlite
def test_one_session_per_request_stored_in_g_and_closed_after(db_url: str) -> None:
    app = Flask(__name__)
    config = _sync_config(db_url)
    alchemy = AdvancedAlchemy(config, app)
    seen: list[Session] = []
    key = f"advanced_alchemy_session_{config.bind_key}"

    @app.route("/")
    def view() -> Any:
        session = alchemy.get_sync_session()
        assert alchemy.get_session() is session
        assert alchemy.get_sync_session(config.bind_key or "") is session
        assert getattr(g, key) is session
        session.execute(select(Widget))
        assert session.in_transaction()
        seen.append(session)
        return ""

    client = app.test_client()
    client.get("/")
    client.get("/")
    assert len(seen) == 2
    assert seen[0] is not seen[1]
    assert not seen[0].in_transaction()  # finished (rolled back and closed) after the request
    with app.app_context():
        assert not hasattr(g, key)


@pytest.mark.sqlite
def test_session_in_an_app_context_outside_requests(db_url: str) -> None:
    app = Flask(__name__)
    alchemy = AdvancedAlchemy(_sync_config(db_url), app)
    with app.app_context():
        session = alchemy.get_sync_session()
        session.add(Widget(name="script"))
        session.commit()
        session.add(Widget(name="left over"))
        session.flush()
    assert not session.in_transaction()  # teardown_appcontext rolled back the rest and closed it
    assert _count(db_url) == 1


@pytest.mark.sqlite
def test_with_session_makes_an_independent_session_and_closes_it(db_url: str) -> None:
    app = Flask(__name__)
    alchemy = AdvancedAlchemy(_sync_config(db_url), app)
    with alchemy.with_session() as session:  # no app context needed
        assert isinstance(session, Session)
        session.add(Widget(name="with"))
        session.commit()
        session.execute(select(Widget))
        assert session.in_transaction()
    assert not session.in_transaction()
    with app.app_context(), alchemy.with_session() as other:
        assert other is not alchemy.get_session()
    assert _count(db_url) == 1


@pytest.mark.sqlite
def test_several_configs_by_bind_key(tmp_path: Path) -> None:
    users = SQLAlchemySyncConfig(connection_string=f"sqlite:///{tmp_path / 'users.db'}", bind_key="users")
    products = SQLAlchemySyncConfig(connection_string=f"sqlite:///{tmp_path / 'products.db'}", bind_key="products")
    app = Flask(__name__)
    alchemy = AdvancedAlchemy([users, products], app)
    assert list(alchemy.config) == [users, products]
    assert not alchemy.is_async_enabled
    with app.app_context():
        users_session = alchemy.get_sync_session("users")
        products_session = alchemy.get_sync_session("products")
        assert users_session is not products_session
        assert users_session.get_bind().engine.url.database == str(tmp_path / "users.db")
        assert products_session.get_bind().engine.url.database == str(tmp_path / "products.db")
        with pytest.raises(ImproperConfigurationError, match="No config with bind key 'default'"):
            alchemy.get_session()
        with pytest.raises(ImproperConfigurationError, match="'orders'"):
            alchemy.get_session("orders")


@pytest.mark.sqlite
def test_single_config_answers_to_the_default_bind_key(db_url: str) -> None:
    config = SQLAlchemySyncConfig(connection_string=db_url, bind_key="only")
    app = Flask(__name__)
    alchemy = AdvancedAlchemy(config, app)
    with app.app_context():
        assert alchemy.get_session() is alchemy.get_session("only")
        with pytest.raises(ImproperConfigurationError):
            alchemy.get_session("other")


def test_configuration_errors(db_url: str) -> None:
    with pytest.raises(ImproperConfigurationError, match="distinct 'bind_key'"):
        AdvancedAlchemy([SQLAlchemySyncConfig(connection_string=db_url), SQLAlchemySyncConfig(bind_key="default")])
    with pytest.raises(ImproperConfigurationError, match="at least one"):
        AdvancedAlchemy([])
    from advanced_alchemy.config import SQLAlchemySyncConfig as PlainConfig

    with pytest.raises(ImproperConfigurationError, match="advanced_alchemy.extensions.flask"):
        AdvancedAlchemy(PlainConfig(connection_string=db_url))  # type: ignore[arg-type]

    app = Flask(__name__)
    alchemy = AdvancedAlchemy(SQLAlchemySyncConfig(connection_string=db_url))
    with pytest.raises(ImproperConfigurationError, match="not registered"):
        get_database_migration_plugin(app)
    alchemy.init_app(app)
    assert app.extensions["advanced_alchemy"] is alchemy
    assert get_database_migration_plugin(app) is alchemy
    with pytest.raises(ImproperConfigurationError, match="already registered"):
        alchemy.init_app(app)
    with app.app_context(), pytest.raises(ImproperConfigurationError, match="use get_sync_session"):
        alchemy.get_async_session()


@pytest.mark.sqlite
def test_init_app_factory_pattern(db_url: str) -> None:
    config = _sync_config(db_url, commit_mode="autocommit")
    alchemy = AdvancedAlchemy(config)
    assert config.app is None

    def create_app() -> Flask:
        app = Flask(__name__)
        alchemy.init_app(app)

        @app.route("/", methods=["POST"])
        def add() -> Any:
            alchemy.get_sync_session().add(Widget(name="factory"))
            return "", 201

        return app

    app = create_app()
    assert config.app is app
    assert inspect(config.get_engine()).has_table("flask_widget")  # create_all ran at init_app
    assert app.test_client().post("/").status_code == 201
    assert _count(db_url) == 1


# --- async configs -----------------------------------------------------------------------------------------


@pytest.fixture
def async_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'flask.sqlite'}"


@pytest.mark.sqlite
@pytest.mark.parametrize(("mode", "status", "committed"), [c for c in COMMIT_CASES if c[1] in {201, 302, 400}])
def test_async_views_with_an_async_config(async_url: str, mode: Any, status: int, committed: bool) -> None:
    config = SQLAlchemyAsyncConfig(
        connection_string=async_url, metadata=_Base.metadata, bind_key=_bind_key(), create_all=True, commit_mode=mode
    )
    app = Flask(__name__)
    alchemy = AdvancedAlchemy(config, app)
    assert alchemy.is_async_enabled

    @app.route("/widgets/<int:code>", methods=["POST"])
    async def add(code: int) -> Any:
        session = alchemy.get_async_session()
        assert isinstance(session, AsyncSession)
        session.add(Widget(name="async"))
        await session.flush()
        assert (await session.execute(select(func.count()).select_from(Widget))).scalar_one() == 1
        if code == 302:
            return redirect("/elsewhere")
        return "", code

    response = app.test_client().post(f"/widgets/{status}")
    assert response.status_code == status
    assert _count(async_url.replace("+aiosqlite", "")) == (1 if committed else 0)


@pytest.mark.sqlite
def test_async_session_from_sync_views_through_the_portal(async_url: str) -> None:
    config = SQLAlchemyAsyncConfig(
        connection_string=async_url,
        metadata=_Base.metadata,
        bind_key=_bind_key(),
        create_all=True,
        commit_mode="autocommit",
    )
    app = Flask(__name__)
    alchemy = AdvancedAlchemy(config, app)

    @app.route("/widgets", methods=["POST"])
    def add() -> Any:
        session = alchemy.get_async_session()
        session.add(Widget(name="portal"))
        alchemy.portal.call(session.flush)
        return "", 201

    @app.route("/widgets")
    def names() -> Any:
        session = alchemy.get_async_session()
        result = alchemy.portal.call(session.execute, select(Widget.name))
        return {"names": list(result.scalars())}

    client = app.test_client()
    assert client.post("/widgets").status_code == 201
    assert client.post("/widgets").status_code == 201
    assert client.get("/widgets").get_json() == {"names": ["portal", "portal"]}
    with alchemy.with_session() as session:
        assert isinstance(session, AsyncSession)
        assert alchemy.portal.call(session.scalar, select(func.count()).select_from(Widget)) == 2
    config.close_engines(alchemy.portal)


@pytest.mark.sqlite
def test_sync_and_async_configs_side_by_side(tmp_path: Path) -> None:
    sync_config = SQLAlchemySyncConfig(
        connection_string=f"sqlite:///{tmp_path / 'sync.db'}",
        metadata=_Base.metadata,
        bind_key="sync",
        create_all=True,
        commit_mode="autocommit",
    )
    async_config = SQLAlchemyAsyncConfig(
        connection_string=f"sqlite+aiosqlite:///{tmp_path / 'async.db'}",
        metadata=_Base.metadata,
        bind_key="async",
        create_all=True,
        commit_mode="autocommit",
    )
    app = Flask(__name__)
    alchemy = AdvancedAlchemy([sync_config, async_config], app)

    @app.route("/", methods=["POST"])
    async def both() -> Any:
        alchemy.get_sync_session("sync").add(Widget(name="sync"))
        alchemy.get_async_session("async").add(Widget(name="async"))
        return "", 201

    assert app.test_client().post("/").status_code == 201
    assert _count(f"sqlite:///{tmp_path / 'sync.db'}") == 1
    assert _count(f"sqlite:///{tmp_path / 'async.db'}") == 1
    with app.app_context(), pytest.raises(ImproperConfigurationError, match="use get_async_session"):
        alchemy.get_sync_session("async")


def test_portal_provider() -> None:
    provider = PortalProvider()
    assert PortalProvider() is provider  # one per process
    provider.start()
    assert provider.is_running
    assert provider.is_ready

    async def add(a: int, b: int = 0) -> int:
        return a + b

    async def fail() -> None:
        msg = "inside"
        raise ValueError(msg)

    assert provider.portal.call(add, 1, b=2) == 3
    assert provider.call(add, 5) == 5
    with pytest.raises(ValueError, match="inside"):
        provider.portal.call(fail)
    loop = provider.loop
    assert loop.is_running()


# --- the lifecycle on its own ------------------------------------------------------------------------------


@pytest.mark.sqlite
def test_lifecycle_without_a_framework(db_url: str) -> None:
    config = _sync_config(db_url)
    lifecycle = SyncSessionLifecycle(
        config.create_session_maker(), CommitPolicy.from_mode("autocommit"), key=session_state_key("x")
    )
    state: dict[str, Any] = {}
    store = MappingStateStore(state)
    assert lifecycle.end_request(store, 200) is None  # no session was used
    session = lifecycle.get_session(store)
    assert lifecycle.get_session(store) is session
    assert state == {"advanced_alchemy_session_x": session}
    session.add(Widget(name="kept"))
    assert lifecycle.end_request(store, 201) == "commit"
    assert state == {}
    lifecycle.get_session(store).add(Widget(name="dropped"))
    assert lifecycle.end_request(store, None) == "rollback"  # no response: 500
    assert _count(db_url) == 1

    class Namespace:
        pass

    holder = Namespace()
    attribute_store = AttributeStateStore(holder)
    assert lifecycle.get_session(attribute_store) is holder.advanced_alchemy_session_x  # type: ignore[attr-defined]
    assert lifecycle.end_request(attribute_store, 404) == "rollback"
    assert not hasattr(holder, "advanced_alchemy_session_x")
    assert session_state_key() == session_state_key(None) == "advanced_alchemy_session_default"


@pytest.mark.sqlite
async def test_async_lifecycle(async_url: str) -> None:
    config = SQLAlchemyAsyncConfig(
        connection_string=async_url, metadata=_Base.metadata, bind_key=_bind_key(), create_all=True
    )
    await config.create_all_metadata()
    lifecycle = AsyncSessionLifecycle(
        config.create_session_maker(), CommitPolicy.from_mode("autocommit_include_redirect")
    )
    store = MappingStateStore({})
    lifecycle.get_session(store).add(Widget(name="redirected"))
    assert await lifecycle.end_request(store, 303) == "commit"
    lifecycle.get_session(store).add(Widget(name="failed"))
    assert await lifecycle.end_request(store, 400) == "rollback"
    assert await lifecycle.end_request(store, 200) is None
    await config.get_engine().dispose()
    assert _count(async_url.replace("+aiosqlite", "")) == 1


# --- FlaskServiceMixin.jsonify -----------------------------------------------------------------------------


class _Service(FlaskServiceMixin):
    pass


class WidgetSchema(Struct):
    id: int
    name: str
    when: Optional[datetime.date] = None


def test_jsonify() -> None:
    app = Flask(__name__)
    service = _Service()
    with app.app_context():
        response = service.jsonify(Widget(id=3, name="model"))
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        assert response.get_json() == {"id": 3, "name": "model"}

        page = OffsetPagination(items=[WidgetSchema(1, "a", datetime.date(2024, 5, 6))], limit=10, offset=0, total=1)
        response = service.jsonify(page, status_code=201)
        assert response.status_code == 201
        assert response.get_json() == {
            "items": [{"id": 1, "name": "a", "when": "2024-05-06"}],
            "limit": 10,
            "offset": 0,
            "total": 1,
        }

        the_id = uuid.uuid4()
        assert service.jsonify({"id": the_id}, extra=True).get_json() == {"id": str(the_id), "extra": True}
        assert service.jsonify(1, 2, 3).get_json() == [1, 2, 3]
        assert service.jsonify(None, ok=True).get_json() == {"ok": True}
        assert service.jsonify(None).get_json() is None
        with pytest.raises(TypeError):
            service.jsonify([1], extra=True)
        with pytest.raises(TypeError):
            service.jsonify({"a": 1}, 2, b=3)

        class CustomResponse(app.response_class):  # type: ignore[name-defined,misc]
            pass

        app.response_class = CustomResponse
        assert isinstance(service.jsonify({}), CustomResponse)
    assert service.jsonify({"outside": "app"}).get_json() == {"outside": "app"}  # no app context needed


# --- flask database ... ------------------------------------------------------------------------------------


def _unavailable(name: str, exc: BaseException) -> None:
    message = f"{name} server is not reachable: {exc}"
    if REQUIRE_SERVERS:
        pytest.fail(message + " (AA_REQUIRE_SERVERS is set: a missing server is a failure)", pytrace=False)
    pytest.skip(message)


@contextmanager
def _server_database(backend: str) -> Iterator[str]:
    """A database of its own on a server backend, so autogenerate sees only this test's tables."""
    name = f"aa_flask_{RUN_ID}_{next(_COUNTER)}"
    if backend == "postgres":
        admin_url = f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/postgres"
        create, drop = f'CREATE DATABASE "{name}"', f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    else:
        admin_url = f"mysql+pymysql://{MARIADB_USER}@{MARIADB_HOST}:{MARIADB_PORT}/"
        create, drop = f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4", f"DROP DATABASE IF EXISTS `{name}`"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(create))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        _unavailable("PostgreSQL" if backend == "postgres" else "MariaDB", exc)
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(drop))
        admin.dispose()


@dataclass
class CliProject:
    app: Flask
    directory: Path
    sync_url: str

    def invoke(self, *args: str, input: Optional[str] = None, expect: int = 0) -> Any:
        result = self.app.test_cli_runner().invoke(args=list(args), input=input)
        assert result.exit_code == expect, (result.output, result.exception)
        return result

    @property
    def versions(self) -> list[Path]:
        return sorted((self.directory / "migrations" / "versions").glob("[!_]*.py"))

    def tables(self) -> set[str]:
        engine = create_engine(self.sync_url, poolclass=NullPool)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()


CLI_BACKENDS = [
    pytest.param(("sqlite", False), marks=pytest.mark.sqlite, id="sqlite"),
    pytest.param(("sqlite", True), marks=pytest.mark.sqlite, id="aiosqlite"),
    pytest.param(("postgres", False), marks=pytest.mark.postgres, id="postgres"),
    pytest.param(("postgres", True), marks=pytest.mark.postgres, id="asyncpg"),
    pytest.param(("mariadb", False), marks=pytest.mark.mariadb, id="mariadb"),
    pytest.param(("mariadb", True), marks=pytest.mark.mariadb, id="asyncmy"),
]


class _CliBase(DeclarativeBase):
    metadata = MetaData()


class CliNote(_CliBase):
    __tablename__ = "flask_cli_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(200))


@contextmanager
def _maybe_server_database(backend: str) -> Iterator[Optional[str]]:
    if backend == "sqlite":
        yield None
        return
    with _server_database(backend) as name:
        yield name


def test_flask_database_migration_round_trip(cli_project: CliProject) -> None:
    """The seeds' spelling: init, revision --autogenerate -m, upgrade, downgrade, history."""
    project = cli_project
    project.invoke("database", "init", input="y\n")
    assert (project.directory / "migrations" / "env.py").is_file()

    project.invoke("database", "revision", "--autogenerate", "-m", "Add notes table")
    assert len(project.versions) == 1
    assert "create_table" in project.versions[0].read_text(encoding="utf-8")

    project.invoke("database", "upgrade", input="y\n")
    assert {"flask_cli_note", "flask_cli_versions"} <= project.tables()
    history = project.invoke("database", "history")
    assert "Add notes table" in history.output

    project.invoke("database", "downgrade", input="y\n")
    assert "flask_cli_note" not in project.tables()
    project.invoke("db", "upgrade", "--no-prompt")  # the 'db' alias
    assert "flask_cli_note" in project.tables()


@pytest.mark.sqlite
def test_flask_database_help_lists_the_commands(db_url: str) -> None:
    app, _ = _widget_app(_sync_config(db_url))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["database", "--help"])
    assert result.exit_code == 0, result.output
    for name in ("init", "make-migrations", "revision", "upgrade", "downgrade", "history", "drop-all", "dump-data"):
        assert re.search(rf"\b{re.escape(name)}\b", result.output), name
    top = runner.invoke(args=["--help"])
    assert "database" in top.output
    assert not re.search(r"^\s+db\b", top.output, re.MULTILINE)  # the alias is hidden
    assert runner.invoke(args=["db", "--help"]).exit_code == 0
    assert set(database_group.commands) >= {
        "branches",
        "check",
        "downgrade",
        "drop-all",
        "dump-data",
        "edit",
        "ensure-version",
        "heads",
        "history",
        "init",
        "list-templates",
        "make-migrations",
        "merge",
        "show",
        "show-current-revision",
        "stamp",
        "upgrade",
    }


@pytest.mark.sqlite
def test_flask_database_without_the_extension_is_a_one_line_error() -> None:
    app = Flask(__name__)
    app.cli.add_command(database_group)
    result = app.test_cli_runner().invoke(args=["database", "heads"])
    assert result.exit_code == 1
    assert "Advanced Alchemy extension is not registered" in result.output


@pytest.fixture(params=CLI_BACKENDS)
def cli_project(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CliProject]:
    backend, is_async = request.param
    with _maybe_server_database(backend) as database:
        if backend == "sqlite":
            path = tmp_path / "cli.sqlite"
            url, sync_url = f"sqlite+{'aiosqlite' if is_async else 'pysqlite'}:///{path}", f"sqlite:///{path}"
        elif backend == "postgres":
            base = f"{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"
            url, sync_url = (
                f"postgresql+{'asyncpg' if is_async else 'psycopg'}://{base}",
                f"postgresql+psycopg://{base}",
            )
        else:
            base = f"{MARIADB_USER}@{MARIADB_HOST}:{MARIADB_PORT}/{database}?charset=utf8mb4"
            url, sync_url = f"mysql+{'asyncmy' if is_async else 'pymysql'}://{base}", f"mysql+pymysql://{base}"
        config_class: Any = SQLAlchemyAsyncConfig if is_async else SQLAlchemySyncConfig
        alembic_class: Any = AlembicAsyncConfig if is_async else AlembicSyncConfig
        config = config_class(
            connection_string=url,
            metadata=_CliBase.metadata,
            bind_key=_bind_key(),
            engine_config=EngineConfig(poolclass=NullPool),
            alembic_config=alembic_class(
                script_location=f"{tmp_path}/migrations",
                script_config=f"{tmp_path}/alembic.ini",
                version_table_name="flask_cli_versions",
            ),
        )
        app = Flask(__name__)
        AdvancedAlchemy(config, app)
        yield CliProject(app, tmp_path, sync_url)
