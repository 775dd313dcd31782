"""In-memory mock repositories for unit tests: the repository API without a database."""

from advanced_alchemy.repository.memory._async import SQLAlchemyAsyncMockRepository, SQLAlchemyAsyncMockSlugRepository
from advanced_alchemy.repository.memory._sync import SQLAlchemySyncMockRepository, SQLAlchemySyncMockSlugRepository

__all__ = (
    "SQLAlchemyAsyncMockRepository",
    "SQLAlchemyAsyncMockSlugRepository",
    "SQLAlchemySyncMockRepository",
    "SQLAlchemySyncMockSlugRepository",
)
