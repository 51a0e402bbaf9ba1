"""API shapes of the records."""

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.records import actions, attachments
from backend.records.access import Kind
from backend.records.models import ActionCampaign, RecordAttachment
from backend.records.schemas import (
    ActionCampaignOut,
    CenterSubmissionsOut,
    RecordAttachmentOut,
    SubmissionMatrixOut,
    TableStatusOut,
)

API = "/api/v1"


def attachment_out(path: str, attachment: RecordAttachment) -> RecordAttachmentOut:
    return RecordAttachmentOut(
        id=attachment.id, name=attachment.name, content_type=attachment.content_type,
        bytes=attachment.bytes, sha256=attachment.sha256,
        uploaded_by_id=attachment.uploaded_by_id, created_at=attachment.created_at,
        url=f"{API}{path}/{attachment.record_id}/attachments/{attachment.id}")


def records_out(session: Session, kind: Kind, path: str, out: type[BaseModel],
                rows: Sequence[Any]) -> list[Any]:
    """Each record with its attachments (one query for the page)."""
    found = attachments.of_records(session, kind.record_type, [row.id for row in rows])
    columns = [column.key for column in kind.model.__table__.columns]
    return [out.model_validate({**{name: getattr(row, name) for name in columns},
                                "attachments": [attachment_out(path, a)
                                                for a in found.get(row.id, [])]})
            for row in rows]


def action_out(action: ActionCampaign) -> ActionCampaignOut:
    return ActionCampaignOut.model_validate({
        **{name: getattr(action, name) for name in (
            "id", "title", "first_year", "last_year", "table1_due_on", "table2_due_on",
            "table3_due_on", "notes", "version", "created_at", "updated_at")},
        "years": list(range(action.first_year, action.last_year + 1))})


def matrix_out(session: Session, user: User, action: ActionCampaign) -> SubmissionMatrixOut:
    centers = []
    for center, tables in actions.matrix(session, user, action):
        centers.append(CenterSubmissionsOut(center_id=center.id, center_name=center.name, tables=[
            TableStatusOut(table=t.table, due_on=t.due_on, submitted=t.submission is not None,
                           submitted_at=t.submission.submitted_at if t.submission else None,
                           submitted_by_id=t.submission.submitted_by_id if t.submission
                           else None,
                           submitted_by_name=t.submitted_by_name, late=t.late,
                           note=t.submission.note if t.submission else None)
            for t in tables]))
    return SubmissionMatrixOut(action_campaign_id=action.id, centers=centers,
                               late_count=sum(t.late for c in centers for t in c.tables))
