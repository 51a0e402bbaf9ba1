"""Every event type the backend emits can be named by a subscription (and has its label)."""

import re
from pathlib import Path

from backend.hazards.service import EVENT_TYPES
from backend.webhooks import catalogue

BACKEND = Path(__file__).parents[2] / "backend"
LITERAL = re.compile(r"""emit\(\s*session,\s*["']([a-z_]+\.[a-z_]+)["']""")


def emitted_literals() -> set[str]:
    return {match for path in BACKEND.rglob("*.py")
            for match in LITERAL.findall(path.read_text(encoding="utf-8"))}


def test_every_emitted_type_is_in_the_catalogue():
    found = emitted_literals()
    assert len(found) >= 10  # the scan finds them
    assert found | set(EVENT_TYPES.values()) <= set(catalogue.EVENT_LABELS), \
        sorted((found | set(EVENT_TYPES.values())) - set(catalogue.EVENT_LABELS))


def test_patterns_match_exactly_a_type_its_family_or_everything():
    assert catalogue.matches(["hazard.*"], "hazard.closed")
    assert not catalogue.matches(["hazard.*"], "hazards.closed")
    assert not catalogue.matches(["hazard.closed"], "hazard.closed_late")
    assert catalogue.matches(["*"], "task.missed")
    assert not catalogue.matches(["task.done"], "task.missed")
    assert catalogue.unknown_patterns(["hazard.*", "*", "task.missed", "hazard", "Hazard.*",
                                       "nothing.*", "hazard.*.x"]) == [
        "hazard", "Hazard.*", "nothing.*", "hazard.*.x"]
