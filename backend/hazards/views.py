"""Hazards as the API shows them: photos with signed URLs, overdue, allowed actions, timeline.
Photos of a whole page are loaded in one query, never one per hazard.

A list item is a dict of plain values, typed by their columns and the rules, rendered once as the
page's JSON: building a ``HazardOut`` per item (validated, or even ``model_construct``-ed) was a
sixth of the hazard list's in-process time (profiled, bench/hazards.py's page). The JSON plans,
stored as dicts, are still validated into their models."""

import functools
import json
from collections import defaultdict, namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Row,
    String,
    and_,
    any_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from backend import clock
from backend.accounts.models import User
from backend.config import Settings
from backend.hazards import major, service, workflow
from backend.hazards.models import Hazard, HazardEvent
from backend.hazards.schemas import (
    EventOut,
    GovernancePlanOut,
    HazardDetailOut,
    RequirementOut,
    SupervisionOut,
)
from backend.modules.models import ModuleItem
from backend.org.models import Site
from backend.photos import signing
from backend.photos.models import Photo, PhotoLink
from backend.photos.service import photos_by_owner
from backend.photos.views import photo_fields, photo_out

RECTIFICATION_EVENTS = ("submit", "fix_on_spot")
PHOTO_COLUMNS = (Photo.id, Photo.client_id, Photo.sha256, Photo.width, Photo.height,
                 Photo.content_type, Photo.bytes, Photo.taken_at, Photo.taken_at_source,
                 Photo.received_at, Photo.gps_lat, Photo.gps_lon, Photo.site_id,
                 Photo.uploader_id, Photo.markup_of_id)


def _page_photos_statement(postgres: bool) -> Any:
    """A page's before-photos (links of the hazard) and rectification photos (links of its
    latest submit or fix-on-spot event), in one statement built once: three statements before
    (the before-photos, the events, their photos), each building entities. The ids come as
    one array (PostgreSQL) or JSON array (SQLite) parameter, not an expanding IN: with one,
    SQLAlchemy renders the statement's SQL again on every execution (measured: a third of
    this statement's in-process time on SQLite)."""
    if postgres:
        ids = any_(bindparam("hazard_ids", type_=ARRAY(Integer)))

        def listed(column: Any) -> Any:
            return column == ids
    else:
        each = func.json_each(bindparam("hazard_ids", type_=String)).table_valued("value")

        def listed(column: Any) -> Any:
            return column.in_(select(each.c.value))
    rectification = or_(*(HazardEvent.action == a for a in RECTIFICATION_EVENTS))
    before = select(PhotoLink.owner_id.label("hazard_id"), literal(0).label("after"),
                    PhotoLink.position, *PHOTO_COLUMNS) \
        .join(Photo, Photo.id == PhotoLink.photo_id) \
        .where(PhotoLink.owner_type == "hazard", listed(PhotoLink.owner_id))
    later = aliased(HazardEvent)
    after = select(HazardEvent.hazard_id, literal(1), PhotoLink.position, *PHOTO_COLUMNS) \
        .select_from(HazardEvent) \
        .join(PhotoLink, and_(PhotoLink.owner_type == "hazard_event",
                              PhotoLink.owner_id == HazardEvent.id)) \
        .join(Photo, Photo.id == PhotoLink.photo_id) \
        .where(listed(HazardEvent.hazard_id), rectification,
               ~exists().where(later.hazard_id == HazardEvent.hazard_id,
                               or_(*(later.action == a for a in RECTIFICATION_EVENTS)),
                               later.seq > HazardEvent.seq))
    both = union_all(before, after)
    return both.order_by(both.selected_columns.hazard_id, both.selected_columns.after,
                         both.selected_columns.position)


_PAGE_PHOTOS = {False: _page_photos_statement(False), True: _page_photos_statement(True)}


_NAMED_TUPLE: Callable[..., Any] = namedtuple  # its fields are known only at run time


@functools.cache
def _plain(keys: tuple[str, ...]) -> Callable[[Row[Any]], tuple[Any, ...]]:
    return _NAMED_TUPLE("Plain", keys)._make


def plain_rows(rows: Sequence[Row[Any]]) -> list[Any]:
    """``rows`` (of one statement) as named tuples: building an item reads ~45 attributes,
    and a Row's attribute access (~0.5 µs each) was 40% of building it (measured)."""
    if not rows:
        return []
    make = _plain(tuple(rows[0]._fields))
    return [make(row) for row in rows]


def page_photos(session: Session, hazard_ids: list[int]) -> dict[tuple[int, int], list[Any]]:
    """Photo rows by (hazard id, 0 before / 1 rectification), in their order."""
    photos: dict[tuple[int, int], list[Any]] = defaultdict(list)
    if hazard_ids:
        connection = session.connection()
        postgres = connection.dialect.name == "postgresql"
        rows = connection.execute(_PAGE_PHOTOS[postgres], {
            "hazard_ids": hazard_ids if postgres else json.dumps(hazard_ids)}).all()
        for photo in plain_rows(rows):
            photos[photo.hazard_id, photo.after].append(photo)
    return photos


