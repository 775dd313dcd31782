"""``advanced_alchemy.utils.fixtures``: JSON/CSV fixture files, plain or compressed, sync and async."""

from __future__ import annotations

import asyncio
import gzip
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from advanced_alchemy.exceptions import SerializationError
from advanced_alchemy.utils.fixtures import open_fixture, open_fixture_async

ROWS: list[dict[str, Any]] = [{"id": 1, "name": "Ada ✓"}, {"id": 2, "name": "Alan", "tags": ["a", "b"]}]
CSV_TEXT = "id,name\n1,Ada ✓\n2,Alan\n"
CSV_ROWS = [{"id": "1", "name": "Ada ✓"}, {"id": "2", "name": "Alan"}]


def _zip(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, data)


def _write(directory: Path, file_name: str, kind: str) -> None:
    data = json.dumps(ROWS).encode() if kind == "json" else CSV_TEXT.encode()
    path = directory / file_name
    if file_name.lower().endswith(".gz"):
        path.write_bytes(gzip.compress(data))
    elif file_name.lower().endswith(".zip"):
        _zip(path, f"whatever.{kind}", data)
    else:
        path.write_bytes(data)


@pytest.mark.parametrize(
    ("file_name", "kind"),
    [
        ("users.json", "json"),
        ("users.json.gz", "json"),
        ("users.json.zip", "json"),
        ("users.csv", "csv"),
        ("users.csv.gz", "csv"),
        ("users.csv.zip", "csv"),
        ("USERS.JSON", "json"),
        ("USERS.JSON.GZ", "json"),
        ("USERS.CSV.ZIP", "csv"),
    ],
)
async def test_every_supported_format(tmp_path: Path, file_name: str, kind: str) -> None:
    _write(tmp_path, file_name, kind)
    expected = ROWS if kind == "json" else CSV_ROWS
    assert open_fixture(tmp_path, "users") == expected
    assert await open_fixture_async(tmp_path, "users") == expected


def test_json_is_preferred_over_compressed_and_csv(tmp_path: Path) -> None:
    _write(tmp_path, "users.csv", "csv")
    (tmp_path / "users.json.gz").write_bytes(gzip.compress(json.dumps([{"from": "gz"}]).encode()))
    assert open_fixture(tmp_path, "users") == [{"from": "gz"}]
    (tmp_path / "users.json").write_text(json.dumps({"from": "json"}), encoding="utf-8")
    assert open_fixture(tmp_path, "users") == {"from": "json"}


def test_any_json_document_and_a_utf8_bom(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"a": [1, 2.5, None, True]}).encode())
    assert open_fixture(tmp_path, "settings") == {"a": [1, 2.5, None, True]}


def test_zip_member_named_after_the_fixture_is_chosen(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "users.json.zip", "w") as archive:
        archive.writestr("README.txt", b"not json")
        archive.writestr("data/users.json", json.dumps(ROWS).encode())
    assert open_fixture(tmp_path, "users") == ROWS


def test_string_paths_are_accepted(tmp_path: Path) -> None:
    _write(tmp_path, "users.json", "json")
    assert open_fixture(str(tmp_path), "users") == ROWS  # type: ignore[arg-type]


async def test_missing_fixture_raises_file_not_found(tmp_path: Path) -> None:
    (tmp_path / "other.json").write_text("[]", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"Could not find the 'users' fixture .*users\.json"):
        open_fixture(tmp_path, "users")
    with pytest.raises(FileNotFoundError):
        await open_fixture_async(tmp_path, "users")
    with pytest.raises(FileNotFoundError):
        open_fixture(tmp_path / "no-such-directory", "other")


def test_a_directory_named_like_a_fixture_is_not_a_fixture(tmp_path: Path) -> None:
    (tmp_path / "users.json").mkdir()
    with pytest.raises(FileNotFoundError):
        open_fixture(tmp_path, "users")


@pytest.mark.parametrize(
    ("file_name", "data"),
    [
        ("users.json", b"[{not json"),
        ("users.json", b"\xff\xfe\x00garbage"),
        ("users.json.gz", b"not gzip at all"),
        ("users.json.gz", gzip.compress(b"{broken")),
        ("users.json.zip", b"not a zip"),
    ],
)
async def test_malformed_files_raise_serialization_error(tmp_path: Path, file_name: str, data: bytes) -> None:
    (tmp_path / file_name).write_bytes(data)
    with pytest.raises(SerializationError, match="Could not read fixture file"):
        open_fixture(tmp_path, "users")
    with pytest.raises(SerializationError):
        await open_fixture_async(tmp_path, "users")


def test_empty_zip_raises_serialization_error(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "users.json.zip", "w"):
        pass
    with pytest.raises(SerializationError, match="empty"):
        open_fixture(tmp_path, "users")


def test_async_version_runs_in_a_worker_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "users.json", "json")
    calls: list[Any] = []
    original = asyncio.to_thread

    async def spy(function: Any, *args: Any) -> Any:
        calls.append(function)
        return await original(function, *args)

    monkeypatch.setattr(asyncio, "to_thread", spy)
    assert asyncio.run(open_fixture_async(tmp_path, "users")) == ROWS
    assert calls == [open_fixture]


def test_async_version_accepts_anyio_paths(tmp_path: Path) -> None:
    anyio = pytest.importorskip("anyio")
    _write(tmp_path, "users.csv", "csv")
    assert anyio.run(open_fixture_async, anyio.Path(tmp_path), "users") == CSV_ROWS
