"""The demo organisation: 3 campuses, 5 centers, 30 sites and the demo accounts.

Idempotent: objects are found by their code or username, so running it again adds nothing.
Passwords are random; they are returned once for printing and appended to
``data/demo-accounts.txt`` (mode 600)."""

import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import create_user
from backend.org import service as org
from backend.org.models import Campus, Center, Site
from backend.records.seed import ensure_defaults
from backend.vocab import CenterKind, Role, SiteKind

CENTERS = [
    ("catering", "饮食服务中心", CenterKind.catering),
    ("property", "物业管理中心", CenterKind.property),
    ("energy", "能源管理中心", CenterKind.energy),
    ("transport", "交通服务中心", CenterKind.transport),
    ("qa", "质量监督办公室", CenterKind.quality_supervision),
]
CAMPUSES = [("mgg", "明故宫校区"), ("jjl", "将军路校区"), ("tmh", "天目湖校区")]
K = SiteKind
SITES = [  # (code, campus, center, name, kind, location)
    ("MGG-C1-KIT", "mgg", "catering", "第一食堂后厨", K.canteen, "第一食堂一楼西侧"),
    ("MGG-C1-STO", "mgg", "catering", "第一食堂原料库房与冷库", K.warehouse, "第一食堂负一层"),
    ("MGG-C2-KIT", "mgg", "catering", "第二食堂后厨", K.canteen, "第二食堂一楼"),
    ("MGG-C2-GAS", "mgg", "catering", "第二食堂燃气表房", K.gas_facility, "第二食堂北侧"),
    ("JJL-CS-KIT", "jjl", "catering", "南区食堂后厨", K.canteen, "南区食堂一、二楼"),
    ("JJL-HALAL", "jjl", "catering", "清真餐厅就餐区", K.dining_hall, "北区食堂三楼"),
    ("TMH-C1-KIT", "tmh", "catering", "学生餐厅后厨", K.canteen, "天目湖学生餐厅一楼"),
    ("MGG-D03", "mgg", "property", "3号学生公寓", K.dormitory, "明故宫校区东区"),
    ("MGG-D07", "mgg", "property", "7号学生公寓", K.dormitory, "明故宫校区东区"),
    ("MGG-T-A", "mgg", "property", "A教学楼", K.teaching_building, "明故宫校区中区"),
    ("MGG-LIB-EL", "mgg", "property", "图书馆1号客梯", K.elevator, "明故宫校区图书馆东侧"),
    ("JJL-D12", "jjl", "property", "12号学生公寓", K.dormitory, "将军路校区西区"),
    ("JJL-D15", "jjl", "property", "15号学生公寓", K.dormitory, "将军路校区西区"),
    ("JJL-GYM", "jjl", "property", "体育馆", K.venue, "将军路校区北区"),
    ("JJL-EBIKE", "jjl", "property", "西区电动自行车集中充电棚", K.parking, "12号公寓南侧"),
    ("TMH-D01", "tmh", "property", "1号学生公寓", K.dormitory, "天目湖校区生活区"),
    ("TMH-T-1", "tmh", "property", "1号教学楼", K.teaching_building, "天目湖校区教学区"),
    ("MGG-PWR-1", "mgg", "energy", "1号高低压配电房", K.power_room, "明故宫校区东区"),
    ("MGG-PUMP", "mgg", "energy", "二次供水泵房", K.pump_room, "明故宫校区3号公寓地下室"),
    ("MGG-GAS-RS", "mgg", "energy", "燃气调压站", K.gas_facility, "明故宫校区南门内"),
    ("JJL-PWR-2", "jjl", "energy", "西区配电房", K.power_room, "将军路校区西区"),
    ("JJL-BOILER", "jjl", "energy", "锅炉房", K.boiler_room, "将军路校区能源中心"),
    ("TMH-PWR-1", "tmh", "energy", "天目湖总配电房", K.power_room, "天目湖校区东门"),
    ("TMH-PUMP", "tmh", "energy", "天目湖消防与生活泵房", K.pump_room, "天目湖校区综合楼地下一层"),
    ("TMH-LAKE", "tmh", "property", "天目湖校区镜湖", K.campus_water, "天目湖校区中心"),
    ("BUS-A1234", "mgg", "transport", "通勤车 苏A·D1234", K.vehicle, "明故宫—将军路通勤线"),
    ("BUS-A5678", "jjl", "transport", "通勤车 苏A·D5678", K.vehicle, "将军路—天目湖班车"),
    ("BUS-A9012", "tmh", "transport", "通勤车 苏D·F9012", K.vehicle, "天目湖校区内循环"),
    ("JJL-BUS-DEPOT", "jjl", "transport", "将军路车队停车场", K.parking, "将军路校区东门外"),
    ("MGG-BUS-DEPOT", "mgg", "transport", "明故宫车队停车场", K.parking, "明故宫校区北门"),
]
# what changes a limit: building height (railings: 1.05 m below 24 m, 1.10 m above), roofs
SITE_ATTRIBUTES: dict[str, dict[str, object]] = {
    "MGG-D03": {"building_height_m": 19.8}, "MGG-D07": {"building_height_m": 19.8},
    "JJL-D12": {"building_height_m": 33.6}, "JJL-D15": {"building_height_m": 33.6},
    "TMH-D01": {"building_height_m": 23.1}, "MGG-T-A": {"building_height_m": 23.4},
    "TMH-T-1": {"building_height_m": 28.5},
    "JJL-GYM": {"building_height_m": 21.0, "large_span_roof": True},
    "TMH-C1-KIT": {"large_span_roof": True},
}
USERS = [  # (username, display name, center, roles)
    ("admin", "系统管理员", None, [Role.admin]),
    ("qa", "质监办 王主任", "qa", [Role.qa_officer]),
    ("leader", "集团 李总", None, [Role.leader]),
    ("canteen_manager", "饮食中心 张经理", "catering", [Role.center_manager]),
    ("canteen_inspector1", "饮食中心 陈师傅", "catering", [Role.inspector]),
    ("canteen_inspector2", "饮食中心 刘师傅", "catering", [Role.inspector]),
    ("property_manager", "物业中心 赵经理", "property", [Role.center_manager]),
    ("property_inspector1", "物业中心 孙师傅", "property", [Role.inspector]),
    ("property_inspector2", "物业中心 周师傅", "property", [Role.inspector]),
]


