"""The state machine's rules as plain functions, and a property-based run of random actions by
random people checking the invariants after every step."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from pydantic import ValidationError

from backend import clock
from backend.errors import AppError
from backend.hazards import service, workflow
from backend.hazards.bodies import FixOnSpotIn, UpwardReportIn
from backend.hazards.models import Hazard, HazardEvent
from backend.hazards.workflow import Action, ActorFacts, HazardFacts, Status
from backend.photos.service import photos_by_owner
from backend.vocab import Grade, Role


def facts(status=Status.reported, grade=Grade.general, assignee=None, submitter=None,
          pending=False, reporter=None, supervised=False):
    return HazardFacts(status=status, grade=grade, center_id=1, reporter_id=reporter,
                       assignee_id=assignee, submitted_by_id=submitter,
                       extension_deadline=date(2030, 1, 1) if pending else None,
                       supervised=supervised)


MANAGER = ActorFacts(user_id=10, center_id=1, roles=frozenset({Role.center_manager}))
OTHER_MANAGER = ActorFacts(user_id=11, center_id=2, roles=frozenset({Role.center_manager}))
QA = ActorFacts(user_id=12, center_id=9, roles=frozenset({Role.qa_officer}))
WORKER = ActorFacts(user_id=13, center_id=1, roles=frozenset({Role.inspector}))
LEADER = ActorFacts(user_id=14, center_id=None, roles=frozenset({Role.leader}))


@pytest.mark.parametrize("user, hazard, expected", [
    (MANAGER, facts(), [Action.edit, Action.assign, Action.cancel]),
    (OTHER_MANAGER, facts(), []),
    (QA, facts(), [Action.edit, Action.assign, Action.cancel]),
    (LEADER, facts(), []),
    (WORKER, facts(reporter=13), [Action.edit]),
    (WORKER, facts(Status.assigned, assignee=13), [Action.submit, Action.request_extension]),
    (WORKER, facts(Status.assigned, assignee=13, pending=True), [Action.submit]),
    (MANAGER, facts(Status.assigned, assignee=13, pending=True),
     [Action.assign, Action.cancel, Action.approve_extension, Action.deny_extension]),
    (MANAGER, facts(Status.submitted, assignee=13, submitter=13), [Action.verify, Action.reject]),
    (MANAGER, facts(Status.submitted, Grade.major, assignee=13, submitter=13), []),
    (QA, facts(Status.submitted, Grade.major, assignee=13, submitter=13),
     [Action.verify, Action.reject, Action.supervise, Action.report_upward]),
    (QA, facts(Status.submitted, Grade.major, assignee=13, submitter=13, supervised=True),
     [Action.verify, Action.reject, Action.report_upward]),  # 挂牌督办 once
    (QA, facts(Status.closed, Grade.major, assignee=13), [Action.reopen, Action.report_upward]),
    (QA, facts(Status.cancelled, Grade.major), []),
    # a major hazard is cancelled by 质监办 only: the supervised unit must not end its 督办
    (MANAGER, facts(Status.reported, Grade.major), [Action.edit, Action.assign]),
    (MANAGER, facts(Status.assigned, Grade.major, assignee=13, supervised=True), [Action.assign]),
    (QA, facts(Status.assigned, Grade.major, assignee=13, supervised=True),
     [Action.assign, Action.cancel, Action.report_upward]),
    (MANAGER, facts(Status.submitted, assignee=10, submitter=10), []),  # no self-verification
    (QA, facts(Status.closed, assignee=13), [Action.reopen]),
    (MANAGER, facts(Status.closed, assignee=13), []),
    (QA, facts(Status.cancelled), []),
])
def test_allowed_actions(user, hazard, expected):
    assert workflow.allowed_actions(user, hazard) == expected


PEOPLE = st.sampled_from([None, 1, 2, 3])


@settings(max_examples=400, deadline=None)
@given(user_id=st.sampled_from([1, 2, 3]), user_center=st.sampled_from([None, 1, 2]),
       roles=st.frozensets(st.sampled_from(list(Role)), max_size=3),
       status=st.sampled_from([None, *Status]), grade=st.sampled_from(list(Grade)),
       center=st.sampled_from([1, 2]), reporter=PEOPLE, assignee=PEOPLE, submitter=PEOPLE,
       pending=st.booleans(), supervised=st.booleans(),
       deadline=st.sampled_from([None, date(2026, 1, 1)]))
def test_allowed_actions_of_a_standing_are_the_rules_on_the_facts(
        user_id, user_center, roles, status, grade, center, reporter, assignee, submitter,
        pending, supervised, deadline):
    """allowed_actions answers from a cache keyed by the user's standing to the hazard: it
    must be what the rules decide on the facts themselves."""
    user = ActorFacts(user_id=user_id, center_id=user_center, roles=roles)
    hazard = HazardFacts(status=status, grade=grade, center_id=center, reporter_id=reporter,
                         assignee_id=assignee, submitted_by_id=submitter, deadline=deadline,
                         extension_deadline=date(2030, 1, 1) if pending else None,
                         supervised=supervised, hazard_id=7,
                         found_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert workflow.allowed_actions(user, hazard) == [
        a for a in workflow.PUBLIC_ACTIONS
        if workflow.state_allows(a, hazard) and workflow.user_allowed(a, user, hazard)]


def test_every_action_has_a_rule_and_closed_states_are_final_but_for_reopen():
    assert set(workflow.TRANSITIONS) == set(Action)
    for action, transition in workflow.TRANSITIONS.items():
        assert Status.cancelled not in transition.sources
        if Status.closed in transition.sources:  # the 销号 of a major one is reported upward
            assert action in (Action.reopen, Action.report_upward)
    assert set(workflow.PUBLIC_ACTIONS) == set(Action) - {Action.report, Action.fix_on_spot}


def test_reporting_is_for_the_centers_people_and_qa():
    new = facts(status=None)
    assert workflow.user_allowed(Action.report, WORKER, new)
    assert workflow.user_allowed(Action.report, MANAGER, new)
    assert workflow.user_allowed(Action.report, QA, new)
    assert not workflow.user_allowed(Action.report, OTHER_MANAGER, new)
    assert not workflow.user_allowed(Action.report, LEADER, new)
    assert workflow.state_allows(Action.report, new)
    assert not workflow.state_allows(Action.report, facts())


@pytest.mark.parametrize("reported_at, refused", [
    ("2026-12-01T08:59:00+08:00", "upward_report_before_hazard"),  # before it was found
    ("2026-12-01T09:00:00+08:00", None),  # the minute it was found (the form's precision)
    ("2026-12-01T17:50:00+08:00", None),
    ("2026-12-01T18:11:00+08:00", "date_in_future"),  # past the 10 minutes' clock skew
])
def test_an_upward_report_is_dated_between_the_finding_and_now(reported_at, refused):
    found = datetime(2026, 12, 1, 1, 0, 40, tzinfo=UTC)  # 09:00:40 in Asia/Shanghai
    hazard = HazardFacts(status=Status.assigned, grade=Grade.major, center_id=1,
                         found_at=found)
    context = workflow.Context(actor=QA, now=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
                               today=date(2026, 12, 1))
    body = UpwardReportIn(recipient="学校保卫处", reported_at=reported_at, channel="phone")
    apply = workflow.TRANSITIONS[Action.report_upward].apply
    if refused is None:
        assert apply(hazard, body, context).recorded["upward_report"]["recipient"] == "学校保卫处"
    else:
        with pytest.raises(AppError) as raised:
            apply(hazard, body, context)
        assert raised.value.code == refused and raised.value.status_code == 422


@pytest.mark.parametrize("grade, target", [(Grade.general, Status.closed),
                                           (Grade.major, Status.submitted)])
def test_an_on_the_spot_fix_closes_only_a_general_hazard(grade, target):
    hazard = facts(grade=grade, reporter=WORKER.user_id)
    assert workflow.user_allowed(Action.fix_on_spot, WORKER, hazard)
    assert not workflow.user_allowed(Action.fix_on_spot, MANAGER, hazard)
    assert workflow.target_of(Action.fix_on_spot, hazard) is target
    context = workflow.Context(actor=WORKER, now=datetime(2026, 12, 1, tzinfo=UTC),
                               today=date(2026, 12, 1))
    change = workflow.TRANSITIONS[Action.fix_on_spot].apply(
        hazard, FixOnSpotIn(note="已更换", photo_ids=[5]), context)
    assert change.fields["assignee_id"] == change.fields["submitted_by_id"] == WORKER.user_id
    assert ("closed_at" in change.fields) is (target is Status.closed)
    # the inspector who fixed a major hazard can never verify it; 质监办 can
    submitted = facts(Status.submitted, grade, assignee=WORKER.user_id,
                      submitter=WORKER.user_id)
    assert Action.verify not in workflow.allowed_actions(WORKER, submitted)
    if grade is Grade.major:
        assert workflow.allowed_actions(MANAGER, submitted) == []
        assert Action.verify in workflow.allowed_actions(QA, submitted)


# how an assignment meets the major-hazard regime: (with a 治理方案, 停用/封控 None/False/True)
REGIME = st.tuples(st.booleans(), st.sampled_from([None, False, True]))


class Workflow(RuleBasedStateMachine):
    """Random actions by random people on a few hazards; the outcome of each must be what the
    declarative table says, and the invariants must hold after every step."""

    hazards = Bundle("hazards")

    def __init__(self, db, make):
        super().__init__()
        self.db, self.make = db, make  # examples share the test's transaction; each one
        # checks only the hazards it made
        self.day = date(2026, 11, 29)
        org = make.org
        self.people = {
            "reporter": make.user(Role.inspector, center=org.catering),
            "worker": make.user(Role.inspector, center=org.catering),
            "manager": make.user(Role.center_manager, center=org.catering),
            "other_manager": make.user(Role.center_manager, center=org.property),
            "qa": make.user(Role.qa_officer, center=org.qa),
            "leader": make.user(Role.leader),
        }
        self.successes: dict[int, int] = {}

    @initialize(target=hazards, grade=st.sampled_from(list(Grade)))
    def first_hazard(self, grade):
        return self._report(grade)

    @precondition(lambda self: len(self.successes) < 4)
    @rule(target=hazards, grade=st.sampled_from(list(Grade)))
    def report(self, grade):
        return self._report(grade)

    def _report(self, grade):
        hazard = self.make.hazard(self.people["reporter"], grade=grade)
        self.successes[hazard.id] = 0
        return hazard.id

    @rule(days=st.integers(min_value=1, max_value=20))
    def time_passes(self, days):
        self.day += timedelta(days=days)

    @rule(hazard_id=hazards, action=st.sampled_from(workflow.PUBLIC_ACTIONS),
          who=st.sampled_from(["reporter", "worker", "manager", "other_manager", "qa", "leader"]),
          assignee=st.sampled_from(["worker", "manager", "reporter"]),
          days=st.integers(min_value=0, max_value=30), regime=REGIME)
    def act(self, hazard_id, action, who, assignee, days, regime):
        self._attempt(hazard_id, action, who, assignee, days, regime)

    @rule(hazard_id=hazards, pick=st.integers(min_value=0, max_value=1000),
          assignee=st.sampled_from(["worker", "manager", "reporter"]),
          days=st.integers(min_value=0, max_value=30), regime=REGIME)
    def act_as_allowed(self, hazard_id, pick, assignee, days, regime):
        """Mostly-legal moves, so that random runs get deep into the workflow."""
        hazard = self.db.get(Hazard, hazard_id)
        moves = [(who, action) for who, user in self.people.items()
                 for action in service.allowed_actions(user, hazard)
                 if action is not Action.cancel or pick % 10 == 0]  # cancel ends the story
        if moves:
            who, action = moves[pick % len(moves)]
            self._attempt(hazard_id, action, who, assignee, days, regime)

    def _attempt(self, hazard_id, action, who, assignee, days, regime):
        user = self.people[who]
        hazard = self.db.get(Hazard, hazard_id)
        before = service.hazard_facts(hazard)
        visible = user.has_role(Role.qa_officer, Role.leader) or user.center_id == hazard.center_id
        state_ok = workflow.state_allows(action, before)
        user_ok = workflow.user_allowed(action, service.actor_facts(user), before)
        raw = self._body(action, user, hazard, assignee, days, regime)
        try:
            body = workflow.TRANSITIONS[action].body.model_validate(raw)
        except ValidationError:
            assert action in (Action.assign, Action.request_extension)  # a past date
            return
        noon = clock.day_start(self.day) + timedelta(hours=12)
        try:
            with self.db.begin_nested(), clock.frozen(noon):
                service.perform(self.db, self.make.settings, user, hazard_id, action, body)
        except AppError as exc:
            if not visible:
                assert exc.code == "hazard_not_found"
            elif not state_ok:
                assert exc.code == "hazard_invalid_transition"
            elif not user_ok:
                assert exc.status_code == 403
            else:
                assert exc.status_code == 422  # only the body can be wrong now
            self.db.expire_all()
            return
        assert visible and state_ok and user_ok, (action, who, before)
        self.successes[hazard_id] += 1
        self.db.expire_all()

    def _body(self, action, user, hazard, assignee, days, regime):
        if action is Action.assign:
            with_plan, restricted = regime
            body = {"assignee_id": self.people[assignee].id, "measures": "整改",
                    "cost_estimate": "1", "deadline": (self.day + timedelta(days=days)).isoformat(),
                    "interim_measures": "临时措施"}
            if with_plan:  # a 治理方案: required for a major hazard, checked for a general one
                body["governance_plan"] = {f: "方案" for f in workflow.GOVERNANCE_PLAN_FIELDS}
            if restricted is not None:  # 停用/封控: a major hazard's only
                body["restricted_use"] = restricted
            return body
        if action is Action.submit:
            return {"description": "已整改", "photo_ids": [self.make.photo(user).id]}
        if action is Action.request_extension:
            base = hazard.deadline or self.day
            return {"deadline": (base + timedelta(days=days)).isoformat(), "reason": "需要延期"}
        if action in (Action.reject, Action.cancel, Action.reopen):
            return {"reason": "原因说明"}
        if action is Action.edit:
            return {"title": "更准确的标题"}
        if action is Action.verify and regime[0]:  # the 销号 evidence a major hazard needs
            return {"comment": "复核合格", "photo_ids": [self.make.photo(user).id]}
        if action is Action.supervise:
            return {"supervisor": "王主任", "requirements": "限期整改",
                    "deadline": (self.day + timedelta(days=days)).isoformat()}
        if action is Action.report_upward:
            noon = clock.day_start(self.day) + timedelta(hours=12)
            return {"recipient": "学校保卫处", "reported_at": noon.isoformat(),
                    "channel": "written"}
        return {}

    @rule(who=st.sampled_from(["reporter", "worker", "manager", "other_manager", "qa", "leader"]))
    def can_filter_is_allowed_actions(self, who):
        """?can=<action> (the rule in SQL) lists exactly what allowed_actions says."""
        user = self.people[who]
        hazards = list(self.db.scalars(select(Hazard).where(Hazard.id.in_(self.successes))))
        allowed = {h.id: service.allowed_actions(user, h) for h in hazards}
        for action in workflow.PUBLIC_ACTIONS:
            listed = set(self.db.scalars(select(Hazard.id).where(
                Hazard.id.in_(self.successes), service.actionable(user, action))))
            assert listed == {i for i, actions in allowed.items() if action in actions}, \
                (who, action)

    @invariant()
    def invariants(self):
        if not self.successes:
            return
        hazards = list(self.db.scalars(select(Hazard).where(Hazard.id.in_(self.successes))))
        events = list(self.db.scalars(select(HazardEvent)
                                      .where(HazardEvent.hazard_id.in_(self.successes))))
        for hazard in hazards:
            mine = sorted((e for e in events if e.hazard_id == hazard.id), key=lambda e: e.seq)
            # the timeline has the report and one entry per successful action
            assert len(mine) == 1 + self.successes[hazard.id]
            for event in mine[1:]:
                rule = workflow.TRANSITIONS[Action(event.action)]
                assert event.from_status in rule.sources
                assert event.to_status == (rule.target or event.from_status)
            if hazard.status is Status.closed:
                submits = [e.id for e in mine if e.action == "submit"]
                assert submits and photos_by_owner(self.db, "hazard_event", submits[-1:])[
                    submits[-1]]
                assert hazard.verifier_id is not None
                assert hazard.verifier_id != hazard.assignee_id
            # the major-hazard regime: an assigned major hazard has its whole 治理方案; 停用/封控
            # only on a major hazard, and only while it is open
            if hazard.grade is Grade.major and any(e.action == "assign" for e in mine):
                assert set(hazard.governance_plan or {}) == set(workflow.GOVERNANCE_PLAN_FIELDS)
            if hazard.restricted_use:
                assert hazard.grade is Grade.major and hazard.status in workflow.OPEN
            # 挂牌督办 and 上报 only on a major hazard; the supervision recorded once
            supervisions = [e for e in mine if e.action == "supervise"]
            assert len(supervisions) == (hazard.supervision is not None) <= 1
            if supervisions or any(e.action == "report_upward" for e in mine):
                assert hazard.grade is Grade.major
            if hazard.status is Status.closed and hazard.grade is Grade.major:  # its 销号
                verify = next(e for e in reversed(mine) if e.action == "verify")
                assert verify.comment
                assert photos_by_owner(self.db, "hazard_event", [verify.id])[verify.id]
            overdue = hazard.deadline is not None and hazard.deadline < self.day \
                and hazard.status not in (Status.closed, Status.cancelled)
            assert service.is_overdue(hazard, self.day) is overdue
        listed_overdue = set(self.db.scalars(
            select(Hazard.id).where(Hazard.id.in_(self.successes),
                                    service.overdue_clause(self.day))))
        assert listed_overdue == {h.id for h in hazards if service.is_overdue(h, self.day)}

        assert self.db.scalar(select(func.count()).select_from(Hazard)
                              .where(Hazard.id.in_(self.successes))) == len(self.successes)


def test_random_action_sequences_keep_the_invariants(db, make):
    run_state_machine_as_test(
        lambda: Workflow(db, make),
        settings=settings(max_examples=40, stateful_step_count=40, deadline=None,
                          suppress_health_check=list(HealthCheck)),
    )


def test_the_can_filter_is_allowed_actions_in_sql(db, make):
    """Every combination of status, grade, worker, pending extension and supervision, for
    every kind of user: ``actionable`` (SQL) selects exactly the hazards whose allowed_actions name it."""
    org = make.org
    people = [make.user(Role.inspector, center=org.catering),
              make.user(Role.center_manager, center=org.catering),
              make.user(Role.center_manager, center=org.property),
              make.user(Role.qa_officer, center=org.qa), make.user(Role.leader)]
    reporter, manager = people[0], people[1]
    hazards = []
    for status in Status:
        for grade in Grade:
            for worker in (None, reporter, manager):
                for pending, supervised in ((False, False), (True, False), (False, True)):
                    hazard = make.hazard(reporter, grade=grade)
                    hazard.status = status
                    hazard.assignee_id = hazard.submitted_by_id = worker.id if worker else None
                    hazard.extension_deadline = date(2030, 1, 1) if pending else None
                    hazard.supervision = {"order_no": "督〔2026〕1号"} if supervised else None
                    hazards.append(hazard)
    db.flush()
    ids = [h.id for h in hazards]
    for user in people:
        allowed = {h.id: service.allowed_actions(user, h) for h in hazards}
        for action in workflow.PUBLIC_ACTIONS:
            listed = set(db.scalars(select(Hazard.id).where(
                Hazard.id.in_(ids), service.actionable(user, action))))
            assert listed == {i for i, actions in allowed.items() if action in actions}, \
                (user.username, action)
