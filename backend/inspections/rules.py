"""How a checklist item is judged: pure rules over an item, an answer and the site's building
height. The phone runs the same rules (pwa/src/lib/rules.ts); tests/rules/checklist_cases.json
holds the cases both are tested with."""

from decimal import Decimal

from backend.inspections.models import AnswerResult, InspectionAnswer
from backend.inspections.schemas import AnswerIn
from backend.modules.models import ModuleItem
from backend.vocab import ItemKind, SiteCondition


def _decimal(number: float | None) -> Decimal | None:
    return None if number is None else Decimal(str(number))


def limits(item: ModuleItem, building_height_m: Decimal | None) -> tuple[Decimal | None,
                                                                          Decimal | None]:
    """An item's passing range at a site: from the item's ``limits_from_height`` building height
    up, or where the height is not recorded (the safe side), those limits; else min/max."""
    tall = item.limits_from_height
    if tall and (building_height_m is None
                 or building_height_m >= Decimal(str(tall["height_m"]))):
        return _decimal(tall.get("min")), _decimal(tall.get("max"))
    return item.min_value, item.max_value


def _number_result(item: ModuleItem, value: Decimal,
                   building_height_m: Decimal | None) -> AnswerResult:
    low, high = limits(item, building_height_m)
    low = low if low is not None else value
    high = high if high is not None else value
    return AnswerResult.passed if low <= value <= high else AnswerResult.failed


def answer_result(item: ModuleItem, answer: AnswerIn | InspectionAnswer,
                   building_height_m: Decimal | None = None) -> AnswerResult | None:
    """The server decides number items from the value and its limits at the site; a phone can't
    pass an out-of-range reading."""
    if item.kind is ItemKind.number and answer.value is not None and \
            answer.result is not AnswerResult.na:
        return _number_result(item, answer.value, building_height_m)
    return answer.result


def applies(item: ModuleItem, conditions: frozenset[SiteCondition] | None) -> bool:
    """Whether an item is asked at a site with these attributes (None: not known, asked)."""
    return item.only_if_site is None or conditions is None or item.only_if_site in conditions


def problems(items: dict[int, ModuleItem], answers: dict[int, InspectionAnswer],
             photos: dict[int, int], after: dict[int, int],
             conditions: frozenset[SiteCondition] | None = None) -> list[dict[str, object]]:
    """What a submit refuses, item by item in the checklist's order (the phone's rules.ts says
    the same: both run tests/rules/checklist_cases.json). An item not asked at the site (its
    ``only_if_site`` attribute missing) needs no answer."""
    found: list[dict[str, object]] = []
    for item in sorted(items.values(), key=lambda i: i.position):
        answer = answers.get(item.id)
        if answer is None or answer.result is None:
            if not applies(item, conditions):
                continue
            found.append({"item_id": item.id, "problem": "unanswered"})
            continue
        if item.kind is ItemKind.number and answer.value is None \
                and answer.result is not AnswerResult.na:
            found.append({"item_id": item.id, "problem": "value_required"})
        if answer.result is AnswerResult.failed:
            if item.photo_required_on_fail and not photos.get(answer.id):
                found.append({"item_id": item.id, "problem": "photo_required"})
            if answer.fixed_on_spot and not after.get(answer.id):
                found.append({"item_id": item.id, "problem": "after_photo_required"})
        if item.kind is ItemKind.photo and answer.result is AnswerResult.passed \
                and not photos.get(answer.id):
            found.append({"item_id": item.id, "problem": "photo_required"})
        if item.major_if_failed and answer.result is AnswerResult.na \
                and not (answer.note or "").strip():
            # 不适用 on a major item hides a major hazard unless somebody says why
            found.append({"item_id": item.id, "problem": "reason_required"})
    return found
