"""Time-driven reminders to an assignee: one per kind (its hazards, its key, its message);
patrol tasks add their daily step to ``DAILY_STEPS``. Each reminder's key names its object
and day, so a pass can run any number of times, by any number of workers.

A pass selects only the hazards that lack the reminder it would write (an anti-join on the
notification's unique key), so once the day's reminders are written a pass reads no hazard.
Measured (bench/tasks.py, SQLite, 50,384 hazards due): re-reading every due hazard and
re-sending ~38,000 inserts that all conflicted took 8.6 s a pass. This stays right with two
workers (the key is unique) and after restarts or clock jumps (it has no state of its own),
and catches a hazard that becomes due in the middle of the day (rejected, reopened)."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, exists, literal, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from backend.clock import month_day
from backend.config import Settings
from backend.events.marks import Mark
from backend.hazards.models import Hazard
from backend.hazards.workflow import Status
from backend.notifications.models import Notification
from backend.notifications.models import NotificationKind as Kind
from backend.notifications.service import Notice, deliver
from backend.workshare import SessionFactory, in_locked_batches

KeyPart = str | InstrumentedAttribute[Any]
COLUMNS = (Hazard.id, Hazard.assignee_id, Hazard.title, Hazard.deadline)
BATCH_SIZE = 2_000  # notifications a transaction on a day's first pass


@dataclass(frozen=True)
class Reminder:
    kind: Kind
    due: Callable[[date, Settings], ColumnElement[bool]]  # the hazards to remind today
    key: Callable[[date], Sequence[KeyPart]]  # the dedupe key: text and the hazard's columns
    notice: Callable[[Any, date, str], Notice]  # (hazard row, today, key)


def key_of(parts: Sequence[KeyPart], row: Any) -> str:
    return "".join(p if isinstance(p, str) else str(getattr(row, p.key)) for p in parts)


def key_sql(parts: Sequence[KeyPart]) -> ColumnElement[str]:
    """The same key as SQL (``||``; an id or an ISO date cast to text reads as in Python)."""
    terms: list[ColumnElement[str]] = [literal(p, String) if isinstance(p, str)
                                       else cast(p, String) for p in parts]
    key = terms[0]
    for term in terms[1:]:
        key = key + term
    return key


def unsent(parts: Sequence[KeyPart]) -> ColumnElement[bool]:
    """The assignee has no notification of this key yet (its unique index answers)."""
    return ~exists(select(Notification.id).where(Notification.user_id == Hazard.assignee_id,
                                                 Notification.dedupe_key == key_sql(parts)))


def _in_rectification() -> ColumnElement[bool]:
    """Being rectified by someone: once submitted, the wait is the verifier's, not theirs."""
    return and_(Hazard.status == Status.assigned, Hazard.assignee_id.is_not(None),
                Hazard.deadline.is_not(None))


def _deadline_soon_due(today: date, settings: Settings) -> ColumnElement[bool]:
    last = today + timedelta(days=settings.reminder_deadline_days)
    return and_(_in_rectification(), Hazard.deadline >= today, Hazard.deadline <= last)


def _deadline_soon_key(_today: date) -> Sequence[KeyPart]:
    """Once per deadline: an extended deadline is reminded again."""
    return ("deadline_soon:hazard:", Hazard.id, ":", Hazard.deadline)


def _deadline_soon(hazard: Any, today: date, key: str) -> Notice:
    left = (hazard.deadline - today).days
    when = "今天" if left == 0 else f"还有 {left} 天"
    return Notice(Kind.deadline_soon, "hazard", hazard.id, "整改即将到期",
                  f"「{hazard.title}」整改期限 {month_day(hazard.deadline)}，{when}到期。", key)


def _overdue_due(today: date, _settings: Settings) -> ColumnElement[bool]:
    return and_(_in_rectification(), Hazard.deadline < today)


def _overdue_key(today: date) -> Sequence[KeyPart]:
    """Every day while overdue."""
    return ("overdue:hazard:", Hazard.id, f":{today}")


def _overdue(hazard: Any, today: date, key: str) -> Notice:
    return Notice(Kind.overdue, "hazard", hazard.id, "整改已逾期",
                  f"「{hazard.title}」已逾期 {(today - hazard.deadline).days} 天"
                  f"（整改期限 {month_day(hazard.deadline)}），请尽快完成整改。", key)


REMINDERS = (
    Reminder(Kind.deadline_soon, _deadline_soon_due, _deadline_soon_key, _deadline_soon),
    Reminder(Kind.overdue, _overdue_due, _overdue_key, _overdue),
)
DailyStep = Callable[[SessionFactory, Settings, date, datetime], int]
DAILY_STEPS: list[DailyStep] = []  # other packages' daily reminders (patrol tasks: task_due)


def _send(session_factory: SessionFactory, settings: Settings, reminder: Reminder,
          today: date, at: datetime) -> int:
    parts = reminder.key(today)

    def handle(session: Session, hazards: list[Any]) -> int:
        return len(deliver(session, [(reminder.notice(h, today, key_of(parts, h)),
                                      [h.assignee_id]) for h in hazards], at))

    return in_locked_batches(session_factory, Hazard,
                             and_(reminder.due(today, settings), unsent(parts)), handle,
                             BATCH_SIZE, COLUMNS, Mark(f"remind_{reminder.kind}", today,
                                                       (settings.reminder_deadline_days,)))


def send_reminders(session_factory: SessionFactory, settings: Settings, today: date,
                   at: datetime) -> int:
    """Every reminder due on ``today``; how many notifications were written."""
    return (sum(_send(session_factory, settings, r, today, at) for r in REMINDERS)
            + sum(step(session_factory, settings, today, at) for step in DAILY_STEPS))
