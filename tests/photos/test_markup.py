"""A marked-up copy (arrows, circles, text drawn on the phone) is a second photo that names
its untouched original; the original stays the evidence."""

import uuid

import pytest

from backend.vocab import Role
from tests.photos.images import jpeg


def _send(client, headers, data, **fields):
    body = {"client_id": str(uuid.uuid4()), **{k: str(v) for k, v in fields.items()}}
    return client.post("/api/v1/photos", headers=headers, data=body,
                       files={"file": ("p.jpg", data, "image/jpeg")})


@pytest.fixture
def inspector_and_headers(make):
    inspector = make.user(Role.inspector)
    return inspector, make.headers(inspector)


def test_the_copy_points_at_the_original_and_both_are_kept(client, inspector_and_headers):
    _, headers = inspector_and_headers
    original = _send(client, headers, jpeg(400, 200)).json()
    resp = _send(client, headers, jpeg(400, 201), markup_of=original["id"])
    assert resp.status_code == 201, resp.text
    copy = resp.json()
    assert copy["markup_of_id"] == original["id"] and copy["id"] != original["id"]
    read = client.get(f"/api/v1/photos/{copy['id']}", headers=headers).json()
    assert read["markup_of_id"] == original["id"]
    assert client.get(f"/api/v1/photos/{original['id']}", headers=headers).json()["sha256"] \
        == original["sha256"]


def test_only_ones_own_existing_photo_can_be_the_original(client, make, inspector_and_headers):
    _, headers = inspector_and_headers
    stranger = make.user(Role.inspector)
    theirs = _send(client, make.headers(stranger), jpeg(300, 200)).json()
    for original_id in (theirs["id"], 999_999):
        resp = _send(client, headers, jpeg(400, 202), markup_of=original_id)
        assert resp.status_code == 422, resp.text
        error = resp.json()["error"]
        assert error["code"] == "invalid_photo"
        assert error["details"] == {"field": "markup_of", "photo_ids": [original_id]}


@pytest.mark.parametrize("value", ["abc", "0", "-1", "99999999999"])
def test_a_malformed_original_id_is_a_422(client, inspector_and_headers, value):
    _, headers = inspector_and_headers
    resp = _send(client, headers, jpeg(400, 203), markup_of=value)
    assert resp.status_code == 422
    assert resp.json()["error"]["details"] == {"field": "markup_of"}
