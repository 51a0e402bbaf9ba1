"""Revision 0008 on data an installation may hold: duplicate hazards from racing submits are
kept but cancelled and unlinked from the item, client ids get their one spelling, and the
idempotency keys of hazard events become claims a retry still replays."""

import uuid

import pytest
from sqlalchemy import text

from backend.db import make_engine
from backend.migrate import upgrade


@pytest.fixture
def at_0007(tmp_path):
    # the app's engine: foreign keys on, as `anxun migrate` runs (a bare engine hid that the
    # table rebuild cascaded into hazard_events)
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.connect() as conn:
        upgrade(conn, "0007")
    yield engine
    engine.dispose()


def _seed(conn) -> dict:  # noqa: ANN001
    run = lambda sql, **kw: conn.execute(text(sql), kw)  # noqa: E731
    now = "2026-11-01 08:00:00"
    run("INSERT INTO groups (id, name, created_at, updated_at) VALUES (1, 'g', :t, :t)", t=now)
    run("INSERT INTO centers (id, group_id, code, name, kind, is_active, created_at, updated_at) "
        "VALUES (1, 1, 'c', 'c', 'catering', 1, :t, :t)", t=now)
    run("INSERT INTO campuses (id, group_id, code, name, is_active, created_at, updated_at) "
        "VALUES (1, 1, 'k', 'k', 1, :t, :t)", t=now)
    run("INSERT INTO sites (id, campus_id, center_id, code, name, kind, is_active, "
        "created_at, updated_at) VALUES (1, 1, 1, 'S1', 's', 'kitchen', 1, :t, :t)", t=now)
    run("INSERT INTO users (id, group_id, username, display_name, password_hash, is_active, "
        "center_id, created_at, updated_at) VALUES (1, 1, 'u', 'u', 'x', 1, 1, :t, :t)", t=now)
    run("INSERT INTO patrol_modules (id, code, category, is_active, created_at, updated_at) "
        "VALUES (1, 'm', 'fire', 1, :t, :t)", t=now)
    run("INSERT INTO module_versions (id, module_id, version, name, standards, content_hash, "
        "from_catalogue, created_at) VALUES (1, 1, 1, 'm', '[]', 'h', 1, :t)", t=now)
    run("INSERT INTO module_items (id, module_version_id, position, code, text, kind, "
        "photo_required_on_fail, category, default_grade, major_if_failed) "
        "VALUES (1, 1, 0, 'i', 'i', 'pass_fail', 0, 'fire', 'general', 0)")
    undashed = uuid.uuid4().hex.upper()
    run("INSERT INTO inspections (id, client_id, inspector_id, module_id, module_version_id, "
        "site_id, center_id, campus_id, kind, status, created_at, updated_at) "
        "VALUES (1, :c, 1, 1, 1, 1, 1, 1, 'routine', 'submitted', :t, :t)", c=undashed, t=now)
    # three copies of one failed item, from racing submits; the third one was worked on
    for hazard_id, status in ((1, "reported"), (2, "assigned"), (3, "closed")):
        run("INSERT INTO hazards (id, client_id, request_hash, reporter_id, site_id, center_id, "
            "campus_id, title, category, grade, source, status, inspection_id, item_id, "
            "closed_late, fixed_on_spot, version, created_at, updated_at) VALUES (:i, :c, 'h', "
            "1, 1, 1, 1, 't', 'fire', 'general', 'inspection', :s, 1, 1, 0, 0, 1, :t, :t)",
            i=hazard_id, s=status, c=uuid.uuid4().hex if hazard_id == 1 else None, t=now)
    key = uuid.uuid4().hex
    run("INSERT INTO hazard_events (id, hazard_id, seq, action, actor_id, at, changes, "
        "idempotency_key) VALUES (1, 1, 1, 'assign', 1, :t, '{}', :k)", t=now, k=key)
    return {"inspection_client_id": undashed, "event_key": key}


def test_0008_keeps_every_hazard_and_canonicalises_keys(at_0007):
    with at_0007.begin() as conn:
        seeded = _seed(conn)
    with at_0007.connect() as conn:
        upgrade(conn)
    with at_0007.begin() as conn:
        # nothing deleted: the most advanced copy keeps the item, the open ones are cancelled
        # by the system, in their timelines
        hazards = conn.execute(text("SELECT id, status, item_id, cancel_reason, client_id, "
                                    "request_hash, version FROM hazards ORDER BY id")).all()
        assert [(h.id, h.status, h.item_id, h.version) for h in hazards] == \
            [(1, "cancelled", None, 2), (2, "cancelled", None, 2), (3, "closed", 1, 1)]
        assert "重复" in hazards[0].cancel_reason
        assert {h.request_hash for h in hazards} == {None}
        events = conn.execute(text("SELECT hazard_id, seq, action, from_status, to_status "
                                   "FROM hazard_events ORDER BY hazard_id, seq")).all()
        assert [tuple(e) for e in events] == [
            (1, 1, "assign", None, None), (1, 2, "cancel", "reported", "cancelled"),
            (2, 1, "cancel", "assigned", "cancelled")]
        assert hazards[0].client_id == str(uuid.UUID(hazards[0].client_id))
        assert conn.execute(text("SELECT client_id FROM inspections")).scalar() == \
            str(uuid.UUID(seeded["inspection_client_id"]))
        claim = conn.execute(text("SELECT actor_id, key, scope, object_id, fingerprint "
                                  "FROM idempotency_claims")).one()
        assert tuple(claim) == (1, str(uuid.UUID(seeded["event_key"])), "hazard.assign", 1, None)
        assert conn.execute(text("SELECT version FROM inspections")).scalar() == 1
