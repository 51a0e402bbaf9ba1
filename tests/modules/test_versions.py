import json

import pytest
from pydantic import ValidationError

from backend.modules.schemas import ItemIn
from backend.vocab import Role

NEW_CONTENT = {
    "name": "灭火器（2026版）",
    "description": "按 GB 50444 检查",
    "standards": ["GB 50444-2008"],
    "items": [
        {"code": "pressure", "text": "压力表指针在绿区", "kind": "pass_fail",
         "photo_required_on_fail": True, "category": "fire", "default_grade": "general"},
        {"code": "temp", "text": "存放环境温度", "kind": "number", "min": -10, "max": 55,
         "unit": "℃", "photo_required_on_fail": False, "category": "fire",
         "default_grade": "general"},
    ],
}


def _module_id(client, headers, code="fire-extinguisher"):
    page = client.get("/api/v1/modules", headers=headers, params={"q": code}).json()
    return next(m["id"] for m in page["items"] if m["code"] == code)


def test_a_new_version_leaves_the_old_one_readable(client, make):
    qa = make.user(Role.qa_officer)
    headers = make.headers(qa)
    module_id = _module_id(client, headers)
    old = client.get(f"/api/v1/modules/{module_id}", headers=headers).json()
    resp = client.post(f"/api/v1/modules/{module_id}/versions", headers=headers, json=NEW_CONTENT)
    assert resp.status_code == 201, resp.text
    new = resp.json()
    assert new["version"] == old["version"] + 1 == new["latest_version"]
    assert [i["code"] for i in new["items"]] == ["pressure", "temp"]
    assert new["items"][1]["min_value"] == -10 and new["items"][1]["unit"] == "℃"
    assert new["created_by_id"] == qa.id and new["from_catalogue"] is False

    latest = client.get(f"/api/v1/modules/{module_id}", headers=headers).json()
    assert latest["version_id"] == new["version_id"] != old["version_id"]
    assert latest["id"] == new["id"] == old["id"] == module_id
    past = client.get(f"/api/v1/modules/{module_id}/versions/{old['version']}", headers=headers)
    assert past.status_code == 200
    assert past.json()["items"] == old["items"]
    assert past.json()["latest_version"] == new["version"]
    history = client.get(f"/api/v1/modules/{module_id}/versions", headers=headers).json()
    assert [v["version"] for v in history] == [old["version"], new["version"]]


@pytest.mark.parametrize("role", [Role.inspector, Role.center_manager, Role.leader])
def test_only_qa_and_admin_edit_modules(client, make, role):
    user = make.user(role)
    headers = make.headers(user)
    module_id = _module_id(client, headers)
    resp = client.post(f"/api/v1/modules/{module_id}/versions", headers=headers, json=NEW_CONTENT)
    assert resp.status_code == 403
    created = client.post("/api/v1/modules", headers=headers,
                          json={**NEW_CONTENT, "code": "my-module", "category": "fire"})
    assert created.status_code == 403


def test_admin_creates_a_new_module(client, make):
    admin = make.user(Role.admin)
    headers = make.headers(admin)
    resp = client.post("/api/v1/modules", headers=headers,
                       json={**NEW_CONTENT, "code": "fire-extinguisher-lab", "category": "fire"})
    assert resp.status_code == 201
    created = resp.json()
    assert created["version"] == 1
    # the id is the module's, the one its paths take; the version has its own field
    read = client.get(f"/api/v1/modules/{created['id']}", headers=headers)
    assert read.status_code == 200 and read.json() == created
    listed = client.get("/api/v1/modules", headers=headers,
                        params={"q": "fire-extinguisher-lab"}).json()["items"]
    assert [(m["id"], m["version_id"]) for m in listed] == [(created["id"],
                                                             created["version_id"])]
    dup = client.post("/api/v1/modules", headers=headers,
                      json={**NEW_CONTENT, "code": "fire-extinguisher-lab", "category": "fire"})
    assert dup.status_code == 409
    assert dup.json()["error"]["code"] == "duplicate"


