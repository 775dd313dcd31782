"""JSON encoding used across the library: msgspec when installed, else orjson, else the standard library."""

from __future__ import annotations

import dataclasses
import datetime
import enum
import json
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Interface, IPv4Network, IPv6Address, IPv6Interface, IPv6Network
from pathlib import Path, PurePath
from typing import Any, Callable, Optional, Protocol, Union
from uuid import UUID

from advanced_alchemy.exceptions import SerializationError

__all__ = (
    "DEFAULT_TYPE_ENCODERS",
    "JSONSerializer",
    "MsgspecSerializer",
    "OrjsonSerializer",
    "StandardLibSerializer",
    "TypeEncodersMap",
    "convert_date_to_iso",
    "convert_datetime_to_gmt_iso",
    "decode_json",
    "encode_complex_type",
    "encode_json",
    "get_serializer",
)

TypeEncodersMap = Mapping[type, Callable[[Any], Any]]


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


class JSONSerializer(Protocol):
    """What a JSON serializer offers."""

    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]: ...

    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any: ...


class MsgspecSerializer:
    """JSON through msgspec."""

    def __init__(
        self, type_encoders: Optional[TypeEncodersMap] = None, enc_hook: Optional[Callable[[Any], Any]] = None
    ) -> None:
        import msgspec

        self._msgspec = msgspec
        self._encoder = msgspec.json.Encoder(enc_hook=enc_hook or _encoder_with(type_encoders))
        self._decoder = msgspec.json.Decoder()

    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]:
        try:
            raw = self._encoder.encode(data)
        except (TypeError, self._msgspec.EncodeError) as exc:
            raise SerializationError(str(exc)) from exc
        return raw if as_bytes else raw.decode("utf-8")

    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
        if isinstance(data, bytes) and not decode_bytes:
            return data
        try:
            return self._decoder.decode(data)
        except self._msgspec.DecodeError as exc:
            raise SerializationError(str(exc)) from exc


class OrjsonSerializer:
    """JSON through orjson."""

    def __init__(self, type_encoders: Optional[TypeEncodersMap] = None) -> None:
        import orjson  # pyright: ignore[reportMissingImports]

        self._orjson = orjson
        self._default = _encoder_with(type_encoders)

    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]:
        try:
            raw: bytes = self._orjson.dumps(
                data, default=self._default, option=self._orjson.OPT_SERIALIZE_NUMPY | self._orjson.OPT_NAIVE_UTC
            )
        except TypeError as exc:
            raise SerializationError(str(exc)) from exc
        return raw if as_bytes else raw.decode("utf-8")

    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
        if isinstance(data, bytes) and not decode_bytes:
            return data
        try:
            return self._orjson.loads(data)
        except self._orjson.JSONDecodeError as exc:
            raise SerializationError(str(exc)) from exc


class StandardLibSerializer:
    """JSON through the standard library."""

    def __init__(self, type_encoders: Optional[TypeEncodersMap] = None) -> None:
        self._default = _encoder_with(type_encoders)

    def encode(self, data: Any, *, as_bytes: bool = False) -> Union[str, bytes]:
        try:
            text = json.dumps(data, default=self._default, separators=(",", ":"))
        except (TypeError, ValueError) as exc:
            raise SerializationError(str(exc)) from exc
        return text.encode("utf-8") if as_bytes else text

    def decode(self, data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
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


def encode_json(
    data: Any, *, type_encoders: Optional[TypeEncodersMap] = None, as_bytes: bool = False
) -> Union[str, bytes]:
    """Encode ``data`` as JSON text (or bytes with ``as_bytes=True``)."""
    return get_serializer(type_encoders).encode(data, as_bytes=as_bytes)


def decode_json(data: Union[str, bytes], *, decode_bytes: bool = True) -> Any:
    """Decode JSON text or bytes."""
    return _default_serializer().decode(data, decode_bytes=decode_bytes)
