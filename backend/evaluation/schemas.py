"""The evaluation's API shapes: the weights (GET/PUT) and the ranking (GET /evaluation)."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from backend.schemas_base import Strict


class FactorWeights(Strict):
    """Each factor's weight, an integer 0..1000; the weights need not add up to 100 (each
    counts by its share of the applicable factors' sum)."""

    on_time_closure: int = Field(description="按期整改率")
    overdue: int = Field(description="逾期隐患")
    patrol_completion: int = Field(description="巡检完成率")
    repeat_findings: int = Field(description="重复发现")
    tables_on_time: int = Field(description="附表按时报送")
    drills_trainings: int = Field(description="应急演练与安全培训")


class EvaluationParameters(Strict):
    overdue_full_penalty_days: int = Field(
        description="an open hazard this many days overdue costs the most it can (1..365)")
    drills_per_year: int = Field(description="drills expected a year (0..100; 0: none)")
    trainings_per_year: int = Field(description="trainings expected a year (0..365; 0: none)")


class WeightsIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "weights": {"on_time_closure": 30, "overdue": 20, "patrol_completion": 20,
                    "repeat_findings": 10, "tables_on_time": 5, "drills_trainings": 15},
        "parameters": {"overdue_full_penalty_days": 30, "drills_per_year": 2,
                       "trainings_per_year": 4}}]})

    weights: FactorWeights
    parameters: EvaluationParameters


class WeightsOut(BaseModel):
    weights: FactorWeights
    parameters: EvaluationParameters
    version: int = Field(description="the `ETag`; 0: the defaults, never changed")
    updated_at: datetime | None
    updated_by_id: int | None


class FactorOut(BaseModel):
    score: float | None = Field(description="0..100, two decimals; null: not applicable "
                                "(no facts to judge on), left out of the total")
    weight: int
    points: float | None = Field(description="what the factor adds to the total: "
                                 "weight × score / the applicable factors' weights")


class OnTimeClosureOut(FactorOut):
    closed: int = Field(description="hazards closed in the period")
    closed_on_time: int = Field(description="of them, by their deadline (or fixed on the spot)")


class OverdueOut(FactorOut):
    carried: int = Field(description="hazards open at the period's end plus closed in it")
    open: int = Field(description="hazards open at the period's end")
    overdue: int = Field(description="of them, past their deadline")
    overdue_days: int = Field(description="their days overdue, added up")
    penalty: float = Field(description="Σ min(days overdue, full-penalty days) / full-penalty "
                           "days; score = 100 × (1 − penalty / carried)")


class PatrolCompletionOut(FactorOut):
    done: int
    missed: int = Field(description="漏检")


class RepeatFindingsOut(FactorOut):
    findings: int = Field(description="checklist hazards reported in the period")
    repeats: int = Field(description="findings at a site for a check item that already had "
                         "one there in the period")


class TablesOnTimeOut(FactorOut):
    on_time: int
    late: int
    missing: int = Field(description="not handed in, the due day over")


class DrillsTrainingsOut(FactorOut):
    drills: int
    trainings: int
    drills_target: float = Field(description="the yearly target × elapsed days / 365")
    trainings_target: float


class FactorsOut(BaseModel):
    on_time_closure: OnTimeClosureOut
    overdue: OverdueOut
    patrol_completion: PatrolCompletionOut
    repeat_findings: RepeatFindingsOut
    tables_on_time: TablesOnTimeOut
    drills_trainings: DrillsTrainingsOut


class AccountabilityCounts(BaseModel):
    """Records issued in the period (shown beside the score, not scored)."""

    praise: int = Field(description="通报表扬")
    criticism: int = Field(description="通报批评")
    interview: int = Field(description="约谈")


class CenterEvaluationOut(BaseModel):
    center_id: int
    center_name: str
    rank: int | None = Field(description="1 = best; equal totals share a rank (1, 1, 3); "
                             "null without a total")
    total: float | None = Field(description="0..100, two decimals; null when no factor "
                                "applies")
    factors: FactorsOut
    accountability: AccountabilityCounts


class EvaluationOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    as_of: datetime = Field(description="the period's end, or now when it has not ended")
    ranked_centers: int = Field(description="how many centers have a rank")
    weights: WeightsOut
    centers: list[CenterEvaluationOut] = Field(description="best first; centers without a "
                                               "total last")
