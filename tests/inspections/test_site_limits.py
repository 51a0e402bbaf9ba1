"""A limit that depends on the building: a railing is 1.05 m high enough below 24 m and too low
from 24 m up (GB 50352-2019 6.7.3); the server judges with the site's recorded height."""

import pytest

from backend.vocab import Role

RAILING = {"code": "railing", "text": "临空栏杆高度", "kind": "number", "min": 1.05, "unit": "m",
           "limits_from_height": {"height_m": 24, "min": 1.10},
           "photo_required_on_fail": False, "category": "building", "default_grade": "general",
           "standard": "GB 50352-2019 第6.7.3条"}
OTHER = {"code": "stairs", "text": "楼梯扶手牢固", "kind": "pass_fail",
         "photo_required_on_fail": False, "category": "building", "default_grade": "general"}


@pytest.fixture
def railing_module(client, make):
    qa = make.user(Role.qa_officer)
    resp = client.post("/api/v1/modules", headers=make.headers(qa), json={
        "code": "railing-lab", "category": "building", "name": "栏杆", "site_kinds": ["dormitory"],
        "items": [RAILING, OTHER]})
    assert resp.status_code == 201, resp.text
    module = resp.json()
    assert module["items"][0]["limits_from_height"] == {"height_m": 24.0, "min": 1.1, "max": None}
    return module


@pytest.mark.parametrize(("height", "result"), [(19.8, "pass"), (24, "fail"), (33.6, "fail"),
                                                (None, "fail")])
def test_a_railing_is_judged_against_the_sites_height(client, make, railing_module, height,
                                                      result):
    admin = make.user(Role.admin)
    inspector = make.user(Role.inspector, center=make.org.property)
    site = make.org.dorm
    assert client.patch(f"/api/v1/sites/{site.id}", headers=make.headers(admin),
                        json={"building_height_m": height}).status_code == 200
    headers = make.headers(inspector)
    started = client.post("/api/v1/inspections", headers=headers, json={
        "module_id": railing_module["id"], "site_id": site.id, "kind": "routine"})
    assert started.status_code == 201, started.text
    railing = railing_module["items"][0]["id"]
    saved = client.put(f"/api/v1/inspections/{started.json()['id']}/answers", headers=headers,
                       json={"answers": [{"item_id": railing, "value": "1.07"}]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["answers"][0]["result"] == result


@pytest.mark.parametrize("bad", [
    {"height_m": 24},  # no limit
    {"height_m": 0, "min": 1.1},
    {"height_m": 24, "min": 2, "max": 1},
    {"height_m": 24, "min": 1.1, "colour": "red"},
    {"height_m": 24, "min": 1.0},  # looser than the base 1.05: not the safe side
    {"height_m": 24, "max": 2.0},  # drops the base minimum
])
def test_malformed_height_limits_are_a_422(client, make, bad):
    qa = make.user(Role.qa_officer)
    resp = client.post("/api/v1/modules", headers=make.headers(qa), json={
        "code": "railing-bad", "category": "building", "name": "栏杆",
        "items": [{**RAILING, "limits_from_height": bad}, OTHER]})
    assert resp.status_code == 422, resp.text


def test_only_number_items_have_height_limits(client, make):
    qa = make.user(Role.qa_officer)
    resp = client.post("/api/v1/modules", headers=make.headers(qa), json={
        "code": "railing-bad", "category": "building", "name": "栏杆",
        "items": [{**OTHER, "limits_from_height": {"height_m": 24, "min": 1.1}}, RAILING]})
    assert resp.status_code == 422, resp.text


def test_a_submit_judges_readings_with_the_sites_height_at_submit(client, make, railing_module):
    """Saved at 19.8 m (passes), submitted after the height was corrected to 30 m: the server
    judges as the phone now shows, so the railing becomes a hazard."""
    admin = make.user(Role.admin)
    inspector = make.user(Role.inspector, center=make.org.property)
    site, headers = make.org.dorm, make.headers(inspector)
    client.patch(f"/api/v1/sites/{site.id}", headers=make.headers(admin),
                 json={"building_height_m": 19.8})
    iid = client.post("/api/v1/inspections", headers=headers, json={
        "module_id": railing_module["id"], "site_id": site.id, "kind": "routine"}).json()["id"]
    railing, stairs = (item["id"] for item in railing_module["items"])
    saved = client.put(f"/api/v1/inspections/{iid}/answers", headers=headers, json={"answers": [
        {"item_id": railing, "value": "1.07"}, {"item_id": stairs, "result": "pass"}]})
    assert saved.json()["answers"][0]["result"] == "pass"
    client.patch(f"/api/v1/sites/{site.id}", headers=make.headers(admin),
                 json={"building_height_m": 30})
    submitted = client.post(f"/api/v1/inspections/{iid}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    assert len(submitted.json()["hazard_ids"]) == 1
    assert submitted.json()["answers"][0]["result"] == "fail"


@pytest.mark.parametrize(("large_span", "problems"), [(False, []), (True, ["unanswered"])])
def test_a_snow_load_item_is_asked_only_under_a_large_span_roof(client, make, large_span,
                                                               problems):
    qa, admin = make.user(Role.qa_officer), make.user(Role.admin)
    snow = {**OTHER, "code": "snow", "text": "大跨度屋面积雪按预案清除",
            "only_if_site": "large_span_roof"}
    module = client.post("/api/v1/modules", headers=make.headers(qa), json={
        "code": "snow-lab", "category": "building", "name": "雪天", "items": [OTHER, snow]}).json()
    assert module["items"][1]["only_if_site"] == "large_span_roof"
    site = make.org.dorm
    client.patch(f"/api/v1/sites/{site.id}", headers=make.headers(admin),
                 json={"large_span_roof": large_span})
    inspector = make.user(Role.inspector, center=make.org.property)
    headers = make.headers(inspector)
    iid = client.post("/api/v1/inspections", headers=headers, json={
        "module_id": module["id"], "site_id": site.id, "kind": "routine"}).json()["id"]
    client.put(f"/api/v1/inspections/{iid}/answers", headers=headers,
               json={"answers": [{"item_id": module["items"][0]["id"], "result": "pass"}]})
    submitted = client.post(f"/api/v1/inspections/{iid}/submit", headers=headers)
    found = [p["problem"] for p in submitted.json()["error"]["details"]["problems"]] \
        if submitted.status_code == 422 else []
    assert found == problems, submitted.text
    assert submitted.status_code == (422 if problems else 200)
