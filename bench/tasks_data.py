"""bench/tasks.py's data: the demo organisation, 100 more sites per center, the inspectors,
plans of every frequency and open hazards (10% reported, 75% assigned, 15% submitted,
deadlines over today ±30 days), in bulk."""

import argparse
import random
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as wall
from typing import Any

from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User, UserRole
from backend.accounts.service import issue_token
from backend.config import Settings
from backend.demo import load_demo
from backend.hazards.models import Hazard
from backend.hazards.workflow import Status
from backend.migrate import upgrade
from backend.modules.models import PatrolModule
from backend.org.models import Center, Site
from backend.plans.models import Frequency, PatrolPlan
from backend.vocab import Category, Grade, Role

SITES_PER_CENTER = 100
CHUNK = 10_000
FREQUENCIES = [(Frequency.daily, 55), (Frequency.weekly, 25), (Frequency.monthly, 10),
               (Frequency.every_n_days, 7), (Frequency.dates, 3)]
OPEN_MIX = [(Status.reported, 10), (Status.assigned, 75), (Status.submitted, 15)]


@dataclass
class Org:
    sites: dict[int, list[tuple[int, int, str]]]  # center id -> (site id, campus id, kind)
    inspectors: dict[int, list[int]]  # center id -> inspector ids
    modules: list[int]
    viewers: dict[str, int]  # inspector / manager / qa -> user id


def rows_in(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(model), rows[start:start + CHUNK])


def build_org(session: Session, rng: random.Random, inspectors: int) -> Org:
    """The demo organisation, then sites, inspectors and modules in bulk (one password hash)."""
    load_demo(session, "后勤集团")
    session.flush()
    centers = list(session.scalars(select(Center).where(Center.code != "qa").order_by(Center.id)))
    demo_sites = list(session.scalars(select(Site)))
    rows_in(session, Site, [
        {"code": f"B-{c.code}-{n:03d}", "campus_id": s.campus_id, "center_id": c.id,
         "name": f"{c.name} 点位 {n}", "kind": s.kind}
        for c in centers for n, s in enumerate(rng.choices(
            [s for s in demo_sites if s.center_id == c.id] or demo_sites, k=SITES_PER_CENTER))])
    qa = session.scalar(select(User).where(User.username == "qa"))
    assert qa is not None
    rows_in(session, User, [
        {"group_id": qa.group_id, "center_id": centers[n % len(centers)].id,
         "username": f"bench_inspector{n}", "display_name": f"巡检员 {n}",
         "password_hash": qa.password_hash} for n in range(inspectors)])
    ids = session.execute(select(User.id, User.center_id)
                          .where(User.username.like("bench_inspector%"))).all()
    rows_in(session, UserRole, [{"user_id": uid, "role": Role.inspector} for uid, _ in ids])
    rows_in(session, PatrolModule, [{"code": f"bench_{n}", "category": category}
                                    for n, category in enumerate(Category)])
    sites: dict[int, list[tuple[int, int, str]]] = {c.id: [] for c in centers}
    for site in session.scalars(select(Site).where(Site.center_id.in_(sites))):
        sites[site.center_id].append((site.id, site.campus_id, site.kind))
    by_center: dict[int, list[int]] = {c.id: [] for c in centers}
    for uid, center_id in ids:
        by_center[center_id].append(uid)
    manager = session.scalar(select(User.id).where(User.username == "canteen_manager"))
    assert manager is not None
    return Org(sites, by_center, list(session.scalars(select(PatrolModule.id))),
               {"inspector": by_center[centers[0].id][0], "manager": manager, "qa": qa.id})


def plan_rows(org: Org, rng: random.Random, count: int, today: date) -> list[dict[str, Any]]:
    """Plans at one site (90%) or at every site of a kind in the center, of every frequency,
    by one to three of the center's inspectors, windows from 06:00 to 14:00."""
    rows = []
    kinds, weights = zip(*FREQUENCIES, strict=True)
    for n in range(count):
        center_id = rng.choice(list(org.sites))
        site_id, _, kind = rng.choice(org.sites[center_id])
        one_site = rng.random() < 0.9
        frequency = rng.choices(kinds, weights)[0]
        starts = today - timedelta(days=rng.randrange(0, 200))
        opens = rng.randrange(6, 15)
        rows.append({
            "name": f"巡检计划 {n}", "center_id": center_id,
            "site_id": site_id if one_site else None, "site_kind": None if one_site else kind,
            "module_id": rng.choice(org.modules), "frequency": frequency,
            "weekdays": sorted(rng.sample(range(1, 8), rng.randrange(1, 4)))
            if frequency is Frequency.weekly else None,
            "month_day": rng.randrange(1, 32) if frequency is Frequency.monthly else None,
            "interval_days": rng.randrange(2, 8) if frequency is Frequency.every_n_days else None,
            "dates": [today.isoformat(), (today + timedelta(days=7)).isoformat()]
            if frequency is Frequency.dates else None,
            "starts_on": starts, "ends_on": None if rng.random() < 0.9
            else today + timedelta(days=rng.randrange(0, 90)),
            "window_start": wall(opens), "window_end": wall(opens + 3) if opens < 12 else None,
            "inspector_ids": rng.sample(org.inspectors[center_id],
                                        min(rng.randrange(1, 4), len(org.inspectors[center_id]))),
            "is_active": rng.random() < 0.95})
    return rows


def hazard_rows(org: Org, rng: random.Random, count: int, today: date) -> list[dict[str, Any]]:
    statuses, weights = zip(*OPEN_MIX, strict=True)
    now = clock.utcnow()
    rows = []
    for _ in range(count):
        center_id = rng.choice(list(org.sites))
        site_id, campus_id, _ = rng.choice(org.sites[center_id])
        status = rng.choices(statuses, weights)[0]
        worked = status is not Status.reported
        rows.append({
            "reporter_id": rng.choice(org.inspectors[center_id]), "site_id": site_id,
            "center_id": center_id, "campus_id": campus_id, "title": "疏散通道堆放杂物",
            "category": Category.fire, "grade": Grade.major if rng.random() < 0.05
            else Grade.general, "source": "adhoc", "status": status,
            "assignee_id": rng.choice(org.inspectors[center_id]) if worked else None,
            "measures": "清理杂物，设置警示标识" if worked else None,
            "deadline": today + timedelta(days=rng.randrange(-30, 31)) if worked else None,
            "version": 2 if worked else 1, "created_at": now - timedelta(days=40)})
    return rows


def prepare(engine: Engine, settings: Settings, args: argparse.Namespace, today: date,
            ) -> tuple[Org, dict[str, str]]:
    """Schema, organisation, plans and hazards; a token for each viewer."""
    rng = random.Random(2026)
    with engine.begin() as conn:
        upgrade(conn)
    with Session(engine, expire_on_commit=False) as session:
        org = build_org(session, rng, args.inspectors)
        rows_in(session, PatrolPlan, plan_rows(org, rng, args.plans, today))
        rows_in(session, Hazard, hazard_rows(org, rng, args.hazards, today))
        tokens = {role: issue_token(session, settings, session.get(User, uid)).token
                  for role, uid in org.viewers.items()}
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
    return org, tokens
