"""Import objects and locate packages from dotted paths."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = (
    "import_string",
    "module_to_os_path",
)


def _split_path(dotted_path: str) -> tuple[list[str], list[str]]:
    """Split ``pkg.mod:attr.sub`` or ``pkg.mod.attr`` into candidate module parts and explicit attributes."""
    if dotted_path.count(":") > 1:
        msg = f"{dotted_path!r} is not a valid import path (at most one ':' separates the module from the object)"
        raise ImportError(msg)
    module_part, _, attribute_part = dotted_path.partition(":")
    module_parts = module_part.split(".")
    attribute_parts = attribute_part.split(".") if attribute_part else []
    if (
        not module_part
        or (":" in dotted_path and not attribute_part)
        or not all(part.isidentifier() for part in [*module_parts, *attribute_parts])
    ):
        msg = f"{dotted_path!r} is not a valid import path (expected 'package.module.attribute' or 'package.module:attribute')"
        raise ImportError(msg)
    return module_parts, attribute_parts


def _missing_module_is(exc: ModuleNotFoundError, module_name: str) -> bool:
    """Whether ``exc`` says that ``module_name`` itself (or one of its parent packages) does not exist."""
    missing = exc.name or ""
    return bool(missing) and (module_name == missing or module_name.startswith(f"{missing}."))


def _import_module(module_name: str, dotted_path: str) -> ModuleType:
    try:
        return importlib.import_module(module_name)
    except ImportError:
        raise
    except Exception as exc:
        msg = f"Could not import {dotted_path!r}: importing module {module_name!r} raised {type(exc).__name__}: {exc}"
        raise ImportError(msg, name=module_name) from exc


def import_string(dotted_path: str) -> Any:
    """Import the module, class, function or other object a dotted path names.

    ``"pkg.mod"`` returns the module, ``"pkg.mod.attr"`` (or ``"pkg.mod:attr"``) the attribute; nested
    attributes (``"pkg.mod.Class.attr"``) are followed.

    Args:
        dotted_path: The path to import.

    Raises:
        ImportError: The path is malformed, no module of it can be imported, the module fails to import,
            or an attribute does not exist.

    Returns:
        The imported object.
    """
    module_parts, explicit_attributes = _split_path(dotted_path)
    if ":" in dotted_path:
        module_name = ".".join(module_parts)
        obj: Any = _import_module(module_name, dotted_path)
        return _get_attributes(obj, module_name, explicit_attributes, dotted_path)
    last_error: ImportError | None = None
    for end in range(len(module_parts), 0, -1):
        module_name = ".".join(module_parts[:end])
        try:
            module = _import_module(module_name, dotted_path)
        except ModuleNotFoundError as exc:
            if not _missing_module_is(exc, module_name):
                raise
            last_error = exc
            continue
        return _get_attributes(module, module_name, module_parts[end:], dotted_path)
    msg = f"Could not import {dotted_path!r}: no module named {module_parts[0]!r}"
    raise ImportError(msg, name=module_parts[0]) from last_error


def _get_attributes(obj: Any, module_name: str, attributes: list[str], dotted_path: str) -> Any:
    owner = module_name
    for attribute in attributes:
        try:
            obj = getattr(obj, attribute)
        except AttributeError as exc:
            msg = f"Could not import {dotted_path!r}: {owner!r} has no attribute {attribute!r}"
            raise ImportError(msg, name=module_name) from exc
        owner = f"{owner}.{attribute}"
    return obj


def module_to_os_path(dotted_path: str = "app") -> Path:
    """The filesystem location of a module or package named by a dotted path.

    A regular package gives its directory, a namespace package its first directory, a plain module its
    source file.

    Raises:
        ModuleNotFoundError: No module of that name can be found.
    """
    try:
        spec = importlib.util.find_spec(dotted_path)
    except (ImportError, ValueError) as exc:
        msg = f"Couldn't find the path for {dotted_path!r}: {exc}"
        raise ModuleNotFoundError(msg, name=dotted_path) from exc
    if spec is None:
        msg = f"Couldn't find the path for {dotted_path!r}"
        raise ModuleNotFoundError(msg, name=dotted_path)
    if spec.submodule_search_locations is not None:
        if spec.origin and Path(spec.origin).name.startswith("__init__."):
            return Path(spec.origin).parent
        locations = list(spec.submodule_search_locations)
        if locations:
            return Path(locations[0])
    if spec.origin is None or spec.origin in {"built-in", "frozen"}:
        module = sys.modules.get(dotted_path)
        file_name = getattr(module, "__file__", None)
        if file_name is None:
            msg = f"Couldn't find the path for {dotted_path!r}: it has no file on disk"
            raise ModuleNotFoundError(msg, name=dotted_path)
        return Path(file_name)
    return Path(spec.origin)
