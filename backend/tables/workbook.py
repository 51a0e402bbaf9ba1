"""Opening an uploaded workbook without trusting it: a size cap on the upload (enforced while
it streams in), the archive's entries and unpacked size checked before openpyxl reads a byte
(Python's zipfile never inflates an entry past its declared size, so the declared sizes
bound the work), XML parsed through defusedxml (openpyxl uses it when it is installed: no
entity expansion), and a cap on rows and columns read. Whatever a malformed file makes
openpyxl raise is a 4xx."""

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
from openpyxl import Workbook

from backend.errors import AppError
from backend.tables.errors import TableFileCorrupt, TableFileUnsupported, WorkbookTooLarge

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a filled 附表 is tens of KB
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 200
MAX_ROWS = 5000
MAX_COLUMNS = 40
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def check_archive(path: Path) -> None:
    if not zipfile.is_zipfile(path):
        raise TableFileUnsupported(details={"reason": "not a zip archive"})
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableFileUnsupported(details={"reason": "unreadable archive"}) from exc
    names = {e.filename for e in entries}
    if not all(part in names for part in REQUIRED_PARTS):
        raise TableFileUnsupported(details={"reason": "not an .xlsx workbook"})
    unpacked = sum(e.file_size for e in entries)
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookTooLarge(details={"entries": len(entries), "unpacked_bytes": unpacked,
                                        "max_unpacked_bytes": MAX_UNPACKED_BYTES})


def first_sheet_rows(path: Path) -> list[tuple[Any, ...]]:
    """The first worksheet's cell values, row by row (at most ``MAX_ROWS`` × ``MAX_COLUMNS``)."""
    if not openpyxl.DEFUSEDXML:
        raise RuntimeError("defusedxml is required to read uploaded workbooks")
    check_archive(path)
    try:  # a file object: openpyxl judges a path by its name, and the upload has none
        with path.open("rb") as file:
            rows = _read(file)
    except AppError:
        raise
    except Exception as exc:  # noqa: BLE001 - anything a malformed file raises is its fault
        raise TableFileCorrupt(details={"reason": type(exc).__name__}) from exc
    return rows


def _read(file: BinaryIO) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    book = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        for values in book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True):
            if len(rows) == MAX_ROWS:
                raise WorkbookTooLarge(details={"max_rows": MAX_ROWS})
            rows.append(tuple(values))
    finally:
        book.close()
    return rows


def to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row_at(rows: Sequence[tuple[Any, ...]], index: int) -> tuple[Any, ...]:
    return rows[index] if index < len(rows) else ()
