"""Typing helpers for services: schema type guards, ``schema_dump`` and the optional-library classes.

Re-exports :mod:`advanced_alchemy.utils.serialization` and :mod:`advanced_alchemy.typing`; importing it
imports no optional library (``BaseModel``, ``Struct``, ``UNSET``, ``AttrsInstance``, ``DTOData``, ... are
resolved on first access).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advanced_alchemy.typing import (
    LITESTAR_INSTALLED,
    SQLMODEL_INSTALLED,
    AttrsLike,
    BaseModelLike,
    DictProtocol,
    DTODataLike,
    StructLike,
    T,
    lazy_reexports,
)
from advanced_alchemy.utils.serialization import (
    ATTRS_INSTALLED,
    CATTRS_INSTALLED,
    MSGSPEC_INSTALLED,
    PYDANTIC_INSTALLED,
    PYDANTIC_USE_FAILFAST,
    BulkModelDictT,
    FilterTypeT,
    ModelDictListT,
    ModelDictT,
    ModelDTOT,
    PydanticOrMsgspecT,
    SchemaDumpConfig,
    SupportedSchemaModel,
    get_attrs_fields,
    get_type_adapter,
    has_dict_attribute,
    is_attrs_instance,
    is_attrs_instance_with_field,
    is_attrs_instance_without_field,
    is_attrs_schema,
    is_dataclass,
    is_dataclass_with_field,
    is_dataclass_without_field,
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
    is_row_mapping,
    is_schema,
    is_schema_or_dict,
    is_schema_or_dict_with_field,
    is_schema_or_dict_without_field,
    is_schema_with_field,
    is_schema_without_field,
    is_sqlmodel_table_model,
    schema_dump,
    structure,
    unstructure,
)
from advanced_alchemy.utils.serialization import LAZY_REEXPORTS as SERIALIZATION_REEXPORTS

if TYPE_CHECKING:
    from advanced_alchemy.typing import (
        UNSET,
        AttrsInstance,
        BaseModel,
        DTOData,
        FailFast,
        Struct,
        TypeAdapter,
        UnsetType,
        convert,
    )
    from advanced_alchemy.typing import attrs_asdict as asdict
    from advanced_alchemy.typing import attrs_fields as fields
    from advanced_alchemy.typing import attrs_has as has
    from advanced_alchemy.typing import attrs_nothing as attrs_nothing

__all__ = (
    "ATTRS_INSTALLED",
    "CATTRS_INSTALLED",
    "LITESTAR_INSTALLED",
    "MSGSPEC_INSTALLED",
    "PYDANTIC_INSTALLED",
    "PYDANTIC_USE_FAILFAST",
    "SQLMODEL_INSTALLED",
    "UNSET",
    "AttrsInstance",
    "AttrsLike",
    "BaseModel",
    "BaseModelLike",
    "BulkModelDictT",
    "DTOData",
    "DTODataLike",
    "DictProtocol",
    "FailFast",
    "FilterTypeT",
    "ModelDTOT",
    "ModelDictListT",
    "ModelDictT",
    "PydanticOrMsgspecT",
    "SchemaDumpConfig",
    "Struct",
    "StructLike",
    "SupportedSchemaModel",
    "T",
    "TypeAdapter",
    "UnsetType",
    "asdict",
    "attrs_nothing",
    "convert",
    "fields",
    "get_attrs_fields",
    "get_type_adapter",
    "has",
    "has_dict_attribute",
    "is_attrs_instance",
    "is_attrs_instance_with_field",
    "is_attrs_instance_without_field",
    "is_attrs_schema",
    "is_dataclass",
    "is_dataclass_with_field",
    "is_dataclass_without_field",
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
    "is_row_mapping",
    "is_schema",
    "is_schema_or_dict",
    "is_schema_or_dict_with_field",
    "is_schema_or_dict_without_field",
    "is_schema_with_field",
    "is_schema_without_field",
    "is_sqlmodel_table_model",
    "schema_dump",
    "structure",
    "unstructure",
)


# The library objects (and Litestar's ``DTOData``) come from :mod:`advanced_alchemy.typing` on first
# access, so that importing this module imports none of pydantic, msgspec, attrs and litestar.
__getattr__ = lazy_reexports(__name__, {**SERIALIZATION_REEXPORTS, "DTOData": "DTOData", "UnsetType": "UnsetType"})
