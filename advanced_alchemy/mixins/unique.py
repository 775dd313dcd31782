"""Get-or-create of rows identified by a natural key, once per session."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Optional, Union

from sqlalchemy import ColumnElement, Select, select
from typing_extensions import Self

from advanced_alchemy.exceptions import wrap_sqlalchemy_exception

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.ext.asyncio.scoping import async_scoped_session
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.scoping import scoped_session

__all__ = ("UniqueMixin",)

_CACHE_ATTR = "_unique_cache"


class UniqueMixin:
    """Mixin for models looked up by a natural key: ``as_unique_sync``/``as_unique_async`` return the existing
    row or a new (added, not flushed) one, and the same object for the same key within one session.

    Subclasses implement :meth:`unique_hash` and :meth:`unique_filter`.
    """

    @classmethod
    def _unique_cache(cls, session: Any) -> dict[tuple[type, Hashable], Any]:
        cache: Optional[dict[tuple[type, Hashable], Any]] = getattr(session, _CACHE_ATTR, None)
        if cache is None:
            cache = {}
            setattr(session, _CACHE_ATTR, cache)
        return cache

    @classmethod
    def _unique_statement(cls, *args: Any, **kwargs: Any) -> Select[tuple[Self]]:
        return select(cls).where(cls.unique_filter(*args, **kwargs)).limit(2)

    @classmethod
    @contextmanager
    def _unique_lookup(cls, session: Any, *args: Any, **kwargs: Any) -> Iterator[tuple[Any, Any]]:
        key = (cls, cls.unique_hash(*args, **kwargs))
        cache = cls._unique_cache(session)
        with session.no_autoflush, wrap_sqlalchemy_exception():
            yield cache, key

    @classmethod
    def as_unique_sync(cls, session: Union[Session, scoped_session[Session]], *args: Any, **kwargs: Any) -> Self:
        """The row matching ``unique_filter(*args, **kwargs)``, or a new one added to ``session``."""
        with cls._unique_lookup(session, *args, **kwargs) as (cache, key):
            obj = cache.get(key)
            if not obj:
                obj = session.execute(cls._unique_statement(*args, **kwargs)).scalar_one_or_none()
                if obj is None:
                    obj = cls(*args, **kwargs)
                    session.add(obj)
                cache[key] = obj
        return obj  # type: ignore[no-any-return]

    @classmethod
    async def as_unique_async(
        cls, session: Union[AsyncSession, async_scoped_session[AsyncSession]], *args: Any, **kwargs: Any
    ) -> Self:
        """Async form of :meth:`as_unique_sync`."""
        with cls._unique_lookup(session, *args, **kwargs) as (cache, key):
            obj = cache.get(key)
            if not obj:
                obj = (await session.execute(cls._unique_statement(*args, **kwargs))).scalar_one_or_none()
                if obj is None:
                    obj = cls(*args, **kwargs)
                    session.add(obj)
                cache[key] = obj
        return obj  # type: ignore[no-any-return]

    @classmethod
    def unique_hash(cls, *args: Any, **kwargs: Any) -> Hashable:
        """The key identifying a row among rows of this class (same arguments as the constructor)."""
        msg = "Implement this in subclass"
        raise NotImplementedError(msg)

    @classmethod
    def unique_filter(cls, *args: Any, **kwargs: Any) -> ColumnElement[bool]:
        """The WHERE clause that finds the row for these arguments."""
        msg = "Implement this in subclass"
        raise NotImplementedError(msg)
