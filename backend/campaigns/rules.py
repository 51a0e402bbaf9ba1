"""The campaign rules as pure functions of plain facts: which sites and modules a campaign
asks for, when a 回执 is late, which reminder a pending 回执 gets on a day."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backend import clock


@dataclass(frozen=True)
class SiteFacts:
    id: int
    center_id: int
    kind: str
    is_active: bool


def module_applies(module_kinds: Iterable[str], site_kind: str) -> bool:
    """A module lists the site kinds it is for; one that lists none is for every kind."""
    kinds = set(module_kinds)
    return not kinds or site_kind in kinds


def task_targets(sites: Iterable[SiteFacts], modules: dict[int, list[str]],
                 site_kinds: Iterable[str] | None) -> list[tuple[SiteFacts, int]]:
    """(site, module) for every active site whose kind the campaign names (any kind when
    None) and every module that applies to that kind."""
    named = None if site_kinds is None else set(site_kinds)
    return [(site, module_id) for site in sites
            if site.is_active and (named is None or site.kind in named)
            for module_id, kinds in sorted(modules.items()) if module_applies(kinds, site.kind)]


def window_invalid_field(starts_on: date, ends_on: date, receipt_due_on: date,
                         today: date) -> str | None:
    """The first field that makes a campaign's window unusable, or None: a window wholly in
    the past would turn its tasks into 漏检 at once (counted against centers that were never
    asked), and a 回执 (which reports the check as done) cannot fall due before the window
    ends."""
    if ends_on < starts_on:
        return "ends_on"
    if ends_on < today:
        return "ends_on"
    if receipt_due_on < ends_on:
        return "receipt_due_on"
    return None


def window(starts_on: date, ends_on: date) -> tuple[datetime, datetime]:
    """starts_on 00:00 → the day after ends_on 00:00, Asia/Shanghai."""
    return clock.day_start(starts_on), clock.day_start(ends_on, plus_days=1)


def receipt_deadline(receipt_due_on: date) -> datetime:
    """A 回执 is on time until the end of its due day (Asia/Shanghai)."""
    return clock.day_start(receipt_due_on, plus_days=1)


def is_late(receipt_due_on: date, submitted_at: datetime | None, now: datetime,
            cancelled: bool) -> bool:
    """Late: submitted after the due day, or still missing once it is over. Nothing is owed
    to a cancelled campaign, so a missing receipt is not late there."""
    deadline = receipt_deadline(receipt_due_on)
    if submitted_at is not None:
        return submitted_at >= deadline
    return not cancelled and now >= deadline


# Daily 回执已逾期 reminders stop this many days after the due day: a receipt still missing
# after a month is a matter for the office (it shows in late_center_ids and the evaluation),
# and a reminder every day without end only trains the managers to ignore the inbox.
LATE_REMINDER_DAYS = 30


def reminder_on(today: date, receipt_due_on: date, remind_days: int) -> str | None:
    """The reminder a pending receipt gets on ``today``: ``soon`` once within ``remind_days``
    of the due day (its key has no day, so it is sent once even if a day's pass was skipped),
    ``late`` on every day after it for ``LATE_REMINDER_DAYS`` days, else None."""
    if today > receipt_due_on + timedelta(days=LATE_REMINDER_DAYS):
        return None
    if today > receipt_due_on:
        return "late"
    if today >= receipt_due_on - timedelta(days=remind_days):
        return "soon"
    return None
