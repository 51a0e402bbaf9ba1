"""Every endpoint that touches a center's objects × every role × own / other center.

An object of another center answers 404 to whoever may not see it — exactly as a missing one
would, so that ids leak nothing; a visible object whose action is not the caller's is 403."""

import re
import uuid
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from backend.clock import today, utcnow
from backend.plans import tasks
from backend.vocab import Grade, Role
from tests.permissions import (
    apikeys_calls,
    campaign_calls,
    evaluation_calls,
    exports_calls,
    feed_calls,
    records_calls,
    rectification_calls,
    stats_calls,
    tables_calls,
    webhook_calls,
)

# who: (role, center of the user: "own" = the catering center that owns the objects)
PEOPLE = {
    "inspector_own": (Role.inspector, "catering"),
    "inspector_other": (Role.inspector, "property"),
    "manager_own": (Role.center_manager, "catering"),
    "manager_other": (Role.center_manager, "property"),
    "qa": (Role.qa_officer, "qa"),
    "leader": (Role.leader, None),
    "admin": (Role.admin, None),
}


def plan(make):
    return {"assignee_id": make.user(Role.inspector, center=make.org.catering).id,
            "measures": "更换", "cost_estimate": "0.1",
            "deadline": (today() + timedelta(days=3)).isoformat(), "interim_measures": "警示"}


def inspection(make, client):
    owner = make.user(Role.inspector, center=make.org.catering)
    module_id = client.get("/api/v1/modules", headers=make.headers(owner)).json()["items"][0]["id"]
    resp = client.post("/api/v1/inspections", headers=make.headers(owner), json={
        "module_id": module_id, "site_id": make.org.kitchen.id, "kind": "routine"})
    return resp.json()["id"], module_id


def patrol_plan(make, client):
    """A daily plan of the catering center at its kitchen, naming a fresh inspector."""
    manager = make.user(Role.center_manager, center=make.org.catering)
    named = make.user(Role.inspector, center=make.org.catering)
    module_id = client.get("/api/v1/modules", headers=make.headers(manager)) \
        .json()["items"][0]["id"]
    resp = client.post("/api/v1/plans", headers=make.headers(manager), json=plan_body(
        make, module_id, named))
    return resp.json()["id"]


def plan_body(make, module_id, named):
    return {"name": "后厨日管控", "center_id": make.org.catering.id,
            "site_id": make.org.kitchen.id, "module_id": module_id, "frequency": "daily",
            "inspector_ids": [named.id]}


