"""Webhook subscriptions (the group's admins keep them) and their delivery log. Every change is
audited (never the secret); a subscription of another group answers 404."""

import secrets
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend import audit, clock
from backend.accounts.models import User
from backend.config import Settings
from backend.errors import Unprocessable
from backend.events.catalogue import FAMILIES
from backend.events.models import EventHead
from backend.events.service import HEAD_ID
from backend.org.models import Center
from backend.webhooks import catalogue, formats, targets
from backend.webhooks.delivery import Backoff
from backend.webhooks.errors import (
    WebhookDeliveryInFlight,
    WebhookDeliveryNotFound,
    WebhookEventTypesUnknown,
    WebhookNotFound,
    WebhookPaused,
    WebhookUrlRefused,
)
from backend.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookFormat,
    WebhookSubscription,
)
from backend.webhooks.schemas import SubscriptionIn, SubscriptionPatchIn

SECRET_PREFIX = "whsec_"


def _check(session: Session, settings: Settings, user: User, values: dict[str, Any]) -> None:
    if "url" in values:
        try:
            targets.check_url(values["url"], settings.webhook_allow_private_targets)
        except targets.TargetRefused as exc:
            raise WebhookUrlRefused(details={"reason": exc.reason,
                                             "address": exc.address}) from exc
    if "event_types" in values:
        unknown = catalogue.unknown_patterns(values["event_types"])
        if unknown:
            raise WebhookEventTypesUnknown(details={"unknown": unknown,
                                                    "families": sorted(FAMILIES)})
        values["event_types"] = sorted(set(values["event_types"]))
    if values.get("center_ids") is not None:
        wanted = sorted(set(values["center_ids"]))
        found = set(session.scalars(select(Center.id).where(Center.id.in_(wanted),
                                                            Center.group_id == user.group_id)))
        missing = [c for c in wanted if c not in found]
        if missing:
            raise Unprocessable("中心不存在", code="unknown_center",
                                details={"center_ids": missing})
        values["center_ids"] = wanted


def _summary(sub: WebhookSubscription) -> dict[str, Any]:
    """What the audit log keeps: the URL without its query (a robot's key is there)."""
    parts = urlsplit(sub.url)
    return {"name": sub.name, "url": f"{parts.scheme}://{parts.netloc}{parts.path}",
            "event_types": sub.event_types, "center_ids": sub.center_ids,
            "format": sub.format, "enabled": sub.enabled}


def readable(user: User) -> Select[WebhookSubscription]:
    return select(WebhookSubscription).where(WebhookSubscription.group_id == user.group_id)


def get(session: Session, user: User, subscription_id: int) -> WebhookSubscription:
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None or sub.group_id != user.group_id:
        raise WebhookNotFound(details={"id": subscription_id})
    return sub


