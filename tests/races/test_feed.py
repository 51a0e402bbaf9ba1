"""The changes feed under concurrent writers on a live server (both databases): a reader
paging GET /events with ``after`` while hazards are reported and assigned in parallel ends
with exactly the committed events, each once, in sequence order; refused writes leave none."""

import threading
import time
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select

from backend.clock import today
from backend.events.models import DomainEvent
from backend.vocab import Role
from tests.races.test_writes import race, scene  # noqa: F401 (scene is a fixture)

WRITERS, ROUNDS = 4, 6


def test_the_feed_resumes_without_gaps_or_duplicates_while_writers_run(live, scene):  # noqa: F811
    session, make, call, people = scene
    inspector, manager = people["inspector"], people["manager"]
    stranger = make.user(Role.inspector)
    photos = [[make.photo(inspector).id for _ in range(ROUNDS)] for _ in range(WRITERS)]
    foreign = make.photo(stranger).id
    session.commit()
    start = session.scalar(select(DomainEvent.id).order_by(DomainEvent.id.desc()).limit(1)) or 0
    session.commit()
    plan = {"assignee_id": people["worker"].id, "measures": "整改", "cost_estimate": "1",
            "deadline": (today() + timedelta(days=7)).isoformat(), "interim_measures": "警示"}
    done = threading.Event()
    pages: list[dict] = []
    failures: list[str] = []

    def read() -> None:
        after = start
        with httpx.Client(base_url=f"{live.base_url}/api/v1", timeout=60, headers={
                "Authorization": f"Bearer {live.token(session_for_reader, manager)}"}) as http:
            while True:
                writers_done = done.is_set()  # read before the page: nothing after is missed
                resp = http.get("/events", params={"after": after, "limit": 7})
                if resp.status_code != 200:
                    failures.append(resp.text)
                    return
                body = resp.json()
                pages.append(body)
                after = body["next"]
                if not body["more"]:
                    if writers_done:
                        return
                    time.sleep(0.005)

    def write(i: int) -> list[int | str]:
        codes: list[int | str] = []
        for r in range(ROUNDS):
            made = call(inspector, "POST", "/hazards", json={
                "title": f"隐患 {i}-{r}", "site_id": make.org.kitchen.id, "category": "fire",
                "photo_ids": [photos[i][r]], "client_id": str(uuid.uuid4())})
            codes.append(made.status_code)
            hazard_id = made.json()["id"]
            codes.append(call(manager, "POST", f"/hazards/{hazard_id}/actions/assign",
                              json=plan).status_code)
            # refused after its event is staged (another user's photo): rolled back
            refused = call(people["worker"], "POST", f"/hazards/{hazard_id}/actions/submit",
                           json={"description": "已整改", "photo_ids": [foreign]})
            codes.append(refused.json()["error"]["code"])
        return codes

    session_for_reader = live.factory()[0]
    reader = threading.Thread(target=read)
    reader.start()
    try:
        codes = race(WRITERS, write)
    finally:
        done.set()
        reader.join(timeout=120)
    session_for_reader.close()
    assert failures == []
    assert all(c == [201, 200, "invalid_photo"] * ROUNDS for c in codes), codes
    session.rollback()  # a fresh snapshot
    committed = list(session.scalars(select(DomainEvent).where(DomainEvent.id > start)
                                     .order_by(DomainEvent.id)))
    read_ids = [e["id"] for page in pages for e in page["items"]]
    assert read_ids == [e.id for e in committed]  # each once, in order, none missing
    assert read_ids == list(range(start + 1, start + 1 + 2 * WRITERS * ROUNDS))  # no gap
    assert sorted(e.type for e in committed) == \
        ["hazard.assigned"] * WRITERS * ROUNDS + ["hazard.reported"] * WRITERS * ROUNDS
    assert len(pages) > 2 and pages[-1]["next"] == read_ids[-1]
    nexts = [page["next"] for page in pages]
    assert nexts == sorted(nexts)
