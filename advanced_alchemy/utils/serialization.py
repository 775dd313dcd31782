"""JSON encoding and schema helpers shared across the library.

* JSON: msgspec when installed, else orjson, else the standard library (:func:`encode_json`,
  :func:`decode_json`, :func:`get_serializer`).
* Schemas: type guards for Pydantic models, msgspec Structs, attrs instances, dataclasses, Litestar
  ``DTOData`` and SQLModel table models, and :func:`schema_dump` to turn any of them into a dict.

None of the schema libraries is required: each guard answers ``False`` when its library is missing.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
import sys
import warnings
from abc import ABC, abstractmethod
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Callable, Literal, Optional, Protocol, Union, cast, overload, runtime_checkable
from uuid import UUID

from sqlalchemy import Row, RowMapping
from typing_extensions import Annotated, TypeAlias, TypeGuard, TypeVar

from advanced_alchemy import typing as _typing
from advanced_alchemy.exceptions import MissingDependencyError, SerializationError
from advanced_alchemy.typing import (
    ATTRS_INSTALLED,
    CATTRS_INSTALLED,
    MSGSPEC_INSTALLED,
    PYDANTIC_INSTALLED,
    AttrsLike,
    BaseModelLike,
    DTODataLike,
    StructLike,
    T,
    lazy_reexports,
)
from advanced_alchemy.typing import cattrs_structure as structure
from advanced_alchemy.typing import cattrs_unstructure as unstructure
from advanced_alchemy.utils.dataclass import Empty

if TYPE_CHECKING:
    from collections.abc import Sequence

    from advanced_alchemy.filters import StatementFilter
    from advanced_alchemy.repository.typing import ModelT
    from advanced_alchemy.typing import (
        UNSET,
        AttrsInstance,
        BaseModel,
        Struct,
        convert,
    )
    from advanced_alchemy.typing import attrs_asdict as asdict
    from advanced_alchemy.typing import attrs_fields as fields
    from advanced_alchemy.typing import attrs_has as has
    from advanced_alchemy.typing import attrs_nothing as attrs_nothing

# Library objects re-exported from :mod:`advanced_alchemy.typing`, fetched on first access (module
# ``__getattr__``) so that importing this module imports none of pydantic, msgspec and attrs.
LAZY_REEXPORTS: dict[str, str] = {
    "UNSET": "UNSET",
    "AttrsInstance": "AttrsInstance",
    "BaseModel": "BaseModel",
    "FailFast": "FailFast",
    "Struct": "Struct",
    "TypeAdapter": "TypeAdapter",
    "convert": "convert",
    "asdict": "attrs_asdict",
    "fields": "attrs_fields",
    "has": "attrs_has",
    "attrs_nothing": "attrs_nothing",
}


__getattr__ = lazy_reexports(__name__, LAZY_REEXPORTS)


__all__ = (
    "ATTRS_INSTALLED",
    "CATTRS_INSTALLED",
    "DEFAULT_TYPE_ENCODERS",
    "MSGSPEC_INSTALLED",
    "PYDANTIC_INSTALLED",
    "PYDANTIC_USE_FAILFAST",
    "UNSET",
    "AttrsInstance",
    "BaseModel",
    "BulkModelDictT",
    "FilterTypeT",
    "JSONSerializer",
    "ModelDTOT",
    "ModelDictListT",
    "ModelDictT",
    "MsgspecSerializer",
    "OrjsonSerializer",
    "PydanticOrMsgspecT",
    "SchemaDumpConfig",
    "StandardLibSerializer",
    "Struct",
    "SupportedSchemaModel",
    "TypeEncodersMap",
    "asdict",
    "attrs_nothing",
    "convert",
    "convert_date_to_iso",
    "convert_datetime_to_gmt_iso",
    "decode_complex_type",
    "decode_json",
    "encode_complex_type",
    "encode_json",
    "fields",
    "get_attrs_fields",
    "get_serializer",
    "get_type_adapter",
    "has",
    "has_dict_attribute",
    "is_attrs_instance",
    "is_attrs_instance_with_field",
    "is_attrs_instance_without_field",
    "is_attrs_schema",
    "is_dataclass",
    "is_dataclass_with_field",
    "is_dataclass_without_field",
    "is_dict",
    "is_dict_with_field",
    "is_dict_without_field",
    "is_dto_data",
    "is_msgspec_struct",
    "is_msgspec_struct_with_field",
    "is_msgspec_struct_without_field",
    "is_pydantic_model",
    "is_pydantic_model_with_field",
    "is_pydantic_model_without_field",
    "is_row_mapping",
    "is_schema",
    "is_schema_or_dict",
    "is_schema_or_dict_with_field",
    "is_schema_or_dict_without_field",
    "is_schema_with_field",
    "is_schema_without_field",
    "is_sqlmodel_table_model",
    "schema_dump",
    "structure",
    "unstructure",
)

TypeEncodersMap = Mapping[type, Callable[[Any], Any]]

PYDANTIC_USE_FAILFAST: bool = False
"""Validate lists with Pydantic's ``FailFast`` (stop at the first invalid item)."""

