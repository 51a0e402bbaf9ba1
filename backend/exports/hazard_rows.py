"""Hazards as export rows: one row per hazard (its timeline in one compact cell), and one row
per timeline entry for the workbook's second sheet. Rows come in keyset batches in the list's
order (newest first), so an export of any size holds one batch at a time."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, load_only

from backend import clock
from backend.accounts.models import User
from backend.exports.cells import Cell, PhotoLinks, action_word, local, word, yes_no
from backend.exports.names import Names
from backend.hazards import service
from backend.hazards.filters import HazardFilters
from backend.hazards.models import Hazard, HazardEvent
from backend.hazards.views import RECTIFICATION_EVENTS
from backend.hazards.workflow import Status
from backend.pagination import keyset_page
from backend.photos.service import photos_by_owner

HEADER = ("隐患编号", "隐患名称", "隐患描述", "中心", "校区", "点位", "隐患类别", "隐患等级",
          "来源", "状态", "上报人", "上报时间", "整改责任人", "整改措施", "费用估算(万元)",
          "整改期限", "临时管控措施", "整改情况", "是否逾期", "逾期天数", "闭环时间", "逾期闭环",
          "当场整改", "撤销原因", "整改前照片", "整改后照片", "时间线")
TIMELINE_HEADER = ("隐患编号", "序号", "时间", "操作", "操作人", "原状态", "新状态", "意见",
                   "照片")
BATCH = 1000
# what a row shows, nothing more (the JSON plans are not decoded); anything else raises
COLUMNS = load_only(
    Hazard.id, Hazard.title, Hazard.description, Hazard.center_id, Hazard.campus_id,
    Hazard.site_id, Hazard.category, Hazard.grade, Hazard.source, Hazard.status,
    Hazard.reporter_id, Hazard.created_at, Hazard.assignee_id, Hazard.measures,
    Hazard.cost_estimate, Hazard.deadline, Hazard.interim_measures, Hazard.rectification,
    Hazard.closed_at, Hazard.closed_late, Hazard.fixed_on_spot, Hazard.cancel_reason,
    raiseload=True)
_EVENTS = (select(HazardEvent.hazard_id, HazardEvent.id, HazardEvent.seq, HazardEvent.action,
                  HazardEvent.actor_id, HazardEvent.at, HazardEvent.from_status,
                  HazardEvent.to_status, HazardEvent.comment)
           .where(HazardEvent.hazard_id.in_(bindparam("ids", expanding=True)))
           .order_by(HazardEvent.hazard_id, HazardEvent.seq))


@dataclass
class Batch:
    rows: list[list[Cell]]
    timeline: list[list[Cell]]
    cursor: str | None  # the next batch's; None after the last


def _timeline_text(entries: list[list[Cell]]) -> str | None:
    """``2026-06-01 09:00 张三 指派（待指派→整改中）：意见`` per entry, one per line."""
    lines = []
    for _, _, at, action, actor, before, after, comment, _ in entries:
        moved = f"（{before or ''}→{after}）" if after and after != before else ""
        said = f"：{comment}" if comment else ""
        stamp = at.strftime("%Y-%m-%d %H:%M") if isinstance(at, datetime) else ""
        lines.append(f"{stamp} {actor or '系统'} {action}{moved}{said}")
    return "\n".join(lines) or None


def batch(session: Session, user: User, filters: HazardFilters, links: PhotoLinks,
          cursor: str | None) -> Batch:
    hazards, next_cursor = keyset_page(session, filters.statement(user).options(COLUMNS),
                                       [Hazard.created_at, Hazard.id], limit=BATCH,
                                       cursor=cursor, descending=True)
    ids = [h.id for h in hazards]
    events: dict[int, list[Any]] = defaultdict(list)
    if ids:
        for event in session.execute(_EVENTS, {"ids": ids}):
            events[event.hazard_id].append(event)
    before = photos_by_owner(session, "hazard", ids)
    event_photos = photos_by_owner(session, "hazard_event",
                                   [e.id for es in events.values() for e in es])
    names = Names(session, centers={h.center_id for h in hazards},
                  campuses={h.campus_id for h in hazards}, sites={h.site_id for h in hazards},
                  people={p for h in hazards for p in (h.reporter_id, h.assignee_id)}
                  | {e.actor_id for es in events.values() for e in es})
    today = clock.today()
    rows, timeline = [], []
    for h in hazards:
        entries: list[list[Cell]] = [
            [h.id, e.seq, local(e.at), action_word(e.action), names.person(e.actor_id),
             word(e.from_status), word(e.to_status), e.comment, links(event_photos[e.id])]
            for e in events[h.id]]
        fixes = [e for e in events[h.id] if e.action in RECTIFICATION_EVENTS]
        overdue = service.is_overdue(h, today)
        rows.append([
            h.id, h.title, h.description, names.centers.get(h.center_id),
            names.campuses.get(h.campus_id), names.sites.get(h.site_id), word(h.category),
            word(h.grade), word(h.source), word(h.status), names.person(h.reporter_id),
            local(h.created_at), names.person(h.assignee_id), h.measures, h.cost_estimate,
            h.deadline, h.interim_measures, h.rectification, yes_no(overdue),
            (today - h.deadline).days if overdue and h.deadline else 0,
            local(h.closed_at), yes_no(h.closed_late) if h.status is Status.closed else None,
            yes_no(h.fixed_on_spot), h.cancel_reason, links(before[h.id]),
            links(event_photos[fixes[-1].id]) if fixes else None, _timeline_text(entries)])
        timeline += entries
    return Batch(rows, timeline, next_cursor)
