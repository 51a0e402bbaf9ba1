"""The four kinds of center records, what each lets change and how its values are checked."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.campaigns.models import CampaignCenter
from backend.hazards.models import Hazard
from backend.org.models import Center
from backend.records.access import CENTER_STAFF, Kind, Policy
from backend.records.errors import (
    AccountabilityWriteForbidden,
    RecordLinksInvalid,
    RecordWriteForbidden,
    ReviewIncomplete,
    StandardItemFixed,
)
from backend.records.models import (
    AccountabilityRecord,
    ActionCampaign,
    RecordType,
    Regulation,
    ResponsibilityItem,
    Training,
)
from backend.vocab import Role

CENTER_WRITES = Policy(center_readers=CENTER_STAFF, writers="center",
                       forbidden=RecordWriteForbidden)
# a 通报 or 约谈 concerns people: their center's managers read it, not its inspectors
QA_WRITES = Policy(center_readers=(Role.center_manager,), writers="qa",
                   forbidden=AccountabilityWriteForbidden)


def _guard_standard(row: ResponsibilityItem, changes: dict[str, Any] | None) -> None:
    if row.standard_key is None:
        return
    if changes is None or changes.get("title", row.title) != row.title:
        raise StandardItemFixed(details={"id": row.id, "standard_key": row.standard_key})


def _regulation(session: Session, center_id: int, values: dict[str, Any]) -> dict[str, Any]:
    if (values.get("decision") is None) != (values.get("decided_on") is None):
        raise ReviewIncomplete(details={"decision": values.get("decision"),
                                        "decided_on": values.get("decided_on")})
    if values.get("seq") is None:
        last = session.scalar(select(func.max(Regulation.seq))
                              .where(Regulation.center_id == center_id))
        values = {**values, "seq": (last or 0) + 1}
    return values


def _missing(session: Session, column: Any, ids: list[int], *where: Any) -> list[int]:
    if not ids:
        return []
    found = set(session.scalars(select(column).where(column.in_(ids), *where)))
    return sorted(set(ids) - found)


def _accountability(session: Session, center_id: int,
                    values: dict[str, Any]) -> dict[str, Any]:
    """Links name the center's own users and hazards, campaigns aimed at it and the group's
    three-year actions."""
    values = {**values, **{name: sorted(set(values.get(name) or [])) for name in (
        "hazard_ids", "campaign_ids", "action_campaign_ids")}}
    group_id = session.scalar(select(Center.group_id).where(Center.id == center_id))
    person = values.get("person_user_id")
    invalid = {
        "person_user_id": _missing(session, User.id, [person] if person else [],
                                   User.center_id == center_id),
        "hazard_ids": _missing(session, Hazard.id, values["hazard_ids"],
                               Hazard.center_id == center_id),
        "campaign_ids": _missing(session, CampaignCenter.campaign_id, values["campaign_ids"],
                                 CampaignCenter.center_id == center_id),
        "action_campaign_ids": _missing(session, ActionCampaign.id,
                                        values["action_campaign_ids"],
                                        ActionCampaign.group_id == group_id)}
    invalid = {name: ids for name, ids in invalid.items() if ids}
    if invalid:
        raise RecordLinksInvalid(details={"center_id": center_id, **invalid})
    return values


RESPONSIBILITY = Kind(ResponsibilityItem, RecordType.responsibility_item,
                      ("title", "established", "deadline", "remark", "position"),
                      CENTER_WRITES, order=("position",), guard=_guard_standard)
REGULATION = Kind(Regulation, RecordType.regulation,
                  ("seq", "title", "doc_number", "issued_on", "remark", "decision", "decided_on"),
                  CENTER_WRITES, order=("seq",), validate=_regulation)
TRAINING = Kind(Training, RecordType.training,
                ("kind", "held_on", "topic", "participant_count", "participant_names",
                 "duration_minutes", "location", "summary"),
                CENTER_WRITES, order=("held_on",), newest_first=True)
ACCOUNTABILITY = Kind(AccountabilityRecord, RecordType.accountability,
                      ("kind", "person_name", "person_user_id", "reason", "issued_on",
                       "doc_number", "hazard_ids", "campaign_ids", "action_campaign_ids"),
                      QA_WRITES, order=("issued_on",), newest_first=True,
                      validate=_accountability)
KINDS = {kind.record_type: kind for kind in (RESPONSIBILITY, REGULATION, TRAINING,
                                              ACCOUNTABILITY)}
