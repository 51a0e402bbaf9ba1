"""What every center and group starts with: 附表1's three standard rows and the group's
2024-2026 three-year action with the deadlines of the group's document (后勤字〔2024〕4号).
Migration 0020 wrote them for the centers and groups that existed; these write them for later
ones (``anxun demo`` / setup, and a center's 附表1 on its first read)."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import clock
from backend.dedupe import insert_or_skip
from backend.org.models import Center
from backend.records.models import ActionCampaign, ResponsibilityItem

STANDARD_ITEMS = (("organization", 1, "安全工作组织机构"), ("network", 2, "安全责任网络表"),
                  ("agreement", 3, "安全生产责任书"))
DEFAULT_ACTION = {
    "title": "后勤集团安全生产治本攻坚三年行动（2024-2026年）", "first_year": 2024,
    "last_year": 2026, "table1_due_on": date(2024, 6, 30), "table2_due_on": date(2024, 12, 31),
    "table3_due_on": date(2024, 6, 30),
    "notes": "后勤字〔2024〕4号：附表1、附表3须在2024年6月30日前、"
             "附表2须在2024年12月31日前提交质监办（电子版）"}


def _have(session: Session, center_ids: list[int]) -> set[tuple[int, str | None]]:
    return {(center_id, key) for center_id, key in session.execute(
        select(ResponsibilityItem.center_id, ResponsibilityItem.standard_key)
        .where(ResponsibilityItem.center_id.in_(center_ids),
               ResponsibilityItem.standard_key.is_not(None)))}


def centers_lacking_standard_items(session: Session, center_ids: list[int]) -> list[int]:
    have = _have(session, center_ids)
    return [center_id for center_id in center_ids
            if any((center_id, key) not in have for key, _, _ in STANDARD_ITEMS)]


def ensure_standard_items(session: Session, center_ids: list[int]) -> int:
    """Write the standard rows the centers lack (once, however many requests do it at once:
    the unique (center, standard_key) decides). Returns how many were written."""
    have = _have(session, center_ids)
    now = clock.utcnow()
    rows = [{"center_id": center_id, "standard_key": key, "position": position, "title": title,
             "version": 1, "created_at": now, "updated_at": now}
            for center_id in center_ids for key, position, title in STANDARD_ITEMS
            if (center_id, key) not in have]
    return len(insert_or_skip(session, ResponsibilityItem, rows, ("center_id", "standard_key")))


def ensure_defaults(session: Session, group_id: int) -> None:
    """The group's standard rows for every center, and its first three-year action unless it
    has one."""
    ensure_standard_items(session, list(session.scalars(
        select(Center.id).where(Center.group_id == group_id))))
    if session.scalar(select(ActionCampaign.id).where(ActionCampaign.group_id == group_id)
                      .limit(1)) is None:
        session.add(ActionCampaign(group_id=group_id, **DEFAULT_ACTION))
        session.flush()
