"""Domain events under concurrent writers on a live server (both databases): every committed
change has its event, and the ids leave no gap, so a feed reading "after N" misses nothing."""

import threading
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.clock import today
from backend.db import READ_ONLY
from backend.events.models import DomainEvent
from tests.races.test_writes import N, race, scene  # noqa: F401 (scene is a fixture)


def test_concurrent_actions_get_gapless_event_ids_in_commit_order(live, scene):  # noqa: F811
    """A reader polling while the writers commit never sees a hole: ids are numbered under the
    head's lock held to the commit, so id N is visible only after every id below it."""
    session, make, call, people = scene
    hazard_ids = [make.hazard(people["inspector"]).id for _ in range(N)]
    session.commit()
    first = (session.scalar(select(func.max(DomainEvent.id))) or 0) + 1
    session.commit()  # release SQLite's write lock (a rollback would expire the objects)
    plan = {"assignee_id": people["worker"].id, "measures": "整改", "cost_estimate": "1",
            "deadline": (today() + timedelta(days=7)).isoformat(), "interim_measures": "警示"}
    holes: list[list[int]] = []
    done = threading.Event()

    def poll() -> None:
        read_only = live.engine.execution_options(**{READ_ONLY: True})
        with Session(read_only) as reader:
            while not done.is_set():
                seen = list(reader.scalars(select(DomainEvent.id).where(DomainEvent.id >= first)
                                           .order_by(DomainEvent.id)))
                if seen != list(range(first, first + len(seen))):
                    holes.append(seen)
                reader.rollback()

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        responses = race(N, lambda i: call(people["manager"], "POST",
                                           f"/hazards/{hazard_ids[i]}/actions/assign",
                                           json=plan))
    finally:
        done.set()
        poller.join()
    assert holes == []
    assert [r.status_code for r in responses] == [200] * N, [r.text for r in responses]
    session.rollback()  # a fresh snapshot
    rows = list(session.scalars(select(DomainEvent).where(DomainEvent.id >= first)
                                .order_by(DomainEvent.id)))
    assert [e.id for e in rows] == list(range(first, first + N))
    assert sorted(e.object_id for e in rows) == sorted(hazard_ids)
    assert {e.type for e in rows} == {"hazard.assigned"}
