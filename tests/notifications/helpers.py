"""Driving a hazard through the workflow over HTTP, running the scheduler, reading inboxes."""

from datetime import date, datetime, timedelta

from backend import clock
from backend.scheduler import PassResult, run_once
from backend.vocab import Grade, Role
from tests.hazards.test_workflow_api import GOVERNANCE_PLAN


def run_scheduler(app, now: datetime | None = None) -> PassResult:  # noqa: ANN001
    """One scheduler pass on the test's session (its commits are savepoints)."""
    return run_once(lambda: app.state.sessions(read_only=False), app.state.settings, now)


def inbox(client, make, user, **params) -> list[dict]:  # noqa: ANN001
    resp = client.get("/api/v1/notifications", headers=make.headers(user), params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def kinds(client, make, user) -> list[str]:  # noqa: ANN001
    return sorted(n["kind"] for n in inbox(client, make, user))


def act(client, make, user, hazard_id: int, action: str, body: dict) -> dict:  # noqa: ANN001
    resp = client.post(f"/api/v1/hazards/{hazard_id}/actions/{action}", json=body,
                       headers=make.headers(user))
    assert resp.status_code == 200, resp.text
    return resp.json()


class Scene:
    """A catering hazard, its reporter, the center's manager, an assignee and 质监办."""

    def __init__(self, client, make, grade: Grade = Grade.general) -> None:  # noqa: ANN001
        self.client, self.make = client, make
        self.reporter = make.user(Role.inspector)
        self.manager = make.user(Role.center_manager)
        self.worker = make.user(Role.inspector)
        self.qa = make.user(Role.qa_officer, center=make.org.qa)
        self.hazard = make.hazard(self.reporter, grade=grade)

    def do(self, user, action: str, body: dict | None = None) -> dict:  # noqa: ANN001
        return act(self.client, self.make, user, self.hazard.id, action, body or {})

    def assign(self, deadline: date | None = None) -> dict:
        return self.do(self.manager, "assign", {
            "assignee_id": self.worker.id, "measures": "更换", "cost_estimate": "0.1",
            "deadline": (deadline or clock.today() + timedelta(days=10)).isoformat(),
            "interim_measures": "警示",
            **({"governance_plan": GOVERNANCE_PLAN} if self.hazard.grade is Grade.major else {})})

    def submit(self) -> dict:
        return self.do(self.worker, "submit", {"description": "已更换",
                                               "photo_ids": [self.make.photo(self.worker).id]})
