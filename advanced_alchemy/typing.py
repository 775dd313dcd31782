"""Optional-dependency detection, the library classes when installed and stand-ins when not.

Importing this module never imports an optional library. ``*_INSTALLED`` flags tell which ones can be
imported (found without importing them); ``BaseModel``, ``TypeAdapter``, ``Struct``, ``UNSET``,
``AttrsInstance``, ``DTOData``, ``SQLModelBase``, ... are imported on first access (module
``__getattr__``): the real objects when the library imports, inert stand-ins otherwise.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    ClassVar,
    Generic,
    Literal,
    Optional,
    Protocol,
    Union,
    runtime_checkable,
)

from typing_extensions import TypeVar, dataclass_transform

if TYPE_CHECKING:
    from cattrs.dispatch import UnstructuredValue

__all__ = (
    "ARGON2_INSTALLED",
    "ATTRS_INSTALLED",
    "CATTRS_INSTALLED",
    "CRYPTOGRAPHY_INSTALLED",
    "LITESTAR_INSTALLED",
    "MSGSPEC_INSTALLED",
    "NUMPY_INSTALLED",
    "ORJSON_INSTALLED",
    "PASSLIB_INSTALLED",
    "PWDLIB_INSTALLED",
    "PYDANTIC_INSTALLED",
    "PYOTP_INSTALLED",
    "SQLMODEL_INSTALLED",
    "UNSET",
    "AttrsInstance",
    "AttrsLike",
    "BaseModel",
    "BaseModelLike",
    "DTOData",
    "DTODataLike",
    "DataclassProtocol",
    "DictProtocol",
    "FailFast",
    "SQLModelBase",
    "SQLModelBaseLike",
    "Struct",
    "StructLike",
    "T",
    "T_co",
    "TypeAdapter",
    "UnsetType",
    "attrs_asdict",
    "attrs_fields",
    "attrs_has",
    "attrs_nothing",
    "cattrs_structure",
    "cattrs_unstructure",
    "convert",
)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


def _module_available(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # pragma: no cover - broken installs
        return False


# Cheap availability checks (nothing is imported).
ARGON2_INSTALLED: bool = _module_available("argon2")
PASSLIB_INSTALLED: bool = _module_available("passlib")
PWDLIB_INSTALLED: bool = _module_available("pwdlib")
PYOTP_INSTALLED: bool = _module_available("pyotp")
CRYPTOGRAPHY_INSTALLED: bool = _module_available("cryptography")
NUMPY_INSTALLED: bool = _module_available("numpy")
ORJSON_INSTALLED: bool = _module_available("orjson")
CATTRS_INSTALLED: bool = _module_available("cattrs")
LITESTAR_INSTALLED: bool = _module_available("litestar")
SQLMODEL_INSTALLED: bool = _module_available("sqlmodel")
PYDANTIC_INSTALLED: bool = _module_available("pydantic")
MSGSPEC_INSTALLED: bool = _module_available("msgspec")
ATTRS_INSTALLED: bool = _module_available("attrs")


# --- protocols ---------------------------------------------------------------------------------------


@runtime_checkable
class DictProtocol(Protocol):
    """Any object with an instance ``__dict__``."""

    __dict__: dict[str, Any]


@runtime_checkable
class DataclassProtocol(Protocol):
    """Any dataclass."""

    __dataclass_fields__: ClassVar[dict[str, Any]]


@runtime_checkable
class DTODataLike(Protocol[T]):
    """What services use of Litestar's ``DTOData``."""

    def __init__(self, backend: Any, data_as_builtins: Any) -> None: ...

    def create_instance(self, **kwargs: Any) -> T: ...

    def update_instance(self, instance: T, **kwargs: Any) -> T: ...

    def as_builtins(self) -> Any: ...


