from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.db import Base


class WebhookFormat(StrEnum):
    generic = "generic"  # the event as JSON, signed
    wecom = "wecom"  # 企业微信群机器人: {"msgtype": "markdown", "markdown": {"content"}}
    # 钉钉自定义机器人: {"msgtype": "markdown", "markdown": {"title", "text"}}
    dingtalk = "dingtalk"


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for its next attempt (or being sent: ``lease_token`` set)
    succeeded = "succeeded"
    failed = "failed"  # given up: no success within the retry window (24 h)


class AttemptOutcome(StrEnum):
    in_flight = "in_flight"
    succeeded = "succeeded"
    failed = "failed"
    lost = "lost"  # the worker sending it stopped; its lease expired and another took over


class WebhookSubscription(Base):
    """An admin's subscription: events of ``event_types`` (exact, ``hazard.*`` or ``*``) of
    the group, of ``center_ids`` when given, POSTed to ``url`` in ``format``. Only events after
    ``since_event_id`` (the head when it was created) are delivered: a new subscription gets no
    history, even while the worker is behind."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(2000))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    center_ids: Mapped[list[int] | None] = mapped_column(JSON)
    format: Mapped[WebhookFormat]
    # the HMAC key of X-AnXun-Signature (and of a DingTalk signed URL): kept as given, since
    # every send needs it; shown once, never in an answer again
    secret: Mapped[str] = mapped_column(String(200))
    dingtalk_sign: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    since_event_id: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event for one subscription: its body is rendered once (every retry sends the same
    bytes under the same ``delivery_id``). Due when ``status`` is pending and
    ``next_attempt_at`` has come; a worker sending it holds a lease (``lease_token``) and moves
    ``next_attempt_at`` to the lease's expiry, so a worker that dies mid-send leaves it due
    again once the lease runs out."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_seq"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_log", "subscription_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[str] = mapped_column(String(36), unique=True)  # X-AnXun-Delivery
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_seq: Mapped[int]  # the event's id (no foreign key: events may be pruned one day)
    event_type: Mapped[str] = mapped_column(String(48))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[DeliveryStatus] = mapped_column(default=DeliveryStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    give_up_at: Mapped[datetime]
    lease_token: Mapped[str | None] = mapped_column(String(36))
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class WebhookAttempt(Base):
    """The delivery log: one row per attempt, written when it starts (``in_flight``) and
    completed when it ends."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (UniqueConstraint("delivery_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"))
    number: Mapped[int]
    outcome: Mapped[AttemptOutcome] = mapped_column(default=AttemptOutcome.in_flight)
    started_at: Mapped[datetime]
    duration_ms: Mapped[int | None]
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
