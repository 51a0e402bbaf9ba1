"""The evaluation's rules on plain facts: each factor's formula, the weighted mean of the
applicable factors, ranks, the weights' validation, and properties over random facts."""

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.evaluation import scoring
from backend.evaluation.errors import WeightsInvalid
from backend.evaluation.scoring import (
    DEFAULTS,
    CenterFacts,
    Factor,
    Parameters,
    Targets,
    Weights,
)

NO_TARGETS = Targets(Fraction(0), Fraction(0))
YEAR = scoring.targets(scoring.DEFAULT_PARAMETERS, 365)  # 2 drills, 4 trainings


def test_each_factor_by_its_formula():
    facts = CenterFacts(closed=8, closed_on_time=6, open=2, overdue_days={3: 1, 45: 1},
                        tasks_done=27, tasks_missed=3, findings=5, finding_keys=3,
                        tables_on_time=1, tables_late=1, tables_missing=1, drills=1,
                        trainings=8)
    assert scoring.on_time_closure(facts) == 75
    # penalty 3/30 + 30/30 = 1.1 over 10 carried hazards
    assert scoring.overdue_penalty(facts, 30) == Fraction(11, 10)
    assert scoring.overdue(facts, 30) == 89
    assert scoring.patrol_completion(facts) == 90
    assert scoring.repeat_findings(facts) == 60  # 2 repeats of 5
    assert scoring.tables_on_time(facts) == Fraction(100, 3)
    assert scoring.drills_trainings(facts, YEAR) == 75  # half the drills, trainings capped


def test_factors_without_facts_are_not_applicable_and_left_out():
    facts = CenterFacts(closed=4, closed_on_time=2)  # 50 on time, 100 overdue, the rest None
    result = scoring.score(facts, DEFAULTS, NO_TARGETS)
    applicable = {f for f, s in result.factors.items() if s.score is not None}
    assert applicable == {Factor.on_time_closure, Factor.overdue}
    assert result.total == Fraction(25 * 50 + 20 * 100, 45)
    assert sum(s.points for s in result.factors.values() if s.points) == result.total
    assert scoring.score(CenterFacts(), DEFAULTS, NO_TARGETS).total is None


def test_a_zero_weight_counts_nothing():
    weights = Weights({**DEFAULTS.weights, Factor.on_time_closure: 0})
    result = scoring.score(CenterFacts(closed=4, closed_on_time=0), weights, NO_TARGETS)
    assert result.total == 100  # only overdue counts
    assert result.factors[Factor.on_time_closure].points == 0


