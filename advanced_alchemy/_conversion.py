"""The conversion core used by the sync and async services (and the framework extensions).

* :func:`to_model` turns service input (dict, model, Pydantic / msgspec / attrs / dataclass schema,
  SQLModel table model, Litestar ``DTOData``, any object with ``__dict__``) into a model instance.
* :func:`to_schema_item` / :func:`to_schema_many` turn models (or rows, dicts, schemas) into a Pydantic,
  msgspec or attrs schema. Lists are handed to the schema library in one call, with cached adapters.

Input errors are :class:`~advanced_alchemy.exceptions.RepositoryError`: unknown keys in an input dict
(rather than silently dropping them) and validation errors raised while converting. Output conversion
failures are :class:`~advanced_alchemy.exceptions.SerializationError`. The original exception is
always chained as ``__cause__``.
"""

from __future__ import annotations

import datetime
import enum
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Optional, TypeVar, cast
from uuid import UUID

from sqlalchemy import Row, RowMapping
from sqlalchemy import inspect as sa_inspect

from advanced_alchemy import typing as _typing
from advanced_alchemy.base import model_to_dict
from advanced_alchemy.exceptions import AdvancedAlchemyError, RepositoryError, SerializationError
from advanced_alchemy.repository._util import model_from_dict
from advanced_alchemy.typing import (
    ATTRS_INSTALLED,
    CATTRS_INSTALLED,
    MSGSPEC_INSTALLED,
    PYDANTIC_INSTALLED,
)
from advanced_alchemy.utils.serialization import (
    SchemaDumpConfig,
    _loaded_class,
    get_attrs_fields,
    get_type_adapter,
    has_dict_attribute,
    is_attrs_instance,
    is_attrs_schema,
    is_dataclass,
    is_dto_data,
    is_msgspec_struct,
    is_pydantic_model,
    is_sqlmodel_table_model,
    schema_dump,
)

if TYPE_CHECKING:
    from advanced_alchemy.repository.typing import ModelT

__all__ = ("msgspec_dec_hook", "to_model", "to_schema_item", "to_schema_many")

SchemaT = TypeVar("SchemaT")

_DEFAULT_DUMP_CONFIG = SchemaDumpConfig()
_KEEP_ALL_DUMP_CONFIG = SchemaDumpConfig(exclude_unset=False, exclude_sentinels=False)


# --- errors --------------------------------------------------------------------------------------------


def _validation_error_types() -> tuple[type[BaseException], ...]:
    """Validation / serialization error classes of the schema libraries loaded so far."""
    found: list[type[BaseException]] = []
    if "pydantic_core" in sys.modules:
        core = sys.modules["pydantic_core"]
        found.extend(getattr(core, name) for name in ("ValidationError", "PydanticSerializationError"))
    if "msgspec" in sys.modules:
        found.append(sys.modules["msgspec"].MsgspecError)
    if "cattrs.errors" in sys.modules:
        found.append(sys.modules["cattrs.errors"].BaseValidationError)
    return tuple(found)


def _is_validation_error(exc: BaseException) -> bool:
    return isinstance(exc, _validation_error_types())


# --- input: to_model -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ModelKeys:
    """What an input dict may hold for a model: mapped attribute names and relationship targets."""

    mapped: frozenset[str]
    relationships: dict[str, type[Any]]


def _build_model_keys(model_type: type[Any]) -> _ModelKeys:
    mapper = sa_inspect(model_type, raiseerr=True)
    return _ModelKeys(
        mapped=frozenset(mapper.attrs.keys()),
        relationships={key: rel.mapper.class_ for key, rel in mapper.relationships.items()},
    )


def _model_keys(model_type: type[Any]) -> _ModelKeys:
    return _build_model_keys(model_type)


if not TYPE_CHECKING:  # mypy rejects ``type[T]`` arguments to an lru_cache wrapper (it wants Hashable)
    _model_keys = cache(_model_keys)


