from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.campaigns import documents, errors, external, service, views
from backend.campaigns.models import Campaign, CampaignKind, CampaignStatus, ExternalInspection
from backend.campaigns.schemas import (
    CampaignDetailOut,
    CampaignIn,
    CancelIn,
    ExternalInspectionDetailOut,
    ExternalInspectionIn,
    ExternalInspectionOut,
    FindingsIn,
    ReceiptIn,
    ReceiptOut,
)
from backend.config import Settings
from backend.deps import CurrentUser, SessionDep, SettingsDep, require_roles
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.hazards.major_rules import DateInFuture
from backend.hazards.router import NEW_WORK_ERRORS, IdempotencyKey
from backend.hazards.service import ActionForbidden
from backend.hazards.workflow import RestrictedUseMajorOnly
from backend.idempotency import IdempotencyMismatch
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
from backend.photos import documents as shared_documents
from backend.photos.documents import StoredDocument
from backend.photos.service import get_storage
from backend.types import DbId
from backend.vocab import Role

router = APIRouter(tags=["campaigns"])
QaOfficer = Annotated[User, require_roles(Role.qa_officer)]
CREATE_ERRORS = ("module_not_found", "module_inactive", errors.CampaignTargetInvalid,
                 errors.CampaignWindowInvalid, IdempotencyMismatch)
FINDING_ERRORS = (*NEW_WORK_ERRORS, ActionForbidden, "invalid_photo", RestrictedUseMajorOnly,
                  IdempotencyMismatch, errors.ExternalTargetInvalid)
RECORD_ERRORS = (*FINDING_ERRORS, DateInFuture)


@router.post("/campaigns", status_code=status.HTTP_201_CREATED, response_model=CampaignDetailOut,
             responses={200: {"model": CampaignDetailOut,
                              "description": "a retry (same client_id): the first campaign"},
                        **error_responses(*CREATE_ERRORS)})
