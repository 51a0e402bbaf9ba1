"""The rectification state machine (隐患整改闭环): one declarative table, used by the API, by
``allowed_actions`` in every hazard response (the PWA's buttons) and by the tests.

Decisions where DOMAIN.md is silent, as the quality-supervision office would want them:
- ``assign`` is also allowed while ``assigned``: re-assigning (a new person, plan or deadline) is
  recorded in the timeline with old and new values instead of cancelling and re-reporting.
- The one who acts on a center's hazard is that center's manager, or 质监办 for any center.
- ``verify`` and ``reject`` follow the same rule: general hazards by the center manager or 质监办,
  major hazards by 质监办 only, and never by the assignee or by whoever submitted the
  rectification (no self-verification).
- ``request_extension`` is the assignee's; at most one request is pending at a time.
- ``reopen`` (the problem came back) is 质监办's only.
"""

from dataclasses import dataclass
from enum import StrEnum

from backend.vocab import Grade, Role


class Status(StrEnum):
    reported = "reported"
    assigned = "assigned"
    submitted = "submitted"
    closed = "closed"
    cancelled = "cancelled"


class Action(StrEnum):
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

    center_manager = "center_manager"  # manager of the hazard's center
    qa_officer = "qa_officer"  # 质监办, any center
    assignee = "assignee"
    verifier = "verifier"  # general: center manager or qa; major: qa; never the assignee


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status | None  # None: the status does not change
    actors: frozenset[Actor]
    needs_pending_extension: bool | None = None  # True/False: must / must not be pending


def _t(sources: set[Status], target: Status | None, actors: set[Actor],
       pending: bool | None = None) -> Transition:
    return Transition(frozenset(sources), target, frozenset(actors), pending)


S, A = Status, Actor
TRANSITIONS: dict[Action, Transition] = {
    Action.assign: _t({S.reported, S.assigned}, S.assigned, {A.center_manager, A.qa_officer}),
    Action.submit: _t({S.assigned}, S.submitted, {A.assignee}),
    Action.verify: _t({S.submitted}, S.closed, {A.verifier}),
    Action.reject: _t({S.submitted}, S.assigned, {A.verifier}),
    Action.cancel: _t({S.reported, S.assigned}, S.cancelled, {A.center_manager, A.qa_officer}),
    Action.request_extension: _t({S.assigned}, None, {A.assignee}, pending=False),
    Action.approve_extension: _t({S.assigned}, None, {A.center_manager, A.qa_officer},
                                 pending=True),
    Action.deny_extension: _t({S.assigned}, None, {A.center_manager, A.qa_officer},
                              pending=True),
    Action.reopen: _t({S.closed}, S.assigned, {A.qa_officer}),
}
OPEN = frozenset({S.reported, S.assigned, S.submitted})
FINAL = frozenset({S.closed, S.cancelled})


@dataclass(frozen=True)
class HazardFacts:
    """What the rules need to know about a hazard (kept free of the ORM for unit tests)."""

    status: Status
    grade: Grade
    center_id: int
    assignee_id: int | None
    submitted_by_id: int | None
    extension_pending: bool


@dataclass(frozen=True)
class ActorFacts:
    user_id: int
    center_id: int | None
    roles: frozenset[Role]


def state_allows(action: Action, hazard: HazardFacts) -> bool:
    rule = TRANSITIONS[action]
    if hazard.status not in rule.sources:
        return False
    return rule.needs_pending_extension is None \
        or rule.needs_pending_extension == hazard.extension_pending


def _is(actor: Actor, user: ActorFacts, hazard: HazardFacts) -> bool:
    manages = Role.center_manager in user.roles and user.center_id == hazard.center_id
    qa = Role.qa_officer in user.roles
    if actor is Actor.center_manager:
        return manages
    if actor is Actor.qa_officer:
        return qa
    if actor is Actor.assignee:
        return hazard.assignee_id == user.user_id
    # verifier: never the one who did (or is responsible for) the work
    if user.user_id in (hazard.assignee_id, hazard.submitted_by_id):
        return False
    return qa if hazard.grade is Grade.major else (manages or qa)


def user_allowed(action: Action, user: ActorFacts, hazard: HazardFacts) -> bool:
    return any(_is(actor, user, hazard) for actor in TRANSITIONS[action].actors)


def allowed_actions(user: ActorFacts, hazard: HazardFacts) -> list[Action]:
    return [a for a in Action if state_allows(a, hazard) and user_allowed(a, user, hazard)]
