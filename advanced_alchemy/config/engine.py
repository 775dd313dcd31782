"""Keyword arguments for :func:`sqlalchemy.create_engine` / :func:`~sqlalchemy.ext.asyncio.create_async_engine`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Callable, Literal, Optional, Union

from sqlalchemy.engine.interfaces import IsolationLevel, _ParamStyle
from sqlalchemy.log import _EchoFlagType
from sqlalchemy.pool import Pool

from advanced_alchemy.utils.dataclass import Empty, EmptyType
from advanced_alchemy.utils.serialization import decode_json, encode_json

__all__ = ("EngineConfig",)


@dataclass
class EngineConfig:
    """Engine options; a field left at ``Empty`` is not passed, so SQLAlchemy's own default applies.

    ``json_serializer`` / ``json_deserializer`` default to the library's JSON functions; they are dropped
    for dialects that do not accept them.
    """

    connect_args: Union[dict[Any, Any], EmptyType] = Empty
    echo: Union[_EchoFlagType, EmptyType] = Empty
    echo_pool: Union[_EchoFlagType, EmptyType] = Empty
    enable_from_linting: Union[bool, EmptyType] = Empty
    execution_options: Union[Mapping[str, Any], EmptyType] = Empty
    hide_parameters: Union[bool, EmptyType] = Empty
    insertmanyvalues_page_size: Union[int, EmptyType] = Empty
    isolation_level: Union[IsolationLevel, EmptyType] = Empty
    json_deserializer: Callable[[str], Any] = decode_json
    json_serializer: Callable[[Any], str] = encode_json
    label_length: Optional[Union[int, EmptyType]] = Empty
    logging_name: Union[str, EmptyType] = Empty
    max_identifier_length: Optional[Union[int, EmptyType]] = Empty
    max_overflow: Union[int, EmptyType] = Empty
    module: Optional[Union[Any, EmptyType]] = Empty
    paramstyle: Optional[Union[_ParamStyle, EmptyType]] = Empty
    pool: Optional[Union[Pool, EmptyType]] = Empty
    poolclass: Optional[Union[type[Pool], EmptyType]] = Empty
    pool_logging_name: Union[str, EmptyType] = Empty
    pool_pre_ping: Union[bool, EmptyType] = Empty
    pool_size: Union[int, EmptyType] = Empty
    pool_recycle: Union[int, EmptyType] = Empty
    pool_reset_on_return: Union[Literal["rollback", "commit"], EmptyType] = Empty
    pool_timeout: Union[int, EmptyType] = Empty
    pool_use_lifo: Union[bool, EmptyType] = Empty
    plugins: Union[list[str], EmptyType] = Empty
    query_cache_size: Union[int, EmptyType] = Empty
    use_insertmanyvalues: Union[bool, EmptyType] = Empty
