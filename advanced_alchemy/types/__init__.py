"""Column types that behave the same on every database."""

from advanced_alchemy.types.boolean import Bool
from advanced_alchemy.types.datetime import DateTimeUTC
from advanced_alchemy.types.guid import GUID
from advanced_alchemy.types.identity import BigIntIdentity
from advanced_alchemy.types.json import ORA_JSONB, JsonB
from advanced_alchemy.types.mutables import MutableList
from advanced_alchemy.utils.identifiers import NANOID_INSTALLED, UUID_UTILS_INSTALLED

UUID6 = GUID
"""Column type for UUIDv6 values (a :class:`GUID`); pair it with ``default=uuid6``."""
UUID7 = GUID
"""Column type for UUIDv7 values (a :class:`GUID`); pair it with ``default=uuid7``."""

__all__ = (
    "GUID",
    "NANOID_INSTALLED",
    "ORA_JSONB",
    "UUID6",
    "UUID7",
    "UUID_UTILS_INSTALLED",
    "BigIntIdentity",
    "Bool",
    "DateTimeUTC",
    "JsonB",
    "MutableList",
)
