"""The keyword-argument ``__init__`` of models declared on the library's registries."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.orm import ColumnProperty
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.base import NO_VALUE

__all__ = ("model_constructor",)

_PLAN_ATTRIBUTE = "_aa_constructor_plan"


def _column_dispatches(cls: type, manager: Any) -> dict[str, Any]:
    """``{key: attribute event dispatch}`` of the column attributes of ``cls`` that may be written directly.

    Cached on the class itself (as ``(manager, plan)``; a class mapped again gets a new manager), so the
    cache lives exactly as long as the class.
    """
    cached = getattr(cls, _PLAN_ATTRIBUTE, None)  # a superclass's plan is rejected by the manager check
    if cached is not None and cached[0] is manager:
        return cast("dict[str, Any]", cached[1])
    plan: dict[str, Any] = {}
    attributes: dict[str, Any] = dict(manager)
    for key, attribute in attributes.items():
        impl = attribute.impl
        is_column = isinstance(attribute.property, ColumnProperty) and getattr(cls, key, None) is attribute
        if is_column and impl.send_modified_events:
            plan[key] = impl.dispatch
    type.__setattr__(cls, _PLAN_ATTRIBUTE, (manager, plan))  # plain attribute: past declarative's hooks
    return plan


def model_constructor(self: Any, **kwargs: Any) -> None:
    """Set each keyword argument as an attribute of the new instance, in order.

    The same as SQLAlchemy's declarative constructor (only names that are attributes of the class are
    accepted; anything else is a ``TypeError``), with one shortcut: on a transient instance, a column
    attribute that has no attribute event listeners (``@validates``, ``set`` events, mutable tracking,
    active history) gets its value and its history entry written directly, which is exactly what the
    attribute's setter would record, without three Python calls per attribute. Every other name goes
    through ``setattr``.
    """
    cls = type(self)
    try:
        state = instance_state(self)
    except AttributeError:  # not an instrumented instance
        for key, value in kwargs.items():
            _set_checked(self, cls, key, value)
        return
    plan = _column_dispatches(cls, state.manager)
    values = self.__dict__
    committed = state.committed_state
    direct = _is_new(state)
    written = False
    for key, value in kwargs.items():
        dispatch = plan.get(key) if direct else None
        if dispatch is not None:
            listeners = dispatch.set  # what ``bool(listeners)`` reads, without its Python-level call:
            if not (dispatch._active_history or listeners.listeners or listeners.parent_listeners):
                if key not in committed:
                    committed[key] = values.get(key, NO_VALUE)
                values[key] = value
                written = True
                continue
        if written:
            state.modified = True
        _set_checked(self, cls, key, value)
        direct = _is_new(state)  # a setter may have attached the instance to a session
    if written:
        state.modified = True


def _is_new(state: Any) -> bool:
    """Whether ``state`` is transient with no last-known-value tracking (what the direct writes assume)."""
    return state.session_id is None and state.key is None and state._last_known_values is None


def _set_checked(instance: Any, cls: type, key: str, value: Any) -> None:
    if not hasattr(cls, key):
        msg = f"{key!r} is an invalid keyword argument for {cls.__name__}"
        raise TypeError(msg)
    setattr(instance, key, value)


model_constructor.__name__ = "__init__"
