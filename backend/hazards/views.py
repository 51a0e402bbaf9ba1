"""Hazards as the API shows them: photos with signed URLs, overdue, allowed actions, timeline.
Photos and events of a whole page are loaded in a few queries, never one per hazard."""

from datetime import timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.config import Settings
from backend.hazards import major, service, workflow
from backend.hazards.models import Hazard, HazardEvent
from backend.hazards.schemas import EventOut, HazardDetailOut, HazardOut, RequirementOut
from backend.modules.models import ModuleItem
from backend.org.models import Site
from backend.photos.service import photos_by_owner
from backend.photos.views import photo_out

RECTIFICATION_EVENTS = ("submit", "fix_on_spot")


# statements built once: building one costs about as much as running it on a page of ids
_RECTIFICATION_EVENTS_OF = (
    select(HazardEvent.hazard_id, HazardEvent.id)
    .where(HazardEvent.hazard_id.in_(bindparam("hazard_ids", expanding=True)),
           HazardEvent.action.in_(RECTIFICATION_EVENTS))
    .order_by(HazardEvent.hazard_id, HazardEvent.seq)
)


def _latest_rectification_events(session: Session, hazard_ids: list[int]) -> dict[int, int]:
    if not hazard_ids:
        return {}
    rows = session.execute(_RECTIFICATION_EVENTS_OF, {"hazard_ids": hazard_ids})
    return {hazard_id: event_id for hazard_id, event_id in rows}  # the last one wins


_SITE_NAMES = select(Site.id, Site.name).where(Site.id.in_(bindparam("ids", expanding=True)))
_PEOPLE_NAMES = select(User.id, User.display_name) \
    .where(User.id.in_(bindparam("ids", expanding=True)))


def _names(session: Session, hazards: list[Hazard]) -> tuple[dict[int, str], dict[int, str]]:
    """Site names and people's display names of a page, in two queries."""
    site_ids = {h.site_id for h in hazards}
    user_ids = {h.reporter_id for h in hazards} | {h.assignee_id for h in hazards if h.assignee_id}
    sites = dict(session.execute(_SITE_NAMES, {"ids": list(site_ids)}).all()) \
        if site_ids else {}
    people = dict(session.execute(_PEOPLE_NAMES, {"ids": list(user_ids)}).all()) \
        if user_ids else {}
    return sites, people


def hazard_list(session: Session, settings: Settings, user: User,
                hazards: list[Hazard]) -> list[HazardOut]:
    ids = [h.id for h in hazards]
    before = photos_by_owner(session, "hazard", ids)
    latest = _latest_rectification_events(session, ids)
    after = photos_by_owner(session, "hazard_event", list(latest.values()))
    on = clock.today()
    gap = timedelta(hours=settings.photo_capture_gap_hours)
    actor = service.actor_facts(user)  # once per page, not per hazard
    sites, people = _names(session, hazards)
    out = []
    for h in hazards:
        overdue = service.is_overdue(h, on)
        out.append(HazardOut(
            id=h.id, client_id=h.client_id, title=h.title, description=h.description,
            site_id=h.site_id, site_name=sites[h.site_id], center_id=h.center_id,
            campus_id=h.campus_id,
            category=h.category, grade=h.grade, source=h.source, status=h.status,
            photos=[photo_out(p, settings) for p in before[h.id]],
            rectification_photos=[photo_out(p, settings)
                                  for p in after.get(latest.get(h.id, -1), [])],
            reporter_id=h.reporter_id, reporter_name=people[h.reporter_id],
            assignee_id=h.assignee_id,
            assignee_name=people.get(h.assignee_id) if h.assignee_id else None,
            measures=h.measures,
            cost_estimate=h.cost_estimate, deadline=h.deadline,
            interim_measures=h.interim_measures, rechecker_id=h.rechecker_id,
            governance_plan=h.governance_plan, restricted_use=h.restricted_use,
            supervision=h.supervision,
            extension_deadline=h.extension_deadline, extension_reason=h.extension_reason,
            rectification=h.rectification, submitted_by_id=h.submitted_by_id,
            verifier_id=h.verifier_id, inspection_id=h.inspection_id, item_id=h.item_id,
            is_overdue=overdue,
            overdue_days=(on - h.deadline).days if overdue and h.deadline else 0,
            closed_late=h.closed_late, fixed_on_spot=h.fixed_on_spot,
            cancel_reason=h.cancel_reason,
            photo_time_suspect=service.photo_time_suspect(
                h, [p.taken_at for p in before[h.id]], gap),
            allowed_actions=workflow.allowed_actions(actor, service.hazard_facts(h)),
            version=h.version,
            captured_at=h.captured_at, created_at=h.created_at, updated_at=h.updated_at,
            closed_at=h.closed_at,
        ))
    return out


def hazard_detail(session: Session, settings: Settings, user: User,
                  hazard: Hazard) -> HazardDetailOut:
    summary = hazard_list(session, settings, user, [hazard])[0]
    events = list(session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id)
                                  .order_by(HazardEvent.seq)))
    photos = photos_by_owner(session, "hazard_event", [e.id for e in events])
    actor_ids = {e.actor_id for e in events if e.actor_id}
    names = dict(session.execute(select(User.id, User.display_name)
                                 .where(User.id.in_(actor_ids))).all()) if actor_ids else {}
    timeline = [EventOut(seq=e.seq, action=e.action, actor_id=e.actor_id,
                         actor_name=names.get(e.actor_id) if e.actor_id else None, at=e.at,
                         from_status=e.from_status,
                         to_status=e.to_status, comment=e.comment, changes=e.changes,
                         photos=[photo_out(p, settings) for p in photos[e.id]])
                for e in events]
    item = session.get(ModuleItem, hazard.item_id) if hazard.item_id else None
    requirement = RequirementOut.model_validate(item) if item else None
    return HazardDetailOut(**summary.model_dump(), requirement=requirement, timeline=timeline,
                           upward_reports=major.upward_reports(timeline),
                           closure=major.closure(hazard, timeline))
