"""Helpers for campaign tests: shipped modules chosen by the site kinds they apply to, a
campaign dispatched over HTTP, and the people of the test organisation."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from backend import clock
from backend.clock import SHANGHAI
from backend.modules.models import ModuleItem, ModuleVersion, PatrolModule
from backend.vocab import ItemKind, Role

MONDAY = date(2026, 3, 2)


def at_local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), SHANGHAI)


def module_for(db, *, includes: str, excludes: str | None = None):  # noqa: ANN001
    """(id, items) of a shipped module without photo items whose site kinds include
    ``includes`` and not ``excludes``."""
    for module in db.scalars(select(PatrolModule).order_by(PatrolModule.id)):
        version = db.scalar(select(ModuleVersion).where(ModuleVersion.module_id == module.id)
                            .order_by(ModuleVersion.version.desc()).limit(1))
        kinds = set(version.site_kinds)
        if includes not in kinds or (excludes is not None and excludes in kinds):
            continue
        items = list(db.scalars(select(ModuleItem).where(
            ModuleItem.module_version_id == version.id).order_by(ModuleItem.position)))
        if any(i.kind is ItemKind.photo for i in items) or any(i.only_if_site for i in items):
            continue
        return module.id, items
    raise AssertionError(f"no shipped module for {includes} without {excludes}")


@dataclass
class People:
    qa: object
    leader: object
    catering_manager: object
    catering_inspector: object
    property_manager: object
    property_inspector: object


def people(make) -> People:  # noqa: ANN001
    org = make.org
    return People(qa=make.user(Role.qa_officer, center=org.qa),
                  leader=make.user(Role.leader),
                  catering_manager=make.user(Role.center_manager, center=org.catering),
                  catering_inspector=make.user(Role.inspector, center=org.catering),
                  property_manager=make.user(Role.center_manager, center=org.property),
                  property_inspector=make.user(Role.inspector, center=org.property))


def campaign_body(module_ids, **overrides) -> dict:  # noqa: ANN001
    """From today (MONDAY under ``frozen``) for three days, the 回执 due two days later: a
    window wholly in the past is refused."""
    today = clock.today()
    body = {"title": "春季消防专项检查", "kind": "special", "module_ids": module_ids,
            "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=2)).isoformat(),
            "receipt_due_on": (today + timedelta(days=4)).isoformat(), "notes": "重点检查灭火器"}
    return {**body, **overrides}


def dispatch(client, make, qa, module_ids, **overrides) -> dict:  # noqa: ANN001
    resp = client.post("/api/v1/campaigns", headers=make.headers(qa),
                       json=campaign_body(module_ids, **overrides))
    assert resp.status_code == 201, resp.text
    return resp.json()


def receipt(client, make, user, campaign_id, headers=None, **body):  # noqa: ANN001
    payload = {"done": True, "findings_count": 1, "note": "已完成", **body}
    return client.post(f"/api/v1/campaigns/{campaign_id}/receipt", json=payload,
                       headers={**make.headers(user), **(headers or {})})


def detail(client, make, user, campaign_id) -> dict:  # noqa: ANN001
    resp = client.get(f"/api/v1/campaigns/{campaign_id}", headers=make.headers(user))
    assert resp.status_code == 200, resp.text
    return resp.json()
