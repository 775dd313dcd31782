"""Flask integration: request-scoped sessions, commit modes, the ``flask database`` commands and a JSON
response helper for services.

Example::

    from flask import Flask

    from advanced_alchemy.extensions.flask import AdvancedAlchemy, SQLAlchemySyncConfig

    app = Flask(__name__)
    alchemy = AdvancedAlchemy(config=SQLAlchemySyncConfig(connection_string="sqlite:///local.db"), app=app)

Use ``alchemy.get_sync_session()`` (or ``get_async_session()``) in views; with ``commit_mode="autocommit"``
the session is committed after a 2xx response and rolled back otherwise.
"""

from advanced_alchemy import base, exceptions, filters, mixins, operations, repository, service, types
from advanced_alchemy.alembic.commands import AlembicCommands
from advanced_alchemy.config import AlembicAsyncConfig, AlembicSyncConfig, AsyncSessionConfig, SyncSessionConfig
from advanced_alchemy.extensions.flask import utils
from advanced_alchemy.extensions.flask.cli import get_database_migration_plugin
from advanced_alchemy.extensions.flask.config import EngineConfig, SQLAlchemyAsyncConfig, SQLAlchemySyncConfig
from advanced_alchemy.extensions.flask.extension import AdvancedAlchemy
from advanced_alchemy.extensions.flask.utils import FlaskServiceMixin

__all__ = (
    "AdvancedAlchemy",
    "AlembicAsyncConfig",
    "AlembicCommands",
    "AlembicSyncConfig",
    "AsyncSessionConfig",
    "EngineConfig",
    "FlaskServiceMixin",
    "SQLAlchemyAsyncConfig",
    "SQLAlchemySyncConfig",
    "SyncSessionConfig",
    "base",
    "exceptions",
    "filters",
    "get_database_migration_plugin",
    "mixins",
    "operations",
    "repository",
    "service",
    "types",
    "utils",
)
