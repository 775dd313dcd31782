"""A mutable list that records what was appended and removed since the last flush."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.mutable import MutableList as _SAMutableList
from typing_extensions import Self

T = TypeVar("T", bound=Any)


class MutableList(_SAMutableList[T]):  # pyright: ignore[reportMissingTypeArgument]
    """:class:`sqlalchemy.ext.mutable.MutableList` that also tracks appended and removed items.

    The stored-file listeners read ``_pending_append`` and ``_pending_removed`` to save new files and
    delete dropped ones when the session commits.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending_removed: set[T] = set()
        self._pending_append: list[T] = []

    def __reduce_ex__(self, proto: Any) -> tuple[type[Self], tuple[list[T]]]:  # type: ignore[override]
        return (self.__class__, (list(self),))

    def __setstate__(self, state: Any) -> None:
        self[:] = state
        self._pending_removed = set()
        self._pending_append = []

    def _removed(self, *items: T) -> None:
        self._pending_removed.update(item for item in items if item is not None)

    def __setitem__(self, index: Any, value: Any) -> None:
        old = self[index]
        self._removed(*(old if isinstance(index, slice) else [old]))
        new = list(value) if isinstance(index, slice) else [value]
        self._pending_append.extend(new)
        super().__setitem__(index, value)

    def __delitem__(self, index: Any) -> None:
        old = self[index]
        self._removed(*(old if isinstance(index, slice) else [old]))
        super().__delitem__(index)

    def pop(self, *arg: Any) -> T:
        result = super().pop(*arg)
        self._removed(result)
        return result

    def append(self, x: Any) -> None:
        super().append(x)
        self._pending_append.append(x)

    def extend(self, x: Any) -> None:
        items = list(x)
        super().extend(items)
        self._pending_append.extend(items)

    def __iadd__(self, x: Any) -> Self:  # type: ignore[override,misc]
        self.extend(x)
        return self

    def insert(self, i: Any, x: Any) -> None:
        super().insert(i, x)
        self._pending_append.append(x)

    def remove(self, i: T) -> None:
        super().remove(i)
        self._removed(i)

    def clear(self) -> None:
        self._removed(*self)
        super().clear()

    def sort(self, **kw: Any) -> None:
        super().sort(**kw)

    def reverse(self) -> None:
        super().reverse()

    @classmethod
    def coerce(cls, key: Any, value: Any) -> Any:
        """Turn plain lists assigned to the attribute into :class:`MutableList`."""
        if not isinstance(value, cls):
            if isinstance(value, list):
                return cls(value)
            return super().coerce(key, value)
        return value
