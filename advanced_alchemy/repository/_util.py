"""Small helpers for building models and resolving attributes."""

from __future__ import annotations

from typing import Any, TypeVar, Union

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import InstrumentedAttribute

from advanced_alchemy.base import ModelProtocol
from advanced_alchemy.filters import resolve_field

__all__ = ("get_instrumented_attr", "model_from_dict")

ModelT = TypeVar("ModelT", bound=ModelProtocol)


def get_instrumented_attr(
    model: type[ModelProtocol], key: Union[str, InstrumentedAttribute[Any]]
) -> InstrumentedAttribute[Any]:
    """``model.<key>`` for a name (unknown names raise ``RepositoryError``); an attribute is returned as is."""
    if isinstance(key, str):
        return resolve_field(model, key)  # type: ignore[no-any-return]
    return key


def model_from_dict(model: type[ModelT], /, **kwargs: Any) -> ModelT:
    """``model(**kwargs)`` keeping only mapped attributes; relationship dicts become related models."""
    mapper = sa_inspect(model, raiseerr=True)
    values: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key in mapper.relationships:
            related = mapper.relationships[key].mapper.class_
            if isinstance(value, dict):
                value = model_from_dict(related, **value)
            elif isinstance(value, (list, tuple)):
                value = [model_from_dict(related, **item) if isinstance(item, dict) else item for item in value]
            values[key] = value
        elif key in mapper.attrs:
            values[key] = value
    return model(**values)
