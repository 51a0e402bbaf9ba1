"""The summary sheet of the all-centers 附表3 workbook (质监办): one row per center with its
entries, how many of their hazards are closed, its costs per year and 小计, and 合计."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from backend.rectification import rules
from backend.tables import sheet, table3

TITLE = "各中心安全生产治本攻坚风险隐患整改计划汇总表"
FIXED = ("序号", "中心", "整改事项(项)", "其中已闭环隐患(项)")


@dataclass(frozen=True)
class CenterLine:
    center_name: str
    rows: Sequence[table3.Row]
    closed_hazards: int

    def cost(self, year: int) -> Decimal:
        return rules.subtotal(f.cost for r in self.rows if (f := r.year(year)) is not None)


def write(ws: Worksheet, years: Sequence[int], lines: Sequence[CenterLine]) -> None:
    last = len(FIXED) + len(years) + 1
    sheet.set_widths(ws, (6, 24, 14, 18, *[12] * (len(years) + 1)))
    sheet.write_titles(ws, last, TITLE)
    for column, text in enumerate(FIXED, start=1):
        sheet.header(ws, 3, column, text, rows=2)
    sheet.header(ws, 3, 5, table3.COSTS, columns=len(years) + 1)
    for i, year in enumerate(years):
        sheet.header(ws, 4, 5 + i, str(year))
    sheet.header(ws, 4, last, table3.SUBTOTAL)
    for offset, line in enumerate(lines):
        r = table3.FIRST_ROW + offset
        values = (offset + 1, line.center_name, len(line.rows), line.closed_hazards)
        for column, value in enumerate(values, start=1):
            sheet.body(ws, r, column, value, centred=column != 2)
        for i, year in enumerate(years):
            sheet.body(ws, r, 5 + i, line.cost(year), centred=True,
                       number_format=sheet.MONEY_FORMAT)
        sheet.body(ws, r, last, rules.subtotal(line.cost(y) for y in years), centred=True,
                   number_format=sheet.MONEY_FORMAT)
    total = table3.FIRST_ROW + len(lines)
    sheet.body(ws, total, 1, table3.TOTAL, centred=True, bold=True)
    sheet.body(ws, total, 2, None)
    sheet.body(ws, total, 3, sum(len(line.rows) for line in lines), centred=True, bold=True)
    sheet.body(ws, total, 4, sum(line.closed_hazards for line in lines), centred=True,
               bold=True)
    for i, year in enumerate(years):
        sheet.body(ws, total, 5 + i, rules.subtotal(line.cost(year) for line in lines),
                   centred=True, number_format=sheet.MONEY_FORMAT, bold=True)
    sheet.body(ws, total, last, rules.subtotal(line.cost(y) for line in lines for y in years),
               centred=True, number_format=sheet.MONEY_FORMAT, bold=True)
    ws.freeze_panes = f"A{table3.FIRST_ROW}"
    sheet.print_setup(ws, "3:4", last)