if TYPE_CHECKING:

    class BaseModelLike(Protocol):
        """Structural type of a Pydantic model."""

        model_fields: ClassVar[dict[str, Any]]

        def model_dump(
            self,
            /,
            *,
            include: Optional[Any] = None,
            exclude: Optional[Any] = None,
            context: Optional[Any] = None,
            by_alias: bool = False,
            exclude_unset: bool = False,
            exclude_defaults: bool = False,
            exclude_none: bool = False,
            round_trip: bool = False,
            warnings: Union[bool, Literal["none", "warn", "error"]] = True,
            serialize_as_any: bool = False,
        ) -> dict[str, Any]: ...

        def model_dump_json(
            self,
            /,
            *,
            include: Optional[Any] = None,
            exclude: Optional[Any] = None,
            context: Optional[Any] = None,
            by_alias: bool = False,
            exclude_unset: bool = False,
            exclude_defaults: bool = False,
            exclude_none: bool = False,
            round_trip: bool = False,
            warnings: Union[bool, Literal["none", "warn", "error"]] = True,
            serialize_as_any: bool = False,
        ) -> str: ...

    class StructLike(Protocol):
        """Structural type of a msgspec ``Struct``."""

        __struct_fields__: ClassVar[tuple[str, ...]]

    class AttrsLike(Protocol):
        """Structural type of an attrs instance."""

        __attrs_attrs__: ClassVar[Any]

    class SQLModelBaseLike(Protocol):
        """Structural type of a SQLModel model."""

        model_fields: ClassVar[dict[str, Any]]

else:

    class BaseModelLike:
        """Structural stand-in for a Pydantic model (a protocol for type checkers)."""

        model_fields: ClassVar[dict[str, Any]] = {}

        def __init__(self, **data: Any) -> None:
            for key, value in data.items():
                setattr(self, key, value)

        def model_dump(
            self,
            /,
            *,
            include: Optional[Any] = None,
            exclude: Optional[Any] = None,
            context: Optional[Any] = None,
            by_alias: bool = False,
            exclude_unset: bool = False,
            exclude_defaults: bool = False,
            exclude_none: bool = False,
            round_trip: bool = False,
            warnings: Union[bool, Literal["none", "warn", "error"]] = True,
            serialize_as_any: bool = False,
        ) -> dict[str, Any]:
            return dict(self.__dict__)

        def model_dump_json(
            self,
            /,
            *,
            include: Optional[Any] = None,
            exclude: Optional[Any] = None,
            context: Optional[Any] = None,
            by_alias: bool = False,
            exclude_unset: bool = False,
            exclude_defaults: bool = False,
            exclude_none: bool = False,
            round_trip: bool = False,
            warnings: Union[bool, Literal["none", "warn", "error"]] = True,
            serialize_as_any: bool = False,
        ) -> str:
            import json

            return json.dumps(self.__dict__, default=str)

    @dataclass_transform()
    class StructLike:
        """Structural stand-in for a msgspec ``Struct`` (a protocol for type checkers)."""

        __struct_fields__: ClassVar[tuple[str, ...]] = ()

        def __init__(self, **kwargs: Any) -> None:
            for key, value in kwargs.items():
                setattr(self, key, value)

    @dataclass_transform()
    class AttrsLike:
        """Structural stand-in for an attrs class (a protocol for type checkers)."""

        __attrs_attrs__: ClassVar[tuple[Any, ...]] = ()

        def __init__(self, **kwargs: Any) -> None:
            for key, value in kwargs.items():
                setattr(self, key, value)

        def __repr__(self) -> str:
            return f"{type(self).__name__}({self.__dict__!r})"

    class SQLModelBaseLike:
        """Structural stand-in for a SQLModel model (a protocol for type checkers)."""

        model_fields: ClassVar[dict[str, Any]] = {}


