"""The exports through HTTP: the list's rows and scope, CSV that Excel opens (BOM, Chinese
headers, quoting, no formulas), XLSX that openpyxl reads, inspections a row per answer."""

import csv
import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest

from backend import clock
from backend.exports import hazard_rows, inspection_rows
from backend.photos import signing
from backend.vocab import Role
from tests.inspections.test_inspections import module_with, passing, start

TRICKY = {"title": '=HYPERLINK("http://evil.example","点我")',
          "description": '一行,带逗号\n第二行 "引号" +1\r\n-2 @SUM(A1)'}
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]


def parsed_csv(resp) -> list[dict[str, str]]:
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "text/csv; charset=utf-8"
    assert resp.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in resp.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def tricky(client, make):
    """A catering hazard with text a spreadsheet would misread, assigned (a timeline of two)."""
    org = make.org
    reporter = make.user(Role.inspector, center=org.catering)
    hazard = make.hazard(reporter)
    hazard.title, hazard.description = TRICKY["title"], TRICKY["description"]
    make.db.commit()
    manager = make.user(Role.center_manager, center=org.catering)
    resp = client.post(f"/api/v1/hazards/{hazard.id}/actions/assign", headers=make.headers(
        manager), json={"assignee_id": reporter.id, "measures": "更换, 复查", "cost_estimate":
                        "0.25", "deadline": (clock.today() + timedelta(days=3)).isoformat(),
                        "interim_measures": "-警示牌"})
    assert resp.status_code == 200, resp.text
    return hazard


def test_hazards_csv_opens_in_excel_and_neutralises_formulas(client, make, tricky):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    resp = client.get("/api/v1/exports/hazards.csv", headers=qa)
    rows = parsed_csv(resp)
    assert list(rows[0]) == list(hazard_rows.HEADER)
    assert "隐患名称" in rows[0] and "时间线" in rows[0]
    (row,) = [r for r in rows if r["隐患编号"] == str(tricky.id)]
    assert row["隐患名称"] == "'" + TRICKY["title"]
    assert row["隐患描述"] == TRICKY["description"]  # quoting keeps commas, quotes, newlines
    assert row["整改措施"] == "更换, 复查" and row["临时管控措施"] == "'-警示牌"
    assert row["中心"] == make.org.catering.name and row["状态"] == "整改中"
    assert row["隐患类别"] == "消防" and row["隐患等级"] == "一般隐患" and row["来源"] == "随手拍"
    assert row["费用估算(万元)"] == "0.25" and row["是否逾期"] == "否"
    lines = row["时间线"].split("\n")
    assert len(lines) == 2 and "上报" in lines[0] and "指派（待指派→整改中）" in lines[1]
    link = urlsplit(row["整改前照片"])
    query = parse_qs(link.query)
    photo_id = int(link.path.split("/")[-2])
    assert link.path.endswith("/web") and signing.check(
        "test-secret-key-not-for-production", photo_id, "web", int(query["exp"][0]),
        query["sig"][0]) is None
    # valid for the export's week, not the page's hour
    assert int(query["exp"][0]) - clock.utcnow().timestamp() > 6 * 24 * 3600


@pytest.mark.parametrize("text", FORMULAS)
def test_every_formula_start_is_neutralised(client, make, text):
    reporter = make.user(Role.inspector, center=make.org.catering)
    hazard = make.hazard(reporter)
    hazard.title = text
    make.db.commit()
    rows = parsed_csv(client.get("/api/v1/exports/hazards.csv", headers=make.headers(reporter)))
    assert [r["隐患名称"] for r in rows] == ["'" + text]


@pytest.mark.parametrize("batch", [2, 1000])
def test_export_rows_are_the_lists_rows(client, make, tricky, monkeypatch, batch):
    monkeypatch.setattr(hazard_rows, "BATCH", batch)  # 2: the rows come in several batches
    org = make.org
    reporter = make.user(Role.inspector, center=org.catering)
    others = [make.hazard(reporter) for _ in range(3)]
    make.hazard(make.user(Role.inspector, center=org.property), site=org.dorm)
    qa = make.headers(make.user(Role.qa_officer, center=org.qa))
    for params in ({}, {"status": "reported"}, {"center_id": org.property.id},
                   {"status": "assigned", "q": "HYPERLINK"}, {"grade": "major"}):
        listed = [h["id"] for h in client.get("/api/v1/hazards", headers=qa,
                                              params={**params, "limit": 200}).json()["items"]]
        exported = [int(r["隐患编号"]) for r in parsed_csv(client.get(
            "/api/v1/exports/hazards.csv", headers=qa, params=params))]
        assert exported == listed, params
        if not params:
            assert {h.id for h in others} | {tricky.id} <= set(exported)
    other_manager = make.headers(make.user(Role.center_manager, center=org.property))
    rows = parsed_csv(client.get("/api/v1/exports/hazards.csv", headers=other_manager))
    assert {r["中心"] for r in rows} == {org.property.name}
    assert parsed_csv(client.get("/api/v1/exports/hazards.csv", headers=other_manager,
                                 params={"center_id": org.catering.id})) == []


