"""Big integer identity type that stays an autoincrementing INTEGER on SQLite."""

from __future__ import annotations

from sqlalchemy.types import BigInteger, Integer

BigIntIdentity = BigInteger().with_variant(Integer(), "sqlite")
"""``BIGINT`` everywhere except SQLite, where ``INTEGER PRIMARY KEY`` is what autoincrements."""
