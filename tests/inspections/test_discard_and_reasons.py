"""Deleting one's own draft (删除草稿), and the reason a major item marked 不适用 needs."""

from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.inspections.models import InspectionAnswer
from backend.photos.models import PhotoLink
from backend.vocab import Role
from tests.inspections.test_inspections import module_with, passing, start


def _draft_with_a_photo(client, make, db, inspector):
    module_id, items = module_with(db)
    iid = start(client, make, inspector, module_id).json()["id"]
    photo = make.photo(inspector)
    answers = [{"item_id": items[0].id, "result": "fail", "note": "问题",
                "photo_ids": [photo.id]}] + [passing(i) for i in items[1:3]]
    resp = client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(inspector),
                      json={"answers": answers})
    assert resp.status_code == 200, resp.text
    return iid, photo, items


def test_the_inspector_deletes_a_draft_with_its_answers_and_photo_links(client, make, db):
    inspector = make.user(Role.inspector)
    iid, photo, _ = _draft_with_a_photo(client, make, db, inspector)
    headers = make.headers(inspector)
    resp = client.delete(f"/api/v1/inspections/{iid}", headers=headers)
    assert resp.status_code == 204 and resp.content == b""
    assert client.get(f"/api/v1/inspections/{iid}", headers=headers).json()["error"]["code"] \
        == "inspection_not_found"
    assert db.scalar(select(func.count()).select_from(InspectionAnswer)
                     .where(InspectionAnswer.inspection_id == iid)) == 0
    assert db.scalar(select(func.count()).select_from(PhotoLink)
                     .where(PhotoLink.photo_id == photo.id)) == 0
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "inspection.discard"))
    assert entry is not None and entry.object_id == str(iid) and entry.actor_id == inspector.id
    # the photo itself stays (the photo GC decides), and a second delete finds nothing
    assert client.get(f"/api/v1/photos/{photo.id}", headers=headers).status_code == 200
    again = client.delete(f"/api/v1/inspections/{iid}", headers=headers)
    assert again.status_code == 404 and again.json()["error"]["code"] == "inspection_not_found"


def test_a_submitted_inspection_is_evidence_and_cannot_be_deleted(client, make, db):
    inspector = make.user(Role.inspector)
    module_id, items = module_with(db)
    iid = start(client, make, inspector, module_id).json()["id"]
    headers = make.headers(inspector)
    assert client.put(f"/api/v1/inspections/{iid}/answers", headers=headers,
                      json={"answers": [passing(i) for i in items]}).status_code == 200
    assert client.post(f"/api/v1/inspections/{iid}/submit", headers=headers).status_code == 200
    resp = client.delete(f"/api/v1/inspections/{iid}", headers=headers)
    assert resp.status_code == 409 and resp.json()["error"]["code"] == "inspection_submitted"
    assert client.get(f"/api/v1/inspections/{iid}", headers=headers).status_code == 200


def test_a_stale_if_match_does_not_delete(client, make, db):
    inspector = make.user(Role.inspector)
    iid, _, _ = _draft_with_a_photo(client, make, db, inspector)
    headers = make.headers(inspector)
    etag = client.get(f"/api/v1/inspections/{iid}", headers=headers).headers["ETag"]
    resp = client.delete(f'/api/v1/inspections/{iid}', headers={**headers, "If-Match": '"1"'})
    assert resp.status_code == 412 and resp.json()["error"]["code"] == "precondition_failed"
    assert client.delete(f"/api/v1/inspections/{iid}",
                         headers={**headers, "If-Match": etag}).status_code == 204


def _major_na(client, make, db, note):
    inspector = make.user(Role.inspector)
    module_id, items = module_with(db, major=True)
    major = next(i for i in items if i.major_if_failed)
    iid = start(client, make, inspector, module_id).json()["id"]
    answers = [passing(i) for i in items if i.id != major.id]
    answers.append({"item_id": major.id, "result": "na", "note": note})
    headers = make.headers(inspector)
    assert client.put(f"/api/v1/inspections/{iid}/answers", headers=headers,
                      json={"answers": answers}).status_code == 200
    return client.post(f"/api/v1/inspections/{iid}/submit", headers=headers), major


def test_a_major_item_marked_not_applicable_needs_a_reason(client, make, db):
    resp, major = _major_na(client, make, db, note=None)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "inspection_incomplete"
    assert {"item_id": major.id, "problem": "reason_required"} in \
        resp.json()["error"]["details"]["problems"]


def test_with_a_reason_the_major_item_may_be_not_applicable(client, make, db):
    resp, _ = _major_na(client, make, db, note="本场所不使用燃气")
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "submitted"