def _is_settable_attribute(model_type: type[Any], key: str) -> bool:
    """Whether ``key`` names a public, settable, non-mapped attribute of ``model_type``.

    Accepted: properties / hybrids with a setter, other data descriptors (association proxies, ...) and
    plain non-callable class attributes. Methods, read-only properties and private names are not.
    """
    if key.startswith("_"):
        return False
    for klass in model_type.__mro__:
        if key not in vars(klass):
            continue
        attr = vars(klass)[key]
        if isinstance(attr, property) or hasattr(attr, "fset"):
            return getattr(attr, "fset", None) is not None
        if hasattr(type(attr), "__set__"):
            return True
        if klass.__module__.startswith("sqlalchemy.") or type(attr).__module__.startswith("sqlalchemy."):
            return False  # declarative machinery (``metadata``, ``registry``, ...), not model data
        return not (callable(attr) or hasattr(type(attr), "__get__"))
    return False


def _collect_unknown(
    model_type: type[Any], data: dict[Any, Any], path: str, problems: list[str], extras: list[str], *, fresh: bool
) -> None:
    """Record unknown keys of ``data`` (and of nested relationship dicts) in ``problems``.

    Settable non-mapped attributes of the top-level model are recorded in ``extras``.
    """
    keys = _build_model_keys(model_type) if fresh else _model_keys(model_type)
    unknown: list[str] = []
    for key in data:
        if isinstance(key, str) and key in keys.mapped:
            continue
        if isinstance(key, str) and _is_settable_attribute(model_type, key):
            if not path:
                extras.append(key)
            continue
        unknown.append(repr(key))
    if unknown:
        where = f" (at {path!r})" if path else ""
        problems.append(f"{', '.join(unknown)} for model {model_type.__name__!r}{where}")
    for key, related in keys.relationships.items():
        value = data.get(key)
        prefix = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            _collect_unknown(related, value, prefix, problems, [], fresh=fresh)
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    _collect_unknown(related, item, f"{prefix}[{index}]", problems, [], fresh=fresh)


def _check_input_keys(model_type: type[Any], data: dict[Any, Any]) -> list[str]:
    """Raise ``RepositoryError`` for unknown keys; return the settable non-mapped keys to apply."""
    problems: list[str] = []
    extras: list[str] = []
    _collect_unknown(model_type, data, "", problems, extras, fresh=False)
    if problems:
        # Mappers configured after the cache was filled (late backrefs) may have added attributes.
        _model_keys.cache_clear()  # type: ignore[attr-defined]
        problems, extras = [], []
        _collect_unknown(model_type, data, "", problems, extras, fresh=True)
    if problems:
        msg = f"Unknown field(s) {'; '.join(problems)}"
        raise RepositoryError(msg)
    return extras


def _model_from_input_dict(model_type: type[ModelT], data: dict[str, Any]) -> ModelT:
    if not data:
        return model_from_dict(model_type)
    extras = _check_input_keys(model_type, data)
    instance = model_from_dict(model_type, **data)
    for key in extras:
        setattr(instance, key, data[key])
    return instance


def _to_model(model_type: type[ModelT], data: Any, schema_dump_config: Optional[SchemaDumpConfig]) -> ModelT:
    if isinstance(data, dict):
        return _model_from_input_dict(model_type, data)
    if is_sqlmodel_table_model(data):
        return model_from_dict(model_type, **model_to_dict(data))
    if is_pydantic_model(data) or is_msgspec_struct(data) or is_attrs_instance(data) or is_dataclass(data):
        dumped = schema_dump(data, config=schema_dump_config or _DEFAULT_DUMP_CONFIG)
        return model_from_dict(model_type, **dumped)
    if is_dto_data(data):
        return cast("ModelT", data.create_instance())
    if has_dict_attribute(data):
        return model_from_dict(model_type, **data.__dict__)
    return cast("ModelT", data)


