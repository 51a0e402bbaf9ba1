"""A subscription names a type, its family or everything (the types and their labels are
backend/events/catalogue.py's, held equal to what the code emits by tests/events/test_feed.py)."""

from backend.webhooks import catalogue


def test_patterns_match_exactly_a_type_its_family_or_everything():
    assert catalogue.matches(["hazard.*"], "hazard.closed")
    assert not catalogue.matches(["hazard.*"], "hazards.closed")
    assert not catalogue.matches(["hazard.closed"], "hazard.closed_late")
    assert catalogue.matches(["*"], "task.missed")
    assert not catalogue.matches(["task.done"], "task.missed")
    assert catalogue.unknown_patterns(["hazard.*", "*", "task.missed", "hazard", "Hazard.*",
                                       "nothing.*", "hazard.*.x"]) == [
        "hazard", "Hazard.*", "nothing.*", "hazard.*.x"]
