"""Declarative bases, the ORM registry and per-bind-key metadata."""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import re
import sys
import weakref
from collections.abc import Iterator
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Dict,
    Optional,
    Protocol,
    Tuple,
    TypeVar,
    Union,
    cast,
    runtime_checkable,
)
from uuid import UUID

from sqlalchemy import Date, MetaData, String
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapper, declared_attr
from sqlalchemy.orm import registry as SQLAlchemyRegistry
from sqlalchemy.types import TypeEngine
from typing_extensions import TypeAlias

from advanced_alchemy._constructor import model_constructor
from advanced_alchemy.mixins.audit import AuditColumns
from advanced_alchemy.mixins.bigint import BigIntPrimaryKey, IdentityPrimaryKey
from advanced_alchemy.mixins.nanoid import NanoIDPrimaryKey
from advanced_alchemy.mixins.slug import SlugKey
from advanced_alchemy.mixins.uuid import UUIDPrimaryKey, UUIDv6PrimaryKey, UUIDv7PrimaryKey
from advanced_alchemy.types.datetime import DateTimeUTC
from advanced_alchemy.types.guid import GUID
from advanced_alchemy.types.json import JsonB
from advanced_alchemy.typing import PYDANTIC_INSTALLED
from advanced_alchemy.utils.singleton import SingletonMeta

if TYPE_CHECKING:
    from sqlalchemy.sql import FromClause
    from sqlalchemy.sql.schema import _NamingSchemaParameter as NamingSchemaParameter

__all__ = (
    "AdvancedDeclarativeBase",
    "BaseORMModel",
    "BasicAttributes",
    "BigIntAuditBase",
    "BigIntBase",
    "BigIntBaseT",
    "CommonTableAttributes",
    "DefaultBase",
    "IdentityAuditBase",
    "IdentityBase",
    "IdentityBaseT",
    "ModelProtocol",
    "NanoIDAuditBase",
    "NanoIDBase",
    "NanoIDBaseT",
    "NanoidAuditBase",
    "NanoidBase",
    "SQLQuery",
    "SlugKey",
    "TableArgsType",
    "UUIDAuditBase",
    "UUIDBase",
    "UUIDBaseT",
    "UUIDv6AuditBase",
    "UUIDv6Base",
    "UUIDv6BaseT",
    "UUIDv7AuditBase",
    "UUIDv7Base",
    "UUIDv7BaseT",
    "convention",
    "create_registry",
    "merge_table_arguments",
    "metadata_registry",
    "model_to_dict",
    "orm_registry",
    "table_name_regexp",
)

TableArgsType: TypeAlias = Union[Tuple[Any, ...], Dict[str, Any]]

convention: NamingSchemaParameter = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Naming convention for constraints and indexes, so migrations get stable names on every database."""

table_name_regexp = re.compile("((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")
"""Where ``_`` goes when a class name becomes a table name (``UserAccount`` -> ``user_account``)."""

_SENTINEL_KEYS = frozenset({"sa_orm_sentinel", "_sentinel"})


@runtime_checkable
class ModelProtocol(Protocol):
    """Any mapped class: plain ``DeclarativeBase`` models satisfy it too (table and mapper are class-level)."""

    __table__: ClassVar[FromClause]
    __mapper__: ClassVar[Mapper[Any]]


class MetadataRegistry(metaclass=SingletonMeta):
    """Maps bind keys to :class:`~sqlalchemy.MetaData`; ``None`` is the default registry's metadata."""

    def __init__(self) -> None:
        self._registry: dict[Optional[str], MetaData] = {}

    def get(self, bind_key: Optional[str] = None) -> MetaData:
        """The metadata of ``bind_key``, created (with the naming convention) on first use."""
        if bind_key not in self._registry:
            self._registry[bind_key] = (
                orm_registry.metadata if bind_key is None else MetaData(naming_convention=convention)
            )
        return self._registry[bind_key]

    def set(self, bind_key: Optional[str], metadata: MetaData) -> None:
        """Register ``metadata`` under ``bind_key``."""
        self._registry[bind_key] = metadata

    def __iter__(self) -> Iterator[Optional[str]]:
        return iter(self._registry)

    def __getitem__(self, bind_key: Optional[str]) -> MetaData:
        return self._registry[bind_key]

    def __setitem__(self, bind_key: Optional[str], metadata: MetaData) -> None:
        self._registry[bind_key] = metadata

    def __contains__(self, bind_key: Optional[str]) -> bool:
        return bind_key in self._registry


