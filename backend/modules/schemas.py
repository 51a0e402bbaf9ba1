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
from pydantic.config import JsonDict

from backend.errors import validation_failure
from backend.vocab import Category, Grade, ItemKind, SiteCondition, SiteKind

ItemCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64,
                                            pattern=r"^[a-z0-9_-]+$")]
ItemText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=300)]
ItemStandard = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=200)]
Unit = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=16)]
ModuleName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=100)]
ModuleDescription = Annotated[str | None, StringConstraints(strip_whitespace=True,
                                                            max_length=500)]
Standard = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Guidance = Annotated[str | None, StringConstraints(strip_whitespace=True, min_length=2,
                                                   max_length=300)]
RuleKey = Annotated[str | None, StringConstraints(strip_whitespace=True, min_length=1,
                                                  max_length=64, pattern=r"^[a-z0-9_.-]+$")]

# descriptions shared by what is sent and what is read back
KIND = "how it is answered: `pass_fail`, `number` (checked against min/max), `text` or `photo`"
PHOTO_ON_FAIL = "a failed answer needs a photo"
ITEM_CATEGORY = "category (类别) of the hazard a failure raises"
DEFAULT_GRADE = "grade (一般/重大隐患) of the hazard a failure raises"
MAJOR_IF_FAILED = "a failure is directly a major hazard (重大隐患直接判定)"
STANDARD = "the rule it checks (依据), e.g. GB 50444-2008"
MIN = "number items: lowest passing value"
MAX = "number items: highest passing value"
UNIT = "number items: the unit, e.g. ℃ or MPa"
METHOD = "how to check it on the spot: what to look at, whom to ask, which record to read"
ADVICE = "the usual fix, offered as the rectification measures (整改措施)"
RULE = ("the condition it checks, shared by items of other modules that check the same "
        "condition (they carry the same grade and basis), e.g. `fire.exit-locked`")
MAJOR_BASIS = ("major items: the document and clause that make a failure major, e.g. "
               "教发厅函〔2024〕20号 三(一)4, or 集团规定 where the group is stricter than "
               "any rule")
ONLY_IF_SITE = ("asked only at sites with this attribute (`large_span_roof`: snow load on a "
                "large-span roof); elsewhere it needs no answer")
SITE_KINDS = "the site kinds (点位类型) it applies to; the phone offers it first at such sites"
MODULE_CODE = "unique: lower-case letters, digits, `_`, `-`; never changes"
MODULE_CATEGORY = "the module's category (类别)"
VERSION = "version number, 1 for the first"
VERSION_ID = "this version's id (an inspection's `module_version_id`)"

CONTENT_EXAMPLE: JsonDict = {
    "name": "后厨灭火器", "description": "后厨灭火器的压力、有效期和设置位置。",
    "standards": ["GB 50444-2008", "GB 50140-2005"],
    "items": [
        {"code": "gauge", "text": "灭火器压力表指针在绿区，铅封、保险销完好", "kind": "pass_fail",
         "photo_required_on_fail": True, "category": "fire", "default_grade": "general",
         "standard": "GB 50444-2008"},
        {"code": "count", "text": "灶台区灭火器数量", "kind": "number", "min": 2, "unit": "具",
         "photo_required_on_fail": True, "category": "fire", "default_grade": "general",
         "standard": "GB 50140-2005"},
        {"code": "exit", "text": "后厨安全出口、疏散通道畅通，未锁闭、堵塞", "kind": "pass_fail",
         "photo_required_on_fail": True, "category": "fire", "default_grade": "major",
         "major_if_failed": True, "standard": "教育系统重大事故隐患判定指南(2024)"}]}


HEIGHT_LIMITS = ("number items whose limit depends on the building (栏杆高度): from this building "
                 "height up (the site's `building_height_m`), these limits replace min/max; at a "
                 "site whose height is not recorded they apply too (the safe side)")


