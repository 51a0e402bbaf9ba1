"""What the official tables' sheets share: the two title rows, bordered header and body
cells in 宋体 with wrapped text, column widths, row heights that fit wrapped Chinese text,
footnotes, and the print setup (A4 landscape, one page wide, header rows on every page)."""

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

GROUP_TITLE = "后勤集团安全生产治本攻坚三年实施计划"
FONT = "宋体"
MONEY_FORMAT = "0.00"  # 万元, two decimals
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
LINE_HEIGHT = 15.0  # points per line of 11 pt text
_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def table_title(center_name: str, suffix: str) -> str:
    """The second title row: the center's name in the form's "_____中心" (a center's name
    already ends in 中心, e.g. 饮食服务中心)."""
    return f"{center_name}{suffix}"


def write_titles(ws: Worksheet, last_column: int, title: str) -> None:
    """Rows 1 and 2: the group's plan and the table's title, each merged across the table."""
    for row, text, size in ((1, GROUP_TITLE, 16), (2, title, 14)):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = Font(name=FONT, size=size, bold=True)
        cell.alignment = CENTERED
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
        ws.row_dimensions[row].height = 28 if row == 1 else 24


def header(ws: Worksheet, row: int, column: int, text: str, *, rows: int = 1,
           columns: int = 1) -> None:
    """A bold, centred, bordered header cell, merged over ``rows`` × ``columns``."""
    for r in range(row, row + rows):
        for c in range(column, column + columns):
            ws.cell(row=r, column=c).border = BORDER
    cell = ws.cell(row=row, column=column, value=text)
    cell.font = Font(name=FONT, size=11, bold=True)
    cell.alignment = CENTERED
    if rows > 1 or columns > 1:
        ws.merge_cells(start_row=row, start_column=column, end_row=row + rows - 1,
                       end_column=column + columns - 1)


def body(ws: Worksheet, row: int, column: int, value: Any, *, centred: bool = False,
         number_format: str | None = None, bold: bool = False) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    cell.font = Font(name=FONT, size=11, bold=bold)
    cell.alignment = CENTERED if centred else LEFT
    cell.border = BORDER
    if number_format is not None:
        cell.number_format = number_format


def footnote(ws: Worksheet, row: int, last_column: int, text: str) -> None:
    cell = ws.cell(row=row, column=1, value=text)
    cell.font = Font(name=FONT, size=10)
    cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 8
                for c in range(1, last_column + 1))
    ws.row_dimensions[row].height = LINE_HEIGHT * max(1, _lines(text, width))


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _lines(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (a CJK character is two)."""
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return max(1, math.ceil(units / max(1.0, width - 1)))


def fit_height(ws: Worksheet, row: int, last_column: int) -> None:
    """Set a body row's height to its tallest wrapped cell (openpyxl writes no autofit, and
    Excel does not autofit rows of a file it did not lay out itself)."""
    lines = 1
    for column in range(1, last_column + 1):
        value = ws.cell(row=row, column=column).value
        if value is not None and not isinstance(value, int | float | Decimal):
            width = ws.column_dimensions[get_column_letter(column)].width or 8
            lines = max(lines, _lines(str(value), width))
    ws.row_dimensions[row].height = LINE_HEIGHT * lines + 4


def print_setup(ws: Worksheet, header_rows: str, last_column: int) -> None:
    """A4 landscape, one page wide, ``header_rows`` (e.g. "3:4") repeated on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_title_rows = header_rows
    ws.print_area = f"A1:{get_column_letter(last_column)}{ws.max_row}"
    footer = ws.oddFooter
    assert footer is not None
    footer.center.text = "第 &P 页，共 &N 页"


Cell = tuple[Any, bool]  # a value and whether it is centred


def one_header_table(ws: Worksheet, center_name: str, title: str, headings: Sequence[str],
                     widths: Sequence[float], rows: Sequence[Sequence[Cell]]) -> None:
    """附表1 and 附表2: the titles, one header row (row 3), a row per record from row 4 (each
    cell a value and whether it is centred, dates as dates), heights fitted, the header
    repeated when printed."""
    last = len(headings)
    set_widths(ws, widths)
    write_titles(ws, last, table_title(center_name, title))
    for column, text in enumerate(headings, start=1):
        header(ws, 3, column, text)
    for r, cells in enumerate(rows, start=4):
        for column, (value, centred) in enumerate(cells, start=1):
            body(ws, r, column, value, centred=centred,
                 number_format=DATE_FORMAT if isinstance(value, date) else None)
        fit_height(ws, r, last)
    ws.freeze_panes = "A4"
    print_setup(ws, "3:3", last)
