"""GET /tasks?campaign_id=: a campaign's tasks over its whole window (the phone's campaign
page lists them), each center's user seeing their center's, an inspector their own."""

from datetime import timedelta

from backend.clock import frozen
from tests.campaigns.support import MONDAY, at_local, dispatch, module_for, people
from tests.plans.support import submit_inspection

TUESDAY = MONDAY + timedelta(days=1)


def _listed(client, make, user, **params) -> list[tuple[int, str]]:  # noqa: ANN001
    resp = client.get("/api/v1/tasks", headers=make.headers(user), params=params)
    assert resp.status_code == 200, resp.text
    return [(t["site_id"], t["state"]) for t in resp.json()["items"]]


def test_a_campaigns_tasks_whatever_the_day(client, make, db):  # noqa: ANN001
    o, p = make.org, people(make)
    module_id, items = module_for(db, includes="canteen")
    with frozen(at_local(MONDAY, 8)):
        campaign = dispatch(client, make, p.qa, [module_id])
    with frozen(at_local(MONDAY, 10)):
        submit_inspection(client, make, p.catering_inspector, module_id, items, kind="special")
    with frozen(at_local(MONDAY, 11)):
        other = dispatch(client, make, p.qa, [module_id], title="另一项检查")
    with frozen(at_local(TUESDAY, 9)):
        # a day later the done task is not in the day's list, but is in the campaign's
        day = _listed(client, make, p.catering_manager, date=TUESDAY.isoformat())
        assert (o.kitchen.id, "done") not in day and (o.kitchen.id, "due") in day
        assert _listed(client, make, p.catering_manager, campaign_id=campaign["id"],
                       date=TUESDAY.isoformat()) == [(o.kitchen.id, "done")]
        assert _listed(client, make, p.catering_inspector, campaign_id=campaign["id"]) == [
            (o.kitchen.id, "done")]
        assert o.kitchen.id not in {site for site, _ in _listed(
            client, make, p.property_manager, campaign_id=campaign["id"])}
        assert (o.kitchen.id, "done") in _listed(client, make, p.qa, campaign_id=campaign["id"])
        assert _listed(client, make, p.catering_manager, campaign_id=other["id"]) == [
            (o.kitchen.id, "due")]
