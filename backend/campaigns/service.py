"""Campaigns: dispatching one (its 回执 slots and its centers' tasks, in one transaction), who
reads which, cancelling, and each center's 回执.

Concurrency: a 回执 and a cancel of the same campaign are ordered by the campaign's row (the
receipt reads it ``FOR SHARE``, the cancel's conditional UPDATE locks it), so a receipt never
lands on a campaign already cancelled; two receipts for one center race on the receipt's
conditional UPDATE (``status = 'pending'``), so exactly one is stored."""

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from backend import clock, events, idempotency
from backend.accounts.models import User, UserRole
from backend.audit.service import record
from backend.campaigns import rules
from backend.campaigns.errors import (
    CampaignCancelled,
    CampaignNotFound,
    CampaignTargetInvalid,
    CampaignWindowInvalid,
    ReceiptAlreadySubmitted,
    ReceiptForbidden,
)
from backend.campaigns.models import Campaign, CampaignCenter, CampaignStatus, ReceiptStatus
from backend.campaigns.schemas import CampaignIn, ReceiptIn
from backend.dedupe import insert_or_skip
from backend.errors import NotFound, Unprocessable
from backend.etag import PreconditionFailed, required_version
from backend.inspections.models import InspectionKind
from backend.jsonsafe import json_safe
from backend.modules.models import ModuleVersion, PatrolModule
from backend.org.models import Center, Site
from backend.org.service import CENTER_DATA_READERS, reads_whole_group, scoped_to_user
from backend.plans.models import PatrolTask, TaskState
from backend.statewrite import compare_and_set
from backend.vocab import CenterKind, Role

CAMPAIGN_TASK_KEY = ("campaign_id", "site_id", "module_id")
DISPATCHERS = (Role.qa_officer,)  # 质监办 dispatches and cancels campaigns, records 上级检查
RECEIPT_SUBMITTERS = (Role.center_manager,)  # a center's manager submits its 回执


def campaign_rights(user: User) -> dict[str, bool]:
    """What the user may do with campaigns, by the rules the routes apply (for GET /me)."""
    all_centers = reads_whole_group(user)
    return {"read": all_centers or user.center_id is not None, "all_centers": all_centers,
            "dispatch": user.has_role(*DISPATCHERS),
            "submit_receipt": user.has_role(*RECEIPT_SUBMITTERS) and user.center_id is not None}


def readable_receipts(user: User) -> Select[Any]:
    """The 回执 slots the user may read: the group's for 质监办 and leaders, else their
    center's."""
    return scoped_to_user(select(CampaignCenter), CampaignCenter.center_id, user,
                          CENTER_DATA_READERS)


def readable_campaigns(user: User) -> Select[Any]:
    """Campaigns with a target the user may read (so a center's users see those aimed at
    their center, and another center's campaign is a 404)."""
    targets = readable_receipts(user).with_only_columns(CampaignCenter.campaign_id)
    return select(Campaign).where(Campaign.group_id == user.group_id, Campaign.id.in_(targets))


def get_readable_campaign(session: Session, user: User, campaign_id: int) -> Campaign:
    campaign = session.scalar(readable_campaigns(user).where(Campaign.id == campaign_id)
                              .execution_options(populate_existing=True))
    if campaign is None:
        raise CampaignNotFound(details={"campaign_id": campaign_id})
    return campaign


def _module_kinds(session: Session, module_ids: list[int]) -> dict[int, list[str]]:
    """Each module's site kinds, from its latest version; 404/422 for a missing or inactive
    module."""
    modules = {m.id: m for m in session.scalars(
        select(PatrolModule).where(PatrolModule.id.in_(module_ids)))}
    missing = sorted(set(module_ids) - set(modules))
    if missing:
        raise NotFound("巡检模块不存在", code="module_not_found", details={"module_ids": missing})
    inactive = sorted(m.id for m in modules.values() if not m.is_active)
    if inactive:
        raise Unprocessable("该巡检模块已停用", code="module_inactive",
                            details={"module_ids": inactive})
    kinds: dict[int, list[str]] = {}
    for version in session.scalars(select(ModuleVersion).where(
            ModuleVersion.module_id.in_(module_ids)).order_by(ModuleVersion.version)):
        kinds[version.module_id] = list(version.site_kinds or [])  # the latest wins
    return kinds


