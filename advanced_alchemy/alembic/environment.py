"""What the migration templates' ``env.py`` needs: the run settings and a type renderer for autogenerate.

:func:`get_migration_settings` reads the settings from an
:class:`~advanced_alchemy.alembic.commands.AlembicCommandConfig` (commands run through the library) or,
under plain ``alembic``, from ``alembic.ini``:

* ``sqlalchemy.url`` - the database; the ``DATABASE_URL`` environment variable takes precedence.
* ``target_metadata`` - ``package.module:attribute`` naming a :class:`~sqlalchemy.MetaData` (or anything
  with a ``metadata`` attribute, such as a declarative base), or just ``package.module`` to import the
  models and use the library's metadata for ``bind_key``.
* ``version_table``, ``version_table_schema``, ``render_as_batch``, ``compare_type``,
  ``user_module_prefix`` and ``bind_key`` - as in the library's Alembic config.

:func:`render_item` makes autogenerate write the library's column types as importable code.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
from ast import literal_eval
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Optional, Union

from alembic.util import CommandError
from sqlalchemy import MetaData
from sqlalchemy.types import TypeEngine

from advanced_alchemy.alembic.commands import AlembicCommandConfig
from advanced_alchemy.base import metadata_registry

if TYPE_CHECKING:
    from alembic.autogenerate.api import AutogenContext
    from alembic.config import Config
    from sqlalchemy import Engine
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ("DATABASE_URL_ENV", "MigrationSettings", "get_migration_settings", "render_item")

DATABASE_URL_ENV = "DATABASE_URL"
"""Environment variable that overrides ``sqlalchemy.url`` of ``alembic.ini`` under plain ``alembic``."""

_TYPES_MODULE = "advanced_alchemy.types"
_LIBRARY_PREFIX = "advanced_alchemy."
_NEVER_RENDERED = frozenset({"key", "secret", "password"})
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass
class MigrationSettings:
    """Everything ``env.py`` passes to :meth:`alembic.runtime.environment.EnvironmentContext.configure`."""

    url: str
    """Database URL (with password), used for offline (``--sql``) runs and when ``engine`` is ``None``."""
    engine: Optional[Union[Engine, AsyncEngine]]
    """The config's engine, or ``None`` under plain ``alembic`` (``env.py`` then creates one from ``url``)."""
    metadata: MetaData
    version_table_name: str = "alembic_versions"
    version_table_schema: Optional[str] = None
    version_table_pk: bool = True
    render_as_batch: bool = True
    compare_type: bool = False
    user_module_prefix: Optional[str] = "sa."
    configure_logging: bool = False
    """Whether ``env.py`` should apply the ``alembic.ini`` logging sections."""


def get_migration_settings(config: Config) -> MigrationSettings:
    """The settings for this run: from the library's command config, else from ``alembic.ini``.

    Raises:
        alembic.util.CommandError: plain ``alembic`` without a database URL, or a ``target_metadata``
            that cannot be imported.
    """
    if isinstance(config, AlembicCommandConfig):
        return MigrationSettings(
            url=config.db_url,
            engine=config.engine,
            metadata=metadata_registry.get(config.bind_key),
            version_table_name=config.version_table_name,
            version_table_schema=config.version_table_schema,
            version_table_pk=config.version_table_pk,
            render_as_batch=config.render_as_batch,
            compare_type=config.compare_type,
            user_module_prefix=config.user_module_prefix,
            configure_logging=_has_logging_sections(config) and not logging.getLogger().handlers,
        )
    url = os.environ.get(DATABASE_URL_ENV) or config.get_main_option("sqlalchemy.url") or ""
    if not url or url.startswith("driver://"):
        msg = f"No database URL: set `sqlalchemy.url` in {config.config_file_name} or ${DATABASE_URL_ENV}"
        raise CommandError(msg)
    bind_key = config.get_main_option("bind_key") or None
    return MigrationSettings(
        url=url,
        engine=None,
        metadata=_load_metadata(config.get_main_option("target_metadata") or "", bind_key),
        version_table_name=config.get_main_option("version_table") or "alembic_versions",
        version_table_schema=config.get_main_option("version_table_schema") or None,
        render_as_batch=_boolean(config, "render_as_batch", default=True),
        compare_type=_boolean(config, "compare_type", default=False),
        user_module_prefix=config.get_main_option("user_module_prefix", "sa.") or None,
        configure_logging=_has_logging_sections(config),
    )


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> Union[str, Literal[False]]:
    """Render the library's column types as ``advanced_alchemy.types.<Name>(...)`` and import that module.

    Module-level type instances (e.g. ``JsonB``) render as their name; a type class renders with the
    constructor arguments that differ from their defaults and are plain literals (never ``key``, ``secret``
    or ``password``). Everything else is left to Alembic (``False``).
    """
    if type_ != "type" or not isinstance(obj, TypeEngine):
        return False
    exported = _exported_instance_name(obj)
    if exported is not None:
        autogen_context.imports.add(f"import {_TYPES_MODULE}")
        return f"{_TYPES_MODULE}.{exported}"
    cls = type(obj)
    if not cls.__module__.startswith(_LIBRARY_PREFIX):
        return False
    module, name = _import_path(cls)
    autogen_context.imports.add(f"import {module}")
    return f"{module}.{name}({', '.join(_constructor_arguments(obj))})"


