"""The changes feed in the permission matrix: GET /events (a catering event, for everyone; a
center's manager reads their own center's only) and the lists' `updated_since`."""

from datetime import timedelta

from sqlalchemy import func, select

from backend.clock import utcnow
from backend.events.models import DomainEvent
from backend.vocab import Role

NOT_READERS = dict(inspector_own=403, inspector_other=403, admin=403)
EXPECTED = {
    # 1: the catering hazard's event is in the feed, 0: it is not
    "list_events": {**NOT_READERS, "manager_own": 1, "manager_other": 0, "qa": 1, "leader": 1},
    "list_events_of_center": {**NOT_READERS, "manager_own": 1, "manager_other": 404, "qa": 1,
                              "leader": 1},
    # 1: the catering hazard (inspection) changed since is listed, 0: it is not
    **{name: dict(inspector_own=1, inspector_other=0, manager_own=1, manager_other=0, qa=1,
                  leader=1, admin=0)
       for name in ("list_hazards_changed", "list_inspections_changed")},
}


def call(name, client, make, user):  # noqa: ANN001
    headers = make.headers(user)
    since = (utcnow() - timedelta(minutes=1)).isoformat()
    if name in ("list_hazards_changed", "list_inspections_changed"):
        from tests.permissions.test_matrix import inspection

        if name == "list_hazards_changed":
            object_id, url = make.hazard(make.user(Role.inspector, center=make.org.catering)).id, \
                "/api/v1/hazards"
        else:
            object_id, url = inspection(make, client)[0], "/api/v1/inspections"
        items = client.get(url, headers=headers,
                           params={"updated_since": since, "sort": "updated"}).json()["items"]
        return sum(i["id"] == object_id for i in items)
    before = make.db.scalar(select(func.max(DomainEvent.id))) or 0
    hazard = make.hazard(make.user(Role.inspector, center=make.org.catering))
    params: dict[str, object] = {"after": before}
    if name == "list_events_of_center":
        params["center_id"] = make.org.catering.id
    resp = client.get("/api/v1/events", headers=headers, params=params)
    if resp.status_code != 200:
        return resp.status_code
    return sum(e["object_id"] == hazard.id and e["type"] == "hazard.reported"
               for e in resp.json()["items"])
