from sqlalchemy import func
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.campaigns.service import campaign_rights
from backend.config import Settings
from backend.escalations.service import READERS as ESCALATION_READERS
from backend.escalations.service import escalated_clause
from backend.hazards.models import Hazard
from backend.hazards.service import actionable, overdue_clause, readable_hazards, workflow_context
from backend.hazards.workflow import (
    GOVERNANCE_PLAN_FIELDS,
    OPEN,
    Action,
    Status,
    plan_required_for,
)
from backend.inspections.service import allowed_kinds
from backend.me.schemas import CampaignRights, Capabilities, InspectionKinds, TodoOut
from backend.org.service import CENTER_DATA_READERS
from backend.vocab import Grade

ANOTHER_CENTER = -1  # no center has this id: "a site of some other center"


def capabilities(settings: Settings, user: User) -> Capabilities:
    context = workflow_context(settings, user)
    own = allowed_kinds(user, user.center_id) if user.center_id is not None else frozenset()
    return Capabilities(
        inspection_kinds=InspectionKinds(own_center=sorted(own),
                                         other_centers=sorted(allowed_kinds(user,
                                                                            ANOTHER_CENTER))),
        plan_required=list(settings.hazard_plan_required),
        major_plan_required=list(plan_required_for(Grade.major, context)),
        governance_plan_required=list(GOVERNANCE_PLAN_FIELDS)
        if settings.major_hazard_governance_plan else [],
        campaigns=CampaignRights(**campaign_rights(user)),
        escalations=user.has_role(*ESCALATION_READERS),
        group_views=user.has_role(*CENTER_DATA_READERS))


def todo(session: Session, user: User) -> TodoOut:
    """Six counts in one query over the hazards the user may read (the escalated ones only
    for those who read the ladder)."""
    counted = readable_hazards(user).with_only_columns(
        func.count().filter(actionable(user, Action.assign) & (Hazard.status == Status.reported)),
        func.count().filter(actionable(user, Action.verify)),
        func.count().filter((Hazard.assignee_id == user.id)
                            & (Hazard.status == Status.assigned)),
        func.count().filter(overdue_clause(clock.today())),
        func.count().filter((Hazard.grade == Grade.major) & Hazard.status.in_(OPEN)),
        func.count().filter(overdue_clause(clock.today()) & escalated_clause()))
    to_assign, to_verify, mine, overdue, major, escalated = session.execute(counted).one()
    return TodoOut(to_assign=to_assign, to_verify=to_verify, my_rectifications=mine,
                   overdue=overdue, major_open=major,
                   escalated_overdue=escalated if user.has_role(*ESCALATION_READERS) else None)