def _target_centers(session: Session, user: User, center_ids: list[int] | None) -> list[Center]:
    centers = list(session.scalars(select(Center).where(
        Center.group_id == user.group_id, Center.is_active,
        Center.kind != CenterKind.quality_supervision).order_by(Center.id)))
    if not center_ids:
        return centers
    by_id = {c.id: c for c in centers}
    invalid = sorted(set(center_ids) - set(by_id))
    if invalid:
        raise CampaignTargetInvalid(details={"center_ids": invalid})
    return [by_id[i] for i in sorted(set(center_ids))]


def _inspectors(session: Session, center_ids: list[int]) -> dict[int, list[int]]:
    rows = session.execute(select(User.center_id, User.id).join(
        UserRole, UserRole.user_id == User.id).where(
        User.center_id.in_(center_ids), User.is_active, UserRole.role == Role.inspector)
        .order_by(User.id))
    by_center: dict[int, list[int]] = defaultdict(list)
    for center_id, user_id in rows:
        if center_id is not None:
            by_center[center_id].append(user_id)
    return by_center


def _write_tasks(session: Session, campaign: Campaign,
                 targets: list[tuple[rules.SiteFacts, int]], now: datetime) -> None:
    """A task per (site, module), for the site's center's active inspectors, over the
    campaign's window; ``due_on`` is its first day."""
    opens, closes = rules.window(campaign.starts_on, campaign.ends_on)
    inspectors = _inspectors(session, sorted({site.center_id for site, _ in targets}))
    insert_or_skip(session, PatrolTask, [
        {"plan_id": None, "campaign_id": campaign.id, "site_id": site.id,
         "center_id": site.center_id, "module_id": module_id,
         "kind": InspectionKind(campaign.kind.value), "due_on": campaign.starts_on,
         "window_start_at": opens, "window_end_at": closes,
         "assignee_ids": inspectors.get(site.center_id, []), "state": TaskState.due,
         "inspection_id": None, "done_at": None, "created_at": now, "updated_at": now}
        for site, module_id in targets], CAMPAIGN_TASK_KEY)


def _dispatch(session: Session, user: User, data: CampaignIn, request_hash: str) -> Campaign:
    field = rules.window_invalid_field(data.starts_on, data.ends_on, data.receipt_due_on,
                                       clock.today())
    if field is not None:
        raise CampaignWindowInvalid(details=json_safe({
            "field": field, "starts_on": data.starts_on, "ends_on": data.ends_on,
            "receipt_due_on": data.receipt_due_on, "today": clock.today()}))
    module_ids = sorted(set(data.module_ids))
    kinds = _module_kinds(session, module_ids)
    centers = _target_centers(session, user, data.center_ids)
    site_kinds = None if data.site_kinds is None else sorted({k.value for k in data.site_kinds})
    sites = [rules.SiteFacts(s.id, s.center_id, s.kind.value, s.is_active) for s in
             session.scalars(select(Site).where(Site.center_id.in_([c.id for c in centers]))
                             .order_by(Site.id))]
    targets = rules.task_targets(sites, kinds, site_kinds)
    if not data.center_ids:  # the whole group: the centers with something to check
        busy = {site.center_id for site, _ in targets}
        centers = [c for c in centers if c.id in busy]
    if not centers:
        raise CampaignTargetInvalid(details={"reason": "no center has an applicable site"})
    now = clock.utcnow()
    campaign = Campaign(group_id=user.group_id, client_id=data.client_id,
                        request_hash=request_hash, title=data.title, kind=data.kind,
                        module_ids=module_ids, site_kinds=site_kinds, starts_on=data.starts_on,
                        ends_on=data.ends_on, receipt_due_on=data.receipt_due_on,
                        notes=data.notes or None, status=CampaignStatus.dispatched,
                        created_by_id=user.id, dispatched_at=now)
    session.add(campaign)
    session.flush()
    session.add_all(CampaignCenter(campaign_id=campaign.id, center_id=c.id) for c in centers)
    targets = [(site, m) for site, m in targets if site.center_id in {c.id for c in centers}]
    _write_tasks(session, campaign, targets, now)
    per_center = Counter(site.center_id for site, _ in targets)
    for center in centers:
        events.emit(session, "campaign.dispatched", object_type="campaign",
                    object_id=campaign.id, center_id=center.id, group_id=user.group_id,
                    actor_id=user.id, data={
                        "title": campaign.title, "kind": campaign.kind,
                        "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
                        "receipt_due_on": campaign.receipt_due_on,
                        "tasks": per_center[center.id]})
    record(session, actor=user, action="campaign.dispatch", object_type="campaign",
           object_id=campaign.id, summary={"after": json_safe({
               "title": campaign.title, "kind": campaign.kind, "module_ids": module_ids,
               "center_ids": [c.id for c in centers], "site_kinds": site_kinds,
               "starts_on": campaign.starts_on, "ends_on": campaign.ends_on,
               "receipt_due_on": campaign.receipt_due_on, "tasks": len(targets)})})
    return campaign


