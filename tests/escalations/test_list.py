"""GET /escalations pages what is still overdue (review-11 S7): the phone's 逾期升级 list read
the first 200 escalations and matched them against the first 200 overdue hazards, so beyond
either page a hazard still overdue showed as 已不再逾期."""

from datetime import timedelta

from backend.clock import today
from backend.escalations.models import Escalation
from backend.hazards.workflow import Status
from backend.vocab import Role

URL = "/api/v1/escalations"


def escalated(make, center, *, status: Status = Status.assigned, days: int = 8,
              levels: tuple[int, ...] = (1, 2), deadline_shift: int = 0) -> int:
    """A hazard of ``center`` whose deadline passed ``days`` ago and was escalated at ``levels``;
    its deadline is then moved by ``deadline_shift`` days (an approved extension) and its status
    set. Returns the hazard's id."""
    hazard = make.hazard(make.user(Role.inspector, center=center),
                         site=make.org.kitchen if center is make.org.catering else
                         make.org.dorm)
    due = today() - timedelta(days=days)
    for level in levels:
        make.db.add(Escalation(object_type="hazard", object_id=hazard.id,
                               group_id=make.org.group.id, center_id=center.id, level=level,
                               due_on=due, days_overdue=days, title=hazard.title))
    hazard.status, hazard.deadline = status, due + timedelta(days=deadline_shift)
    make.db.commit()
    return hazard.id


def pages(client, headers, **params) -> list[dict]:  # noqa: ANN001
    """Every page of 3, following ``next_cursor``."""
    items: list[dict] = []
    cursor = None
    while True:
        resp = client.get(URL, headers=headers, params={**params, "limit": 3,
                                                        **({"cursor": cursor} if cursor else {})})
        assert resp.status_code == 200, resp.text
        items += resp.json()["items"]
        cursor = resp.json()["next_cursor"]
        if cursor is None:
            return items


def test_overdue_true_pages_only_the_hazards_still_overdue(client, make):
    org = make.org
    still = [escalated(make, org.catering) for _ in range(4)]  # 8 rows: three pages of 3
    closed = escalated(make, org.catering, status=Status.closed)
    extended = escalated(make, org.catering, deadline_shift=30)  # a new deadline, not yet due
    submitted = escalated(make, org.catering, status=Status.submitted, levels=(1,), days=4)
    other = escalated(make, org.property)
    manager = make.user(Role.center_manager, center=org.catering)
    headers = make.headers(manager)

    overdue = pages(client, headers, overdue="true")
    # newest first: the submitted one's level 1, then each of the others' levels 2 and 1
    assert [(e["object_id"], e["level"]) for e in overdue] == \
        [(submitted, 1), *((h, level) for h in reversed(still) for level in (2, 1))]
    assert len({e["id"] for e in overdue}) == len(overdue) == 9  # no row twice across pages
    assert all(e["hazard"]["is_overdue"] for e in overdue)
    first = next(e for e in overdue if e["object_id"] == submitted)
    assert first["hazard"] == {"title": "灭火器压力不足", "status": "submitted", "grade": "general",
                               "deadline": (today() - timedelta(days=4)).isoformat(),
                               "is_overdue": True, "overdue_days": 4}

    resolved = pages(client, headers, overdue="false")
    assert {e["object_id"] for e in resolved} == {closed, extended}
    assert not any(e["hazard"]["is_overdue"] or e["hazard"]["overdue_days"] for e in resolved)
    assert other not in {e["object_id"] for e in overdue + resolved}  # another center's

    every = pages(client, headers)
    assert len(every) == 13 and {e["object_id"] for e in every} == {*still, submitted, closed,
                                                                     extended}
    qa = make.user(Role.qa_officer, center=org.qa)
    assert {e["object_id"] for e in pages(client, make.headers(qa), overdue="true")} == \
        {*still, submitted, other}
    assert pages(client, headers, overdue="true", center_id=org.property.id) == []


def test_the_home_count_is_the_escalated_hazards_still_overdue(client, make):
    org = make.org
    for _ in range(3):
        escalated(make, org.catering)
    escalated(make, org.catering, status=Status.closed)
    escalated(make, org.property)
    make.hazard(make.user(Role.inspector, center=org.catering))  # not escalated

    def count(user) -> int | None:  # noqa: ANN001
        resp = client.get("/api/v1/me/todo", headers=make.headers(user))
        assert resp.status_code == 200, resp.text
        return resp.json()["escalated_overdue"]

    assert count(make.user(Role.center_manager, center=org.catering)) == 3
    assert count(make.user(Role.qa_officer, center=org.qa)) == 4
    assert count(make.user(Role.inspector, center=org.catering)) is None  # reads no ladder


def test_a_bad_filter_or_cursor_is_a_clear_4xx(client, make):
    headers = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    bad = client.get(URL, headers=headers, params={"overdue": "maybe"})
    assert bad.status_code == 422 and "error" in bad.json()
    cursor = client.get(URL, headers=headers, params={"cursor": "nope"})
    assert cursor.status_code == 400 and cursor.json()["error"]["code"] == "invalid_cursor"