SupportedSchemaModel: TypeAlias = Union[StructLike, BaseModelLike, AttrsLike]
"""A Pydantic model, msgspec Struct or attrs instance."""
PydanticOrMsgspecT = SupportedSchemaModel

ModelDictT: TypeAlias = "Union[dict[str, Any], ModelT, SupportedSchemaModel, DTODataLike[ModelT], Any]"
"""One service input: a dict, a model, a schema instance or a Litestar ``DTOData``."""
ModelDictListT: TypeAlias = "Sequence[Union[dict[str, Any], ModelT, SupportedSchemaModel, Any]]"
"""Several service inputs."""
BulkModelDictT: TypeAlias = (
    "Union[Sequence[Union[dict[str, Any], ModelT, SupportedSchemaModel, Any]], DTODataLike[list[ModelT]]]"
)
"""Several service inputs, or one ``DTOData`` holding a list."""

ModelDTOT = TypeVar("ModelDTOT", bound="Union[SupportedSchemaModel, Any]")
FilterTypeT = TypeVar("FilterTypeT", bound="StatementFilter")


# --- JSON ----------------------------------------------------------------------------------------------


def convert_datetime_to_gmt_iso(dt: datetime.datetime) -> str:
    """ISO 8601 text for a datetime; naive values are taken as UTC, UTC is written ``Z``."""
    if not dt.tzinfo:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return dt.isoformat().replace("+00:00", "Z")


def convert_date_to_iso(dt: datetime.date) -> str:
    """ISO 8601 text for a date."""
    return dt.isoformat()


DEFAULT_TYPE_ENCODERS: dict[type, Callable[[Any], Any]] = {
    datetime.datetime: convert_datetime_to_gmt_iso,
    datetime.date: convert_date_to_iso,
    datetime.time: lambda t: t.isoformat(),
    datetime.timedelta: lambda td: td.total_seconds(),
    Decimal: str,
    UUID: str,
    Path: str,
    PurePath: str,
    IPv4Address: str,
    IPv4Interface: str,
    IPv4Network: str,
    IPv6Address: str,
    IPv6Interface: str,
    IPv6Network: str,
    bytes: lambda b: b.decode("utf-8", errors="replace"),
}


def encode_complex_type(obj: Any) -> Any:
    """Encode a value JSON has no type for (datetimes, UUIDs, enums, sets, models, dataclasses, ...)."""
    for type_, encoder in DEFAULT_TYPE_ENCODERS.items():
        if isinstance(obj, type_):
            return encoder(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    if hasattr(obj, "model_dump") and callable(obj.model_dump):
        return obj.model_dump(mode="json")
    if hasattr(obj, "__struct_fields__"):
        return {name: getattr(obj, name) for name in obj.__struct_fields__}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if hasattr(obj, "tolist") and callable(obj.tolist):  # numpy arrays and scalars
        return obj.tolist()
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return obj.to_dict()
    msg = f"Unsupported type: {type(obj)!r}"
    raise TypeError(msg)


def _decode_string(value: str) -> Any:
    if len(value) == 36 and value.count("-") == 4:
        try:
            return UUID(value)
        except ValueError:
            return value
    if 10 <= len(value) <= 35 and value[:4].isdigit() and value[4:5] == "-":
        candidate = value[:-1] + "+00:00" if value.endswith("Z") else value
        try:
            return datetime.datetime.fromisoformat(candidate) if len(value) > 10 else datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def decode_complex_type(value: Any) -> Any:
    """Best-effort inverse of :func:`encode_complex_type` for decoded JSON.

    UUID strings become :class:`~uuid.UUID`, ISO 8601 date/datetime strings become
    :class:`~datetime.date`/:class:`~datetime.datetime` (``Z`` read as UTC); lists and dicts are
    processed item by item; anything else is returned unchanged.
    """
    if isinstance(value, str):
        return _decode_string(value)
    if isinstance(value, list):
        return [decode_complex_type(item) for item in value]
    if isinstance(value, dict):
        return {key: decode_complex_type(item) for key, item in value.items()}
    return value


def _encoder_with(type_encoders: Optional[TypeEncodersMap]) -> Callable[[Any], Any]:
    if not type_encoders:
        return encode_complex_type
    custom = dict(type_encoders)

    def encoder(obj: Any) -> Any:
        for type_, fn in custom.items():
            if isinstance(obj, type_):
                return fn(obj)
        return encode_complex_type(obj)

    return encoder


@runtime_checkable
class JSONSerializer(Protocol):
    """What a JSON serializer offers."""

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[False] = ...) -> str: ...

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[True]) -> bytes: ...

    @overload
    def encode(self, data: Any, *, as_bytes: bool) -> Union[str, bytes]: ...

    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]: ...

    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any: ...