def dispatch(session: Session, user: User, data: CampaignIn) -> tuple[Campaign, bool]:
    """Create and dispatch a campaign; a retry with the same ``client_id`` returns the first
    (``created`` False)."""
    request_hash = idempotency.fingerprint(data.model_dump(exclude={"client_id"},
                                                           exclude_defaults=True))

    def find() -> Campaign | None:
        if data.client_id is None:
            return None
        return session.scalar(select(Campaign).where(Campaign.created_by_id == user.id,
                                                     Campaign.client_id == data.client_id))

    return idempotency.create_once(session, find,
                                   lambda: _dispatch(session, user, data, request_hash),
                                   lambda first: first.request_hash == request_hash)


def cancel(session: Session, user: User, campaign_id: int, reason: str) -> Campaign:
    """Cancel a dispatched campaign: its open tasks become ``cancelled`` (no longer due, never
    missed); done and missed ones stay as they were; pending 回执 are owed no more."""
    campaign = get_readable_campaign(session, user, campaign_id)
    now = clock.utcnow()
    if not compare_and_set(session, campaign, {"status": CampaignStatus.dispatched},
                           {"status": CampaignStatus.cancelled, "cancelled_at": now,
                            "cancel_reason": reason, "updated_at": now}):
        raise CampaignCancelled(details={"campaign_id": campaign_id})
    closed = session.execute(
        update(PatrolTask).where(PatrolTask.campaign_id == campaign.id,
                                 PatrolTask.state == TaskState.due)
        .values(state=TaskState.cancelled, updated_at=now)
        .execution_options(synchronize_session=False))
    tasks_cancelled = getattr(closed, "rowcount", 0)
    events.emit(session, "campaign.cancelled", object_type="campaign", object_id=campaign.id,
                center_id=None, group_id=campaign.group_id, actor_id=user.id,
                data={"reason": reason, "tasks_cancelled": tasks_cancelled})
    record(session, actor=user, action="campaign.cancel", object_type="campaign",
           object_id=campaign.id, summary={"before": {"status": CampaignStatus.dispatched},
                                           "after": {"status": campaign.status,
                                                     "reason": reason,
                                                     "tasks_cancelled": tasks_cancelled}})
    return campaign


def _own_receipt(session: Session, user: User, campaign: Campaign) -> CampaignCenter:
    receipt = None
    if campaign_rights(user)["submit_receipt"]:
        receipt = session.scalar(select(CampaignCenter).where(
            CampaignCenter.campaign_id == campaign.id,
            CampaignCenter.center_id == user.center_id)
            .execution_options(populate_existing=True))
    if receipt is None:
        raise ReceiptForbidden(details={"required_roles": [r.value for r in RECEIPT_SUBMITTERS]})
    return receipt


