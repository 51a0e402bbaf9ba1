"""The embedded SQLite setup: durable, and concurrent writers queue instead of failing."""

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from backend.db import make_engine, new_session
from backend.migrate import upgrade
from backend.org.models import Group


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'durable.db'}")
    with engine.begin() as conn:
        upgrade(conn)
    yield engine
    engine.dispose()


def test_sqlite_pragmas(sqlite_engine):
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_writers_wait_for_each_other(sqlite_engine):
    """Read-then-write transactions from many threads: with BEGIN IMMEDIATE none fails with
    'database is locked' (a deferred BEGIN would deadlock on the lock upgrade)."""
    errors: list[Exception] = []
    barrier = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(10):
                with new_session(sqlite_engine) as session:
                    session.execute(text("SELECT count(*) FROM groups")).scalar()
                    session.add(Group(name=f"g{n}-{i}"))
                    session.commit()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM groups")).scalar() == 80


def test_read_only_sessions_do_not_take_the_write_lock(sqlite_engine):
    with new_session(sqlite_engine) as writer:
        writer.add(Group(name="holding the write lock"))
        writer.flush()
        with new_session(sqlite_engine, read_only=True) as reader:
            assert reader.execute(text("SELECT count(*) FROM groups")).scalar() == 0
        writer.commit()


def test_datetimes_come_back_aware_in_utc(db):
    shanghai = timezone(timedelta(hours=8))
    group = Group(name="tz", created_at=datetime(2026, 11, 29, 9, 15, tzinfo=shanghai))
    db.add(group)
    db.flush()
    db.expire(group)
    assert group.created_at == datetime(2026, 11, 29, 1, 15, tzinfo=UTC)
    assert group.created_at.tzinfo is not None


def test_naive_datetimes_are_refused(db):
    db.add(Group(name="naive", created_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive"):
        db.flush()
    db.rollback()


@pytest.mark.parametrize(("stored", "read"), [
    ("2026-11-29 01:15:00.000250", datetime(2026, 11, 29, 1, 15, 0, 250, tzinfo=UTC)),
    ("2026-11-29 01:15:00", datetime(2026, 11, 29, 1, 15, tzinfo=UTC)),  # CURRENT_TIMESTAMP
    ("2026-11-29", datetime(2026, 11, 29, tzinfo=UTC)),
    ("2026-11-29 09:15:00+08:00", datetime(2026, 11, 29, 1, 15, tzinfo=UTC)),
])
def test_sqlite_datetime_texts_are_read_as_utc(sqlite_engine, stored, read):
    """SQLite keeps datetimes as text; each form a row may hold (SQLAlchemy's, SQLite's own
    CURRENT_TIMESTAMP, a date alone, one with an offset) reads as the same aware UTC value."""
    with new_session(sqlite_engine) as session:
        session.execute(text("INSERT INTO groups (name, created_at, updated_at) "
                             "VALUES ('t', :at, :at)"), {"at": stored})
        group = session.query(Group).one()
        assert group.created_at == read
        assert group.created_at.utcoffset() == timedelta(0)
