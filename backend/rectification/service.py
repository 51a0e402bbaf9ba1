"""附表3 plan entries: who reads and edits which, and their writes (version-checked; a hazard
is planned once, decided by the unique key, also between concurrent requests)."""

from collections import defaultdict
from typing import Any

from sqlalchemy import CursorResult, Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import clock, events, idempotency
from backend.accounts.models import User
from backend.audit.service import changes, record
from backend.etag import PreconditionFailed, required_version
from backend.hazards.models import Hazard
from backend.hazards.service import get_readable_hazard
from backend.jsonsafe import json_safe
from backend.org.models import Campus, Center, Site
from backend.org.service import (
    CENTER_DATA_READERS,
    center_for_new_record,
    manages_center,
    scoped_to_user,
)
from backend.rectification import rules
from backend.rectification.errors import (
    EntryCenterRequired,
    EntryChanged,
    EntryHazardInvalid,
    EntryIncomplete,
    EntryManageForbidden,
    EntryNotFound,
    HazardAlreadyPlanned,
)
from backend.rectification.models import RectificationEntry, RectificationYear
from backend.rectification.schemas import EntryIn, EntryPatchIn, YearIn
from backend.statewrite import compare_and_set
from backend.vocab import Role

MANAGERS = (Role.center_manager, Role.qa_officer)
FIELDS = ("hazard_id", "name", "description", "measures", "category")


def readable_entries(user: User) -> Select[Any]:
    return scoped_to_user(select(RectificationEntry), RectificationEntry.center_id, user,
                          CENTER_DATA_READERS)


def get_readable_entry(session: Session, user: User, entry_id: int) -> RectificationEntry:
    entry = session.scalar(readable_entries(user).where(RectificationEntry.id == entry_id)
                           .execution_options(populate_existing=True))
    if entry is None:
        raise EntryNotFound(details={"entry_id": entry_id})
    return entry


def check_manager(user: User, center_id: int | None) -> None:
    if not manages_center(user, center_id):
        raise EntryManageForbidden(details={"required_roles": [r.value for r in MANAGERS]})


def entry_center(session: Session, user: User, center_id: int | None) -> Center:
    """The center a new entry belongs to (``org.service.center_for_new_record``)."""
    check_manager(user, None)
    center = center_for_new_record(session, user, center_id)
    if center is None:
        raise EntryCenterRequired()
    return center


def years_of(session: Session, entry_ids: list[int]) -> dict[int, list[RectificationYear]]:
    by_entry: dict[int, list[RectificationYear]] = defaultdict(list)
    for year in session.scalars(select(RectificationYear).where(
            RectificationYear.entry_id.in_(entry_ids)).order_by(RectificationYear.year)):
        by_entry[year.entry_id].append(year)
    return by_entry


def _hazard_defaults(session: Session, user: User, hazard_id: int | None,
                     center_id: int) -> dict[str, Any]:
    """What a linked hazard fills in: its place (campus and site), description, measures.
    A hazard the caller can't read is 404; one of another center 422."""
    if hazard_id is None:
        return {}
    hazard = get_readable_hazard(session, user, hazard_id)
    if hazard.center_id != center_id:
        raise EntryHazardInvalid(details={"hazard_id": hazard_id, "center_id": center_id})
    place = session.execute(select(Campus.name, Site.name).join(
        Site, Site.campus_id == Campus.id).where(Site.id == hazard.site_id)).one()
    return {"name": f"{place[0]}{place[1]}", "description": hazard.description or hazard.title,
            "measures": hazard.measures or ""}


def _complete(values: dict[str, Any]) -> dict[str, Any]:
    missing = [name for name in ("name", "description", "measures") if not values.get(name)]
    if values.get("hazard_id") is None and values.get("category") is None:
        missing.append("category")
    if missing:
        raise EntryIncomplete(details={"missing": missing})
    return values


def _write_years(session: Session, entry: RectificationEntry, years: list[YearIn]) -> None:
    session.execute(delete(RectificationYear).where(RectificationYear.entry_id == entry.id))
    session.add_all(RectificationYear(entry_id=entry.id, **y.model_dump()) for y in years)
    session.flush()


def _facts(session: Session, entry: RectificationEntry) -> dict[str, Any]:
    years = years_of(session, [entry.id])[entry.id]
    return json_safe({**{name: getattr(entry, name) for name in FIELDS},
                      "center_id": entry.center_id,
                      "years": [{"year": y.year, "deadline": rules.month_range_text(
                          y.from_month, y.to_month), "cost": y.cost} for y in years],
                      "subtotal": rules.subtotal(y.cost for y in years)})


def _emit(session: Session, user: User, entry: RectificationEntry, action: str,
          summary: dict[str, Any]) -> None:
    events.emit(session, f"rectification.entry_{action}d", object_type="rectification_entry",
                object_id=entry.id, center_id=entry.center_id, group_id=entry.group_id,
                actor_id=user.id, data=summary.get("after") or summary.get("before"))
    record(session, actor=user, action=f"rectification.{action}",
           object_type="rectification_entry", object_id=entry.id, summary=summary)


