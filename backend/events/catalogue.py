"""Every domain event type, what it means and its ``data``: the changes feed's documentation
(GET /events in the OpenAPI document) and what its ``types`` filter accepts. A test holds it
equal to the types the code emits."""

from dataclasses import dataclass

from backend.errors import Unprocessable


@dataclass(frozen=True)
class EventType:
    name: str
    meaning: str
    data: str  # the fields of the event's ``data``

    @property
    def label(self) -> str:
        return LABELS[self.name]


HAZARD_STEP = ("`seq` (its timeline entry), `action`, `from_status`, `to_status`, `grade`, "
               "`site_id`, `changes` (`{field: {from, to}}`)")
TASK = "`plan_id`, `site_id`, `due_on`, `campaign_id`"
RECORD_KINDS = {"responsibility_item": "附表1 item", "regulation": "附表2 regulation",
                "training": "drill or training", "accountability": "通报/约谈 record"}

# The Chinese label of each type: webhook robots' messages and GET /webhooks/event-types
_RECORD_LABELS = {"responsibility_item": "安全责任体系（附表1）",
                  "regulation": "安全管理制度（附表2）", "training": "演练与培训记录",
                  "accountability": "通报与约谈记录"}
_RECORD_ACTIONS = {"created": "新增", "updated": "修改", "deleted": "删除", "attach": "添加附件",
                   "detach": "删除附件"}
LABELS: dict[str, str] = {
    "hazard.reported": "新隐患上报", "hazard.fixed_on_spot": "隐患当场整改",
    "hazard.edited": "隐患信息已修改", "hazard.assigned": "隐患已指派整改",
    "hazard.submitted": "整改已提交，待验收", "hazard.closed": "隐患已验收闭环",
    "hazard.rejected": "整改验收未通过", "hazard.cancelled": "隐患已撤销",
    "hazard.extension_requested": "整改延期申请", "hazard.extension_decided": "延期申请已处理",
    "hazard.reopened": "隐患已重新打开", "hazard.supervised": "重大隐患挂牌督办",
    "hazard.reported_upward": "重大隐患已向上报告", "hazard.overdue": "隐患逾期未整改",
    "hazard.escalated": "逾期隐患已升级督办",
    "inspection.started": "检查已开始", "inspection.answers_saved": "检查记录已保存",
    "inspection.discarded": "检查草稿已删除", "inspection.submitted": "检查已提交",
    "task.done": "巡检任务已完成", "task.missed": "巡检任务漏检",
    "campaign.dispatched": "专项检查已下发", "campaign.cancelled": "专项检查已撤销",
    "campaign.receipt_submitted": "专项检查回执已提交",
    "action_campaign.created": "三年行动已创建", "action_campaign.updated": "三年行动已修改",
    "action_campaign.table_submitted": "附表已报送",
    **{f"{kind}.{action}": f"{label}{verb}" for kind, label in _RECORD_LABELS.items()
       for action, verb in _RECORD_ACTIONS.items()},
    "rectification.entry_created": "整改计划（附表3）条目新增",
    "rectification.entry_updated": "整改计划（附表3）条目修改",
    "rectification.entry_deleted": "整改计划（附表3）条目删除",
    "evaluation.weights_updated": "考评权重已修改",
}


