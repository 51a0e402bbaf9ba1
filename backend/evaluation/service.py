"""The evaluation: the group's weights (read by whoever reads the ranking, changed by 质监办
under ``If-Match``, audited, with a domain event) and the ranking of a period."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import clock, events
from backend.accounts.models import User
from backend.audit.service import changes, record
from backend.etag import PreconditionFailed, required_version
from backend.evaluation import facts, scoring
from backend.evaluation.errors import EvaluationForbidden, PeriodInvalid, WeightsWriteForbidden
from backend.evaluation.models import EvaluationWeights
from backend.evaluation.scoring import Factor, Weights
from backend.org.models import Center
from backend.org.service import within_limit
from backend.records.models import AccountabilityKind
from backend.statewrite import compare_and_set
from backend.vocab import Role

READERS = (Role.qa_officer, Role.leader, Role.center_manager)
WHOLE_RANKING = (Role.qa_officer, Role.leader)


def _column(factor: Factor) -> str:
    return f"{factor.value}_weight"


def weights_of(row: EvaluationWeights | None) -> Weights:
    if row is None:
        return scoring.DEFAULTS
    return Weights({f: getattr(row, _column(f)) for f in Factor}, scoring.Parameters(
        row.overdue_full_penalty_days, row.drills_per_year, row.trainings_per_year))


def flat(weights: Weights) -> dict[str, int]:
    """The columns (and the audit's fields) of ``weights``."""
    p = weights.parameters
    return {**{_column(f): weights.weights[f] for f in Factor},
            "overdue_full_penalty_days": p.overdue_full_penalty_days,
            "drills_per_year": p.drills_per_year, "trainings_per_year": p.trainings_per_year}


def check_reader(user: User) -> None:
    if not user.has_role(*READERS):
        raise EvaluationForbidden(details={"required_roles": [r.value for r in READERS]})


def stored_weights(session: Session, user: User) -> EvaluationWeights | None:
    """The group's row (None: the defaults); 403 for those who read no evaluation."""
    check_reader(user)
    return session.scalar(select(EvaluationWeights)
                          .where(EvaluationWeights.group_id == user.group_id)
                          .execution_options(populate_existing=True))


def put_weights(session: Session, user: User, weights: Weights,
                if_match: frozenset[int] | None) -> EvaluationWeights:
    """Replace the group's weights: 质监办 only; ``If-Match`` must name the current version (0
    while the defaults apply), else 412; 422 ``evaluation_weights_invalid`` for bad values."""
    row = stored_weights(session, user)
    if not user.has_role(Role.qa_officer):
        raise WeightsWriteForbidden(details={"required_roles": [Role.qa_officer.value]})
    required = required_version(if_match, row.version if row else 0)
    scoring.check_weights(weights)
    before = flat(weights_of(row))
    values = {**flat(weights), "updated_by_id": user.id, "updated_at": clock.utcnow()}
    if row is None:
        row = EvaluationWeights(group_id=user.group_id, **values)
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:  # another first change committed meanwhile
            raise PreconditionFailed(details={"version": 0}) from None
    elif not compare_and_set(session, row, {"version": required or row.version}, values):
        raise PreconditionFailed(details={"version": row.version})
    diff = changes(before, flat(weights_of(row)))
    record(session, actor=user, action="evaluation.weights_update",
           object_type="evaluation_weights", object_id=row.id, summary=diff)
    events.emit(session, "evaluation.weights_updated", object_type="evaluation_weights",
                object_id=row.id, center_id=None, group_id=user.group_id, actor_id=user.id,
                data={"version": row.version, **diff})
    return row


@dataclass(frozen=True)
class CenterEvaluation:
    center: Center
    facts: scoring.CenterFacts
    score: scoring.CenterScore
    total: float | None  # as shown: two decimals
    rank: int | None
    accountability: dict[AccountabilityKind, int]


@dataclass(frozen=True)
class Evaluation:
    period: facts.Period
    weights: Weights
    weights_row: EvaluationWeights | None
    targets: scoring.Targets
    ranked_centers: int
    centers: list[CenterEvaluation]


def evaluate(session: Session, user: User, first: date | None, last: date | None) -> Evaluation:
    """Every evaluated center scored and ranked; a center manager is answered their own
    center's row only (with its rank among all)."""
    row = stored_weights(session, user)
    today = clock.today()
    first = first or date(today.year, 1, 1)
    last = last or today
    if first > last:
        raise PeriodInvalid(details={"from": first, "to": last})
    weights = weights_of(row)
    p = facts.period(first, last, clock.utcnow())
    centers = facts.evaluated_centers(session, user.group_id)
    ids = [c.id for c in centers]
    found = facts.center_facts(session, user.group_id, ids, p)
    expected = scoring.targets(weights.parameters, p.elapsed_days)
    scores = [scoring.score(found[c.id], weights, expected) for c in centers]
    totals = [scoring.shown(s.total) for s in scores]
    ranks = scoring.rank(totals)
    counts = facts.accountability_counts(session, ids, p)
    rows = [CenterEvaluation(c, found[c.id], s, t, r, counts[c.id])
            for c, s, t, r in zip(centers, scores, totals, ranks, strict=True)]
    if not user.has_role(*WHOLE_RANKING):
        rows = [r for r in rows if r.center.id == user.center_id]
    rows = [r for r in rows if within_limit(user, r.center.id)]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.center.id))
    return Evaluation(p, weights, row, expected, sum(r is not None for r in ranks), rows)
