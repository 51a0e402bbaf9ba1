from sqlalchemy import func, select

from backend.modules.models import ModuleItem, ModuleVersion, PatrolModule
from backend.modules.schemas import CatalogueModule
from backend.modules.service import load_catalogue, read_catalogue
from backend.vocab import Category, Grade, ItemKind

# modules merged away in the 2026 catalogue (issue 10): retired where installed, never deleted
MERGED_AWAY = {"fire-patrol-night", "fire-mini-station", "fire-annual-inspection",
               "power-outdoor", "dorm-facilities", "food-preprocess", "food-sample-retention",
               "food-staff-hygiene", "se-pressure-piping", "bldg-falling-objects"}
NEW = {"se-escalator", "works-contractor", "bldg-colour-steel", "campus-water", "campus-road",
       "campus-security-tech", "campus-sports-venue", "campus-swimming-pool",
       "campus-chemical-store"}


def _counts(db):
    return tuple(db.scalar(select(func.count()).select_from(model))
                 for model in (PatrolModule, ModuleVersion, ModuleItem))


def test_the_catalogue_merges_thin_modules_and_adds_what_the_group_needs():
    codes = {m.code for m in read_catalogue()}
    assert len(codes) == 50
    assert codes >= NEW and not codes & MERGED_AWAY


def test_every_item_is_well_formed():
    for module in read_catalogue():
        assert 5 <= len(module.items) <= 12, module.name
        for item in module.items:
            assert len(item.text) >= 4, (module.name, item.code)
            if item.kind is ItemKind.number:
                assert item.unit and (item.min is not None or item.max is not None)
            if item.major_if_failed:
                assert item.default_grade is Grade.major
    majors = [i for m in read_catalogue() for i in m.items if i.major_if_failed]
    assert majors, "the catalogue marks the directly-major items of the 2024 guideline"


def test_the_direct_major_examples_of_the_guideline_are_marked():
    by_code = {m.code: m for m in read_catalogue()}
    for code in ("fire-ebike", "dorm-fire-detection", "fire-hot-work", "se-elevator",
                 "works-confined-space"):
        assert any(i.major_if_failed for i in by_code[code].items), code


def test_food_sample_retention_states_the_rule():
    module = next(m for m in read_catalogue() if m.code == "food-special-room")
    text = " ".join(i.text for i in module.items)
    assert "125" in text and "48" in text


def test_the_api_lists_all_50_with_filters(client, make):
    headers = make.headers(make.user())
    page = client.get("/api/v1/modules", headers=headers, params={"limit": 100}).json()
    assert len(page["items"]) == 50 and page["next_cursor"] is None
    assert all(5 <= m["item_count"] <= 12 for m in page["items"])
    shipped_fire = {m.code for m in read_catalogue() if m.category is Category.fire}
    fire = client.get("/api/v1/modules", headers=headers, params={"category": "fire"}).json()
    assert {m["code"] for m in fire["items"]} == shipped_fire
    search = client.get("/api/v1/modules", headers=headers, params={"q": "防溺水"}).json()
    assert [m["code"] for m in search["items"]] == ["campus-water"]
    first = client.get("/api/v1/modules", headers=headers, params={"limit": 20}).json()
    second = client.get("/api/v1/modules", headers=headers,
                        params={"limit": 20, "cursor": first["next_cursor"]}).json()
    assert not {m["id"] for m in first["items"]} & {m["id"] for m in second["items"]}


def test_loading_twice_changes_nothing(db):
    before = _counts(db)
    report = load_catalogue(db)
    db.flush()
    assert report.created == report.updated == report.kept_local == report.retired == []
    assert len(report.unchanged) == 50
    assert _counts(db) == before


