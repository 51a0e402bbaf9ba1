"""Helpers for the official tables' tests: entries made through the API, workbooks fetched
and uploaded, and LibreOffice's rendering when it is installed."""

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from tests.rectification.support import standalone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ENTRIES = "/api/v1/rectification-entries"


def add_entries(client, headers, center_id: int) -> list[dict[str, Any]]:  # noqa: ANN001
    """The two example rows of the source document's 附表3."""
    bodies = [standalone(center_id=center_id), standalone(
        "明故宫校区 3 号楼漏水严重", center_id=center_id, description="四楼防水层严重破损，"
        "雨天多点漏水，严重影响使用。", measures="该房屋为网架结构，零星维修难以根除隐患；"
        "拟作屋面整体改造，彻底消除隐患。",
        years=[{"year": 2025, "from_month": 2, "to_month": 9, "cost": "40"}])]
    made = [client.post(ENTRIES, json=b, headers=headers) for b in bodies]
    assert all(r.status_code == 201 for r in made), [r.text for r in made]
    return [r.json() for r in made]


def fetch(client, headers, url: str) -> Workbook:  # noqa: ANN001
    resp = client.get(url, headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == XLSX
    return load_workbook(io.BytesIO(resp.content))


def upload(client, headers, content: bytes, center_id: int | None = None):  # noqa: ANN001, ANN201
    query = f"?center_id={center_id}" if center_id else ""
    return client.post(f"/api/v1/imports/table3.xlsx{query}", headers=headers,
                       files={"file": ("附表3.xlsx", content, XLSX)})


def to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def values(book: Workbook, sheet: str | None = None, first_row: int = 1) -> list[list[Any]]:
    ws = book[sheet] if sheet else book.worksheets[0]
    return [list(r) for r in ws.iter_rows(min_row=first_row, values_only=True)]


def render_pdf(content: bytes, tmp_path: Path) -> str:
    """The workbook rendered by LibreOffice headless, as the PDF's text (skips without it)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: the PDF rendering is not checked")
    source = tmp_path / "table.xlsx"
    source.write_bytes(content)
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=180, check=False)
    pdf = tmp_path / "table.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr
    if shutil.which("pdftotext") is None:
        return pdf.read_bytes().decode("latin-1")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, timeout=60).stdout.decode()