def _pydantic_annotations() -> dict[Any, Union[type[TypeEngine[Any]], TypeEngine[Any]]]:
    """Column types for pydantic's URL / IP / JSON / e-mail types (imports pydantic)."""
    try:
        import pydantic
    except ImportError:  # pragma: no cover - pydantic is optional
        return {}
    mapping: dict[Any, Union[type[TypeEngine[Any]], TypeEngine[Any]]] = {
        pydantic.AnyUrl: String,
        pydantic.AnyHttpUrl: String,
        pydantic.IPvAnyAddress: String,
        pydantic.IPvAnyInterface: String,
        pydantic.IPvAnyNetwork: String,
        pydantic.Json: JsonB,
    }
    if importlib.util.find_spec("email_validator") is not None:  # EmailStr needs the email-validator package
        mapping[pydantic.EmailStr] = String
    return mapping


_PYDANTIC_PENDING: weakref.WeakSet[SQLAlchemyRegistry] = weakref.WeakSet()
"""Registries created before pydantic was imported: its types are mapped once it is (see below)."""


def _add_pending_pydantic_annotations(cls: type) -> None:
    """Map pydantic's types on the registry of ``cls`` if it still lacks them and pydantic is now loaded.

    Called from ``__init_subclass__``, before SQLAlchemy maps the class: a model annotated with a pydantic
    type has pydantic imported by then. Entries the registry already has (set by the user) are kept.
    """
    if not _PYDANTIC_PENDING or sys.modules.get("pydantic") is None:
        return
    registry = getattr(cls, "registry", None)
    if not isinstance(registry, SQLAlchemyRegistry) or registry not in _PYDANTIC_PENDING:
        return
    _PYDANTIC_PENDING.discard(registry)
    existing = registry.type_annotation_map
    registry.update_type_annotation_map(
        {annotation: sql_type for annotation, sql_type in _pydantic_annotations().items() if annotation not in existing}
    )


def create_registry(
    custom_annotation_map: Optional[dict[Any, Union[type[TypeEngine[Any]], TypeEngine[Any]]]] = None,
) -> SQLAlchemyRegistry:
    """A new ORM registry whose metadata uses :data:`convention` and whose annotations map to library types.

    ``uuid.UUID`` -> :class:`GUID`, ``datetime.datetime`` -> :class:`DateTimeUTC`, ``datetime.date`` ->
    ``Date``, ``dict`` -> :data:`JsonB`, and (when pydantic is installed) its URL/IP types -> ``String``,
    ``Json`` -> :data:`JsonB`. ``custom_annotation_map`` entries are applied last.

    pydantic is not imported here: when it is not loaded yet, its types are added to the registry when
    the first model class of an :class:`AdvancedDeclarativeBase` (or :class:`CommonTableAttributes`)
    subclass using this registry is declared after pydantic was imported.
    """
    type_annotation_map: dict[Any, Union[type[TypeEngine[Any]], TypeEngine[Any]]] = {
        UUID: GUID,
        datetime.datetime: DateTimeUTC,
        datetime.date: Date,
        dict: JsonB,
        dict[str, Any]: JsonB,
        dict[str, str]: JsonB,
    }
    if importlib.util.find_spec("advanced_alchemy.types.file_object") is not None:  # stored files (later issue)
        file_object = importlib.import_module("advanced_alchemy.types.file_object")
        type_annotation_map[file_object.FileObject] = file_object.StoredObject
        type_annotation_map[file_object.FileObjectList] = file_object.StoredObject
    pydantic_loaded = sys.modules.get("pydantic") is not None
    if pydantic_loaded:
        type_annotation_map.update(_pydantic_annotations())
    if custom_annotation_map:
        type_annotation_map.update(custom_annotation_map)
    registry = SQLAlchemyRegistry(
        metadata=MetaData(naming_convention=convention),
        type_annotation_map=type_annotation_map,
        constructor=model_constructor,
    )
    if PYDANTIC_INSTALLED and not pydantic_loaded:
        _PYDANTIC_PENDING.add(registry)
    return registry


