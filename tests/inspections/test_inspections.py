"""Inspections: start, save answers, submit; failed items become hazards."""

import uuid

import pytest
from sqlalchemy import select

from backend.inspections.rules import limits
from backend.modules.models import ModuleItem, ModuleVersion, PatrolModule
from backend.vocab import ItemKind, Role


def module_with(db, *, number=False, major=False, photo_item=False):
    """The id and items of a shipped module having the kinds of items a test needs."""
    for module in db.scalars(select(PatrolModule).order_by(PatrolModule.id)):
        version = db.scalar(select(ModuleVersion).where(ModuleVersion.module_id == module.id)
                            .order_by(ModuleVersion.version.desc()).limit(1))
        items = list(db.scalars(select(ModuleItem).where(ModuleItem.module_version_id
                                                         == version.id)
                                .order_by(ModuleItem.position)))
        kinds = {i.kind for i in items}
        if number and ItemKind.number not in kinds:
            continue
        if major and not any(i.major_if_failed for i in items):
            continue
        if photo_item != (ItemKind.photo in kinds):
            continue
        return module.id, items
    raise AssertionError("no shipped module fits")


def start(client, make, user, module_id, site=None, kind="routine", client_id=None):
    return client.post("/api/v1/inspections", headers=make.headers(user), json={
        "module_id": module_id, "site_id": (site or make.org.kitchen).id, "kind": kind,
        "client_id": client_id or str(uuid.uuid4()), "checkin_method": "qr",
        "gps": {"lat": 32.03, "lon": 118.82}})


def passing(item):
    if item.kind is ItemKind.number:
        low, high = limits(item, None)  # the test sites have no recorded height: the safe side
        return {"item_id": item.id, "value": str(low if low is not None else high)}
    if item.kind is ItemKind.text:
        return {"item_id": item.id, "result": "pass", "text": "张三"}
    return {"item_id": item.id, "result": "pass"}


def test_run_a_checklist_with_one_failure(client, make, db):
    inspector = make.user(Role.inspector)
    module_id, items = module_with(db, major=True)
    resp = start(client, make, inspector, module_id)
    assert resp.status_code == 201, resp.text
    inspection = resp.json()
    assert inspection["status"] == "draft" and inspection["progress"]["total"] == len(items)
    iid = inspection["id"]
    major_item = next(i for i in items if i.major_if_failed)
    photo = make.photo(inspector)
    answers = [passing(i) for i in items if i.id != major_item.id]
    # save in two steps, as a phone does while walking the site
    first = client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
                       json={"answers": answers[:2]})
    assert first.status_code == 200 and first.json()["progress"]["answered"] == 2
    early = client.post(f"/api/v1/inspections/{iid}/submit", headers=make.headers(inspector))
    assert early.status_code == 422
    assert early.json()["error"]["code"] == "inspection_incomplete"
    assert {p["problem"] for p in early.json()["error"]["details"]["problems"]} == {"unanswered"}
    fail = {"item_id": major_item.id, "result": "fail", "note": "电动车在楼道内充电",
            "photo_ids": [photo.id]}
    client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
               json={"answers": answers[2:] + [fail]})
    submitted = client.post(f"/api/v1/inspections/{iid}/submit", headers=make.headers(inspector))
    assert submitted.status_code == 200, submitted.text
    result = submitted.json()
    assert result["status"] == "submitted" and len(result["hazard_ids"]) == 1
    hazard = client.get(f"/api/v1/hazards/{result['hazard_ids'][0]}",
                        headers=make.headers(inspector)).json()
    assert hazard["grade"] == "major"  # a directly-major item always gives a major hazard
    assert hazard["source"] == "inspection" and hazard["inspection_id"] == iid
    # titled by what is wrong (the inspector's note), never the bare requirement
    assert hazard["item_id"] == major_item.id and hazard["title"] == "电动车在楼道内充电"
    assert hazard["requirement"] == {
        "text": major_item.text, "standard": major_item.standard,
        "major_basis": major_item.major_basis, "method": major_item.method,
        "advice": major_item.advice}
    assert hazard["description"] == "电动车在楼道内充电"
    assert [p["id"] for p in hazard["photos"]] == [photo.id]
    again = client.post(f"/api/v1/inspections/{iid}/submit", headers=make.headers(inspector))
    assert again.status_code == 200 and again.json()["hazard_ids"] == result["hazard_ids"]
    locked = client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
                        json={"answers": [passing(items[0])]})
    assert locked.status_code == 409


