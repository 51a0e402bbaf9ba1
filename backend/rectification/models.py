from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, TimestampMixin


class RectificationCategory(StrEnum):
    """本质基础隐患 (附表3 备注 1): what a plan entry that needs no hazard fixes."""

    building_repair = "building_repair"  # 房屋维修
    equipment_renewal = "equipment_renewal"  # 设施设备改造或更新
    informatisation = "informatisation"  # 信息化建设
    other = "other"


class RectificationEntry(TimestampMixin, Base):
    """A row of a center's 附表3 (风险隐患整改计划表): a linked hazard's rectification, or a
    stand-alone 本质基础隐患 with its ``category``. Its deadlines and costs are per campaign
    year (:class:`RectificationYear`); 序号 is the entry's place in its center's table."""

    __tablename__ = "rectification_entries"
    __table_args__ = (UniqueConstraint("created_by_id", "client_id"),
                      UniqueConstraint("hazard_id"),  # a hazard is planned once
                      Index("ix_rectification_entries_center", "center_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id"))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"))
    client_id: Mapped[str | None] = mapped_column(String(36))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))  # 名称(含校区、地点)
    description: Mapped[str] = mapped_column(String(2000))  # 隐患描述
    measures: Mapped[str] = mapped_column(String(2000))  # 整改措施
    category: Mapped[RectificationCategory | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)


class RectificationYear(Base):
    """An entry's deadline (a month range, e.g. 7-8 月) and cost (万元) in one year."""

    __tablename__ = "rectification_years"
    __table_args__ = (
        UniqueConstraint("entry_id", "year"),
        CheckConstraint("(from_month IS NULL AND to_month IS NULL) OR "
                        "(from_month BETWEEN 1 AND 12 AND to_month BETWEEN from_month AND 12)",
                        name="month_range"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_entries.id", ondelete="CASCADE"))
    year: Mapped[int]
    from_month: Mapped[int | None]
    to_month: Mapped[int | None]
    cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 万元
