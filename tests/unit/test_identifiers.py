"""Primary-key value generators in ``advanced_alchemy.utils.identifiers``."""

from __future__ import annotations

import re
import uuid
from typing import Callable

import pytest

from advanced_alchemy.utils import identifiers
from advanced_alchemy.utils.identifiers import nanoid, uuid4, uuid6, uuid7

NANOID_RE = re.compile(r"^[A-Za-z0-9_-]{21}$")
GREGORIAN_OFFSET_100NS = 0x01B21DD213814000

UUID_GENERATORS: list[tuple[str, Callable[[], uuid.UUID], int]] = [
    ("uuid4", uuid4, 4),
    ("uuid6", uuid6, 6),
    ("uuid7", uuid7, 7),
    ("stdlib_uuid4", identifiers._stdlib_uuid4, 4),
    ("stdlib_uuid6", identifiers._stdlib_uuid6, 6),
    ("stdlib_uuid7", identifiers._stdlib_uuid7, 7),
]


def _as_uuid(value: object) -> uuid.UUID:
    # uuid_utils.compat returns stdlib uuid.UUID instances; be explicit anyway
    assert isinstance(value, uuid.UUID)
    return value


@pytest.mark.parametrize(("name", "fn", "version"), UUID_GENERATORS, ids=[g[0] for g in UUID_GENERATORS])
def test_uuid_version_and_variant(name: str, fn: Callable[[], uuid.UUID], version: int) -> None:
    for _ in range(100):
        value = _as_uuid(fn())
        assert value.version == version
        assert value.variant == uuid.RFC_4122
    assert len({fn() for _ in range(1000)}) == 1000


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("uuid7", uuid7),
        ("stdlib_uuid7", identifiers._stdlib_uuid7),
        ("uuid6", uuid6),
        ("stdlib_uuid6", identifiers._stdlib_uuid6),
    ],
    ids=["uuid7", "stdlib_uuid7", "uuid6", "stdlib_uuid6"],
)
def test_time_ordered_uuids_are_monotonic(name: str, fn: Callable[[], uuid.UUID]) -> None:
    values = [fn() for _ in range(20_000)]
    assert all(a.int < b.int for a, b in zip(values, values[1:])), name
    # string and bytes order agree with integer order (what databases sort by)
    assert [str(v) for v in values] == sorted(str(v) for v in values)
    assert [v.bytes for v in values] == sorted(v.bytes for v in values)


def test_stdlib_uuid7_timestamp_is_unix_milliseconds() -> None:
    import time

    before = time.time_ns() // 1_000_000
    value = identifiers._stdlib_uuid7()
    after = time.time_ns() // 1_000_000
    ms = value.int >> 80
    # the counter can push the timestamp at most a few ms ahead when called very fast
    assert before <= ms <= after + 5


def test_stdlib_uuid7_counter_overflow_stays_monotonic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identifiers, "_last_v7", [0, 0])
    frozen = 1_700_000_000_000 * 1_000_000
    monkeypatch.setattr(identifiers.time, "time_ns", lambda: frozen)
    values = [identifiers._stdlib_uuid7() for _ in range(5000)]  # more than 4096 per millisecond
    assert all(a.int < b.int for a, b in zip(values, values[1:]))
    assert all(v.version == 7 for v in values)


def test_stdlib_uuid7_clock_going_backwards_stays_monotonic(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1_700_000_000_000 * 1_000_000]
    monkeypatch.setattr(identifiers, "_last_v7", [0, 0])
    monkeypatch.setattr(identifiers.time, "time_ns", lambda: now[0])
    first = identifiers._stdlib_uuid7()
    now[0] -= 10_000_000_000  # 10 s back
    second = identifiers._stdlib_uuid7()
    assert first.int < second.int


