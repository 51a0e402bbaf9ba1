"""The audit trail's verification through the API (the console's status): what `anxun audit
verify` says, for 质监办 and admins."""

from datetime import date

import pytest
from sqlalchemy import update

from backend.audit import record
from backend.audit.models import AuditAnchorDay, AuditHead
from backend.clock import utcnow
from backend.vocab import Role


@pytest.fixture
def qa_headers(make):
    return make.headers(make.user(Role.qa_officer, center=make.org.qa))


def verification(client, headers) -> dict:
    resp = client.get("/api/v1/audit/verification", headers=headers)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_an_untouched_trail_verifies(client, db, qa_headers):
    record(db, actor=None, action="export.run", object_type="hazard", object_id=1)
    db.commit()  # entries are chained at commit (a savepoint of the test's transaction)
    out = verification(client, qa_headers)
    assert out["ok"] is True, out
    assert out["chain"]["ok"] and out["chain"]["entries"] >= 1
    assert out["chain"]["message"].startswith("审计链完整")
    assert out["anchors"] == {"ok": True, "anchors": 0, "first_bad": None, "missing": [],
                              "message": out["anchors"]["message"]}


def test_a_moved_head_is_named(client, db, qa_headers):
    record(db, actor=None, action="export.run", object_type="hazard", object_id=1)
    db.commit()  # entries are chained at commit (a savepoint of the test's transaction)
    db.execute(update(AuditHead).values(last_hash="0" * 64))
    out = verification(client, qa_headers)
    assert out["ok"] is False
    assert out["chain"]["reason"] == "head_mismatch"
    assert out["chain"]["bad_entry_id"] is not None
    assert "审计链异常" in out["chain"]["message"]


def test_a_missing_anchor_file_fails_the_anchors(client, db, qa_headers):
    record(db, actor=None, action="export.run", object_type="hazard", object_id=1)
    db.commit()  # entries are chained at commit (a savepoint of the test's transaction)
    db.add(AuditAnchorDay(day=date(2026, 12, 1), entry_id=1,  # written, and the file gone
                          anchored_at=utcnow()))
    db.flush()
    out = verification(client, qa_headers)
    assert out["ok"] is False and out["chain"]["ok"] is True
    assert out["anchors"]["ok"] is False
    assert out["anchors"]["missing"] == ["2026-12-01 条目 1"]