def create_campaign(body: CampaignIn, response: Response, user: QaOfficer,
                    session: SessionDep) -> CampaignDetailOut:
    """Dispatch a campaign (质监办): each target center gets its 回执 slot and a task per
    active site × module that applies to the site's kind, over the campaign's window."""
    campaign, created = service.dispatch(session, user, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return views.campaign_detail(session, user, campaign)


@router.get("/campaigns", response_model=Page[CampaignDetailOut])
def list_campaigns(
    user: CurrentUser, session: SessionDep, limit: LimitParam = 20, cursor: CursorParam = None,
    status_: Annotated[CampaignStatus | None, Query(
        alias="status", description="dispatched or cancelled")] = None,
    kind: Annotated[CampaignKind | None, Query(description="special or holiday")] = None,
) -> Page[CampaignDetailOut]:
    """Campaigns the user may read, newest first, each with its progress per center: the
    group's for 质监办 and leaders, those aimed at their center for a center's users."""
    stmt = service.readable_campaigns(user)
    if status_ is not None:
        stmt = stmt.where(Campaign.status == status_)
    if kind is not None:
        stmt = stmt.where(Campaign.kind == kind)
    rows, next_cursor = keyset_page(session, stmt, [Campaign.id], limit=limit, cursor=cursor,
                                    descending=True)
    return Page(items=views.campaigns_detail(session, user, rows), next_cursor=next_cursor)


@router.get("/campaigns/{campaign_id}", response_model=CampaignDetailOut)
def read_campaign(campaign_id: DbId, user: CurrentUser, session: SessionDep) -> CampaignDetailOut:
    """A campaign with each target center's progress (tasks by state, 回执, late) and the
    late centers; a center's user sees only their center's row."""
    return views.campaign_detail(session, user,
                                 service.get_readable_campaign(session, user, campaign_id))


@router.post("/campaigns/{campaign_id}/cancel", response_model=CampaignDetailOut,
             responses=error_responses(errors.CampaignCancelled))
def cancel_campaign(campaign_id: DbId, body: CancelIn, user: QaOfficer,
                    session: SessionDep) -> CampaignDetailOut:
    """Cancel a campaign (质监办): its due tasks become `cancelled` (no longer due, never
    missed); pending 回执 are no longer owed. Cancelling twice is 409."""
    campaign = service.cancel(session, user, campaign_id, body.reason)
    return views.campaign_detail(session, user, campaign)


@router.post("/campaigns/{campaign_id}/receipt", response_model=ReceiptOut,
             responses=error_responses(errors.ReceiptForbidden, errors.CampaignCancelled,
                                       errors.ReceiptAlreadySubmitted, PreconditionFailed,
                                       IdempotencyMismatch))
def submit_receipt(campaign_id: DbId, body: ReceiptIn, response: Response, user: CurrentUser,
                   session: SessionDep, if_match: IfMatch = None,
                   idempotency_key: IdempotencyKey = None) -> ReceiptOut:
    """Submit the caller's center's 回执 (a target center's manager only; 质监办 does not
    submit on a center's behalf). Once submitted, a second one is 409
    `receipt_already_submitted`; a correction sends the receipt's `version` as `If-Match`
    (a stale one is 412). Lateness is judged on the first submission. A retry with the same
    `Idempotency-Key` returns the stored receipt instead of 409. The `ETag` is the receipt's
    version."""
    campaign, receipt = service.submit_receipt(session, user, campaign_id, body,
                                               expected_versions(if_match), idempotency_key)
    set_etag(response, receipt.version)
    return views.receipt_out(campaign, receipt,
                             views.center_name(session, receipt.center_id))


def _attach(session: Session, settings: Settings, user: User, campaign_id: int,
            document: StoredDocument) -> CampaignDetailOut:
    campaign = documents.attach(session, get_storage(settings), user, campaign_id, document)
    return views.campaign_detail(session, user, campaign)


def _check_attachable(session: Session, user: User, campaign_id: int) -> None:
    try:
        campaign = service.get_readable_campaign(session, user, campaign_id)
        if campaign.status is CampaignStatus.cancelled:
            raise errors.CampaignCancelled(details={"campaign_id": campaign_id})
    finally:
        session.rollback()  # don't hold the database while the body streams in


@router.put("/campaigns/{campaign_id}/attachment", response_model=CampaignDetailOut,
            responses=error_responses(errors.CampaignCancelled, errors.CampaignChanged,
                                      shared_documents.AttachmentTypeUnsupported, "bad_upload",
                                      "unsupported_media_type", "payload_too_large"),
            openapi_extra=shared_documents.UPLOAD_BODY)
async def upload_campaign_attachment(campaign_id: DbId, request: Request, user: QaOfficer,
                                     session: SessionDep,
                                     settings: SettingsDep) -> CampaignDetailOut:
    """Set or replace the campaign's notice document (质监办; multipart field `file`): PDF,
    Word (.docx/.doc), Excel (.xlsx/.xls), JPEG or PNG, recognised by content, at most
    `attachment_max_bytes`. Two uploads at once: one may be 409 `campaign_changed`."""
    await run_in_threadpool(_check_attachable, session, user, campaign_id)
    async with shared_documents.received(request, settings) as document:
        # the transaction's outcome decides which bytes go (documents.attach)
        return await run_in_threadpool(_attach, session, settings, user, campaign_id, document)


@router.get("/campaigns/{campaign_id}/attachment", response_class=StreamingResponse,
            responses={200: shared_documents.DOWNLOAD,
                       **error_responses(errors.AttachmentMissing)})
def download_campaign_attachment(campaign_id: DbId, user: CurrentUser, session: SessionDep,
                                 settings: SettingsDep) -> Response:
    """The campaign's notice document (whoever may read the campaign)."""
    campaign = service.get_readable_campaign(session, user, campaign_id)
    return _stream(campaign, settings)


def _stream(campaign: Campaign, settings: Settings) -> Response:
    if campaign.attachment_key is None or campaign.attachment_type is None:
        raise errors.AttachmentMissing(details={"campaign_id": campaign.id})
    return shared_documents.download(
        settings, campaign.attachment_key, campaign.attachment_type,
        documents.download_name(campaign), campaign.attachment_sha256 or "",
        lambda: errors.AttachmentMissing("附件文件缺失", details={"campaign_id": campaign.id}))


@router.post("/external-inspections", status_code=status.HTTP_201_CREATED,
             response_model=ExternalInspectionDetailOut,
             responses={200: {"model": ExternalInspectionDetailOut,
                              "description": "a retry (same client_id): the first record"},
                        **error_responses(*RECORD_ERRORS)})
def create_external_inspection(body: ExternalInspectionIn, response: Response, user: QaOfficer,
                               session: SessionDep,
                               settings: SettingsDep) -> ExternalInspectionDetailOut:
    """Record an external inspection (上级检查, 质监办): the inspecting body, the date, the
    centers and sites concerned, and its findings, each reported as a hazard with source
    `external` (photos required, as for any report)."""
    record, created = external.create(session, settings, user, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return views.external_detail(session, user, record)


@router.get("/external-inspections", response_model=Page[ExternalInspectionOut])
def list_external_inspections(user: CurrentUser, session: SessionDep, limit: LimitParam = 20,
                              cursor: CursorParam = None) -> Page[ExternalInspectionOut]:
    """External inspections the user may read, latest inspection first: the group's for
    质监办 and leaders, those concerning their center for a center's users."""
    rows, next_cursor = keyset_page(
        session, external.readable_external(user),
        [ExternalInspection.inspected_on, ExternalInspection.id], limit=limit, cursor=cursor,
        descending=True)
    return Page(items=views.externals_out(session, user, rows), next_cursor=next_cursor)


@router.get("/external-inspections/{external_inspection_id}",
            response_model=ExternalInspectionDetailOut)
def read_external_inspection(external_inspection_id: DbId, user: CurrentUser,
                             session: SessionDep) -> ExternalInspectionDetailOut:
    """An external inspection with its hazards (those the user may read) and their status."""
    record = external.get_readable_external(session, user, external_inspection_id)
    return views.external_detail(session, user, record)


@router.post("/external-inspections/{external_inspection_id}/findings",
             status_code=status.HTTP_201_CREATED, response_model=ExternalInspectionDetailOut,
             responses=error_responses(*FINDING_ERRORS))
def add_external_findings(external_inspection_id: DbId, body: FindingsIn, user: QaOfficer,
                          session: SessionDep,
                          settings: SettingsDep) -> ExternalInspectionDetailOut:
    """Add findings to a recorded external inspection (质监办), each a hazard with source
    `external`; a finding retried with its `client_id` is not reported twice."""
    record = external.add_findings(session, settings, user, external_inspection_id,
                                   body.findings)
    return views.external_detail(session, user, record)
