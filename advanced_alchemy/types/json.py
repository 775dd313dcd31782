"""JSON column types: ``JsonB`` picks the best JSON storage of each database."""

from __future__ import annotations

from typing import Any, Optional, Union, cast

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import JSONB as PG_JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.types import BLOB as ORA_BLOB  # what the Oracle dialect's BLOB is
from sqlalchemy.types import JSON as _JSON
from sqlalchemy.types import SchemaType, TypeDecorator, TypeEngine, UserDefinedType

from advanced_alchemy.utils.serialization import decode_json, encode_json

__all__ = ("ORA_JSONB", "JsonB")


def _oracle_has_native_json(dialect: Optional[Dialect]) -> bool:
    version = getattr(dialect, "server_version_info", None) if dialect is not None else None
    return bool(version) and cast("tuple[int, ...]", version)[0] >= 21


class _OracleNativeJSON(UserDefinedType[Any]):
    """Oracle 21+ native ``JSON`` column (SQLAlchemy's Oracle dialect has no JSON type of its own)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "JSON"


class ORA_JSONB(TypeDecorator[dict[str, Any]], SchemaType):
    """Oracle binary JSON: native ``JSON`` on Oracle 21+, else a ``BLOB`` with an ``IS JSON`` check constraint."""

    impl = ORA_BLOB
    cache_ok = True

    @property
    def python_type(self) -> type[dict[str, Any]]:
        return dict

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.name = kwargs.pop("name", None)
        self.oracle_strict = kwargs.pop("oracle_strict", True)
        super().__init__(*args, **kwargs)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        return self.impl.coerce_compared_value(op=op, value=value)  # type: ignore[no-untyped-call, call-arg]

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if _oracle_has_native_json(dialect):
            return dialect.type_descriptor(_OracleNativeJSON())
        return dialect.type_descriptor(ORA_BLOB())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Optional[Any]:
        if value is None:
            return value
        return encode_json(value, as_bytes=not _oracle_has_native_json(dialect))

    def process_result_value(self, value: Union[bytes, str, None], dialect: Dialect) -> Optional[Any]:
        if value is None or isinstance(value, (dict, list)):
            return value
        return decode_json(value)

    def _should_create_constraint(self, compiler: Any, **kw: Any) -> bool:
        dialect = getattr(compiler, "dialect", None)
        return getattr(dialect, "name", None) == "oracle" and not _oracle_has_native_json(dialect)

    def _set_table(self, column: Any, table: Any) -> None:
        from sqlalchemy.schema import CheckConstraint

        strict = " STRICT" if self.oracle_strict else ""
        constraint = CheckConstraint(
            text(f"{column.name} IS JSON{strict}"),
            name=f"{column.name}_is_json",
            _create_rule=self._should_create_constraint,  # pyright: ignore[reportArgumentType]
            _type_bound=True,
        )
        table.append_constraint(constraint)


JsonB = (
    _JSON()
    .with_variant(PG_JSONB(), "postgresql")
    .with_variant(PG_JSONB(), "cockroachdb")
    .with_variant(ORA_JSONB(), "oracle")
)
"""JSON stored as ``JSONB`` on PostgreSQL/CockroachDB, Oracle binary JSON on Oracle, ``JSON`` elsewhere."""
