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
    assert count(db) == before  # a savepoint's release is not the commit
    db.commit()
    assert count(db) == before + 2
    assert [kept.object_id, inner.object_id] == ["1", "3"] and inner.id == kept.id + 1


def test_releasing_a_savepoint_chains_nothing(db):
    """The head's lock is the last one a transaction takes: never at a savepoint release
    (create_once, claim and the unique checks all use savepoints)."""
    before = count(db)
    record(db, actor=None, action="export.run")
    with db.begin_nested():
        pass
    assert count(db) == before


def test_work_rolled_back_in_an_outer_savepoint_is_not_chained(db):
    before = count(db)
    outer = db.begin_nested()
    with db.begin_nested():
        pass
    record(db, actor=None, action="export.run", object_id="rolled-back")
    outer.rollback()
    db.commit()
    assert count(db) == before


def test_work_done_before_a_rolled_back_savepoint_is_chained(db):
    before = count(db)
    record(db, actor=None, action="export.run", object_id="kept")
    outer = db.begin_nested()
    with db.begin_nested():
        pass
    outer.rollback()
    db.commit()
    assert count(db) == before + 1


def test_a_rolled_back_transaction_records_nothing(engine):
    with Session(engine) as session:
        before = count(session)
        record(session, actor=None, action="export.run")
        session.rollback()
        session.commit()  # nothing left to chain
        assert count(session) == before
