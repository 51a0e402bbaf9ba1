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


def reminder_on(today: date, receipt_due_on: date, remind_days: int) -> str | None:
    """The reminder a pending receipt gets on ``today``: ``soon`` once within ``remind_days``
    of the due day (its key has no day, so it is sent once even if a day's pass was skipped),
    ``late`` on every day after it, else None."""
    if today > receipt_due_on:
        return "late"
    if today >= receipt_due_on - timedelta(days=remind_days):
        return "soon"
    return None