class BaseJSONSerializer(ABC):
    """Base class of the bundled JSON serializers."""

    def __init__(self, type_encoders: Optional[TypeEncodersMap] = None) -> None:
        self.type_encoders = type_encoders
        self._default = _encoder_with(type_encoders)

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[False] = ...) -> str: ...

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[True]) -> bytes: ...

    @overload
    def encode(self, data: Any, *, as_bytes: bool) -> Union[str, bytes]: ...

    @abstractmethod
    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]:
        """Encode ``data`` as JSON text (or bytes with ``as_bytes=True``)."""

    @abstractmethod
    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
        """Decode JSON text or bytes (bytes are returned untouched with ``decode_bytes=False``)."""


class MsgspecSerializer(BaseJSONSerializer):
    """JSON through msgspec."""

    def __init__(
        self, type_encoders: Optional[TypeEncodersMap] = None, enc_hook: Optional[Callable[[Any], Any]] = None
    ) -> None:
        import msgspec

        super().__init__(type_encoders)
        self._msgspec = msgspec
        self._encoder = msgspec.json.Encoder(enc_hook=enc_hook or self._default)
        self._decoder = msgspec.json.Decoder()

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[False] = ...) -> str: ...

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[True]) -> bytes: ...

    @overload
    def encode(self, data: Any, *, as_bytes: bool) -> Union[str, bytes]: ...

    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]:
        """Encode ``data`` as JSON text (or bytes with ``as_bytes=True``)."""
        try:
            raw = self._encoder.encode(data)
        except (TypeError, self._msgspec.EncodeError) as exc:
            raise SerializationError(str(exc)) from exc
        return raw if as_bytes else raw.decode("utf-8")

    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
        """Decode JSON text or bytes."""
        if isinstance(data, bytes) and not decode_bytes:
            return data
        try:
            return self._decoder.decode(data)
        except self._msgspec.DecodeError as exc:
            raise SerializationError(str(exc)) from exc


class OrjsonSerializer(BaseJSONSerializer):
    """JSON through orjson."""

    def __init__(self, type_encoders: Optional[TypeEncodersMap] = None) -> None:
        import orjson  # pyright: ignore[reportMissingImports]

        super().__init__(type_encoders)
        self._orjson = orjson

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[False] = ...) -> str: ...

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[True]) -> bytes: ...

    @overload
    def encode(self, data: Any, *, as_bytes: bool) -> Union[str, bytes]: ...

    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]:
        """Encode ``data`` as JSON text (or bytes with ``as_bytes=True``)."""
        try:
            raw: bytes = self._orjson.dumps(
                data, default=self._default, option=self._orjson.OPT_SERIALIZE_NUMPY | self._orjson.OPT_NAIVE_UTC
            )
        except TypeError as exc:
            raise SerializationError(str(exc)) from exc
        return raw if as_bytes else raw.decode("utf-8")

    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
        """Decode JSON text or bytes."""
        if isinstance(data, bytes) and not decode_bytes:
            return data
        try:
            return self._orjson.loads(data)
        except self._orjson.JSONDecodeError as exc:
            raise SerializationError(str(exc)) from exc