def create(session: Session, settings: Settings, user: User,
           body: SubscriptionIn) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (generated unless given); it receives the events
    committed after it."""
    values = body.model_dump()
    _check(session, settings, user, values)
    secret = values.pop("secret") or SECRET_PREFIX + secrets.token_urlsafe(32)
    head = session.scalar(select(EventHead.last_id).where(EventHead.id == HEAD_ID)) or 0
    now = clock.utcnow()
    sub = WebhookSubscription(**values, secret=secret, group_id=user.group_id,
                              since_event_id=head, created_by=user.id, created_at=now,
                              updated_at=now)
    session.add(sub)
    session.flush()
    audit.record(session, actor=user, action="webhook.create",
                 object_type="webhook_subscription", object_id=sub.id,
                 summary={"after": _summary(sub)})
    return sub, secret


def update(session: Session, settings: Settings, user: User, subscription_id: int,
           patch: SubscriptionPatchIn) -> WebhookSubscription:
    sub = get(session, user, subscription_id)
    values = patch.model_dump(exclude_unset=True)
    _check(session, settings, user, values)
    fmt = values.get("format", sub.format)
    if values.get("dingtalk_sign") and fmt is not WebhookFormat.dingtalk:
        raise Unprocessable("只有钉钉格式可以加签", details={"dingtalk_sign": True,
                                                          "format": fmt})
    if sub.dingtalk_sign and fmt is not WebhookFormat.dingtalk:
        values["dingtalk_sign"] = False  # leaving DingTalk leaves its URL signing
    before = _summary(sub)
    for name, value in values.items():
        setattr(sub, name, value)
    sub.updated_at = clock.utcnow()
    audit.record(session, actor=user, action="webhook.update",
                 object_type="webhook_subscription", object_id=sub.id,
                 summary={"before": before, "after": _summary(sub),
                          "secret_changed": "secret" in values})
    return sub


def delete(session: Session, user: User, subscription_id: int) -> None:
    """The subscription goes with its deliveries and their log."""
    sub = get(session, user, subscription_id)
    audit.record(session, actor=user, action="webhook.delete",
                 object_type="webhook_subscription", object_id=sub.id,
                 summary={"before": _summary(sub)})
    session.delete(sub)
    session.flush()


def deliveries(session: Session, user: User, subscription_id: int,
               status: DeliveryStatus | None) -> Select[WebhookDelivery]:
    get(session, user, subscription_id)
    stmt = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    return stmt if status is None else stmt.where(WebhookDelivery.status == status)


def get_delivery(session: Session, user: User, subscription_id: int,
                 delivery_id: str) -> WebhookDelivery:
    get(session, user, subscription_id)
    row = session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription_id,
        WebhookDelivery.delivery_id == delivery_id.lower()))
    if row is None:
        raise WebhookDeliveryNotFound(details={"delivery_id": delivery_id})
    return row


def in_flight(row: WebhookDelivery, now: datetime) -> bool:
    return row.status is DeliveryStatus.pending and row.lease_token is not None and \
        row.next_attempt_at > now


def attempt_log(session: Session, row: WebhookDelivery) -> list[WebhookAttempt]:
    return list(session.scalars(select(WebhookAttempt).where(
        WebhookAttempt.delivery_id == row.id).order_by(WebhookAttempt.number)))


def resend(session: Session, settings: Settings, user: User, subscription_id: int,
           delivery_id: str) -> WebhookDelivery:
    """Send a delivery again, now, under the same id and body (a receiver that kept the id
    knows it is the one it had), with a new retry window; one being sent is 409."""
    row = session.scalar(select(WebhookDelivery).where(
        WebhookDelivery.id == get_delivery(session, user, subscription_id, delivery_id).id)
        .with_for_update().execution_options(populate_existing=True))
    assert row is not None
    now = clock.utcnow()
    if in_flight(row, now):
        raise WebhookDeliveryInFlight(details={"delivery_id": row.delivery_id})
    row.status, row.next_attempt_at = DeliveryStatus.pending, now
    row.give_up_at = now + Backoff.from_settings(settings).window
    audit.record(session, actor=user, action="webhook.resend",
                 object_type="webhook_delivery", object_id=row.delivery_id,
                 summary={"subscription_id": subscription_id, "event_seq": row.event_seq,
                          "attempts": row.attempts})
    return row



def send_test(session: Session, settings: Settings, user: User,
              subscription_id: int) -> WebhookDelivery:
    """A test message for the subscription, due now: sent by the worker like any delivery
    (signed, retried, in the log), numbered -1, -2, ... among its deliveries (no event has
    such a number). A paused subscription sends nothing: 409."""
    sub = session.scalar(select(WebhookSubscription).where(
        WebhookSubscription.id == get(session, user, subscription_id).id)
        .with_for_update().execution_options(populate_existing=True))  # numbers tests in turn
    assert sub is not None
    if not sub.enabled:
        raise WebhookPaused(details={"subscription_id": sub.id})
    lowest = session.scalar(select(func.min(WebhookDelivery.event_seq)).where(
        WebhookDelivery.subscription_id == sub.id, WebhookDelivery.event_seq < 0))
    now = clock.utcnow()
    delivery_id = str(uuid.uuid4())
    row = WebhookDelivery(
        delivery_id=delivery_id, subscription_id=sub.id, event_seq=min(lowest or 0, 0) - 1,
        event_type=formats.TEST_EVENT,
        body=formats.test_body(sub.format, delivery_id, sub, user, now),
        status=DeliveryStatus.pending, attempts=0, next_attempt_at=now,
        give_up_at=now + Backoff.from_settings(settings).window, created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor=user, action="webhook.test",
                 object_type="webhook_delivery", object_id=delivery_id,
                 summary={"subscription_id": sub.id})
    return row
