"""Repositories: CRUD, filtering, pagination and bulk operations for one mapped class."""

from advanced_alchemy._errors import DEFAULT_ERROR_MESSAGE_TEMPLATES
from advanced_alchemy.exceptions import ErrorMessages
from advanced_alchemy.repository._async import (
    SQLAlchemyAsyncQueryRepository,
    SQLAlchemyAsyncRepository,
    SQLAlchemyAsyncRepositoryProtocol,
    SQLAlchemyAsyncSlugRepository,
    SQLAlchemyAsyncSlugRepositoryProtocol,
)
from advanced_alchemy.repository._base import FilterableRepository, FilterableRepositoryProtocol
from advanced_alchemy.repository._sync import (
    SQLAlchemySyncQueryRepository,
    SQLAlchemySyncRepository,
    SQLAlchemySyncRepositoryProtocol,
    SQLAlchemySyncSlugRepository,
    SQLAlchemySyncSlugRepositoryProtocol,
)
from advanced_alchemy.repository._util import get_instrumented_attr, model_from_dict
from advanced_alchemy.repository.typing import LoadSpec, ModelOrRowMappingT, ModelT, OrderingPair
from advanced_alchemy.utils.dataclass import Empty, EmptyType

__all__ = (
    "DEFAULT_ERROR_MESSAGE_TEMPLATES",
    "Empty",
    "EmptyType",
    "ErrorMessages",
    "FilterableRepository",
    "FilterableRepositoryProtocol",
    "LoadSpec",
    "ModelOrRowMappingT",
    "ModelT",
    "OrderingPair",
    "SQLAlchemyAsyncQueryRepository",
    "SQLAlchemyAsyncRepository",
    "SQLAlchemyAsyncRepositoryProtocol",
    "SQLAlchemyAsyncSlugRepository",
    "SQLAlchemyAsyncSlugRepositoryProtocol",
    "SQLAlchemySyncQueryRepository",
    "SQLAlchemySyncRepository",
    "SQLAlchemySyncRepositoryProtocol",
    "SQLAlchemySyncSlugRepository",
    "SQLAlchemySyncSlugRepositoryProtocol",
    "get_instrumented_attr",
    "model_from_dict",
)
