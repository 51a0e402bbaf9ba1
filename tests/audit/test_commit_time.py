"""Entries are chained when the transaction commits (the head's lock is the last one taken),
and only what commits is chained."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.audit.service import record, verify_chain


def count(db) -> int:  # noqa: ANN001
    return db.scalar(select(func.count()).select_from(AuditEntry))


def test_an_entry_is_chained_at_commit_not_before(db):
    before = count(db)
    entry = record(db, actor=None, action="export.run")
    db.flush()
    assert count(db) == before and entry.id is None
    db.commit()
    assert count(db) == before + 1 and entry.id is not None and verify_chain(db).ok


def test_a_rolled_back_savepoint_takes_its_entries_with_it(db):
    before = count(db)
    kept = record(db, actor=None, action="export.run", object_id=1)
    savepoint = db.begin_nested()
    record(db, actor=None, action="export.run", object_id=2)
    savepoint.rollback()
    with db.begin_nested():
        inner = record(db, actor=None, action="export.run", object_id=3)
    db.commit()
    assert count(db) == before + 2
    assert [kept.object_id, inner.object_id] == ["1", "3"] and inner.id == kept.id + 1


def test_a_rolled_back_transaction_records_nothing(engine):
    with Session(engine) as session:
        before = count(session)
        record(session, actor=None, action="export.run")
        session.rollback()
        session.commit()  # nothing left to chain
        assert count(session) == before