def test_hazards_xlsx_has_the_hazards_and_their_timelines(client, make, tricky):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    resp = client.get("/api/v1/exports/hazards.xlsx", headers=qa)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(resp.content))
    assert book.sheetnames == ["隐患", "时间线"]
    hazards = list(book["隐患"].iter_rows(values_only=True))
    assert hazards[0] == hazard_rows.HEADER
    (row,) = [r for r in hazards[1:] if r[0] == tricky.id]
    title = book["隐患"].cell(row=hazards.index(row) + 1, column=2)
    assert title.data_type == "s" and title.value == TRICKY["title"]  # text, never a formula
    assert row[2] == TRICKY["description"].replace("\r\n", "\n")  # a cell breaks lines with LF
    assert row[14] == 0.25 and row[11].year == clock.today().year  # a number, a date
    timeline = list(book["时间线"].iter_rows(values_only=True))
    assert timeline[0] == hazard_rows.TIMELINE_HEADER
    assert [(r[1], r[3]) for r in timeline[1:] if r[0] == tricky.id] == [(1, "上报"),
                                                                        (2, "指派")]


@pytest.mark.parametrize("batch", [1, 100])
def test_inspections_export_a_row_per_answer(client, make, db, monkeypatch, batch):
    monkeypatch.setattr(inspection_rows, "BATCH", batch)
    inspector = make.user(Role.inspector, center=make.org.catering)
    module_id, items = module_with(db)
    headers = make.headers(inspector)
    iid = start(client, make, inspector, module_id).json()["id"]
    photo = make.photo(inspector)
    answers = [{"item_id": items[0].id, "result": "fail", "note": "=问题, 见照片",
                "photo_ids": [photo.id]}] + [passing(i) for i in items[1:3]]
    assert client.put(f"/api/v1/inspections/{iid}/answers", headers=headers,
                      json={"answers": answers}).status_code == 200
    draft = start(client, make, inspector, module_id).json()["id"]  # no answers yet
    rows = parsed_csv(client.get("/api/v1/exports/inspections.csv", headers=headers))
    assert list(rows[0]) == list(inspection_rows.HEADER)
    mine = [r for r in rows if r["检查编号"] == str(iid)]
    assert [r["检查结果"] for r in mine] == ["不合格", "合格", "合格"]
    assert mine[0]["备注"] == "'=问题, 见照片" and "/web?exp=" in mine[0]["问题照片"]
    assert {r["检查类型"] for r in mine} == {"日常巡查"} and mine[0]["状态"] == "草稿"
    (empty,) = [r for r in rows if r["检查编号"] == str(draft)]
    assert empty["检查内容"] == "" and empty["检查结果"] == ""
    other = make.headers(make.user(Role.inspector, center=make.org.property))
    assert parsed_csv(client.get("/api/v1/exports/inspections.csv", headers=other)) == []
    book = openpyxl.load_workbook(io.BytesIO(client.get("/api/v1/exports/inspections.xlsx",
                                                        headers=headers).content))
    sheet = list(book["检查结果"].iter_rows(values_only=True))
    assert sheet[0] == inspection_rows.HEADER and len(sheet) == 1 + 3 + 1


def test_bad_filters_are_422_before_any_byte(client, make):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    for path in ("hazards.csv", "hazards.xlsx", "inspections.csv"):
        resp = client.get(f"/api/v1/exports/{path}", headers=qa, params={"status": "nope"})
        assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_error"
    resp = client.get("/api/v1/exports/hazards.csv", headers=qa, params={"colour": "red"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "unknown_parameter"
    assert client.get("/api/v1/exports/hazards.csv").status_code == 401
