"""The rectification state machine (隐患整改闭环): ONE declarative table, the single source for
the API's per-action routes and their request bodies, for ``allowed_actions`` in every hazard
response (the PWA's buttons), for what each action changes, and for the tests. Everything here
is pure: plain facts in, a decision or a change out.

Decisions where DOMAIN.md is silent, as the quality-supervision office would want them:
- ``assign`` is also allowed while ``assigned``: re-assigning (a new person, plan or deadline) is
  recorded in the timeline with old and new values instead of cancelling and re-reporting.
- The one who acts on a center's hazard is that center's manager, or 质监办 for any center.
- ``verify`` and ``reject`` follow the same rule: general hazards by the center manager or 质监办,
  major hazards by 质监办 only, and never by the assignee or by whoever submitted the
  rectification (no self-verification).
- ``fix_on_spot`` (当场整改 during an inspection) closes a general hazard on the inspector's word
  and photos; a major one goes to ``submitted`` and waits for 质监办's verification.
- ``request_extension`` is the assignee's; at most one request is pending at a time.
- ``reopen`` (the problem came back) is 质监办's only.
- ``edit`` (title, description) is for the reporter, the center's manager and 质监办 until the
  hazard is assigned: the plan is made on what the report says.
- A major hazard's assignment carries a 治理方案 (``governance_plan``, seven fields) instead of
  the short measures, cost and interim measures (assignee and deadline stay: the workflow runs
  on them); a general hazard's may carry one too, checked alike. A deployment may turn the
  requirement off (``Settings.major_hazard_governance_plan``).
- 停用/封控 (``restricted_use``) is for major hazards only: set on the report or by whoever
  assigns; closing or cancelling the hazard lifts it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from backend.errors import Unprocessable
from backend.hazards.bodies import (
    AssignIn,
    CommentIn,
    EditIn,
    ExtensionIn,
    FixOnSpotIn,
    GovernancePlanIn,
    HazardCreateIn,
    ReasonIn,
    SubmitIn,
)
from backend.vocab import Grade, Role


class Status(StrEnum):
    reported = "reported"
    assigned = "assigned"
    submitted = "submitted"
    closed = "closed"
    cancelled = "cancelled"


class Action(StrEnum):
    report = "report"
    fix_on_spot = "fix_on_spot"
    edit = "edit"
    assign = "assign"
    submit = "submit"
    verify = "verify"
    reject = "reject"
    cancel = "cancel"
    request_extension = "request_extension"
    approve_extension = "approve_extension"
    deny_extension = "deny_extension"
    reopen = "reopen"


class Actor(StrEnum):
    """Who may take an action, relative to the hazard."""

    center_member = "center_member"
    center_manager = "center_manager"
    qa_officer = "qa_officer"
    reporter = "reporter"
    assignee = "assignee"
    verifier = "verifier"


ACTOR_RULES = {  # in words, for the API documentation
    Actor.center_member: "an inspector or manager of the hazard's center",
    Actor.center_manager: "the manager of the hazard's center",
    Actor.qa_officer: "质监办 (any center)",
    Actor.reporter: "who reported it",
    Actor.assignee: "the assignee",
    Actor.verifier: "general hazards: the center's manager or 质监办; major hazards: 质监办 "
                    "only; never the assignee or whoever submitted the rectification",
}


@dataclass(frozen=True)
class HazardFacts:
    """What the rules need to know about a hazard (kept free of the ORM for unit tests).
    ``status`` None is a hazard about to be reported."""

    status: Status | None
    grade: Grade
    center_id: int
    reporter_id: int | None = None
    assignee_id: int | None = None
    submitted_by_id: int | None = None
    deadline: date | None = None
    extension_deadline: date | None = None

    @property
    def extension_pending(self) -> bool:
        return self.extension_deadline is not None


@dataclass(frozen=True)
class ActorFacts:
    user_id: int
    center_id: int | None
    roles: frozenset[Role]


@dataclass(frozen=True)
class Context:
    """What an action's change depends on besides the hazard and the body."""

    actor: ActorFacts
    now: datetime
    today: date  # Asia/Shanghai
    plan_required: tuple[str, ...] = ("assignee_id", "measures", "cost_estimate", "deadline",
                                      "interim_measures")
    major_governance_plan: bool = True  # a major hazard's assignment needs a 治理方案


@dataclass(frozen=True)
class Change:
    """The columns an action sets, its timeline comment and the photos it attaches."""

    fields: dict[str, Any]
    comment: str | None = None
    photo_ids: list[int] = field(default_factory=list)


class PlanIncomplete(Unprocessable):
    code = "plan_incomplete"
    message = "整改计划（五定）不完整"


class GovernancePlanRequired(Unprocessable):
    code = "governance_plan_required"
    message = "重大隐患须制定完整的治理方案"


class RestrictedUseMajorOnly(Unprocessable):
    code = "restricted_use_major_only"
    message = "停用/封控仅适用于重大隐患"


