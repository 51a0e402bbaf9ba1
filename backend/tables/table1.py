"""附表1 安全责任体系建设情况统计表: 具体内容 | 是否建立（或签订） | 整改期限 | 备注."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl.worksheet.worksheet import Worksheet

from backend.tables import sheet

TITLE = "安全责任体系建设情况统计表"
HEADER = ("具体内容", "是否建立（或签订）", "整改期限", "备注")
WIDTHS = (36, 20, 20, 44)


@dataclass(frozen=True)
class Row:
    title: str
    established: bool | None
    deadline: date | None
    remark: str | None


def write(ws: Worksheet, center_name: str, rows: Sequence[Row]) -> None:
    sheet.one_header_table(ws, center_name, TITLE, HEADER, WIDTHS, [
        [(row.title, False),
         (None if row.established is None else "是" if row.established else "否", True),
         (row.deadline, True), (row.remark, False)] for row in rows])
