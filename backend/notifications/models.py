from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.db import Base


class NotificationKind(StrEnum):
    """What a notification is about."""

    hazard_assigned = "hazard_assigned"
    hazard_to_verify = "hazard_to_verify"
    hazard_rejected = "hazard_rejected"
    extension_decided = "extension_decided"
    deadline_soon = "deadline_soon"
    overdue = "overdue"
    escalated = "escalated"
    campaign_dispatched = "campaign_dispatched"
    receipt_due = "receipt_due"
    hazard_supervised = "hazard_supervised"
    task_due = "task_due"  # the day's patrol tasks, to each assignee, once a day
    task_missed = "task_missed"  # 漏检, to the assignees and the center's managers
    campaign_cancelled = "campaign_cancelled"


KIND_LABELS = {
    NotificationKind.hazard_assigned: "隐患指派",
    NotificationKind.hazard_to_verify: "待我验收",
    NotificationKind.hazard_rejected: "验收未通过",
    NotificationKind.extension_decided: "延期审批结果",
    NotificationKind.deadline_soon: "整改即将到期",
    NotificationKind.overdue: "整改逾期",
    NotificationKind.escalated: "逾期升级",
    NotificationKind.campaign_dispatched: "检查任务下发",
    NotificationKind.receipt_due: "回执待提交",
    NotificationKind.hazard_supervised: "挂牌督办",
    NotificationKind.task_due: "今日巡检",
    NotificationKind.task_missed: "漏检提醒",
    NotificationKind.campaign_cancelled: "检查任务取消",
}


class Notification(Base):
    """One message to one user. ``dedupe_key`` names the reminder (``overdue:hazard:42:
    2026-12-02``, ``hazard_assigned:event:317``): unique per recipient, so the same reminder
    about the same object and day is never written twice to anyone, however many workers run."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "dedupe_key"),
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        Index("ix_notifications_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind]
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(1000))
    dedupe_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