def _flush_planned(session: Session, hazard_id: int | None) -> None:
    """Flush inside a savepoint: the hazard's unique key refuses a second entry for it (a
    concurrent one waits for the first's commit on PostgreSQL, then fails here). Another
    key's violation (a client id's) is the caller's to judge."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        # the key's name on PostgreSQL, its column on SQLite: both name hazard_id
        if hazard_id is not None and "hazard_id" in str(exc.orig):
            raise HazardAlreadyPlanned(details={"hazard_id": hazard_id}) from exc
        raise


def _create(session: Session, user: User, data: EntryIn, center: Center,
            request_hash: str) -> RectificationEntry:
    given = data.model_dump(include=set(FIELDS), exclude_none=True)
    values = _complete({**_hazard_defaults(session, user, data.hazard_id, center.id),
                        **{k: v for k, v in given.items() if v != ""}})
    entry = RectificationEntry(group_id=center.group_id, center_id=center.id,
                               client_id=data.client_id, request_hash=request_hash,
                               created_by_id=user.id, **values)
    session.add(entry)
    _flush_planned(session, entry.hazard_id)
    _write_years(session, entry, data.years)
    _emit(session, user, entry, "create", {"after": _facts(session, entry)})
    return entry


def create(session: Session, user: User, data: EntryIn) -> tuple[RectificationEntry, bool]:
    """A new entry; a retry with the same ``client_id`` returns the first (``created``
    False)."""
    center = entry_center(session, user, data.center_id)
    request_hash = idempotency.fingerprint(data.model_dump(exclude={"client_id"},
                                                           exclude_defaults=True))

    def find() -> RectificationEntry | None:
        if data.client_id is None:
            return None
        return session.scalar(select(RectificationEntry).where(
            RectificationEntry.created_by_id == user.id,
            RectificationEntry.client_id == data.client_id))

    return idempotency.create_once(session, find,
                                   lambda: _create(session, user, data, center, request_hash),
                                   lambda first: first.request_hash == request_hash)


def update(session: Session, user: User, entry_id: int, data: EntryPatchIn,
           if_match: frozenset[int] | None) -> RectificationEntry:
    """Change an entry (version-checked: a stale ``If-Match`` is 412, a lost race without one
    409); ``years`` replaces every year."""
    entry = get_readable_entry(session, user, entry_id)
    check_manager(user, entry.center_id)
    required = required_version(if_match, entry.version)
    fields = {name: getattr(data, name) for name in data.model_fields_set if name in FIELDS}
    if fields.get("hazard_id") not in (None, entry.hazard_id):
        _hazard_defaults(session, user, fields["hazard_id"], entry.center_id)
    _complete({**{name: getattr(entry, name) for name in FIELDS}, **fields})
    before = _facts(session, entry)
    try:
        with session.begin_nested():
            won = compare_and_set(session, entry, {"version": required or entry.version},
                                  {**fields, "updated_at": clock.utcnow()})
    except IntegrityError as exc:  # the only unique key an update can break is the hazard's
        raise HazardAlreadyPlanned(details={"hazard_id": fields.get("hazard_id")}) from exc
    if not won:
        if required is not None:
            raise PreconditionFailed(details={"version": entry.version})
        raise EntryChanged(details={"entry_id": entry.id})
    if data.years is not None:
        _write_years(session, entry, data.years)
    _emit(session, user, entry, "update", changes(before, _facts(session, entry)))
    return entry


def remove(session: Session, user: User, entry_id: int, if_match: frozenset[int] | None) -> None:
    """Delete an entry with its years (version-checked like :func:`update`)."""
    entry = get_readable_entry(session, user, entry_id)
    check_manager(user, entry.center_id)
    required = required_version(if_match, entry.version)
    before = _facts(session, entry)
    result = session.execute(delete(RectificationEntry).where(
        RectificationEntry.id == entry.id,
        RectificationEntry.version == (required or entry.version))
        .execution_options(synchronize_session=False))
    assert isinstance(result, CursorResult)
    if result.rowcount != 1:
        if required is not None:
            raise PreconditionFailed(details={"entry_id": entry.id})
        raise EntryChanged(details={"entry_id": entry.id})
    _emit(session, user, entry, "delete", {"before": before})


def center_entries(session: Session, user: User, center_id: int) -> list[RectificationEntry]:
    """A center's entries in table order (序号), as the caller may read them."""
    return list(session.scalars(readable_entries(user).where(
        RectificationEntry.center_id == center_id).order_by(RectificationEntry.id)))


def linked_hazards(session: Session, hazard_ids: list[int]) -> dict[int, Hazard]:
    return {h.id: h for h in session.scalars(select(Hazard).where(Hazard.id.in_(hazard_ids)))}
