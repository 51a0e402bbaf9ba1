"""Patrol plans: who reads and manages them, and the checks that make a plan one the
scheduler can run (a target in the plan's center, a complete recurrence, a window inside the
day, inspectors of the center). Tasks are in :mod:`backend.plans.tasks`."""

from datetime import date, time
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User, UserRole
from backend.audit.service import record
from backend.errors import NotFound, Unprocessable
from backend.etag import PreconditionFailed, required_version
from backend.jsonsafe import json_safe
from backend.modules.models import PatrolModule
from backend.org.models import Site
from backend.org.service import (
    CENTER_DATA_READERS,
    center_for_new_record,
    manages_center,
    scoped_to_user,
)
from backend.plans.errors import (
    PlanCenterRequired,
    PlanChanged,
    PlanInspectorInvalid,
    PlanManageForbidden,
    PlanNotFound,
    PlanScheduleInvalid,
    PlanTargetInvalid,
)
from backend.plans.models import Frequency, PatrolPlan
from backend.plans.schemas import FromTemplateIn, PlanIn, PlanPatchIn
from backend.plans.templates import TEMPLATES
from backend.statewrite import compare_and_set
from backend.vocab import Role

MANAGERS = (Role.center_manager, Role.qa_officer)
# the fields each frequency needs; the others must be empty
SCHEDULE_FIELDS = {Frequency.daily: (), Frequency.weekly: ("weekdays",),
                   Frequency.monthly: ("month_day",),
                   Frequency.every_n_days: ("interval_days",), Frequency.dates: ("dates",)}
EDITABLE = ("name", "site_id", "site_kind", "module_id", "kind", "frequency", "weekdays",
            "month_day", "interval_days", "dates", "starts_on", "ends_on", "window_start",
            "window_end", "inspector_ids", "is_active")


def readable_plans(user: User) -> Select[Any]:
    return scoped_to_user(select(PatrolPlan), PatrolPlan.center_id, user, CENTER_DATA_READERS)


def get_readable_plan(session: Session, user: User, plan_id: int) -> PatrolPlan:
    plan = session.scalar(readable_plans(user).where(PatrolPlan.id == plan_id)
                          .execution_options(populate_existing=True))
    if plan is None:
        raise PlanNotFound(details={"plan_id": plan_id})
    return plan


def _check_manager(user: User, center_id: int | None) -> None:
    if not manages_center(user, center_id):
        raise PlanManageForbidden(details={"required_roles": [r.value for r in MANAGERS]})


def _plan_center(session: Session, user: User, center_id: int | None) -> int:
    """The center a new plan belongs to (``org.service.center_for_new_record``)."""
    _check_manager(user, None)
    center = center_for_new_record(session, user, center_id)
    if center is None:
        raise PlanCenterRequired()
    return center.id


def _check_schedule(values: dict[str, Any]) -> None:
    frequency = values["frequency"]
    needed = SCHEDULE_FIELDS[frequency]
    fields = {name for names in SCHEDULE_FIELDS.values() for name in names}
    missing = [name for name in needed if values.get(name) is None]
    extra = sorted(name for name in fields - set(needed) if values.get(name) is not None)
    problems: dict[str, Any] = {}
    if missing or extra:
        problems.update(frequency=frequency.value, missing=missing, not_for_frequency=extra)
    ends_on: date | None = values.get("ends_on")
    if ends_on is not None and ends_on < values["starts_on"]:
        problems["ends_on"] = "before starts_on"
    end: time | None = values.get("window_end")
    if end is not None and end <= values["window_start"]:
        problems["window_end"] = "not after window_start"
    if problems:
        raise PlanScheduleInvalid(details=problems)


def _check_target(session: Session, values: dict[str, Any], center_id: int) -> None:
    site_id, site_kind = values.get("site_id"), values.get("site_kind")
    if (site_id is None) == (site_kind is None):
        raise PlanTargetInvalid(details={"site_id": site_id, "site_kind": site_kind})
    if site_id is not None:
        site = session.get(Site, site_id)
        if site is None or site.center_id != center_id:
            raise PlanTargetInvalid("点位不属于该计划的中心",
                                    details={"site_id": site_id, "center_id": center_id})
    module = session.get(PatrolModule, values["module_id"])
    if module is None:
        raise NotFound("巡检模块不存在", code="module_not_found",
                       details={"module_id": values["module_id"]})
    if not module.is_active:
        raise Unprocessable("该巡检模块已停用", code="module_inactive",
                            details={"module_id": module.id})


