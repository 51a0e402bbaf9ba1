"""How notification bodies say things: dates in Chinese form (12月7日, not 2026-12-07)."""

from datetime import date


def month_day(day: date | str | None) -> str:
    """``12月7日`` for 2026-12-07 (a date, or its ISO form as event data keeps it); empty for
    none."""
    if day is None:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day[:10])
    return f"{day.month}月{day.day}日"
