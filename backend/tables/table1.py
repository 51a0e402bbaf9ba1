"""附表1 安全责任体系建设情况统计表: 具体内容 | 是否建立（或签订） | 整改期限 | 备注."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl.worksheet.worksheet import Worksheet

from backend.tables import sheet

TITLE = "安全责任体系建设情况统计表"
HEADER = ("具体内容", "是否建立（或签订）", "整改期限", "备注")
WIDTHS = (36, 20, 20, 44)
FIRST_ROW = 4


@dataclass(frozen=True)
class Row:
    title: str
    established: bool | None
    deadline: date | None
    remark: str | None


def write(ws: Worksheet, center_name: str, rows: Sequence[Row]) -> None:
    last = len(HEADER)
    sheet.set_widths(ws, WIDTHS)
    sheet.write_titles(ws, last, sheet.table_title(center_name, TITLE))
    for column, text in enumerate(HEADER, start=1):
        sheet.header(ws, 3, column, text)
    for offset, row in enumerate(rows):
        r = FIRST_ROW + offset
        sheet.body(ws, r, 1, row.title)
        sheet.body(ws, r, 2, None if row.established is None else
                   "是" if row.established else "否", centred=True)
        sheet.body(ws, r, 3, row.deadline, centred=True, number_format=sheet.DATE_FORMAT)
        sheet.body(ws, r, 4, row.remark)
        sheet.fit_height(ws, r, last)
    ws.freeze_panes = f"A{FIRST_ROW}"
    sheet.print_setup(ws, "3:3", last)
