"""What the sync and async services share: construction settings and pure input preparation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Optional, Union

from sqlalchemy import inspect
from sqlalchemy.sql import ColumnElement

from advanced_alchemy.exceptions import AdvancedAlchemyError, ImproperConfigurationError, RepositoryError
from advanced_alchemy.filters import StatementFilter
from advanced_alchemy.repository.typing import LoadSpec
from advanced_alchemy.utils.serialization import SchemaDumpConfig, is_dto_data

__all__ = ("NO_SESSION_MESSAGE", "ServiceSettings", "item_ids_for_delete", "merge_into_existing", "supplied_values")

NO_SESSION_MESSAGE = "Please supply an optional configuration or session to use."
_OPERATIONS = ("create", "update", "delete", "upsert")


class ServiceSettings:
    """Class-level settings of a service and the repository construction they imply."""

    repository_type: Any
    loader_options: ClassVar[Optional[LoadSpec]] = None
    execution_options: ClassVar[Optional[dict[str, Any]]] = None
    match_fields: ClassVar[Optional[Union[list[str], str]]] = None
    uniquify: ClassVar[bool] = False
    count_with_window_function: ClassVar[bool] = True
    schema_dump_config: ClassVar[SchemaDumpConfig] = SchemaDumpConfig()
    _repository_instance: Any = None

    def _build_repository(
        self,
        session: Any,
        *,
        statement: Any,
        auto_expunge: bool,
        auto_refresh: bool,
        auto_commit: bool,
        order_by: Any,
        error_messages: Any,
        wrap_exceptions: bool,
        load: Any,
        execution_options: Optional[dict[str, Any]],
        uniquify: Optional[bool],
        count_with_window_function: Optional[bool],
        repo_kwargs: dict[str, Any],
    ) -> None:
        repository_type = getattr(type(self), "repository_type", None)
        if repository_type is None:
            msg = f"{type(self).__name__} needs a `repository_type` (a repository class)"
            raise ImproperConfigurationError(msg)
        self._repository_instance = repository_type(
            session=session,
            statement=statement,
            auto_expunge=auto_expunge,
            auto_refresh=auto_refresh,
            auto_commit=auto_commit,
            order_by=order_by,
            error_messages=error_messages,
            wrap_exceptions=wrap_exceptions,
            load=load if load is not None else self.loader_options,
            execution_options=execution_options if execution_options is not None else self.execution_options,
            uniquify=bool(uniquify) or self.uniquify,
            count_with_window_function=(
                count_with_window_function
                if count_with_window_function is not None
                else self.count_with_window_function
            ),
            **repo_kwargs,
        )

    def _checked_repository(self) -> Any:
        if self._repository_instance is None:
            msg = "Repository not initialized"
            raise ImproperConfigurationError(msg)
        return self._repository_instance

    def _match_fields(self, match_fields: Optional[Union[list[str], str]]) -> Optional[Union[list[str], str]]:
        return match_fields if match_fields is not None else self.match_fields

    def _uniquify(self, uniquify: Optional[bool]) -> Optional[bool]:
        return True if self.uniquify else uniquify

    @staticmethod
    def _check_operation(operation: Optional[str]) -> None:
        if operation is not None and operation not in _OPERATIONS:
            msg = f"Unknown operation {operation!r}: expected one of {', '.join(_OPERATIONS)}"
            raise AdvancedAlchemyError(detail=msg)


def data_or_fields(data: Any, fields: dict[str, Any], method: str) -> Any:
    """``data``, or the keyword fields when called as ``service.create(name=...)``; not both."""
    if fields:
        if data is not None:
            msg = f"{method}() takes either data or keyword fields, not both (got {sorted(fields)})"
            raise RepositoryError(msg)
        return dict(fields)
    if data is None:
        msg = f"{method}() needs data: a dict, a model, a schema instance or keyword fields"
        raise RepositoryError(msg)
    return data


def supplied_values(instance: Any) -> dict[str, Any]:
    """The mapped column/relationship values set on ``instance`` (what the caller actually supplied)."""
    state = inspect(instance)
    mapper = state.mapper
    return {key: value for key, value in state.dict.items() if key in mapper.attrs}


def merge_into_existing(existing: Any, update: Any, pk_names: Sequence[str]) -> Any:
    """Copy every value supplied on ``update`` onto ``existing`` (keys left alone); returns ``existing``."""
    for key, value in supplied_values(update).items():
        if key not in pk_names:
            setattr(existing, key, value)
    return existing


def missing_id_message(pk_names: Sequence[str], id_attribute: str) -> str:
    if len(pk_names) > 1:
        return f"Could not identify composite PK values. Required attributes: {', '.join(pk_names)}"
    return (
        "Could not identify ID attribute value.  One of the following is required: "
        f"``item_id`` or ``data.{id_attribute}``"
    )


def item_ids_for_delete(item_ids: Any, pk_names: Sequence[str], model_type: type[Any]) -> Any:
    """Keys for ``delete_many``: model instances become their primary key; conditions pass through."""
    if isinstance(item_ids, (ColumnElement, StatementFilter)):
        return item_ids
    keys: list[Any] = []
    for item in item_ids:
        if isinstance(item, model_type):
            values = tuple(getattr(item, name) for name in pk_names)
            keys.append(values if len(values) > 1 else values[0])
        else:
            keys.append(item)
    return keys


def is_condition_list(items: Any) -> bool:
    """A non-empty list made only of filters / SQL conditions (``delete_many([filter, ...])``)."""
    return (
        isinstance(items, (list, tuple))
        and bool(items)
        and all(isinstance(item, (ColumnElement, StatementFilter)) for item in items)
    )


def expand_dto_data(data: Any) -> Any:
    """Litestar ``DTOData`` for a list becomes the list of instances it describes."""
    return data.create_instance() if is_dto_data(data) else data
