"""A hand-filled 附表3 uploaded as .xlsx: export → import gives the same rows; hand-written
deadlines and amounts are read; a table with bad rows is refused row by row with nothing
stored; malformed files are clear 4xx."""

import io
import zipfile

from sqlalchemy import func, select

from backend.rectification.models import RectificationEntry
from backend.tables import workbook
from backend.vocab import Role
from tests.tables.support import add_entries, fetch, to_bytes, upload, values

EXPORT = "/api/v1/exports/table3.xlsx"


def _stored(make, center) -> int:  # noqa: ANN001
    return make.db.scalar(select(func.count()).select_from(RectificationEntry).where(
        RectificationEntry.center_id == center.id))


def test_export_then_import_gives_the_same_rows(client, make):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    add_entries(client, qa, make.org.catering.id)
    exported = client.get(f"{EXPORT}?center_id={make.org.catering.id}", headers=qa).content
    resp = upload(client, qa, exported, make.org.property.id)
    assert resp.status_code == 201, resp.text
    assert resp.json()["created"] == 2 and resp.json()["center_id"] == make.org.property.id
    again = fetch(client, qa, f"{EXPORT}?center_id={make.org.property.id}")
    original = fetch(client, qa, f"{EXPORT}?center_id={make.org.catering.id}")
    assert values(again, first_row=3) == values(original, first_row=3)
    entry = client.get(f"/api/v1/rectification-entries/{resp.json()['ids'][0]}",
                       headers=qa).json()
    assert entry["category"] == "other" and entry["subtotal"] == "15.75"


def test_hand_written_deadlines_and_amounts_are_read(client, make):
    manager = make.headers(make.user(Role.center_manager, center=make.org.catering))
    book = fetch(client, manager, EXPORT)  # the empty form
    ws = book.worksheets[0]
    ws.insert_rows(5, 2)
    for row, cells in ((5, ("1", "天目湖校区 锅炉房", "锅炉老化", "更换锅炉", "7~8月", None, None,
                            "12.5", None, None, 12.5)),
                       (6, (2, "天目湖校区 监控", "监控盲区", "增设摄像头", None, "3月",
                            "11 至 12 月", None, 2, "1.25万元", None))):
        for column, value in enumerate(cells, start=1):
            ws.cell(row=row, column=column, value=value)
    resp = upload(client, manager, to_bytes(book))
    assert resp.status_code == 201, resp.text
    items = client.get("/api/v1/rectification-entries", headers=manager).json()["items"]
    assert [[(y["year"], y["deadline"], y["cost"]) for y in e["years"]] for e in items] == [
        [(2024, "7-8 月", "12.50")], [(2025, "3 月", "2.00"), (2026, "11-12 月", "1.25")]]


def test_bad_rows_are_reported_and_nothing_is_stored(client, make):
    manager = make.headers(make.user(Role.center_manager, center=make.org.catering))
    add_entries(client, manager, make.org.catering.id)
    book = fetch(client, manager, EXPORT)
    ws = book.worksheets[0]
    ws["B5"] = None  # 名称 missing
    ws["E5"] = "13月"
    ws["H6"] = "XX"
    ws["K6"] = 99
    before = _stored(make, make.org.catering)
    resp = upload(client, manager, to_bytes(book))
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "table_rows_rejected"
    assert error["details"]["rejected"] == 2 and error["details"]["accepted"] == 0
    assert error["details"]["rows"] == [
        {"row": 5, "problems": [{"column": "名称", "message": "必填"}, {
            "column": "2024 整改期限", "message": '应为月份范围，如 "7-8 月" 或 "9 月"'}]},
        {"row": 6, "problems": [{"column": "2024 费用估算",
                                 "message": "应为 0 到 100000 之间的万元数，最多两位小数"}]}]
    assert _stored(make, make.org.catering) == before
    ws["B5"], ws["E5"], ws["H6"] = "一食堂", "7-8 月", None  # the subtotal is judged last
    resp = upload(client, manager, to_bytes(book))
    assert resp.json()["error"]["details"]["rows"] == [
        {"row": 6, "problems": [{"column": "小计", "message": "与各年费用之和 40.00 不符"}]}]
    assert _stored(make, make.org.catering) == before


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_malformed_files_are_clear_4xx(client, make):
    manager = make.headers(make.user(Role.center_manager, center=make.org.catering))
    form = client.get(EXPORT, headers=manager).content
    parts = {n: zipfile.ZipFile(io.BytesIO(form)).read(n)
             for n in zipfile.ZipFile(io.BytesIO(form)).namelist()}
    laughs = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><workbook>&b;</workbook>')
    wrong_header = fetch(client, manager, EXPORT)
    wrong_header.worksheets[0]["C3"] = "问题"
    cases = {
        "not a workbook": (b"%PDF-1.4 not a table", 415, "table_file_unsupported"),
        "a zip of something else": (_zip({"a.txt": b"hello"}), 415, "table_file_unsupported"),
        "a zip bomb": (_zip({**parts, "xl/media/zeros.bin": bytes(60 * 1024 * 1024)}), 413,
                       "workbook_too_large"),
        "an entity bomb": (_zip({**parts, "xl/workbook.xml": laughs}), 422,
                           "table_file_corrupt"),
        "broken XML": (_zip({**parts, "xl/worksheets/sheet1.xml": b"<worksheet"}), 422,
                       "table_file_corrupt"),
        "too large": (b"PK" + bytes(workbook.MAX_UPLOAD_BYTES), 413, "payload_too_large"),
        "a wrong header": (to_bytes(wrong_header), 422, "table_header_mismatch"),
        "no rows": (form, 422, "table_empty"),
    }
    for name, (content, status, code) in cases.items():
        resp = upload(client, manager, content)
        assert (resp.status_code, resp.json()["error"]["code"]) == (status, code), name
    assert _stored(make, make.org.catering) == 0


def test_only_managers_of_the_center_and_qa_import(client, make):
    form = client.get(EXPORT, headers=make.headers(make.user(
        Role.center_manager, center=make.org.catering))).content
    for role, center, status in ((Role.inspector, make.org.catering, 403),
                                 (Role.leader, None, 403),
                                 (Role.center_manager, make.org.property, 404)):
        headers = make.headers(make.user(role, center=center))
        assert upload(client, headers, form, make.org.catering.id).status_code == status