def _types() -> list[EventType]:
    hazard = [
        ("reported", "reported (随手拍, a failed checklist item, an external finding): "
                     "`changes` holds `title`, `grade`, `category` (and `inspection_id`, "
                     "`item_id` for a finding)"),
        ("fixed_on_spot", "当场整改 while inspecting: closed (general) or submitted (major)"),
        ("edited", "title or description edited"), ("assigned", "assigned or re-assigned"),
        ("submitted", "rectification submitted for verification"),
        ("closed", "verified and closed (销号)"), ("rejected", "rectification rejected"),
        ("cancelled", "cancelled (已撤销): no longer open; `changes` holds the reason"),
        ("extension_requested", "deadline extension requested"),
        ("extension_decided", "extension approved or denied (`action` says which)"),
        ("reopened", "closed hazard reopened by 质监办"), ("supervised", "挂牌督办 recorded"),
        ("reported_upward", "上报 recorded")]
    types = [EventType(f"hazard.{name}", meaning, HAZARD_STEP) for name, meaning in hazard]
    types += [
        EventType("hazard.overdue", "its deadline passed while open (written by the "
                  "scheduler; the row does not change)", "`due_on`, `days_overdue`"),
        EventType("hazard.escalated", "overdue long enough to be escalated to a level "
                  "(1: the center's managers, 2: 质监办; the row does not change)",
                  "`level`, `due_on`, `days_overdue`, `escalation_id`"),
        EventType("inspection.started", "a draft started", "`site_id`, `module_id`, "
                  "`module_version_id`, `kind`, `inspector_id`"),
        EventType("inspection.answers_saved", "answers (with their photos) or the note of a "
                  "draft saved", "`item_ids` (the answers sent), `version`"),
        EventType("inspection.discarded", "a draft deleted with its answers (GET by id is "
                  "404 from now on)", "`site_id`, `module_id`, `answers` (how many)"),
        EventType("inspection.submitted", "submitted; its failed items became hazards (each "
                  "has its `hazard.reported`)", "`site_id`, `module_id`, `kind`, "
                  "`failed_items`"),
        EventType("task.done", "a patrol task done by a submitted inspection",
                  f"{TASK}, `inspection_id`"),
        EventType("task.missed", "a patrol task's window ended undone (漏检)",
                  f"{TASK}, `missed_at`"),
        EventType("campaign.dispatched", "a campaign dispatched to a center (one event per "
                  "target center)", "`title`, `kind`, `starts_on`, `ends_on`, "
                  "`receipt_due_on`, `tasks`"),
        EventType("campaign.cancelled", "a campaign cancelled; its due tasks are cancelled",
                  "`reason`, `tasks_cancelled`"),
        EventType("campaign.receipt_submitted", "a center's 回执 submitted or corrected",
                  "`center_id`, `done`, `findings_count`, `corrected`, `late`"),
        EventType("action_campaign.created", "a three-year action created", "its fields"),
        EventType("action_campaign.updated", "a three-year action changed",
                  "`{field: {from, to}}`"),
        EventType("action_campaign.table_submitted", "a center handed in table 1/2/3",
                  "`table`, `late`, `due_on`"),
        EventType("evaluation.weights_updated", "the evaluation's weights changed",
                  "`version` and `{field: {from, to}}`"),
    ]
    types += [EventType(f"rectification.entry_{what}", f"a 附表3 plan entry {what}", data)
              for what, data in (("created", "its fields"),
                                 ("updated", "`{field: {from, to}}`"),
                                 ("deleted", "its fields before"))]
    for kind, label in RECORD_KINDS.items():
        types += [
            EventType(f"{kind}.created", f"a {label} created", "its fields"),
            EventType(f"{kind}.updated", f"a {label} changed", "`version`, `{field: {from, "
                      "to}}`"),
            EventType(f"{kind}.deleted", f"a {label} deleted", "its fields before"),
            EventType(f"{kind}.attach", f"a document attached to a {label}",
                      "`attachment_id`, `name`, `content_type`, `bytes`, `sha256`"),
            EventType(f"{kind}.detach", f"a document removed from a {label}",
                      "`attachment_id`, `name`, `content_type`, `bytes`, `sha256`")]
    return types


TYPES: dict[str, EventType] = {t.name: t for t in _types()}
FAMILIES = frozenset(name.split(".")[0] for name in TYPES)
assert set(LABELS) == set(TYPES), "every event type has its label, and only those"


class EventTypeUnknown(Unprocessable):
    code = "event_type_unknown"
    message = "未知的事件类型"


@dataclass(frozen=True)
class TypeFilter:
    exact: frozenset[str]
    prefixes: frozenset[str]  # "hazard." for "hazard.*"


def known_pattern(pattern: str) -> bool:
    """A type of the catalogue, a family's ``family.*``, or ``*`` (every type): how the feed's
    ``types`` and a webhook subscription name events."""
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return pattern[:-2] in FAMILIES
    return pattern in TYPES


def parse_types(values: list[str]) -> TypeFilter | None:
    """``types`` as sent (repeated and/or comma separated): exact types and families such as
    ``hazard.*``; None when nothing was asked or ``*`` (every type). An unknown one is a 422,
    so a typo never reads as "no such events"."""
    tokens = [t.strip() for value in values for t in value.split(",") if t.strip()]
    unknown = [t for t in tokens if not known_pattern(t)]
    if unknown:
        raise EventTypeUnknown(details={"unknown": unknown, "families": sorted(FAMILIES)})
    if not tokens or "*" in tokens:
        return None
    return TypeFilter(frozenset(t for t in tokens if not t.endswith(".*")),
                      frozenset(t[:-1] for t in tokens if t.endswith(".*")))


def markdown() -> str:
    """The catalogue as a Markdown table (the OpenAPI description of GET /events)."""
    rows = [f"| `{t.name}` | {t.meaning} | {t.data} |" for t in TYPES.values()]
    return "\n".join(["| type | meaning | `data` |", "|---|---|---|", *rows])