# endpoint name -> expected status per person
EXPECTED = {
    "read_hazard": dict(inspector_own=200, inspector_other=404, manager_own=200,
                        manager_other=404, qa=200, leader=200, admin=404),
    "assign_hazard": dict(inspector_own=403, inspector_other=404, manager_own=200,
                          manager_other=404, qa=200, leader=403, admin=404),
    "cancel_hazard": dict(inspector_own=403, inspector_other=404, manager_own=200,
                          manager_other=404, qa=200, leader=403, admin=404),
    "verify_hazard": dict(inspector_own=409, inspector_other=404, manager_own=409,
                          manager_other=404, qa=409, leader=409, admin=404),
    # the major-hazard regime: 质监办's acts on a major hazard; the 督办单 is read like the hazard
    **{name: dict(inspector_own=403, inspector_other=404, manager_own=403, manager_other=404,
                  qa=200, leader=403, admin=404)
       for name in ("supervise_major_hazard", "report_major_hazard_upward")},
    "read_supervision_sheet": dict(inspector_own=200, inspector_other=404, manager_own=200,
                                   manager_other=404, qa=200, leader=200, admin=404),
    "list_hazards": dict(inspector_own=1, inspector_other=0, manager_own=1, manager_other=0,
                         qa=1, leader=1, admin=0),
    "report_hazard": dict(inspector_own=201, inspector_other=404, manager_own=201,
                          manager_other=404, qa=201, leader=403, admin=403),
    "read_photo": dict(inspector_own=200, inspector_other=404, manager_own=200,
                       manager_other=404, qa=200, leader=200, admin=404),
    "start_inspection": dict(inspector_own=201, inspector_other=404, manager_own=201,
                             manager_other=404, qa=403, leader=403, admin=403),
    "read_inspection": dict(inspector_own=200, inspector_other=404, manager_own=200,
                            manager_other=404, qa=200, leader=200, admin=404),
    "save_answers": dict(inspector_own=403, inspector_other=404, manager_own=403,
                         manager_other=404, qa=403, leader=403, admin=404),
    "submit_inspection": dict(inspector_own=403, inspector_other=404, manager_own=403,
                              manager_other=404, qa=403, leader=403, admin=404),
    "discard_draft": dict(inspector_own=403, inspector_other=404, manager_own=403,
                          manager_other=404, qa=403, leader=403, admin=404),
    "list_inspections": dict(inspector_own=1, inspector_other=0, manager_own=1, manager_other=0,
                             qa=1, leader=1, admin=0),
    "center_members": dict(inspector_own=200, inspector_other=404, manager_own=200,
                           manager_other=404, qa=200, leader=200, admin=200),
    **{name: dict(inspector_own=200, inspector_other=404, manager_own=200, manager_other=404,
                  qa=200, leader=200, admin=200) for name in ("site_labels", "site_label_data")},
    **{name: dict(inspector_own=403, inspector_other=403, manager_own=403, manager_other=403,
                  qa=200, leader=403, admin=200) for name in ("read_audit", "verify_audit")},
    # notifications are their recipient's only: another user's is 404 to everyone
    **{name: {person: 404 for person in PEOPLE} for name in ("read_others_notification",
                                                             "list_others_notifications")},
    **{name: {person: 200 for person in PEOPLE} for name in ("read_own_notification",
                                                             "count_unread", "read_all")},
    **{name: dict(inspector_own=403, inspector_other=403, manager_own=1, manager_other=0, qa=1,
                  leader=1, admin=403)
       for name in ("list_escalations", "list_overdue_escalations")},
    "read_plan": dict(inspector_own=200, inspector_other=404, manager_own=200,
                      manager_other=404, qa=200, leader=200, admin=404),
    "update_plan": dict(inspector_own=403, inspector_other=404, manager_own=200,
                        manager_other=404, qa=200, leader=403, admin=404),
    "create_plan": dict(inspector_own=403, inspector_other=403, manager_own=201,
                        manager_other=404, qa=201, leader=403, admin=403),
    "create_plans_from_template": dict(inspector_own=403, inspector_other=403, manager_own=201,
                                       manager_other=404, qa=201, leader=403, admin=403),
    "list_plan_templates": dict(inspector_own=200, inspector_other=200, manager_own=200,
                                manager_other=200, qa=200, leader=200, admin=200),
    "list_plans": dict(inspector_own=1, inspector_other=0, manager_own=1, manager_other=0,
                       qa=1, leader=1, admin=0),
    "list_tasks": dict(inspector_own=1, inspector_other=0, manager_own=1, manager_other=0,
                       qa=1, leader=1, admin=0),
    **{name: dict(inspector_own=403, inspector_other=403, manager_own=1, manager_other=0, qa=1,
                  leader=1, admin=403) for name in ("sites_coverage", "inspectors_coverage")},
    **campaign_calls.EXPECTED,
    **rectification_calls.EXPECTED,
    **tables_calls.EXPECTED,
    **records_calls.EXPECTED,
    **evaluation_calls.EXPECTED,
    **stats_calls.EXPECTED,
    **feed_calls.EXPECTED,
    **webhook_calls.EXPECTED,
    **apikeys_calls.EXPECTED,
    **exports_calls.EXPECTED,
}


def call_plans(name, client, make, headers):
    """The patrol-plan endpoints (the plan belongs to the catering center)."""
    if name == "list_plan_templates":
        return client.get("/api/v1/plans/templates", headers=headers).status_code
    if name in ("create_plan", "create_plans_from_template"):
        named = make.user(Role.inspector, center=make.org.catering)
        if name == "create_plans_from_template":
            return client.post("/api/v1/plans/from-template", headers=headers, json={
                "template": "food-daily", "center_id": make.org.catering.id,
                "inspector_ids": [named.id]}).status_code
        module_id = client.get("/api/v1/modules", headers=make.headers(named)) \
            .json()["items"][0]["id"]
        return client.post("/api/v1/plans", headers=headers,
                           json=plan_body(make, module_id, named)).status_code
    plan_id = patrol_plan(make, client)
    if name == "read_plan":
        return client.get(f"/api/v1/plans/{plan_id}", headers=headers).status_code
    if name == "update_plan":
        return client.patch(f"/api/v1/plans/{plan_id}", headers=headers,
                            json={"name": "后厨早检"}).status_code
    if name == "list_plans":
        items = client.get("/api/v1/plans", headers=headers).json()["items"]
        return sum(p["id"] == plan_id for p in items)
    if name.endswith("_coverage"):  # the kitchen's task of today, in the rows read
        tasks.materialize(make.db, today())
        make.db.commit()
        resp = client.get(f"/api/v1/tasks/coverage/{name.split('_')[0]}", headers=headers)
        return sum(make.org.kitchen.id == r.get("site_id", make.org.kitchen.id) and
                   r["center_id"] == make.org.catering.id for r in resp.json()) \
            if resp.is_success else resp.status_code
    assert name == "list_tasks"
    items = client.get("/api/v1/tasks?mine=false", headers=headers).json()["items"]
    return sum(t["plan_id"] == plan_id for t in items)