GOVERNANCE_PLAN_FIELDS = tuple(GovernancePlanIn.model_fields)
# the short plan fields a 治理方案 takes the place of (方法措施, 经费物资, 安全措施/应急预案)
COVERED_BY_GOVERNANCE_PLAN = frozenset({"measures", "cost_estimate", "interim_measures"})


def plan_required_for(grade: Grade, c: Context) -> tuple[str, ...]:
    """The short plan fields an assignment of a hazard of ``grade`` must fill."""
    if grade is Grade.major and c.major_governance_plan:
        return tuple(f for f in c.plan_required if f not in COVERED_BY_GOVERNANCE_PLAN)
    return c.plan_required


def _governance_plan(hazard: HazardFacts, body: AssignIn, c: Context) -> dict[str, str] | None:
    """The 治理方案 to store: required for a major hazard, checked alike when sent for a
    general one; ``time_limit`` defaults to the deadline."""
    if body.governance_plan is None \
            and not (hazard.grade is Grade.major and c.major_governance_plan):
        return None
    plan = body.governance_plan.model_dump() if body.governance_plan else {}
    if plan.get("time_limit") is None and body.deadline is not None:
        plan["time_limit"] = body.deadline.isoformat()
    missing = [f for f in GOVERNANCE_PLAN_FIELDS if plan.get(f) is None]
    if missing:
        raise GovernancePlanRequired(details={"missing": missing})
    return plan


def _restricted_use(grade: Grade, restricted: bool | None) -> dict[str, bool]:
    if restricted and grade is not Grade.major:
        raise RestrictedUseMajorOnly(details={"grade": grade.value})
    return {} if restricted is None else {"restricted_use": restricted}


class DeadlineInPast(Unprocessable):
    code = "deadline_in_past"
    message = "整改期限不能早于今天"


class ExtensionNotLater(Unprocessable):
    code = "extension_not_later"
    message = "新期限必须晚于当前期限"


def _report(_h: HazardFacts, body: HazardCreateIn, _c: Context) -> Change:
    return Change({"title": body.title, "description": body.description,
                   "category": body.category, "grade": body.grade, "source": body.source,
                   "captured_at": body.captured_at,
                   **_restricted_use(body.grade, body.restricted_use)},
                  photo_ids=list(body.photo_ids))


def _fix_on_spot(hazard: HazardFacts, body: FixOnSpotIn, c: Context) -> Change:
    fields: dict[str, Any] = {"fixed_on_spot": True, "assignee_id": c.actor.user_id,
                              "submitted_by_id": c.actor.user_id, "submitted_at": c.now,
                              "rectification": body.note or "当场整改"}
    if target_of(Action.fix_on_spot, hazard) is Status.closed:
        fields["closed_at"] = c.now
    return Change(fields, fields["rectification"], list(body.photo_ids))


def _edit(_h: HazardFacts, body: EditIn, _c: Context) -> Change:
    return Change(body.model_dump(exclude_none=True))


def _assign(hazard: HazardFacts, body: AssignIn, c: Context) -> Change:
    plan = body.model_dump(exclude={"comment", "governance_plan", "restricted_use"})
    missing = [f for f in plan_required_for(hazard.grade, c) if plan.get(f) in (None, "")]
    if missing:
        raise PlanIncomplete(details={"missing": missing})
    if body.deadline is not None and body.deadline < c.today:
        raise DeadlineInPast(details={"deadline": body.deadline.isoformat()})
    return Change({**plan, "governance_plan": _governance_plan(hazard, body, c),
                   **_restricted_use(hazard.grade, body.restricted_use),
                   "extension_deadline": None, "extension_reason": None}, body.comment)


def _submit(_h: HazardFacts, body: SubmitIn, c: Context) -> Change:
    return Change({"rectification": body.description, "submitted_by_id": c.actor.user_id,
                   "submitted_at": c.now}, body.description, list(body.photo_ids))


def _verify(hazard: HazardFacts, body: CommentIn, c: Context) -> Change:
    late = hazard.deadline is not None and c.today > hazard.deadline
    return Change({"verifier_id": c.actor.user_id, "closed_at": c.now, "closed_late": late,
                   "restricted_use": False}, body.comment)


def _reject(_h: HazardFacts, body: ReasonIn, _c: Context) -> Change:
    return Change({}, body.reason)


def _cancel(_h: HazardFacts, body: ReasonIn, _c: Context) -> Change:
    return Change({"cancel_reason": body.reason, "restricted_use": False}, body.reason)


def _request_extension(hazard: HazardFacts, body: ExtensionIn, _c: Context) -> Change:
    if hazard.deadline is not None and body.deadline <= hazard.deadline:
        raise ExtensionNotLater(details={"deadline": hazard.deadline.isoformat()})
    return Change({"extension_deadline": body.deadline, "extension_reason": body.reason},
                  body.reason)


def _approve_extension(hazard: HazardFacts, body: CommentIn, _c: Context) -> Change:
    return Change({"deadline": hazard.extension_deadline, "extension_deadline": None,
                   "extension_reason": None}, body.comment)