_SITE_NAMES = select(Site.id, Site.name).where(Site.id.in_(bindparam("ids", expanding=True)))
_PEOPLE_NAMES = select(User.id, User.display_name) \
    .where(User.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class Names:
    site: str
    reporter: str
    assignee: str | None


@dataclass(frozen=True)
class Items:
    """What every item of a page shares: the caller, today, the photos and their URLs'
    expiry."""

    settings: Settings
    actor: workflow.ActorFacts
    photos: dict[tuple[int, int], list[Any]]
    on: date
    gap: timedelta
    expires: int

    @classmethod
    def of(cls, session: Session, settings: Settings, user: User,
           hazard_ids: list[int]) -> "Items":
        return cls(settings, service.actor_facts(user), page_photos(session, hazard_ids),
                   clock.today(), timedelta(hours=settings.photo_capture_gap_hours),
                   signing.expiry(settings.photo_url_ttl_seconds))

    def item(self, h: Any, names: Names) -> dict[str, Any]:
        """``HazardOut``'s fields in its order, of a hazard entity or a row of the list's
        columns: plain values typed by their columns and the rules, rendered as they are (a
        test holds a page equal to the schema's own rendering of it)."""
        before = self.photos.get((h.id, 0), [])
        overdue = service.is_overdue(h, self.on)
        actions = workflow.allowed_actions(self.actor, service.hazard_facts(h))
        return {
            "id": h.id, "client_id": h.client_id, "title": h.title,
            "description": h.description, "site_id": h.site_id, "site_name": names.site,
            "center_id": h.center_id, "campus_id": h.campus_id, "category": h.category,
            "grade": h.grade, "source": h.source, "status": h.status,
            "photos": [photo_fields(p, self.settings, self.expires) for p in before],
            "rectification_photos": [photo_fields(p, self.settings, self.expires)
                                     for p in self.photos.get((h.id, 1), [])],
            "reporter_id": h.reporter_id, "reporter_name": names.reporter,
            "assignee_id": h.assignee_id, "assignee_name": names.assignee,
            "measures": h.measures, "cost_estimate": h.cost_estimate, "deadline": h.deadline,
            "interim_measures": h.interim_measures, "rechecker_id": h.rechecker_id,
            "governance_plan": None if h.governance_plan is None
            else GovernancePlanOut.model_validate(h.governance_plan),
            "restricted_use": h.restricted_use,
            "supervision": None if h.supervision is None
            else SupervisionOut.model_validate(h.supervision),
            "extension_deadline": h.extension_deadline,
            "extension_reason": h.extension_reason, "rectification": h.rectification,
            "submitted_by_id": h.submitted_by_id, "verifier_id": h.verifier_id,
            "inspection_id": h.inspection_id, "item_id": h.item_id, "is_overdue": overdue,
            "overdue_days": (self.on - h.deadline).days if overdue and h.deadline else 0,
            "closed_late": h.closed_late, "fixed_on_spot": h.fixed_on_spot,
            "cancel_reason": h.cancel_reason,
            "photo_time_suspect": service.photo_time_suspect(
                h, [p.taken_at for p in before], self.gap),
            "allowed_actions": [a.value for a in actions], "version": h.version,
            "captured_at": h.captured_at, "created_at": h.created_at,
            "updated_at": h.updated_at, "closed_at": h.closed_at,
        }


def hazard_summary(session: Session, settings: Settings, user: User,
                   hazard: Hazard) -> dict[str, Any]:
    """A hazard entity as a list item's fields (the list itself reads rows: ``listing.py``)."""
    session.flush()  # the photos are read through the connection, which does not autoflush
    items = Items.of(session, settings, user, [hazard.id])
    user_ids = [hazard.reporter_id] + ([hazard.assignee_id] if hazard.assignee_id else [])
    sites = dict(session.execute(_SITE_NAMES, {"ids": [hazard.site_id]}).all())
    people = dict(session.execute(_PEOPLE_NAMES, {"ids": user_ids}).all())
    return items.item(hazard, Names(sites[hazard.site_id], people[hazard.reporter_id],
                                    people.get(hazard.assignee_id) if hazard.assignee_id
                                    else None))


def hazard_detail(session: Session, settings: Settings, user: User,
                  hazard: Hazard) -> HazardDetailOut:
    summary = hazard_summary(session, settings, user, hazard)
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
    return HazardDetailOut(**summary, requirement=requirement, timeline=timeline,
                           upward_reports=major.upward_reports(timeline),
                           closure=major.closure(hazard, timeline))