def notification_for(make, user) -> int:
    from backend.notifications.models import Notification, NotificationKind

    row = Notification(user_id=user.id, kind=NotificationKind.overdue, object_type="hazard",
                       object_id=1, title="整改已逾期", body="…", dedupe_key=str(uuid.uuid4()))
    make.db.add(row)
    make.db.commit()
    return row.id


def escalation_of_catering(make) -> int:
    """An escalation of a catering hazard still overdue (assigned, its deadline 3 days ago)."""
    from backend.escalations.models import Escalation
    from backend.hazards.workflow import Status

    hazard = make.hazard(make.user(Role.inspector, center=make.org.catering))
    hazard.status, hazard.deadline = Status.assigned, today() - timedelta(days=3)
    row = Escalation(object_type="hazard", object_id=hazard.id, group_id=make.org.group.id,
                     center_id=make.org.catering.id, level=1, due_on=hazard.deadline,
                     days_overdue=3, title=hazard.title)
    make.db.add(row)
    make.db.commit()
    return row.id


def call_inbox(name, client, make, user):
    """The inbox and escalation endpoints (see :func:`call`)."""
    headers = make.headers(user)
    if name in ("list_escalations", "list_overdue_escalations"):
        escalation_id = escalation_of_catering(make)
        resp = client.get("/api/v1/escalations", headers=headers,
                          params={"overdue": "true"} if name == "list_overdue_escalations" else {})
        if resp.status_code != 200:
            return resp.status_code
        return sum(e["id"] == escalation_id for e in resp.json()["items"])
    if name == "count_unread":
        return client.get("/api/v1/notifications/unread-count", headers=headers).status_code
    if name == "read_all":
        return client.post("/api/v1/notifications/read-all", headers=headers).status_code
    owner = user if name == "read_own_notification" else make.user(Role.inspector)
    notification_id = notification_for(make, owner)
    if name == "list_others_notifications":
        items = client.get("/api/v1/notifications", headers=headers).json()["items"]
        return 404 if all(n["id"] != notification_id for n in items) else 200
    return client.post(f"/api/v1/notifications/{notification_id}/read",
                       headers=headers).status_code


SUPERVISION = {"supervisor": "王主任", "requirements": "限期完成燃气管道更换"}
MAJOR_REGIME = ("supervise_major_hazard", "report_major_hazard_upward", "read_supervision_sheet")


def call_major(name, client, make, headers, hazard):
    url = f"/api/v1/hazards/{hazard.id}"
    if name == "read_supervision_sheet":
        qa = make.user(Role.qa_officer, center=make.org.qa)
        assert client.post(f"{url}/actions/supervise", json=SUPERVISION,
                           headers=make.headers(qa)).status_code == 200
        return client.get(f"{url}/supervision/sheet", headers=headers).status_code
    if name == "supervise_major_hazard":
        return client.post(f"{url}/actions/supervise", json=SUPERVISION,
                           headers=headers).status_code
    return client.post(f"{url}/actions/report_upward", headers=headers, json={
        "recipient": "学校保卫处", "reported_at": utcnow().isoformat(),
        "channel": "phone"}).status_code


