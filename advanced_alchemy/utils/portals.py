"""A background event loop that synchronous code can hand coroutines to (a "portal").

Flask views are synchronous, but async configs need an event loop: :class:`PortalProvider` runs one in a
daemon thread (one provider per process), and :meth:`Portal.call` runs a coroutine function there and
returns its result to the calling thread.

This module is framework-neutral; it is the implementation of the public ``advanced_alchemy.utils.portals``
API (``Portal``, ``PortalProvider``, ``PortalProviderSingleton``) and can move there unchanged.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, Callable, ClassVar, Optional, TypeVar

__all__ = ("Portal", "PortalProvider", "PortalProviderSingleton")

_R = TypeVar("_R")


class PortalProviderSingleton(type):
    """Metaclass giving each :class:`PortalProvider` class a single instance per process."""

    _instances: ClassVar[dict[type, PortalProvider]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __call__(cls, *args: Any, **kwargs: Any) -> PortalProvider:
        instances = PortalProviderSingleton._instances
        if cls not in instances:
            with PortalProviderSingleton._lock:
                if cls not in instances:
                    instances[cls] = super().__call__(*args, **kwargs)
        return instances[cls]


class Portal:
    """Runs coroutine functions on a :class:`PortalProvider`'s event loop, from synchronous code."""

    __slots__ = ("_provider",)

    def __init__(self, provider: PortalProvider) -> None:
        self._provider = provider

    def call(self, func: Callable[..., Coroutine[Any, Any, _R]], *args: Any, **kwargs: Any) -> _R:
        """``await func(*args, **kwargs)`` on the provider's loop (started if needed); returns its result."""
        return self._provider.call(func, *args, **kwargs)


class PortalProvider(metaclass=PortalProviderSingleton):
    """An event loop running in a daemon thread; there is one provider per process.

    Args:
        loop: the loop to run (default: a new one each time the provider starts). It must not be running.
    """

    def __init__(self, /, loop: Optional[asyncio.AbstractEventLoop] = None) -> None:
        self._loop = loop
        self._owns_loop = loop is None
        self._thread: Optional[threading.Thread] = None
        self._ready = threading.Event()
        self._lock = threading.Lock()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The event loop of the portal thread.

        Raises:
            RuntimeError: the provider has not been started.
        """
        if self._loop is None:
            msg = "The portal provider is not started; call 'start()' first"
            raise RuntimeError(msg)
        return self._loop

    @property
    def is_running(self) -> bool:
        """Whether the portal thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def is_ready(self) -> bool:
        """Whether the loop is running and accepts calls."""
        return self._ready.is_set()

    @property
    def portal(self) -> Portal:
        """A :class:`Portal` onto this provider."""
        return Portal(self)

    def start(self) -> None:
        """Start the loop in a daemon thread (nothing happens if it is already running)."""
        with self._lock:
            if self.is_running:
                return
            if self._loop is None or self._loop.is_closed():
                self._loop = asyncio.new_event_loop()
                self._owns_loop = True
            self._ready.clear()
            self._thread = threading.Thread(
                target=self._run, args=(self._loop,), name="advanced-alchemy-portal", daemon=True
            )
            self._thread.start()
        self._ready.wait()

    def stop(self) -> None:
        """Stop the loop and wait for the thread to end (nothing happens if it is not running)."""
        with self._lock:
            thread, loop = self._thread, self._loop
            if thread is None or loop is None or not thread.is_alive():
                return
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            self._thread = None
            self._ready.clear()
            if self._owns_loop:
                self._loop = None

    def call(self, func: Callable[..., Coroutine[Any, Any, _R]], *args: Any, **kwargs: Any) -> _R:
        """Run ``func(*args, **kwargs)`` on the portal loop (starting it if needed) and return its result.

        Raises:
            RuntimeError: called from the portal thread itself (it would wait for itself forever).
            Exception: whatever the coroutine raises.
        """
        if not self.is_running:
            self.start()
        if threading.current_thread() is self._thread:
            msg = "Portal.call() cannot be used from the portal's own event loop; await the coroutine instead"
            raise RuntimeError(msg)
        future = asyncio.run_coroutine_threadsafe(func(*args, **kwargs), self.loop)
        return future.result()

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(self._ready.set)
        try:
            loop.run_forever()
        finally:
            try:
                pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                if self._owns_loop:
                    loop.close()
