"""The control room's endpoints in the permission matrix: the catering center's figures and
its events (the objects the matrix is about), for everyone."""

from sqlalchemy import func, select

from backend.events import emit
from backend.events.models import DomainEvent
from backend.org.models import Center

NOT_READERS = dict(inspector_own=403, inspector_other=403, admin=403)
EXPECTED = {
    # 1: the catering center's figures are in the answer, 0: they are not
    "stats_overview": {**NOT_READERS, "manager_own": 1, "manager_other": 0, "qa": 1,
                       "leader": 1},
    "stats_overview_of_center": {**NOT_READERS, "manager_own": 200, "manager_other": 404,
                                 "qa": 200, "leader": 200},
    # 1: a catering event is delivered, 0: it is not
    "stream_events": {**NOT_READERS, "manager_own": 1, "manager_other": 0, "qa": 1,
                      "leader": 1},
}


def _event(make, center) -> int:  # noqa: ANN001
    event = emit(make.db, "hazard.reported", object_type="hazard", object_id=1,
                 center_id=center.id, group_id=make.org.group.id, actor_id=None)
    make.db.commit()
    assert isinstance(event, DomainEvent) and event.id is not None
    return event.id


def _delivered(client, make, user) -> int:  # noqa: ANN001
    """Whether a catering event reaches the user: the stream resumes before it and ends at an
    event the user sees in any case (one of their own center, or of the group's office)."""
    before = make.db.scalar(select(func.max(DomainEvent.id))) or 0
    catering = _event(make, make.org.catering)
    marker = _event(make, make.db.get(Center, user.center_id) if user.center_id is not None
                    else make.org.qa)
    headers = {**make.headers(user), "Last-Event-ID": str(before)}
    with client.stream("GET", "/api/v1/events/stream", headers=headers) as resp:
        if resp.status_code != 200:
            return resp.status_code
        ids = []
        for line in resp.iter_lines():
            if line.startswith("id: "):
                ids.append(int(line[4:]))
            if marker in ids:
                return int(catering in ids)
    raise AssertionError("the stream ended before the marker event")


def call(name, client, make, user):  # noqa: ANN001
    if name == "stream_events":
        return _delivered(client, make, user)
    headers = make.headers(user)
    if name == "stats_overview_of_center":
        return client.get("/api/v1/stats/overview", headers=headers,
                          params={"center_id": make.org.catering.id}).status_code
    resp = client.get("/api/v1/stats/overview", headers=headers)
    if resp.status_code != 200:
        return resp.status_code
    return sum(c["center_id"] == make.org.catering.id for c in resp.json()["centers"])

