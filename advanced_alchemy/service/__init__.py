"""Services: input conversion, lifecycle hooks and output schemas around a repository."""

from typing import TYPE_CHECKING

from advanced_alchemy._errors import DEFAULT_ERROR_MESSAGE_TEMPLATES
from advanced_alchemy.exceptions import ErrorMessages
from advanced_alchemy.repository import model_from_dict
from advanced_alchemy.repository.typing import LoadSpec, ModelOrRowMappingT, ModelT, OrderingPair
from advanced_alchemy.service._async import (
    SQLAlchemyAsyncQueryService,
    SQLAlchemyAsyncRepositoryReadService,
    SQLAlchemyAsyncRepositoryService,
)
from advanced_alchemy.service._sync import (
    SQLAlchemySyncQueryService,
    SQLAlchemySyncRepositoryReadService,
    SQLAlchemySyncRepositoryService,
)
from advanced_alchemy.service._util import ResultConverter, find_filter
from advanced_alchemy.service.pagination import OffsetPagination
from advanced_alchemy.service.typing import (
    ATTRS_INSTALLED,
    FilterTypeT,
    ModelDictListT,
    ModelDictT,
    ModelDTOT,
    SchemaDumpConfig,
    SupportedSchemaModel,
    is_attrs_instance,
    is_attrs_instance_with_field,
    is_attrs_instance_without_field,
    is_attrs_schema,
    is_dict,
    is_dict_with_field,
    is_dict_without_field,
    is_dto_data,
    is_msgspec_struct,
    is_msgspec_struct_with_field,
    is_msgspec_struct_without_field,
    is_pydantic_model,
    is_pydantic_model_with_field,
    is_pydantic_model_without_field,
    is_schema,
    is_schema_or_dict,
    is_schema_or_dict_with_field,
    is_schema_or_dict_without_field,
    is_schema_with_field,
    is_schema_without_field,
    is_sqlmodel_table_model,
    schema_dump,
)
from advanced_alchemy.typing import lazy_reexports
from advanced_alchemy.utils.dataclass import Empty, EmptyType

if TYPE_CHECKING:
    from advanced_alchemy.typing import AttrsInstance
    from advanced_alchemy.typing import attrs_fields as fields

__all__ = (
    "ATTRS_INSTALLED",
    "DEFAULT_ERROR_MESSAGE_TEMPLATES",
    "AttrsInstance",
    "Empty",
    "EmptyType",
    "ErrorMessages",
    "FilterTypeT",
    "LoadSpec",
    "ModelDTOT",
    "ModelDictListT",
    "ModelDictT",
    "ModelOrRowMappingT",
    "ModelT",
    "OffsetPagination",
    "OrderingPair",
    "ResultConverter",
    "SQLAlchemyAsyncQueryService",
    "SQLAlchemyAsyncRepositoryReadService",
    "SQLAlchemyAsyncRepositoryService",
    "SQLAlchemySyncQueryService",
    "SQLAlchemySyncRepositoryReadService",
    "SQLAlchemySyncRepositoryService",
    "SchemaDumpConfig",
    "SupportedSchemaModel",
    "fields",
    "find_filter",
    "is_attrs_instance",
    "is_attrs_instance_with_field",
    "is_attrs_instance_without_field",
    "is_attrs_schema",
    "is_dict",
    "is_dict_with_field",
    "is_dict_without_field",
    "is_dto_data",
    "is_msgspec_struct",
    "is_msgspec_struct_with_field",
    "is_msgspec_struct_without_field",
    "is_pydantic_model",
    "is_pydantic_model_with_field",
    "is_pydantic_model_without_field",
    "is_schema",
    "is_schema_or_dict",
    "is_schema_or_dict_with_field",
    "is_schema_or_dict_without_field",
    "is_schema_with_field",
    "is_schema_without_field",
    "is_sqlmodel_table_model",
    "model_from_dict",
    "schema_dump",
)


# attrs' ``AttrsInstance`` and ``fields`` load on first access (importing this package imports no optional library)
__getattr__ = lazy_reexports(__name__, {"AttrsInstance": "AttrsInstance", "fields": "attrs_fields"})