orm_registry = create_registry()
metadata_registry = MetadataRegistry()


def _has_polymorphic_ancestor(cls: type) -> bool:
    return any(
        isinstance(args := base.__dict__.get("__mapper_args__"), dict) and "polymorphic_on" in args
        for base in cls.__mro__[1:]
    )


class BasicAttributes:
    """``to_dict()`` for mapped classes."""

    def to_dict(self, exclude: Optional[set[str]] = None) -> dict[str, Any]:
        """Column attributes and their current values; unloaded (deferred/expired) ones are skipped."""
        return model_to_dict(cast("ModelProtocol", self), exclude=exclude, _use_to_dict=False)


def model_to_dict(
    instance: ModelProtocol, exclude: Optional[set[str]] = None, *, _use_to_dict: bool = True
) -> dict[str, Any]:
    """``instance.to_dict(exclude)`` when it has one, else the same dict built from the mapper."""
    to_dict = getattr(instance, "to_dict", None) if _use_to_dict else None
    if callable(to_dict):
        return cast("dict[str, Any]", to_dict(exclude=exclude))
    from sqlalchemy import inspect as sa_inspect

    state = sa_inspect(instance, raiseerr=True)
    skip = _SENTINEL_KEYS | (exclude or set()) | state.unloaded
    return {key: state.dict.get(key) for key in state.mapper.column_attrs.keys() if key not in skip}  # noqa: SIM118


class CommonTableAttributes(BasicAttributes):
    """Generates ``__tablename__`` from the class name (``UserAccount`` -> ``user_account``).

    Single-table inheritance subclasses (a polymorphic parent, no table of their own) share the parent table.
    """

    if TYPE_CHECKING:
        __table__: ClassVar[FromClause]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "__tablename__" not in cls.__dict__ and _is_single_table_child(cls):
            cls.__tablename__ = None  # type: ignore[assignment]
        _add_pending_pydantic_annotations(cls)
        super().__init_subclass__(**kwargs)

    @declared_attr.directive
    def __tablename__(cls) -> Optional[str]:
        model = cast("type[Any]", cls)
        if _is_single_table_child(model):
            return None
        return table_name_regexp.sub(r"_\1", model.__name__).lower()


def _is_single_table_child(cls: type) -> bool:
    own_args = cls.__dict__.get("__mapper_args__")
    own_args = own_args if isinstance(own_args, dict) else {}
    if own_args.get("concrete") or "polymorphic_on" in own_args:
        return False
    return _has_polymorphic_ancestor(cls)


def _base_table_args(cls: type) -> list[Any]:
    """``__table_args__`` as seen from each direct base of ``cls``, evaluated for ``cls`` (like ``super()``).

    Each defining class contributes once, so two bases that inherit the same mixin do not duplicate it.
    """
    found: list[Any] = []
    seen: set[type] = set()
    for base in cls.__bases__:
        owner = next((klass for klass in base.__mro__ if "__table_args__" in vars(klass)), None)
        if owner is None or owner in seen:
            continue
        seen.add(owner)
        raw = vars(owner)["__table_args__"]
        getter = getattr(raw, "__get__", None)
        found.append(getter(None, cls) if getter is not None else raw)
    return found


