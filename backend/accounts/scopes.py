"""What an API key may call: every operation of the API mapped to the scope it needs.

One table, read on every request a key makes (:func:`check`): an operation mapped to a scope
(or to any of several) is open to keys holding it; one mapped to ``PEOPLE`` answers a key 403
``people_only``; ``PUBLIC`` operations authenticate nobody. An operation missing from the table
is refused to keys like ``PEOPLE`` and fails tests/accounts/test_scopes.py, which walks the
OpenAPI document: a new route is classified the day it is added (one line here).

Scopes decide which operations a key reaches; the roles of its service user (a leader to read,
质监办 to report) and its center limit then decide what it sees there, as for a person.
Hazard workflow actions, inspections' writes, records and administration stay with people:
their rules name people (the assignee, the center's manager, no self-verification)."""

from enum import StrEnum

from backend.errors import Forbidden


class Scope(StrEnum):
    hazards_read = "hazards:read"
    hazards_write = "hazards:write"
    inspections_read = "inspections:read"
    photos_write = "photos:write"
    stats_read = "stats:read"
    events_read = "events:read"
    exports_read = "exports:read"


WRITE_SCOPES = frozenset({Scope.hazards_write, Scope.photos_write})
PEOPLE = "people"  # no key may call it
PUBLIC = "public"  # needs no credential at all (login; a photo file's signed URL)
Needs = Scope | tuple[Scope, ...] | str
READS = (Scope.hazards_read, Scope.inspections_read)
# what a sensor needs to name its site, and a reader to name the places it reads about
ORG_READS = (Scope.hazards_read, Scope.hazards_write, Scope.inspections_read, Scope.stats_read,
             Scope.exports_read, Scope.events_read)
A = "/api/v1"

OPERATIONS: dict[tuple[str, str], Needs] = {
    ("POST", f"{A}/auth/login"): PUBLIC,
    ("POST", f"{A}/auth/token"): PUBLIC,
    ("GET", f"{A}/photos/{{photo_id}}/{{variant}}"): PUBLIC,
    # hazards
    ("GET", f"{A}/hazards"): Scope.hazards_read,
    ("GET", f"{A}/hazards/{{hazard_id}}"): Scope.hazards_read,
    ("GET", f"{A}/hazards/stats"): (Scope.hazards_read, Scope.stats_read),
    ("GET", f"{A}/hazards/{{hazard_id}}/supervision/sheet"): Scope.hazards_read,
    ("GET", f"{A}/escalations"): Scope.hazards_read,
    ("POST", f"{A}/hazards"): Scope.hazards_write,
    ("POST", f"{A}/photos"): Scope.photos_write,
    ("GET", f"{A}/photos/{{photo_id}}"): (*READS, Scope.photos_write),
    # inspections and what they are run with
    ("GET", f"{A}/inspections"): Scope.inspections_read,
    ("GET", f"{A}/inspections/{{inspection_id}}"): Scope.inspections_read,
    ("GET", f"{A}/modules"): Scope.inspections_read,
    ("GET", f"{A}/modules/{{module_id}}"): Scope.inspections_read,
    ("GET", f"{A}/modules/{{module_id}}/versions"): Scope.inspections_read,
    ("GET", f"{A}/modules/{{module_id}}/versions/{{version}}"): Scope.inspections_read,
    ("GET", f"{A}/tasks"): Scope.inspections_read,
    ("GET", f"{A}/tasks/coverage/sites"): Scope.inspections_read,
    ("GET", f"{A}/tasks/coverage/inspectors"): Scope.inspections_read,
    ("GET", f"{A}/plans"): Scope.inspections_read,
    ("GET", f"{A}/plans/{{plan_id}}"): Scope.inspections_read,
    ("GET", f"{A}/plans/templates"): Scope.inspections_read,
    # the organisation
    ("GET", f"{A}/centers"): ORG_READS,
    ("GET", f"{A}/campuses"): ORG_READS,
    ("GET", f"{A}/sites"): ORG_READS,
    ("GET", f"{A}/sites/{{site_id}}"): ORG_READS,
    ("GET", f"{A}/sites/by-code/{{code}}"): ORG_READS,
    ("GET", f"{A}/sites/labels.pdf"): ORG_READS,
    ("GET", f"{A}/sites/labels"): ORG_READS,
    # the control room, the feed, the exports
    ("GET", f"{A}/stats/overview"): Scope.stats_read,
    ("GET", f"{A}/events/stream"): Scope.events_read,
    ("GET", f"{A}/events"): Scope.events_read,
    ("GET", f"{A}/exports/table1.xlsx"): Scope.exports_read,
    ("GET", f"{A}/exports/table2.xlsx"): Scope.exports_read,
    ("GET", f"{A}/exports/table3.xlsx"): Scope.exports_read,
    **{("GET", f"{A}/exports/{name}"): Scope.exports_read for name in (
        "hazards.csv", "hazards.xlsx", "inspections.csv", "inspections.xlsx")},
}
# everything else of this API is for people: listed, so that the test can tell "classified as
# people only" from "forgotten"
_PEOPLE_ONLY = """
POST /auth/logout; GET /me; POST /me/password; GET /me/todo
GET /users; POST /users; GET /users/{user_id}; PATCH /users/{user_id}
POST /users/{user_id}/password; POST /users/{user_id}/one-time-password
GET /centers/{center_id}/members
GET /api-keys; POST /api-keys; GET /api-keys/{key_id}; POST /api-keys/{key_id}/revoke
POST /centers; PATCH /centers/{center_id}; POST /campuses; PATCH /campuses/{campus_id}
POST /sites; PATCH /sites/{site_id}; POST /modules; POST /modules/{module_id}/versions
GET /audit; GET /audit/verification; GET /notifications; POST /notifications/read-all
GET /notifications/unread-count; POST /notifications/{notification_id}/read
POST /inspections; DELETE /inspections/{inspection_id}
PUT /inspections/{inspection_id}/answers; POST /inspections/{inspection_id}/submit
POST /plans; POST /plans/from-template; PATCH /plans/{plan_id}
GET /campaigns; POST /campaigns; GET /campaigns/{campaign_id}
GET /campaigns/{campaign_id}/attachment; PUT /campaigns/{campaign_id}/attachment
POST /campaigns/{campaign_id}/cancel; POST /campaigns/{campaign_id}/receipt
GET /external-inspections; POST /external-inspections
GET /external-inspections/{external_inspection_id}
POST /external-inspections/{external_inspection_id}/findings
GET /evaluation; GET /evaluation/weights; PUT /evaluation/weights
POST /imports/table2.xlsx; POST /imports/table3.xlsx
GET /rectification-entries; POST /rectification-entries
GET /rectification-entries/{entry_id}; PATCH /rectification-entries/{entry_id}
DELETE /rectification-entries/{entry_id}
GET /action-campaigns; POST /action-campaigns; GET /action-campaigns/{action_campaign_id}
PATCH /action-campaigns/{action_campaign_id}
GET /action-campaigns/{action_campaign_id}/submissions
POST /action-campaigns/{action_campaign_id}/submissions
GET /webhooks; POST /webhooks; GET /webhooks/event-types; GET /webhooks/{subscription_id}
PATCH /webhooks/{subscription_id}; DELETE /webhooks/{subscription_id}
GET /webhooks/{subscription_id}/deliveries
GET /webhooks/{subscription_id}/deliveries/{delivery_id}
POST /webhooks/{subscription_id}/deliveries/{delivery_id}/resend
POST /webhooks/{subscription_id}/test
"""
OPERATIONS.update({(m, A + p): PEOPLE for m, p in (
    line.split() for line in _PEOPLE_ONLY.replace(";", "\n").splitlines() if line.strip())})
