"""The major-hazard regime as people read it: the upward reports and the 销号 evidence drawn from
the timeline, and the printable 督办单 (the notice of a 挂牌督办 is notifications.consumer's).

The 督办单 is HTML with print CSS (A4), served by the API under the caller's own auth: the phone
and the desk render and print it with the fonts their system has for Chinese, so the server needs
no CJK font and no PDF library (a fresh machine has neither); every user text is escaped."""

from html import escape

from sqlalchemy.orm import Session

from backend.clock import month_day
from backend.hazards.bodies import UpwardChannel
from backend.hazards.models import Hazard
from backend.hazards.schemas import ClosureOut, EventOut, HazardDetailOut, UpwardReportOut
from backend.hazards.workflow import GOVERNANCE_PLAN_FIELDS, Action, Status
from backend.org.models import Campus, Center
from backend.vocab import label

CHANNEL_LABELS = {UpwardChannel.written: "书面", UpwardChannel.phone: "电话",
                  UpwardChannel.system: "系统", UpwardChannel.in_person: "当面",
                  UpwardChannel.other: "其他"}
PLAN_LABELS = dict(zip(GOVERNANCE_PLAN_FIELDS, ("目标任务", "方法措施", "经费物资", "机构人员",
                                                "时限要求", "安全措施", "应急预案"), strict=True))



def upward_reports(timeline: list[EventOut]) -> list[UpwardReportOut]:
    return [UpwardReportOut(**e.changes["upward_report"]["to"], seq=e.seq,
                            recorded_by_id=e.actor_id, recorded_by_name=e.actor_name,
                            recorded_at=e.at)
            for e in timeline if e.action == Action.report_upward.value]


def closure(hazard: Hazard, timeline: list[EventOut]) -> ClosureOut | None:
    """The verify that closed the hazard (none while it is open: a reopen sets it aside)."""
    if hazard.status is not Status.closed:
        return None
    verify = next((e for e in reversed(timeline) if e.action == Action.verify.value), None)
    if verify is None:  # closed on the spot (a general hazard): no 销号 by anyone
        return None
    documents = verify.changes.get("closure_documents", {}).get("to")
    return ClosureOut(seq=verify.seq, verifier_id=verify.actor_id,
                      verifier_name=verify.actor_name, closed_at=verify.at,
                      opinion=verify.comment, documents=documents, photos=verify.photos)


def _cell(value: object) -> str:
    return escape(str(value)) if value not in (None, "") else "—"


def _row(name: str, value: object, wide: bool = False) -> str:
    span = ' colspan="3"' if wide else ""
    return f"<th>{escape(name)}</th><td{span}>{_cell(value)}</td>"


def supervision_sheet(session: Session, hazard: HazardDetailOut) -> str:
    """The 督办单 of a supervised hazard: one A4 page, to print, sign and stamp."""
    record = hazard.supervision
    assert record is not None
    center = session.get(Center, hazard.center_id)
    campus = session.get(Campus, hazard.campus_id)
    plan = hazard.governance_plan.model_dump() if hazard.governance_plan else None
    plan_rows = "".join(f"<tr>{_row(PLAN_LABELS[f], plan[f], wide=True)}</tr>"
                        for f in GOVERNANCE_PLAN_FIELDS) if plan else \
        '<tr><td colspan="4">尚未制定（隐患待指派）</td></tr>'
    basis = hazard.requirement.major_basis if hazard.requirement else None
    deadline = month_day(record.deadline) if record.deadline else "—"
    rows = [
        _row("隐患名称", hazard.title, wide=True),
        _row("所在点位", hazard.site_name) + _row("校区", campus.name if campus else None),
        _row("责任单位", center.name if center else None)
        + _row("隐患类别", label(hazard.category)),
        _row("判定依据", basis or "重大隐患（人工判定）", wide=True),
        _row("隐患描述", hazard.description, wide=True),
        _row("整改责任人", hazard.assignee_name)
        + _row("整改时限", month_day(hazard.deadline) if hazard.deadline else None),
        _row("停用/封控", "是，隐患消除前停止使用" if hazard.restricted_use else "否", wide=True),
    ]
    body = "".join(f"<tr>{r}</tr>" for r in rows)
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>重大事故隐患挂牌督办单 {escape(record.order_no)}</title>
<style>
@page {{ size: A4; margin: 16mm 16mm 14mm; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0 auto; max-width: 178mm; padding: 8px; color: #000; font-size: 10.5pt;
  font-family: "SimSun", "Songti SC", "Noto Serif CJK SC", "Noto Sans CJK SC", "PingFang SC",
  "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; }}
h1 {{ text-align: center; font-size: 18pt; letter-spacing: 2px; margin: 0 0 4px; }}
.no {{ text-align: right; margin-bottom: 6px; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
th, td {{ border: 1px solid #000; padding: 4px 6px; vertical-align: top; text-align: left;
  white-space: pre-wrap; word-break: break-all; }}
th {{ width: 18%; font-weight: normal; background: #f2f2f2; }}
.section {{ text-align: center; font-weight: bold; background: #e6e6e6; }}
.sign {{ display: flex; justify-content: space-between; margin-top: 14mm; }}
.sign div {{ width: 31%; border-top: 1px solid #000; padding-top: 4px; text-align: center; }}
@media print {{ th, .section {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }} }}
</style></head>
<body data-hazard="{hazard.id}">
<h1>重大事故隐患挂牌督办单</h1>
<div class="no">编号：{escape(record.order_no)}</div>
<table>
<tr><td colspan="4" class="section">隐患情况</td></tr>
{body}
<tr><td colspan="4" class="section">治理方案</td></tr>
{plan_rows}
<tr><td colspan="4" class="section">督办事项</td></tr>
<tr>{_row("督办要求", record.requirements, wide=True)}</tr>
<tr>{_row("督办时限", deadline)}{_row("督办日期", month_day(record.supervised_on))}</tr>
<tr>{_row("督办单位", record.supervisor_unit)}{_row("督办人", record.supervisor)}</tr>
</table>
<div class="sign"><div>督办单位（盖章）</div><div>督办人签字</div>
<div>责任单位负责人签收</div></div>
<div class="sign"><div>日期</div><div>日期</div><div>日期</div></div>
</body></html>
"""