@pytest.mark.parametrize("major", [False, True])
def test_fixed_on_the_spot_closes_a_general_hazard_and_sends_a_major_one_to_qa(
        client, make, db, major):
    inspector = make.user(Role.inspector)
    module_id, items = module_with(db, major=major)
    iid = start(client, make, inspector, module_id).json()["id"]
    target = next(i for i in items if i.major_if_failed is major and i.kind is ItemKind.pass_fail)
    fix = {"item_id": target.id, "result": "fail", "note": "已当场清理",
           "photo_ids": [make.photo(inspector).id], "fixed_on_spot": True}
    answers = [fix] + [passing(i) for i in items if i.id != target.id]
    client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
               json={"answers": answers})
    missing_after = client.post(f"/api/v1/inspections/{iid}/submit",
                                headers=make.headers(inspector))
    assert missing_after.status_code == 422
    assert {"item_id": target.id, "problem": "after_photo_required"} in \
        missing_after.json()["error"]["details"]["problems"]
    after = make.photo(inspector)
    client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
               json={"answers": [{**fix, "after_photo_ids": [after.id]}]})
    result = client.post(f"/api/v1/inspections/{iid}/submit",
                         headers=make.headers(inspector)).json()
    url = f"/api/v1/hazards/{result['hazard_ids'][0]}"
    hazard = client.get(url, headers=make.headers(inspector)).json()
    assert hazard["fixed_on_spot"] is True and hazard["grade"] == ("major" if major else "general")
    assert [p["id"] for p in hazard["rectification_photos"]] == [after.id]
    assert [e["action"] for e in hazard["timeline"]] == ["report", "fix_on_spot"]
    if not major:
        assert hazard["status"] == "closed"
        return
    # a major hazard is never closed on the inspector's word: 质监办 verifies it
    assert hazard["status"] == "submitted" and hazard["allowed_actions"] == []
    manager = make.user(Role.center_manager)
    assert client.get(url, headers=make.headers(manager)).json()["allowed_actions"] == []
    qa = make.user(Role.qa_officer, center=make.org.qa)
    assert client.get(url, headers=make.headers(qa)).json()["allowed_actions"] == \
        ["verify", "reject", "supervise", "report_upward"]
    refused = client.post(f"{url}/actions/verify", json={}, headers=make.headers(qa))
    assert refused.json()["error"]["code"] == "closure_evidence_required"  # the 销号's evidence
    closed = client.post(f"{url}/actions/verify", headers=make.headers(qa), json={
        "comment": "现场复核，隐患已消除", "photo_ids": [make.photo(qa).id]})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_number_items_are_judged_by_the_server(client, make, db):
    inspector = make.user(Role.inspector)
    module_id, items = module_with(db, number=True)
    number_item = next(i for i in items if i.kind is ItemKind.number)
    iid = start(client, make, inspector, module_id).json()["id"]
    out_of_range = (number_item.max_value + 50) if number_item.max_value is not None \
        else (number_item.min_value - 50)
    resp = client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
                      json={"answers": [{"item_id": number_item.id, "result": "pass",
                                         "value": str(out_of_range)}]})
    answer = next(a for a in resp.json()["answers"] if a["item_id"] == number_item.id)
    assert answer["result"] == "fail"  # the phone said pass; the reading says otherwise


def test_photo_required_on_failure(client, make, db):
    inspector = make.user(Role.inspector)
    module_id, items = module_with(db)
    needs_photo = next(i for i in items if i.photo_required_on_fail)
    iid = start(client, make, inspector, module_id).json()["id"]
    answers = [passing(i) for i in items if i.id != needs_photo.id]
    answers.append({"item_id": needs_photo.id, "result": "fail"})
    client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
               json={"answers": answers})
    resp = client.post(f"/api/v1/inspections/{iid}/submit", headers=make.headers(inspector))
    assert resp.status_code == 422
    assert resp.json()["error"]["details"]["problems"] == [
        {"item_id": needs_photo.id, "problem": "photo_required"}]


