"""Inspections as export rows: one row per answer, the inspection's columns repeated on each.

Why one row per answer (and not one per inspection with a column per item): the ~50 modules
ask different items, and a module's items change between versions, so columns per item would
need a sheet per module version and leave most cells empty; a long table is what a clerk
filters (检查结果 = 不合格), sorts and pivots in Excel, the same for every module. An
inspection without answers yet (a draft) still has its one row, with empty answer columns."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.exports.cells import Cell, PhotoLinks, local, word, yes_no
from backend.exports.names import Names
from backend.hazards.models import Hazard
from backend.inspections import service
from backend.inspections.filters import InspectionFilters
from backend.inspections.models import Inspection, InspectionAnswer
from backend.modules.models import ModuleItem
from backend.pagination import keyset_page
from backend.photos.service import photos_by_owner

HEADER = ("检查编号", "检查模块", "模块版本", "中心", "校区", "点位", "检查类型", "检查人", "状态",
          "签到方式", "开始时间", "提交时间", "检查项序号", "检查项编号", "检查内容", "检查结果",
          "数值", "文字记录", "备注", "当场整改", "问题照片", "整改后照片", "隐患编号")
BATCH = 100  # inspections; up to ~50 answers each


@dataclass
class Batch:
    rows: list[list[Cell]]
    cursor: str | None  # the next batch's; None after the last


def batch(session: Session, user: User, filters: InspectionFilters, links: PhotoLinks,
          cursor: str | None) -> Batch:
    inspections, next_cursor = keyset_page(session, filters.statement(user),
                                           [Inspection.created_at, Inspection.id], limit=BATCH,
                                           cursor=cursor, descending=True)
    ids = [i.id for i in inspections]
    answers: dict[int, list[tuple[InspectionAnswer, ModuleItem]]] = defaultdict(list)
    hazards: dict[tuple[int, int], int] = {}
    if ids:
        for answer, item in session.execute(
                select(InspectionAnswer, ModuleItem)
                .join(ModuleItem, ModuleItem.id == InspectionAnswer.item_id)
                .where(InspectionAnswer.inspection_id.in_(ids))
                .order_by(InspectionAnswer.inspection_id, ModuleItem.position)):
            answers[answer.inspection_id].append((answer, item))
        for inspection_id, item_id, hazard_id in session.execute(
                select(Hazard.inspection_id, Hazard.item_id, Hazard.id)
                .where(Hazard.inspection_id.in_(ids))):
            if inspection_id is not None and item_id is not None:
                hazards[inspection_id, item_id] = hazard_id
    answer_ids = [a.id for pairs in answers.values() for a, _ in pairs]
    before = photos_by_owner(session, service.BEFORE, answer_ids)
    after = photos_by_owner(session, service.AFTER, answer_ids)
    labels = service.version_labels(session, list({i.module_version_id for i in inspections}))
    names = Names(session, centers={i.center_id for i in inspections},
                  campuses={i.campus_id for i in inspections},
                  sites={i.site_id for i in inspections},
                  people={i.inspector_id for i in inspections})
    rows: list[list[Cell]] = []
    for i in inspections:
        module, version = labels.get(i.module_version_id, (None, None))
        head: list[Cell] = [
            i.id, module, version, names.centers.get(i.center_id),
            names.campuses.get(i.campus_id), names.sites.get(i.site_id), word(i.kind),
            names.person(i.inspector_id), word(i.status), word(i.checkin_method),
            local(i.started_at or i.created_at), local(i.submitted_at)]
        if not answers[i.id]:
            rows.append(head + [None] * (len(HEADER) - len(head)))
        for answer, item in answers[i.id]:
            rows.append(head + [
                item.position, item.code, item.text, word(answer.result) or "未填",
                answer.value, answer.text, answer.note, yes_no(answer.fixed_on_spot),
                links(before[answer.id]), links(after[answer.id]),
                hazards.get((i.id, item.id))])
    return Batch(rows, next_cursor)
