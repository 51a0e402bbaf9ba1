"""The official tables from live data: which center a caller may export, the rows read
from the records (plain rows: the layouts never see the database), and the workbooks."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.errors import Forbidden, NotFound
from backend.hazards.models import Hazard
from backend.hazards.workflow import Status
from backend.org.models import Center
from backend.org.service import CENTER_DATA_READERS, reads_whole_group, sees_center
from backend.records import seed
from backend.records.access import readable
from backend.records.actions import get_action
from backend.records.kinds import REGULATION, RESPONSIBILITY
from backend.records.models import Regulation, ResponsibilityItem
from backend.rectification import rules
from backend.rectification import service as plan
from backend.rectification.models import RectificationEntry
from backend.rectification.rules import YearFacts
from backend.tables import summary, table1, table2, table3
from backend.tables.workbook import to_bytes
from backend.vocab import CenterKind

INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Frame:
    """What a campaign fixes in its tables: its years (the year columns) and the day 附表3 is
    due (the footnote)."""

    years: tuple[int, ...] = rules.ACTION_YEARS
    table3_due_on: date = table3.DEFAULT_DUE_ON


def campaign_frame(session: Session, user: User, campaign_id: int | None) -> Frame:
    """The three-year action's years and 附表3 due day (404 for another group's); without
    one, the source document's 2024-2026 and 2024-06-30."""
    if campaign_id is None:
        return Frame()
    action = get_action(session, user, campaign_id)
    return Frame(tuple(range(action.first_year, action.last_year + 1)), action.table3_due_on)


def export_center(session: Session, user: User, center_id: int | None) -> Center | None:
    """The center to export: the one named (404 unless the caller may read it), else the
    caller's own; None (every center) for 质监办 and leaders who name none."""
    if center_id is None:
        if reads_whole_group(user):
            return None
        if user.has_role(*CENTER_DATA_READERS) and user.center_limit:
            center_id = user.center_limit[0]  # a reader limited to centers: the first of them
        elif user.center_id is None:
                raise Forbidden(details={"required_roles": [r.value for r in CENTER_DATA_READERS]})
        else:
            center_id = user.center_id
    center = session.get(Center, center_id)
    if center is None or center.group_id != user.group_id or not sees_center(user, center.id):
        raise NotFound(code="center_not_found", details={"center_id": center_id})
    return center


def table3_rows(session: Session, user: User,
                center_ids: list[int]) -> dict[int, list[table3.Row]]:
    """Each center's 附表3 rows in table order."""
    entries = list(session.scalars(plan.readable_entries(user).where(
        RectificationEntry.center_id.in_(center_ids))
        .order_by(RectificationEntry.center_id, RectificationEntry.id)))
    years = plan.years_of(session, [e.id for e in entries])
    rows: dict[int, list[table3.Row]] = defaultdict(list)
    for entry in entries:
        rows[entry.center_id].append(table3.Row(
            entry.name, entry.description, entry.measures,
            tuple(YearFacts(y.year, y.from_month, y.to_month, y.cost) for y in years[entry.id])))
    return rows


def _closed_hazards(session: Session, center_ids: list[int]) -> dict[int, int]:
    return {center_id: n for center_id, n in session.execute(
        select(RectificationEntry.center_id, func.count()).join(
            Hazard, Hazard.id == RectificationEntry.hazard_id)
        .where(RectificationEntry.center_id.in_(center_ids), Hazard.status == Status.closed)
        .group_by(RectificationEntry.center_id))}


def _all_centers(session: Session, user: User) -> list[Center]:
    """The group's operating centers, and any other center with entries (质监办's own)."""
    planned = select(RectificationEntry.center_id)
    return list(session.scalars(select(Center).where(
        Center.group_id == user.group_id,
        (Center.is_active & (Center.kind != CenterKind.quality_supervision))
        | Center.id.in_(planned)).order_by(Center.id)))


def _years(frame: Frame, rows: list[table3.Row]) -> list[int]:
    return rules.table_years(frame.years, (y.year for r in rows for y in r.years))


def table3_workbook(session: Session, user: User, center_id: int | None,
                    campaign_id: int | None) -> tuple[str, bytes]:
    """(file name, .xlsx) of one center's 附表3, or of every center with a summary sheet."""
    frame = campaign_frame(session, user, campaign_id)
    center = export_center(session, user, center_id)
    centers = [center] if center is not None else _all_centers(session, user)
    rows = table3_rows(session, user, [c.id for c in centers])
    years = _years(frame, [r for center_rows in rows.values() for r in center_rows])
    book = Workbook()
    ws = book.active
    assert ws is not None
    if center is not None:
        ws.title = "附表3"
        table3.write(ws, center.name, years, rows[center.id], frame.table3_due_on)
        return f"附表3-{center.name}.xlsx", to_bytes(book)
    ws.title = "汇总"
    closed = _closed_hazards(session, [c.id for c in centers])
    summary.write(ws, years, [summary.CenterLine(c.name, rows[c.id], closed.get(c.id, 0))
                              for c in centers])
    for c in centers:
        table3.write(book.create_sheet(c.name.translate(INVALID_SHEET_CHARS)[:31]), c.name,
                     years, rows[c.id], frame.table3_due_on)
    return "附表3-各中心.xlsx", to_bytes(book)


def _per_center(session: Session, user: User, center_id: int | None) -> tuple[
        Center | None, list[Center]]:
    center = export_center(session, user, center_id)
    return center, [center] if center is not None else _all_centers(session, user)


def _book(key: str, center: Center | None, centers: list[Center],
          write_one: Callable[[Worksheet, Center], None]) -> tuple[str, bytes]:
    """One center's table on one sheet, or every center's, a sheet each."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for c in centers:
        write_one(book.create_sheet(c.name.translate(INVALID_SHEET_CHARS)[:31]), c)
    label = {"table1": "附表1", "table2": "附表2"}[key]
    return f"{label}-{center.name if center else '各中心'}.xlsx", to_bytes(book)


def table1_workbook(session: Session, user: User, center_id: int | None) -> tuple[str, bytes]:
    center, centers = _per_center(session, user, center_id)
    seed.ensure_standard_items(session, [c.id for c in centers])  # the form's three rows
    rows: dict[int, list[table1.Row]] = defaultdict(list)
    for item in session.scalars(readable(RESPONSIBILITY, user).where(
            ResponsibilityItem.center_id.in_([c.id for c in centers])).order_by(
            ResponsibilityItem.position, ResponsibilityItem.id)):
        rows[item.center_id].append(table1.Row(item.title, item.established, item.deadline,
                                               item.remark))
    return _book("table1", center, centers,
                 lambda ws, c: table1.write(ws, c.name, rows[c.id]))


def table2_workbook(session: Session, user: User, center_id: int | None) -> tuple[str, bytes]:
    center, centers = _per_center(session, user, center_id)
    rows: dict[int, list[table2.Row]] = defaultdict(list)
    for item in session.scalars(readable(REGULATION, user).where(
            Regulation.center_id.in_([c.id for c in centers])).order_by(
            Regulation.seq, Regulation.id)):
        rows[item.center_id].append(table2.Row(item.seq, item.title, item.doc_number,
                                               item.issued_on, item.remark))
    return _book("table2", center, centers,
                 lambda ws, c: table2.write(ws, c.name, rows[c.id]))
