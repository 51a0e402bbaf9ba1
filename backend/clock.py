"""The server's clock and the group's calendar. Every deadline, expiry and overdue check reads
time from here: UTC instants, and dates in Asia/Shanghai (China has no daylight saving, so a
fixed +08:00 offset is exact and needs no tz database).

Tests move time with :func:`frozen` instead of patching the modules that read it."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731 - swapped by frozen()


def utcnow() -> datetime:
    return _source()


def today() -> date:
    """The current date in Asia/Shanghai: deadlines are Chinese calendar dates."""
    return utcnow().astimezone(SHANGHAI).date()


def month_day(day: date | datetime | str | None) -> str:
    """A date as notices and the 督办单 write it: ``12月7日`` (an instant: its Shanghai date; a
    string: the ISO form event data keeps); empty for none."""
    if day is None:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    if isinstance(day, datetime):
        day = day.astimezone(SHANGHAI).date()
    return f"{day.month}月{day.day}日"


def day_start(day: date, plus_days: int = 0) -> datetime:
    """Midnight in Asia/Shanghai of ``day`` (+ days), as an aware datetime."""
    return datetime.combine(day + timedelta(days=plus_days), datetime.min.time(), SHANGHAI)


@contextmanager
def frozen(at: datetime | Callable[[], datetime]) -> Iterator[None]:
    """Within the block the clock reads ``at`` (an aware datetime, or a function giving one)."""
    global _source
    previous = _source
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise ValueError("frozen() needs an aware datetime")
        _source = lambda: at  # noqa: E731
    else:
        _source = at
    try:
        yield
    finally:
        _source = previous
