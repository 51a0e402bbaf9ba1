"""Time-driven reminders to an assignee: one function per kind (its hazards and its message);
patrol tasks and campaigns add theirs to ``REMINDERS``. Each reminder's key names its object
and day, so a pass can run any number of times, by any number of workers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.hazards.models import Hazard
from backend.hazards.workflow import Status
from backend.notifications.models import NotificationKind as Kind
from backend.notifications.service import Notice, deliver
from backend.workshare import SessionFactory, in_locked_batches


@dataclass(frozen=True)
class Reminder:
    kind: Kind
    due: Callable[[date, Settings], ColumnElement[bool]]  # the hazards to remind today
    notice: Callable[[Hazard, date], Notice]


def _in_rectification() -> ColumnElement[bool]:
    """Being rectified by someone: once submitted, the wait is the verifier's, not theirs."""
    return and_(Hazard.status == Status.assigned, Hazard.assignee_id.is_not(None),
                Hazard.deadline.is_not(None))


def _deadline_soon_due(today: date, settings: Settings) -> ColumnElement[bool]:
    last = today + timedelta(days=settings.reminder_deadline_days)
    return and_(_in_rectification(), Hazard.deadline >= today, Hazard.deadline <= last)


def _deadline_soon(hazard: Hazard, today: date) -> Notice:
    """Once per deadline: an extended deadline is reminded again."""
    assert hazard.deadline is not None
    left = (hazard.deadline - today).days
    when = "今天" if left == 0 else f"还有 {left} 天"
    return Notice(Kind.deadline_soon, "hazard", hazard.id, "整改即将到期",
                  f"「{hazard.title}」整改期限 {hazard.deadline}，{when}到期。",
                  f"deadline_soon:hazard:{hazard.id}:{hazard.deadline}")


def _overdue_due(today: date, _settings: Settings) -> ColumnElement[bool]:
    return and_(_in_rectification(), Hazard.deadline < today)


def _overdue(hazard: Hazard, today: date) -> Notice:
    """Every day while overdue."""
    assert hazard.deadline is not None
    return Notice(Kind.overdue, "hazard", hazard.id, "整改已逾期",
                  f"「{hazard.title}」已逾期 {(today - hazard.deadline).days} 天"
                  f"（整改期限 {hazard.deadline}），请尽快完成整改。",
                  f"overdue:hazard:{hazard.id}:{today}")


REMINDERS = (
    Reminder(Kind.deadline_soon, _deadline_soon_due, _deadline_soon),
    Reminder(Kind.overdue, _overdue_due, _overdue),
)


def send_reminders(session_factory: SessionFactory, settings: Settings, today: date,
                   at: datetime) -> int:
    """Every reminder due on ``today``; how many notifications were written."""

    def pass_of(reminder: Reminder) -> Callable[[Session, list[Hazard]], int]:
        def handle(session: Session, hazards: list[Hazard]) -> int:
            return len(deliver(session, [(reminder.notice(h, today), [h.assignee_id])
                                         for h in hazards if h.assignee_id is not None], at))
        return handle

    return sum(in_locked_batches(session_factory, Hazard, r.due(today, settings), pass_of(r))
               for r in REMINDERS)