def _check_inspectors(session: Session, ids: list[int], center_id: int) -> None:
    valid = set(session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(User.id.in_(ids), User.center_id == center_id, User.is_active,
               UserRole.role.in_((Role.inspector, Role.center_manager)))))
    invalid = sorted(set(ids) - valid)
    if invalid:
        raise PlanInspectorInvalid(details={"inspector_ids": invalid, "center_id": center_id})


def _validated(session: Session, values: dict[str, Any], center_id: int) -> dict[str, Any]:
    values = {**values, "inspector_ids": sorted(set(values["inspector_ids"]))}
    for name in ("weekdays", "dates"):
        if values.get(name) is not None:
            values[name] = sorted(set(values[name]))
    _check_schedule(values)
    _check_target(session, values, center_id)
    _check_inspectors(session, values["inspector_ids"], center_id)
    if values.get("dates") is not None:  # stored as ISO strings in a JSON column
        values["dates"] = [d.isoformat() for d in values["dates"]]
    return values


def _add(session: Session, user: User, values: dict[str, Any], center_id: int) -> PatrolPlan:
    plan = PatrolPlan(**_validated(session, values, center_id), center_id=center_id,
                      created_by_id=user.id)
    session.add(plan)
    session.flush()
    record(session, actor=user, action="plan.create", object_type="patrol_plan",
           object_id=plan.id, summary={"after": json_safe(
               {name: getattr(plan, name) for name in EDITABLE})})
    return plan


def create(session: Session, user: User, data: PlanIn) -> PatrolPlan:
    center_id = _plan_center(session, user, data.center_id)
    values = data.model_dump(exclude={"center_id"})
    values["starts_on"] = values["starts_on"] or clock.today()
    return _add(session, user, values, center_id)


def create_from_template(session: Session, user: User, data: FromTemplateIn) -> list[PatrolPlan]:
    """The template's plans, one per (module, site kind), for the center's sites of that kind."""
    center_id = _plan_center(session, user, data.center_id)
    template = TEMPLATES[data.template]
    codes = {code for code, _ in template.targets}
    modules = dict(session.execute(select(PatrolModule.code, PatrolModule.id)
                                   .where(PatrolModule.code.in_(codes))).all())
    missing = sorted(codes - set(modules))
    if missing:
        raise NotFound("模板所需的巡检模块不存在", code="module_not_found",
                       details={"module_codes": missing})
    common = {"kind": template.kind, "frequency": template.frequency,
              "weekdays": list(template.weekdays) if template.weekdays else None,
              "month_day": template.month_day, "interval_days": None, "dates": data.dates,
              "starts_on": data.starts_on or clock.today(), "ends_on": data.ends_on,
              "window_start": time(0), "window_end": None,
              "inspector_ids": data.inspector_ids, "is_active": True, "site_id": None}
    return [_add(session, user, {**common, "name": f"{template.name}·{code}",
                                 "module_id": modules[code], "site_kind": site_kind}, center_id)
            for code, site_kind in template.targets]


def update(session: Session, user: User, plan_id: int, data: PlanPatchIn,
           if_match: frozenset[int] | None) -> PatrolPlan:
    """Change a plan (version-checked). Tasks already written keep what they were; tasks not
    yet written, today's included, follow the new plan."""
    plan = get_readable_plan(session, user, plan_id)
    _check_manager(user, plan.center_id)
    required = required_version(if_match, plan.version)
    current = {name: getattr(plan, name) for name in EDITABLE}
    if current["dates"] is not None:
        current["dates"] = [date.fromisoformat(d) for d in current["dates"]]
    changes = {name: getattr(data, name) for name in data.model_fields_set}
    values = _validated(session, {**current, **changes}, plan.center_id)
    before = json_safe({name: getattr(plan, name) for name in changes})
    if not compare_and_set(session, plan, {"version": required or plan.version},
                           {**values, "updated_at": clock.utcnow()}):
        if required is not None:
            raise PreconditionFailed(details={"plan_id": plan.id})
        raise PlanChanged(details={"plan_id": plan.id})
    record(session, actor=user, action="plan.update", object_type="patrol_plan",
           object_id=plan.id, summary={"before": before, "after": json_safe(
               {name: getattr(plan, name) for name in changes})})
    return plan
