"""Read fixture files (seed data) from a directory.

A fixture named ``users`` is the first of these files found in the directory: ``users.json``,
``users.json.gz``, ``users.json.zip``, ``users.csv``, ``users.csv.gz``, ``users.csv.zip`` (each also tried
with an upper-case name, ``USERS.JSON`` …). JSON fixtures give the parsed document; CSV fixtures a list of
``dict`` rows (values are strings).
"""

from __future__ import annotations

import asyncio
import csv
import gzip
import importlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from advanced_alchemy.exceptions import SerializationError

if TYPE_CHECKING:
    from os import PathLike

    AsyncPath = PathLike[str]
    """Any ``os.PathLike`` directory, e.g. ``anyio.Path``."""
else:
    try:
        from anyio import Path as AsyncPath
    except ImportError:  # anyio is optional: any os.PathLike works
        AsyncPath = os.PathLike

__all__ = (
    "open_fixture",
    "open_fixture_async",
)

_EXTENSIONS = (".json", ".json.gz", ".json.zip", ".csv", ".csv.gz", ".csv.zip")


def _candidates(directory: Path, fixture_name: str) -> list[Path]:
    names: list[str] = []
    for extension in _EXTENSIONS:
        for name in (
            f"{fixture_name}{extension}",
            f"{fixture_name.upper()}{extension.upper()}",
            f"{fixture_name.upper()}{extension}",
            f"{fixture_name}{extension.upper()}",
        ):
            if name not in names:
                names.append(name)
    return [directory / name for name in names]


def _find_fixture(fixtures_path: Union[Path, AsyncPath], fixture_name: str) -> Path:
    directory = Path(os.fspath(fixtures_path))
    for candidate in _candidates(directory, fixture_name):
        if candidate.is_file():
            return candidate
    tried = ", ".join(f"{fixture_name}{extension}" for extension in _EXTENSIONS)
    msg = f"Could not find the {fixture_name!r} fixture in {str(directory)!r} (looked for {tried})"
    raise FileNotFoundError(msg)


def _read_zip_member(path: Path, fixture_name: str, kind: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        preferred = [info for info in members if Path(info.filename).name.lower() == f"{fixture_name}.{kind}".lower()]
        matching = preferred or [info for info in members if info.filename.lower().endswith(f".{kind}")] or members
        if not matching:
            msg = f"Fixture archive {str(path)!r} is empty"
            raise SerializationError(msg)
        return archive.read(matching[0])


def _read_bytes(path: Path, fixture_name: str) -> tuple[bytes, str]:
    name = path.name.lower()
    kind = "csv" if ".csv" in name else "json"
    if name.endswith(".gz"):
        return gzip.decompress(path.read_bytes()), kind
    if name.endswith(".zip"):
        return _read_zip_member(path, fixture_name, kind), kind
    return path.read_bytes(), kind


def _parse(data: bytes, kind: str) -> Any:
    text = data.decode("utf-8-sig")
    if kind == "csv":
        return [dict(row) for row in csv.DictReader(io.StringIO(text, newline=""))]
    return json.loads(text)


def open_fixture(fixtures_path: Union[Path, AsyncPath], fixture_name: str) -> Any:
    """Load the fixture ``fixture_name`` from the directory ``fixtures_path``.

    Args:
        fixtures_path: The directory holding the fixture files (``Path``, ``anyio.Path`` or any path-like).
        fixture_name: The fixture's name, without extension (usually the table name).

    Raises:
        FileNotFoundError: No fixture file of that name exists in the directory.
        SerializationError: The file exists but cannot be read (corrupt archive, bad encoding, malformed
            JSON or CSV).

    Returns:
        The parsed JSON document, or a list of ``dict`` rows for a CSV fixture.
    """
    path = _find_fixture(fixtures_path, fixture_name)
    try:
        data, kind = _read_bytes(path, fixture_name)
        return _parse(data, kind)
    except SerializationError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, UnicodeDecodeError, ValueError, csv.Error) as exc:
        msg = f"Could not read fixture file {str(path)!r}: {exc}"
        raise SerializationError(msg) from exc


async def open_fixture_async(fixtures_path: Union[Path, AsyncPath], fixture_name: str) -> Any:
    """Load a fixture like :func:`open_fixture`, reading and parsing the file in a worker thread.

    Raises:
        FileNotFoundError: No fixture file of that name exists in the directory.
        SerializationError: The file exists but cannot be read or parsed.
    """
    directory = Path(os.fspath(fixtures_path))
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # another event loop (e.g. trio through anyio)
        to_thread: Any = importlib.import_module("anyio.to_thread")
        return await to_thread.run_sync(open_fixture, directory, fixture_name)
    return await asyncio.to_thread(open_fixture, directory, fixture_name)
