from sqlalchemy import func, select

from backend.modules.models import ModuleItem, ModuleVersion, PatrolModule
from backend.modules.schemas import CatalogueModule
from backend.modules.service import load_catalogue, read_catalogue
from backend.vocab import Category, Grade, ItemKind

# the 50 modules the foundation issue names, by group
EXPECTED = {
    "food": ["原料采购与进货查验(索证索票)", "库房与冷链", "粗加工与切配", "烹饪与供餐", "专间(凉菜/备餐)",
             "餐用具清洗消毒", "食品留样", "从业人员健康与个人卫生", "食品添加剂与有毒有害物品",
             "有害生物防制与餐厨垃圾/废油", "厨房设备与排烟罩烟道", "食品安全管理制度与明厨亮灶"],
    "gas": ["食堂用气场所", "燃气管网/调压箱/阀门井", "瓶装液化石油气"],
    "fire": ["日间防火巡查", "夜间防火巡查", "消防控制室值班", "灭火器", "消火栓/喷淋/消防泵房与水池",
             "火灾自动报警与联动", "疏散通道/安全出口/应急照明/防火门", "微型消防站", "动火作业审批与监护",
             "电动自行车停放充电", "消防设施年度检测与维保"],
    "dormitory": ["宿舍安全用电", "宿舍值班门禁", "宿舍公共设施(栏杆/窗户限位/床护栏)",
                  "宿舍火灾探测(独立式/联网烟感)"],
    "power": ["高低压配电室(含应急电源)", "楼宇配电箱与强弱电井", "户外电气/路灯/防雷接地"],
    "water": ["二次供水水箱与泵房", "给排水管网与井盖", "防汛排涝"],
    "special_equipment": ["电梯", "锅炉", "压力容器及安全附件", "压力管道", "场内机动车辆与起重机械"],
    "school_bus": ["校车/通勤车出车前检查", "车队/停车场/驾驶员管理"],
    "building": ["房屋结构与外立面", "高处坠物/广告牌/幕墙/屋面", "人员密集场所防拥挤踩踏"],
    "works": ["校内施工现场", "有限空间作业"],
    "hygiene": ["环境卫生/垃圾分类/消杀", "节假日/寒暑假/极端天气专项(水电气门窗\"五关\")"],
}


def _counts(db):
    return tuple(db.scalar(select(func.count()).select_from(model))
                 for model in (PatrolModule, ModuleVersion, ModuleItem))


def test_the_catalogue_holds_exactly_the_50_named_modules():
    modules = read_catalogue()
    assert len(modules) == 50
    assert sorted(m.name for m in modules) == sorted(n for names in EXPECTED.values() for n in names)


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
    by_name = {m.name: m for m in read_catalogue()}
    for name in ("电动自行车停放充电", "宿舍火灾探测(独立式/联网烟感)", "动火作业审批与监护"):
        assert any(i.major_if_failed for i in by_name[name].items), name


def test_food_sample_retention_states_the_rule():
    module = next(m for m in read_catalogue() if m.name == "食品留样")
    text = " ".join(i.text for i in module.items)
    assert "125" in text and "48" in text


def test_the_api_lists_all_50_with_filters(client, make):
    headers = make.headers(make.user())
    page = client.get("/api/v1/modules", headers=headers, params={"limit": 100}).json()
    assert len(page["items"]) == 50 and page["next_cursor"] is None
    assert all(5 <= m["item_count"] <= 12 for m in page["items"])
    fire = client.get("/api/v1/modules", headers=headers, params={"category": "fire"}).json()
    assert {m["name"] for m in fire["items"]} >= set(EXPECTED["fire"])
    assert all(m["category"] == "fire" for m in fire["items"])
    search = client.get("/api/v1/modules", headers=headers, params={"q": "留样"}).json()
    assert [m["name"] for m in search["items"]] == ["食品留样"]
    first = client.get("/api/v1/modules", headers=headers, params={"limit": 20}).json()
    second = client.get("/api/v1/modules", headers=headers,
                        params={"limit": 20, "cursor": first["next_cursor"]}).json()
    assert not {m["id"] for m in first["items"]} & {m["id"] for m in second["items"]}


def test_loading_twice_changes_nothing(db):
    before = _counts(db)
    report = load_catalogue(db)
    db.flush()
    assert report.created == report.updated == report.kept_local == []
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
