"""``advanced_alchemy.utils.module_loader``: dotted-path imports and package locations."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import advanced_alchemy
from advanced_alchemy.utils import module_loader
from advanced_alchemy.utils.module_loader import import_string, module_to_os_path


@pytest.fixture
def package_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``loader_pkg`` (package with ``mod`` and a broken module) and ``loader_ns`` (namespace) on ``sys.path``."""
    package = tmp_path / "loader_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 1\n", encoding="utf-8")
    (package / "mod.py").write_text("class Thing:\n    attr = 'x'\n\nTHING = Thing()\n", encoding="utf-8")
    (package / "broken.py").write_text("import loader_missing_dependency_xyz\n", encoding="utf-8")
    (package / "failing.py").write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    (tmp_path / "loader_ns").mkdir()
    (tmp_path / "loader_ns" / "inner.py").write_text("X = 2\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [name for name in sys.modules if name.startswith(("loader_pkg", "loader_ns"))]:
        del sys.modules[name]


def test_import_string_returns_modules_and_attributes(package_dir: Path) -> None:
    assert import_string("advanced_alchemy") is advanced_alchemy
    assert import_string("advanced_alchemy.utils.module_loader") is module_loader
    assert import_string("advanced_alchemy.utils.module_loader.import_string") is import_string
    assert import_string("advanced_alchemy.utils.module_loader:import_string") is import_string
    assert import_string("loader_pkg.VALUE") == 1
    thing = import_string("loader_pkg.mod.Thing")
    assert thing.__name__ == "Thing"
    assert import_string("loader_pkg.mod.Thing.attr") == "x"
    assert import_string("loader_pkg.mod:Thing.attr") == "x"
    assert import_string("loader_pkg.mod:THING") is import_string("loader_pkg.mod.THING")
    assert import_string("loader_ns.inner.X") == 2


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ("", "not a valid import path"),
        (".relative", "not a valid import path"),
        ("a..b", "not a valid import path"),
        ("a b", "not a valid import path"),
        ("a:b:c", "at most one ':'"),
        ("pkg:", "not a valid import path"),
        ("loader_nothing_here_xyz", "no module named 'loader_nothing_here_xyz'"),
        ("loader_nothing_here_xyz.sub.attr", "no module named 'loader_nothing_here_xyz'"),
        ("loader_pkg.missing", "'loader_pkg' has no attribute 'missing'"),
        ("loader_pkg.mod.Thing.missing", "'loader_pkg.mod.Thing' has no attribute 'missing'"),
        ("loader_pkg.mod:missing", "'loader_pkg.mod' has no attribute 'missing'"),
        ("loader_pkg.nomod:attr", "No module named 'loader_pkg.nomod'"),
        ("loader_pkg.failing.X", "RuntimeError: boom"),
    ],
)
def test_import_string_errors_are_import_errors(package_dir: Path, path: str, match: str) -> None:
    with pytest.raises(ImportError, match=match):
        import_string(path)


def test_a_missing_dependency_inside_the_module_is_not_hidden(package_dir: Path) -> None:
    with pytest.raises(ModuleNotFoundError, match="loader_missing_dependency_xyz"):
        import_string("loader_pkg.broken.something")


def test_module_to_os_path(package_dir: Path) -> None:
    assert module_to_os_path("advanced_alchemy") == Path(advanced_alchemy.__file__).parent
    assert module_to_os_path("loader_pkg") == package_dir / "loader_pkg"
    assert module_to_os_path("loader_pkg.mod") == package_dir / "loader_pkg" / "mod.py"
    assert module_to_os_path("loader_ns") == package_dir / "loader_ns"
    with pytest.raises(ModuleNotFoundError):
        module_to_os_path("loader_nothing_here_xyz")
    with pytest.raises(ModuleNotFoundError):
        module_to_os_path("loader_nothing_here_xyz.sub")
    with pytest.raises(ModuleNotFoundError, match="no file on disk"):
        module_to_os_path("sys")


def test_module_to_os_path_defaults_to_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("app", None)
    try:
        assert module_to_os_path() == tmp_path / "app"
    finally:
        sys.modules.pop("app", None)