def test_stdlib_uuid6_timestamp_layout() -> None:
    import time

    before = time.time_ns() // 100 + GREGORIAN_OFFSET_100NS
    value = identifiers._stdlib_uuid6()
    after = time.time_ns() // 100 + GREGORIAN_OFFSET_100NS
    time_high_mid = value.int >> 80
    time_low = (value.int >> 64) & 0x0FFF
    timestamp = (time_high_mid << 12) | time_low
    assert before <= timestamp <= after + 1000
    # stdlib uuid1-style field accessors agree for v6: the 60-bit timestamp field, reordered
    assert value.version == 6


def test_uuid4_is_random() -> None:
    assert uuid4() != uuid4()
    assert _as_uuid(uuid4()).version == 4


def test_stdlib_uuid4_randomises_every_other_bit() -> None:
    values = [identifiers._stdlib_uuid4().int for _ in range(2000)]
    fixed = 0xF << 76 | 0x3 << 62
    ever_set = ever_clear = 0
    for value in values:
        ever_set |= value
        ever_clear |= ~value
    assert (ever_set & ever_clear) | fixed == (1 << 128) - 1  # each of the 122 random bits took both values


@pytest.mark.parametrize(
    "make", [identifiers.uuid_from_int, identifiers._uuid_from_int_checked], ids=["direct", "checked"]
)
def test_uuid_from_int_is_a_plain_uuid(make: Callable[[int], uuid.UUID]) -> None:
    import copy
    import pickle

    reference = uuid.UUID("1b4e28ba-2fa1-11d2-883f-0016d3cca427")
    made = make(reference.int)
    assert type(made) is uuid.UUID
    assert made == reference
    assert hash(made) == hash(reference)
    assert str(made) == str(reference)
    assert made.is_safe is uuid.SafeUUID.unknown
    assert pickle.loads(pickle.dumps(made)) == reference
    assert copy.deepcopy(made) == reference
    with pytest.raises(TypeError):
        made.int = 1  # type: ignore[misc]
    assert identifiers.uuid_from_bytes(reference.bytes) == reference
    assert identifiers.uuid_from_bytes(b"\x00" * 16) == uuid.UUID(int=0)
    assert identifiers.uuid_from_bytes(b"\xff" * 16) == uuid.UUID(int=(1 << 128) - 1)


def test_uuid_from_int_skips_the_checks_only_on_the_known_layout() -> None:
    assert set(uuid.UUID.__slots__) == {"int", "is_safe", "__weakref__"}
    assert identifiers.uuid_from_int is identifiers._uuid_from_int_direct


@pytest.mark.parametrize("fn", [nanoid, identifiers._stdlib_nanoid], ids=["nanoid", "stdlib_nanoid"])
def test_nanoid_format(fn: Callable[[], str]) -> None:
    values = [fn() for _ in range(2000)]
    for value in values:
        assert isinstance(value, str)
        assert NANOID_RE.match(value), value
    assert len(set(values)) == len(values)
    # the whole 64-character URL-safe alphabet is used
    assert set("".join(values)) == set(identifiers._NANOID_ALPHABET)


def test_installed_libraries_are_used() -> None:
    if identifiers.UUID_UTILS_INSTALLED:
        from uuid_utils import compat

        assert uuid6 is compat.uuid6
        assert uuid7 is compat.uuid7
    else:  # pragma: no cover - the dev environment installs uuid-utils
        assert uuid7 is identifiers._stdlib_uuid7
    if identifiers.NANOID_INSTALLED:
        from fastnanoid import generate

        assert nanoid is generate
    else:  # pragma: no cover
        assert nanoid is identifiers._stdlib_nanoid


def test_alphabet_is_url_safe() -> None:
    assert len(identifiers._NANOID_ALPHABET) == 64
    assert len(set(identifiers._NANOID_ALPHABET)) == 64
    assert re.fullmatch(r"[A-Za-z0-9_-]+", identifiers._NANOID_ALPHABET)


def test_mixin_module_generators() -> None:
    from advanced_alchemy.mixins import uuid as uuid_mixins

    assert uuid_mixins.uuid6 is uuid6
    assert uuid_mixins.uuid7 is uuid7
