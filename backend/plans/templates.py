"""Ready plans the group recognises: food safety and special equipment 日管控 / 周排查 / 月调度
(daily self-checks, a weekly sweep, a monthly review), daily 防火巡查 in dormitories and
canteens, and the holiday 五关 check before a closure. Each names catalogue module codes
(backend/modules/catalogue/*.yaml) and the site kind it runs at."""

from dataclasses import dataclass
from enum import StrEnum

from backend.inspections.models import InspectionKind
from backend.plans.models import Frequency
from backend.vocab import SiteKind


class TemplateKey(StrEnum):
    food_daily = "food-daily"
    food_weekly = "food-weekly"
    food_monthly = "food-monthly"
    se_daily = "se-daily"
    se_weekly = "se-weekly"
    se_monthly = "se-monthly"
    fire_patrol_daily = "fire-patrol-daily"
    holiday_five_checks = "holiday-five-checks"


@dataclass(frozen=True)
class Template:
    name: str
    frequency: Frequency
    targets: tuple[tuple[str, SiteKind], ...]  # (module code, site kind)
    kind: InspectionKind = InspectionKind.routine
    weekdays: tuple[int, ...] | None = None
    month_day: int | None = None


_FOOD_DAILY = ("food-cooking", "food-special-room", "food-utensil-disinfection")
_FOOD_WEEKLY = ("food-purchase", "food-storage", "food-additive-toxic", "food-pest-waste")
_FOOD_MONTHLY = ("food-management", "food-kitchen-equipment")
_SPECIAL_EQUIPMENT = (("se-elevator", SiteKind.elevator), ("se-boiler", SiteKind.boiler_room))

TEMPLATES: dict[TemplateKey, Template] = {
    TemplateKey.food_daily: Template(
        "食品安全日管控", Frequency.daily, tuple((m, SiteKind.canteen) for m in _FOOD_DAILY)),
    TemplateKey.food_weekly: Template(
        "食品安全周排查", Frequency.weekly, tuple((m, SiteKind.canteen) for m in _FOOD_WEEKLY),
        weekdays=(1,)),
    TemplateKey.food_monthly: Template(
        "食品安全月调度", Frequency.monthly,
        tuple((m, SiteKind.canteen) for m in _FOOD_MONTHLY), month_day=31),
    TemplateKey.se_daily: Template("特种设备日管控", Frequency.daily, _SPECIAL_EQUIPMENT),
    TemplateKey.se_weekly: Template("特种设备周排查", Frequency.weekly, _SPECIAL_EQUIPMENT,
                                    weekdays=(1,)),
    TemplateKey.se_monthly: Template("特种设备月调度", Frequency.monthly, _SPECIAL_EQUIPMENT,
                                     month_day=31),
    TemplateKey.fire_patrol_daily: Template(
        "每日防火巡查", Frequency.daily,
        (("fire-patrol-day", SiteKind.dormitory), ("fire-patrol-day", SiteKind.canteen))),
    TemplateKey.holiday_five_checks: Template(
        "节假日“五关”检查", Frequency.dates,
        tuple(("hygiene-holiday", k) for k in (SiteKind.canteen, SiteKind.dormitory,
                                               SiteKind.teaching_building)),
        kind=InspectionKind.holiday),
}
