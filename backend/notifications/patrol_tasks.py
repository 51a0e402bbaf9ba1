"""What patrol tasks tell people (here, above plans: notifications are told of tasks).

``task_due`` (a daily reminder step): from ``task_due_hour`` on, each assignee gets one
notification a day naming how many of the day's tasks are due and the first few, not one per
task. Its key is the day (unique per recipient), and the step runs only while the day's
written stamp is not the one it last notified for (``patrol_days.notified_stamp``): once a
pass has sent the day's, later passes read nothing; a plan added in the day (a new stamp)
tells its new assignees, and nobody twice.

``task_missed`` (a handler of the ``task.missed`` events): a pass marks every task whose
window ended at once, all with the same ``missed_at``, so the misses of one center on one day
by one pass are one group: each assignee gets one notification listing their missed tasks of
the group, each of the center's managers one listing the center's (a manager who is also an
assignee gets only that one). A day of 20 tasks with one window is 20 events and one message
each; a day with three windows ending at different hours is at most three. The group's key
(center, day, ``missed_at``) makes it written once; it is built by the event of the group's
first task only."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from backend import clock
from backend.config import Settings
from backend.events.models import DomainEvent
from backend.notifications import consumer, reminders
from backend.notifications.models import NotificationKind as Kind
from backend.notifications.service import (
    Addressed,
    Notice,
    batch_cache,
    deliver,
    holder_ids,
)
from backend.org.models import Center, Site
from backend.plans import days
from backend.plans.models import PatrolPlan, PatrolTask, TaskState
from backend.vocab import Role
from backend.workshare import SessionFactory

LISTED = 3  # tasks a notification names; the rest are counted
COLUMNS = (PatrolTask.id, PatrolTask.assignee_ids, PatrolTask.window_start_at,
           PatrolTask.window_end_at, Site.name.label("site_name"),
           PatrolPlan.name.label("plan_name"))


def _rows(session: Session, *where: Any) -> list[Row[Any]]:
    return list(session.execute(
        select(*COLUMNS).select_from(PatrolTask).join(Site, Site.id == PatrolTask.site_id)
        .outerjoin(PatrolPlan, PatrolPlan.id == PatrolTask.plan_id).where(*where)
        .order_by(PatrolTask.window_start_at, PatrolTask.plan_id, PatrolTask.site_id)))


def _hhmm(at: datetime, *, end: bool = False) -> str:
    local = at.astimezone(clock.SHANGHAI)
    return "24:00" if end and (local.hour, local.minute) == (0, 0) else f"{local:%H:%M}"


def listing(tasks: Sequence[Row[Any]]) -> str:
    """``08:00–11:00 食堂后厨（后厨日管控）；…等 5 项``."""
    named = "；".join(
        f"{_hhmm(t.window_start_at)}–{_hhmm(t.window_end_at, end=True)} {t.site_name}"
        + (f"（{t.plan_name}）" if t.plan_name else "") for t in tasks[:LISTED])
    return named + (f"；等 {len(tasks)} 项" if len(tasks) > LISTED else "")


def send_task_due(session_factory: SessionFactory, settings: Settings, today: date,
                  at: datetime) -> int:
    """The day's ``task_due`` notifications; how many were written."""
    if at.astimezone(clock.SHANGHAI).hour < settings.task_due_hour:
        return 0
    with session_factory() as session:
        day = days.written_day(session, today)
        if day is None or day.notified_stamp == day.stamp:
            return 0
        mine: dict[int, list[Row[Any]]] = defaultdict(list)
        for task in _rows(session, PatrolTask.due_on == today,
                          PatrolTask.state == TaskState.due):
            for user_id in task.assignee_ids:
                mine[user_id].append(task)
        written = deliver(session, [
            (Notice(Kind.task_due, "patrol_task", tasks[0].id, "今日巡检任务",
                    f"今天（{clock.month_day(today)}）有 {len(tasks)} 项巡检任务待完成："
                    f"{listing(tasks)}。", f"task_due:{today}"), [user_id])
            for user_id, tasks in mine.items()], at)
        days.mark_notified(session, today, day.stamp)
    return len(written)


def _group_of(session: Session, event: DomainEvent) -> tuple[int, date, datetime] | None:
    """(center, day, missed_at) of a missed task's event; events written before the event
    carried ``missed_at`` read it from the task."""
    if "missed_at" in event.data and event.center_id is not None:
        return (event.center_id, date.fromisoformat(event.data["due_on"]),
                datetime.fromisoformat(event.data["missed_at"]))
    task = session.get(PatrolTask, event.object_id)
    if task is None or task.missed_at is None:
        return None
    return task.center_id, task.due_on, task.missed_at


def _missed(session: Session, event: DomainEvent) -> list[Addressed]:
    group = _group_of(session, event)
    if group is None:
        return []
    center_id, due_on, missed_at = group
    # the group's messages are built once, by its first task's event (the others' would write
    # nothing), and that first task is looked up once per batch of events: measured
    # (bench/tasks.py, SQLite), building them for each of 11,502 misses took 39 s of a pass,
    # and looking the first task up for each of 5,882 still 17 s
    leaders: dict[tuple[int, date, datetime], int | None] = batch_cache(session,
                                                                        "task_missed")
    if leaders.get(group, event.object_id) != event.object_id:
        return []
    in_group = (PatrolTask.due_on == due_on, PatrolTask.center_id == center_id,
                PatrolTask.state == TaskState.missed, PatrolTask.missed_at == missed_at)
    if group not in leaders:
        leaders[group] = session.scalar(select(func.min(PatrolTask.id)).where(*in_group))
    if leaders[group] != event.object_id:
        return []
    tasks = _rows(session, *in_group)
    center = session.get(Center, center_id)
    assert center is not None
    managers = set(holder_ids(session, Role.center_manager, group_id=center.group_id,
                              center_id=center.id))
    key = f"task_missed:{center.id}:{due_on}:{missed_at:%Y%m%dT%H%M%S}"
    day = clock.month_day(due_on)

    def notice(listed: list[Row[Any]], whose: str) -> Notice:
        return Notice(Kind.task_missed, "patrol_task", listed[0].id, "巡检任务漏检",
                      f"{whose}{day}有 {len(listed)} 项巡检任务未在时段内完成（漏检）："
                      f"{listing(listed)}。", key)

    mine: dict[int, list[Row[Any]]] = defaultdict(list)
    for row in tasks:
        for user_id in row.assignee_ids:
            if user_id not in managers:
                mine[user_id].append(row)
    addressed: list[Addressed] = [(notice(listed, "您"), [user_id])
                                  for user_id, listed in mine.items()]
    return addressed + ([(notice(tasks, f"{center.name}"), sorted(managers))]
                        if tasks and managers else [])


consumer.HANDLERS["task.missed"] = _missed
reminders.DAILY_STEPS.append(send_task_due)
