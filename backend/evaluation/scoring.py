"""The evaluation's rules (考评规则): plain facts per center in, scores out; nothing here reads
the database or the clock (backend/evaluation/facts.py gathers the facts).

Every factor scores 0..100 (the formula is in its function's docstring) or is *not applicable*
(None) when the center had nothing to judge it on (no hazard closed, no patrol due...). The total
is the weighted mean of the applicable factors, so a factor without facts neither rewards nor
punishes: ``total = Σ wᵢ·sᵢ / Σ wᵢ`` over the applicable factors with a weight above 0, and
each factor's ``points = wᵢ·sᵢ / Σ wᵢ`` (the points add up to the total). No applicable
factor: no total, and no rank. Arithmetic is exact (fractions); the API shows two decimals,
and centers whose totals show the same share a rank (1, 1, 3).

Decisions where DOMAIN.md is silent:
- Cancelled hazards (a report that was no hazard) count nowhere.
- ``overdue`` divides by the hazards the center carried in the period (open at its end plus
  closed in it), not by the open ones alone: closing a hazard on time then never raises the
  overdue share of the rest, and a center is not punished for closing its easy hazards.
- A repeat finding (重复发现) is a hazard found by a checklist in the period at a site for a
  check item (the module's item code, across module versions) that already produced a hazard at
  that site in the period: n findings of one (site, module, item) are n - 1 repeats. 随手拍 and
  external findings name no check item and count in no repeat.
- Drills and trainings are measured against yearly targets prorated to the period's elapsed
  days; holding more than the target earns nothing more.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from fractions import Fraction

from backend.evaluation.errors import WeightsInvalid


class Factor(StrEnum):
    on_time_closure = "on_time_closure"  # 按期整改率
    overdue = "overdue"  # 逾期隐患
    patrol_completion = "patrol_completion"  # 巡检完成率
    repeat_findings = "repeat_findings"  # 重复发现
    tables_on_time = "tables_on_time"  # 附表按时报送
    drills_trainings = "drills_trainings"  # 应急演练与安全培训


DEFAULT_WEIGHTS: Mapping[Factor, int] = {
    Factor.on_time_closure: 25, Factor.overdue: 20, Factor.patrol_completion: 20,
    Factor.repeat_findings: 10, Factor.tables_on_time: 10, Factor.drills_trainings: 15}
MAX_WEIGHT = 1000
YEAR_DAYS = 365


@dataclass(frozen=True)
class Parameters:
    """``overdue_full_penalty_days``: an open hazard this many days overdue (or more) costs as
    much as it can; ``*_per_year``: the yearly targets (0: not required)."""

    overdue_full_penalty_days: int = 30
    drills_per_year: int = 2
    trainings_per_year: int = 4


DEFAULT_PARAMETERS = Parameters()
PARAMETER_LIMITS = {"overdue_full_penalty_days": (1, 365), "drills_per_year": (0, 100),
                    "trainings_per_year": (0, 365)}


@dataclass(frozen=True)
class Weights:
    weights: Mapping[Factor, int]
    parameters: Parameters = DEFAULT_PARAMETERS


DEFAULTS = Weights(DEFAULT_WEIGHTS, DEFAULT_PARAMETERS)


def check_weights(weights: Weights) -> None:
    """422 ``evaluation_weights_invalid`` naming every problem: a weight missing, negative or
    above :data:`MAX_WEIGHT`, weights summing to 0, a parameter outside its limits."""
    problems: dict[str, str] = {}
    for factor in Factor:
        value = weights.weights.get(factor)
        if value is None:
            problems[f"weights.{factor}"] = "missing"
        elif not 0 <= value <= MAX_WEIGHT:
            problems[f"weights.{factor}"] = f"must be 0..{MAX_WEIGHT}"
    if not problems and sum(weights.weights.values()) <= 0:
        problems["weights"] = "the weights must sum to more than 0"
    for name, (low, high) in PARAMETER_LIMITS.items():
        if not low <= getattr(weights.parameters, name) <= high:
            problems[f"parameters.{name}"] = f"must be {low}..{high}"
    if problems:
        raise WeightsInvalid(details={"problems": problems})


@dataclass(frozen=True)
class CenterFacts:
    """What a center did in the period (see backend/evaluation/facts.py for how each is read)."""

    closed: int = 0  # hazards closed in the period
    closed_on_time: int = 0  # of them, closed by their deadline (or fixed on the spot)
    open: int = 0  # hazards open at the period's end
    overdue_days: Mapping[int, int] = field(default_factory=dict)  # open ones: days -> hazards
    tasks_done: int = 0  # patrol tasks due in the period and done
    tasks_missed: int = 0  # ... and missed (漏检)
    findings: int = 0  # checklist hazards reported in the period
    finding_keys: int = 0  # distinct (site, module, item) among them
    tables_on_time: int = 0  # official tables due in the period: handed in by the due day
    tables_late: int = 0  # handed in after it
    tables_missing: int = 0  # not handed in, the due day over
    drills: int = 0  # held in the period
    trainings: int = 0

    @property
    def overdue(self) -> int:
        return sum(self.overdue_days.values())

    @property
    def repeats(self) -> int:
        return self.findings - self.finding_keys


@dataclass(frozen=True)
class Targets:
    """The drills and trainings expected in the period: the yearly targets × elapsed days / 365."""

    drills: Fraction
    trainings: Fraction


def targets(parameters: Parameters, elapsed_days: int) -> Targets:
    days = Fraction(max(0, elapsed_days), YEAR_DAYS)
    return Targets(parameters.drills_per_year * days, parameters.trainings_per_year * days)


def _share(part: int, whole: int) -> Fraction | None:
    return None if whole <= 0 else Fraction(100 * part, whole)


def on_time_closure(facts: CenterFacts) -> Fraction | None:
    """``100 × closed_on_time / closed``; not applicable without a closure."""
    return _share(facts.closed_on_time, facts.closed)


def overdue_penalty(facts: CenterFacts, full_penalty_days: int) -> Fraction:
    """``Σ min(days_overdue, full_penalty_days) / full_penalty_days`` over the open overdue
    hazards: a hazard costs 1/30 a day (by default) up to 1."""
    return sum((count * Fraction(min(days, full_penalty_days), full_penalty_days)
                for days, count in facts.overdue_days.items()), Fraction(0))


def overdue(facts: CenterFacts, full_penalty_days: int) -> Fraction | None:
    """``100 × (1 − penalty / (open + closed))`` with :func:`overdue_penalty`; not applicable
    when the center carried no hazard in the period."""
    carried = facts.open + facts.closed
    if carried <= 0:
        return None
    return 100 * (1 - overdue_penalty(facts, full_penalty_days) / carried)


def patrol_completion(facts: CenterFacts) -> Fraction | None:
    """``100 × done / (done + missed)`` over the patrol tasks due in the period (tasks still in
    their window and cancelled ones left out); not applicable without such a task."""
    return _share(facts.tasks_done, facts.tasks_done + facts.tasks_missed)


def repeat_findings(facts: CenterFacts) -> Fraction | None:
    """``100 × (1 − repeats / findings)``, repeats = findings − distinct (site, module, item);
    not applicable without a checklist finding."""
    share = _share(facts.repeats, facts.findings)
    return None if share is None else 100 - share


def tables_on_time(facts: CenterFacts) -> Fraction | None:
    """``100 × on_time / (on_time + late + missing)`` over the tables due in the period (one
    not yet due counts once handed in); not applicable when none was due."""
    return _share(facts.tables_on_time,
                  facts.tables_on_time + facts.tables_late + facts.tables_missing)


def drills_trainings(facts: CenterFacts, expected: Targets) -> Fraction | None:
    """``100 × mean(min(1, heldₖ / targetₖ))`` over drills and trainings, each kind whose target
    is above 0; not applicable when neither has one."""
    ratios = [min(Fraction(1), held / target) for held, target in
              ((facts.drills, expected.drills), (facts.trainings, expected.trainings))
              if target > 0]
    return 100 * sum(ratios, Fraction(0)) / len(ratios) if ratios else None


def factor_scores(facts: CenterFacts, parameters: Parameters,
                  expected: Targets) -> dict[Factor, Fraction | None]:
    return {
        Factor.on_time_closure: on_time_closure(facts),
        Factor.overdue: overdue(facts, parameters.overdue_full_penalty_days),
        Factor.patrol_completion: patrol_completion(facts),
        Factor.repeat_findings: repeat_findings(facts),
        Factor.tables_on_time: tables_on_time(facts),
        Factor.drills_trainings: drills_trainings(facts, expected),
    }


@dataclass(frozen=True)
class FactorScore:
    score: Fraction | None  # None: not applicable
    weight: int
    points: Fraction | None  # this factor's share of the total


@dataclass(frozen=True)
class CenterScore:
    total: Fraction | None
    factors: Mapping[Factor, FactorScore]


def score(facts: CenterFacts, weights: Weights, expected: Targets) -> CenterScore:
    """The weighted mean of the applicable factors (see the module's doc)."""
    scores = factor_scores(facts, weights.parameters, expected)
    counted = sum(weights.weights[f] for f, s in scores.items() if s is not None)
    factors = {f: FactorScore(s, weights.weights[f],
                              None if s is None or counted == 0
                              else weights.weights[f] * s / counted)
               for f, s in scores.items()}
    total = sum((p.points for p in factors.values() if p.points is not None), Fraction(0))
    return CenterScore(total if counted else None, factors)


def shown(value: Fraction | None) -> float | None:
    """A score as the API shows it: two decimals."""
    return None if value is None else float(round(value, 2))


def rank(totals: Sequence[float | None]) -> list[int | None]:
    """Competition ranks by total, highest first: equal totals share a rank and the next rank
    skips (1, 1, 3); no total, no rank."""
    return [None if t is None else 1 + sum(other is not None and other > t for other in totals)
            for t in totals]


def parameters_of(values: Mapping[str, int]) -> Parameters:
    return Parameters(**{f.name: values[f.name] for f in fields(Parameters)})