def test_a_target_of_zero_is_not_required():
    p = Parameters(drills_per_year=0, trainings_per_year=4)
    half_year = scoring.targets(p, 365 // 2 + 1)
    assert half_year.drills == 0 and half_year.trainings == Fraction(4 * 183, 365)
    assert scoring.drills_trainings(CenterFacts(trainings=1), half_year) == \
        Fraction(100 * 365, 4 * 183)
    assert scoring.drills_trainings(CenterFacts(drills=5), NO_TARGETS) is None


def test_ranks_share_ties_and_skip():
    assert scoring.rank([80.5, 92.0, 80.5, None, 70.0]) == [2, 1, 2, None, 4]
    assert scoring.rank([]) == []
    assert scoring.shown(Fraction(200, 3)) == 66.67 and scoring.shown(None) is None


@pytest.mark.parametrize("change, problem", [
    ({Factor.overdue: -1}, "weights.overdue"),
    ({Factor.overdue: 1001}, "weights.overdue"),
    (dict.fromkeys(Factor, 0), "weights"),
])
def test_bad_weights_are_refused_naming_the_problem(change, problem):
    with pytest.raises(WeightsInvalid) as refused:
        scoring.check_weights(Weights({**DEFAULTS.weights, **change}))
    assert problem in refused.value.details["problems"]


def test_parameters_out_of_range_are_refused():
    with pytest.raises(WeightsInvalid) as refused:
        scoring.check_weights(Weights(DEFAULTS.weights, Parameters(overdue_full_penalty_days=0)))
    assert list(refused.value.details["problems"]) == ["parameters.overdue_full_penalty_days"]
    scoring.check_weights(DEFAULTS)
    assert sum(scoring.DEFAULT_WEIGHTS.values()) == 100


counts = st.integers(0, 40)


@st.composite
def center_facts(draw) -> CenterFacts:
    closed = draw(counts)
    findings = draw(counts)
    overdue_days = draw(st.dictionaries(st.integers(1, 90), st.integers(1, 5), max_size=4))
    return CenterFacts(
        closed=closed, closed_on_time=draw(st.integers(0, closed)),
        open=sum(overdue_days.values()) + draw(counts), overdue_days=overdue_days,
        tasks_done=draw(counts), tasks_missed=draw(counts), findings=findings,
        finding_keys=draw(st.integers(min(1, findings), findings)) if findings else 0,
        tables_on_time=draw(st.integers(0, 3)), tables_late=draw(st.integers(0, 3)),
        tables_missing=draw(st.integers(0, 3)), drills=draw(st.integers(0, 6)),
        trainings=draw(st.integers(0, 10)))


weights_sets = st.fixed_dictionaries({f: st.integers(0, 100) for f in Factor}).filter(
    lambda w: sum(w.values()) > 0).map(Weights)
elapsed = st.integers(0, 731).map(lambda days: scoring.targets(scoring.DEFAULT_PARAMETERS, days))


def total(facts: CenterFacts, weights: Weights, expected: Targets,
          none_as: int = -1) -> Fraction:
    """The total; ``none_as`` stands for no total (below any by default: gaining a total is
    never a loss; above any where a center that had none gains one by failing)."""
    value = scoring.score(facts, weights, expected).total
    return Fraction(none_as) if value is None else value


@given(center_facts(), weights_sets, elapsed)
def test_every_score_and_the_total_are_within_0_and_100(facts, weights, expected):
    result = scoring.score(facts, weights, expected)
    for factor in result.factors.values():
        assert factor.score is None or 0 <= factor.score <= 100
    assert result.total is None or 0 <= result.total <= 100


@given(center_facts(), weights_sets, elapsed)
def test_closing_one_more_hazard_on_time_never_lowers_the_score(facts, weights, expected):
    if facts.open == facts.overdue:
        facts = replace(facts, open=facts.open + 1)  # an open hazard within its deadline
    closed = replace(facts, open=facts.open - 1, closed=facts.closed + 1,
                     closed_on_time=facts.closed_on_time + 1)
    assert total(closed, weights, expected) >= total(facts, weights, expected)


@given(center_facts(), weights_sets, elapsed, st.sampled_from(
    ["tasks_done", "drills", "trainings", "tables_on_time"]))
def test_doing_more_never_lowers_the_score(facts, weights, expected, field):
    more = replace(facts, **{field: getattr(facts, field) + 1})
    assert total(more, weights, expected) >= total(facts, weights, expected)


@given(center_facts(), weights_sets, elapsed, st.sampled_from(
    ["tasks_missed", "tables_missing", "repeat"]))
def test_failing_more_never_raises_the_score(facts, weights, expected, failure):
    if failure == "repeat":  # one more finding of an item already found at its site
        if not facts.findings:
            facts = replace(facts, findings=1, finding_keys=1)
        worse = replace(facts, findings=facts.findings + 1)
    else:
        worse = replace(facts, **{failure: getattr(facts, failure) + 1})
    assert total(worse, weights, expected) <= total(facts, weights, expected, none_as=101)


@given(center_facts(), weights_sets, elapsed)
def test_a_hazard_a_day_longer_overdue_never_raises_the_score(facts, weights, expected):
    if not facts.overdue_days:
        return
    days = max(facts.overdue_days)
    later = dict(facts.overdue_days)
    later[days] -= 1
    later[days + 1] = later.get(days + 1, 0) + 1
    worse = replace(facts, overdue_days={d: n for d, n in later.items() if n})
    assert total(worse, weights, expected) <= total(facts, weights, expected)


@given(center_facts(), weights_sets, elapsed, st.integers(2, 9))
def test_scaling_every_weight_changes_nothing(facts, weights, expected, k):
    scaled = Weights({f: k * w for f, w in weights.weights.items()})
    assert scoring.score(facts, scaled, expected).total == \
        scoring.score(facts, weights, expected).total


@given(st.lists(st.one_of(st.none(), st.integers(0, 10_000).map(lambda n: n / 100)),
                max_size=12))
def test_ranks_are_competition_ranks(totals):
    ranks = scoring.rank(totals)
    for t, r in zip(totals, ranks, strict=True):
        assert (r is None) == (t is None)
        if t is not None:
            assert r == 1 + sum(1 for o in totals if o is not None and o > t)
            assert all(r2 == r for t2, r2 in zip(totals, ranks, strict=True) if t2 == t)
