"""The event types a subscription may name, with their Chinese labels (the robots' messages
and ``GET /webhooks/event-types``). A subscription names exact types from here, a family's
prefix (``hazard.*``) or ``*``; a type not listed is refused (a typo would never match)."""

import re

from backend.events.catalogue import FAMILIES, LABELS, TYPES

_PATTERN = re.compile(r"^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$")


def label(event_type: str) -> str:
    return LABELS.get(event_type, event_type)


def unknown_patterns(patterns: list[str]) -> list[str]:
    """The patterns that name no known type or family."""
    def known(pattern: str) -> bool:
        if not _PATTERN.match(pattern):
            return False
        if pattern == "*":
            return True
        if pattern.endswith(".*"):
            return pattern[:-2] in FAMILIES
        return pattern in TYPES
    return [p for p in patterns if not known(p)]


def matches(patterns: list[str], event_type: str) -> bool:
    """Whether ``event_type`` is named by ``patterns`` (exact, ``family.*`` or ``*``)."""
    family = event_type.split(".")[0]
    return any(p == "*" or p == event_type or p == f"{family}.*" for p in patterns)
