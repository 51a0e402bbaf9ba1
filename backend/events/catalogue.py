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


HAZARD_STEP = ("`seq` (its timeline entry), `action`, `from_status`, `to_status`, `grade`, "
               "`site_id`, `changes` (`{field: {from, to}}`)")
TASK = "`plan_id`, `site_id`, `due_on`, `campaign_id`"
RECORD_KINDS = {"responsibility_item": "附表1 item", "regulation": "附表2 regulation",
                "training": "drill or training", "accountability": "通报/约谈 record"}


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


class EventTypeUnknown(Unprocessable):
    code = "event_type_unknown"
    message = "未知的事件类型"


@dataclass(frozen=True)
class TypeFilter:
    exact: frozenset[str]
    prefixes: frozenset[str]  # "hazard." for "hazard.*"


def parse_types(values: list[str]) -> TypeFilter | None:
    """``types`` as sent (repeated and/or comma separated): exact types and families such as
    ``hazard.*``; None when nothing was asked (every type). An unknown one is a 422, so a typo
    never reads as "no such events"."""
    tokens = [t.strip() for value in values for t in value.split(",") if t.strip()]
    unknown = [t for t in tokens if t not in TYPES and
               not (t.endswith(".*") and t[:-2] in FAMILIES)]
    if unknown:
        raise EventTypeUnknown(details={"unknown": unknown, "families": sorted(FAMILIES)})
    if not tokens:
        return None
    return TypeFilter(frozenset(t for t in tokens if not t.endswith(".*")),
                      frozenset(t[:-1] for t in tokens if t.endswith(".*")))


def markdown() -> str:
    """The catalogue as a Markdown table (the OpenAPI description of GET /events)."""
    rows = [f"| `{t.name}` | {t.meaning} | {t.data} |" for t in TYPES.values()]
    return "\n".join(["| type | meaning | `data` |", "|---|---|---|", *rows])