def to_model(model_type: type[ModelT], data: Any, schema_dump_config: Optional[SchemaDumpConfig] = None) -> ModelT:
    """Convert service input into an instance of ``model_type``.

    In order: an instance of ``model_type`` is returned as is; a dict goes through ``model_from_dict``
    (nested relationship dicts too) after its keys are checked; a SQLModel table model through
    ``model_to_dict``; a Pydantic model, msgspec Struct, attrs or dataclass instance through
    :func:`~advanced_alchemy.utils.serialization.schema_dump` with ``schema_dump_config`` (default
    ``SchemaDumpConfig()``); Litestar ``DTOData`` through ``create_instance()``; any other object with a
    ``__dict__`` through that dict; anything else is returned unchanged.

    Raises:
        RepositoryError: an input dict holds keys that are neither mapped attributes of the model (or of a
            related model, for nested dicts) nor settable attributes of its class (these are set on the
            new instance); or a schema library reported a validation error (chained as ``__cause__``).
    """
    if isinstance(data, model_type):
        return data
    try:
        return _to_model(model_type, data, schema_dump_config)
    except AdvancedAlchemyError:
        raise
    except Exception as exc:
        if not _is_validation_error(exc):
            raise
        msg = f"Invalid data for {model_type.__name__}: {exc}"
        raise RepositoryError(msg) from exc


# --- output: to_schema ---------------------------------------------------------------------------------


def _is_uuid_like(value: Any) -> bool:
    return isinstance(value, UUID) or (type(value).__name__ == "UUID" and isinstance(getattr(value, "hex", None), str))


def _coerce(target_type: Any, value: Any) -> Any:
    """``value`` as ``target_type``: kept when it already is one, else rebuilt from a plain form."""
    if isinstance(target_type, type) and isinstance(value, target_type):
        return value
    if _is_uuid_like(value):
        return target_type(value.hex)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        from_iso = getattr(target_type, "fromisoformat", None)
        return from_iso(value.isoformat()) if from_iso is not None else target_type(value.isoformat())
    if isinstance(value, enum.Enum):
        return target_type(value.value)
    if isinstance(value, PurePath):
        return target_type(str(value))
    if isinstance(value, str) and (from_iso := getattr(target_type, "fromisoformat", None)) is not None:
        return from_iso(value)
    return target_type(value)


def msgspec_dec_hook(target_type: Any, value: Any) -> Any:
    """msgspec ``dec_hook`` for types msgspec does not know.

    Values already of ``target_type`` are kept; UUIDs are rebuilt from ``.hex``, dates and times from
    ``isoformat()``, enums from ``.value``, paths from ``str()``; anything else is ``target_type(value)``.
    """
    return _coerce(target_type, value)


_MSGSPEC, _PYDANTIC, _ATTRS = "msgspec", "pydantic", "attrs"


def _schema_kind(schema_type: Any) -> str:
    if isinstance(schema_type, type):
        # A subclass of a library class cannot exist before that library is loaded: nothing is imported here.
        struct = _loaded_class("msgspec", "Struct")
        if struct is not None and issubclass(schema_type, struct):
            return _MSGSPEC
        base_model = _loaded_class("pydantic.main", "BaseModel")
        if base_model is not None and issubclass(schema_type, base_model):
            return _PYDANTIC
        if is_attrs_schema(schema_type):
            return _ATTRS
    if not (MSGSPEC_INSTALLED or PYDANTIC_INSTALLED or ATTRS_INSTALLED):
        msg = "Either Msgspec, Pydantic, or attrs must be installed to use schema conversion"
        raise AdvancedAlchemyError(msg)
    msg = "`schema_type` should be a valid Pydantic, Msgspec, or attrs schema"
    raise AdvancedAlchemyError(msg)


if not TYPE_CHECKING:  # mypy rejects ``type[T]`` arguments to an lru_cache wrapper (it wants Hashable)
    _schema_kind = lru_cache(maxsize=1024)(_schema_kind)


@lru_cache(maxsize=1)
def _cattrs_converter() -> Any:
    """A cattrs converter that also structures UUIDs, dates, times, decimals and paths."""
    import decimal

    import cattrs

    leaf_types = (UUID, datetime.date, datetime.time, datetime.timedelta, decimal.Decimal, PurePath)
    converter = cattrs.Converter()
    converter.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, leaf_types), lambda value, t: _coerce(t, value)
    )
    return converter


