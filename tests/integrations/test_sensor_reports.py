"""A sensor or inspection robot reports a hazard with its photo under an API key holding
``hazards:write`` and ``photos:write``: the source is ``sensor``, the reporter the key."""

import uuid

from backend.vocab import Role
from tests.photos.images import jpeg


def test_a_sensor_reports_a_hazard_with_a_photo(client, make):
    key, secret = make.api_key("hazards:write", "photos:write", "hazards:read",
                               name="巡检机器人-配电房", center_ids=[make.org.catering.id])
    headers = {"Authorization": f"Bearer {secret}"}
    photo = client.post("/api/v1/photos", headers=headers, data={"client_id": str(uuid.uuid4())},
                        files={"file": ("robot.jpg", jpeg(), "image/jpeg")})
    assert photo.status_code == 201, photo.text
    body = {"title": "配电柜温度异常", "site_id": make.org.kitchen.id, "category": "water_power",
            "photo_ids": [photo.json()["id"]], "client_id": str(uuid.uuid4())}
    resp = client.post("/api/v1/hazards", headers=headers, json=body)
    assert resp.status_code == 201, resp.text
    hazard = resp.json()
    assert hazard["source"] == "sensor" and hazard["status"] == "reported"
    assert hazard["reporter_id"] == key.user_id and hazard["reporter_name"] == "巡检机器人-配电房"
    assert [p["id"] for p in hazard["photos"]] == [photo.json()["id"]]
    # a retry is the same hazard (idempotency holds for keys too)
    again = client.post("/api/v1/hazards", headers=headers, json=body)
    assert again.status_code == 200 and again.json()["id"] == hazard["id"]
    # the catering center's people see it as the sensor's
    manager = make.user(Role.center_manager, center=make.org.catering)
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=make.headers(manager)).json()
    assert seen["source"] == "sensor" and "assign" in seen["allowed_actions"]
    listed = client.get("/api/v1/hazards", params={"source": "sensor"},
                        headers=make.headers(manager)).json()["items"]
    assert hazard["id"] in [h["id"] for h in listed]


def test_a_sensor_reports_only_at_its_centers_sites(client, make):
    _, secret = make.api_key("hazards:write", "photos:write", center_ids=[make.org.catering.id])
    headers = {"Authorization": f"Bearer {secret}"}
    photo = client.post("/api/v1/photos", headers=headers, data={"client_id": str(uuid.uuid4())},
                        files={"file": ("robot.jpg", jpeg(), "image/jpeg")}).json()
    resp = client.post("/api/v1/hazards", headers=headers, json={
        "title": "烟感报警", "site_id": make.org.dorm.id, "category": "fire",
        "photo_ids": [photo["id"]]})
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "site_not_found"


def test_people_cannot_claim_to_be_a_sensor(client, make):
    inspector = make.user(Role.inspector, center=make.org.catering)
    resp = client.post("/api/v1/hazards", headers=make.headers(inspector), json={
        "title": "烟感报警", "site_id": make.org.kitchen.id, "category": "fire",
        "source": "sensor", "photo_ids": [make.photo(inspector).id]})
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "source_reserved"
