"""The evaluation as the API shows it (two decimals; raw figures beside each factor)."""

from datetime import UTC

from backend.evaluation import scoring
from backend.evaluation.models import EvaluationWeights
from backend.evaluation.schemas import (
    AccountabilityCounts,
    CenterEvaluationOut,
    DrillsTrainingsOut,
    EvaluationOut,
    EvaluationParameters,
    FactorsOut,
    FactorWeights,
    OnTimeClosureOut,
    OverdueOut,
    PatrolCompletionOut,
    RepeatFindingsOut,
    TablesOnTimeOut,
    WeightsOut,
)
from backend.evaluation.scoring import Factor, Weights
from backend.evaluation.service import CenterEvaluation, Evaluation


def weights_out(weights: Weights, row: EvaluationWeights | None) -> WeightsOut:
    p = weights.parameters
    return WeightsOut(
        weights=FactorWeights(**{f.value: weights.weights[f] for f in Factor}),
        parameters=EvaluationParameters(overdue_full_penalty_days=p.overdue_full_penalty_days,
                              drills_per_year=p.drills_per_year,
                              trainings_per_year=p.trainings_per_year),
        version=row.version if row else 0, updated_at=row.updated_at if row else None,
        updated_by_id=row.updated_by_id if row else None)


def _factors(row: CenterEvaluation, weights: Weights,
             targets: scoring.Targets) -> FactorsOut:
    f, scored = row.facts, row.score.factors

    def common(factor: Factor) -> dict[str, float | int | None]:
        s = scored[factor]
        return {"score": scoring.shown(s.score), "weight": s.weight,
                "points": scoring.shown(s.points)}

    full = weights.parameters.overdue_full_penalty_days
    return FactorsOut(
        on_time_closure=OnTimeClosureOut(**common(Factor.on_time_closure), closed=f.closed,
                                         closed_on_time=f.closed_on_time),
        overdue=OverdueOut(**common(Factor.overdue), carried=f.open + f.closed, open=f.open,
                           overdue=f.overdue,
                           overdue_days=sum(d * n for d, n in f.overdue_days.items()),
                           penalty=scoring.shown(scoring.overdue_penalty(f, full)) or 0.0),
        patrol_completion=PatrolCompletionOut(**common(Factor.patrol_completion),
                                              done=f.tasks_done, missed=f.tasks_missed),
        repeat_findings=RepeatFindingsOut(**common(Factor.repeat_findings),
                                          findings=f.findings, repeats=f.repeats),
        tables_on_time=TablesOnTimeOut(**common(Factor.tables_on_time), on_time=f.tables_on_time,
                                       late=f.tables_late, missing=f.tables_missing),
        drills_trainings=DrillsTrainingsOut(
            **common(Factor.drills_trainings), drills=f.drills, trainings=f.trainings,
            drills_target=scoring.shown(targets.drills) or 0.0,
            trainings_target=scoring.shown(targets.trainings) or 0.0))


def evaluation_out(evaluation: Evaluation) -> EvaluationOut:
    p = evaluation.period
    return EvaluationOut(
        from_=p.first, to=p.last, as_of=p.end.astimezone(UTC),
        ranked_centers=evaluation.ranked_centers,
        weights=weights_out(evaluation.weights, evaluation.weights_row),
        centers=[CenterEvaluationOut(
            center_id=row.center.id, center_name=row.center.name, rank=row.rank,
            total=row.total, factors=_factors(row, evaluation.weights, evaluation.targets),
            accountability=AccountabilityCounts(**{k.value: n for k, n in
                                                   row.accountability.items()}))
            for row in evaluation.centers])
