"""附表1 and 附表2 as .xlsx from the records, 附表2 imported back, and 附表3 framed by a
three-year action (its years as columns, its due day in the footnote)."""

import datetime

from backend.vocab import Role
from tests.tables.support import XLSX, fetch, to_bytes, values


def _regulations(client, headers):  # noqa: ANN001
    for body in ({"seq": 1, "title": "饮食服务中心燃气使用安全操作规定",
                  "doc_number": "饮食字〔2023〕5号", "issued_on": "2023-05-10"},
                 {"seq": 2, "title": "后厨消防安全管理制度"}):
        assert client.post("/api/v1/regulations", json=body,
                           headers=headers).status_code == 201


def test_table1_has_the_standard_rows_and_the_centers_own(client, make):
    manager = make.headers(make.user(Role.center_manager, center=make.org.catering))
    assert client.post("/api/v1/responsibility-items", headers=manager, json={
        "title": "消防安全管理责任人任命书", "established": True,
        "deadline": "2024-06-30"}).status_code == 201
    ws = fetch(client, manager, "/api/v1/exports/table1.xlsx").worksheets[0]
    assert ws["A2"].value == "测试饮食中心安全责任体系建设情况统计表"
    assert [c.value for c in ws[3]] == ["具体内容", "是否建立（或签订）", "整改期限", "备注"]
    rows = values(ws.parent, first_row=4)
    assert [r[0] for r in rows] == ["安全工作组织机构", "安全责任网络表", "安全生产责任书",
                                    "消防安全管理责任人任命书"]
    assert rows[3][1:3] == ["是", datetime.datetime(2024, 6, 30)]
    assert ws["C7"].number_format == 'yyyy"年"m"月"d"日"' and ws.print_title_rows == "$3:$3"
    assert ws.page_setup.orientation == "landscape"


def test_table2_exports_and_imports_back(client, make):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    manager = make.headers(make.user(Role.center_manager, center=make.org.catering))
    _regulations(client, manager)
    book = fetch(client, manager, "/api/v1/exports/table2.xlsx")
    ws = book.worksheets[0]
    assert ws["A2"].value == "测试饮食中心安全管理制度建设情况统计表"
    assert [c.value for c in ws[3]] == ["序号", "制度名称", "文号", "发文日期", "备注"]
    assert values(book, first_row=4)[1][2] == "-"
    resp = client.post(f"/api/v1/imports/table2.xlsx?center_id={make.org.property.id}",
                       headers=qa, files={"file": ("附表2.xlsx", to_bytes(book), XLSX)})
    assert resp.status_code == 201, resp.text
    again = fetch(client, qa, f"/api/v1/exports/table2.xlsx?center_id={make.org.property.id}")
    assert values(again, first_row=3) == values(book, first_row=3)
    all_centers = fetch(client, qa, "/api/v1/exports/table2.xlsx")
    assert all_centers.sheetnames == ["测试饮食中心", "测试物业中心"]


def test_a_bad_table2_row_refuses_the_table(client, make):
    manager = make.headers(make.user(Role.center_manager, center=make.org.catering))
    book = fetch(client, manager, "/api/v1/exports/table2.xlsx")
    ws = book.worksheets[0]
    ws.append([1, "规定甲", "-", "2024年3月1日", None])
    ws.append(["x", None, None, "去年", None])
    resp = client.post("/api/v1/imports/table2.xlsx", headers=manager,
                       files={"file": ("附表2.xlsx", to_bytes(book), XLSX)})
    assert resp.status_code == 422
    assert resp.json()["error"]["details"]["rows"] == [{"row": 5, "problems": [
        {"column": "序号", "message": "应为正整数"}, {"column": "制度名称", "message": "必填"},
        {"column": "发文日期", "message": '应为日期，如 "2024年3月1日"'}]}]
    assert client.get("/api/v1/regulations", headers=manager).json()["items"] == []


def test_table3_follows_the_action_campaign(client, make):
    qa = make.headers(make.user(Role.qa_officer, center=make.org.qa))
    action = client.post("/api/v1/action-campaigns", headers=qa, json={
        "title": "三年行动（2025-2027年）", "first_year": 2025, "last_year": 2027,
        "table1_due_on": "2025-06-30", "table2_due_on": "2025-12-31",
        "table3_due_on": "2025-07-15"})
    assert action.status_code == 201, action.text
    url = (f"/api/v1/exports/table3.xlsx?center_id={make.org.catering.id}"
           f"&campaign_id={action.json()['id']}")
    ws = fetch(client, qa, url).worksheets[0]
    assert [c.value for c in ws[4]][4:] == ["2025", "2026", "2027"] * 2 + ["小计"]
    assert "须在 2025 年 7 月 15 日前提交" in ws["A6"].value
    assert client.get(url.replace(f"={action.json()['id']}", "=99999"),
                      headers=qa).status_code == 404
