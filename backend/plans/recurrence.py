"""When a plan falls due, as pure rules over plain facts (no session, no clock): the dates of
a recurrence and the UTC window of an occurrence. Asia/Shanghai has no daylight saving, so a
day's window is its wall times at a fixed +08:00 (a window ending 23:59 local ends 15:59 UTC)."""

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from backend.clock import SHANGHAI
from backend.plans.models import Frequency


@dataclass(frozen=True)
class Recurrence:
    frequency: Frequency
    starts_on: date
    ends_on: date | None = None
    weekdays: frozenset[int] = frozenset()  # ISO: 1 = Monday ... 7 = Sunday
    month_day: int | None = None  # 1..31
    interval_days: int | None = None
    dates: frozenset[date] = frozenset()


def month_day_in(year: int, month: int, month_day: int) -> int:
    """The day of ``year-month`` a monthly plan on ``month_day`` falls on: days past the
    month's end mean its last day (31 → 30 April, 28 or 29 February)."""
    return min(month_day, calendar.monthrange(year, month)[1])


def occurs_on(rule: Recurrence, day: date) -> bool:
    if day < rule.starts_on or (rule.ends_on is not None and day > rule.ends_on):
        return False
    match rule.frequency:
        case Frequency.daily:
            return True
        case Frequency.weekly:
            return day.isoweekday() in rule.weekdays
        case Frequency.monthly:
            return rule.month_day is not None and \
                day.day == month_day_in(day.year, day.month, rule.month_day)
        case Frequency.every_n_days:
            step = rule.interval_days
            return step is not None and step > 0 and (day - rule.starts_on).days % step == 0
        case Frequency.dates:
            return day in rule.dates


def occurrences(rule: Recurrence, first: date, last: date) -> Iterator[date]:
    """The dates from ``first`` to ``last`` (inclusive) on which ``rule`` falls due."""
    day = max(first, rule.starts_on)
    end = last if rule.ends_on is None else min(last, rule.ends_on)
    while day <= end:
        if occurs_on(rule, day):
            yield day
        day += timedelta(days=1)


def window(day: date, start: time, end: time | None) -> tuple[datetime, datetime]:
    """The UTC instants of an occurrence's window on ``day``: local ``start`` to local ``end``
    (None: midnight that ends the day)."""
    opens = datetime.combine(day, start, SHANGHAI)
    closes = datetime.combine(day + timedelta(days=1) if end is None else day,
                              end or time(0), SHANGHAI)
    return opens.astimezone(UTC), closes.astimezone(UTC)
