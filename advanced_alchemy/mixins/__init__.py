"""Declarative mixins: primary keys, audit columns, slugs, get-or-create and optimistic locking."""

from advanced_alchemy.mixins.audit import (
    AuditColumns,
    AuditMixin,
    audit_user,
    get_audit_user,
    reset_audit_user,
    set_audit_user,
)
from advanced_alchemy.mixins.bigint import BigIntPrimaryKey, IdentityPrimaryKey
from advanced_alchemy.mixins.nanoid import NanoIDPrimaryKey
from advanced_alchemy.mixins.optimistic_lock import OptimisticLockMixin
from advanced_alchemy.mixins.sentinel import SentinelMixin
from advanced_alchemy.mixins.slug import SlugKey, SlugMixin
from advanced_alchemy.mixins.unique import UniqueMixin
from advanced_alchemy.mixins.uuid import UUIDPrimaryKey, UUIDv6PrimaryKey, UUIDv7PrimaryKey

__all__ = (
    "AuditColumns",
    "AuditMixin",
    "BigIntPrimaryKey",
    "IdentityPrimaryKey",
    "NanoIDPrimaryKey",
    "OptimisticLockMixin",
    "SentinelMixin",
    "SlugKey",
    "SlugMixin",
    "UUIDPrimaryKey",
    "UUIDv6PrimaryKey",
    "UUIDv7PrimaryKey",
    "UniqueMixin",
    "audit_user",
    "get_audit_user",
    "reset_audit_user",
    "set_audit_user",
)
