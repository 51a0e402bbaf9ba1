"""What campaigns tell people: the dispatch to the target centers' managers and inspectors,
and the 回执 reminders to managers, each written once however often the scheduler runs."""

from datetime import timedelta

from backend.clock import frozen
from tests.campaigns.support import MONDAY, at_local, dispatch, module_for, people, receipt
from tests.notifications.helpers import inbox, run_scheduler


def _of(client, make, user, kind):
    return [n for n in inbox(client, make, user) if n["kind"] == kind]


def test_dispatch_and_receipt_reminders_are_written_once(client, make, db, app):
    p = people(make)
    canteen = module_for(db, includes="canteen", excludes="dormitory")[0]
    dorm = module_for(db, includes="dormitory", excludes="canteen")[0]
    with frozen(at_local(MONDAY, 8)):
        cid = dispatch(client, make, p.qa, [canteen, dorm], kind="holiday")["id"]
        for _ in range(2):
            run_scheduler(app, at_local(MONDAY, 8, 1))
    [told] = _of(client, make, p.catering_inspector, "campaign_dispatched")
    assert (told["object_type"], told["object_id"]) == ("campaign", cid)
    assert "节假日检查「春季消防专项检查」" in told["body"]
    assert "3月2日至3月4日" in told["body"] and "3月6日前提交回执" in told["body"]
    assert len(_of(client, make, p.property_manager, "campaign_dispatched")) == 1
    assert _of(client, make, p.qa, "campaign_dispatched") == []

    def reminders(user):
        return [n["body"] for n in _of(client, make, user, "receipt_due")]

    with frozen(at_local(MONDAY, 9)):
        assert receipt(client, make, p.catering_manager, cid).status_code == 200
    for day, hour in ((MONDAY + timedelta(days=1), 8), (MONDAY + timedelta(days=2), 8),
                      (MONDAY + timedelta(days=2), 20), (MONDAY + timedelta(days=3), 8)):
        run_scheduler(app, at_local(day, hour))
    assert reminders(p.property_manager) == [
        "「春季消防专项检查」的回执3月6日截止，还有 2 天，请按时提交。"]
    for day in (MONDAY + timedelta(days=5), MONDAY + timedelta(days=5),
                MONDAY + timedelta(days=6)):
        run_scheduler(app, at_local(day, 8))
    assert sorted(b for b in reminders(p.property_manager) if "逾期" in b) == [
        "「春季消防专项检查」的回执已逾期 1 天（截止 3月6日），请尽快提交。",
        "「春季消防专项检查」的回执已逾期 2 天（截止 3月6日），请尽快提交。"]
    assert len(reminders(p.property_manager)) == 3
    assert reminders(p.catering_manager) == [] and reminders(p.property_inspector) == []


def test_a_cancelled_campaign_reminds_nobody(client, make, db, app):
    p = people(make)
    canteen = module_for(db, includes="canteen")[0]
    with frozen(at_local(MONDAY, 8)):
        cid = dispatch(client, make, p.qa, [canteen])["id"]
        assert client.post(f"/api/v1/campaigns/{cid}/cancel", headers=make.headers(p.qa),
                           json={"reason": "取消"}).status_code == 200
    run_scheduler(app, at_local(MONDAY + timedelta(days=6), 8))
    assert _of(client, make, p.catering_manager, "receipt_due") == []
    assert _of(client, make, p.catering_manager, "campaign_dispatched") == []
