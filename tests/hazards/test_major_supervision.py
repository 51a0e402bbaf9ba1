"""The major-hazard regime beyond the 治理方案: 挂牌督办 and its printable 督办单, reports upward
(上报记录) and the evidence of the 销号, through the API (rules: test_workflow_rules.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from backend import clock
from backend.audit.models import AuditEntry
from backend.events.models import DomainEvent
from backend.clock import frozen, month_day
from backend.vocab import Grade
from tests.hazards.test_workflow_api import act, plan
from tests.hazards.test_workflow_api import people as people  # noqa: F401 - a fixture
from tests.notifications.helpers import inbox, run_scheduler

SUPERVISION = {"supervisor": "王主任", "requirements": "限期更换燃气管道，每周报告进展"}


def supervised(client, make, people, **extra):
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    resp = act(client, make, people["qa"], hazard.id, "supervise", {**SUPERVISION, **extra})
    assert resp.status_code == 200, resp.text
    return hazard, resp.json()


def test_qa_supervises_a_major_hazard_once_and_it_is_shown_audited_and_an_event(client, db,
                                                                                 make, people):
    deadline = clock.today() + timedelta(days=10)
    hazard, body = supervised(client, make, people, deadline=deadline.isoformat())
    record = body["supervision"]
    assert record["supervisor"] == "王主任" and record["supervisor_unit"] == "质量监督办公室"
    assert record["supervised_on"] == clock.today().isoformat()
    assert record["deadline"] == deadline.isoformat()
    assert record["order_no"] == f"督〔{clock.today().year}〕{hazard.id}号"
    assert record["recorded_by_id"] == people["qa"].id
    assert body["status"] == "reported"  # the workflow goes on as before
    entry = body["timeline"][-1]
    assert (entry["action"], entry["comment"]) == ("supervise", SUPERVISION["requirements"])
    assert "supervise" not in body["allowed_actions"] and "report_upward" in body["allowed_actions"]
    # shown to the center too, in the detail and the list
    shown = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(people["manager"]))
    assert shown.json()["supervision"] == record
    # once: a second is refused by the state, however it is worded
    again = act(client, make, people["qa"], hazard.id, "supervise",
                {**SUPERVISION, "order_no": "督〔2026〕99号"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "hazard_invalid_transition"
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "hazard.supervise",
                                               AuditEntry.object_id == str(hazard.id)))
    assert audit.summary["after"]["supervision"]["order_no"] == record["order_no"]
    event = db.scalar(select(DomainEvent).where(DomainEvent.type == "hazard.supervised",
                                                DomainEvent.object_id == hazard.id))
    assert event.data["changes"]["supervision"]["to"]["supervisor"] == "王主任"


@pytest.mark.parametrize("who, grade, status", [
    ("manager", Grade.major, 403), ("inspector", Grade.major, 403), ("leader", Grade.major, 403),
    ("qa", Grade.general, 403), ("other_manager", Grade.major, 404)])
def test_only_qa_supervises_and_only_a_major_hazard(client, make, people, who, grade, status):
    hazard = make.hazard(people["inspector"], grade=grade)
    resp = act(client, make, people[who], hazard.id, "supervise", SUPERVISION)
    assert resp.status_code == status, resp.text


def test_supervision_dates_are_checked(client, make, people):
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    tomorrow = clock.today() + timedelta(days=1)
    resp = act(client, make, people["qa"], hazard.id, "supervise",
               {**SUPERVISION, "supervised_on": tomorrow.isoformat()})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "date_in_future"
    resp = act(client, make, people["qa"], hazard.id, "supervise", {
        **SUPERVISION, "supervised_on": clock.today().isoformat(),
        "deadline": (clock.today() - timedelta(days=1)).isoformat()})
    assert resp.json()["error"]["code"] == "supervision_deadline_before_date"
    resp = act(client, make, people["qa"], hazard.id, "supervise", {"supervisor": "王主任"})
    assert resp.status_code == 422  # the requirements are the point of it
    closed = make.hazard(people["inspector"], grade=Grade.major)
    act(client, make, people["qa"], closed.id, "cancel", {"reason": "重复上报"})
    assert act(client, make, people["qa"], closed.id, "supervise", SUPERVISION).status_code == 409


def test_the_managers_and_the_assignee_are_told_with_chinese_dates(client, make, app, people):
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    act(client, make, people["manager"], hazard.id, "assign", plan(people["worker"], grade=Grade.major))
    deadline = clock.today() + timedelta(days=10)
    act(client, make, people["qa"], hazard.id, "supervise",
        {**SUPERVISION, "deadline": deadline.isoformat(), "order_no": "督〔2026〕7号"})
    run_scheduler(app)
    for person in ("manager", "worker"):
        [told] = [n for n in inbox(client, make, people[person]) if n["kind"] == "hazard_supervised"]
        assert told["object_id"] == hazard.id
        assert "督〔2026〕7号" in told["body"] and SUPERVISION["requirements"] in told["body"]
        assert f"督办时限 {deadline.month}月{deadline.day}日" in told["body"]
        assert deadline.isoformat() not in told["body"]
    assert [n for n in inbox(client, make, people["other_manager"])] == []
    assert not [n for n in inbox(client, make, people["qa"]) if n["kind"] == "hazard_supervised"]


def test_the_sheet_prints_the_supervision_with_user_text_escaped(client, make, people, db):
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    hazard.title = '燃气管道<script>alert("x")</script>锈蚀'
    db.flush()
    act(client, make, people["manager"], hazard.id, "assign", plan(people["worker"], grade=Grade.major))
    act(client, make, people["qa"], hazard.id, "supervise",
        {**SUPERVISION, "requirements": "更换管道 & 每周报告 <b>进展</b>"})
    resp = client.get(f"/api/v1/hazards/{hazard.id}/supervision/sheet",
                      headers=make.headers(people["manager"]))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert "script-src" not in resp.headers["content-security-policy"]  # no script runs in it
    html = resp.text
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "更换管道 &amp; 每周报告 &lt;b&gt;进展&lt;/b&gt;" in html
    for text in ("重大事故隐患挂牌督办单", f"督〔{clock.today().year}〕{hazard.id}号", "王主任",
                 "质量监督办公室", make.org.kitchen.name, make.org.catering.name, "燃气",
                 "消除燃气泄漏风险", "关闭总阀，禁止明火", month_day(clock.today()),
                 "督办单位（盖章）", "责任单位负责人签收", "size: A4"):
        assert text in html, text


def test_the_sheet_needs_a_supervision_and_sight_of_the_hazard(client, make, people):
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    url = f"/api/v1/hazards/{hazard.id}/supervision/sheet"
    resp = client.get(url, headers=make.headers(people["qa"]))
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "supervision_not_found"
    act(client, make, people["qa"], hazard.id, "supervise", SUPERVISION)
    resp = client.get(url, headers=make.headers(people["other_manager"]))
    assert resp.status_code == 404 and resp.json()["error"]["code"] == "hazard_not_found"
    html = client.get(url, headers=make.headers(people["qa"])).text
    assert "尚未制定" in html  # supervised before its 治理方案


def test_reports_upward_are_listed_in_order_and_audited(client, db, make, people):
    with frozen(datetime(2026, 11, 30, 16, 0, tzinfo=UTC)):  # found on 12月1日 00:00
        hazard = make.hazard(people["inspector"], grade=Grade.major)
    first = {"recipient": "学校保卫处", "reported_at": "2026-12-01T09:30:00+08:00",
             "channel": "phone", "note": "电话报告隐患情况"}
    second = {"recipient": "市教育局", "reported_at": "2026-12-02T10:00:00+08:00",
              "channel": "written", "reference_no": "后质〔2026〕12号"}
    for report in (first, second):
        assert act(client, make, people["qa"], hazard.id, "report_upward",
                   report).status_code == 200
    body = client.get(f"/api/v1/hazards/{hazard.id}", headers=make.headers(people["manager"])).json()
    reports = body["upward_reports"]
    assert [(r["recipient"], r["channel"], r["reference_no"]) for r in reports] == \
        [("学校保卫处", "phone", None), ("市教育局", "written", "后质〔2026〕12号")]
    assert reports[0]["note"] == "电话报告隐患情况" and reports[0]["reported_at"].startswith("2026-12-01T01:30:00")
    assert reports[1]["recorded_by_id"] == people["qa"].id
    assert body["status"] == "reported" and body["supervision"] is None
    assert db.scalars(select(AuditEntry).where(AuditEntry.action == "hazard.report_upward",
                                               AuditEntry.object_id == str(hazard.id))).all()
    types = db.scalars(select(DomainEvent.type).where(DomainEvent.object_id == hazard.id)).all()
    assert types.count("hazard.reported_upward") == 2
    future = clock.utcnow() + timedelta(hours=2)
    resp = act(client, make, people["qa"], hazard.id, "report_upward",
               {**first, "reported_at": future.isoformat()})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "date_in_future"
    resp = act(client, make, people["qa"], hazard.id, "report_upward", {**first, "channel": "fax"})
    assert resp.status_code == 422
    # before the hazard was found (review-11 N2: recorded until then)
    resp = act(client, make, people["qa"], hazard.id, "report_upward",
               {**first, "reported_at": "2026-11-30T23:59:00+08:00"})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "upward_report_before_hazard"
    assert resp.json()["error"]["details"]["found_at"].startswith("2026-11-30T16:00:00")
    assert act(client, make, people["manager"], hazard.id, "report_upward", first).status_code == 403


def test_a_hazard_found_offline_may_be_reported_upward_before_the_server_had_it(client, db, make,
                                                                                people):
    """Found at 08:00 on a phone without signal, synced at 11:00: a report at 09:30 stands."""
    with frozen(datetime(2026, 12, 1, 3, 0, tzinfo=UTC)):
        hazard = make.hazard(people["inspector"], grade=Grade.major)
    hazard.captured_at = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    db.commit()
    body = {"recipient": "学校保卫处", "channel": "phone"}
    assert act(client, make, people["qa"], hazard.id, "report_upward",
               {**body, "reported_at": "2026-12-01T09:30:00+08:00"}).status_code == 200
    resp = act(client, make, people["qa"], hazard.id, "report_upward",
               {**body, "reported_at": "2026-12-01T07:59:00+08:00"})
    assert resp.json()["error"]["code"] == "upward_report_before_hazard"


def test_the_closing_of_a_major_hazard_needs_its_evidence_and_shows_it(client, make, people):
    worker, qa = people["worker"], people["qa"]
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    act(client, make, people["manager"], hazard.id, "assign", plan(worker, grade=Grade.major))
    act(client, make, worker, hazard.id, "submit",
        {"description": "已更换", "photo_ids": [make.photo(worker).id]})
    url = f"/api/v1/hazards/{hazard.id}"
    refused = act(client, make, qa, hazard.id, "verify", {"comment": "同意"})
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["missing"] == ["photo_ids"]
    assert act(client, make, qa, hazard.id, "verify", {}).json()["error"]["details"]["missing"] \
        == ["comment", "photo_ids"]
    assert client.get(url, headers=make.headers(qa)).json()["status"] == "submitted"
    evidence = [make.photo(qa).id, make.photo(qa).id]
    closed = act(client, make, qa, hazard.id, "verify", {
        "comment": "经专家评估隐患已消除，同意销号", "photo_ids": evidence,
        "documents": "专家评估报告（12月5日）"}).json()
    closure = closed["closure"]
    assert closed["status"] == "closed"
    assert (closure["verifier_id"], closure["verifier_name"]) == (qa.id, qa.display_name)
    assert closure["opinion"] == "经专家评估隐患已消除，同意销号"
    assert closure["documents"] == "专家评估报告（12月5日）"
    assert [p["id"] for p in closure["photos"]] == evidence
    assert closure["closed_at"] == closed["timeline"][-1]["at"]
    # reported upward after the 销号 too; a reopen sets the closure aside
    assert act(client, make, qa, hazard.id, "report_upward", {
        "recipient": "学校保卫处", "reported_at": clock.utcnow().isoformat(),
        "channel": "system"}).status_code == 200
    reopened = act(client, make, qa, hazard.id, "reopen", {"reason": "问题复现"}).json()
    assert reopened["closure"] is None and len(reopened["upward_reports"]) == 1


def test_a_general_hazard_is_closed_as_before(client, make, people):
    hazard = make.hazard(people["inspector"])
    act(client, make, people["manager"], hazard.id, "assign", plan(people["worker"]))
    act(client, make, people["worker"], hazard.id, "submit",
        {"description": "已更换", "photo_ids": [make.photo(people["worker"]).id]})
    closed = act(client, make, people["manager"], hazard.id, "verify", {}).json()
    assert closed["status"] == "closed" and closed["closure"]["opinion"] is None
    assert act(client, make, people["qa"], hazard.id, "report_upward", {
        "recipient": "x", "reported_at": clock.utcnow().isoformat(),
        "channel": "phone"}).status_code == 403
