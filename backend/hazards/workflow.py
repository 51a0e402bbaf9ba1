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
- 挂牌督办 (``supervise``) is 质监办's, on an open major hazard, once: the order (督办单) is a
  document issued with its number, so it is neither amended nor replaced; it is lifted (摘牌)
  by the 销号 (closing) and stands again if the hazard is reopened.
- 上报 (``report_upward``, a report to the school or an authority) is 质监办's, on a major
  hazard, open or closed (the 销号 is reported too), as many as were made; the report is
  recorded in the timeline event, not on the hazard.
- The 销号 (``verify``) of a major hazard needs its evidence: the opinion (``comment``) and at
  least one photo (the site re-checked, or the acceptance/assessment documents photographed);
  ``documents`` names the papers relied on.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from backend.errors import Unprocessable
from backend.hazards import major_rules
from backend.hazards.bodies import (
    AssignIn,
    CommentIn,
    EditIn,
    ExtensionIn,
    FixOnSpotIn,
    HazardCreateIn,
    ReasonIn,
    SubmitIn,
    SuperviseIn,
    UpwardReportIn,
    VerifyIn,
)
from backend.hazards.major_rules import (  # noqa: F401 - re-exported: the table's errors
    COVERED_BY_GOVERNANCE_PLAN,
    GOVERNANCE_PLAN_FIELDS,
    ClosureEvidenceRequired,
    DateInFuture,
    GovernancePlanRequired,
    RestrictedUseMajorOnly,
    SupervisionDeadlineBeforeDate,
    UpwardReportBeforeHazard,
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
    supervise = "supervise"
    report_upward = "report_upward"


class Actor(StrEnum):
    """Who may take an action, relative to the hazard."""

    center_member = "center_member"
    center_manager = "center_manager"
    qa_officer = "qa_officer"
    reporter = "reporter"
    assignee = "assignee"
    verifier = "verifier"
    major_qa = "major_qa"
    canceller = "canceller"


ACTOR_RULES = {  # in words, for the API documentation
    Actor.center_member: "an inspector or manager of the hazard's center",
    Actor.center_manager: "the manager of the hazard's center",
    Actor.qa_officer: "质监办 (any center)",
    Actor.reporter: "who reported it",
    Actor.assignee: "the assignee",
    Actor.verifier: "general hazards: the center's manager or 质监办; major hazards: 质监办 "
                    "only; never the assignee or whoever submitted the rectification",
    Actor.major_qa: "质监办, on a major hazard",
    Actor.canceller: "general hazards: the center's manager or 质监办; major hazards: 质监办 "
                     "only (the supervised unit must not end its own 挂牌督办 or lift 停用)",
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
    hazard_id: int | None = None
    supervised: bool = False  # 挂牌督办 recorded
    # when it was found: the phone's capture time when earlier than the server's receipt
    found_at: datetime | None = None

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
    # what the timeline event records besides the hazard's columns (an upward report)
    recorded: dict[str, Any] = field(default_factory=dict)


class PlanIncomplete(Unprocessable):
    code = "plan_incomplete"
    message = "整改计划（五定）不完整"


def plan_required_for(grade: Grade, c: Context) -> tuple[str, ...]:
    """The short plan fields an assignment of a hazard of ``grade`` must fill."""
    if grade is Grade.major and c.major_governance_plan:
        return tuple(f for f in c.plan_required if f not in COVERED_BY_GOVERNANCE_PLAN)
    return c.plan_required


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
                   **major_rules.restricted_use(body.grade, body.restricted_use)},
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
    governance = major_rules.governance_plan(hazard.grade, body, c.major_governance_plan)
    return Change({**plan, "governance_plan": governance,
                   **major_rules.restricted_use(hazard.grade, body.restricted_use),
                   "extension_deadline": None, "extension_reason": None}, body.comment)


def _submit(_h: HazardFacts, body: SubmitIn, c: Context) -> Change:
    return Change({"rectification": body.description, "submitted_by_id": c.actor.user_id,
                   "submitted_at": c.now}, body.description, list(body.photo_ids))


def _verify(hazard: HazardFacts, body: VerifyIn, c: Context) -> Change:
    recorded = major_rules.closure_evidence(hazard.grade, body)
    late = hazard.deadline is not None and c.today > hazard.deadline
    return Change({"verifier_id": c.actor.user_id, "closed_at": c.now, "closed_late": late,
                   "restricted_use": False}, body.comment, list(body.photo_ids), recorded)


def _supervise(hazard: HazardFacts, body: SuperviseIn, c: Context) -> Change:
    return Change({"supervision": major_rules.supervision(
        hazard.hazard_id, body, by=c.actor.user_id, now=c.now, today=c.today)},
        body.requirements)


def _report_upward(hazard: HazardFacts, body: UpwardReportIn, c: Context) -> Change:
    return Change({}, body.note, recorded={
        "upward_report": major_rules.upward_report(body, c.now, hazard.found_at)})


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
    needs_supervision: bool | None = None  # True/False: 挂牌督办 must / must not be recorded
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
    Action.verify: _t({S.submitted}, S.closed, {A.verifier}, VerifyIn, _verify,
                      body_optional=True),
    Action.reject: _t({S.submitted}, S.assigned, {A.verifier}, ReasonIn, _reject),
    Action.cancel: _t({S.reported, S.assigned}, S.cancelled, {A.canceller}, ReasonIn, _cancel),
    Action.request_extension: _t({S.assigned}, None, {A.assignee}, ExtensionIn,
                                 _request_extension, needs_pending_extension=False),
    Action.approve_extension: _t({S.assigned}, None, MANAGERS, CommentIn, _approve_extension,
                                 needs_pending_extension=True, body_optional=True),
    Action.deny_extension: _t({S.assigned}, None, MANAGERS, CommentIn, _deny_extension,
                              needs_pending_extension=True, body_optional=True),
    Action.reopen: _t({S.closed}, S.assigned, {A.qa_officer}, ReasonIn, _reopen),
    Action.supervise: _t({S.reported, S.assigned, S.submitted}, None, {A.major_qa}, SuperviseIn,
                         _supervise, needs_supervision=False),
    Action.report_upward: _t({S.reported, S.assigned, S.submitted, S.closed}, None, {A.major_qa},
                             UpwardReportIn, _report_upward),
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
    if rule.needs_supervision is not None and rule.needs_supervision != hazard.supervised:
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
    if actor is Actor.major_qa:
        return qa and hazard.grade is Grade.major
    if actor is Actor.canceller:
        return qa or (manages and hazard.grade is not Grade.major)
    # verifier: never the one who did (or is responsible for) the work
    if user.user_id in (hazard.assignee_id, hazard.submitted_by_id):
        return False
    return qa if hazard.grade is Grade.major else (manages or qa)


def user_allowed(action: Action, user: ActorFacts, hazard: HazardFacts) -> bool:
    return any(_is(actor, user, hazard) for actor in TRANSITIONS[action].actors)


def allowed_actions(user: ActorFacts, hazard: HazardFacts) -> list[Action]:
    """The public actions this user may take now: exactly the phone's buttons."""
    return list(_allowed(user.roles, user.center_id == hazard.center_id,
                         hazard.reporter_id == user.user_id, hazard.assignee_id == user.user_id,
                         hazard.submitted_by_id == user.user_id, hazard.status, hazard.grade,
                         hazard.supervised, hazard.extension_pending))


@functools.lru_cache(maxsize=4096)
def _allowed(roles: frozenset[Role], member: bool, reporter: bool, assignee: bool,
             submitter: bool, status: Status | None, grade: Grade, supervised: bool,
             pending: bool) -> tuple[Action, ...]:
    """``allowed_actions`` of a standing: all that ``state_allows`` and ``_is`` read of a user
    and a hazard, decided by them on stand-in facts of exactly that standing. A list page asks
    the same few standings again and again: deciding each hazard afresh was a tenth of the
    hazard list's in-process time (bench/hazards.py); a property test holds the two equal."""
    user = ActorFacts(user_id=1, center_id=1, roles=roles)
    hazard = HazardFacts(status=status, grade=grade, center_id=1 if member else 2,
                         reporter_id=1 if reporter else None,
                         assignee_id=1 if assignee else None,
                         submitted_by_id=1 if submitter else None,
                         extension_deadline=date.max if pending else None,
                         supervised=supervised)
    return tuple(a for a in PUBLIC_ACTIONS
                 if state_allows(a, hazard) and user_allowed(a, user, hazard))