def submit_receipt(session: Session, user: User, campaign_id: int, data: ReceiptIn,
                   if_match: frozenset[int] | None,
                   idempotency_key: str | None = None) -> tuple[Campaign, CampaignCenter]:
    """A target center's manager submits its 回执 once; a correction names the version it
    corrects (``If-Match``): without it a second receipt is 409, with a stale one 412. With an
    ``idempotency_key``, a retry of a receipt already stored returns it as it is now."""
    campaign = get_readable_campaign(session, user, campaign_id)
    receipt = _own_receipt(session, user, campaign)
    if idempotency.claim(session, actor_id=user.id, key=idempotency_key,
                         scope="campaign.receipt", object_id=receipt.id,
                         request=data.model_dump(exclude_defaults=True)):
        session.refresh(receipt)  # the claim may have waited for the first attempt
        return campaign, receipt
    locked = session.scalar(select(Campaign.status).where(Campaign.id == campaign.id)
                            .with_for_update(read=True))
    if locked is not CampaignStatus.dispatched:
        raise CampaignCancelled(details={"campaign_id": campaign.id})
    now = clock.utcnow()
    values: dict[str, Any] = {"done": data.done, "findings_count": data.findings_count,
                              "note": data.note or None, "updated_at": now}
    correcting = receipt.status is ReceiptStatus.submitted
    if correcting and if_match is None:
        raise ReceiptAlreadySubmitted(details={"version": receipt.version})
    required = required_version(if_match, receipt.version)
    if correcting:
        values["corrected_at"] = now
    else:
        values.update(status=ReceiptStatus.submitted, submitted_by_id=user.id, submitted_at=now)
    before = {"status": receipt.status, "done": receipt.done,
              "findings_count": receipt.findings_count}
    if not compare_and_set(session, receipt, {"status": receipt.status,
                                              "version": required or receipt.version}, values):
        if required is not None:
            raise PreconditionFailed(details={"version": receipt.version})
        raise ReceiptAlreadySubmitted()
    facts = {"center_id": receipt.center_id, "done": receipt.done,
             "findings_count": receipt.findings_count, "corrected": correcting,
             "late": rules.is_late(campaign.receipt_due_on, receipt.submitted_at, now, False)}
    events.emit(session, "campaign.receipt_submitted", object_type="campaign",
                object_id=campaign.id, center_id=receipt.center_id, group_id=campaign.group_id,
                actor_id=user.id, data=facts)
    record(session, actor=user, action="campaign.receipt", object_type="campaign",
           object_id=campaign.id, summary={"before": before, "after": facts})
    return campaign, receipt


def task_counts(session: Session, campaign_ids: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """(campaign, center) → tasks per state."""
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for campaign_id, center_id, state, n in session.execute(
            select(PatrolTask.campaign_id, PatrolTask.center_id, PatrolTask.state, func.count())
            .where(PatrolTask.campaign_id.in_(campaign_ids))
            .group_by(PatrolTask.campaign_id, PatrolTask.center_id, PatrolTask.state)):
        if campaign_id is not None:
            counts[campaign_id, center_id][state.value] += n
    return counts


def receipts_of(session: Session, user: User, campaign_ids: list[int]) -> dict[int, list[Any]]:
    """Each campaign's readable 回执 slots with their center's name, by center id."""
    rows = session.execute(readable_receipts(user).add_columns(Center.name).where(
        CampaignCenter.campaign_id.in_(campaign_ids)).order_by(CampaignCenter.center_id))
    by_campaign: dict[int, list[Any]] = defaultdict(list)
    for receipt, name in rows:
        by_campaign[receipt.campaign_id].append((receipt, name))
    return by_campaign


def late(campaign: Campaign, receipt: CampaignCenter, now: datetime) -> bool:
    return rules.is_late(campaign.receipt_due_on, receipt.submitted_at, now,
                         campaign.status is CampaignStatus.cancelled)
