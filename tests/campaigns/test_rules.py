"""The campaign rules on plain facts."""

from datetime import UTC, date, datetime, timedelta

from backend.campaigns import rules
from backend.campaigns.rules import SiteFacts
from backend.clock import month_day

DUE = date(2026, 12, 7)


def test_targets_follow_site_kinds_module_kinds_and_activity():
    sites = [SiteFacts(1, 10, "canteen", True), SiteFacts(2, 10, "dormitory", True),
             SiteFacts(3, 10, "canteen", False), SiteFacts(4, 20, "power_room", True)]
    modules = {7: ["canteen"], 8: ["dormitory", "canteen"], 9: []}
    assert [(s.id, m) for s, m in rules.task_targets(sites, modules, None)] == [
        (1, 7), (1, 8), (1, 9), (2, 8), (2, 9), (4, 9)]
    assert [(s.id, m) for s, m in rules.task_targets(sites, modules, ["dormitory"])] == [
        (2, 8), (2, 9)]
    assert rules.task_targets(sites, modules, []) == []


def test_late_means_after_the_end_of_the_due_day_in_shanghai():
    end = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # 12月8日 00:00 Asia/Shanghai
    just_before = datetime(2026, 12, 7, 15, 59, 59, tzinfo=UTC)
    assert rules.is_late(DUE, just_before, end, False) is False
    assert rules.is_late(DUE, end, end, False) is True
    assert rules.is_late(DUE, None, just_before, False) is False
    assert rules.is_late(DUE, None, end, False) is True
    assert rules.is_late(DUE, None, end, True) is False  # nothing is owed to a cancelled one


def test_reminders_and_dates():
    assert rules.reminder_on(date(2026, 12, 4), DUE, 2) is None
    assert rules.reminder_on(date(2026, 12, 5), DUE, 2) == "soon"
    assert rules.reminder_on(DUE, DUE, 2) == "soon"
    assert rules.reminder_on(date(2026, 12, 8), DUE, 2) == "late"
    assert rules.reminder_on(DUE, DUE, 0) == "soon"
    last = DUE + timedelta(days=rules.LATE_REMINDER_DAYS)
    assert rules.reminder_on(last, DUE, 2) == "late"
    assert rules.reminder_on(last + timedelta(days=1), DUE, 2) is None  # capped, not forever
    assert month_day(DUE) == "12月7日" and month_day(date(2026, 1, 15)) == "1月15日"


def test_a_window_must_not_be_over_and_the_receipt_is_due_after_it_ends():
    today = date(2026, 12, 2)

    def field(starts, ends, due):
        return rules.window_invalid_field(date(2026, 12, starts), date(2026, 12, ends),
                                          date(2026, 12, due), today)

    assert field(2, 4, 6) is None and field(1, 2, 2) is None  # ends today: still open
    assert field(5, 4, 6) == "ends_on"
    assert field(1, 1, 3) == "ends_on"  # wholly in the past
    assert field(2, 12, 2) == "receipt_due_on"  # due before the check may be finished
