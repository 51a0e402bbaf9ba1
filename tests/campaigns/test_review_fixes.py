"""Fixes after the review of issue 11 (campaigns), through the API: a window that is over or a
回执 due before the window ends is refused; late reminders stop after a cap; cancelling tells
the target centers."""

from datetime import timedelta

import pytest

from backend.campaigns.rules import LATE_REMINDER_DAYS
from backend.clock import frozen
from tests.campaigns.support import MONDAY, at_local, campaign_body, dispatch, module_for, people
from tests.notifications.helpers import inbox, run_scheduler


def _of(client, make, user, kind):
    return [n for n in inbox(client, make, user) if n["kind"] == kind]


@pytest.mark.parametrize(("window", "field"), [
    ({"starts_on": "2020-01-01", "ends_on": "2020-01-02", "receipt_due_on": "2020-01-03"},
     "ends_on"),
    ({"starts_on": "2026-02-20", "ends_on": "2026-03-01", "receipt_due_on": "2026-03-09"},
     "ends_on"),
    ({"ends_on": "2026-03-12", "receipt_due_on": MONDAY.isoformat()}, "receipt_due_on"),
])
def test_a_window_that_is_over_or_a_receipt_due_too_early_is_refused(client, make, db, window,
                                                                       field):
    p = people(make)
    module_id = module_for(db, includes="canteen")[0]
    with frozen(at_local(MONDAY, 8)):
        resp = client.post("/api/v1/campaigns", headers=make.headers(p.qa),
                           json=campaign_body([module_id], **window))
        assert resp.status_code == 422, resp.text
        error = resp.json()["error"]
        assert error["code"] == "campaign_window_invalid" and error["details"]["field"] == field
        assert client.get("/api/v1/campaigns", headers=make.headers(p.qa)).json()["items"] == []
        # a window that ends today is still open, and a receipt due the day it ends is fine
        assert client.post("/api/v1/campaigns", headers=make.headers(p.qa), json=campaign_body(
            [module_id], starts_on="2026-02-27", ends_on=MONDAY.isoformat(),
            receipt_due_on=MONDAY.isoformat())).status_code == 201


def test_late_receipt_reminders_stop_after_the_cap(client, make, db, app):
    p = people(make)
    module_id = module_for(db, includes="canteen")[0]
    with frozen(at_local(MONDAY, 8)):
        dispatch(client, make, p.qa, [module_id], center_ids=[make.org.catering.id])
    due = MONDAY + timedelta(days=4)
    last = due + timedelta(days=LATE_REMINDER_DAYS)
    for day in (last - timedelta(days=1), last, last + timedelta(days=1),
                last + timedelta(days=40)):
        run_scheduler(app, at_local(day, 8))
    late = sorted(n["body"] for n in _of(client, make, p.catering_manager, "receipt_due")
                  if "逾期" in n["body"])
    assert late == [f"「春季消防专项检查」的回执已逾期 {n} 天（截止 3月6日），请尽快提交。"
                    for n in (LATE_REMINDER_DAYS - 1, LATE_REMINDER_DAYS)]


def test_cancelling_tells_the_target_centers_once(client, make, db, app):
    p = people(make)
    module_id = module_for(db, includes="canteen")[0]
    with frozen(at_local(MONDAY, 8)):
        cid = dispatch(client, make, p.qa, [module_id],
                       center_ids=[make.org.catering.id, make.org.property.id])["id"]
        run_scheduler(app, at_local(MONDAY, 8, 1))
        assert client.post(f"/api/v1/campaigns/{cid}/cancel", headers=make.headers(p.qa),
                           json={"reason": "上级通知延期"}).status_code == 200
        for _ in range(2):
            run_scheduler(app, at_local(MONDAY, 9))
    for user in (p.catering_manager, p.catering_inspector, p.property_manager,
                 p.property_inspector):
        [told] = _of(client, make, user, "campaign_cancelled")
        assert (told["object_type"], told["object_id"]) == ("campaign", cid)
        assert told["body"] == ("质监办已取消专项检查「春季消防专项检查」（原定 3月2日至3月4日）："
                                "上级通知延期。相关检查任务已撤下，无需提交回执。")
    assert _of(client, make, p.qa, "campaign_cancelled") == []
    assert _of(client, make, p.leader, "campaign_cancelled") == []
