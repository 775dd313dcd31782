"""Platform-independent UUID column type."""

from __future__ import annotations

import base64
import uuid
from operator import attrgetter
from typing import Any, Callable, Optional, Union, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.types import BINARY, CHAR, TypeDecorator

from advanced_alchemy.utils.identifiers import uuid_from_bytes

__all__ = ("GUID",)

_NATIVE_UUID_DIALECTS = frozenset({"postgresql", "duckdb", "cockroachdb"})
_TEXT_BIND_DIALECTS = frozenset({"postgresql", "duckdb", "cockroachdb", "mssql"})
_RAW_BYTES_DIALECTS = frozenset({"oracle", "spanner+spanner", "spanner"})


class GUID(TypeDecorator[uuid.UUID]):
    """UUID stored natively where the database has a UUID type, else as 16 bytes (or 32 hex chars).

    PostgreSQL, DuckDB and CockroachDB use ``UUID``; MSSQL ``UNIQUEIDENTIFIER``; Oracle ``RAW(16)``;
    every other dialect ``BINARY(16)`` (``binary=True``, the default) or ``CHAR(32)``.
    Values always come back as :class:`uuid.UUID`.
    """

    impl = BINARY(16)
    cache_ok = True

    @property
    def python_type(self) -> type[uuid.UUID]:
        return uuid.UUID

    def __init__(self, *args: Any, binary: bool = True, **kwargs: Any) -> None:
        self.binary = binary

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        # dialect types are imported here: only the dialect in use needs its package loaded
        if dialect.name in _NATIVE_UUID_DIALECTS:
            from sqlalchemy.dialects.postgresql import UUID as PG_UUID

            return dialect.type_descriptor(PG_UUID())
        if dialect.name == "oracle":
            from sqlalchemy.dialects.oracle import RAW as ORA_RAW

            return dialect.type_descriptor(ORA_RAW(16))
        if dialect.name == "mssql":
            from sqlalchemy.dialects.mssql import UNIQUEIDENTIFIER as MSSQL_UNIQUEIDENTIFIER

            return dialect.type_descriptor(MSSQL_UNIQUEIDENTIFIER())
        if self.binary:
            return dialect.type_descriptor(BINARY(16))
        return dialect.type_descriptor(CHAR(32))

    def process_bind_param(
        self, value: Optional[Union[bytes, str, uuid.UUID]], dialect: Dialect
    ) -> Optional[Union[bytes, str]]:
        if value is None:
            return value
        if dialect.name in _TEXT_BIND_DIALECTS:
            return str(value)
        as_uuid = self.to_uuid(value)
        if as_uuid is None:
            return None
        if self.binary or dialect.name in _RAW_BYTES_DIALECTS:
            return as_uuid.bytes
        return as_uuid.hex

    def bind_processor(self, dialect: Dialect) -> Optional[Callable[[Any], Any]]:
        """:meth:`process_bind_param` and the stored type's conversion, with a ``uuid.UUID`` converted in one step.

        The shortcut gives exactly what the general path gives for a ``uuid.UUID`` (``str``, 16 bytes or hex,
        then the stored type's own conversion); any other value takes the general path.
        """
        general = super().bind_processor(dialect)
        if general is None or dialect.name.startswith("spanner"):
            return general
        stored = self.impl_instance.bind_processor(dialect)
        if dialect.name in _TEXT_BIND_DIALECTS:
            encode: Callable[[uuid.UUID], Any] = str
        elif self.binary or dialect.name in _RAW_BYTES_DIALECTS:
            encode = _uuid_bytes
        else:
            encode = _uuid_hex
        uuid_class = uuid.UUID
        if stored is None:

            def process(value: Any) -> Any:
                if value.__class__ is uuid_class:
                    return encode(value)
                return general(value)

            return process

        def process_stored(value: Any) -> Any:
            if value.__class__ is uuid_class:
                return stored(encode(value))
            return general(value)

        return process_stored

    def result_processor(self, dialect: Dialect, coltype: Any) -> Optional[Callable[[Any], Optional[uuid.UUID]]]:
        """:meth:`process_result_value`, with the two common cases answered without the general path.

        A driver's ``uuid.UUID`` comes back as is and 16 raw bytes become a UUID directly; everything else
        (and any dialect whose stored type converts values itself, or Spanner's base64) takes the full path.
        """
        general = super().result_processor(dialect, coltype)
        if general is None or dialect.name.startswith("spanner"):
            return general
        if self.impl_instance.result_processor(dialect, coltype) is not None:
            return general
        uuid_class = uuid.UUID

        def process(value: Any) -> Optional[uuid.UUID]:
            if value is None or value.__class__ is uuid_class:
                return value
            if value.__class__ is bytes and len(value) == 16:  # 16 raw bytes: BINARY(16) storage
                return uuid_from_bytes(value)
            return general(value)

        return process

    def process_result_value(
        self, value: Optional[Union[bytes, str, uuid.UUID]], dialect: Dialect
    ) -> Optional[uuid.UUID]:
        if value is None:
            return value
        if value.__class__.__name__ == "UUID":
            return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
        if dialect.name.startswith("spanner"):
            return uuid.UUID(bytes=base64.b64decode(cast("Union[str, bytes]", value)))
        if isinstance(value, (bytes, bytearray, memoryview)):
            raw = bytes(value)
            return uuid_from_bytes(raw) if len(raw) == 16 else uuid.UUID(bytes=raw)  # the latter names the error
        return uuid.UUID(str(value))

    @staticmethod
    def to_uuid(value: Any) -> Optional[uuid.UUID]:
        """Coerce a UUID, a UUID-like object, a hex string or 16 raw bytes into :class:`uuid.UUID`."""
        if value is None or isinstance(value, uuid.UUID):
            return value
        if value.__class__.__name__ == "UUID":
            return uuid.UUID(str(value))
        if isinstance(value, (bytes, bytearray, memoryview)):
            return uuid.UUID(bytes=bytes(value))
        try:
            return uuid.UUID(hex=str(value))
        except ValueError as exc:
            msg = f"Invalid UUID value: {value!r}"
            raise ValueError(msg) from exc

    def compare_values(self, x: Any, y: Any) -> bool:
        if isinstance(x, uuid.UUID) and isinstance(y, uuid.UUID):
            return x.bytes == y.bytes
        return bool(x == y)


_uuid_bytes = attrgetter("bytes")
_uuid_hex = attrgetter("hex")
