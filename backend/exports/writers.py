"""The two file formats, fed a batch of rows at a time.

CSV: UTF-8 with a byte-order mark (Excel reads a BOM-less UTF-8 CSV as the local code page and
shows Chinese as mojibake), CRLF rows, RFC 4180 quoting (commas, quotes, line breaks), and
text that a spreadsheet would run as a formula (starting with ``= + - @``, or a tab or carriage
return that hides one) prefixed with ``'``: an export of user-typed text must not execute
``=HYPERLINK(...)`` or ``=cmd|...`` on a clerk's machine (CSV injection, OWASP).

XLSX: xlsxwriter in ``constant_memory`` mode (each row is flushed to a temporary file as soon as
the next begins, so memory stays flat however many rows), text always written as text (never
read as a formula, a number or a link), instants as Excel dates in Asia/Shanghai. A sheet
holds 1,048,576 rows: beyond that the rows go on in ``<name>(2)``, ``<name>(3)``..."""

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from backend.exports.cells import Cell

BOM = "\ufeff".encode()
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_TEXT = 32_767
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(value: Cell) -> str:
    if type(value) is str:  # most cells: checked first
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def csv_lines(rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return buffer.getvalue().encode()


def csv_start(header: Sequence[str]) -> bytes:
    return BOM + csv_lines([list(header)])


class _Sheet:
    def __init__(self, book: "XlsxBook", name: str, header: Sequence[str]) -> None:
        self.book, self.name, self.header = book, name, list(header)
        self.parts = 0
        self._next_part()

    def _next_part(self) -> None:
        self.parts += 1
        name = self.name if self.parts == 1 else f"{self.name}({self.parts})"
        self.sheet = self.book.workbook.add_worksheet(name)
        self.sheet.freeze_panes(1, 0)
        self.sheet.write_row(0, 0, self.header, self.book.bold)
        self.row = 1

    def add(self, rows: Sequence[Sequence[Cell]]) -> None:
        formats = self.book
        for values in rows:
            if self.row == XLSX_MAX_ROWS:
                self._next_part()
            write, r = self.sheet, self.row
            for c, v in enumerate(values):
                if v is None:
                    continue
                if isinstance(v, str):
                    # a cell's line break is LF (a CR would show as _x000D_)
                    text = v.replace("\r\n", "\n").replace("\r", "\n")[:XLSX_MAX_TEXT]
                    write.write_string(r, c, text, formats.wrap if "\n" in text else None)
                elif isinstance(v, datetime):
                    write.write_datetime(r, c, v, formats.instant)
                elif isinstance(v, date):
                    write.write_datetime(r, c, datetime(v.year, v.month, v.day), formats.day)
                else:
                    write.write_number(r, c, v)
            self.row += 1


class XlsxBook:
    """A workbook written to ``path`` sheet by sheet, row by row, in constant memory."""

    def __init__(self, path: Path, sheets: dict[str, Sequence[str]], tmpdir: Path) -> None:
        self.workbook = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "tmpdir": str(tmpdir), "strings_to_formulas": False,
            "strings_to_numbers": False, "strings_to_urls": False})
        self.bold = self.workbook.add_format({"bold": True})
        self.wrap = self.workbook.add_format({"text_wrap": True, "valign": "top"})
        self.instant = self.workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.day = self.workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.sheets = {name: _Sheet(self, name, header) for name, header in sheets.items()}

    def add(self, sheet: str, rows: Sequence[Sequence[Cell]]) -> None:
        self.sheets[sheet].add(rows)

    def close(self) -> None:
        self.workbook.close()
