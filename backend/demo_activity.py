"""The demo's work under way, so that a first look shows the flows: 质监办's running
冬季消防安全专项检查 (the catering center's 回执 in), last month's 燃气安全专项检查 (the energy
center's 回执 never came: late), and a major hazard under 挂牌督办 with its 治理方案 and 停用/封控.

Everything goes through the services as the people would have done it, at the times they would
have (the clock set back for each step), so events, audit entries and notifications are the
real ones. Idempotent: a campaign is found by its title, the hazard by its client id."""

import io
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.campaigns import service as campaigns
from backend.campaigns.models import Campaign, CampaignKind
from backend.campaigns.schemas import CampaignIn, ReceiptIn
from backend.config import Settings
from backend.hazards import service as hazards
from backend.hazards.bodies import AssignIn, GovernancePlanIn, HazardCreateIn, SuperviseIn
from backend.hazards.models import Hazard
from backend.hazards.workflow import Action
from backend.modules.models import PatrolModule
from backend.org.models import Center, Site
from backend.photos import service as photos
from backend.photos.processing import process_image
from backend.vocab import Category, Grade, SiteKind

MAJOR_TITLE = "第二食堂燃气表房燃气管道锈蚀渗漏"
_NS = uuid.UUID("6f1d6a0e-3c55-4c1e-9a57-6b8f0e0d2a11")


@dataclass(frozen=True)
class Receipt:
    center: str
    manager: str
    days_after_start: int
    findings: int
    note: str


@dataclass(frozen=True)
class DemoCampaign:
    title: str
    modules: tuple[str, ...]
    centers: tuple[str, ...]
    site_kinds: tuple[SiteKind, ...]
    started_days_ago: int
    length_days: int
    receipt_after_end_days: int
    notes: str
    receipts: tuple[Receipt, ...]


CAMPAIGNS = (
    DemoCampaign(
        "冬季消防安全专项检查", ("fire-extinguisher", "fire-evacuation"),
        ("catering", "property", "energy"),
        (SiteKind.canteen, SiteKind.dormitory, SiteKind.power_room, SiteKind.boiler_room),
        started_days_ago=5, length_days=15, receipt_after_end_days=1,
        notes="入冬用火用电增多：重点检查后厨、学生公寓、配电房和锅炉房的灭火器、疏散通道与应急照明。",
        receipts=(Receipt("catering", "canteen_manager", 3, 2,
                          "4 个后厨全部检查完毕，发现灭火器过期 1 处、疏散通道堆物 1 处，"
                          "已上报整改。"),)),
    DemoCampaign(
        "第四季度燃气安全专项检查", ("gas-canteen", "gas-network"), ("catering", "energy"),
        (), started_days_ago=30, length_days=10, receipt_after_end_days=3,
        notes="检查食堂用气场所与燃气管网、调压站，报警器须逐台测试。",
        receipts=(Receipt("catering", "canteen_manager", 11, 0,
                          "食堂用气场所均已检查，未发现隐患。"),)),
)


def _at(day: date, hour: int) -> datetime:
    return clock.day_start(day) + timedelta(hours=hour)


def _users(session: Session, group_id: int) -> dict[str, User]:
    return {u.username: u for u in session.scalars(select(User).where(User.group_id == group_id))}


def _campaign(session: Session, group_id: int, people: dict[str, User], spec: DemoCampaign,
              today: date) -> bool:
    if session.scalar(select(Campaign.id).where(Campaign.group_id == group_id,
                                                Campaign.title == spec.title)):
        return False
    starts = today - timedelta(days=spec.started_days_ago)
    ends = starts + timedelta(days=spec.length_days - 1)
    modules = list(session.scalars(select(PatrolModule.id)
                                   .where(PatrolModule.code.in_(spec.modules))))
    centers = dict(session.execute(select(Center.code, Center.id)
                                   .where(Center.group_id == group_id)).tuples().all())
    data = CampaignIn(title=spec.title, kind=CampaignKind.special, module_ids=modules,
                      center_ids=[centers[c] for c in spec.centers],
                      site_kinds=list(spec.site_kinds) or None, starts_on=starts, ends_on=ends,
                      receipt_due_on=ends + timedelta(days=spec.receipt_after_end_days),
                      notes=spec.notes)
    with clock.frozen(_at(starts, 9) - timedelta(days=1)):  # dispatched the day before
        campaign, _ = campaigns.dispatch(session, people["qa"], data)
    for r in spec.receipts:
        with clock.frozen(_at(starts + timedelta(days=r.days_after_start), 17)):
            campaigns.submit_receipt(session, people[r.manager], campaign.id, ReceiptIn(
                done=True, findings_count=r.findings, note=r.note), if_match=None)
    return True


