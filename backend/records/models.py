"""Records behind the official tables of the three-year action (后勤集团安全生产治本攻坚三年行动):
附表1 responsibility items and 附表2 regulations per center, the action campaigns with their
submission deadlines and each center's submitted tables, trainings and drills, 通报表扬 /
通报批评 / 约谈, and the documents attached to any of them."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.db import Base, TimestampMixin


class ReviewDecision(StrEnum):
    """A regulation's review (制度的“废、改、留、立”)."""

    abolish = "abolish"  # 废
    amend = "amend"  # 改
    keep = "keep"  # 留
    create = "create"  # 立


class OfficialTable(StrEnum):
    table1 = "table1"  # 附表1 安全责任体系建设情况统计表
    table2 = "table2"  # 附表2 安全管理制度建设情况统计表
    table3 = "table3"  # 附表3 风险隐患整改计划表


class TrainingKind(StrEnum):
    drill = "drill"  # 应急演练
    training = "training"  # 安全培训


class AccountabilityKind(StrEnum):
    praise = "praise"  # 通报表扬
    criticism = "criticism"  # 通报批评
    interview = "interview"  # 约谈


class RecordType(StrEnum):
    """The records documents attach to (``record_attachments.record_type``)."""

    responsibility_item = "responsibility_item"
    regulation = "regulation"
    training = "training"
    accountability = "accountability"


class CenterRecord(TimestampMixin):
    """What every center's record has: its center, who created it (None: the system), the
    client's idempotency key with its request's fingerprint, and the version ``If-Match``
    names."""

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[str | None] = mapped_column(String(36))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)


class ResponsibilityItem(CenterRecord, Base):
    """A row of 附表1: the three standard rows (``standard_key`` set, one per center, never
    deleted or retitled) and any further ones."""

    __tablename__ = "responsibility_items"
    __table_args__ = (UniqueConstraint("created_by_id", "client_id"),
                      UniqueConstraint("center_id", "standard_key"),
                      Index("ix_responsibility_items_center", "center_id", "position", "id"))

    standard_key: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(default=100)
    title: Mapped[str] = mapped_column(String(200))  # 具体内容
    established: Mapped[bool | None]  # 是否建立（或签订）
    deadline: Mapped[date | None]  # 整改期限
    remark: Mapped[str | None] = mapped_column(String(2000))  # 备注


class Regulation(CenterRecord, Base):
    """A row of 附表2 (the regulation register) with its review decision."""

    __tablename__ = "regulations"
    __table_args__ = (UniqueConstraint("created_by_id", "client_id"),
                      Index("ix_regulations_center", "center_id", "seq", "id"))

    seq: Mapped[int]  # 序号 (the next after the center's last when not given)
    title: Mapped[str] = mapped_column(String(200))  # 制度名称
    doc_number: Mapped[str | None] = mapped_column(String(100))  # 文号
    issued_on: Mapped[date | None]  # 发文日期
    remark: Mapped[str | None] = mapped_column(String(2000))
    decision: Mapped[ReviewDecision | None]  # 废 / 改 / 留 / 立
    decided_on: Mapped[date | None]


class ActionCampaign(TimestampMixin, Base):
    """A three-year action (e.g. 安全生产治本攻坚三年行动 2024-2026): its years and the day by
    which each center hands in each official table."""

    __tablename__ = "action_campaigns"
    __table_args__ = (UniqueConstraint("created_by_id", "client_id"),
                      Index("ix_action_campaigns_group", "group_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    title: Mapped[str] = mapped_column(String(200))
    first_year: Mapped[int]
    last_year: Mapped[int]
    table1_due_on: Mapped[date]
    table2_due_on: Mapped[date]
    table3_due_on: Mapped[date]
    notes: Mapped[str | None] = mapped_column(String(4000))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    client_id: Mapped[str | None] = mapped_column(String(36))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)


class TableSubmission(Base):
    """A center's official table handed in for an action campaign (one per center and table:
    the unique key decides between concurrent submits). ``late``: submitted after the table's
    due day (Asia/Shanghai), judged when it was submitted."""

    __tablename__ = "table_submissions"
    __table_args__ = (UniqueConstraint("action_campaign_id", "center_id", "table_key"),
                      Index("ix_table_submissions_center", "center_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    action_campaign_id: Mapped[int] = mapped_column(
        ForeignKey("action_campaigns.id", ondelete="CASCADE"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    table_key: Mapped[OfficialTable]
    submitted_at: Mapped[datetime]
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    late: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(1000))


class Training(CenterRecord, Base):
    """A training (安全培训) or drill (应急演练) a center held; photos and documents are its
    attachments."""

    __tablename__ = "trainings"
    __table_args__ = (UniqueConstraint("created_by_id", "client_id"),
                      Index("ix_trainings_center_held", "center_id", "held_on", "id"),
                      Index("ix_trainings_held", "held_on"))

    kind: Mapped[TrainingKind]
    held_on: Mapped[date]
    topic: Mapped[str] = mapped_column(String(200))
    participant_count: Mapped[int | None]
    participant_names: Mapped[list[str] | None] = mapped_column(JSON)
    duration_minutes: Mapped[int | None]
    location: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(String(4000))


class AccountabilityRecord(CenterRecord, Base):
    """通报表扬 / 通报批评 / 约谈 by 质监办: the center concerned (and the person, when one is
    named), why, when, the document's number, and the hazards and campaigns concerned."""

    __tablename__ = "accountability_records"
    __table_args__ = (UniqueConstraint("created_by_id", "client_id"),
                      Index("ix_accountability_records_center", "center_id", "issued_on", "id"))

    kind: Mapped[AccountabilityKind]
    person_name: Mapped[str | None] = mapped_column(String(100))
    person_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(4000))
    issued_on: Mapped[date]
    doc_number: Mapped[str | None] = mapped_column(String(100))
    hazard_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    campaign_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # 专项检查
    action_campaign_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # 三年行动


class RecordAttachment(Base):
    """A document (PDF, Word, Excel) or image attached to a record; the bytes are in the
    photos' storage under ``storage_key``. Deleted with its record."""

    __tablename__ = "record_attachments"
    __table_args__ = (Index("ix_record_attachments_record", "record_type", "record_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[RecordType]
    record_id: Mapped[int]
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    storage_key: Mapped[str] = mapped_column(String(80))
    name: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