# the hazard workflow's actions (backend/hazards/workflow.py): people's decisions
OPERATIONS.update({("POST", f"{A}/hazards/{{hazard_id}}/actions/{action}"): PEOPLE for action in (
    "approve_extension", "assign", "cancel", "deny_extension", "edit", "reject", "reopen",
    "report_upward", "request_extension", "submit", "supervise", "verify")})
# 附表1/2 records and trainings: one description per kind drives their routes
for _kind in ("accountability-records", "regulations", "responsibility-items", "trainings"):
    OPERATIONS.update({(m, f"{A}/{_kind}{p}"): PEOPLE for m, p in (
        ("GET", ""), ("POST", ""), ("GET", "/{record_id}"), ("PATCH", "/{record_id}"),
        ("DELETE", "/{record_id}"), ("POST", "/{record_id}/attachments"),
        ("GET", "/{record_id}/attachments/{attachment_id}"),
        ("DELETE", "/{record_id}/attachments/{attachment_id}"))})


class ScopeMissing(Forbidden):
    code = "scope_missing"
    message = "该 API 密钥没有调用此接口所需的权限范围"


class PeopleOnly(Forbidden):
    code = "people_only"
    message = "此接口仅供人员账号使用，API 密钥不能调用"


def needed(method: str, path: str) -> Needs:
    """What the operation (its method and path template) needs; unknown ones are people's."""
    return OPERATIONS.get(("GET" if method == "HEAD" else method, path), PEOPLE)


def check(method: str, path: str, held: list[str]) -> None:
    """Let a key holding the scopes ``held`` call the operation, or raise 403."""
    needs = needed(method, path)
    if needs == PUBLIC:
        return
    if needs == PEOPLE:
        raise PeopleOnly(details={"operation": f"{method} {path}"})
    wanted = needs if isinstance(needs, tuple) else (needs,)
    if not any(scope in held for scope in wanted):
        raise ScopeMissing(details={"operation": f"{method} {path}",
                                    "required_scopes": [str(s) for s in wanted]})
