"""The hazard list's page (backend/hazards/listing.py): plain rows and one photos statement,
rendered without a model per item, must give what the schema renders and what each hazard's
detail says."""

import warnings
from datetime import timedelta

from pydantic import TypeAdapter
from sqlalchemy import update

from backend.clock import today
from backend.hazards.models import Hazard
from backend.hazards.schemas import HazardOut
from backend.pagination import CountedPage, Page
from backend.photos.models import Photo
from backend.vocab import Grade, Role
from tests.hazards.test_workflow_api import GOVERNANCE_PLAN, act, plan

DETAIL_ONLY = {"requirement", "timeline", "upward_reports", "closure"}
SUPERVISION = {"order_no": "质督〔2026〕7号", "supervisor": "王督办", "supervisor_unit": "质监办",
               "supervised_on": "2026-06-01", "requirements": "限期整改", "deadline": None,
               "recorded_by_id": 1, "recorded_at": "2026-06-01T02:00:00Z"}


def new_hazard(client, make, user, **over):
    body = {"title": "灭火器压力不足", "site_id": make.org.kitchen.id, "category": "fire",
            "photo_ids": [make.photo(user).id], **over}
    resp = client.post("/api/v1/hazards", json=body, headers=make.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def test_a_page_is_the_schemas_rendering_and_each_item_its_details(client, make, db):
    inspector = make.user(Role.inspector)
    worker = make.user(Role.inspector)
    manager = make.user(Role.center_manager)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    # rectified twice: only the latest submit's photos are the rectification photos
    redone = new_hazard(client, make, inspector, description="压力表指针在红区")
    assert act(client, make, manager, redone, "assign", plan(worker)).status_code == 200
    first, second = make.photo(worker), make.photo(worker)
    assert act(client, make, worker, redone, "submit",
               {"description": "已更换", "photo_ids": [first.id]}).status_code == 200
    assert act(client, make, manager, redone, "reject", {"reason": "未见压力表"}).status_code \
        == 200
    assert act(client, make, worker, redone, "submit",
               {"description": "已更换并补拍", "photo_ids": [second.id]}).status_code == 200
    # a major one with its 治理方案, 挂牌督办 and a photo with GPS and no capture time
    major = new_hazard(client, make, inspector, category="gas", grade="major",
                       title="燃气报警器失效")
    assert act(client, make, qa, major, "assign",
               plan(worker, days=-0, grade=Grade.major)).status_code == 200
    db.execute(update(Hazard).where(Hazard.id == major).values(
        supervision=SUPERVISION, deadline=today() - timedelta(days=3)))
    gps = make.photo(inspector)
    db.execute(update(Photo).where(Photo.id == gps.id).values(gps_lat=31.2, gps_lon=121.5,
                                                              taken_at=None))
    plain = new_hazard(client, make, inspector, photo_ids=[gps.id])
    db.commit()

    headers = make.headers(qa)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a value of the wrong type would warn when rendered
        for params, shape in (({}, TypeAdapter(Page[HazardOut])),
                              ({"count": "true"}, TypeAdapter(CountedPage[HazardOut])),
                              ({"limit": 1, "status": ["assigned", "submitted"]},
                               TypeAdapter(Page[HazardOut]))):
            resp = client.get("/api/v1/hazards", params=params, headers=headers)
            assert resp.status_code == 200, resp.text
            assert resp.content == shape.dump_json(shape.validate_json(resp.content))
    items = client.get("/api/v1/hazards", headers=headers).json()["items"]
    assert [i["id"] for i in items] == [plain, major, redone]
    for item in items:
        detail = client.get(f"/api/v1/hazards/{item['id']}", headers=headers).json()
        assert item == {k: v for k, v in detail.items() if k not in DETAIL_ONLY}
    by_id = {i["id"]: i for i in items}
    assert [p["id"] for p in by_id[redone]["rectification_photos"]] == [second.id]
    assert by_id[major]["supervision"]["order_no"] == SUPERVISION["order_no"]
    assert by_id[major]["governance_plan"] == GOVERNANCE_PLAN
    assert by_id[major]["is_overdue"] and by_id[major]["overdue_days"] == 3
    assert by_id[plain]["photos"][0]["gps"] == {"lat": 31.2, "lon": 121.5}
    assert by_id[plain]["photo_time_suspect"] is True


def test_list_filters_with_one_value_or_several_and_like_wildcards(client, make):
    """A one-value "any of" filter is compared with =, several with IN; ``q`` matches its
    text literally (``%`` and ``_`` are not wildcards)."""
    inspector = make.user(Role.inspector)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    fire = new_hazard(client, make, inspector, title="压力50%不足")
    gas = new_hazard(client, make, inspector, category="gas", title="燃气_阀门锈蚀")
    other = make.user(Role.inspector, center=make.org.property)
    dorm = new_hazard(client, make, other, site_id=make.org.dorm.id, title="宿舍电器",
                      category="water_power")
    headers = make.headers(qa)

    def ids(**params):
        resp = client.get("/api/v1/hazards", params=params, headers=headers)
        assert resp.status_code == 200, resp.text
        return [h["id"] for h in resp.json()["items"]]

    assert ids(category="fire") == [fire]
    assert ids(category=["fire", "gas"]) == [gas, fire]
    assert ids(center_id=make.org.property.id) == [dorm]
    assert ids(center_id=[make.org.property.id, make.org.catering.id]) == [dorm, gas, fire]
    assert ids(q="50%") == [fire]
    assert ids(q="%") == [fire]
    assert ids(q="_") == [gas]
    assert ids(q="燃气_") == [gas]
    # the inspector of the catering center: their own center's, whatever they ask for
    mine = client.get("/api/v1/hazards", params={"center_id": make.org.property.id},
                      headers=make.headers(inspector)).json()["items"]
    assert mine == []
