"""Bodies for 附表3 entries in tests."""

from typing import Any


def standalone(name: str = "将军路校区 一食堂后场改造", **overrides: Any) -> dict[str, Any]:
    return {"name": name, "description": "后场地面、墙面、天棚破损严重，水电线路老化等。",
            "measures": "组织调研，明确整改目标，制定整改方案（含预算），"
                        "落实负责人，组织实施、验收等。",
            "category": "building_repair",
            "years": [{"year": 2024, "from_month": 7, "to_month": 8, "cost": "12.50"},
                      {"year": 2025, "cost": "3.25"}], **overrides}
