"""Campaigns and external inspections as the API returns them."""

from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.campaigns import external, service
from backend.campaigns.models import Campaign, CampaignCenter, ExternalInspection
from backend.campaigns.schemas import (
    AttachmentOut,
    CampaignDetailOut,
    CenterProgressOut,
    ExternalHazardOut,
    ExternalInspectionDetailOut,
    ExternalInspectionOut,
    ReceiptOut,
)
from backend.hazards.service import is_overdue
from backend.org.models import Center
from backend.plans.models import TaskState


def center_name(session: Session, center_id: int) -> str:
    center = session.get(Center, center_id)
    return center.name if center is not None else ""


def receipt_out(campaign: Campaign, receipt: CampaignCenter, center_name: str) -> ReceiptOut:
    return ReceiptOut(center_id=receipt.center_id, center_name=center_name,
                      status=receipt.status, done=receipt.done,
                      findings_count=receipt.findings_count, note=receipt.note,
                      submitted_by_id=receipt.submitted_by_id, submitted_at=receipt.submitted_at,
                      corrected_at=receipt.corrected_at,
                      late=service.late(campaign, receipt, clock.utcnow()),
                      version=receipt.version)


def _attachment(campaign: Campaign) -> AttachmentOut | None:
    if campaign.attachment_key is None:
        return None
    assert campaign.attachment_type is not None and campaign.attachment_bytes is not None
    return AttachmentOut(name=campaign.attachment_name, content_type=campaign.attachment_type,
                         bytes=campaign.attachment_bytes, sha256=campaign.attachment_sha256 or "",
                         url=f"/api/v1/campaigns/{campaign.id}/attachment")


def _summary(campaign: Campaign, center_ids: list[int]) -> dict[str, object]:
    return {"id": campaign.id, "title": campaign.title, "kind": campaign.kind,
            "status": campaign.status, "module_ids": campaign.module_ids,
            "site_kinds": campaign.site_kinds, "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on, "receipt_due_on": campaign.receipt_due_on,
            "notes": campaign.notes, "attachment": _attachment(campaign),
            "created_by_id": campaign.created_by_id, "dispatched_at": campaign.dispatched_at,
            "cancelled_at": campaign.cancelled_at, "cancel_reason": campaign.cancel_reason,
            "center_ids": center_ids, "version": campaign.version}


def campaigns_detail(session: Session, user: User,
                     rows: list[Campaign]) -> list[CampaignDetailOut]:
    """The campaigns with their progress per center the user may see: two queries for the
    whole page (receipts, task counts), so the phone's list needs no request per campaign."""
    ids = [c.id for c in rows]
    receipts, counts = service.receipts_of(session, user, ids), service.task_counts(session, ids)

    def detail(campaign: Campaign) -> CampaignDetailOut:
        centers = []
        for receipt, name in receipts[campaign.id]:
            states = counts[campaign.id, receipt.center_id]
            centers.append(CenterProgressOut(
                center_id=receipt.center_id, center_name=name,
                tasks_total=sum(states.values()), tasks_done=states[TaskState.done.value],
                tasks_missed=states[TaskState.missed.value],
                tasks_due=states[TaskState.due.value],
                tasks_cancelled=states[TaskState.cancelled.value],
                receipt=receipt_out(campaign, receipt, name)))
        return CampaignDetailOut.model_validate({
            **_summary(campaign, [c.center_id for c in centers]), "centers": centers,
            "late_center_ids": [c.center_id for c in centers if c.receipt.late]})

    return [detail(c) for c in rows]


def campaign_detail(session: Session, user: User, campaign: Campaign) -> CampaignDetailOut:
    return campaigns_detail(session, user, [campaign])[0]


def _external_summary(inspection: ExternalInspection, center_ids: list[int],
                      findings: int) -> dict[str, object]:
    return {"id": inspection.id, "inspecting_body": inspection.inspecting_body,
            "inspected_on": inspection.inspected_on, "center_ids": center_ids,
            "site_ids": inspection.site_ids, "notes": inspection.notes,
            "created_by_id": inspection.created_by_id, "created_at": inspection.created_at,
            "findings_count": findings}


def externals_out(session: Session, user: User,
                  rows: list[ExternalInspection]) -> list[ExternalInspectionOut]:
    ids = [r.id for r in rows]
    centers, hazards = external.concerned_centers(session, ids), external.findings_of(
        session, user, ids)
    return [ExternalInspectionOut.model_validate(
        _external_summary(r, centers[r.id], len(hazards[r.id]))) for r in rows]


def external_detail(session: Session, user: User,
                    inspection: ExternalInspection) -> ExternalInspectionDetailOut:
    hazards = external.findings_of(session, user, [inspection.id])[inspection.id]
    today = clock.today()
    centers = external.concerned_centers(session, [inspection.id])[inspection.id]
    return ExternalInspectionDetailOut.model_validate({
        **_external_summary(inspection, centers, len(hazards)),
        "hazards": [ExternalHazardOut(id=h.id, title=h.title, site_id=h.site_id,
                                      center_id=h.center_id, grade=h.grade, status=h.status,
                                      is_overdue=is_overdue(h, today)) for h in hazards]})