def _photo_jpeg() -> bytes:
    """A drawn stand-in for the inspector's photo: a yellow gas pipe on a wall, rusted."""
    img = Image.new("RGB", (1280, 960), (188, 184, 172))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 700, 1280, 960), fill=(120, 116, 108))
    draw.rectangle((0, 380, 1280, 460), fill=(226, 182, 38))
    draw.rectangle((560, 300, 640, 700), fill=(226, 182, 38))
    for x, y, r in ((600, 420, 70), (660, 440, 40), (540, 400, 30)):
        draw.ellipse((x - r, y - r // 2, x + r, y + r // 2), fill=(132, 72, 34))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _photo(session: Session, settings: Settings, user: User, site: Site) -> int:
    fields = photos.UploadFields(client_id=str(uuid.uuid5(_NS, "major-photo")), site_id=site.id)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "gas-pipe.jpg"
        source.write_bytes(_photo_jpeg())
        processed = process_image(str(source), settings.upload_max_pixels,
                                  photos.watermark_for(settings, user, site.name, fields))
        try:
            key = uuid.uuid4().hex
            stored = photos.store(photos.get_storage(settings), processed, source, key)
            photo, _ = photos.save_photo(session, user, fields, processed, stored, source.name)
        finally:
            photos.cleanup(processed)
    return photo.id


def _major_hazard(session: Session, settings: Settings, people: dict[str, User],
                  today: date) -> bool:
    client_id = str(uuid.uuid5(_NS, "major-hazard"))
    inspector, manager, qa = (people["canteen_inspector1"], people["canteen_manager"],
                              people["qa"])
    site = session.scalar(select(Site).where(Site.code == "MGG-C2-GAS"))
    if site is None or session.scalar(select(Hazard.id).where(
            Hazard.reporter_id == inspector.id, Hazard.client_id == client_id)):
        return False
    found = today - timedelta(days=4)
    with clock.frozen(_at(found, 10)):
        hazard, _ = hazards.report(session, settings, inspector, HazardCreateIn(
            client_id=client_id, title=MAJOR_TITLE, site_id=site.id, category=Category.gas,
            grade=Grade.major, restricted_use=True,
            description="表房内进户管弯头处锈蚀严重，检测仪读数 12% LEL，有轻微燃气味。"
                        "已关闭表前阀。",
            photo_ids=[_photo(session, settings, inspector, site)]))
    with clock.frozen(_at(found, 15)):
        hazards.perform(session, settings, manager, hazard.id, Action.assign, AssignIn(
            assignee_id=inspector.id, deadline=today + timedelta(days=16),
            governance_plan=GovernancePlanIn(
                objective="更换锈蚀管段，消除燃气泄漏风险",
                methods="委托燃气公司更换进户管及弯头，整体气密性试验",
                funding="约 1.2 万元，中心维修经费列支",
                organization="饮食服务中心设备组，张经理负责",
                safety_measures="表房停用封控，关闭表前阀，第二食堂改用电炊具",
                emergency_plan="发现泄漏立即疏散、报燃气公司抢修热线，禁止开关电器"),
            restricted_use=True))
    with clock.frozen(_at(found + timedelta(days=1), 9)):
        hazards.perform(session, settings, qa, hazard.id, Action.supervise, SuperviseIn(
            supervisor="王主任", requirements="限期完成管道更换并经燃气公司验收，每周五报告进展",
            deadline=today + timedelta(days=16)))
    return True


def load_activity(session: Session, settings: Settings, group_id: int) -> list[str]:
    """Create what is missing; returns the titles of what was created now."""
    people = _users(session, group_id)
    today = clock.today()
    created = [c.title for c in CAMPAIGNS if _campaign(session, group_id, people, c, today)]
    if _major_hazard(session, settings, people, today):
        created.append(MAJOR_TITLE)
    return created
