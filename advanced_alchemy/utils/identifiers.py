"""Primary-key value generators: UUID v4/v6/v7 and Nano IDs.

uuid-utils and fastnanoid are used when installed (the ``uuid`` and ``nanoid`` extras); otherwise these
fall back to standard-library implementations of the same formats (RFC 9562 UUIDv6/UUIDv7, 21-character
Nano IDs over the URL-safe alphabet), so ids keep their properties either way.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import time
import uuid
from importlib.util import find_spec
from typing import Callable

__all__ = (
    "NANOID_INSTALLED",
    "UUID_UTILS_INSTALLED",
    "nanoid",
    "uuid4",
    "uuid6",
    "uuid7",
    "uuid_from_bytes",
    "uuid_from_int",
)

UUID_UTILS_INSTALLED = find_spec("uuid_utils")
NANOID_INSTALLED = find_spec("fastnanoid")

_NANOID_ALPHABET = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_GREGORIAN_OFFSET_100NS = 0x01B21DD213814000  # 1582-10-15 to 1970-01-01 in 100 ns steps
_lock = threading.Lock()
_last_v7 = [0, 0]  # [unix ms, 12-bit counter]
_last_v6 = [0]  # last 60-bit gregorian timestamp
_V4_CLEAR = ~(0xF << 76 | 0x3 << 62) & ((1 << 128) - 1)  # version and variant bits
_V4_SET = 0x4 << 76 | 0b10 << 62
_new_object = object.__new__
_set_attribute = object.__setattr__
_SAFE_UNKNOWN = uuid.SafeUUID.unknown


def _uuid_from_int_direct(value: int) -> uuid.UUID:
    # what ``uuid.UUID(int=value)`` stores, without its keyword-argument checks (~4x faster)
    made = _new_object(uuid.UUID)
    _set_attribute(made, "int", value)
    _set_attribute(made, "is_safe", _SAFE_UNKNOWN)
    return made


def _uuid_from_int_checked(value: int) -> uuid.UUID:
    return uuid.UUID(int=value)


# ``uuid.UUID`` keeps exactly these slots on every supported Python; anything else gets the plain constructor.
uuid_from_int: Callable[[int], uuid.UUID] = (
    _uuid_from_int_direct
    if set(getattr(uuid.UUID, "__slots__", ())) == {"int", "is_safe", "__weakref__"}
    else _uuid_from_int_checked
)
"""A :class:`uuid.UUID` from its 128-bit integer value (the caller guarantees ``0 <= value < 2**128``)."""


def uuid_from_bytes(value: bytes) -> uuid.UUID:
    """A :class:`uuid.UUID` from exactly 16 big-endian bytes (``uuid.UUID(bytes=value)``, faster)."""
    return uuid_from_int(int.from_bytes(value, "big"))


def _stdlib_uuid4() -> uuid.UUID:
    """RFC 9562 UUIDv4 from ``os.urandom``, as ``uuid.uuid4()`` makes it."""
    return uuid_from_int(int.from_bytes(os.urandom(16), "big") & _V4_CLEAR | _V4_SET)


def _stdlib_uuid7() -> uuid.UUID:
    """RFC 9562 UUIDv7 with a 12-bit counter in ``rand_a`` so ids made in one process are monotonic."""
    with _lock:
        ms = time.time_ns() // 1_000_000
        last_ms, counter = _last_v7
        if ms <= last_ms:
            ms, counter = last_ms, counter + 1
            if counter > 0xFFF:
                ms, counter = last_ms + 1, 0
        else:
            counter = secrets.randbits(11)  # leave headroom for increments within the millisecond
        _last_v7[0], _last_v7[1] = ms, counter
    value = (ms & 0xFFFF_FFFF_FFFF) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | secrets.randbits(62)
    return uuid_from_int(value)


def _stdlib_uuid6() -> uuid.UUID:
    """RFC 9562 UUIDv6: reordered gregorian timestamp, random clock sequence and node."""
    with _lock:
        timestamp = time.time_ns() // 100 + _GREGORIAN_OFFSET_100NS
        if timestamp <= _last_v6[0]:
            timestamp = _last_v6[0] + 1
        _last_v6[0] = timestamp
    time_high_mid = (timestamp >> 12) & 0xFFFF_FFFF_FFFF
    time_low = timestamp & 0x0FFF
    value = time_high_mid << 80 | 0x6 << 76 | time_low << 64 | 0b10 << 62 | secrets.randbits(62)
    return uuid_from_int(value)


def _stdlib_nanoid() -> str:
    return "".join(_NANOID_ALPHABET[b & 63] for b in os.urandom(21))


def _pick() -> tuple[Callable[[], uuid.UUID], Callable[[], uuid.UUID], Callable[[], uuid.UUID], Callable[[], str]]:
    v4: Callable[[], uuid.UUID] = _stdlib_uuid4
    v6: Callable[[], uuid.UUID] = (
        getattr(uuid, "uuid6", _stdlib_uuid6) if sys.version_info >= (3, 14) else _stdlib_uuid6
    )
    v7: Callable[[], uuid.UUID] = (
        getattr(uuid, "uuid7", _stdlib_uuid7) if sys.version_info >= (3, 14) else _stdlib_uuid7
    )
    if UUID_UTILS_INSTALLED:
        from uuid_utils import compat

        v4, v6, v7 = compat.uuid4, compat.uuid6, compat.uuid7
    nano: Callable[[], str] = _stdlib_nanoid
    if NANOID_INSTALLED:
        from fastnanoid import generate

        nano = generate
    return v4, v6, v7, nano


uuid4, uuid6, uuid7, nanoid = _pick()
