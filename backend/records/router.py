from fastapi import APIRouter, Request, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.deps import CurrentUser, SessionDep
from backend.errors import Forbidden
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.hazards.router import IdempotencyKey
from backend.idempotency import IdempotencyMismatch, merge_keys
from backend.openapi import error_responses
from backend.org.models import Center
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.records import actions, kinds, schemas, seed
from backend.records.access import readable_center_ids
from backend.records.errors import (
    ActionCampaignNotFound,
    ActionYearsInvalid,
    RecordChanged,
    RecordLinksInvalid,
    ReviewIncomplete,
    StandardItemFixed,
    TableAlreadySubmitted,
    TableSubmitForbidden,
)
from backend.records.models import ActionCampaign
from backend.records.routes import Spec, add_routes
from backend.records.schemas import (
    ActionCampaignIn,
    ActionCampaignOut,
    ActionCampaignPatchIn,
    SubmissionIn,
    SubmissionMatrixOut,
)
from backend.records.views import action_out, matrix_out
from backend.types import DbId

router = APIRouter(tags=["records"])


def _standard_rows(request: Request, session: Session, user: User,
                   center_id: int | None) -> None:
    """A center created after migration 0020 gets 附表1's standard rows on its first read,
    written in a write transaction of their own (a read transaction that starts writing is
    refused at once on SQLite when another writer is busy, not queued)."""
    ids = select(Center.id).where(Center.id.in_(readable_center_ids(user)))
    if center_id is not None:
        ids = ids.where(Center.id == center_id)
    lacking = seed.centers_lacking_standard_items(session, list(session.scalars(ids)))
    session.rollback()  # the list is read afresh, after the rows are written
    if lacking:
        with request.app.state.sessions(read_only=False) as writer:
            seed.ensure_standard_items(writer, lacking)


SPECS = (
    Spec(kinds.RESPONSIBILITY, "/responsibility-items", "responsibility_item",
         "responsibility_items", "附表1 responsibility items (安全责任体系)",
         schemas.ResponsibilityItemIn, schemas.ResponsibilityItemPatchIn,
         schemas.ResponsibilityItemOut, errors=(StandardItemFixed,), prepare=_standard_rows),
    Spec(kinds.REGULATION, "/regulations", "regulation", "regulations",
         "附表2 regulations (安全管理制度)", schemas.RegulationIn, schemas.RegulationPatchIn,
         schemas.RegulationOut, errors=(ReviewIncomplete,)),
    Spec(kinds.TRAINING, "/trainings", "training", "trainings",
         "trainings and drills (安全培训 / 应急演练), latest first", schemas.TrainingIn,
         schemas.TrainingPatchIn, schemas.TrainingOut),
    Spec(kinds.ACCOUNTABILITY, "/accountability-records", "accountability_record",
         "accountability_records", "commendations, criticism and interviews "
         "(通报表扬 / 通报批评 / 约谈, by 质监办), latest first", schemas.AccountabilityIn,
         schemas.AccountabilityPatchIn, schemas.AccountabilityOut,
         errors=(RecordLinksInvalid,)),
)
for spec in SPECS:
    add_routes(router, spec)


@router.get("/action-campaigns", response_model=Page[ActionCampaignOut])
def list_action_campaigns(user: CurrentUser, session: SessionDep, limit: LimitParam = 20,
                          cursor: CursorParam = None) -> Page[ActionCampaignOut]:
    """The group's three-year actions (三年行动), newest first."""
    rows, next_cursor = keyset_page(session, actions.readable_actions(user), [ActionCampaign.id],
                                    limit=limit, cursor=cursor, descending=True)
    return Page(items=[action_out(a) for a in rows], next_cursor=next_cursor)


@router.post("/action-campaigns", status_code=status.HTTP_201_CREATED,
             response_model=ActionCampaignOut,
             responses={200: {"model": ActionCampaignOut,
                              "description": "a retry: the first action"},
                        **error_responses(Forbidden, ActionYearsInvalid, IdempotencyMismatch)})
def create_action_campaign(body: ActionCampaignIn, response: Response, user: CurrentUser,
                           session: SessionDep,
                           idempotency_key: IdempotencyKey = None) -> ActionCampaignOut:
    """Start a three-year action with its years and each table's due day (质监办)."""
    action, created = actions.create_action(session, user, body,
                                            merge_keys(body.client_id, idempotency_key))
    if not created:
        response.status_code = status.HTTP_200_OK
    set_etag(response, action.version)
    return action_out(action)


@router.get("/action-campaigns/{action_campaign_id}", response_model=ActionCampaignOut,
            responses=error_responses(ActionCampaignNotFound))
def read_action_campaign(action_campaign_id: DbId, response: Response, user: CurrentUser,
                         session: SessionDep) -> ActionCampaignOut:
    """A three-year action; the `ETag` is its version."""
    action = actions.get_action(session, user, action_campaign_id)
    set_etag(response, action.version)
    return action_out(action)


@router.patch("/action-campaigns/{action_campaign_id}", response_model=ActionCampaignOut,
              responses=error_responses(ActionCampaignNotFound, Forbidden, ActionYearsInvalid,
                                        RecordChanged, PreconditionFailed))
def update_action_campaign(action_campaign_id: DbId, body: ActionCampaignPatchIn,
                           response: Response, user: CurrentUser, session: SessionDep,
                           if_match: IfMatch = None) -> ActionCampaignOut:
    """Change a three-year action (质监办). Lateness already judged stays as it was."""
    action = actions.update_action(session, user, action_campaign_id, body,
                                   expected_versions(if_match))
    set_etag(response, action.version)
    return action_out(action)


@router.get("/action-campaigns/{action_campaign_id}/submissions",
            response_model=SubmissionMatrixOut,
            responses=error_responses(ActionCampaignNotFound))
def read_table_submissions(action_campaign_id: DbId, user: CurrentUser,
                           session: SessionDep) -> SubmissionMatrixOut:
    """Centers × tables: submitted or not, when, by whom, late or not. 质监办 and leaders see
    every operating center, a center's users their own center's row."""
    return matrix_out(session, user, actions.get_action(session, user, action_campaign_id))


@router.post("/action-campaigns/{action_campaign_id}/submissions",
             status_code=status.HTTP_201_CREATED, response_model=SubmissionMatrixOut,
             responses={200: {"model": SubmissionMatrixOut,
                              "description": "a retry (same Idempotency-Key): as stored"},
                        **error_responses(ActionCampaignNotFound, TableSubmitForbidden,
                                          TableAlreadySubmitted, IdempotencyMismatch)})
def submit_table(action_campaign_id: DbId, body: SubmissionIn, response: Response,
                 user: CurrentUser, session: SessionDep,
                 idempotency_key: IdempotencyKey = None) -> SubmissionMatrixOut:
    """Hand in the caller's center's table (its center manager): late when after the table's
    due day. Once only: a second submit is 409, a retry with the same `Idempotency-Key` 200.
    Answers the center's row of the matrix."""
    action = actions.get_action(session, user, action_campaign_id)
    _, created = actions.submit(session, user, action.id, body, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
    return matrix_out(session, user, action)
