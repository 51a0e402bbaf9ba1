"""The recurrence rules: month ends, leap years, every N days across month and year ends,
weekday sets, explicit dates, and Asia/Shanghai day windows in UTC."""

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backend.plans.models import Frequency
from backend.plans.recurrence import Recurrence, month_day_in, occurrences, occurs_on, window

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def rule(frequency: Frequency, starts_on: date = date(2024, 1, 1), **kw: object) -> Recurrence:
    return Recurrence(frequency, starts_on, **kw)  # type: ignore[arg-type]


def test_monthly_on_the_31st_falls_on_each_months_last_day() -> None:
    monthly = rule(Frequency.monthly, month_day=31)
    got = list(occurrences(monthly, date(2024, 1, 1), date(2024, 12, 31)))
    assert [d.day for d in got] == [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def test_february_29_only_in_leap_years() -> None:
    monthly = rule(Frequency.monthly, month_day=29, starts_on=date(2023, 1, 1))
    febs = [d for d in occurrences(monthly, date(2023, 1, 1), date(2025, 12, 31)) if d.month == 2]
    assert febs == [date(2023, 2, 28), date(2024, 2, 29), date(2025, 2, 28)]
    assert month_day_in(2000, 2, 30) == 29 and month_day_in(1900, 2, 30) == 28


def test_every_three_days_across_month_and_year_ends() -> None:
    every = rule(Frequency.every_n_days, starts_on=date(2024, 12, 27), interval_days=3)
    assert list(occurrences(every, date(2024, 12, 1), date(2025, 1, 8))) == [
        date(2024, 12, 27), date(2024, 12, 30), date(2025, 1, 2), date(2025, 1, 5),
        date(2025, 1, 8)]


def test_weekly_on_monday_and_friday() -> None:
    weekly = rule(Frequency.weekly, weekdays=frozenset({1, 5}))
    got = list(occurrences(weekly, date(2024, 12, 29), date(2025, 1, 10)))
    assert got == [date(2024, 12, 30), date(2025, 1, 3), date(2025, 1, 6), date(2025, 1, 10)]


def test_explicit_dates_inside_the_active_period_only() -> None:
    listed = rule(Frequency.dates, starts_on=date(2025, 1, 1), ends_on=date(2025, 5, 1),
                  dates=frozenset({date(2024, 12, 31), date(2025, 1, 28), date(2025, 5, 2)}))
    assert list(occurrences(listed, date(2024, 1, 1), date(2026, 1, 1))) == [date(2025, 1, 28)]


def test_a_window_ending_23_59_local_ends_15_59_utc() -> None:
    opens, closes = window(date(2025, 3, 9), time(8, 0), time(23, 59))
    assert opens == datetime(2025, 3, 9, 0, 0, tzinfo=UTC)
    assert closes == datetime(2025, 3, 9, 15, 59, tzinfo=UTC)


def test_the_whole_day_is_local_midnight_to_midnight() -> None:
    opens, closes = window(date(2025, 1, 1), time(0), None)
    assert opens == datetime(2024, 12, 31, 16, 0, tzinfo=UTC)
    assert closes == datetime(2025, 1, 1, 16, 0, tzinfo=UTC)


@given(DAYS, st.integers(1, 31))
def test_monthly_falls_once_in_every_month(day: date, month_day: int) -> None:
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    got = list(occurrences(rule(Frequency.monthly, starts_on=date(2000, 1, 1),
                                month_day=month_day), first, last))
    assert len(got) == 1 and got[0].day == min(month_day, last.day)


@given(DAYS, st.integers(1, 60), st.integers(0, 400))
def test_every_n_days_is_a_fixed_step_from_the_start(start: date, step: int, span: int) -> None:
    got = list(occurrences(rule(Frequency.every_n_days, starts_on=start, interval_days=step),
                           start, start + timedelta(days=span)))
    assert got[0] == start
    assert all((b - a).days == step for a, b in zip(got, got[1:], strict=False))
    assert len(got) == span // step + 1


@given(DAYS, st.frozensets(st.integers(1, 7)))
def test_weekly_matches_exactly_the_chosen_weekdays(monday_near: date,
                                                    weekdays: frozenset[int]) -> None:
    weekly = rule(Frequency.weekly, starts_on=date(2000, 1, 1), weekdays=weekdays)
    week = [monday_near + timedelta(days=i) for i in range(7)]
    assert {d.isoweekday() for d in week if occurs_on(weekly, d)} == weekdays


@given(st.sets(DAYS, max_size=20), DAYS, st.integers(0, 3000))
def test_explicit_dates_are_exactly_those_in_the_period(dates: set[date], start: date,
                                                        length: int) -> None:
    end = start + timedelta(days=length)
    listed = rule(Frequency.dates, starts_on=start, ends_on=end, dates=frozenset(dates))
    got = list(occurrences(listed, date(2000, 1, 1), date(2109, 1, 1)))
    assert got == sorted(d for d in dates if start <= d <= end)


@given(DAYS, st.times(), st.times())
def test_a_window_is_inside_its_local_day(day: date, a: time, b: time) -> None:
    start, end = sorted((a.replace(microsecond=0), b.replace(microsecond=0)))
    opens, closes = window(day, start, end if end > start else None)
    assert opens == datetime.combine(day, start, UTC) - timedelta(hours=8)
    assert opens.tzinfo is UTC
    assert opens < closes <= datetime.combine(day + timedelta(days=1), time(0),
                                              UTC) - timedelta(hours=8)
