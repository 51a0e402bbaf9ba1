"""insert_or_skip writes any number of rows: one statement's bound parameters are limited
(PostgreSQL: 65,535), and a day of patrol tasks passed that limit and failed the scheduler."""

from datetime import UTC, datetime

from sqlalchemy import func, select

from backend.dedupe import insert_or_skip
from backend.notifications.models import Notification
from backend.vocab import Role

ROWS = 9_000  # x 8 columns = 72,000 parameters


def test_more_rows_than_one_statement_takes_are_written_once(db, make):
    user = make.user(Role.inspector)
    at = datetime(2026, 12, 2, tzinfo=UTC)
    rows = [{"user_id": user.id, "kind": "hazard_assigned", "object_type": "hazard", "object_id": n,
             "title": "t", "body": "b", "dedupe_key": f"bulk:{n}", "created_at": at}
            for n in range(ROWS)]
    assert len(insert_or_skip(db, Notification, rows, ("user_id", "dedupe_key"))) == ROWS
    assert insert_or_skip(db, Notification, rows, ("user_id", "dedupe_key")) == []
    assert db.scalar(select(func.count()).select_from(Notification)
                     .where(Notification.user_id == user.id)) == ROWS