def _has_logging_sections(config: Config) -> bool:
    file_name = config.config_file_name
    return bool(file_name) and os.path.exists(str(file_name)) and config.file_config.has_section("loggers")


def _boolean(config: Config, name: str, *, default: bool) -> bool:
    value = (config.get_main_option(name) or "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    msg = f"`{name}` in {config.config_file_name} must be true or false, not {value!r}"
    raise CommandError(msg)


def _load_metadata(spec: str, bind_key: Optional[str]) -> MetaData:
    """Import ``module[:attribute]``; the attribute (or the registry's metadata for ``bind_key``) is the target."""
    spec = spec.strip()
    if not spec:
        return metadata_registry.get(bind_key)
    module_name, _, attribute = spec.partition(":")
    try:
        target: Any = importlib.import_module(module_name.strip())
        if not attribute:
            return metadata_registry.get(bind_key)
        for part in attribute.strip().split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError) as exc:
        msg = f"Cannot load target_metadata {spec!r}: {exc}"
        raise CommandError(msg) from exc
    metadata = target if isinstance(target, MetaData) else getattr(target, "metadata", None)
    if not isinstance(metadata, MetaData):
        msg = f"target_metadata {spec!r} is neither a MetaData nor has a `metadata` attribute"
        raise CommandError(msg)
    return metadata


def _exported_instance_name(obj: TypeEngine[Any]) -> Optional[str]:
    types_module = importlib.import_module(_TYPES_MODULE)
    for name in getattr(types_module, "__all__", ()):
        if getattr(types_module, name, None) is obj:
            return str(name)
    return None


def _import_path(cls: type[Any]) -> tuple[str, str]:
    """``(module, name)`` to reach ``cls``: its public name in ``advanced_alchemy.types`` when it has one."""
    types_module = importlib.import_module(_TYPES_MODULE)
    if getattr(types_module, cls.__name__, None) is cls:
        return _TYPES_MODULE, cls.__name__
    for name in getattr(types_module, "__all__", ()):
        if getattr(types_module, name, None) is cls:
            return _TYPES_MODULE, str(name)
    return cls.__module__, cls.__qualname__


def _constructor_arguments(obj: TypeEngine[Any]) -> list[str]:
    """``name=value`` for each keyword of ``type(obj).__init__`` whose value is a non-default literal."""
    try:
        parameters = inspect.signature(type(obj).__init__).parameters.values()
    except (TypeError, ValueError):
        return []
    rendered: list[str] = []
    for parameter in parameters:
        if parameter.name == "self" or parameter.name in _NEVER_RENDERED:
            continue
        if parameter.kind not in {parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY}:
            continue
        try:
            value = getattr(obj, parameter.name)
        except AttributeError:
            continue
        if parameter.default is not parameter.empty and _equal(value, parameter.default):
            continue
        if _is_literal(value):
            rendered.append(f"{parameter.name}={value!r}")
    return rendered


def _equal(value: Any, default: Any) -> bool:
    try:
        return bool(value == default)
    except Exception:
        return False


def _is_literal(value: Any) -> bool:
    if isinstance(value, (str, bytes, int, float, bool, type(None), tuple, list, dict, frozenset, set)):
        try:
            literal_eval(repr(value))
        except (ValueError, SyntaxError):
            return False
        return True
    return False
