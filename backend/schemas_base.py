"""Building blocks for request schemas.

``Omittable[X]`` is a PATCH field that may be left out (nothing changes) but may not be ``null``:
without it, ``{"name": null}`` passed validation and reached a NOT NULL column, where the
database refused it and the answer was a misleading 409. Its OpenAPI schema is plain ``X``
(not nullable), so clients are told the truth.
"""

from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

T = TypeVar("T")


def _refuse_null(value: T | None) -> T:
    if value is None:
        raise PydanticCustomError("null_not_allowed",
                                  "may be omitted to keep the current value, but not null")
    return value


class _NotNullInSchema:
    def __get_pydantic_json_schema__(self, core_schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        options = [s for s in schema.get("anyOf", []) if s != {"type": "null"}]
        if len(options) == 1:
            schema = {**{k: v for k, v in schema.items() if k != "anyOf"}, **options[0]}
        return schema


def _drop_null_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


Omittable = Annotated[T | None, AfterValidator(_refuse_null), _NotNullInSchema(),
                      Field(json_schema_extra=_drop_null_default)]


class Strict(BaseModel):
    """A request body that refuses fields it does not know (a typo is a 422, not ignored)."""

    model_config = ConfigDict(extra="forbid")
