"""Field types shared by the API schemas and query parameters.

Dates follow one rule: a timestamp must carry its time zone (a naive one is a 422, never read
as some zone by guess), and years stay within 2000..2100, so calendar-edge input is a clear 422
instead of an overflow deeper down (PostgreSQL, ``astimezone``, date arithmetic)."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from backend.errors import validation_failure

# ids are 32-bit integers in the database; a larger number can't name a row (and PostgreSQL
# would refuse to compare it), so it is a validation error, not a lookup
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]

FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = date(FIRST_YEAR, 1, 1), date(LAST_YEAR, 12, 31)


def _aware_and_bounded(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise validation_failure(
            "timezone_required", "时间必须带时区，例如 2026-03-01T08:30:00+08:00 或 …Z")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise validation_failure(
            "year_out_of_range", f"年份必须在 {FIRST_YEAR} 到 {LAST_YEAR} 之间")
    return value


def _bounded_day(value: date) -> date:
    if not FIRST_DAY <= value <= LAST_DAY:
        raise validation_failure(
            "year_out_of_range", f"日期必须在 {FIRST_DAY} 到 {LAST_DAY} 之间")
    return value


Timestamp = Annotated[
    datetime,
    AfterValidator(_aware_and_bounded),
    Field(description=f"ISO 8601 date-time with a time zone (Z or ±hh:mm), years "
                      f"{FIRST_YEAR}..{LAST_YEAR}"),
]
"""A point in time from a client: zone required, years bounded (bodies and query parameters)."""

Day = Annotated[
    date,
    AfterValidator(_bounded_day),
    Field(description=f"ISO 8601 date (YYYY-MM-DD), {FIRST_DAY}..{LAST_DAY}"),
]
"""A calendar day from a client (deadlines, date filters), in Asia/Shanghai's calendar."""

UPDATED_SINCE = (
    "only what changed at or after this instant (its `updated_at`), with a time zone. With "
    "`sort=updated`, page to the end and ask again from the last item's `updated_at`. A change "
    "is stamped before its transaction commits, so one committing late can carry an earlier "
    "stamp than a change you have already seen: ask from a minute before the last "
    "`updated_at` (you may see items again), or follow GET /events, which misses nothing.")
"""The ``updated_since`` filter of the lists that have one (the changes feed, issue 13)."""
