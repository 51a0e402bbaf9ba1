from typing import Annotated

from fastapi import APIRouter, Query, Response

from backend.deps import CurrentUser, SessionDep
from backend.etag import (
    IfMatch,
    PreconditionFailed,
    PreconditionRequired,
    expected_versions,
    required_if_match,
    set_etag,
)
from backend.evaluation import service
from backend.evaluation.errors import (
    EvaluationForbidden,
    PeriodInvalid,
    WeightsInvalid,
    WeightsWriteForbidden,
)
from backend.evaluation.schemas import EvaluationOut, WeightsIn, WeightsOut
from backend.evaluation.scoring import Factor, Parameters, Weights
from backend.evaluation.views import evaluation_out, weights_out
from backend.openapi import error_responses
from backend.types import Day

router = APIRouter(tags=["evaluation"])

RANKING_DOC = """The centers' evaluation (中心考评) for a period: each center's total (0..100),
rank and the breakdown per factor (its raw figures, score, weight and points), with the weights
used and the period's 通报表扬 / 通报批评 / 约谈 counts beside each center (not scored).

质监办 and leaders see every center. **A center manager sees only their own center's row**,
with its rank among all centers (`ranked_centers` says how many): the other centers' figures
are their hazards and records, which a center's users do not read anywhere else, and the group
publishes praise and criticism itself (通报). Inspectors and administrators: 403.

Factors (the formulas are in backend/evaluation/scoring.py): on-time closure (hazards closed
in the period by their deadline / closed in the period); overdue (100 × (1 − Σ min(days
overdue, full-penalty days) / full-penalty days / hazards carried), over the hazards open at
the period's end); patrol completion (done / (done + missed) of the tasks due in the period);
repeat findings (a checklist hazard at a site for a check item that already had one there in
the period); tables on time (the official tables due in the period handed in by their due day);
drills and trainings (held against the yearly targets prorated to the elapsed days). A factor
without facts is not applicable (score null) and left out of the total, which is the weighted
mean of the rest."""


@router.get("/evaluation", response_model=EvaluationOut, description=RANKING_DOC,
            responses=error_responses(EvaluationForbidden, PeriodInvalid))
def read_evaluation(
    user: CurrentUser, session: SessionDep,
    first: Annotated[Day | None, Query(alias="from", description="first day (Asia/Shanghai); "
                                       "default: 1 January of this year")] = None,
    last: Annotated[Day | None, Query(alias="to", description="last day, included; "
                                      "default: today")] = None,
) -> EvaluationOut:
    """The centers' evaluation for a period, ranked."""
    return evaluation_out(service.evaluate(session, user, first, last))


@router.get("/evaluation/weights", response_model=WeightsOut,
            responses=error_responses(EvaluationForbidden))
def read_evaluation_weights(response: Response, user: CurrentUser,
                            session: SessionDep) -> WeightsOut:
    """The group's evaluation weights and targets (the defaults until 质监办 changes them, as
    version 0); the `ETag` is their version. Readable by whoever reads the evaluation."""
    row = service.stored_weights(session, user)
    set_etag(response, row.version if row else 0)
    return weights_out(service.weights_of(row), row)


@router.put("/evaluation/weights", response_model=WeightsOut,
            responses=error_responses(EvaluationForbidden, WeightsWriteForbidden,
                                      WeightsInvalid, PreconditionFailed,
                                      PreconditionRequired))
def update_evaluation_weights(body: WeightsIn, response: Response, user: CurrentUser,
                              session: SessionDep, if_match: IfMatch = None) -> WeightsOut:
    """Replace the weights and targets (质监办). `If-Match` is required (428 without it) and
    must name the current version (`"0"` while the defaults apply), else 412. Each weight is an
    integer 0..1000 and their sum above 0, else 422 `evaluation_weights_invalid` naming each
    problem in `details.problems`. Audited; emits `evaluation.weights_updated`."""
    versions = expected_versions(required_if_match(if_match))
    weights = Weights({f: getattr(body.weights, f.value) for f in Factor},
                      Parameters(**body.parameters.model_dump()))
    row = service.put_weights(session, user, weights, versions)
    set_etag(response, row.version)
    return weights_out(service.weights_of(row), row)
