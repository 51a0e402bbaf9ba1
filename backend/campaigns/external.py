"""External inspections (上级检查): 质监办 records who inspected and when, and enters each
finding as a hazard with source ``external`` through the hazards service (the same rules,
photos, grade, timeline and events as any reported hazard), linked to the record."""

from collections import defaultdict
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend import clock, idempotency
from backend.accounts.models import User
from backend.audit.service import record
from backend.campaigns.errors import ExternalInspectionNotFound, ExternalTargetInvalid
from backend.campaigns.models import ExternalFinding, ExternalInspection, ExternalInspectionCenter
from backend.campaigns.schemas import ExternalInspectionIn, FindingIn
from backend.config import Settings
from backend.dedupe import insert_or_skip
from backend.hazards.major_rules import DateInFuture
from backend.hazards.models import Hazard
from backend.hazards.service import readable_hazards, report
from backend.org.models import Center, Site
from backend.org.service import CENTER_DATA_READERS, scoped_to_user
from backend.vocab import HazardSource


def readable_external(user: User) -> Select[Any]:
    """质监办 and leaders read the group's records; a center's users those concerning it."""
    concerned = scoped_to_user(select(ExternalInspectionCenter.external_inspection_id),
                               ExternalInspectionCenter.center_id, user, CENTER_DATA_READERS)
    return select(ExternalInspection).where(ExternalInspection.group_id == user.group_id,
                                            ExternalInspection.id.in_(concerned))


def get_readable_external(session: Session, user: User, record_id: int) -> ExternalInspection:
    found = session.scalar(readable_external(user).where(ExternalInspection.id == record_id))
    if found is None:
        raise ExternalInspectionNotFound(details={"external_inspection_id": record_id})
    return found


def _concern(session: Session, inspection: ExternalInspection, center_ids: set[int]) -> None:
    insert_or_skip(session, ExternalInspectionCenter, [
        {"external_inspection_id": inspection.id, "center_id": c} for c in sorted(center_ids)],
        ("external_inspection_id", "center_id"))


def _add_findings(session: Session, settings: Settings, user: User,
                  inspection: ExternalInspection, findings: list[FindingIn]) -> list[Hazard]:
    hazards = [report(session, settings, user, finding,
                      reserved_source=HazardSource.external)[0] for finding in findings]
    insert_or_skip(session, ExternalFinding, [
        {"external_inspection_id": inspection.id, "hazard_id": h.id} for h in hazards],
        ("hazard_id",))
    _concern(session, inspection, {h.center_id for h in hazards})
    return hazards


def _centers_of(session: Session, user: User, data: ExternalInspectionIn) -> set[int]:
    centers = set(session.scalars(select(Center.id).where(
        Center.group_id == user.group_id, Center.id.in_(data.center_ids))))
    sites = dict(session.execute(select(Site.id, Site.center_id).join(
        Center, Center.id == Site.center_id).where(
        Center.group_id == user.group_id, Site.id.in_(data.site_ids))).all())
    unknown = {"center_ids": sorted(set(data.center_ids) - centers),
               "site_ids": sorted(set(data.site_ids) - set(sites))}
    if unknown["center_ids"] or unknown["site_ids"]:
        raise ExternalTargetInvalid(details=unknown)
    return centers | set(sites.values())


def create(session: Session, settings: Settings, user: User,
           data: ExternalInspectionIn) -> tuple[ExternalInspection, bool]:
    """Record an external inspection with its findings (a retry with the same ``client_id``
    returns the first record, ``created`` False). An inspection dated after today is 422
    ``date_in_future``: findings are recorded after the visit, never before it."""
    if data.inspected_on > clock.today():
        raise DateInFuture(details={"field": "inspected_on", "inspected_on": data.inspected_on})
    request_hash = idempotency.fingerprint(data.model_dump(exclude={"client_id"},
                                                           exclude_defaults=True))

    def find() -> ExternalInspection | None:
        if data.client_id is None:
            return None
        return session.scalar(select(ExternalInspection).where(
            ExternalInspection.created_by_id == user.id,
            ExternalInspection.client_id == data.client_id))

    def make() -> ExternalInspection:
        centers = _centers_of(session, user, data)
        inspection = ExternalInspection(
            group_id=user.group_id, client_id=data.client_id, request_hash=request_hash,
            inspecting_body=data.inspecting_body, inspected_on=data.inspected_on,
            site_ids=sorted(set(data.site_ids)), notes=data.notes or None,
            created_by_id=user.id)
        session.add(inspection)
        session.flush()
        _concern(session, inspection, centers)
        hazards = _add_findings(session, settings, user, inspection, data.findings)
        record(session, actor=user, action="external_inspection.create",
               object_type="external_inspection", object_id=inspection.id, summary={"after": {
                   "inspecting_body": inspection.inspecting_body,
                   "inspected_on": inspection.inspected_on.isoformat(),
                   "center_ids": sorted(centers), "hazard_ids": [h.id for h in hazards]}})
        return inspection

    return idempotency.create_once(session, find, make,
                                   lambda first: first.request_hash == request_hash)


def add_findings(session: Session, settings: Settings, user: User, record_id: int,
                 findings: list[FindingIn]) -> ExternalInspection:
    """More findings of a recorded inspection (e.g. from its written report, days later)."""
    inspection = get_readable_external(session, user, record_id)
    hazards = _add_findings(session, settings, user, inspection, findings)
    record(session, actor=user, action="external_inspection.add_findings",
           object_type="external_inspection", object_id=inspection.id,
           summary={"after": {"hazard_ids": [h.id for h in hazards]}})
    return inspection


def concerned_centers(session: Session, ids: list[int]) -> dict[int, list[int]]:
    by_record: dict[int, list[int]] = defaultdict(list)
    for record_id, center_id in session.execute(
            select(ExternalInspectionCenter.external_inspection_id,
                   ExternalInspectionCenter.center_id)
            .where(ExternalInspectionCenter.external_inspection_id.in_(ids))
            .order_by(ExternalInspectionCenter.center_id)):
        by_record[record_id].append(center_id)
    return by_record


def findings_of(session: Session, user: User, ids: list[int]) -> dict[int, list[Hazard]]:
    """Each record's hazards the user may read, oldest first."""
    rows = session.execute(readable_hazards(user).add_columns(
        ExternalFinding.external_inspection_id).join(
        ExternalFinding, ExternalFinding.hazard_id == Hazard.id).where(
        ExternalFinding.external_inspection_id.in_(ids)).order_by(Hazard.id))
    by_record: dict[int, list[Hazard]] = defaultdict(list)
    for hazard, record_id in rows:
        by_record[record_id].append(hazard)
    return by_record
