"""The shared vocabulary of DOMAIN.md: enum values in English, labels in Chinese, in one place."""

from enum import StrEnum


class Role(StrEnum):
    inspector = "inspector"
    center_manager = "center_manager"
    qa_officer = "qa_officer"
    leader = "leader"
    admin = "admin"


class CenterKind(StrEnum):
    catering = "catering"
    property = "property"
    energy = "energy"
    transport = "transport"
    campus_service = "campus_service"
    quality_supervision = "quality_supervision"
    other = "other"


class SiteKind(StrEnum):
    canteen = "canteen"
    dormitory = "dormitory"
    teaching_building = "teaching_building"
    office_building = "office_building"
    power_room = "power_room"
    gas_facility = "gas_facility"
    pump_room = "pump_room"
    boiler_room = "boiler_room"
    elevator = "elevator"
    vehicle = "vehicle"
    parking = "parking"
    venue = "venue"
    construction = "construction"
    outdoor = "outdoor"
    dining_hall = "dining_hall"
    warehouse = "warehouse"
    chemical_store = "chemical_store"
    swimming_pool = "swimming_pool"
    security_room = "security_room"
    campus_road = "campus_road"
    campus_water = "campus_water"
    other = "other"


class SiteCondition(StrEnum):
    """An attribute of a site that decides whether an item is asked there."""

    large_span_roof = "large_span_roof"


class Category(StrEnum):
    fire = "fire"
    food = "food"
    gas = "gas"
    water_power = "water_power"
    school_bus = "school_bus"
    building = "building"
    equipment = "equipment"
    hygiene = "hygiene"
    other = "other"


class Grade(StrEnum):
    general = "general"
    major = "major"


class HazardSource(StrEnum):
    inspection = "inspection"  # a failed checklist item
    adhoc = "adhoc"  # 随手拍
    external = "external"  # a school or authority check
    plan = "plan"  # 整改计划 (附表3)
    sensor = "sensor"  # a sensor or inspection robot, through an API key (传感器/巡检机器人)


class ItemKind(StrEnum):
    pass_fail = "pass_fail"
    number = "number"
    text = "text"
    photo = "photo"


LABELS_ZH: dict[type[StrEnum], dict[str, str]] = {
    Role: {
        "inspector": "巡检员",
        "center_manager": "中心负责人",
        "qa_officer": "质监办",
        "leader": "集团领导",
        "admin": "系统管理员",
    },
    CenterKind: {
        "catering": "饮食服务",
        "property": "物业管理",
        "energy": "能源管理",
        "transport": "交通服务",
        "campus_service": "校园服务",
        "quality_supervision": "质量监督",
        "other": "其他",
    },
    SiteKind: {
        "canteen": "食堂后厨",
        "dormitory": "学生公寓",
        "teaching_building": "教学楼",
        "office_building": "办公楼",
        "power_room": "配电房",
        "gas_facility": "燃气设施",
        "pump_room": "泵房",
        "boiler_room": "锅炉房",
        "elevator": "电梯",
        "vehicle": "车辆",
        "parking": "停车场与车队",
        "venue": "体育场馆",
        "construction": "施工现场",
        "outdoor": "室外区域",
        "dining_hall": "餐厅就餐区",
        "warehouse": "库房",
        "chemical_store": "危化品与油料库",
        "swimming_pool": "游泳池",
        "security_room": "安防监控中心",
        "campus_road": "校园道路",
        "campus_water": "校园水域",
        "other": "其他",
    },
    Category: {
        "fire": "消防",
        "food": "食品",
        "gas": "燃气",
        "water_power": "供水供电",
        "school_bus": "校车",
        "building": "建筑物/构筑物",
        "equipment": "设施设备",
        "hygiene": "环境卫生",
        "other": "其他",
    },
    Grade: {"general": "一般隐患", "major": "重大隐患"},
    ItemKind: {"pass_fail": "合格/不合格", "number": "数值", "text": "文字", "photo": "拍照"},
}


def label(value: StrEnum) -> str:
    return LABELS_ZH[type(value)][value.value]