def call(name, client, make, user):
    """Make the object the endpoint needs (owned by the catering center) and call it.
    Returns the status code (or, for lists, how many of the object are listed)."""
    if "notification" in name or name in ("count_unread", "read_all") or \
            name.endswith("escalations"):
        return call_inbox(name, client, make, user)
    if name in campaign_calls.EXPECTED:
        return campaign_calls.call(name, client, make, user)
    if name in rectification_calls.EXPECTED:
        return rectification_calls.call(name, client, make, user)
    if name in tables_calls.EXPECTED:
        return tables_calls.call(name, client, make, user)
    if name in records_calls.EXPECTED:
        return records_calls.call(name, client, make, user)
    if name in evaluation_calls.EXPECTED:
        return evaluation_calls.call(name, client, make, user)
    if name in stats_calls.EXPECTED:
        return stats_calls.call(name, client, make, user)
    if name in feed_calls.EXPECTED:
        return feed_calls.call(name, client, make, user)
    if name in webhook_calls.EXPECTED:
        return webhook_calls.call(name, client, make, user)
    if name in apikeys_calls.EXPECTED:
        return apikeys_calls.call(name, client, make, user)
    if name in exports_calls.EXPECTED:
        return exports_calls.call(name, client, make, user)
    org = make.org
    headers = make.headers(user)
    if name.endswith(("_plan", "_plans", "_plan_templates", "_tasks", "_from_template",
                      "_coverage")):
        return call_plans(name, client, make, headers)
    reporter = make.user(Role.inspector, center=org.catering)
    if name in MAJOR_REGIME:
        return call_major(name, client, make, headers, make.hazard(reporter, grade=Grade.major))
    if name.endswith("_hazard") and name != "report_hazard":
        hazard = make.hazard(reporter)
        action = {"assign_hazard": ("assign", plan(make)),
                  "cancel_hazard": ("cancel", {"reason": "重复上报"}),
                  "verify_hazard": ("verify", {})}.get(name)
        if action is None:
            return client.get(f"/api/v1/hazards/{hazard.id}", headers=headers).status_code
        return client.post(f"/api/v1/hazards/{hazard.id}/actions/{action[0]}", json=action[1],
                           headers=headers).status_code
    if name == "list_hazards":
        hazard = make.hazard(reporter)
        items = client.get("/api/v1/hazards", headers=headers).json()["items"]
        return sum(h["id"] == hazard.id for h in items)
    if name == "report_hazard":
        return client.post("/api/v1/hazards", headers=headers, json={
            "title": "灭火器过期", "site_id": org.kitchen.id, "category": "fire",
            "photo_ids": [make.photo(user).id], "client_id": str(uuid.uuid4())}).status_code
    if name == "read_photo":
        hazard = make.hazard(reporter)
        photo_id = client.get(f"/api/v1/hazards/{hazard.id}",
                              headers=make.headers(reporter)).json()["photos"][0]["id"]
        return client.get(f"/api/v1/photos/{photo_id}", headers=headers).status_code
    if name == "start_inspection":
        module_id = client.get("/api/v1/modules", headers=make.headers(reporter)) \
            .json()["items"][0]["id"]
        return client.post("/api/v1/inspections", headers=headers, json={
            "module_id": module_id, "site_id": org.kitchen.id, "kind": "routine"}).status_code
    if name in ("read_inspection", "save_answers", "submit_inspection", "discard_draft",
                "list_inspections"):
        inspection_id, _ = inspection(make, client)
        if name == "read_inspection":
            return client.get(f"/api/v1/inspections/{inspection_id}",
                              headers=headers).status_code
        if name == "save_answers":
            return client.put(f"/api/v1/inspections/{inspection_id}/answers", headers=headers,
                              json={"answers": []}).status_code
        if name == "submit_inspection":
            return client.post(f"/api/v1/inspections/{inspection_id}/submit",
                               headers=headers).status_code
        if name == "discard_draft":
            return client.delete(f"/api/v1/inspections/{inspection_id}",
                                 headers=headers).status_code
        items = client.get("/api/v1/inspections", headers=headers).json()["items"]
        return sum(i["id"] == inspection_id for i in items)
    if name == "center_members":
        return client.get(f"/api/v1/centers/{org.catering.id}/members",
                          headers=headers).status_code
    if name in ("site_labels", "site_label_data"):
        path = "/api/v1/sites/labels.pdf" if name == "site_labels" else "/api/v1/sites/labels"
        return client.get(path, params={"site_id": org.kitchen.id}, headers=headers).status_code
    if name == "verify_audit":
        return client.get("/api/v1/audit/verification", headers=headers).status_code
    assert name == "read_audit"
    return client.get("/api/v1/audit", headers=headers).status_code


@pytest.mark.parametrize("endpoint", list(EXPECTED))
@pytest.mark.parametrize("person", list(PEOPLE))
def test_permission_matrix(client, make, endpoint, person):
    role, center = PEOPLE[person]
    user = make.user(role, center=getattr(make.org, center) if center else None)
    assert call(endpoint, client, make, user) == EXPECTED[endpoint][person]


def test_the_owner_of_an_inspection_may_edit_it(client, make):
    owner = make.user(Role.inspector, center=make.org.catering)
    module_id = client.get("/api/v1/modules", headers=make.headers(owner)).json()["items"][0]["id"]
    iid = client.post("/api/v1/inspections", headers=make.headers(owner), json={
        "module_id": module_id, "site_id": make.org.kitchen.id}).json()["id"]
    assert client.put(f"/api/v1/inspections/{iid}/answers", headers=make.headers(owner),
                      json={"answers": []}).status_code == 200
    assert client.post(f"/api/v1/inspections/{iid}/submit",
                       headers=make.headers(owner)).status_code == 422  # incomplete


# what needs no bearer token: logging in, and photo files (their URL's signature is the key)
PUBLIC = {("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/token"),
          ("GET", "/api/v1/photos/{photo_id}/{variant}")}


def test_anonymous_callers_get_401_on_every_route(client, app):
    """Every API route of the app (a new one is covered the day it is added)."""
    checked = 0
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or \
                not route.path_format.startswith("/api/v1"):
            continue
        for method in (route.methods or set()) - {"HEAD"}:
            if (method, route.path_format) in PUBLIC:
                continue
            path = re.sub(r"\{[a-z_]+\}", "1", route.path_format)
            resp = client.request(method, path, json={})
            assert resp.status_code == 401, (method, route.path_format, resp.status_code)
            checked += 1
    assert checked > 40
