"""Importing the library imports none of pydantic, msgspec and attrs; they load on first use (subprocesses)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _run(script: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_the_library_leaves_schema_libraries_unloaded() -> None:
    out = _run(
        """
        import sys
        import advanced_alchemy
        import advanced_alchemy.base
        import advanced_alchemy.repository
        import advanced_alchemy.service
        import advanced_alchemy.config
        import advanced_alchemy.filters
        import advanced_alchemy.typing
        import advanced_alchemy.utils.serialization
        import advanced_alchemy.service.typing
        import advanced_alchemy._conversion
        from advanced_alchemy.base import UUIDAuditBase
        from sqlalchemy.orm import Mapped

        class LazyThing(UUIDAuditBase):
            name: Mapped[str]

        loaded = sorted(name for name in ("pydantic", "msgspec", "attr", "attrs") if name in sys.modules)
        print(loaded)
        """
    )
    assert out == "[]"


def test_schema_libraries_load_on_first_access() -> None:
    pytest.importorskip("pydantic")
    pytest.importorskip("msgspec")
    pytest.importorskip("attrs")
    out = _run(
        """
        import sys
        import advanced_alchemy.typing as t
        import advanced_alchemy.utils.serialization as s
        import advanced_alchemy.service as svc
        import advanced_alchemy.service.typing as st

        assert t.PYDANTIC_INSTALLED and t.MSGSPEC_INSTALLED and t.ATTRS_INSTALLED
        assert "pydantic" not in sys.modules and "msgspec" not in sys.modules and "attrs" not in sys.modules

        import attrs, msgspec, pydantic

        assert t.BaseModel is pydantic.BaseModel and t.TypeAdapter is pydantic.TypeAdapter
        assert t.FailFast is pydantic.FailFast
        assert t.Struct is msgspec.Struct and t.UNSET is msgspec.UNSET and t.UnsetType is msgspec.UnsetType
        assert t.convert is msgspec.convert
        assert t.AttrsInstance is attrs.AttrsInstance and t.attrs_nothing is attrs.NOTHING
        assert t.attrs_asdict is attrs.asdict and t.attrs_fields is attrs.fields and t.attrs_has is attrs.has
        assert s.BaseModel is pydantic.BaseModel and s.Struct is msgspec.Struct and s.UNSET is msgspec.UNSET
        assert s.asdict is attrs.asdict and s.fields is attrs.fields and s.has is attrs.has
        assert s.attrs_nothing is attrs.NOTHING and s.AttrsInstance is attrs.AttrsInstance
        assert s.convert is msgspec.convert
        assert st.BaseModel is pydantic.BaseModel and st.UnsetType is msgspec.UnsetType
        assert svc.AttrsInstance is attrs.AttrsInstance and svc.fields is attrs.fields
        for module in (t, s, st, svc):
            try:
                module.no_such_name
            except AttributeError:
                pass
            else:
                raise AssertionError(module)
        print("ok")
        """
    )
    assert out == "ok"


def test_guards_and_sentinels_for_libraries_imported_after_the_library() -> None:
    pytest.importorskip("pydantic")
    pytest.importorskip("msgspec")
    pytest.importorskip("attrs")
    out = _run(
        """
        import dataclasses
        from typing import Any

        from advanced_alchemy._conversion import to_schema_item, to_schema_many
        from advanced_alchemy.utils.serialization import (
            SchemaDumpConfig, is_attrs_instance, is_attrs_schema, is_msgspec_struct, is_pydantic_model, schema_dump,
        )

        @dataclasses.dataclass
        class D:
            a: int = 1
            b: Any = None

        assert schema_dump(D()) == {"a": 1, "b": None}
        assert not (is_pydantic_model(D()) or is_msgspec_struct(D()) or is_attrs_instance(D()))

        import attrs, msgspec, pydantic

        class S(msgspec.Struct):
            a: int = 1
            b: Any = msgspec.UNSET

        @attrs.define
        class A:
            a: int = 1
            b: Any = None

        class P(pydantic.BaseModel):
            a: int = 1

        assert is_msgspec_struct(S()) and is_attrs_instance(A()) and is_attrs_schema(A) and is_pydantic_model(P())
        assert schema_dump(S()) == {"a": 1}
        assert schema_dump(A(b=attrs.NOTHING)) == {"a": 1}
        assert schema_dump(D(b=msgspec.UNSET)) == {"a": 1}
        assert schema_dump(D(b=attrs.NOTHING)) == {"a": 1}
        keep = SchemaDumpConfig(exclude_unset=False, exclude_sentinels=False)
        assert schema_dump(D(b=msgspec.UNSET), config=keep) == {"a": 1, "b": msgspec.UNSET}
        missing = getattr(pydantic, "MISSING", None)
        if missing is not None:
            assert schema_dump(D(b=missing)) == {"a": 1}
        assert to_schema_item({"a": 2}, S) == S(a=2) and to_schema_many([{"a": 2}], P) == [P(a=2)]
        assert to_schema_item({"a": 2}, A) == A(a=2)
        print("ok")
        """
    )
    assert out == "ok"


def test_registry_maps_pydantic_types_of_models_declared_after_importing_pydantic() -> None:
    pytest.importorskip("pydantic")
    out = _run(
        """
        import sys
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        from advanced_alchemy.base import UUIDBase, create_registry, orm_registry

        assert "pydantic" not in sys.modules
        import pydantic

        reference = create_registry()  # pydantic loaded: mapped at creation, as before

        class EagerBase(DeclarativeBase):
            registry = reference

        class EagerSite(EagerBase):
            __tablename__ = "eager_site"
            id: Mapped[int] = mapped_column(primary_key=True)
            url: Mapped[pydantic.AnyUrl]
            http: Mapped[pydantic.AnyHttpUrl]
            ip: Mapped[pydantic.IPvAnyAddress]
            doc: Mapped[pydantic.Json]

        class LazySite(UUIDBase):
            url: Mapped[pydantic.AnyUrl]
            http: Mapped[pydantic.AnyHttpUrl]
            ip: Mapped[pydantic.IPvAnyAddress]
            doc: Mapped[pydantic.Json]

        for name in ("url", "http", "ip", "doc"):
            eager, lazy = EagerSite.__table__.c[name].type, LazySite.__table__.c[name].type
            assert type(lazy) is type(eager), (name, lazy, eager)
            assert repr(lazy) == repr(eager), (name, lazy, eager)
        assert orm_registry.type_annotation_map[pydantic.AnyUrl] is reference.type_annotation_map[pydantic.AnyUrl]
        print(type(LazySite.__table__.c.url.type).__name__)
        """
    )
    assert out == "String"


def test_lazy_pydantic_types_keep_entries_set_by_the_user() -> None:
    pytest.importorskip("pydantic")
    out = _run(
        """
        from sqlalchemy import Text
        from sqlalchemy.orm import Mapped
        from advanced_alchemy.base import UUIDBase, orm_registry

        import pydantic

        orm_registry.update_type_annotation_map({pydantic.AnyUrl: Text})

        class UserMapped(UUIDBase):
            url: Mapped[pydantic.AnyUrl]
            ip: Mapped[pydantic.IPvAnyAddress]

        print(type(UserMapped.__table__.c.url.type).__name__, type(UserMapped.__table__.c.ip.type).__name__)
        """
    )
    assert out == "Text String"
