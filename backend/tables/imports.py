"""A hand-filled official table becomes records, whole or not at all: every row is judged
first; one bad row refuses the table (422 with a report per row) and nothing is stored."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.records import crud
from backend.records.kinds import REGULATION
from backend.records.models import Regulation
from backend.records.schemas import RegulationIn
from backend.rectification import service as plan
from backend.rectification.models import RectificationCategory, RectificationEntry
from backend.rectification.schemas import EntryIn, YearIn
from backend.tables import table2, table3
from backend.tables.errors import TableEmpty, TableHeaderMismatch, TableRowsRejected
from backend.tables.workbook import row_at

HEADER_ROWS = (2, 3)  # 0-based: the form's rows 3 and 4


def _reject(reports: list[dict[str, Any]], accepted: int) -> None:
    if reports:
        raise TableRowsRejected(details={"rows": reports, "accepted": accepted,
                                         "rejected": len(reports)})
    if not accepted:
        raise TableEmpty()


def _report(index: int, problems: Sequence[table3.Problem]) -> dict[str, Any]:
    return {"row": index + 1, "problems": [{"column": p.column, "message": p.message}
                                           for p in problems]}


def body_rows(rows: Sequence[tuple[Any, ...]],
              first: int) -> list[tuple[int, tuple[Any, ...]]]:
    """(index, values) of the body: from ``first`` to the 合计 row (or the end), blank rows
    skipped."""
    found = []
    for index in range(first, len(rows)):
        values = rows[index]
        if table3.normal(values[0] if values else None) == table3.TOTAL:
            break
        if not table3.is_blank(values):
            found.append((index, values))
    return found


def import_table3(session: Session, user: User, center_id: int | None,
                  rows: Sequence[tuple[Any, ...]]) -> list[RectificationEntry]:
    """附表3's rows as stand-alone plan entries of the center (category ``other``: the form
    has no category column; link hazards afterwards), in the table's order."""
    center = plan.entry_center(session, user, center_id)
    years = table3.header_years(row_at(rows, HEADER_ROWS[0]), row_at(rows, HEADER_ROWS[1]))
    if years is None:
        raise TableHeaderMismatch(details={"expected": [*table3.FIXED, table3.DEADLINES,
                                                        table3.COSTS, table3.SUBTOTAL]})
    parsed, reports = [], []
    for index, values in body_rows(rows, table3.FIRST_ROW - 1):
        row, problems = table3.read_row(values, years)
        if row is None:
            reports.append(_report(index, problems))
        else:
            parsed.append(row)
    _reject(reports, len(parsed))
    return [plan.create(session, user, EntryIn(
        center_id=center.id, name=row.name, description=row.description,
        measures=row.measures, category=RectificationCategory.other,
        years=[YearIn(year=y.year, from_month=y.from_month, to_month=y.to_month, cost=y.cost)
               for y in row.years]))[0] for row in parsed]


def import_table2(session: Session, user: User, center_id: int | None,
                  rows: Sequence[tuple[Any, ...]]) -> list[Regulation]:
    """附表2's rows as the center's regulations (no review decision: the form has none)."""
    if not table2.is_header(row_at(rows, 2)):
        raise TableHeaderMismatch(details={"expected": list(table2.HEADER)})
    parsed, reports = [], []
    for index, values in body_rows(rows, table2.FIRST_ROW - 1):
        row, problems = table2.read_row(values)
        if row is None:
            reports.append(_report(index, problems))
        else:
            parsed.append(row)
    _reject(reports, len(parsed))
    return [crud.create(session, user, REGULATION, RegulationIn(
        center_id=center_id, seq=row.seq, title=row.title, doc_number=row.doc_number,
        issued_on=row.issued_on, remark=row.remark), None)[0] for row in parsed]