# --- pydantic / msgspec / attrs (imported on first access) -------------------------------------------
#
# The ``*_INSTALLED`` flags above only look the libraries up; the library objects (``BaseModel``, ``Struct``,
# ``UNSET``, ``attrs_nothing``, ...) are imported by the module ``__getattr__`` below the first time they
# are asked for, and are the stand-ins that follow when the import fails.

if TYPE_CHECKING:
    from attrs import NOTHING as attrs_nothing
    from attrs import AttrsInstance
    from attrs import asdict as attrs_asdict
    from attrs import fields as attrs_fields
    from attrs import has as attrs_has
    from msgspec import UNSET, Struct, UnsetType, convert
    from pydantic import BaseModel, FailFast, TypeAdapter


class _BaseModelStub(BaseModelLike):
    """Stand-in for ``pydantic.BaseModel`` (pydantic is not installed)."""


class _TypeAdapterStub(Generic[T]):
    """Stand-in for ``pydantic.TypeAdapter`` (pydantic is not installed)."""

    def __init__(self, type: Any, *, config: Any = None, _parent_depth: int = 2, module: Any = None) -> None:
        self.type = type

    def validate_python(self, object: Any, /, **kwargs: Any) -> Any:
        from advanced_alchemy.exceptions import MissingDependencyError

        raise MissingDependencyError("pydantic")


@dataclass
class _FailFastStub:
    """Stand-in for ``pydantic.FailFast`` (pydantic is not installed)."""

    fail_fast: bool = True


@dataclass_transform()
class _StructStub(StructLike):
    """Stand-in for ``msgspec.Struct`` (msgspec is not installed)."""


class _UnsetTypeStub:
    """Stand-in for ``msgspec.UnsetType`` (msgspec is not installed)."""

    _instance: ClassVar[Optional[_UnsetTypeStub]] = None

    def __new__(cls) -> _UnsetTypeStub:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


_UNSET_STUB = _UnsetTypeStub()
"""Stand-in for ``msgspec.UNSET`` (msgspec is not installed)."""


def _convert_stub(
    obj: Any,
    type: Any,
    *,
    strict: bool = True,
    from_attributes: bool = False,
    dec_hook: Any = None,
    str_keys: bool = False,
    builtin_types: Any = None,
) -> Any:
    """Stand-in for ``msgspec.convert``: raises ``MissingDependencyError``."""
    from advanced_alchemy.exceptions import MissingDependencyError

    raise MissingDependencyError("msgspec")


@runtime_checkable
class _AttrsInstanceStub(Protocol):
    """Stand-in for ``attrs.AttrsInstance`` (attrs is not installed)."""

    __attrs_attrs__: ClassVar[Any]


class _Nothing:
    """Type of the stand-in for ``attrs.NOTHING``."""

    def __repr__(self) -> str:
        return "NOTHING"

    def __bool__(self) -> bool:
        return False


_ATTRS_NOTHING_STUB = _Nothing()
"""Stand-in for ``attrs.NOTHING`` (attrs is not installed)."""


def _attrs_asdict_stub(inst: Any, *, recurse: bool = True, filter: Any = None, **kwargs: Any) -> dict[str, Any]:
    """Stand-in for ``attrs.asdict``: raises ``MissingDependencyError``."""
    from advanced_alchemy.exceptions import MissingDependencyError

    raise MissingDependencyError("attrs")


def _attrs_fields_stub(cls: Any) -> tuple[Any, ...]:
    """Stand-in for ``attrs.fields``: raises ``MissingDependencyError``."""
    from advanced_alchemy.exceptions import MissingDependencyError

    raise MissingDependencyError("attrs")


def _attrs_has_stub(cls: Any) -> bool:
    """Stand-in for ``attrs.has``: nothing is an attrs class."""
    return False


# --- cattrs (imported on first use) ------------------------------------------------------------------


