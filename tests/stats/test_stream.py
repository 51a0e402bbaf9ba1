"""GET /events/stream on a live server (real commits, a real event loop and threads): an event
arrives after a hazard is reported over HTTP, a reconnect with Last-Event-ID resumes without
loss or duplicates, and the stream ends when the client leaves or the server stops."""

import json
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from backend.events.models import DomainEvent
from backend.vocab import Role
from tests.live import LiveServer

STREAM = "/api/v1/events/stream"


@pytest.fixture(scope="module")
def scene(live):
    session, make = live.factory()
    org = make.org
    people = {"qa": make.user(Role.qa_officer, center=org.qa),
              "manager": make.user(Role.center_manager, center=org.catering),
              "cook": make.user(Role.inspector, center=org.catering),
              "janitor": make.user(Role.inspector, center=org.property)}
    tokens = {name: live.token(session, user) for name, user in people.items()}
    yield session, make, people, tokens
    session.close()


def report(live, make, user, token: str, site) -> int:  # noqa: ANN001
    """A hazard reported over HTTP, as the phone does."""
    resp = httpx.post(f"{live.base_url}/api/v1/hazards", headers=auth(token), json={
        "title": "灭火器压力不足", "site_id": site.id, "category": "fire",
        "photo_ids": [make.photo(user).id], "client_id": str(uuid.uuid4())})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def events(lines: Iterator[str]) -> Iterator[tuple[int, dict]]:
    """(id, data) of each event of an SSE body."""
    event_id = None
    for line in lines:
        if line.startswith("id: "):
            event_id = int(line[4:])
        elif line.startswith("data: "):
            assert event_id is not None
            yield event_id, json.loads(line[6:])


def until(stream: Iterator[tuple[int, dict]], object_id: int) -> list[tuple[int, dict]]:
    got = []
    for event in stream:
        got.append(event)
        if event[1]["object_type"] == "hazard" and event[1]["object_id"] == object_id:
            return got
    raise AssertionError(f"the stream ended before hazard {object_id}'s event: {got}")


def open_stream(client: httpx.Client, token: str, **headers: str):  # noqa: ANN201
    return client.stream("GET", STREAM, headers=auth(token, **headers))


def test_a_reported_hazard_arrives_on_the_stream(live, scene):
    session, make, people, tokens = scene
    with httpx.Client(base_url=live.base_url, timeout=10) as client, \
            open_stream(client, tokens["qa"]) as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        hazard_id = report(live, make, people["cook"], tokens["cook"], make.org.kitchen)
        got = until(events(resp.iter_lines()), hazard_id)
    # the stream starts with the next event: nothing older, and the report is the first
    assert len(got) == 1
    event_id, data = got[0]
    assert data["id"] == event_id and data["type"] == "hazard.reported"
    assert data["center_id"] == make.org.catering.id and data["actor_id"] == people["cook"].id
    assert data["data"]["to_status"] == "reported"


def test_a_reconnect_resumes_after_the_last_event_without_loss_or_duplicates(live, scene):
    session, make, people, tokens = scene
    org = make.org
    cook, janitor = (people["cook"], tokens["cook"]), (people["janitor"], tokens["janitor"])
    with httpx.Client(base_url=live.base_url, timeout=10) as client:
        with open_stream(client, tokens["manager"]) as resp:
            first = report(live, make, *cook, org.kitchen)
            last_id = until(events(resp.iter_lines()), first)[-1][0]
        # while the wall screen is away: two catering hazards and one of another center
        missed = [report(live, make, *cook, org.kitchen),
                  report(live, make, *janitor, org.dorm),
                  report(live, make, *cook, org.kitchen)]
        with open_stream(client, tokens["manager"], **{"Last-Event-ID": str(last_id)}) as resp:
            got = until(events(resp.iter_lines()), missed[2])
    session.rollback()  # a fresh snapshot of what was committed
    expected = list(session.scalars(
        select(DomainEvent.id).where(DomainEvent.id > last_id,
                                     DomainEvent.center_id == org.catering.id)
        .order_by(DomainEvent.id)))
    assert [event_id for event_id, _ in got] == expected
    assert [d["object_id"] for _, d in got] == [missed[0], missed[2]]
    assert all(d["center_id"] == org.catering.id for _, d in got)


def _settled(tasks: set, count: int) -> bool:
    """Whether the server runs ``count`` request tasks within 5 s."""
    deadline = time.monotonic() + 5
    while len(tasks) != count and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(tasks) == count


def test_the_stream_ends_when_the_client_leaves(live, scene):
    _, _, _, tokens = scene
    tasks = live.server.server_state.tasks  # a running request is a task (idle keep-alives not)
    assert _settled(tasks, 0)
    with httpx.Client(base_url=live.base_url, timeout=10) as client, \
            open_stream(client, tokens["qa"]) as resp:
        assert resp.status_code == 200 and _settled(tasks, 1)
    assert _settled(tasks, 0)


def test_the_stream_ends_cleanly_when_the_server_stops(tmp_path, database_url):
    server = LiveServer.start(tmp_path, database_url)
    session, make = server.factory()
    token = server.token(session, make.user(Role.leader))
    session.close()
    lines: list[str] = []
    opened, ended = threading.Event(), threading.Event()

    def read() -> None:
        with httpx.Client(base_url=server.base_url, timeout=10) as client, \
                open_stream(client, token) as resp:
            opened.set()
            lines.extend(resp.iter_lines())  # raises if the body is cut off uncleanly
        ended.set()

    reader = threading.Thread(target=read)
    reader.start()
    assert opened.wait(10)
    started = time.monotonic()
    server.stop()
    reader.join(10)
    assert ended.is_set() and not server.thread.is_alive()
    assert time.monotonic() - started < 5  # not uvicorn's endless wait for open responses
    assert lines[0] == "retry: 3000"
