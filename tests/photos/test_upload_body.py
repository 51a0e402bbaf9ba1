"""The fast path: a photo sent as the raw request body, its fields in the query."""

import asyncio
import hashlib
import json
import uuid

import pytest
from PIL import Image
from starlette.requests import ClientDisconnect

from backend.photos import sink as sink_module
from backend.photos.upload import BadUpload, PayloadTooLarge, receive_body
from backend.vocab import Role
from tests.photos.conftest import stored_files, temp_files
from tests.photos.images import encode, jpeg


@pytest.fixture
def send(client, make, inspector):
    headers = make.headers(inspector)

    def post(data: bytes, content_type="image/jpeg", headers=headers, **fields):
        return client.post("/api/v1/photos", params=fields, content=data,
                           headers={**headers, "Content-Type": content_type})

    return post


def test_a_raw_body_is_a_photo_and_its_retry_the_same_photo(send, settings):
    data, client_id = jpeg(), str(uuid.uuid4())
    first = send(data, client_id=client_id)
    assert first.status_code == 201, first.text
    photo = first.json()
    assert photo["sha256"] == hashlib.sha256(data).hexdigest()
    assert photo["client_id"] == client_id and photo["content_type"] == "image/jpeg"
    retry = send(data, client_id=client_id.upper())  # any spelling
    assert retry.status_code == 200 and retry.json()["id"] == photo["id"]
    other = send(jpeg(300, 300), client_id=client_id)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_mismatch"
    assert temp_files(settings) == []


def test_a_retry_is_hashed_not_written(send, settings, monkeypatch):
    """A raw body whose client_id names a stored photo is compared by its hash and never put
    in a file (phones on a bad network send most photos more than once)."""
    data, client_id = jpeg(), str(uuid.uuid4())
    assert send(data, client_id=client_id).status_code == 201
    files: list[str] = []
    real_mkstemp = sink_module.tempfile.mkstemp

    def counted(*args, **kwargs):
        files.append("upload")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(sink_module.tempfile, "mkstemp", counted)
    assert send(data, client_id=client_id).status_code == 200
    changed = send(jpeg(300, 300), client_id=client_id)
    assert changed.json()["error"]["code"] == "idempotency_mismatch"
    assert files == []
    assert send(jpeg(300, 300), client_id=str(uuid.uuid4())).status_code == 201
    assert files  # a new photo is written


def test_the_query_carries_the_fields(send, make):
    site = make.org.kitchen
    assert send(jpeg(), client_id=str(uuid.uuid4()), site_id=make.org.dorm.id).status_code == 404
    original = send(jpeg(300, 200), client_id=str(uuid.uuid4()), site_id=site.id,
                    taken_at="2026-11-29T09:15:00+08:00").json()
    assert original["site_id"] == site.id
    assert original["taken_at"].startswith("2026-11-29T01:15:00")
    copy = send(jpeg(300, 201), content_type="image/jpeg; charset=binary",
                client_id=str(uuid.uuid4()), markup_of=original["id"])
    assert copy.status_code == 201 and copy.json()["markup_of_id"] == original["id"]


@pytest.mark.parametrize("fields, field", [
    ({}, "client_id"),  # a raw body must be idempotent
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"client_id": str(uuid.uuid4()), "taken_at": "yesterday"}, "taken_at"),
    ({"client_id": str(uuid.uuid4()), "site_id": "0"}, "site_id"),
])
def test_bad_fields_are_refused_before_the_body_is_received(send, settings, fields, field):
    resp = send(jpeg(), **fields)
    assert resp.status_code == 422
    assert field in json.dumps(resp.json()["error"]["details"])  # site_id: FastAPI's check
    assert temp_files(settings) == [] and stored_files(settings, "") == []


def test_other_types_empty_bodies_and_non_images_are_refused(send, settings):
    client_id = str(uuid.uuid4())
    assert send(jpeg(), "text/plain", client_id=client_id).status_code == 415
    empty = send(b"", client_id=client_id)
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "bad_upload"
    fake = send(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", client_id=client_id)
    assert fake.status_code == 415 and fake.json()["error"]["code"] == "unsupported_media_type"
    assert temp_files(settings) == [] and stored_files(settings, "") == []


def test_past_the_cap_is_413_and_leaves_nothing(send, settings):
    settings.upload_max_bytes = 20_000
    big = encode(Image.effect_noise((400, 400), 80).convert("RGB"), "PNG")
    resp = send(big, "image/png", client_id=str(uuid.uuid4()))
    assert resp.status_code == 413 and resp.json()["error"]["code"] == "payload_too_large"
    assert temp_files(settings) == [] and stored_files(settings, "") == []


def test_the_cap_holds_without_a_content_length(tmp_path):
    async def chunks():
        for _ in range(10):
            yield b"x" * 4096

    with pytest.raises(PayloadTooLarge):
        asyncio.run(receive_body(None, chunks(), tmp_path, 20_000))
    assert list(tmp_path.iterdir()) == []


def test_a_phone_gone_mid_body_is_a_bad_upload_and_leaves_nothing(tmp_path):
    async def cut_off():
        yield jpeg()[:500]
        raise ClientDisconnect()

    with pytest.raises(BadUpload):
        asyncio.run(receive_body(None, cut_off(), tmp_path, 10**6))
    assert list(tmp_path.iterdir()) == []


def test_only_those_who_gather_evidence_upload_a_body(send, make):
    leader = make.user(Role.leader)
    resp = send(jpeg(), headers=make.headers(leader), client_id=str(uuid.uuid4()))
    assert resp.status_code == 403
