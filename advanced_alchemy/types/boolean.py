"""Boolean type that uses Oracle's native BOOLEAN where the server has it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import Boolean, TypeDecorator, TypeEngine, UserDefinedType

__all__ = ("Bool",)


class _OracleNativeBoolean(UserDefinedType[bool]):
    """Oracle 23+ native ``BOOLEAN`` (SQLAlchemy's Oracle dialect renders ``Boolean`` as ``SMALLINT``)."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "BOOLEAN"


class _OracleAwareBoolean(TypeDecorator[bool]):
    """``Boolean`` everywhere; native ``BOOLEAN`` on Oracle 23 and later."""

    impl = Boolean
    cache_ok = True

    @property
    def python_type(self) -> type[bool]:
        return bool

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "oracle" and (getattr(dialect, "server_version_info", None) or (0,))[0] >= 23:
            return dialect.type_descriptor(_OracleNativeBoolean())
        return dialect.type_descriptor(Boolean())


Bool = _OracleAwareBoolean