def cattrs_structure(obj: UnstructuredValue, cl: type[T]) -> T:
    """``cattrs.structure`` (raises ``MissingDependencyError`` when cattrs is not installed)."""
    if not CATTRS_INSTALLED:
        from advanced_alchemy.exceptions import MissingDependencyError

        raise MissingDependencyError("cattrs")
    import cattrs

    return cattrs.structure(obj, cl)


def cattrs_unstructure(obj: Any, unstructure_as: Any = None) -> Any:
    """``cattrs.unstructure`` (raises ``MissingDependencyError`` when cattrs is not installed)."""
    if not CATTRS_INSTALLED:
        from advanced_alchemy.exceptions import MissingDependencyError

        raise MissingDependencyError("cattrs")
    import cattrs

    return cattrs.unstructure(obj, unstructure_as=unstructure_as)


# --- litestar / sqlmodel (imported on first access) --------------------------------------------------

if TYPE_CHECKING:
    from litestar.dto.data_structures import DTOData  # type: ignore[import-not-found,unused-ignore]
    from sqlmodel import SQLModel as SQLModelBase  # type: ignore[import-not-found,unused-ignore]


class _DTODataStub(Generic[T]):
    """Stand-in for Litestar's ``DTOData`` (litestar is not installed)."""

    def __init__(self, backend: Any, data_as_builtins: Any) -> None:
        self._backend = backend
        self._data_as_builtins = data_as_builtins

    def create_instance(self, **kwargs: Any) -> T:
        from advanced_alchemy.exceptions import MissingDependencyError

        raise MissingDependencyError("litestar")

    def update_instance(self, instance: T, **kwargs: Any) -> T:
        from advanced_alchemy.exceptions import MissingDependencyError

        raise MissingDependencyError("litestar")

    def as_builtins(self) -> Any:
        return self._data_as_builtins


class _SQLModelStub(SQLModelBaseLike):
    """Stand-in for ``sqlmodel.SQLModel`` (sqlmodel is not installed)."""


_LAZY: dict[str, tuple[str, str, Any]] = {
    # name: (module, attribute, stand-in used when the import fails)
    "BaseModel": ("pydantic", "BaseModel", _BaseModelStub),
    "FailFast": ("pydantic", "FailFast", _FailFastStub),
    "TypeAdapter": ("pydantic", "TypeAdapter", _TypeAdapterStub),
    "Struct": ("msgspec", "Struct", _StructStub),
    "UNSET": ("msgspec", "UNSET", _UNSET_STUB),
    "UnsetType": ("msgspec", "UnsetType", _UnsetTypeStub),
    "convert": ("msgspec", "convert", _convert_stub),
    "AttrsInstance": ("attrs", "AttrsInstance", _AttrsInstanceStub),
    "attrs_asdict": ("attrs", "asdict", _attrs_asdict_stub),
    "attrs_fields": ("attrs", "fields", _attrs_fields_stub),
    "attrs_has": ("attrs", "has", _attrs_has_stub),
    "attrs_nothing": ("attrs", "NOTHING", _ATTRS_NOTHING_STUB),
    "DTOData": ("litestar.dto.data_structures", "DTOData", _DTODataStub),
    "SQLModelBase": ("sqlmodel", "SQLModel", _SQLModelStub),
}


def __getattr__(name: str) -> Any:
    try:
        module_name, attr, stub = _LAZY[name]
    except KeyError:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg) from None
    try:
        value = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):  # not installed, or a version without ``attr``
        value = stub
    globals()[name] = value
    return value


def lazy_reexports(module_name: str, names: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving ``names`` (exported name -> name in this module) on first access.

    Modules that re-export the library objects above use it, so importing them imports no optional library.
    """

    def module_getattr(name: str) -> Any:
        try:
            source = names[name]
        except KeyError:
            msg = f"module {module_name!r} has no attribute {name!r}"
            raise AttributeError(msg) from None
        value = getattr(sys.modules[__name__], source)
        sys.modules[module_name].__dict__[name] = value  # later lookups no longer reach this function
        return value

    return module_getattr
