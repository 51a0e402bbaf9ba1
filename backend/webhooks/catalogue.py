"""The event types a subscription may name, with their Chinese labels (the robots' messages
and ``GET /webhooks/event-types``). A subscription names exact types from here, a family's
prefix (``hazard.*``) or ``*``; a type not listed is refused (a typo would never match)."""

import re

from backend.events.catalogue import LABELS, known_pattern

_PATTERN = re.compile(r"^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$")


def label(event_type: str) -> str:
    return LABELS.get(event_type, event_type)


def unknown_patterns(patterns: list[str]) -> list[str]:
    """The patterns that name no known type or family."""
    return [p for p in patterns if not (_PATTERN.match(p) and known_pattern(p))]


def matches(patterns: list[str], event_type: str) -> bool:
    """Whether ``event_type`` is named by ``patterns`` (exact, ``family.*`` or ``*``)."""
    family = event_type.split(".")[0]
    return any(p == "*" or p == event_type or p == f"{family}.*" for p in patterns)