class StandardLibSerializer(BaseJSONSerializer):
    """JSON through the standard library."""

    def __init__(self, type_encoders: Optional[TypeEncodersMap] = None) -> None:
        super().__init__(type_encoders)

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[False] = ...) -> str: ...

    @overload
    def encode(self, data: Any, *, as_bytes: Literal[True]) -> bytes: ...

    @overload
    def encode(self, data: Any, *, as_bytes: bool) -> Union[str, bytes]: ...

    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]:
        """Encode ``data`` as JSON text (or bytes with ``as_bytes=True``)."""
        try:
            text = json.dumps(data, default=self._default, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise SerializationError(str(exc)) from exc
        return text.encode("utf-8") if as_bytes else text

    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
        """Decode JSON text or bytes."""
        if isinstance(data, bytes) and not decode_bytes:
            return data
        try:
            return json.loads(data)
        except json.JSONDecodeError as exc:
            raise SerializationError(str(exc)) from exc


def _build_serializer(type_encoders: Optional[TypeEncodersMap]) -> JSONSerializer:
    for factory in (MsgspecSerializer, OrjsonSerializer):
        try:
            return factory(type_encoders)
        except ImportError:
            continue
    return StandardLibSerializer(type_encoders)


@lru_cache(maxsize=1)
def _default_serializer() -> JSONSerializer:
    return _build_serializer(None)


def get_serializer(type_encoders: Optional[TypeEncodersMap] = None) -> JSONSerializer:
    """The process-wide serializer, or a new one using ``type_encoders`` first."""
    return _build_serializer(type_encoders) if type_encoders else _default_serializer()


@overload
def encode_json(data: Any) -> str: ...


@overload
def encode_json(data: Any, *, as_bytes: Literal[False]) -> str: ...


@overload
def encode_json(data: Any, *, as_bytes: Literal[True]) -> bytes: ...


@overload
def encode_json(data: Any, *, type_encoders: TypeEncodersMap) -> str: ...


@overload
def encode_json(data: Any, *, type_encoders: TypeEncodersMap, as_bytes: Literal[False]) -> str: ...


@overload
def encode_json(data: Any, *, type_encoders: TypeEncodersMap, as_bytes: Literal[True]) -> bytes: ...


@overload
def encode_json(
    data: Any, *, type_encoders: Optional[TypeEncodersMap] = None, as_bytes: bool = False
) -> Union[str, bytes]: ...


def encode_json(
    data: Any, *, type_encoders: Optional[TypeEncodersMap] = None, as_bytes: bool = False
) -> Union[str, bytes]:
    """Encode ``data`` as JSON text (or bytes with ``as_bytes=True``)."""
    return get_serializer(type_encoders).encode(data, as_bytes=as_bytes)


def decode_json(data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
    """Decode JSON text or bytes."""
    return _default_serializer().decode(data, decode_bytes=decode_bytes)


# --- type guards -----------------------------------------------------------------------------------------


class _HasDictAttribute(Protocol):
    __dict__: dict[str, Any]


def is_dict(v: Any) -> TypeGuard[dict[str, Any]]:
    """Whether ``v`` is a dict."""
    return isinstance(v, dict)


def is_dict_with_field(v: Any, field_name: str) -> TypeGuard[dict[str, Any]]:
    """Whether ``v`` is a dict holding the key ``field_name``."""
    return isinstance(v, dict) and field_name in v


def is_dict_without_field(v: Any, field_name: str) -> TypeGuard[dict[str, Any]]:
    """Whether ``v`` is a dict without the key ``field_name``."""
    return isinstance(v, dict) and field_name not in v


def is_pydantic_model(v: Any) -> TypeGuard[BaseModelLike]:
    """Whether ``v`` is a Pydantic model instance (``False`` when pydantic is not installed or not loaded)."""
    cls = _loaded_class("pydantic.main", "BaseModel")
    return cls is not None and isinstance(v, cls)


def is_pydantic_model_with_field(v: Any, field_name: str) -> TypeGuard[BaseModelLike]:
    """Whether ``v`` is a Pydantic model instance with the attribute ``field_name``."""
    return is_pydantic_model(v) and hasattr(v, field_name)


def is_pydantic_model_without_field(v: Any, field_name: str) -> TypeGuard[BaseModelLike]:
    """Whether ``v`` is a Pydantic model instance without the attribute ``field_name``."""
    return is_pydantic_model(v) and not hasattr(v, field_name)


def is_msgspec_struct(v: Any) -> TypeGuard[StructLike]:
    """Whether ``v`` is a msgspec Struct instance (``False`` when msgspec is not installed or not loaded)."""
    cls = _loaded_class("msgspec", "Struct")
    return cls is not None and isinstance(v, cls)


def is_msgspec_struct_with_field(v: Any, field_name: str) -> TypeGuard[StructLike]:
    """Whether ``v`` is a msgspec Struct instance with the attribute ``field_name``."""
    return is_msgspec_struct(v) and hasattr(v, field_name)


def is_msgspec_struct_without_field(v: Any, field_name: str) -> TypeGuard[StructLike]:
    """Whether ``v`` is a msgspec Struct instance without the attribute ``field_name``."""
    return is_msgspec_struct(v) and not hasattr(v, field_name)


def _attrs_has(cls: type) -> bool:
    """``attrs.has(cls)`` when attrs was already imported, else ``False`` (attrs is never imported here)."""
    attr = sys.modules.get("attr")
    has_fn = getattr(attr, "has", None) if attr is not None else None
    return has_fn is not None and bool(has_fn(cls))


def is_attrs_instance(obj: Any) -> TypeGuard[AttrsLike]:
    """Whether ``obj`` is an attrs instance (``False`` when attrs is not installed or not loaded)."""
    return not isinstance(obj, type) and _attrs_has(type(obj))


def is_attrs_instance_with_field(v: Any, field_name: str) -> TypeGuard[AttrsLike]:
    """Whether ``v`` is an attrs instance with the attribute ``field_name``."""
    return is_attrs_instance(v) and hasattr(v, field_name)


def is_attrs_instance_without_field(v: Any, field_name: str) -> TypeGuard[AttrsLike]:
    """Whether ``v`` is an attrs instance without the attribute ``field_name``."""
    return is_attrs_instance(v) and not hasattr(v, field_name)


def is_attrs_schema(cls: Any) -> TypeGuard[type[AttrsLike]]:
    """Whether ``cls`` is an attrs class (``False`` when attrs is not installed or not loaded)."""
    return isinstance(cls, type) and _attrs_has(cls)


def is_dataclass(obj: Any) -> TypeGuard[Any]:
    """Whether ``obj`` is a dataclass instance (not a dataclass type)."""
    return dataclasses.is_dataclass(obj) and not isinstance(obj, type)


def is_dataclass_with_field(obj: Any, field_name: str) -> TypeGuard[object]:
    """Whether ``obj`` is a dataclass instance with the attribute ``field_name``."""
    return is_dataclass(obj) and hasattr(obj, field_name)


def is_dataclass_without_field(obj: Any, field_name: str) -> TypeGuard[object]:
    """Whether ``obj`` is a dataclass instance without the attribute ``field_name``."""
    return is_dataclass(obj) and not hasattr(obj, field_name)


def _loaded_class(module_name: str, attr: str) -> Optional[type]:
    """``module.attr`` when that module was already imported by someone, else ``None``.

    An object cannot be an instance of a class whose module was never imported, so the type guards
    never import the schema libraries (pydantic, msgspec, attrs, litestar, sqlmodel).
    """
    module = sys.modules.get(module_name)
    cls = getattr(module, attr, None) if module is not None else None
    return cls if isinstance(cls, type) else None


def is_dto_data(v: Any) -> TypeGuard[DTODataLike[Any]]:
    """Whether ``v`` is Litestar's ``DTOData`` (``False`` when litestar is not installed)."""
    cls = _loaded_class("litestar.dto.data_structures", "DTOData")
    return cls is not None and isinstance(v, cls)


def is_sqlmodel_table_model(v: Any) -> bool:
    """Whether ``v`` is an instance of a SQLModel ``table=True`` model."""
    cls = _loaded_class("sqlmodel", "SQLModel")
    if cls is None or not isinstance(v, cls):
        return False
    config = getattr(type(v), "model_config", None)
    if isinstance(config, Mapping) and config.get("table"):
        return True
    return hasattr(type(v), "__table__")


def is_row_mapping(v: Any) -> TypeGuard[RowMapping]:
    """Whether ``v`` is a SQLAlchemy ``RowMapping``."""
    return isinstance(v, RowMapping)


def is_schema(v: Any) -> TypeGuard[SupportedSchemaModel]:
    """Whether ``v`` is a msgspec Struct, Pydantic model or attrs instance."""
    return is_msgspec_struct(v) or is_pydantic_model(v) or is_attrs_instance(v)


def is_schema_with_field(v: Any, field_name: str) -> TypeGuard[SupportedSchemaModel]:
    """Whether ``v`` is a schema instance with the attribute ``field_name``."""
    return is_schema(v) and hasattr(v, field_name)


def is_schema_without_field(v: Any, field_name: str) -> TypeGuard[SupportedSchemaModel]:
    """Whether ``v`` is a schema instance without the attribute ``field_name``."""
    return is_schema(v) and not hasattr(v, field_name)


def is_schema_or_dict(v: Any) -> TypeGuard[Union[SupportedSchemaModel, dict[str, Any]]]:
    """Whether ``v`` is a schema instance or a dict."""
    return isinstance(v, dict) or is_schema(v)


def is_schema_or_dict_with_field(v: Any, field_name: str) -> TypeGuard[Union[SupportedSchemaModel, dict[str, Any]]]:
    """Whether ``v`` is a dict with the key, or a schema instance with the attribute, ``field_name``."""
    return is_dict_with_field(v, field_name) or is_schema_with_field(v, field_name)


def is_schema_or_dict_without_field(v: Any, field_name: str) -> TypeGuard[Union[SupportedSchemaModel, dict[str, Any]]]:
    """Whether ``v`` is a dict without the key, or a schema instance without the attribute, ``field_name``."""
    return is_dict_without_field(v, field_name) or is_schema_without_field(v, field_name)


def has_dict_attribute(obj: Any) -> TypeGuard[_HasDictAttribute]:
    """Whether ``obj`` is an instance with a ``__dict__``."""
    return not isinstance(obj, type) and hasattr(obj, "__dict__")


# --- cached helpers ------------------------------------------------------------------------------------


def get_type_adapter(f: type[T]) -> Any:
    """A cached Pydantic ``TypeAdapter`` for ``f`` (``FailFast`` when ``PYDANTIC_USE_FAILFAST``)."""
    if not PYDANTIC_INSTALLED:
        raise MissingDependencyError("pydantic")
    if PYDANTIC_USE_FAILFAST:
        return _typing.TypeAdapter(cast("Any", Annotated[f, _typing.FailFast()]))
    return _typing.TypeAdapter(f)


def get_attrs_fields(cls: Any) -> tuple[Any, ...]:
    """The attrs fields of ``cls`` (empty when it is not an attrs class or attrs is not installed)."""
    if not is_attrs_schema(cls):
        return ()
    return tuple(_typing.attrs_fields(cls))


if not TYPE_CHECKING:  # mypy rejects ``type[T]`` arguments to an lru_cache wrapper (it wants Hashable)
    get_type_adapter = lru_cache(maxsize=1024)(get_type_adapter)
    get_attrs_fields = lru_cache(maxsize=1024)(get_attrs_fields)


# --- schema_dump ---------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SchemaDumpConfig:
    """What :func:`schema_dump` leaves out of the dict it builds."""

    exclude_unset: bool = True
    """Leave out fields that were never set (Pydantic's ``exclude_unset``)."""
    exclude_none: bool = False
    """Leave out fields whose value is ``None``."""
    exclude_defaults: bool = False
    """Leave out fields equal to their default."""
    exclude_sentinels: bool = True
    """Leave out fields holding a "no value" sentinel (msgspec ``UNSET``, Pydantic ``MISSING``, ``Empty``, ...)."""


_DEFAULT_DUMP_CONFIG = SchemaDumpConfig()
_KEEP_ALL_DUMP_CONFIG = SchemaDumpConfig(exclude_unset=False, exclude_sentinels=False)


def _pydantic_missing_sentinel() -> Any:
    """Pydantic's ``MISSING`` (``None`` when this pydantic has none); imports pydantic."""
    if not PYDANTIC_INSTALLED:
        return None
    try:
        from pydantic import MISSING  # type: ignore[attr-defined,unused-ignore]

        return MISSING
    except ImportError:
        pass
    try:  # pragma: no cover - pydantic 2.12 / 2.13
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pydantic.experimental.missing_sentinel import MISSING  # type: ignore[import-not-found,unused-ignore]
        return MISSING
    except ImportError:  # pragma: no cover - pydantic < 2.12
        return None


# "No value" sentinels. Those of pydantic, msgspec and attrs are looked up once their library is loaded (a
# value cannot be one of them before): ``schema_dump`` calls ``_load_sentinels`` while some are pending,
# which costs a ``sys.modules`` lookup per pending library.

_NOT_LOADED: Any = object()


def _loaded_pydantic_missing() -> Any:
    core = sys.modules.get("pydantic_core")
    missing = getattr(core, "MISSING", None) if core is not None else None
    if missing is not None:
        return missing
    if sys.modules.get("pydantic") is None:
        return _NOT_LOADED
    return _pydantic_missing_sentinel()


def _loaded_msgspec_unset() -> Any:
    msgspec = sys.modules.get("msgspec")
    return _NOT_LOADED if msgspec is None else getattr(msgspec, "UNSET", None)


def _loaded_attrs_nothing() -> Any:
    attr = sys.modules.get("attr")
    return _NOT_LOADED if attr is None else getattr(attr, "NOTHING", None)


_PYDANTIC_MISSING: Any = None
"""Pydantic's ``MISSING`` once pydantic is loaded (``None`` before, or when this pydantic has none)."""
_SENTINEL_IDS: frozenset[int] = frozenset(id(s) for s in (Empty, _typing._UNSET_STUB, _typing._ATTRS_NOTHING_STUB))
_PENDING_SENTINELS: tuple[Callable[[], Any], ...] = (
    _loaded_pydantic_missing,
    _loaded_msgspec_unset,
    _loaded_attrs_nothing,
)


def _load_sentinels() -> None:
    """Add the sentinels of the libraries loaded since the last call to ``_SENTINEL_IDS``."""
    global _SENTINEL_IDS, _PENDING_SENTINELS, _PYDANTIC_MISSING
    ids = set(_SENTINEL_IDS)
    pending: list[Callable[[], Any]] = []
    for loader in _PENDING_SENTINELS:
        sentinel = loader()
        if sentinel is _NOT_LOADED:
            pending.append(loader)
        elif sentinel is not None:
            ids.add(id(sentinel))
            if loader is _loaded_pydantic_missing:
                _PYDANTIC_MISSING = sentinel
    _SENTINEL_IDS = frozenset(ids)  # before the pending list shrinks, for concurrent readers
    _PENDING_SENTINELS = tuple(pending)


def _is_sentinel(value: Any) -> bool:
    """Whether ``value`` is a known sentinel (``schema_dump`` loads the pending ones first)."""
    return id(value) in _SENTINEL_IDS


_NO_DEFAULT: Any = object()


@lru_cache(maxsize=1024)
def _struct_defaults(cls: Any) -> tuple[tuple[str, Any], ...]:
    """``(field name, default or _NO_DEFAULT)`` for a Struct type (annotations are not evaluated)."""
    import msgspec

    names: tuple[str, ...] = cls.__struct_fields__
    defaults: tuple[Any, ...] = getattr(cls, "__struct_defaults__", ())
    padded = (msgspec.NODEFAULT,) * (len(names) - len(defaults)) + tuple(defaults)
    result: list[tuple[str, Any]] = []
    for name, default in zip(names, padded, strict=True):
        if default is msgspec.NODEFAULT:
            value = _NO_DEFAULT
        elif type(default).__name__ == "Factory" and callable(getattr(default, "factory", None)):
            value = default.factory()
        else:
            value = default
        result.append((name, value))
    return tuple(result)


def _dataclass_default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return _NO_DEFAULT


def _attrs_default(attribute: Any) -> Any:
    default = attribute.default
    if default is _typing.attrs_nothing:
        return _NO_DEFAULT
    factory = getattr(default, "factory", None)
    if factory is not None:
        return _NO_DEFAULT if getattr(default, "takes_self", False) else factory()
    return default


def _skip(value: Any, default: Any, config: SchemaDumpConfig) -> bool:
    if config.exclude_sentinels and _is_sentinel(value):
        return True
    if config.exclude_none and value is None:
        return True
    if config.exclude_defaults and default is not _NO_DEFAULT:
        try:
            return bool(value == default)
        except Exception:  # incomparable values are kept
            return False
    return False


def _dump_nested(value: Any, config: SchemaDumpConfig) -> Any:
    """Nested Structs / dataclasses (also inside lists and tuples) become dicts."""
    if is_msgspec_struct(value) or is_dataclass(value):
        return schema_dump(value, config=config)
    if isinstance(value, (list, tuple)) and value and (is_msgspec_struct(value[0]) or is_dataclass(value[0])):
        return type(value)(_dump_nested(item, config) for item in value)
    return value


def _dump_struct(data: Any, config: SchemaDumpConfig) -> dict[str, Any]:
    filtering = config.exclude_sentinels or config.exclude_none or config.exclude_defaults
    result: dict[str, Any] = {}
    struct_type: Any = type(data)
    for name, default in _struct_defaults(struct_type):
        value = getattr(data, name)
        if filtering and _skip(value, default, config):
            continue
        result[name] = _dump_nested(value, config)
    return result


def _dump_dataclass(data: Any, config: SchemaDumpConfig) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for field in dataclasses.fields(data):
        value = getattr(data, field.name)
        if _skip(value, _dataclass_default(field) if config.exclude_defaults else _NO_DEFAULT, config):
            continue
        result[field.name] = _dump_nested(value, config)
    return result


def _dump_attrs(data: Any, config: SchemaDumpConfig) -> dict[str, Any]:
    asdict = _typing.attrs_asdict
    if not (config.exclude_sentinels or config.exclude_none or config.exclude_defaults):
        return asdict(data)

    def keep(attribute: Any, value: Any) -> bool:
        default = _attrs_default(attribute) if config.exclude_defaults else _NO_DEFAULT
        return not _skip(value, default, config)

    return asdict(data, filter=keep)


def _dump_pydantic(data: Any, config: SchemaDumpConfig) -> dict[str, Any]:
    dumped = cast(
        "dict[str, Any]",
        data.model_dump(
            exclude_unset=config.exclude_unset,
            exclude_none=config.exclude_none,
            exclude_defaults=config.exclude_defaults,
        ),
    )
    if not config.exclude_sentinels and _PYDANTIC_MISSING is not None:
        for name in type(data).model_fields:
            if name not in dumped and getattr(data, name, None) is _PYDANTIC_MISSING:
                dumped[name] = _PYDANTIC_MISSING
    return dumped


@overload
def schema_dump(
    data: RowMapping, exclude_unset: bool = True, *, config: Optional[SchemaDumpConfig] = None
) -> dict[str, Any]: ...


@overload
def schema_dump(
    data: Row[Any], exclude_unset: bool = True, *, config: Optional[SchemaDumpConfig] = None
) -> dict[str, Any]: ...


@overload
def schema_dump(
    data: DTODataLike[Any], exclude_unset: bool = True, *, config: Optional[SchemaDumpConfig] = None
) -> dict[str, Any]: ...


@overload
def schema_dump(data: ModelT, exclude_unset: bool = True, *, config: Optional[SchemaDumpConfig] = None) -> ModelT: ...


@overload
def schema_dump(
    data: Any, exclude_unset: bool = True, *, config: Optional[SchemaDumpConfig] = None
) -> dict[str, Any]: ...


def schema_dump(
    data: Union[dict[str, Any], ModelT, SupportedSchemaModel, DTODataLike[ModelT], RowMapping, Row[Any]],
    exclude_unset: bool = True,
    *,
    config: Optional[SchemaDumpConfig] = None,
) -> Union[dict[str, Any], ModelT]:
    """Turn a schema instance (or row, or ``DTOData``) into a dict.

    A dict is returned as is, so is a SQLModel table model; other objects with a ``__dict__`` give that
    dict; anything else is returned unchanged. ``config`` chooses what to leave out; without one,
    ``exclude_unset=False`` keeps unset fields and sentinels, the default leaves both out.
    """
    if isinstance(data, dict):
        return data
    if _PENDING_SENTINELS:
        _load_sentinels()
    if config is None:
        config = _DEFAULT_DUMP_CONFIG if exclude_unset else _KEEP_ALL_DUMP_CONFIG
    if isinstance(data, RowMapping):
        return dict(data)
    if isinstance(data, Row):
        return data._asdict()
    if is_sqlmodel_table_model(data):
        return cast("ModelT", data)
    if is_pydantic_model(data):
        return _dump_pydantic(data, config)
    if is_msgspec_struct(data):
        return _dump_struct(data, config)
    if is_attrs_instance(data):
        return _dump_attrs(data, config)
    if is_dataclass(data):
        return _dump_dataclass(data, config)
    if is_dto_data(data):
        return cast("dict[str, Any]", data.as_builtins())
    if has_dict_attribute(data):
        return data.__dict__
    return cast("ModelT", data)
