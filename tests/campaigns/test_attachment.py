"""The campaign's notice document: accepted by content (PDF, Word, Excel, JPEG/PNG), stored in
the photos' storage, readable by whoever reads the campaign; bad input is a 4xx, never a 500."""

import io
import zipfile

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from backend.campaigns.models import Campaign
from backend.photos.service import get_storage
from tests.campaigns.support import dispatch, module_for, people

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


@pytest.fixture
def scene(client, make, db):
    p = people(make)
    cid = dispatch(client, make, p.qa, [module_for(db, includes="canteen")[0]],
                   center_ids=[make.org.catering.id])["id"]
    return p, cid


def _put(client, make, user, cid, name, data, content_type="application/octet-stream"):
    return client.put(f"/api/v1/campaigns/{cid}/attachment", headers=make.headers(user),
                      files={"file": (name, data, content_type)})


def test_a_pdf_is_stored_and_read_back(client, make, app, scene):
    p, cid = scene
    none = client.get(f"/api/v1/campaigns/{cid}/attachment", headers=make.headers(p.qa))
    assert (none.status_code, none.json()["error"]["code"]) == (
        404, "campaign_attachment_not_found")
    resp = _put(client, make, p.qa, cid, "通知.pdf", PDF, "text/plain")
    assert resp.status_code == 200, resp.text
    attachment = resp.json()["attachment"]
    assert (attachment["name"], attachment["content_type"], attachment["bytes"]) == (
        "通知.pdf", "application/pdf", len(PDF))
    got = client.get(attachment["url"], headers=make.headers(p.catering_inspector))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert client.get(attachment["url"], headers=make.headers(
        p.property_manager)).status_code == 404
    first_key = make.db.scalar(select(Campaign.attachment_key).where(Campaign.id == cid))
    storage = get_storage(app.state.settings)
    assert storage.exists(first_key)
    docx = _zip("[Content_Types].xml", "word/document.xml")
    replaced = _put(client, make, p.qa, cid, "方案.docx", docx)
    assert replaced.json()["attachment"]["content_type"].endswith("wordprocessingml.document")
    assert not storage.exists(first_key)  # the replaced document's bytes are gone


@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("a.pdf", b"<html><script>alert(1)</script></html>", 415, "attachment_type_unsupported"),
    ("a.exe", b"MZ\x90\x00" + b"\x00" * 100, 415, "attachment_type_unsupported"),
    ("a.xlsx", _zip("hello.txt"), 415, "attachment_type_unsupported"),
    ("a.docx", b"PK\x03\x04 not really a zip", 415, "attachment_type_unsupported"),
    ("a.ppt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, 415,
     "attachment_type_unsupported"),
    ("a.pdf", b"", 400, "bad_upload"),
])
def test_bad_documents_are_refused(client, make, scene, name, data, status, code):
    p, cid = scene
    resp = _put(client, make, p.qa, cid, name, data)
    assert (resp.status_code, resp.json()["error"]["code"]) == (status, code)


def test_too_big_or_not_multipart_or_cancelled(client, make, app, scene):
    p, cid = scene
    app.state.settings.attachment_max_bytes = 2048
    big = _put(client, make, p.qa, cid, "big.pdf", PDF + b"0" * 4096)
    assert (big.status_code, big.json()["error"]["code"]) == (413, "payload_too_large")
    assert big.json()["error"]["message"] == "附件文件过大"
    json_body = client.put(f"/api/v1/campaigns/{cid}/attachment", headers=make.headers(p.qa),
                           json={"file": "x"})
    assert (json_body.status_code, json_body.json()["error"]["code"]) == (
        415, "unsupported_media_type")
    assert _put(client, make, p.catering_manager, cid, "a.pdf", PDF).status_code == 403
    assert client.post(f"/api/v1/campaigns/{cid}/cancel", headers=make.headers(p.qa),
                       json={"reason": "取消"}).status_code == 200
    late = _put(client, make, p.qa, cid, "a.pdf", PDF)
    assert (late.status_code, late.json()["error"]["code"]) == (409, "campaign_cancelled")


def test_a_replacement_whose_commit_fails_keeps_the_old_document(client, make, app, db, scene,
                                                                  monkeypatch):
    """The replaced bytes go only once the commit succeeded; the new bytes go when it fails
    (here the commit itself raises, as a dropped connection or a full disk would)."""
    p, cid = scene
    assert _put(client, make, p.qa, cid, "通知.pdf", PDF).status_code == 200
    first_key = db.scalar(select(Campaign.attachment_key).where(Campaign.id == cid))
    storage = get_storage(app.state.settings)
    folder = storage.root / "documents"
    commit = db.commit

    def failing_commit():
        raise OperationalError("COMMIT", {}, Exception("connection lost"))

    headers = make.headers(p.qa)  # the factory commits its token: before the failing commit
    monkeypatch.setattr(db, "commit", failing_commit)
    resp = client.put(f"/api/v1/campaigns/{cid}/attachment", headers=headers, files={
        "file": ("方案.docx", _zip("[Content_Types].xml", "word/document.xml"))})
    monkeypatch.setattr(db, "commit", commit)
    assert resp.status_code == 500, resp.text
    assert db.scalar(select(Campaign.attachment_key).where(Campaign.id == cid)) == first_key
    assert storage.exists(first_key)
    assert [f.name for f in folder.iterdir()] == [first_key.split("/")[1]]  # no orphan
    got = client.get(f"/api/v1/campaigns/{cid}/attachment", headers=make.headers(p.qa))
    assert got.status_code == 200 and got.content == PDF