class HeightLimits(BaseModel):
    """Limits that apply at sites from a building height up."""

    model_config = ConfigDict(extra="forbid")

    height_m: FiniteFloat = Field(gt=0, le=1000, description="building height (m) from which "
                                  "these limits apply, e.g. 24")
    min: FiniteFloat | None = Field(default=None, description=MIN)
    max: FiniteFloat | None = Field(default=None, description=MAX)

    @model_validator(mode="after")
    def some_limit(self) -> Self:
        if self.min is None and self.max is None:
            raise validation_failure("height_limits_empty", "按楼高的限值须填写下限或上限")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise validation_failure("min_above_max", "下限大于上限")
        return self


def _no_looser(tall: HeightLimits, low: float | None, high: float | None) -> bool:
    return (low is None or (tall.min is not None and tall.min >= low)) and \
        (high is None or (tall.max is not None and tall.max <= high))


class ItemIn(BaseModel):
    """One checklist item (检查项)."""

    model_config = ConfigDict(extra="forbid")

    code: ItemCode = Field(description="unique in the module: lower-case letters, digits, "
                           "`_`, `-`")
    text: ItemText = Field(description="what the inspector checks")
    kind: ItemKind = Field(description=KIND)
    photo_required_on_fail: bool = Field(description=PHOTO_ON_FAIL)
    category: Category = Field(description=ITEM_CATEGORY)
    default_grade: Grade = Field(description=DEFAULT_GRADE)
    major_if_failed: bool = Field(default=False,
                                  description=f"{MAJOR_IF_FAILED}; needs default_grade `major`")
    standard: ItemStandard = Field(default=None, description=STANDARD)
    min: FiniteFloat | None = Field(default=None, description=MIN)
    max: FiniteFloat | None = Field(default=None, description=MAX)
    unit: Unit = Field(default=None, description=UNIT)
    limits_from_height: HeightLimits | None = Field(default=None, description=HEIGHT_LIMITS)
    only_if_site: SiteCondition | None = Field(default=None, description=ONLY_IF_SITE)
    method: Guidance = Field(default=None, description=METHOD)
    advice: Guidance = Field(default=None, description=ADVICE)
    rule: RuleKey = Field(default=None, description=RULE)
    major_basis: ItemStandard = Field(default=None, description=MAJOR_BASIS)

    @model_validator(mode="after")
    def consistent(self) -> Self:
        if self.kind is ItemKind.number:
            if self.min is None and self.max is None:
                raise validation_failure("number_limits_missing", "数值项须填写下限或上限")
            if not self.unit:
                raise validation_failure("number_unit_missing", "数值项须填写单位")
            if self.min is not None and self.max is not None and self.min > self.max:
                raise validation_failure("min_above_max", "下限大于上限")
        elif self.min is not None or self.max is not None or self.limits_from_height:
            raise validation_failure("limits_not_number", "只有数值项可以设置上下限")
        tall = self.limits_from_height
        if tall and not _no_looser(tall, self.min, self.max):
            # an unrecorded height takes these limits as the safe side: they must be stricter
            raise validation_failure("height_limits_looser",
                                     "按楼高的限值不能比一般限值宽松")
        if self.major_if_failed and self.default_grade is not Grade.major:
            raise validation_failure("major_grade_required",
                                     "直接判定重大隐患的检查项，默认等级须为重大隐患")
        if self.major_basis and not self.major_if_failed:
            raise validation_failure("major_basis_without_major",
                                     "只有直接判定重大隐患的检查项才填写判定依据")
        return self


