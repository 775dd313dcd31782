"""Boolean type that uses Oracle's native BOOLEAN where the server has it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.types import Boolean, TypeDecorator, TypeEngine

__all__ = ("Bool",)


class _OracleNativeBoolean(Boolean):
    """Oracle 23+ native ``BOOLEAN``."""

    __visit_name__ = "BOOLEAN"

    def __init__(self) -> None:
        super().__init__(create_constraint=False)


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