@pytest.mark.parametrize("limit", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_number_limits_must_be_finite(client, make, limit):
    """Also in the catalogue's YAML (``.nan``, ``.inf``), which goes through the same schema."""
    qa = make.user(Role.qa_officer)
    item = {**NEW_CONTENT["items"][1], "max": limit}
    resp = client.post(f"/api/v1/modules/{_module_id(client, make.headers(qa))}/versions",
                       headers={**make.headers(qa), "Content-Type": "application/json"},
                       content=json.dumps({**NEW_CONTENT, "items": [item]})
                       .replace(f'"{limit}"', limit))
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"
    with pytest.raises(ValidationError):
        ItemIn.model_validate({**item, "max": float(limit)})


@pytest.mark.parametrize("items", [
    [],
    [{"code": "n", "text": "数值", "kind": "number", "photo_required_on_fail": False,
      "category": "fire", "default_grade": "general"}],
    [{"code": "a", "text": "项目", "kind": "pass_fail", "photo_required_on_fail": False,
      "category": "fire", "default_grade": "general", "major_if_failed": True}],
    [{"code": "Bad Code", "text": "项目", "kind": "pass_fail", "photo_required_on_fail": False,
      "category": "fire", "default_grade": "general"}],
    "not a list",
])
def test_invalid_versions_are_refused_and_change_nothing(client, make, items):
    qa = make.user(Role.qa_officer)
    headers = make.headers(qa)
    module_id = _module_id(client, headers)
    before = client.get(f"/api/v1/modules/{module_id}", headers=headers).json()
    resp = client.post(f"/api/v1/modules/{module_id}/versions", headers=headers,
                       json={**NEW_CONTENT, "items": items})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "validation_error"
    assert client.get(f"/api/v1/modules/{module_id}", headers=headers).json() == before


def test_unknown_module_and_version_are_404(client, make):
    headers = make.headers(make.user())
    assert client.get("/api/v1/modules/99999", headers=headers).json()["error"]["code"] \
        == "module_not_found"
    module_id = _module_id(client, headers)
    resp = client.get(f"/api/v1/modules/{module_id}/versions/999", headers=headers)
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "module_version_not_found"


def test_guidance_fields_and_site_kinds_round_trip(client, make):
    qa = make.user(Role.qa_officer)
    headers = make.headers(qa)
    major = {"code": "exit", "text": "安全出口未锁闭", "kind": "pass_fail",
             "photo_required_on_fail": True, "category": "fire", "default_grade": "major",
             "major_if_failed": True, "rule": "fire.exit-locked", "major_basis": "集团规定",
             "method": "营业时间推一推每个安全出口", "advice": "立即开锁，改用推杠锁"}
    content = {**NEW_CONTENT, "code": "exit-lab", "category": "fire",
               "site_kinds": ["canteen", "dining_hall"],
               "items": [*NEW_CONTENT["items"], major]}
    resp = client.post("/api/v1/modules", headers=headers, json=content)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    assert created["site_kinds"] == ["canteen", "dining_hall"]
    item = created["items"][-1]
    assert {k: item[k] for k in ("rule", "major_basis", "method", "advice")} == \
        {k: major[k] for k in ("rule", "major_basis", "method", "advice")}
    listed = client.get("/api/v1/modules", headers=headers, params={"q": "exit-lab"}).json()
    assert listed["items"][0]["site_kinds"] == ["canteen", "dining_hall"]


@pytest.mark.parametrize("change", [
    {"site_kinds": ["canteen", "canteen"]},
    {"site_kinds": ["spaceport"]},
    {"items": [{**NEW_CONTENT["items"][0], "major_basis": "集团规定"}]},
    {"items": [{**NEW_CONTENT["items"][0], "rule": "Fire Exit"}]},
])
def test_inconsistent_guidance_is_a_422(client, make, change):
    qa = make.user(Role.qa_officer)
    resp = client.post("/api/v1/modules", headers=make.headers(qa),
                       json={**NEW_CONTENT, "code": "bad-lab", "category": "fire", **change})
    assert resp.status_code == 422, resp.text
