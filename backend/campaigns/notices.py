"""What campaigns tell people: ``campaign_dispatched`` and ``campaign_cancelled`` to a target
center's managers and inspectors (from the ``campaign.dispatched``/``campaign.cancelled``
events, through the notifications consumer), and
``receipt_due`` to its managers while its 回执 is pending: once when the due day is
``receipt_reminder_days`` away, then every day it is late for ``rules.LATE_REMINDER_DAYS`` days
(a scheduler step; each reminder's key names the campaign, the center and the day, so a second
pass writes nothing)."""

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.campaigns import rules
from backend.campaigns.models import Campaign, CampaignCenter, CampaignStatus, ReceiptStatus
from backend.clock import month_day
from backend.config import Settings
from backend.events.models import DomainEvent
from backend.notifications.consumer import HANDLERS
from backend.notifications.models import NotificationKind as Kind
from backend.notifications.service import Addressed, Notice, deliver, holders_of
from backend.vocab import Role
from backend.workshare import SessionFactory

KIND_NAMES = {"special": "专项检查", "holiday": "节假日检查"}


def _dispatched(session: Session, event: DomainEvent) -> list[Addressed]:
    campaign = session.get(Campaign, event.object_id)
    if campaign is None or campaign.status is not CampaignStatus.dispatched \
            or event.center_id is None or event.group_id is None:
        return []  # cancelled before the consumer got to it: nothing to do any more
    people = [p.id for role in (Role.center_manager, Role.inspector)
              for p in holders_of(session, role, group_id=event.group_id,
                                  center_id=event.center_id)]
    body = (f"质监办下发{KIND_NAMES[campaign.kind.value]}「{campaign.title}」："
            f"检查时间 {month_day(campaign.starts_on)}至{month_day(campaign.ends_on)}，"
            f"本中心 {event.data.get('tasks', 0)} 项检查任务；"
            f"请于 {month_day(campaign.receipt_due_on)}前提交回执。")
    notice = Notice(Kind.campaign_dispatched, "campaign", campaign.id, "新的检查任务", body,
                    f"campaign_dispatched:event:{event.id}")
    return [(notice, people)]


HANDLERS["campaign.dispatched"] = _dispatched


def _cancelled(session: Session, event: DomainEvent) -> list[Addressed]:
    """The target centers' managers and inspectors were told of the campaign and had its
    tasks in 今日任务: tell them it is off (the tasks are gone, no 回执 is owed)."""
    campaign = session.get(Campaign, event.object_id)
    if campaign is None or event.group_id is None:
        return []
    center_ids = session.scalars(select(CampaignCenter.center_id).where(
        CampaignCenter.campaign_id == campaign.id).order_by(CampaignCenter.center_id))
    people = sorted({p.id for center_id in center_ids
                     for role in (Role.center_manager, Role.inspector)
                     for p in holders_of(session, role, group_id=event.group_id,
                                         center_id=center_id)})
    body = (f"质监办已取消{KIND_NAMES[campaign.kind.value]}「{campaign.title}」"
            f"（原定 {month_day(campaign.starts_on)}至{month_day(campaign.ends_on)}）："
            f"{event.data.get('reason') or campaign.cancel_reason}。"
            "相关检查任务已撤下，无需提交回执。")
    notice = Notice(Kind.campaign_cancelled, "campaign", campaign.id, "检查任务已取消", body,
                    f"campaign_cancelled:event:{event.id}")
    return [(notice, people)]


HANDLERS["campaign.cancelled"] = _cancelled


def _reminder(campaign: Campaign, receipt: CampaignCenter, which: str, today: date) -> Notice:
    due = month_day(campaign.receipt_due_on)
    if which == "late":
        days = (today - campaign.receipt_due_on).days
        title, body = "回执已逾期", (f"「{campaign.title}」的回执已逾期 {days} 天"
                                     f"（截止 {due}），请尽快提交。")
        key = f"receipt_due:campaign:{campaign.id}:center:{receipt.center_id}:{today}"
    else:
        left = (campaign.receipt_due_on - today).days
        when = "今天截止" if left == 0 else f"{due}截止，还有 {left} 天"
        title, body = "回执即将截止", f"「{campaign.title}」的回执{when}，请按时提交。"
        key = f"receipt_due:campaign:{campaign.id}:center:{receipt.center_id}:soon"
    return Notice(Kind.receipt_due, "campaign", campaign.id, title, body, key)


def send_receipt_reminders(session_factory: SessionFactory, settings: Settings, today: date,
                           at: datetime) -> int:
    """Remind the managers of every center whose 回执 is pending and due soon or late; how
    many notifications were written."""
    first_due = date.fromordinal(today.toordinal() + settings.receipt_reminder_days)
    last_due = date.fromordinal(today.toordinal() - rules.LATE_REMINDER_DAYS)
    with session_factory() as session:
        pending = session.execute(
            select(Campaign, CampaignCenter).join(
                CampaignCenter, CampaignCenter.campaign_id == Campaign.id)
            .where(Campaign.status == CampaignStatus.dispatched,
                   CampaignCenter.status == ReceiptStatus.pending,
                   Campaign.receipt_due_on <= first_due,
                   Campaign.receipt_due_on >= last_due)
            .order_by(Campaign.id, CampaignCenter.center_id)).all()
        addressed: list[Addressed] = []
        for campaign, receipt in pending:
            which = rules.reminder_on(today, campaign.receipt_due_on,
                                      settings.receipt_reminder_days)
            if which is None:
                continue
            managers = holders_of(session, Role.center_manager, group_id=campaign.group_id,
                                  center_id=receipt.center_id)
            addressed.append((_reminder(campaign, receipt, which, today),
                              [m.id for m in managers]))
        return len(deliver(session, addressed, at))
