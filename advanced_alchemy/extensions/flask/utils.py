"""Flask helpers for services: :class:`FlaskServiceMixin`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from flask import Response, current_app, has_app_context
from sqlalchemy.orm import DeclarativeBase, DeclarativeBaseNoMeta

from advanced_alchemy.base import model_to_dict
from advanced_alchemy.utils.serialization import JSONSerializer, get_serializer

__all__ = ("FlaskServiceMixin",)


@lru_cache(maxsize=1)
def _serializer() -> JSONSerializer:
    """The library's JSON serializer, also turning any declarative model into its column values."""
    return get_serializer({DeclarativeBase: model_to_dict, DeclarativeBaseNoMeta: model_to_dict})


def _payload(data: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What to serialize, following :func:`flask.json.jsonify`: extra positional values make a list,
    keyword arguments add keys to a mapping (``data=None`` with keywords gives just the keywords)."""
    if not kwargs:
        return [data, *args] if args else data
    if args:
        msg = "jsonify() accepts extra positional values or keyword arguments, not both"
        raise TypeError(msg)
    if data is None:
        return kwargs
    if isinstance(data, Mapping):
        return {**data, **kwargs}
    msg = f"jsonify() can only add keyword arguments to a mapping, not to {type(data).__name__}"
    raise TypeError(msg)


class FlaskServiceMixin:
    """Adds :meth:`jsonify` to a service, for returning its results from Flask views."""

    def jsonify(self, data: Any, *args: Any, status_code: int = 200, **kwargs: Any) -> Response:
        """A JSON response of ``data``, encoded with the library's encoder.

        Models (through ``to_dict()``, or their column values), schema objects (msgspec, Pydantic, attrs, dataclasses), pagination
        containers, UUIDs, datetimes, decimals, ... are all serialized. Like :func:`flask.jsonify`, extra
        positional values make a JSON array and keyword arguments add keys to a mapping.

        Args:
            data: the value to serialize.
            *args: more values; the body is then the list of all the values.
            status_code: the response status.
            **kwargs: keys added to ``data`` (a mapping, or ``None``).

        Returns:
            An ``application/json`` response of the current app's response class.
        """
        body = _serializer().encode(_payload(data, args, kwargs))
        response_class: type[Response] = current_app.response_class if has_app_context() else Response
        return response_class(body, status=status_code, mimetype="application/json")
