"""The library's error hierarchy.

Every error raised on purpose by advanced-alchemy derives from :class:`AdvancedAlchemyError`.
Integrity errors also derive from :class:`sqlalchemy.exc.IntegrityError`, so code that catches
SQLAlchemy's class keeps working when a repository translated the error.
"""

from __future__ import annotations

import pickle
from typing import Any, Callable, Optional, Union

import sqlalchemy.exc as sa_exc
from typing_extensions import TypedDict

__all__ = (
    "AdvancedAlchemyError",
    "ConflictError",
    "DecryptionError",
    "DuplicateKeyError",
    "ErrorMessages",
    "ForeignKeyError",
    "ImproperConfigurationError",
    "IntegrityError",
    "MissingDependencyError",
    "MultipleResultsFoundError",
    "NotFoundError",
    "RepositoryError",
    "SerializationError",
    "wrap_sqlalchemy_exception",
)


class AdvancedAlchemyError(Exception):
    """Base class of every advanced-alchemy error."""

    detail: str

    def __init__(self, *args: Any, detail: str = "") -> None:
        str_args = [str(arg) for arg in args if arg]
        if not detail:
            if str_args:
                detail, *str_args = str_args
            elif hasattr(self, "detail"):
                detail = self.detail
        self.detail = detail
        Exception.__init__(self, *str_args)

    def __repr__(self) -> str:
        if self.detail:
            return f"{self.__class__.__name__} - {self.detail}"
        return self.__class__.__name__

    def __str__(self) -> str:
        return " ".join((*self.args, self.detail)).strip()

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild without calling ``__init__`` (which would move the first remaining arg into ``detail``,
        # and which some subclasses give other parameters); state that cannot be pickled (a live driver
        # error, say) is dropped.
        state: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            try:
                pickle.dumps(value)
            except Exception:
                continue
            state[key] = value
        return (_restore_error, (self.__class__, self.args, state))


def _restore_error(
    cls: type[AdvancedAlchemyError], args: tuple[Any, ...], state: dict[str, Any]
) -> AdvancedAlchemyError:
    """Unpickle an :class:`AdvancedAlchemyError` (see ``AdvancedAlchemyError.__reduce__``)."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class MissingDependencyError(AdvancedAlchemyError, ImportError):
    """An optional dependency a feature needs is not installed."""

    def __init__(self, package: str, install_package: Optional[str] = None) -> None:
        extra = install_package or package
        super().__init__(
            f"Package {package!r} is not installed but required. You can install it by running "
            f"'pip install advanced_alchemy[{extra}]' to install advanced_alchemy with the required extra "
            f"or 'pip install {extra}' to install the package separately"
        )


class ImproperConfigurationError(AdvancedAlchemyError):
    """The library was configured in a way that cannot work."""


class SerializationError(AdvancedAlchemyError):
    """A value could not be encoded or decoded."""


class RepositoryError(AdvancedAlchemyError):
    """A database operation failed."""


class _SQLAlchemyIntegrityCompat(sa_exc.IntegrityError):
    """Makes the library's integrity errors catchable as :class:`sqlalchemy.exc.IntegrityError`.

    SQLAlchemy's constructor is bypassed; the attributes its handlers read are filled from the wrapped
    error by :func:`advanced_alchemy._errors.wrap_sqlalchemy_exception`, or left empty.
    """

    statement: Optional[str] = None
    params: Any = None
    orig: Optional[BaseException] = None
    connection_invalidated = False
    code: Optional[str] = None  # type: ignore[assignment]
    ismulti: Optional[bool] = None
    hide_parameters = False


class IntegrityError(RepositoryError, _SQLAlchemyIntegrityCompat):  # type: ignore[misc]
    """A constraint was violated (also a :class:`sqlalchemy.exc.IntegrityError`)."""

    constraint_name: Optional[str] = None
    """Name of the violated constraint, when the driver reported it."""
    columns: Optional[tuple[str, ...]] = None
    """Columns involved in the violation, when the driver reported them."""

    def __init__(self, *args: Any, detail: str = "") -> None:
        RepositoryError.__init__(self, *args, detail=detail)

    __repr__ = RepositoryError.__repr__

    def __str__(self) -> str:
        text = RepositoryError.__str__(self)
        where = [f"constraint {self.constraint_name}"] if self.constraint_name else []
        if self.columns:
            where.append(f"column(s) {', '.join(self.columns)}")
        return f"{text} ({'; '.join(where)})" if where else text


class DuplicateKeyError(IntegrityError):
    """A unique or primary key constraint was violated."""


class ForeignKeyError(IntegrityError):
    """A foreign key constraint was violated."""


class NotFoundError(RepositoryError):
    """No row matched when one was expected."""


class MultipleResultsFoundError(RepositoryError):
    """More than one row matched when at most one was expected."""


class ConflictError(RepositoryError):
    """A write lost a race: the row changed since it was read (optimistic locking)."""


class InvalidRequestError(RepositoryError):
    """SQLAlchemy rejected the request as invalid."""


class DecryptionError(AdvancedAlchemyError):
    """A stored value could not be decrypted with the configured key(s)."""


class ErrorMessages(TypedDict, total=False):
    """Messages used when translating database errors; values are strings or ``(exc) -> str`` callables."""

    duplicate_key: Union[str, Callable[[Exception], str]]
    integrity: Union[str, Callable[[Exception], str]]
    foreign_key: Union[str, Callable[[Exception], str]]
    multiple_rows: Union[str, Callable[[Exception], str]]
    check_constraint: Union[str, Callable[[Exception], str]]
    other: Union[str, Callable[[Exception], str]]
    not_found: Union[str, Callable[[Exception], str]]


from advanced_alchemy._errors import wrap_sqlalchemy_exception  # noqa: E402