def _attrs_source(item: Any, schema_type: type[Any]) -> Any:
    """A dict of ``item``'s values for the fields of the attrs class ``schema_type``."""
    if isinstance(item, dict):
        return item
    if isinstance(item, (RowMapping, Row)) or is_pydantic_model(item) or is_msgspec_struct(item):
        return schema_dump(item, config=_KEEP_ALL_DUMP_CONFIG)
    if is_attrs_instance(item) or is_dataclass(item):
        return schema_dump(item, config=_KEEP_ALL_DUMP_CONFIG)
    return {f.name: getattr(item, f.name) for f in get_attrs_fields(schema_type) if hasattr(item, f.name)}


def _attrs_construct(source: Any, schema_type: type[SchemaT]) -> SchemaT:
    kwargs = {
        getattr(f, "alias", None) or f.name.lstrip("_"): source[f.name]
        for f in get_attrs_fields(schema_type)
        if f.init and f.name in source
    }
    return schema_type(**kwargs)


def _plain(item: Any) -> Any:
    return dict(item) if isinstance(item, RowMapping) else item


def _wrap_output_error(exc: Exception, schema_type: Any) -> Exception:
    name = getattr(schema_type, "__name__", repr(schema_type))
    return SerializationError(f"Could not convert data to {name}: {exc}")


def to_schema_item(data: Any, schema_type: type[SchemaT]) -> SchemaT:
    """Convert one model / row / dict / schema instance into ``schema_type``.

    msgspec: ``msgspec.convert(data, schema_type, from_attributes=True, dec_hook=msgspec_dec_hook)``;
    Pydantic: a cached ``TypeAdapter(schema_type).validate_python(data, from_attributes=True)``;
    attrs: cattrs when installed, else the constructor with the known fields.

    Raises:
        AdvancedAlchemyError: ``schema_type`` is none of those.
        SerializationError: the schema library rejected the data (chained as ``__cause__``).
    """
    kind = _schema_kind(schema_type)
    data = _plain(data)
    try:
        if kind == _MSGSPEC:
            return _typing.convert(data, schema_type, from_attributes=True, dec_hook=msgspec_dec_hook)
        if kind == _PYDANTIC:
            return cast("SchemaT", get_type_adapter(schema_type).validate_python(data, from_attributes=True))
        source = _attrs_source(data, schema_type)
        if CATTRS_INSTALLED:
            return cast("SchemaT", _cattrs_converter().structure(source, schema_type))
        return _attrs_construct(source, schema_type)
    except AdvancedAlchemyError:
        raise
    except Exception as exc:
        if not (_is_validation_error(exc) or isinstance(exc, (TypeError, ValueError, KeyError))):
            raise
        raise _wrap_output_error(exc, schema_type) from exc


def to_schema_many(items: Iterable[Any], schema_type: type[SchemaT]) -> list[SchemaT]:
    """Convert many items into a list of ``schema_type`` (one library call for the whole list).

    Same rules and errors as :func:`to_schema_item`; msgspec converts ``list[schema_type]`` and Pydantic
    uses a cached ``TypeAdapter(list[schema_type])``.
    """
    kind = _schema_kind(schema_type)
    rows = items if isinstance(items, list) else list(items)
    if rows and isinstance(rows[0], RowMapping):
        rows = [_plain(row) for row in rows]
    try:
        if kind == _MSGSPEC:
            return cast(
                "list[SchemaT]",
                _typing.convert(rows, list[schema_type], from_attributes=True, dec_hook=msgspec_dec_hook),  # type: ignore[valid-type]
            )
        if kind == _PYDANTIC:
            adapter = get_type_adapter(list[schema_type])  # type: ignore[valid-type]
            return cast("list[SchemaT]", adapter.validate_python(rows, from_attributes=True))
        sources = [_attrs_source(row, schema_type) for row in rows]
        if CATTRS_INSTALLED:
            return cast("list[SchemaT]", _cattrs_converter().structure(sources, list[schema_type]))  # type: ignore[valid-type]
        return [_attrs_construct(source, schema_type) for source in sources]
    except AdvancedAlchemyError:
        raise
    except Exception as exc:
        if not (_is_validation_error(exc) or isinstance(exc, (TypeError, ValueError, KeyError))):
            raise
        raise _wrap_output_error(exc, schema_type) from exc
