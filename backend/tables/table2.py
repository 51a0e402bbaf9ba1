"""附表2 安全管理制度建设情况统计表: 序号 | 制度名称 | 文号 | 发文日期 | 备注; its layout and the
reading back of a hand-filled copy."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from backend.tables import sheet
from backend.tables.table3 import Problem, normal, text_of

TITLE = "安全管理制度建设情况统计表"
HEADER = ("序号", "制度名称", "文号", "发文日期", "备注")
WIDTHS = (6, 44, 26, 20, 40)
FIRST_ROW = 4
_DAY = re.compile(r"^(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True)
class Row:
    seq: int | None
    title: str
    doc_number: str | None
    issued_on: date | None
    remark: str | None


def write(ws: Worksheet, center_name: str, rows: Sequence[Row]) -> None:
    sheet.one_header_table(ws, center_name, TITLE, HEADER, WIDTHS, [
        [(row.seq, True), (row.title, False), (row.doc_number or "-", True),
         (row.issued_on, True), (row.remark, False)] for row in rows])


def is_header(values: Sequence[Any]) -> bool:
    return [normal(v) for v in values[:5]] == [normal(h) for h in HEADER]


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    if not text:
        return None
    found = _DAY.match(text)
    if found is None:
        raise ValueError(text)
    return date(*(int(g) for g in found.groups()))


def read_row(values: Sequence[Any]) -> tuple[Row | None, list[Problem]]:
    problems = []
    seq_text = text_of(values[0] if values else None)
    seq = int(seq_text) if seq_text.isdigit() and 0 < int(seq_text) <= 100_000 else None
    if seq_text and seq is None:
        problems.append(Problem("序号", "应为正整数"))
    cells = [text_of(values[i]) if i < len(values) else "" for i in range(5)]
    if not cells[1]:
        problems.append(Problem("制度名称", "必填"))
    for column, index, limit in (("制度名称", 1, 200), ("文号", 2, 100), ("备注", 4, 2000)):
        if len(cells[index]) > limit:
            problems.append(Problem(column, f"超过 {limit} 字"))
    issued_on = None
    try:
        issued_on = _day(values[3] if len(values) > 3 else None)
    except (ValueError, TypeError):
        problems.append(Problem("发文日期", '应为日期，如 "2024年3月1日"'))
    if problems:
        return None, problems
    return Row(seq, cells[1], None if cells[2] in ("", "-") else cells[2], issued_on,
               cells[4] or None), []
