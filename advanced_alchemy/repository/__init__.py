"""Repositories: CRUD, filtering, pagination and bulk operations for one mapped class."""

from advanced_alchemy._errors import DEFAULT_ERROR_MESSAGE_TEMPLATES
from advanced_alchemy.exceptions import ErrorMessages
from advanced_alchemy.repository._async import SQLAlchemyAsyncRepository
from advanced_alchemy.repository._base import ModelT
from advanced_alchemy.repository._sync import SQLAlchemySyncRepository
from advanced_alchemy.utils.dataclass import Empty, EmptyType

__all__ = (
    "DEFAULT_ERROR_MESSAGE_TEMPLATES",
    "Empty",
    "EmptyType",
    "ErrorMessages",
    "ModelT",
    "SQLAlchemyAsyncRepository",
    "SQLAlchemySyncRepository",
)
