"""附表3 as .xlsx, opened with openpyxl: titles with the center's name, the merged two-level
header with per-year columns, the rows, 合计 with real sums in 万元, the footnote, widths,
wrapping, the print setup; the all-centers workbook; who may export what; LibreOffice's
rendering to PDF when it is installed."""

from backend.vocab import Role
from tests.tables.support import add_entries, fetch, render_pdf, values

URL = "/api/v1/exports/table3.xlsx"


def test_one_centers_table_in_the_official_layout(client, make):
    manager = make.user(Role.center_manager, center=make.org.catering)
    headers = make.headers(manager)
    add_entries(client, headers, make.org.catering.id)
    resp = client.get(URL, headers=headers)
    assert "filename*=UTF-8''%E9%99%84%E8%A1%A83-" in resp.headers["content-disposition"]
    ws = fetch(client, headers, URL).worksheets[0]
    assert ws["A1"].value == "后勤集团安全生产治本攻坚三年实施计划"
    assert ws["A2"].value == "测试饮食中心安全生产治本攻坚风险隐患整改计划表"
    assert {str(r) for r in ws.merged_cells.ranges} >= {
        "A1:K1", "A2:K2", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:K3", "A8:K8"}
    assert [c.value for c in ws[3]][:8:] == ["序号", "名称(含校区、地点)", "隐患描述", "整改措施",
                                             "整改期限", None, None, "费用估算(万元)"]
    assert [c.value for c in ws[4]][4:] == ["2024", "2025", "2026"] * 2 + ["小计"]
    first, second, total = (list(r) for r in ws.iter_rows(min_row=5, max_row=7,
                                                          values_only=True))
    assert first[:2] == [1, "将军路校区 一食堂后场改造"] and second[0] == 2
    assert first[4:] == ["7-8 月", None, None, 12.5, 3.25, None, 15.75]
    assert second[4:] == [None, "2-9 月", None, None, 40, None, 40]
    assert total[0] == "合计" and total[7:] == [12.5, 43.25, 0, 55.75]
    assert all(ws.cell(row=r, column=c).number_format == "0.00"
               for r in (5, 6, 7) for c in range(8, 12))
    assert ws["A8"].value.startswith(
        "备注: 1. 本质基础隐患包含房屋维修、设施设备改造或更新、信息化建设等")
    assert "2. 隐患整改计划表须在 2024 年 6 月 30 日前提交。" in ws["A8"].value
    assert ws["C5"].alignment.wrap_text and ws["B3"].font.bold and ws["C5"].border.left.style
    assert [ws.column_dimensions[c].width for c in "ABCDEK"] == [6, 24, 36, 40, 10, 10]
    assert ws.row_dimensions[5].height > 15  # wrapped text: more than one line
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    assert ws.print_title_rows == "$3:$4" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0


def test_an_empty_table_still_has_its_form(client, make):
    manager = make.user(Role.center_manager, center=make.org.property)
    ws = fetch(client, make.headers(manager), URL).worksheets[0]
    assert ws["A2"].value.startswith("测试物业中心")
    assert values(fetch(client, make.headers(manager), URL), first_row=5)[0][0] == "合计"


def test_the_all_centers_workbook_has_a_summary_and_a_sheet_per_center(client, make):
    qa = make.user(Role.qa_officer, center=make.org.qa)
    entries = add_entries(client, make.headers(qa), make.org.catering.id)
    hazard = make.hazard(make.user(Role.inspector, center=make.org.property),
                         site=make.org.dorm)
    linked = client.post("/api/v1/rectification-entries", headers=make.headers(qa), json={
        "center_id": make.org.property.id, "hazard_id": hazard.id, "measures": "更换",
        "years": [{"year": 2027, "from_month": 1, "to_month": 1, "cost": "0.3"}]})
    assert linked.status_code == 201 and entries
    hazard.status = "closed"
    make.db.commit()
    book = fetch(client, make.headers(qa), URL)
    assert book.sheetnames == ["汇总", "测试饮食中心", "测试物业中心"]
    summary = book["汇总"]
    assert summary["A2"].value == "各中心安全生产治本攻坚风险隐患整改计划汇总表"
    assert [c.value for c in summary[4]][4:] == ["2024", "2025", "2026", "2027", "小计"]
    assert values(book, "汇总", first_row=5) == [
        [1, "测试饮食中心", 2, 0, 12.5, 43.25, 0, 0, 55.75],
        [2, "测试物业中心", 1, 1, 0, 0, 0, 0.3, 0.3],
        ["合计", None, 3, 1, 12.5, 43.25, 0, 0.3, 56.05]]
    # every sheet has the same year columns, so the group's tables line up
    assert [c.value for c in book["测试物业中心"][4]][4:] == [
        "2024", "2025", "2026", "2027"] * 2 + ["小计"]
    assert book["测试物业中心"]["A5"].value == 1


def test_who_may_export_which_center(client, make):
    catering, prop = make.org.catering.id, make.org.property.id
    manager = make.headers(make.user(Role.center_manager, center=make.org.catering))
    inspector = make.headers(make.user(Role.inspector, center=make.org.catering))
    leader = make.headers(make.user(Role.leader))
    admin = make.headers(make.user(Role.admin))
    assert client.get(f"{URL}?center_id={catering}", headers=inspector).status_code == 200
    assert client.get(f"{URL}?center_id={prop}", headers=manager).status_code == 404
    assert client.get(f"{URL}?center_id={prop}", headers=leader).status_code == 200
    assert fetch(client, leader, URL).sheetnames[0] == "汇总"
    assert client.get(URL, headers=admin).status_code == 403
    assert client.get(f"{URL}?center_id={catering}", headers=admin).status_code == 404


def test_libreoffice_renders_the_table(client, make, tmp_path):
    manager = make.user(Role.center_manager, center=make.org.catering)
    headers = make.headers(manager)
    add_entries(client, headers, make.org.catering.id)
    text = render_pdf(client.get(URL, headers=headers).content, tmp_path)
    flat = "".join(text.split())
    for expected in ("测试饮食中心安全生产治本攻坚风险隐患整改计划表", "费用估算(万元)", "合计",
                     "43.25", "55.75", "7-8月", "隐患整改计划表须在2024年6月30日前提交"):
        assert expected in flat, expected
