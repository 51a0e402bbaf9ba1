"""The event types a subscription may name, with their Chinese labels (the robots' messages
and ``GET /webhooks/event-types``). A subscription names exact types from here, a family's
prefix (``hazard.*``) or ``*``; a type not listed is refused (a typo would never match)."""

import re

from backend.hazards.service import EVENT_TYPES as HAZARD_ACTION_EVENTS
from backend.records.kinds import ACCOUNTABILITY, REGULATION, RESPONSIBILITY, TRAINING

_HAZARD = {
    "hazard.reported": "新隐患上报", "hazard.fixed_on_spot": "隐患当场整改",
    "hazard.edited": "隐患信息已修改", "hazard.assigned": "隐患已指派整改",
    "hazard.submitted": "整改已提交，待验收", "hazard.closed": "隐患已验收闭环",
    "hazard.rejected": "整改验收未通过", "hazard.cancelled": "隐患已撤销",
    "hazard.extension_requested": "整改延期申请", "hazard.extension_decided": "延期申请已处理",
    "hazard.reopened": "隐患已重新打开", "hazard.supervised": "重大隐患挂牌督办",
    "hazard.reported_upward": "重大隐患已向上报告", "hazard.overdue": "隐患逾期未整改",
    "hazard.escalated": "逾期隐患已升级督办",
}
_RECORDS = {RESPONSIBILITY.name: "安全责任体系（附表1）", REGULATION.name: "安全管理制度（附表2）",
            TRAINING.name: "演练与培训记录", ACCOUNTABILITY.name: "通报与约谈记录"}
_RECORD_ACTIONS = {"created": "新增", "updated": "修改", "deleted": "删除", "attach": "添加附件",
                   "detach": "删除附件"}

EVENT_LABELS: dict[str, str] = {
    **_HAZARD,
    "inspection.submitted": "检查已提交",
    "task.done": "巡检任务已完成", "task.missed": "巡检任务漏检",
    "campaign.dispatched": "专项检查已下发", "campaign.cancelled": "专项检查已撤销",
    "campaign.receipt_submitted": "专项检查回执已提交",
    "action_campaign.created": "三年行动已创建", "action_campaign.updated": "三年行动已修改",
    "action_campaign.table_submitted": "附表已报送",
    **{f"{kind}.{action}": f"{label}{verb}" for kind, label in _RECORDS.items()
       for action, verb in _RECORD_ACTIONS.items()},
    "rectification.entry_created": "整改计划（附表3）条目新增",
    "rectification.entry_updated": "整改计划（附表3）条目修改",
    "rectification.entry_deleted": "整改计划（附表3）条目删除",
    "evaluation.weights_updated": "考评权重已修改",
}
assert set(HAZARD_ACTION_EVENTS.values()) <= set(EVENT_LABELS), "a hazard event has no label"

FAMILIES = frozenset(event_type.split(".")[0] for event_type in EVENT_LABELS)
_PATTERN = re.compile(r"^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$")


def label(event_type: str) -> str:
    return EVENT_LABELS.get(event_type, event_type)


def unknown_patterns(patterns: list[str]) -> list[str]:
    """The patterns that name no known type or family."""
    def known(pattern: str) -> bool:
        if not _PATTERN.match(pattern):
            return False
        if pattern == "*":
            return True
        if pattern.endswith(".*"):
            return pattern[:-2] in FAMILIES
        return pattern in EVENT_LABELS
    return [p for p in patterns if not known(p)]


def matches(patterns: list[str], event_type: str) -> bool:
    """Whether ``event_type`` is named by ``patterns`` (exact, ``family.*`` or ``*``)."""
    family = event_type.split(".")[0]
    return any(p == "*" or p == event_type or p == f"{family}.*" for p in patterns)
