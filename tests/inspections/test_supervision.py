"""质监办's own checklists (督查) at any center's site."""

import pytest

from backend.vocab import ItemKind, Role
from tests.inspections.test_inspections import module_with, passing, start


@pytest.mark.parametrize("major", [False, True])
def test_qa_submits_a_supervision_with_an_item_fixed_on_the_spot(client, make, db, major):
    """The inspector who fixed it is the assignee even when not of the hazard's center (it was
    422 invalid_assignee: the phone's queue could never drain it)."""
    qa = make.user(Role.qa_officer, center=make.org.qa)
    module_id, items = module_with(db, major=major)
    started = start(client, make, qa, module_id, kind="supervision")
    assert started.status_code == 201, started.text
    iid = started.json()["id"]
    target = next(i for i in items if i.major_if_failed is major and i.kind is ItemKind.pass_fail)
    fix = {"item_id": target.id, "result": "fail", "note": "已当场清理",
           "photo_ids": [make.photo(qa).id], "fixed_on_spot": True,
           "after_photo_ids": [make.photo(qa).id]}
    answers = [fix] + [passing(i) for i in items if i.id != target.id]
    assert client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(qa),
                      json={"answers": answers}).status_code == 200
    result = client.post(f"/api/v1/inspections/{iid}/submit", headers=make.headers(qa))
    assert result.status_code == 200, result.text
    hazard = client.get(f"/api/v1/hazards/{result.json()['hazard_ids'][0]}",
                        headers=make.headers(qa)).json()
    assert hazard["status"] == ("submitted" if major else "closed")
    assert hazard["assignee_id"] == qa.id
    # never verifying one's own fix; a closed one may still be reopened by 质监办; a major one
    # may be supervised and reported upward by 质监办
    assert hazard["allowed_actions"] == (["supervise", "report_upward"] if major else ["reopen"])
