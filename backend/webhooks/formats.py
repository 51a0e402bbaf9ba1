"""What a delivery's body is, per subscription format, rendered once when the event is fanned
out (every retry sends the same bytes):

- ``generic``: the event as JSON (``{"delivery_id", "subscription_id", "event": {...}}``);
- ``wecom``: a 企业微信群机器人 message, ``{"msgtype": "markdown", "markdown": {"content"}}``;
- ``dingtalk``: a 钉钉自定义机器人 message, ``{"msgtype": "markdown", "markdown": {"title",
  "text"}}``. The title begins with 安巡, so a robot guarded by the keyword 安巡 accepts it.

The robots' messages are Chinese, as the group reads them: what happened, the object (a
hazard's title, grade, site and status change), the center, the time in Asia/Shanghai and, when
``public_url`` is set, a link to the hazard."""

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.clock import SHANGHAI
from backend.events.models import DomainEvent
from backend.hazards.models import Hazard
from backend.org.models import Center, Site
from backend.vocab import Grade, label
from backend.webhooks.catalogue import label as event_label
from backend.webhooks.models import WebhookFormat, WebhookSubscription

TEST_EVENT, TEST_LABEL = "webhook.test", "测试消息"
STATUS_LABELS = {"reported": "待指派", "assigned": "整改中", "submitted": "待验收",
                 "closed": "已闭环", "cancelled": "已撤销"}
WECOM_MAX_BYTES = 4096  # the robot refuses a longer markdown content
TEXT_MAX = 100  # a title or name in a message, at most (characters)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def event_json(event: DomainEvent) -> dict[str, Any]:
    return {"id": event.id, "event_id": event.event_id, "type": event.type,
            "label": event_label(event.type), "at": event.at.isoformat(),
            "group_id": event.group_id, "center_id": event.center_id,
            "object_type": event.object_type, "object_id": event.object_id,
            "actor_id": event.actor_id, "data": event.data}


def generic_body(event: DomainEvent, delivery_id: str, subscription_id: int) -> str:
    return dumps({"delivery_id": delivery_id, "subscription_id": subscription_id,
                  "event": event_json(event)})


def _short(text: str | None) -> str:
    text = (text or "").replace("\n", " ").strip()
    return text if len(text) <= TEXT_MAX else text[:TEXT_MAX - 1] + "…"


@dataclass
class Lookups:
    """Names looked up for one fan-out batch (a center or hazard once per batch)."""

    session: Session
    public_url: str | None
    centers: dict[int, str] = field(default_factory=dict)
    sites: dict[int, str] = field(default_factory=dict)

    def center(self, center_id: int | None) -> str | None:
        if center_id is None:
            return None
        if center_id not in self.centers:
            center = self.session.get(Center, center_id)
            self.centers[center_id] = center.name if center else f"#{center_id}"
        return self.centers[center_id]

    def site(self, site_id: int) -> str:
        if site_id not in self.sites:
            site = self.session.get(Site, site_id)
            self.sites[site_id] = site.name if site else f"#{site_id}"
        return self.sites[site_id]


def _facts(event: DomainEvent, names: Lookups) -> list[tuple[str, str]]:
    """The message's lines: (label, value)."""
    lines: list[tuple[str, str]] = []
    hazard = names.session.get(Hazard, event.object_id) if event.object_type == "hazard" \
        else None
    if hazard is not None:
        grade = label(Grade(event.data.get("grade") or hazard.grade))
        lines.append(("隐患", f"**{_short(hazard.title)}**（{grade}）"))
        lines.append(("点位", _short(names.site(hazard.site_id))))
    else:
        lines.append(("对象", f"{event.object_type} #{event.object_id}"))
    center = names.center(event.center_id)
    if center:
        lines.append(("中心", _short(center)))
    before, after = str(event.data.get("from_status") or ""), str(event.data.get("to_status") or "")
    if after and before != after:
        lines.append(("状态", f"{STATUS_LABELS.get(before, before or '—')} → "
                              f"{STATUS_LABELS.get(after, after)}"))
    if "days_overdue" in event.data:
        lines.append(("逾期", f"{event.data['days_overdue']} 天"))
    lines.append(("时间", event.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")))
    return lines


def _link(event: DomainEvent, names: Lookups) -> str | None:
    if not names.public_url or event.object_type != "hazard":
        return None
    return f"{names.public_url.rstrip('/')}/hazards/{event.object_id}"


def robot_body(fmt: WebhookFormat, event: DomainEvent, names: Lookups) -> str:
    """The WeCom or DingTalk markdown message of ``event``."""
    return _robot_message(fmt, event_label(event.type), _facts(event, names),
                          _link(event, names))


def _robot_message(fmt: WebhookFormat, what: str, facts: list[tuple[str, str]],
                   link: str | None) -> str:
    title = f"【安巡】{what}"
    lines = [f"### {title}", *(f"> {name}：{value}" for name, value in facts)]
    if link:
        lines.append(f"[查看详情]({link})")
    if fmt is WebhookFormat.wecom:
        content = "\n".join(lines)
        while len(content.encode()) > WECOM_MAX_BYTES:  # only ever a pathological title
            content = content[:-100]
        return dumps({"msgtype": "markdown", "markdown": {"content": content}})
    # DingTalk's markdown breaks a line only at an empty line
    return dumps({"msgtype": "markdown",
                  "markdown": {"title": title, "text": "\n\n".join(lines)}})


def test_body(fmt: WebhookFormat, delivery_id: str, subscription: WebhookSubscription,
              sender: User, at: datetime) -> str:
    """A test message (``webhook.test``, sent when an admin asks): the shape of an event's
    body, so a receiver's whole path (signature, parsing, the robot's keyword) is tried."""
    if fmt is WebhookFormat.generic:
        return dumps({"delivery_id": delivery_id, "subscription_id": subscription.id,
                      "test": True, "event": {
                          "id": 0, "event_id": delivery_id, "type": TEST_EVENT,
                          "label": TEST_LABEL, "at": at.isoformat(),
                          "group_id": subscription.group_id, "center_id": None,
                          "object_type": "webhook_subscription", "object_id": subscription.id,
                          "actor_id": sender.id, "data": {}}})
    return _robot_message(fmt, TEST_LABEL, [
        ("订阅", _short(subscription.name)), ("发送人", _short(sender.display_name)),
        ("时间", at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")),
        ("说明", "收到此消息说明安巡可以向本群推送事件")], None)


def render(fmt: WebhookFormat, event: DomainEvent, delivery_id: str, subscription_id: int,
           names: Lookups, cache: dict[tuple[int, WebhookFormat], str]) -> str:
    """The body of ``event`` for a subscription; robot messages are the same for every
    subscription of a format, so rendered once per event (``cache``)."""
    if fmt is WebhookFormat.generic:
        return generic_body(event, delivery_id, subscription_id)
    key = (event.id, fmt)
    if key not in cache:
        cache[key] = robot_body(fmt, event, names)
    return cache[key]
