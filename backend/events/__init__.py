"""Domain events: state changes that matter, numbered in commit order."""

from backend.events.service import emit

__all__ = ["emit"]