class ModuleContentIn(BaseModel):
    """The content of one module version."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CONTENT_EXAMPLE]})

    name: ModuleName = Field(description="e.g. 灭火器")
    description: ModuleDescription = Field(default=None, description="what the module covers")
    standards: list[Standard] = Field(default_factory=list,
                                      description="the standards it follows (依据)")
    site_kinds: list[SiteKind] = Field(default_factory=list, max_length=len(SiteKind),
                                       description=SITE_KINDS)
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=100)] = Field(
        description="the checklist (检查项), in the order they are asked; codes unique")

    @model_validator(mode="after")
    def unique_item_codes(self) -> Self:
        if len(set(self.site_kinds)) != len(self.site_kinds):
            raise validation_failure("site_kind_repeated", "适用点位类型重复")
        codes = [item.code for item in self.items]
        duplicates = sorted({c for c in codes if codes.count(c) > 1})
        if duplicates:
            raise validation_failure("item_code_repeated",
                                     f"检查项代码重复：{'、'.join(duplicates)}")
        return self


class ModuleCreateIn(ModuleContentIn):
    """A new module (巡检模块): its code and category, and the content of version 1."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"code": "kitchen-extinguisher", "category": "fire", **CONTENT_EXAMPLE}]})

    code: ItemCode = Field(description=MODULE_CODE)
    category: Category = Field(description=MODULE_CATEGORY)


class CatalogueModule(ModuleCreateIn):
    """A module as shipped in ``catalogue/*.yaml``: stricter than user-made modules."""

    items: Annotated[list[ItemIn], Field(min_length=5, max_length=12)]


class ItemOut(BaseModel):
    """One checklist item (检查项) of a module version."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="the item's id (an answer's `item_id`)")
    position: int = Field(description="place in the checklist, from 1")
    code: str = Field(description="unique in the module version")
    text: str = Field(description="what the inspector checks")
    kind: ItemKind = Field(description=KIND)
    photo_required_on_fail: bool = Field(description=PHOTO_ON_FAIL)
    category: Category = Field(description=ITEM_CATEGORY)
    default_grade: Grade = Field(description=DEFAULT_GRADE)
    major_if_failed: bool = Field(description=MAJOR_IF_FAILED)
    standard: str | None = Field(description=STANDARD)
    min_value: float | None = Field(description=MIN)
    max_value: float | None = Field(description=MAX)
    unit: str | None = Field(description=UNIT)
    limits_from_height: HeightLimits | None = Field(description=HEIGHT_LIMITS)
    only_if_site: SiteCondition | None = Field(description=ONLY_IF_SITE)
    method: str | None = Field(description=METHOD)
    advice: str | None = Field(description=ADVICE)
    rule: str | None = Field(description=RULE)
    major_basis: str | None = Field(description=MAJOR_BASIS)


class ModuleSummary(BaseModel):
    """A module (巡检模块) with its latest version, as listed."""

    id: int = Field(description="the module's id")
    code: str = Field(description=MODULE_CODE)
    category: Category = Field(description=MODULE_CATEGORY)
    is_active: bool = Field(description="false: retired, not offered for new inspections")
    name: str = Field(description="the latest version's name")
    description: str | None
    version: int = Field(description=f"the latest {VERSION}")
    version_id: int = Field(description=VERSION_ID)
    item_count: int = Field(description="checklist items in the latest version")
    major_item_count: int = Field(description=f"items of which {MAJOR_IF_FAILED}")
    site_kinds: list[SiteKind] = Field(description=SITE_KINDS)


class ModuleVersionOut(BaseModel):
    """One version of a module. ``id`` is the module's (as in the list and the paths
    ``/modules/{id}``); ``version_id`` identifies this version (an inspection's
    ``module_version_id``)."""

    id: int = Field(description="the module's id")
    module_id: int = Field(description="the module's id, as `id`")
    version_id: int = Field(description=VERSION_ID)
    code: str = Field(description=MODULE_CODE)
    category: Category = Field(description=MODULE_CATEGORY)
    version: int = Field(description=VERSION)
    latest_version: int = Field(description="the module's newest version number")
    name: str
    description: str | None
    standards: list[str] = Field(description="the standards it follows (依据)")
    site_kinds: list[SiteKind] = Field(description=SITE_KINDS)
    from_catalogue: bool = Field(description="shipped with AnXun, not made by a user")
    created_by_id: int | None = Field(description="who published it; null for the catalogue")
    created_by_name: str | None = Field(description="their display name")
    created_at: datetime
    items: list[ItemOut] = Field(description="the checklist, in order")
