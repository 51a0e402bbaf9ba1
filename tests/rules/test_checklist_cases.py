"""The server's checklist rules against the cases the phone's rules are tested with too
(pwa/tests/rules.test.ts reads the same file): a case changed for one side fails on the other."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from backend.inspections.models import InspectionAnswer
from backend.inspections.rules import answer_result, problems
from backend.inspections.schemas import AnswerIn
from backend.modules.models import ModuleItem
from backend.vocab import Category, Grade, ItemKind, SiteCondition

CASES = json.loads((Path(__file__).parent / "checklist_cases.json").read_text("utf-8"))["cases"]
ITEM_ID, ANSWER_ID = 1, 10


def _item(spec: dict[str, Any]) -> ModuleItem:
    def limit(key: str) -> Decimal | None:
        return None if spec.get(key) is None else Decimal(str(spec[key]))

    return ModuleItem(id=ITEM_ID, position=1, code="c", text="检查项",
                      kind=ItemKind(spec["kind"]),
                      photo_required_on_fail=spec.get("photo_required_on_fail", False),
                      category=Category.other,
                      default_grade=Grade.major if spec.get("major_if_failed") else Grade.general,
                      major_if_failed=spec.get("major_if_failed", False),
                      min_value=limit("min_value"), max_value=limit("max_value"),
                      unit=spec.get("unit"), limits_from_height=spec.get("limits_from_height"),
                      only_if_site=spec.get("only_if_site"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_the_server_judges_each_case(case: dict[str, Any]) -> None:
    item = _item(case["item"])
    spec = case["answer"]
    answers: dict[int, InspectionAnswer] = {}
    photos: dict[int, int] = {}
    after: dict[int, int] = {}
    result = None
    if spec is not None:
        # what the phone sends, through the API's own body model (JSON, as on the wire)
        body = AnswerIn.model_validate_json(json.dumps({
            "item_id": ITEM_ID, "result": spec.get("result"), "value": spec.get("value"),
            "text": spec.get("text"), "note": spec.get("note"),
            "fixed_on_spot": spec.get("fixed_on_spot", False)}))
        height = (case.get("site") or {}).get("building_height_m")
        result = answer_result(item, body, None if height is None else Decimal(str(height)))
        answers[ITEM_ID] = InspectionAnswer(id=ANSWER_ID, item_id=ITEM_ID, result=result,
                                            value=body.value, note=body.note,
                                            fixed_on_spot=body.fixed_on_spot)
        photos[ANSWER_ID] = spec.get("photos", 0)
        after[ANSWER_ID] = spec.get("after_photos", 0)
    assert (result.value if result else None) == case["result"]
    site = case.get("site") or {}
    conditions = None if "large_span_roof" not in site else frozenset(
        {SiteCondition.large_span_roof} if site["large_span_roof"] else ())
    found = problems({ITEM_ID: item}, answers, photos, after, conditions)
    assert [p["problem"] for p in found] == case["problems"]


def test_every_item_kind_and_problem_is_covered() -> None:
    assert {c["item"]["kind"] for c in CASES} == {k.value for k in ItemKind}
    assert {p for c in CASES for p in c["problems"]} == {
        "unanswered", "value_required", "photo_required", "after_photo_required",
        "reason_required"}
