"""Plan entries as the API returns them: with their years, subtotal and the linked hazard's
current status (a page costs three queries, whatever its length)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import clock
from backend.hazards.service import is_overdue
from backend.org.models import Center
from backend.rectification import rules, service
from backend.rectification.models import RectificationEntry
from backend.rectification.schemas import EntryOut, LinkedHazardOut, YearOut


def entries_out(session: Session, entries: list[RectificationEntry]) -> list[EntryOut]:
    years = service.years_of(session, [e.id for e in entries])
    hazards = service.linked_hazards(session, [e.hazard_id for e in entries if e.hazard_id])
    names = dict(session.execute(select(Center.id, Center.name).where(
        Center.id.in_({e.center_id for e in entries}))).all())
    today = clock.today()

    def out(entry: RectificationEntry) -> EntryOut:
        hazard = hazards.get(entry.hazard_id) if entry.hazard_id else None
        own = years[entry.id]
        return EntryOut(
            id=entry.id, center_id=entry.center_id, center_name=names[entry.center_id],
            client_id=entry.client_id, hazard_id=entry.hazard_id,
            hazard=None if hazard is None else LinkedHazardOut(
                id=hazard.id, title=hazard.title, status=hazard.status,
                deadline=hazard.deadline, is_overdue=is_overdue(hazard, today),
                closed_at=hazard.closed_at),
            name=entry.name, description=entry.description, measures=entry.measures,
            category=entry.category,
            years=[YearOut(year=y.year, from_month=y.from_month, to_month=y.to_month,
                           deadline=rules.month_range_text(y.from_month, y.to_month),
                           cost=y.cost) for y in own],
            subtotal=rules.subtotal(y.cost for y in own), created_by_id=entry.created_by_id,
            created_at=entry.created_at, updated_at=entry.updated_at, version=entry.version)

    return [out(e) for e in entries]


def entry_out(session: Session, entry: RectificationEntry) -> EntryOut:
    return entries_out(session, [entry])[0]
