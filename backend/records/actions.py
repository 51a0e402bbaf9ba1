"""Three-year actions (三年行动): their years and the day each official table is due, and the
tables the centers hand in. Everyone in the group reads the actions; 质监办 writes them. A
center's manager submits their center's table once (the unique (action, center, table) key
decides between concurrent submits); it is late when submitted after the due day, Asia/Shanghai.
The matrix is centers × tables, a center's users seeing their own center's row."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import clock, events, idempotency
from backend.accounts.models import User
from backend.audit.service import changes, record, snapshot
from backend.errors import Forbidden
from backend.etag import PreconditionFailed, required_version
from backend.org.models import Center
from backend.records.access import readable_center_ids
from backend.records.errors import (
    ActionCampaignNotFound,
    ActionYearsInvalid,
    RecordChanged,
    TableAlreadySubmitted,
    TableSubmitForbidden,
)
from backend.records.models import ActionCampaign, OfficialTable, TableSubmission
from backend.records.schemas import ActionCampaignIn, ActionCampaignPatchIn, SubmissionIn
from backend.statewrite import compare_and_set
from backend.vocab import CenterKind, Role

EDITABLE = ("title", "first_year", "last_year", "table1_due_on", "table2_due_on",
            "table3_due_on", "notes")
MAX_YEARS = 10


def due_on(action: ActionCampaign, table: OfficialTable) -> date:
    due: date = getattr(action, f"{table.value}_due_on")
    return due


def is_late(due: date, submitted_at: datetime | None, now: datetime) -> bool:
    """Submitted after the due day, or not submitted and the due day is over (Asia/Shanghai)."""
    return (submitted_at or now) >= clock.day_start(due, plus_days=1)


def readable_actions(user: User) -> Select[Any]:
    return select(ActionCampaign).where(ActionCampaign.group_id == user.group_id)


def get_action(session: Session, user: User, action_id: int) -> ActionCampaign:
    action = session.scalar(readable_actions(user).where(ActionCampaign.id == action_id)
                            .execution_options(populate_existing=True))
    if action is None:
        raise ActionCampaignNotFound(details={"action_campaign_id": action_id})
    return action


def _check_qa(user: User) -> None:
    if not user.has_role(Role.qa_officer):
        raise Forbidden(details={"required_roles": [Role.qa_officer.value]})


def _check_years(values: dict[str, Any]) -> None:
    first, last = values["first_year"], values["last_year"]
    if last < first or last - first >= MAX_YEARS:
        raise ActionYearsInvalid(details={"first_year": first, "last_year": last})


def create_action(session: Session, user: User, data: ActionCampaignIn,
                  key: str | None) -> tuple[ActionCampaign, bool]:
    _check_qa(user)
    values = data.model_dump(exclude={"client_id"})
    _check_years(values)
    request_hash = idempotency.fingerprint(data.model_dump(exclude={"client_id"},
                                                           exclude_defaults=True))

    def find() -> ActionCampaign | None:
        if key is None:
            return None
        return session.scalar(select(ActionCampaign).where(
            ActionCampaign.created_by_id == user.id, ActionCampaign.client_id == key))

    def add() -> ActionCampaign:
        action = ActionCampaign(**values, group_id=user.group_id, created_by_id=user.id,
                                client_id=key, request_hash=request_hash)
        session.add(action)
        session.flush()
        after = snapshot(action, EDITABLE)
        record(session, actor=user, action="action_campaign.create",
               object_type="action_campaign", object_id=action.id, summary={"after": after})
        events.emit(session, "action_campaign.created", object_type="action_campaign",
                    object_id=action.id, center_id=None, group_id=user.group_id,
                    actor_id=user.id, data=after)
        return action

    return idempotency.create_once(session, find, add,
                                   lambda first: first.request_hash == request_hash)


def update_action(session: Session, user: User, action_id: int, data: ActionCampaignPatchIn,
                  if_match: frozenset[int] | None) -> ActionCampaign:
    action = get_action(session, user, action_id)
    _check_qa(user)
    required = required_version(if_match, action.version)
    changed = {name: getattr(data, name) for name in data.model_fields_set}
    _check_years({**snapshot(action, ("first_year", "last_year")), **changed})
    before = snapshot(action, EDITABLE)
    if not compare_and_set(session, action, {"version": required or action.version},
                           {**changed, "updated_at": clock.utcnow()}):
        if required is not None:
            raise PreconditionFailed(details={"id": action.id})
        raise RecordChanged(details={"kind": "action_campaign", "id": action.id})
    diff = changes(before, snapshot(action, EDITABLE))
    record(session, actor=user, action="action_campaign.update", object_type="action_campaign",
           object_id=action.id, summary=diff)
    events.emit(session, "action_campaign.updated", object_type="action_campaign",
                object_id=action.id, center_id=None, group_id=user.group_id,
                actor_id=user.id, data=diff)
    return action


def submit(session: Session, user: User, action_id: int, data: SubmissionIn,
           key: str | None) -> tuple[TableSubmission, bool]:
    """The caller's center hands in ``data.table``: ``(submission, True)``; a retry with the
    same ``key`` returns the stored one (False); otherwise a second submit is 409."""
    action = get_action(session, user, action_id)
    if not user.has_role(Role.center_manager) or user.center_id is None:
        raise TableSubmitForbidden(details={"required_roles": [Role.center_manager.value]})
    center_id = user.center_id

    def stored() -> TableSubmission | None:
        return session.scalar(select(TableSubmission).where(
            TableSubmission.action_campaign_id == action.id,
            TableSubmission.center_id == center_id,
            TableSubmission.table_key == data.table))

    if idempotency.claim(session, actor_id=user.id, key=key, scope="records.table_submit",
                         object_id=action.id, request=data.model_dump(exclude_defaults=True)):
        first = stored()
        if first is not None:
            return first, False
    now = clock.utcnow()
    late = is_late(due_on(action, data.table), now, now)
    submission = TableSubmission(action_campaign_id=action.id, center_id=center_id,
                                 table_key=data.table, submitted_at=now,
                                 submitted_by_id=user.id, late=late, note=data.note)
    try:
        with session.begin_nested():
            session.add(submission)
            session.flush()
    except IntegrityError:
        first = stored()
        raise TableAlreadySubmitted(details={
            "table": data.table, "submitted_at": first.submitted_at if first else None}) \
            from None
    facts = {"table": data.table, "late": late, "due_on": due_on(action, data.table)}
    record(session, actor=user, action="action_campaign.submit_table",
           object_type="action_campaign", object_id=action.id,
           summary={"after": {"center_id": center_id, **facts}})
    events.emit(session, "action_campaign.table_submitted", object_type="action_campaign",
                object_id=action.id, center_id=center_id, group_id=action.group_id,
                actor_id=user.id, data=facts)
    return submission, True


@dataclass(frozen=True)
class TableStatus:
    table: OfficialTable
    due_on: date
    submission: TableSubmission | None
    submitted_by_name: str | None
    late: bool


def matrix(session: Session, user: User,
           action: ActionCampaign) -> list[tuple[Center, list[TableStatus]]]:
    """Each operating center the user may read (质监办 itself hands in no tables) with its
    three tables' status."""
    centers = list(session.scalars(select(Center).where(
        Center.id.in_(readable_center_ids(user)),
        Center.kind != CenterKind.quality_supervision, Center.is_active).order_by(Center.id)))
    submitted = {(s.center_id, s.table_key): (s, name) for s, name in session.execute(
        select(TableSubmission, User.display_name)
        .join(User, User.id == TableSubmission.submitted_by_id)
        .where(TableSubmission.action_campaign_id == action.id,
               TableSubmission.center_id.in_([c.id for c in centers])))}
    now = clock.utcnow()
    rows = []
    for center in centers:
        tables = []
        for table in OfficialTable:
            submission, name = submitted.get((center.id, table), (None, None))
            due = due_on(action, table)
            tables.append(TableStatus(table, due, submission, name, submission.late
                                      if submission else is_late(due, None, now)))
        rows.append((center, tables))
    return rows
