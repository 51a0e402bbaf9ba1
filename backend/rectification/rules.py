"""附表3's rules as pure functions: a deadline's month range as the table writes it ("7-8 月")
and reads it back, an entry's subtotal, the years an official table has columns for."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# the years of 治本攻坚三年行动 (the source document's 附表3 columns): a table always has them,
# plus any other year an entry names, so an export never drops a figure
ACTION_YEARS = (2024, 2025, 2026)
CENT = Decimal("0.01")

_RANGE = re.compile(r"^\s*(\d{1,2})\s*(?:月\s*)?(?:[-－–—~～至到]\s*(\d{1,2})\s*)?月?\s*$")


@dataclass(frozen=True)
class YearFacts:
    """One year of an entry: its deadline months (both or neither) and its cost (万元)."""

    year: int
    from_month: int | None
    to_month: int | None
    cost: Decimal | None


def month_range_text(from_month: int | None, to_month: int | None) -> str:
    """"7-8 月", "7 月" for a single month, "" without a deadline (the source document's
    spelling)."""
    if from_month is None or to_month is None:
        return ""
    if from_month == to_month:
        return f"{from_month} 月"
    return f"{from_month}-{to_month} 月"


def parse_month_range(text: str) -> tuple[int, int] | None:
    """The months of a hand-written deadline: "7-8 月", "7-8月", "7~8 月", "7至8月", "7月",
    "7"; None when empty. ValueError for anything else (a range backwards, a 13th month)."""
    if not text.strip():
        return None
    found = _RANGE.match(text)
    if found is None:
        raise ValueError(text)
    first = int(found.group(1))
    last = int(found.group(2)) if found.group(2) else first
    if not 1 <= first <= last <= 12:
        raise ValueError(text)
    return first, last


def month_range_problem(from_month: int | None, to_month: int | None) -> str | None:
    if (from_month is None) != (to_month is None):
        return "from_month and to_month go together"
    if from_month is not None and to_month is not None and from_month > to_month:
        return "to_month before from_month"
    return None


def subtotal(costs: Iterable[Decimal | None]) -> Decimal:
    """小计: the sum of the years' costs, in 万元 to the cent."""
    return sum((c for c in costs if c is not None), Decimal(0)).quantize(CENT)


def table_years(action_years: Iterable[int], named: Iterable[int]) -> list[int]:
    """The year columns of a table: the action's years and every other year its entries
    name, in order."""
    return sorted(set(action_years) | set(named))
