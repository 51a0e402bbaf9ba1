"""Imports every domain's models so that ``Base.metadata`` is complete (Alembic, tests)."""

from backend.accounts.models import ApiKey, AuthToken, LoginThrottle, User, UserRole
from backend.audit.models import AuditAnchorDay, AuditEntry, AuditHead
from backend.campaigns.models import (
    Campaign,
    CampaignCenter,
    ExternalFinding,
    ExternalInspection,
    ExternalInspectionCenter,
)
from backend.db import Base
from backend.escalations.models import Escalation, OverdueRecord
from backend.evaluation.models import EvaluationWeights
from backend.events.cursors import WorkerCursor
from backend.events.models import DomainEvent, EventHead
from backend.hazards.models import Hazard, HazardEvent
from backend.idempotency import IdempotencyClaim
from backend.inspections.models import Inspection, InspectionAnswer
from backend.modules.models import ModuleItem, ModuleVersion, PatrolModule
from backend.notifications.models import Notification
from backend.org.models import Campus, Center, Group, Site
from backend.photos.models import Photo, PhotoLink
from backend.plans.models import PatrolDay, PatrolPlan, PatrolTask
from backend.ratelimit import RateLimitCounter
from backend.records.models import (
    AccountabilityRecord,
    ActionCampaign,
    RecordAttachment,
    Regulation,
    ResponsibilityItem,
    TableSubmission,
    Training,
)
from backend.rectification.models import RectificationEntry, RectificationYear
from backend.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "AccountabilityRecord",
    "ApiKey",
    "AuditAnchorDay",
    "ActionCampaign",
    "AuditEntry",
    "AuditHead",
    "AuthToken",
    "Base",
    "Campaign",
    "CampaignCenter",
    "Campus",
    "Center",
    "DomainEvent",
    "Escalation",
    "EvaluationWeights",
    "EventHead",
    "ExternalFinding",
    "ExternalInspection",
    "ExternalInspectionCenter",
    "Group",
    "Hazard",
    "HazardEvent",
    "IdempotencyClaim",
    "Inspection",
    "InspectionAnswer",
    "LoginThrottle",
    "ModuleItem",
    "ModuleVersion",
    "Notification",
    "OverdueRecord",
    "PatrolDay",
    "PatrolModule",
    "PatrolPlan",
    "PatrolTask",
    "Photo",
    "PhotoLink",
    "RateLimitCounter",
    "RecordAttachment",
    "RectificationEntry",
    "RectificationYear",
    "Regulation",
    "ResponsibilityItem",
    "Site",
    "TableSubmission",
    "Training",
    "User",
    "UserRole",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
    "WorkerCursor",
]
