"""The ``flask database`` command group (alias ``flask db``): migrations and data utilities.

The commands are those of the ``alchemy`` command line (:func:`advanced_alchemy.cli.add_migration_commands`);
they use the configs of the app's :class:`~advanced_alchemy.extensions.flask.AdvancedAlchemy` extension,
``--bind-key`` choosing one of several.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from flask.cli import ScriptInfo

from advanced_alchemy.cli import CONFIGS_META_KEY, add_migration_commands
from advanced_alchemy.exceptions import ImproperConfigurationError
from advanced_alchemy.utils.cli_tools import click, group

if TYPE_CHECKING:
    from click import Context

    from advanced_alchemy.extensions.flask.extension import AdvancedAlchemy


def get_database_migration_plugin(app: Flask) -> AdvancedAlchemy:
    """The :class:`~advanced_alchemy.extensions.flask.AdvancedAlchemy` extension registered on ``app``.

    Raises:
        ImproperConfigurationError: ``app`` has no Advanced Alchemy extension.
    """
    from advanced_alchemy.extensions.flask.extension import EXTENSION_NAME, AdvancedAlchemy

    extension = app.extensions.get(EXTENSION_NAME)
    if not isinstance(extension, AdvancedAlchemy):
        msg = "Failed to initialize database migrations: the Advanced Alchemy extension is not registered on the app"
        raise ImproperConfigurationError(msg)
    return extension


def _current_app(ctx: Context) -> Flask:
    """The app whose command is running: the active one, else the one the Flask CLI loads."""
    if current_app:
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]  # a LocalProxy
    info = ctx.find_object(ScriptInfo)
    if info is None:
        msg = "No Flask application found: run the command through the 'flask' command line"
        raise click.ClickException(msg)
    return info.load_app()


@group(name="database", aliases=["db"])
@click.pass_context
def database_group(ctx: Context) -> None:
    """Manage SQLAlchemy database components."""

    def configs() -> Any:
        return get_database_migration_plugin(_current_app(ctx)).config

    ctx.meta[CONFIGS_META_KEY] = configs


add_migration_commands(database_group)
