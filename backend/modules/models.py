from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.clock import utcnow
from backend.db import Base, TimestampMixin
from backend.vocab import Category, Grade, ItemKind, SiteCondition


class PatrolModule(TimestampMixin, Base):
    """A checklist template (巡检模块). Its content lives in immutable versions."""

    __tablename__ = "patrol_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    category: Mapped[Category] = mapped_column(index=True)
    is_active: Mapped[bool] = mapped_column(default=True)


class ModuleVersion(Base):
    """One immutable version of a module. Inspections keep the version they were run with."""

    __tablename__ = "module_versions"
    __table_args__ = (UniqueConstraint("module_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("patrol_modules.id"), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(500))
    standards: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the site kinds (点位类型) it applies to: the phone offers these modules first at such a site
    site_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    from_catalogue: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items: Mapped[list["ModuleItem"]] = relationship(
        lazy="raise", order_by="ModuleItem.position", cascade="all, delete-orphan"
    )


class ModuleItem(Base):
    __tablename__ = "module_items"
    __table_args__ = (UniqueConstraint("module_version_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_version_id: Mapped[int] = mapped_column(
        ForeignKey("module_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ItemKind]
    photo_required_on_fail: Mapped[bool]
    category: Mapped[Category]
    default_grade: Mapped[Grade]
    major_if_failed: Mapped[bool] = mapped_column(default=False)
    standard: Mapped[str | None] = mapped_column(String(200))
    min_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    max_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    unit: Mapped[str | None] = mapped_column(String(16))
    # {"height_m": 24, "min": 1.10}: from that building height up, these limits apply instead
    limits_from_height: Mapped[dict[str, float] | None] = mapped_column(JSON)
    only_if_site: Mapped[SiteCondition | None]  # asked only at sites with this attribute
    method: Mapped[str | None] = mapped_column(String(300))
    advice: Mapped[str | None] = mapped_column(String(300))
    rule: Mapped[str | None] = mapped_column(String(64))
    major_basis: Mapped[str | None] = mapped_column(String(200))
