"""Documents attached to records: accepted by content, served only as downloads, capped in
size, readable as the record is, and deleted with it."""

import pytest
from sqlalchemy import select

from backend.config import Settings
from backend.photos.service import get_storage
from backend.records.models import RecordAttachment
from tests.photos.conftest import temp_files
from tests.records.support import API, PDF, PNG, docx, people, training_body


@pytest.fixture
def training(client, make):
    p = people(make)
    resp = client.post(f"{API}/trainings", headers=make.headers(p.manager), json=training_body())
    assert resp.status_code == 201, resp.text
    return p, f"{API}/trainings/{resp.json()['id']}"


def _upload(client, make, user, url, name, data):
    return client.post(f"{url}/attachments", headers=make.headers(user),
                       files={"file": (name, data, "application/octet-stream")})


def test_documents_and_photos_are_attached_and_downloaded(client, make, app, training):
    p, url = training
    uploaded = [_upload(client, make, p.manager, url, name, data) for name, data in (
        ("签到表.pdf", PDF), ("方案.docx", docx()), ("现场.png", PNG))]
    assert [u.status_code for u in uploaded] == [201, 201, 201], uploaded[-1].text
    assert [u.json()["content_type"] for u in uploaded] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "image/png"]
    record = client.get(url, headers=make.headers(p.inspector)).json()
    assert [a["name"] for a in record["attachments"]] == ["签到表.pdf", "方案.docx", "现场.png"]
    got = client.get(record["attachments"][2]["url"], headers=make.headers(p.inspector))
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert client.get(record["attachments"][0]["url"],
                      headers=make.headers(p.other_manager)).status_code == 404
    assert _upload(client, make, p.inspector, url, "a.pdf", PDF).status_code == 403


@pytest.mark.parametrize(("name", "data"), [
    ("a.pdf", b"<html><script>alert(1)</script></html>"),
    ("a.exe", b"MZ\x90\x00" + b"\x00" * 100),
    ("a.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
])
def test_other_types_are_refused_by_content(client, make, training, name, data):
    p, url = training
    resp = _upload(client, make, p.manager, url, name, data)
    assert (resp.status_code, resp.json()["error"]["code"]) == (415, "attachment_type_unsupported")


def test_the_size_cap_is_413_and_leaves_nothing(client, make, app, training, db):
    p, url = training
    settings: Settings = app.state.settings
    app.state.settings = settings.model_copy(update={"attachment_max_bytes": 1000})
    resp = _upload(client, make, p.manager, url, "big.pdf", PDF + b"0" * 5000)
    assert (resp.status_code, resp.json()["error"]["code"]) == (413, "payload_too_large")
    assert db.scalar(select(RecordAttachment.id)) is None
    assert temp_files(settings) == []


def test_deleting_an_attachment_or_its_record_deletes_the_bytes(client, make, app, training,
                                                                 db):
    p, url = training
    storage = get_storage(app.state.settings)
    first = _upload(client, make, p.manager, url, "a.pdf", PDF).json()
    second = _upload(client, make, p.qa, url, "b.pdf", PDF).json()
    keys = dict(db.execute(select(RecordAttachment.id, RecordAttachment.storage_key)).all())
    assert all(storage.exists(k) for k in keys.values())
    assert client.delete(first["url"], headers=make.headers(p.manager)).status_code == 204
    assert not storage.exists(keys[first["id"]])
    assert client.get(first["url"], headers=make.headers(p.manager)).status_code == 404
    assert client.delete(url, headers=make.headers(p.manager)).status_code == 204
    assert not storage.exists(keys[second["id"]])
    assert db.scalar(select(RecordAttachment.id)) is None
