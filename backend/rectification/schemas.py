from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from backend.hazards.bodies import Text200, Text2000
from backend.hazards.workflow import Status
from backend.idempotency import ClientId
from backend.rectification import rules
from backend.rectification.models import RectificationCategory
from backend.schemas_base import Omittable, Strict
from backend.types import FIRST_YEAR, LAST_YEAR, DbId

Month = Annotated[int, Field(ge=1, le=12)]
Cost = Annotated[Decimal, Field(ge=0, le=100_000, max_digits=8, decimal_places=2,
                                allow_inf_nan=False, description="万元, to the cent")]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class YearIn(Strict):
    """An entry's deadline and cost in one year; a deadline is a month range ("7-8 月":
    7 and 8, "7 月": 7 and 7)."""

    year: Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
    from_month: Month | None = None
    to_month: Month | None = None
    cost: Cost | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problem = rules.month_range_problem(self.from_month, self.to_month)
        if problem is not None:
            raise ValueError(problem)
        if self.from_month is None and self.cost is None:
            raise ValueError("a year needs a deadline or a cost")
        return self


def _distinct_years(years: list[YearIn] | None) -> list[YearIn] | None:
    if years is not None and len({y.year for y in years}) != len(years):
        raise ValueError("each year once")
    return sorted(years, key=lambda y: y.year) if years is not None else None


Years = Annotated[list[YearIn], Field(max_length=10)]


class EntryIn(Strict):
    """A 附表3 row. With ``hazard_id`` (a hazard of the entry's center), name, description
    and measures default to the hazard's place, description and measures; without one, the
    entry is a 本质基础隐患 and needs a ``category``."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "name": "将军路校区 XX 餐厅后场改造",
        "description": "后场地面、墙面、天棚破损严重，水电线路老化",
        "measures": "制定整改方案（含预算），落实负责人，组织实施、验收",
        "category": "building_repair",
        "years": [{"year": 2024, "from_month": 7, "to_month": 8, "cost": "12.50"}]}]})

    center_id: DbId | None = Field(default=None, description="default: the caller's center")
    client_id: ClientId | None = Field(default=None, description="or the Idempotency-Key header")
    hazard_id: DbId | None = None
    name: Text200 | None = Field(default=None, description="名称(含校区、地点)")
    description: OptionalText | None = Field(default=None, description="隐患描述")
    measures: OptionalText | None = Field(default=None, description="整改措施")
    category: RectificationCategory | None = Field(
        default=None, description="本质基础隐患: required without `hazard_id`")
    years: Years = Field(default_factory=list)

    @model_validator(mode="after")
    def _years(self) -> Self:
        self.years = _distinct_years(self.years) or []
        return self


class EntryPatchIn(Strict):
    """Fields sent replace the entry's; ``years`` replaces every year. ``hazard_id`` and
    ``category`` may be null (unlink; no category)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "measures": "屋面整体改造", "years": [
            {"year": 2025, "from_month": 2, "to_month": 9, "cost": "40.00"}]}]})

    hazard_id: DbId | None = None
    name: Omittable[Text200] = None
    description: Omittable[Text2000] = None
    measures: Omittable[Text2000] = None
    category: RectificationCategory | None = None
    years: Omittable[Years] = None

    @model_validator(mode="after")
    def _years(self) -> Self:
        if "years" in self.model_fields_set:
            self.years = _distinct_years(self.years)
        return self


class YearOut(BaseModel):
    year: int
    from_month: int | None
    to_month: int | None
    deadline: str = Field(description='the month range as the table writes it, e.g. "7-8 月"')
    cost: Decimal | None = Field(description="万元")


class LinkedHazardOut(BaseModel):
    """The linked hazard as it is now: closing it shows in the plan."""

    id: int
    title: str
    status: Status
    deadline: date | None
    is_overdue: bool
    closed_at: datetime | None


class EntryOut(BaseModel):
    id: int
    center_id: int
    center_name: str
    client_id: str | None
    hazard_id: int | None
    hazard: LinkedHazardOut | None = Field(description="null for a 本质基础隐患")
    name: str
    description: str
    measures: str
    category: RectificationCategory | None
    years: list[YearOut]
    subtotal: Decimal = Field(description="小计: the years' costs, 万元")
    created_by_id: int
    created_at: datetime
    updated_at: datetime
    version: int
