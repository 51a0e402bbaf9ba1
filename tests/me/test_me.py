"""What the phone asks the server instead of guessing from roles."""

import pytest

from backend.vocab import Grade, Role
from tests.hazards.test_workflow_api import act, plan


def test_me_says_which_kinds_each_user_may_start_and_what_a_plan_needs(client, make):
    inspector = make.user(Role.inspector)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    mine = client.get("/api/v1/me", headers=make.headers(inspector)).json()
    assert mine["username"] == inspector.username
    kinds = mine["capabilities"]["inspection_kinds"]
    assert "routine" in kinds["own_center"] and "supervision" not in kinds["own_center"]
    assert kinds["other_centers"] == []
    theirs = client.get("/api/v1/me", headers=make.headers(qa)).json()["capabilities"]
    assert "supervision" in theirs["inspection_kinds"]["other_centers"]
    assert "routine" not in theirs["inspection_kinds"]["other_centers"]
    assert mine["capabilities"]["plan_required"] == make.settings.hazard_plan_required


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.qa_officer, True), (Role.leader, True), (Role.center_manager, False),
    (Role.inspector, False), (Role.admin, False)])
def test_me_says_who_may_open_the_group_views(client, make, role, allowed):
    user = make.user(role, center=make.org.qa if role is Role.qa_officer else None)
    caps = client.get("/api/v1/me", headers=make.headers(user)).json()["capabilities"]
    assert caps["group_views"] is allowed


@pytest.fixture
def desk(make):
    inspector = make.user(Role.inspector)
    worker = make.user(Role.inspector)
    manager = make.user(Role.center_manager)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    return inspector, worker, manager, qa


def test_todo_counts_are_what_allowed_actions_say(client, make, desk):
    inspector, worker, manager, qa = desk
    reported = [make.hazard(inspector) for _ in range(3)]
    major = make.hazard(inspector, grade="major")
    act(client, make, manager, reported[0].id, "assign", plan(worker))
    act(client, make, manager, reported[1].id, "assign", plan(worker))
    act(client, make, worker, reported[1].id, "submit",
        {"description": "已整改", "photo_ids": [make.photo(worker).id]})
    act(client, make, manager, major.id, "assign", plan(worker, grade=Grade.major))
    act(client, make, worker, major.id, "submit",
        {"description": "已整改", "photo_ids": [make.photo(worker).id]})

    def todo(user):  # noqa: ANN001, ANN202
        return client.get("/api/v1/me/todo", headers=make.headers(user)).json()

    def listed(user, action):  # noqa: ANN001, ANN202
        page = client.get("/api/v1/hazards", params={"can": action, "limit": 200},
                          headers=make.headers(user)).json()
        return {h["id"] for h in page["items"]}

    assert todo(manager) == {"to_assign": 1, "to_verify": 1, "my_rectifications": 0,
                             "overdue": 0, "major_open": 1, "escalated_overdue": 0}
    assert listed(manager, "verify") == {reported[1].id}  # the major one is 质监办's
    assert listed(qa, "verify") == {reported[1].id, major.id}
    assert todo(qa)["to_verify"] == 2
    assert todo(worker)["my_rectifications"] == 1
    assert listed(manager, "assign") >= {reported[2].id, reported[0].id}
    for user in (manager, qa, worker):
        page = client.get("/api/v1/hazards", params={"limit": 200},
                          headers=make.headers(user)).json()["items"]
        assert {h["id"] for h in page if "verify" in h["allowed_actions"]} == \
            listed(user, "verify")


def test_an_unknown_action_filter_is_422(client, make, desk):
    resp = client.get("/api/v1/hazards", params={"can": "report"},
                      headers=make.headers(desk[2]))
    assert resp.status_code == 422