def test_a_changed_shipped_module_gets_a_new_version_unless_edited_locally(db):
    shipped = read_catalogue()
    changed = [m.model_copy(update={"description": "新版说明"}) if i < 2 else m
               for i, m in enumerate(shipped)]
    # a user edited the second module: their version must survive the catalogue update
    local_module = db.scalar(select(PatrolModule).where(PatrolModule.code == shipped[1].code))
    from backend.modules.service import add_version

    add_version(db, local_module, shipped[1].model_copy(update={"name": "本地修改"}),
                created_by_id=None)
    report = load_catalogue(db, changed)
    assert report.updated == [shipped[0].code]
    assert report.kept_local == [shipped[1].code]
    assert len(report.unchanged) == 48
    again = load_catalogue(db, changed)
    assert again.updated == [] and again.kept_local == [shipped[1].code]


def test_catalogue_schema_rejects_malformed_items():
    import pytest
    from pydantic import ValidationError

    good = {"code": "x", "text": "检查项目", "kind": "pass_fail", "photo_required_on_fail": True,
            "category": "fire", "default_grade": "general", "major_if_failed": False}
    base = {"code": "m", "name": "模块", "category": "fire", "items": [
        {**good, "code": f"i{n}"} for n in range(5)]}
    CatalogueModule.model_validate(base)
    bad_items = [
        {**good, "kind": "number"},  # no limits, no unit
        {**good, "major_if_failed": True},  # directly major but graded general
        {**good, "category": "space"},
        {**good, "min": 1},
    ]
    for bad in bad_items:
        with pytest.raises(ValidationError):
            CatalogueModule.model_validate({**base, "items": base["items"][:4] + [bad]})
    with pytest.raises(ValidationError):  # too few items
        CatalogueModule.model_validate({**base, "items": base["items"][:4]})
    with pytest.raises(ValidationError):  # duplicate item codes
        CatalogueModule.model_validate({**base, "items": [good] * 5})
    assert Category.fire.value == "fire"


def test_a_new_catalogue_adds_versions_retires_merged_modules_keeps_old_inspections(
        client, make, db):
    from backend.modules.service import create_module
    from backend.vocab import Role

    shipped = read_catalogue()
    # an installation that still has a module the new catalogue merged away
    merged_away = shipped[0].model_copy(update={"code": "night-patrol-2019", "name": "夜间巡查"})
    old, _ = create_module(db, merged_away, from_catalogue=True)
    inspector = make.user(Role.inspector)
    headers = make.headers(inspector)
    started = client.post("/api/v1/inspections", headers=headers, json={
        "module_id": old.id, "site_id": make.org.kitchen.id, "kind": "routine"})
    assert started.status_code == 201, started.text
    inspection = started.json()
    changed = [shipped[0].model_copy(update={"description": "2026 版"}), *shipped[1:]]
    assert load_catalogue(db, shipped[1:3]).retired == []  # a few modules retire nothing
    report = load_catalogue(db, changed, retire_missing=True)
    assert report.retired == ["night-patrol-2019"] and report.updated == [shipped[0].code]
    db.flush()
    listed = client.get("/api/v1/modules", headers=headers, params={"limit": 100}).json()
    assert "night-patrol-2019" not in {m["code"] for m in listed["items"]}
    # the retired module and the inspection run on it stay readable, with its items
    assert client.get(f"/api/v1/modules/{old.id}", headers=headers).status_code == 200
    again = client.get(f"/api/v1/inspections/{inspection['id']}", headers=headers).json()
    assert again["module_version_id"] == inspection["module_version_id"]
    refused = client.post("/api/v1/inspections", headers=headers, json={
        "module_id": old.id, "site_id": make.org.kitchen.id, "kind": "routine"})
    assert refused.json()["error"]["code"] == "module_inactive"  # no new work on it
    # but a checklist a phone filled offline on the old version still arrives
    offline = client.post("/api/v1/inspections", headers=headers, json={
        "module_id": old.id, "module_version_id": inspection["module_version_id"],
        "site_id": make.org.kitchen.id, "kind": "routine"})
    assert offline.status_code == 201, offline.text
    # shipped again later: active again
    load_catalogue(db, [*changed, merged_away])
    db.flush()
    db.refresh(old)
    assert old.is_active
