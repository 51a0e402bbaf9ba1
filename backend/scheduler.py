"""The scheduler: what happens because time passed or something was committed. One pass
(:func:`run_once`) writes the day's patrol tasks and marks those whose window ended undone as
missed (漏检), sends the day's reminders, records hazards that became overdue
(``hazard.overdue``), escalates overdue hazards, turns new domain events into notifications and
anchors the audit chain's head outside the database once a day. Every step is idempotent (unique
keys, ``ON CONFLICT DO NOTHING``, ``SKIP LOCKED`` batches), so a restart, a clock jump or two
workers at once write nothing twice. It runs inside the app (:func:`run_in_app`, every
``scheduler_interval_seconds``) or alone as ``anxun worker``."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from starlette.concurrency import run_in_threadpool

from backend import clock, metrics
from backend.audit.anchors import anchor_daily
from backend.campaigns.notices import send_receipt_reminders
from backend.config import Settings
from backend.escalations.overdue import record_overdue
from backend.escalations.service import escalate_overdue
from backend.notifications import patrol_tasks
from backend.notifications.consumer import consume_events
from backend.notifications.reminders import send_reminders
from backend.plans import tasks
from backend.webhooks.anchors import post_anchor
from backend.workshare import SessionFactory

log = logging.getLogger("anxun.scheduler")
REGISTERED = (patrol_tasks,)  # task.missed's handler and the daily step task_due


@dataclass(frozen=True)
class PassResult:
    tasks_written: int
    tasks_missed: int
    reminders: int
    escalations: int
    notifications: int  # from events, escalations' included
    overdue: int = 0  # hazard.overdue events
    anchored: int = 0  # the day's audit anchor, written by this pass


@metrics.scheduler_pass()  # counted by outcome, timed when it succeeds
def run_once(session_factory: SessionFactory, settings: Settings,
             now: datetime | None = None) -> PassResult:
    """One pass at ``now`` (default: the clock). Tasks and escalations come before the events
    so that what they emit is notified in the same pass; each step is its own transaction."""
    now = now or clock.utcnow()
    today = now.astimezone(clock.SHANGHAI).date()
    with session_factory() as session:
        written = tasks.materialize(session, today)
    with session_factory() as session:
        missed = tasks.mark_missed(session, now)
    reminders = send_reminders(session_factory, settings, today, now)
    reminders += send_receipt_reminders(session_factory, settings, today, now)
    overdue = record_overdue(session_factory, today, now)
    escalations = escalate_overdue(session_factory, settings, today, now)
    notifications = consume_events(session_factory, now)
    # last: an anchor directory that cannot be written fails only this step, every pass
    anchor = anchor_daily(session_factory, settings, now)
    if anchor is not None:
        post_anchor(settings, anchor)
    return PassResult(written, missed, reminders, escalations, notifications, overdue,
                      anchored=int(anchor is not None))


async def run_in_app(session_factory: SessionFactory, settings: Settings) -> None:
    """Run a pass every interval until cancelled; database work in a worker thread (never on
    the event loop). A failed pass is logged and retried at the next interval."""
    while True:
        try:
            await run_in_threadpool(run_once, session_factory, settings)
        except Exception:
            log.exception("scheduler pass failed")
        await asyncio.sleep(settings.scheduler_interval_seconds)
