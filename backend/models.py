"""Imports every domain's models so that ``Base.metadata`` is complete (Alembic, tests)."""

from backend.accounts.models import AuthToken, LoginThrottle, User, UserRole
from backend.db import Base
from backend.modules.models import ModuleItem, ModuleVersion, PatrolModule
from backend.org.models import Campus, Center, Group, Site
from backend.photos.models import Photo, PhotoLink

__all__ = [
    "AuthToken",
    "Base",
    "Campus",
    "Center",
    "Group",
    "LoginThrottle",
    "ModuleItem",
    "ModuleVersion",
    "PatrolModule",
    "Photo",
    "PhotoLink",
    "Site",
    "User",
    "UserRole",
]