def _deny_extension(_h: HazardFacts, body: CommentIn, _c: Context) -> Change:
    return Change({"extension_deadline": None, "extension_reason": None}, body.comment)


def _reopen(_h: HazardFacts, body: ReasonIn, _c: Context) -> Change:
    return Change({"verifier_id": None, "closed_at": None, "closed_late": False}, body.reason)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status | None]  # None: the hazard does not exist yet
    target: Status | None  # None: the status does not change
    actors: frozenset[Actor]
    body: type[BaseModel]
    apply: Callable[[HazardFacts, Any, Context], Change]
    needs_pending_extension: bool | None = None  # True/False: must / must not be pending
    target_if_major: Status | None = None
    public: bool = True  # False: taken by the server itself (a report or a checklist submit)
    body_optional: bool = False  # True: the request may have no body at all


def _t(sources: set[Status | None], target: Status | None, actors: set[Actor],
       body: type[BaseModel], apply: Callable[[HazardFacts, Any, Context], Change],
       **options: Any) -> Transition:
    return Transition(frozenset(sources), target, frozenset(actors), body, apply, **options)


S, A = Status, Actor
MANAGERS = {A.center_manager, A.qa_officer}
TRANSITIONS: dict[Action, Transition] = {
    Action.report: _t({None}, S.reported, {A.center_member, A.qa_officer}, HazardCreateIn,
                      _report, public=False),
    Action.fix_on_spot: _t({S.reported}, S.closed, {A.reporter}, FixOnSpotIn, _fix_on_spot,
                           target_if_major=S.submitted, public=False),
    Action.edit: _t({S.reported}, None, {A.reporter, *MANAGERS}, EditIn, _edit),
    Action.assign: _t({S.reported, S.assigned}, S.assigned, MANAGERS, AssignIn, _assign),
    Action.submit: _t({S.assigned}, S.submitted, {A.assignee}, SubmitIn, _submit),
    Action.verify: _t({S.submitted}, S.closed, {A.verifier}, CommentIn, _verify,
                      body_optional=True),
    Action.reject: _t({S.submitted}, S.assigned, {A.verifier}, ReasonIn, _reject),
    Action.cancel: _t({S.reported, S.assigned}, S.cancelled, MANAGERS, ReasonIn, _cancel),
    Action.request_extension: _t({S.assigned}, None, {A.assignee}, ExtensionIn,
                                 _request_extension, needs_pending_extension=False),
    Action.approve_extension: _t({S.assigned}, None, MANAGERS, CommentIn, _approve_extension,
                                 needs_pending_extension=True, body_optional=True),
    Action.deny_extension: _t({S.assigned}, None, MANAGERS, CommentIn, _deny_extension,
                              needs_pending_extension=True, body_optional=True),
    Action.reopen: _t({S.closed}, S.assigned, {A.qa_officer}, ReasonIn, _reopen),
}
PUBLIC_ACTIONS = tuple(a for a, t in TRANSITIONS.items() if t.public)
# the actions a client can take (and filter by): the table's public rows
PublicAction = StrEnum("PublicAction", {a.name: a.value for a in PUBLIC_ACTIONS})  # type: ignore[misc]
OPEN = frozenset({S.reported, S.assigned, S.submitted})


def target_of(action: Action, hazard: HazardFacts) -> Status | None:
    """The status after ``action`` (None: unchanged)."""
    rule = TRANSITIONS[action]
    if rule.target_if_major is not None and hazard.grade is Grade.major:
        return rule.target_if_major
    return rule.target


def state_allows(action: Action, hazard: HazardFacts) -> bool:
    rule = TRANSITIONS[action]
    if hazard.status not in rule.sources:
        return False
    return rule.needs_pending_extension is None \
        or rule.needs_pending_extension == hazard.extension_pending


def _is(actor: Actor, user: ActorFacts, hazard: HazardFacts) -> bool:
    member = user.center_id == hazard.center_id
    manages = Role.center_manager in user.roles and member
    qa = Role.qa_officer in user.roles
    if actor is Actor.center_member:
        return member and bool(user.roles & {Role.inspector, Role.center_manager})
    if actor is Actor.center_manager:
        return manages
    if actor is Actor.qa_officer:
        return qa
    if actor is Actor.reporter:
        return hazard.reporter_id == user.user_id
    if actor is Actor.assignee:
        return hazard.assignee_id == user.user_id
    # verifier: never the one who did (or is responsible for) the work
    if user.user_id in (hazard.assignee_id, hazard.submitted_by_id):
        return False
    return qa if hazard.grade is Grade.major else (manages or qa)


def user_allowed(action: Action, user: ActorFacts, hazard: HazardFacts) -> bool:
    return any(_is(actor, user, hazard) for actor in TRANSITIONS[action].actors)


def allowed_actions(user: ActorFacts, hazard: HazardFacts) -> list[Action]:
    """The public actions this user may take now: exactly the phone's buttons."""
    return [a for a in PUBLIC_ACTIONS
            if state_allows(a, hazard) and user_allowed(a, user, hazard)]
