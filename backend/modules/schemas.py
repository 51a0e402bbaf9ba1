from datetime import datetime
from typing import Annotated, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    FiniteFloat,
    StringConstraints,
    model_validator,
)

from backend.vocab import Category, Grade, ItemKind

ItemCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64,
                                            pattern=r"^[a-z0-9_-]+$")]


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: ItemCode
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=300)]
    kind: ItemKind
    photo_required_on_fail: bool
    category: Category
    default_grade: Grade
    major_if_failed: bool = False
    standard: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=200)] = None
    min: FiniteFloat | None = None
    max: FiniteFloat | None = None
    unit: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=16)] = None

    @model_validator(mode="after")
    def consistent(self) -> Self:
        if self.kind is ItemKind.number:
            if self.min is None and self.max is None:
                raise ValueError("a number item needs min and/or max")
            if not self.unit:
                raise ValueError("a number item needs a unit")
            if self.min is not None and self.max is not None and self.min > self.max:
                raise ValueError("min is greater than max")
        elif self.min is not None or self.max is not None:
            raise ValueError("only number items have limits")
        if self.major_if_failed and self.default_grade is not Grade.major:
            raise ValueError("an item that is directly major must have default_grade major")
        return self


class ModuleContentIn(BaseModel):
    """The content of one module version."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
    description: Annotated[str | None, StringConstraints(strip_whitespace=True,
                                                         max_length=500)] = None
    standards: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                     max_length=200)]] = Field(default_factory=list)
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=100)]

    @model_validator(mode="after")
    def unique_item_codes(self) -> Self:
        codes = [item.code for item in self.items]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise ValueError(f"duplicate item codes: {', '.join(duplicates)}")
        return self


class ModuleCreateIn(ModuleContentIn):
    code: ItemCode
    category: Category


class CatalogueModule(ModuleCreateIn):
    """A module as shipped in ``catalogue/*.yaml``: stricter than user-made modules."""

    items: Annotated[list[ItemIn], Field(min_length=5, max_length=12)]


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    code: str
    text: str
    kind: ItemKind
    photo_required_on_fail: bool
    category: Category
    default_grade: Grade
    major_if_failed: bool
    standard: str | None
    min_value: float | None
    max_value: float | None
    unit: str | None


class ModuleSummary(BaseModel):
    id: int
    code: str
    category: Category
    is_active: bool
    name: str
    description: str | None
    version: int
    version_id: int
    item_count: int
    major_item_count: int


class ModuleVersionOut(BaseModel):
    """One version of a module. ``id`` is the module's (as in the list and the paths
    ``/modules/{id}``); ``version_id`` identifies this version (an inspection's
    ``module_version_id``)."""

    id: int
    module_id: int
    version_id: int
    code: str
    category: Category
    version: int
    latest_version: int
    name: str
    description: str | None
    standards: list[str]
    from_catalogue: bool
    created_by_id: int | None
    created_at: datetime
    items: list[ItemOut]
