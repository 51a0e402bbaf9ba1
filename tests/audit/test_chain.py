"""The hash chain: what is hashed, the append-only triggers, and tampering being found."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError

from backend.audit import changes, record, verify_chain
from backend.audit.hashing import entry_hash, process_key
from backend.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from backend.vocab import Grade, Role


def allow_tampering(db) -> None:
    """Lift the append-only triggers inside the test's transaction (rolled back with it)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
    else:
        db.execute(text("DROP TRIGGER audit_log_no_update"))
        db.execute(text("DROP TRIGGER audit_log_no_delete"))


@pytest.fixture
def three(db, make):
    actor = make.user(Role.center_manager)
    found = [record(db, actor=actor, action="hazard.assign", object_type="hazard",
                    object_id=n, summary={"after": {"deadline": date(2026, 12, n)}})
             for n in (1, 2, 3)]
    db.commit()
    return found


def test_entries_chain_onto_each_other_and_the_head(db, three):
    first, second, third = three
    assert [second.id, third.id] == [first.id + 1, first.id + 2]
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert first.prev_hash == (GENESIS_HASH if first.id == 1 else
                               db.get(AuditEntry, first.id - 1).hash)
    for entry in three:
        db.refresh(entry)  # what the database gives back hashes the same
        assert entry_hash({c: getattr(entry, c) for c in
                           ("id", "group_id", "at", "actor_id", "actor_label", "action",
                            "object_type", "object_id", "request_id", "summary",
                            "prev_hash")}, process_key()) == entry.hash
    head = db.get(AuditHead, 1, populate_existing=True)
    assert (head.last_id, head.last_hash) == (third.id, third.hash)
    result = verify_chain(db)
    assert result.ok and result.count == third.id
    assert result.message == f"审计链完整 {third.id} 条"


def test_the_walk_works_across_batches(db, three):
    assert verify_chain(db, batch_size=2) == verify_chain(db)
    assert verify_chain(db, batch_size=1).ok


def test_a_system_entry_without_actor(db):
    entry = record(db, actor=None, action="export.run", summary={"rows": 3})
    assert (entry.actor_id, entry.actor_label, entry.group_id) == (None, "system", None)
    assert verify_chain(db).ok


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET action = 'auth.nothing' WHERE id = :id",
    "DELETE FROM audit_log WHERE id = :id",
])
def test_the_database_refuses_updates_and_deletes(db, three, statement):
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin_nested():
            db.execute(text(statement), {"id": three[1].id})
    assert verify_chain(db).ok


def test_the_database_refuses_truncate_on_postgresql(db, three):
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="append-only"):
        with db.begin_nested():
            db.execute(text("TRUNCATE audit_log"))


def test_an_edited_summary_is_found(db, three):
    allow_tampering(db)
    db.execute(update(AuditEntry).where(AuditEntry.id == three[1].id)
               .values(summary={"after": {"deadline": "2027-12-31"}}))
    result = verify_chain(db)
    assert not result.ok
    assert (result.bad_id, result.reason) == (three[1].id, "hash_mismatch")
    assert str(three[1].id) in result.message


def test_an_edited_time_is_found(db, three):
    allow_tampering(db)
    db.execute(update(AuditEntry).where(AuditEntry.id == three[0].id)
               .values(at=three[0].at - timedelta(days=1)))
    assert (verify_chain(db).bad_id, verify_chain(db).reason) == (three[0].id, "hash_mismatch")


def test_rehashing_an_edited_entry_breaks_the_next_link(db, three):
    allow_tampering(db)
    forged = {c.name: getattr(three[1], c.name) for c in AuditEntry.__table__.columns}
    forged["summary"] = {"after": {"deadline": "2027-12-31"}}
    db.execute(update(AuditEntry).where(AuditEntry.id == three[1].id)
               .values(summary=forged["summary"], hash=entry_hash(forged, process_key())))
    result = verify_chain(db)
    assert (result.bad_id, result.reason) == (three[2].id, "broken_link")


def test_a_removed_entry_is_found(db, three):
    allow_tampering(db)
    db.execute(delete(AuditEntry).where(AuditEntry.id == three[1].id))
    result = verify_chain(db)
    assert (result.bad_id, result.reason) == (three[1].id, "missing_entry")


def test_removing_the_last_entries_is_found_by_the_head(db, three):
    allow_tampering(db)
    db.execute(delete(AuditEntry).where(AuditEntry.id >= three[1].id))
    result = verify_chain(db)
    assert (result.bad_id, result.reason) == (three[1].id, "head_mismatch")


def test_changes_keeps_changed_keys_only_as_plain_json():
    before = {"deadline": date(2026, 7, 1), "cost": Decimal("1.50"), "grade": Grade.general,
              "title": "same", "at": datetime(2026, 1, 1, 8, tzinfo=UTC)}
    after = {**before, "deadline": date(2026, 8, 1), "cost": Decimal("2.00"),
             "grade": Grade.major, "new": [1, 2]}
    assert changes(before, after) == {
        "before": {"deadline": "2026-07-01", "cost": "1.50", "grade": "general", "new": None},
        "after": {"deadline": "2026-08-01", "cost": "2.00", "grade": "major", "new": [1, 2]},
    }
    assert changes({"a": 1}, {"a": 1}) == {"before": {}, "after": {}}