def test_start_is_idempotent_and_bound_to_the_current_version(client, make, db):
    inspector = make.user(Role.inspector)
    module_id, _ = module_with(db)
    client_id = str(uuid.uuid4())
    first = start(client, make, inspector, module_id, client_id=client_id)
    retry = start(client, make, inspector, module_id, client_id=client_id)
    assert first.status_code == 201 and retry.status_code == 200
    assert first.json()["id"] == retry.json()["id"]
    other_module, _ = module_with(db, number=True)
    if other_module != module_id:
        mismatch = start(client, make, inspector, other_module, client_id=client_id)
        assert mismatch.status_code == 422
    qa = make.user(Role.qa_officer, center=make.org.qa)
    detail = client.get(f"/api/v1/modules/{module_id}", headers=make.headers(qa)).json()
    new_version = {"name": detail["name"] + "（修订）", "items": [
        {"code": "only", "text": "唯一的检查项", "kind": "pass_fail", "photo_required_on_fail": False,
         "category": "fire", "default_grade": "general"}]}
    client.post(f"/api/v1/modules/{module_id}/versions", headers=make.headers(qa),
                json=new_version)
    old = client.get(f"/api/v1/inspections/{first.json()['id']}",
                     headers=make.headers(inspector)).json()
    assert old["module_version_id"] == first.json()["module_version_id"]
    new = start(client, make, inspector, module_id).json()
    assert new["module_version_id"] != old["module_version_id"]
    assert new["progress"]["total"] == 1


@pytest.mark.parametrize("role, site, kind, status", [
    (Role.inspector, "kitchen", "routine", 201),
    (Role.inspector, "dorm", "routine", 404),  # another center's site
    (Role.inspector, "kitchen", "supervision", 403),
    (Role.center_manager, "kitchen", "special", 201),
    (Role.qa_officer, "dorm", "supervision", 201),
    (Role.qa_officer, "kitchen", "routine", 403),
    (Role.leader, "kitchen", "routine", 403),
])
def test_who_may_inspect_where(client, make, db, role, site, kind, status):
    center = make.org.qa if role is Role.qa_officer else None
    user = make.user(role, center=center) if center else make.user(role)
    module_id, _ = module_with(db)
    resp = start(client, make, user, module_id, site=getattr(make.org, site), kind=kind)
    assert resp.status_code == status, resp.text


def test_only_the_inspector_edits_and_others_centers_see_nothing(client, make, db):
    inspector = make.user(Role.inspector)
    colleague = make.user(Role.inspector)
    outsider = make.user(Role.inspector, center=make.org.property)
    module_id, items = module_with(db)
    iid = start(client, make, inspector, module_id).json()["id"]
    assert client.get(f"/api/v1/inspections/{iid}", headers=make.headers(colleague)) \
        .status_code == 200
    edit = client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(colleague),
                      json={"answers": [passing(items[0])]})
    assert edit.status_code == 403
    for call in (client.get(f"/api/v1/inspections/{iid}", headers=make.headers(outsider)),
                 client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(outsider),
                            json={"answers": [passing(items[0])]})):
        assert call.status_code == 404
    listed = client.get("/api/v1/inspections", headers=make.headers(outsider)).json()
    assert listed["items"] == []
    unknown = client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
                         json={"answers": [{"item_id": 2_000_000_000, "result": "pass"}]})
    assert unknown.status_code == 422 and unknown.json()["error"]["code"] == "unknown_item"


def test_list_filters(client, make, db):
    inspector = make.user(Role.inspector)
    module_id, _ = module_with(db)
    a = start(client, make, inspector, module_id).json()
    b = start(client, make, inspector, module_id, kind="holiday").json()
    headers = make.headers(inspector)
    assert [i["id"] for i in client.get("/api/v1/inspections", headers=headers).json()["items"]] \
        == [b["id"], a["id"]]
    holiday = client.get("/api/v1/inspections", params={"kind": "holiday"}, headers=headers)
    assert [i["id"] for i in holiday.json()["items"]] == [b["id"]]
    drafts = client.get("/api/v1/inspections", params={"status": "draft", "limit": 1},
                        headers=headers).json()
    assert len(drafts["items"]) == 1 and drafts["next_cursor"]


def test_a_finding_without_a_note_says_the_requirement_is_not_met():
    from backend.inspections.service import finding_title
    assert finding_title("灭火器压力正常", None) == "不符合：灭火器压力正常"
    assert finding_title("灭火器压力正常", "  \n") == "不符合：灭火器压力正常"
    assert finding_title("灭火器压力正常", "压力表在红区\n另附照片") == "压力表在红区"