def load_demo(session: Session, group_name: str) -> list[tuple[str, str]]:
    """Create what is missing; returns ``(username, password)`` of the accounts created now."""
    group = org.ensure_group(session, group_name)
    centers = {c.code: c for c in session.scalars(select(Center).where(Center.group_id == group.id))}
    for code, name, center_kind in CENTERS:
        if code not in centers:
            centers[code] = org.create_center(session, group.id, code=code, name=name,
                                              kind=center_kind)
    campuses = {c.code: c for c in session.scalars(select(Campus).where(Campus.group_id == group.id))}
    for code, name in CAMPUSES:
        if code not in campuses:
            campuses[code] = org.create_campus(session, group.id, code=code, name=name)
    site_codes = set(session.scalars(select(Site.code)))
    for code, campus, center, name, kind, location in SITES:
        if code not in site_codes:
            org.create_site(session, group.id, code=code, campus_id=campuses[campus].id,
                            center_id=centers[center].id, name=name, kind=kind,
                            location=location, **SITE_ATTRIBUTES.get(code, {}))
    usernames = set(session.scalars(select(User.username)))
    created = []
    for username, display_name, center_code, roles in USERS:
        if username in usernames:
            continue
        password = secrets.token_urlsafe(12)
        create_user(session, group_id=group.id, username=username, display_name=display_name,
                    password=password, roles=roles,
                    center_id=centers[center_code].id if center_code else None)
        created.append((username, password))
    ensure_defaults(session, group.id)
    return created


def append_accounts_file(path: Path, accounts: list[tuple[str, str]]) -> None:
    """Append ``username password`` lines to a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as fh:
        for username, password in accounts:
            fh.write(f"{username} {password}\n")