def merge_table_arguments(cls: type[DeclarativeBase], table_args: Optional[TableArgsType] = None) -> TableArgsType:
    """Combine the ``__table_args__`` of ``cls``'s bases with ``table_args``."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    all_args: list[Any] = [*_base_table_args(cls), table_args]
    for arg in all_args:
        if isinstance(arg, tuple):
            if arg and isinstance(arg[-1], dict):
                args.extend(arg[:-1])
                kwargs.update(arg[-1])
            else:
                args.extend(arg)
        elif isinstance(arg, dict):
            kwargs.update(arg)
    if args and kwargs:
        return (*args, kwargs)
    if args:
        return tuple(args)
    return kwargs


class AdvancedDeclarativeBase(DeclarativeBase):
    """Declarative base on :data:`orm_registry`; models with a ``__bind_key__`` get that key's metadata."""

    registry = orm_registry
    __abstract__ = True
    __metadata_registry__: MetadataRegistry = MetadataRegistry()
    __bind_key__: Optional[str] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        _add_pending_pydantic_annotations(cls)
        bind_key = getattr(cls, "__bind_key__", None)
        if bind_key is not None:
            cls.metadata = cls.__metadata_registry__.get(bind_key)
        elif None not in cls.__metadata_registry__:
            cls.__metadata_registry__.set(None, cls.metadata)
        super().__init_subclass__(**kwargs)


class UUIDBase(UUIDPrimaryKey, CommonTableAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a UUIDv4 ``id`` primary key."""

    __abstract__ = True


class UUIDAuditBase(CommonTableAttributes, UUIDPrimaryKey, AuditColumns, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a UUIDv4 ``id`` primary key and ``created_at``/``updated_at``."""

    __abstract__ = True


class UUIDv6Base(UUIDv6PrimaryKey, CommonTableAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a UUIDv6 ``id`` primary key."""

    __abstract__ = True


class UUIDv6AuditBase(CommonTableAttributes, UUIDv6PrimaryKey, AuditColumns, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a UUIDv6 ``id`` primary key and ``created_at``/``updated_at``."""

    __abstract__ = True


class UUIDv7Base(UUIDv7PrimaryKey, CommonTableAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a time-sortable UUIDv7 ``id`` primary key."""

    __abstract__ = True


class UUIDv7AuditBase(CommonTableAttributes, UUIDv7PrimaryKey, AuditColumns, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a time-sortable UUIDv7 ``id`` primary key and ``created_at``/``updated_at``."""

    __abstract__ = True


class NanoIDBase(NanoIDPrimaryKey, CommonTableAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a URL-friendly Nano ID ``id`` primary key."""

    __abstract__ = True


class NanoIDAuditBase(CommonTableAttributes, NanoIDPrimaryKey, AuditColumns, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a Nano ID ``id`` primary key and ``created_at``/``updated_at``."""

    __abstract__ = True


class BigIntBase(BigIntPrimaryKey, CommonTableAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a BIGINT ``id`` primary key backed by a sequence."""

    __abstract__ = True


class BigIntAuditBase(CommonTableAttributes, BigIntPrimaryKey, AuditColumns, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a BIGINT ``id`` primary key and ``created_at``/``updated_at``."""

    __abstract__ = True


class IdentityBase(IdentityPrimaryKey, CommonTableAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with a BIGINT ``id`` primary key generated by the database IDENTITY feature."""

    __abstract__ = True


class IdentityAuditBase(CommonTableAttributes, IdentityPrimaryKey, AuditColumns, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with an IDENTITY ``id`` primary key and ``created_at``/``updated_at``."""

    __abstract__ = True


class DefaultBase(CommonTableAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    """Base with no primary key: declare your own."""

    __abstract__ = True


class SQLQuery(BasicAttributes, AdvancedDeclarativeBase, AsyncAttrs):
    """Base for mapping the results of arbitrary SELECTs (no generated table name)."""

    __abstract__ = True
    __allow_unmapped__ = True


BaseORMModel = DefaultBase
"""Plain declarative base: declare your own primary key."""
NanoidBase = NanoIDBase
NanoidAuditBase = NanoIDAuditBase

UUIDBaseT = TypeVar("UUIDBaseT", bound=UUIDBase)
BigIntBaseT = TypeVar("BigIntBaseT", bound=BigIntBase)
IdentityBaseT = TypeVar("IdentityBaseT", bound=IdentityBase)
UUIDv6BaseT = TypeVar("UUIDv6BaseT", bound=UUIDv6Base)
UUIDv7BaseT = TypeVar("UUIDv7BaseT", bound=UUIDv7Base)
NanoIDBaseT = TypeVar("NanoIDBaseT", bound=NanoIDBase)
