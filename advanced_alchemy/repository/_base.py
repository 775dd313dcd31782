"""What the sync and async repositories share: construction, per-call option resolution, key helpers."""

from __future__ import annotations

import secrets
import string
from typing import Any, ClassVar, Optional, Protocol, TypeVar, Union, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, lazyload

from advanced_alchemy._core.context import CallContext
from advanced_alchemy._core.model_info import model_info
from advanced_alchemy._core.statements import loader_options
from advanced_alchemy._errors import DEFAULT_ERROR_MESSAGE_TEMPLATES
from advanced_alchemy.exceptions import ErrorMessages, NotFoundError
from advanced_alchemy.repository.typing import ModelT, OrderingPair
from advanced_alchemy.utils.dataclass import Empty, EmptyType

__all__ = (
    "FilterableRepository",
    "FilterableRepositoryProtocol",
    "ModelT",
    "RepositoryBase",
    "random_suffix",
    "slug_source",
)

T = TypeVar("T")


def random_suffix(length: int = 4) -> str:
    """Random ``[a-z0-9]`` text, used to make a taken slug unique."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def slug_source(item: Any) -> Optional[str]:
    """The text a missing slug is made from (``name`` or ``title``), or ``None`` to leave the slug alone.

    :class:`~advanced_alchemy.mixins.SlugMixin` models fill their own slug on insert, so they get ``None``.
    """
    from advanced_alchemy.mixins.slug import SlugMixin

    if isinstance(item, SlugMixin):
        return None
    names = ["name", "title"]
    for name in names:
        value = getattr(item, name, None)
        if value:
            return str(value)
    return None


def _dialect_name(session: Any) -> str:
    bind = getattr(session, "bind", None)
    if bind is None:
        bind = session.get_bind()
    return str(bind.dialect.name)


def _supports_delete_returning(session: Any) -> bool:
    bind = getattr(session, "bind", None)
    if bind is None:
        bind = session.get_bind()
    dialect = bind.dialect
    return bool(getattr(dialect, "delete_returning", False)) and dialect.name != "duckdb"


class FilterableRepositoryProtocol(Protocol[ModelT]):
    """Anything that filters rows of ``model_type``."""

    model_type: type[ModelT]


class FilterableRepository(FilterableRepositoryProtocol[ModelT]):
    """Default ordering and ``= ANY`` dialect preference shared by the repositories."""

    model_type: type[ModelT]
    order_by: Optional[Union[list[OrderingPair], OrderingPair]] = None
    prefer_any_dialects: Optional[tuple[str]] = ("postgresql",)


class RepositoryBase(FilterableRepository[ModelT]):
    """Settings and helpers common to :class:`SQLAlchemyAsyncRepository` and :class:`SQLAlchemySyncRepository`."""

    id_attribute: str = "id"
    loader_options: Any = None
    error_messages: Optional[ErrorMessages] = None
    wrap_exceptions: bool = True
    inherit_lazy_relationships: bool = True
    merge_loader_options: bool = True
    execution_options: Optional[dict[str, Any]] = None
    match_fields: Optional[Union[list[str], str]] = None
    uniquify: bool = False
    count_with_window_function: bool = True
    _default_messages: ClassVar[ErrorMessages] = DEFAULT_ERROR_MESSAGE_TEMPLATES

    def _setup(
        self,
        *,
        statement: Optional[Select[tuple[ModelT]]],
        session: Any,
        auto_expunge: bool,
        auto_refresh: bool,
        auto_commit: bool,
        order_by: Any,
        error_messages: Optional[Union[ErrorMessages, EmptyType]],
        load: Any,
        execution_options: Optional[dict[str, Any]],
        wrap_exceptions: bool,
        uniquify: Optional[bool],
        count_with_window_function: Optional[bool],
        bind_group: Optional[str],
    ) -> None:
        self.session = session
        self.auto_expunge = auto_expunge
        self.auto_refresh = auto_refresh
        self.auto_commit = auto_commit
        self.order_by = order_by if order_by is not None else type(self).order_by
        self.wrap_exceptions = wrap_exceptions
        self.error_messages = self._resolve_messages(error_messages)
        self.uniquify = bool(uniquify) if uniquify is not None else type(self).uniquify
        if count_with_window_function is not None:
            self.count_with_window_function = count_with_window_function
        self._default_loader_options, self._loader_unique = loader_options(
            load if load is not None else type(self).loader_options
        )
        if not self.inherit_lazy_relationships:
            self._default_loader_options.insert(0, lazyload("*"))
        self._default_execution_options = execution_options or type(self).execution_options or {}
        self.statement = statement if statement is not None else select(self.model_type)
        self._plain_statement: Optional[Select[Any]] = self.statement if statement is None else None
        self.bind_group = bind_group
        self._info = model_info(self.model_type)
        self._dialect_name = _dialect_name(session)
        self._delete_returning = _supports_delete_returning(session)
        self._prefer_any = self._dialect_name in (self.prefer_any_dialects or ())

    def _resolve_messages(self, error_messages: Optional[Union[ErrorMessages, EmptyType]]) -> ErrorMessages:
        messages: dict[str, Any] = dict(self._default_messages)
        messages.update(type(self).error_messages or {})
        if error_messages is not Empty and error_messages is not None:
            messages.update(cast("ErrorMessages", error_messages))
        return cast("ErrorMessages", messages)

    def _context(
        self,
        *,
        auto_commit: Optional[bool] = None,
        auto_expunge: Optional[bool] = None,
        auto_refresh: Optional[bool] = None,
        error_messages: Optional[Union[ErrorMessages, EmptyType]] = Empty,
        load: Any = None,
        execution_options: Optional[dict[str, Any]] = None,
        uniquify: Optional[bool] = None,
        count_with_window_function: Optional[bool] = None,
        bind_group: Optional[str] = None,
    ) -> CallContext[ModelT]:
        """Resolve one call's options against the repository defaults."""
        if uniquify is not None:
            self.uniquify = uniquify
        options = list(self._default_loader_options)
        unique = self._loader_unique
        if load is not None:
            call_options, call_unique = loader_options(load)
            options = [*options, *call_options] if self.merge_loader_options else call_options
            unique = unique or call_unique
        exec_options = dict(execution_options if execution_options is not None else self._default_execution_options)
        group = bind_group or self.bind_group
        if group:
            exec_options["bind_group"] = group
        return CallContext(
            info=self._info,
            statement=self.statement,
            dialect_name=self._dialect_name,
            auto_commit=self.auto_commit if auto_commit is None else auto_commit,
            auto_expunge=self.auto_expunge if auto_expunge is None else auto_expunge,
            auto_refresh=self.auto_refresh if auto_refresh is None else auto_refresh,
            uniquify=self.uniquify or unique,
            options=tuple(options),
            execution_options=exec_options or None,
            error_messages=self.error_messages if error_messages is Empty else self._resolve_messages(error_messages),
            wrap_exceptions=self.wrap_exceptions,
            id_attribute=self.id_attribute,
            order_by=self.order_by,
            count_with_window_function=(
                self.count_with_window_function if count_with_window_function is None else count_with_window_function
            ),
            prefer_any=self._prefer_any,
            plain_statement=self.statement is self._plain_statement,
        )

    def _flush_is_unobserved(self) -> bool:
        """Whether no application listener watches this session's flushes (so bulk INSERTs may bypass them)."""
        session = getattr(self.session, "sync_session", self.session)
        dispatch = getattr(session, "dispatch", None)
        if dispatch is None:
            return False
        hooks = (*dispatch.before_flush, *dispatch.after_flush, *dispatch.after_flush_postexec)
        return all(getattr(hook, "__module__", "").startswith("advanced_alchemy.") for hook in hooks)

    @property
    def pk_attr_names(self) -> tuple[str, ...]:
        """Primary-key attribute names, in mapper order."""
        return self._info.pk_attr_names

    @property
    def has_composite_pk(self) -> bool:
        """Whether the primary key has several columns."""
        return self._info.has_composite_pk

    def get_primary_key_value(self, instance: ModelT) -> Any:
        """The primary key of ``instance``: a scalar, or a tuple for composite keys."""
        values = tuple(getattr(instance, name) for name in self.pk_attr_names)
        return values if self.has_composite_pk else values[0]

    def has_primary_key_values(self, instance: ModelT) -> bool:
        """Whether every primary-key attribute of ``instance`` is set."""
        return all(getattr(instance, name) is not None for name in self.pk_attr_names)

    @classmethod
    def get_id_attribute_value(
        cls, item: Union[ModelT, type[ModelT]], id_attribute: Optional[Union[str, InstrumentedAttribute[Any]]] = None
    ) -> Any:
        """The value of the id attribute (``id_attribute`` or the class default) of ``item``."""
        if isinstance(id_attribute, InstrumentedAttribute):
            id_attribute = id_attribute.key
        return getattr(item, id_attribute if id_attribute is not None else cls.id_attribute)

    @classmethod
    def set_id_attribute_value(
        cls, item_id: Any, item: ModelT, id_attribute: Optional[Union[str, InstrumentedAttribute[Any]]] = None
    ) -> ModelT:
        """Set the id attribute of ``item`` to ``item_id`` and return ``item``."""
        if isinstance(id_attribute, InstrumentedAttribute):
            id_attribute = id_attribute.key
        setattr(item, id_attribute if id_attribute is not None else cls.id_attribute, item_id)
        return item

    @staticmethod
    def check_not_found(item_or_none: Optional[T]) -> T:
        """Return the item, or raise ``NotFoundError`` for ``None``."""
        if item_or_none is None:
            msg = "No item found when one was expected"
            raise NotFoundError(msg)
        return item_or_none
