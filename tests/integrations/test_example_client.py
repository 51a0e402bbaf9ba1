"""docs/examples/anxun_client.py, run as an integrator would against a live server: a sensor's
key reports hazards, the example mirrors them through the changes feed (resuming where it
stopped, a change seen on the next run), and its webhook receiver takes a real signed delivery
and refuses a forged one."""

import importlib.util
import json
import threading
import uuid
from functools import partial
from http.server import HTTPServer
from pathlib import Path

import httpx
import pytest

from backend.deps import request_session
from backend.vocab import Role
from backend.webhooks.delivery import Worker
from tests.photos.images import jpeg_with_comment

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "anxun_client.py"


@pytest.fixture(scope="module")
def example():
    spec = importlib.util.spec_from_file_location("anxun_client", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def world(live):
    session, make = live.factory()
    _, sensor = make.api_key("hazards:write", "photos:write", name="烟感-第二食堂",
                             center_ids=[make.org.catering.id])
    _, reader = make.api_key("events:read", "hazards:read", name="智慧后勤平台")
    manager = make.user(Role.center_manager, center=make.org.catering)
    admin = make.user(Role.admin)
    tokens = {"manager": live.token(session, manager), "admin": live.token(session, admin)}
    session.commit()
    yield {"sensor": sensor, "reader": reader, "site": make.org.kitchen.id, **tokens}
    session.close()


def report(live, world, title: str) -> dict:
    headers = {"Authorization": f"Bearer {world['sensor']}"}
    photo = httpx.post(f"{live.base_url}/api/v1/photos", headers=headers, timeout=30,
                       data={"client_id": str(uuid.uuid4())},
                       files={"file": ("smoke.jpg", jpeg_with_comment(title.encode()),
                                       "image/jpeg")})
    assert photo.status_code == 201, photo.text
    resp = httpx.post(f"{live.base_url}/api/v1/hazards", headers=headers, timeout=30, json={
        "title": title, "site_id": world["site"], "category": "fire",
        "photo_ids": [photo.json()["id"]], "client_id": str(uuid.uuid4())})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_the_example_mirrors_hazards_through_the_feed(live, world, example, tmp_path):
    state = tmp_path / "mirror.json"
    first = [report(live, world, f"烟感报警 {n}") for n in range(3)]
    mirror = example.Mirror(live.base_url, world["reader"], state)
    assert mirror.sync() >= 3
    assert {str(h["id"]) for h in first} <= set(mirror.hazards)
    assert all(mirror.hazards[str(h["id"])]["source"] == "sensor" for h in first)

    # a manager acts on one, the sensor reports another: a new run from the saved state sees both
    edited = httpx.post(f"{live.base_url}/api/v1/hazards/{first[0]['id']}/actions/edit",
                        headers={"Authorization": f"Bearer {world['manager']}"},
                        json={"title": "烟感报警（后厨）"})
    assert edited.status_code == 200, edited.text
    later = report(live, world, "烟感报警 3")
    resumed = example.Mirror(live.base_url, world["reader"], state)
    assert resumed.after == mirror.after  # read back from the file
    resumed.sync()
    assert resumed.hazards[str(first[0]["id"])]["title"] == "烟感报警（后厨）"
    assert str(later["id"]) in resumed.hazards
    # every sensor report the key may read is in the mirror (the live server is shared: other
    # tests' hazards may be there too, and factory-made ones have no events)
    sensed = httpx.get(f"{live.base_url}/api/v1/hazards", params={"source": "sensor", "limit": 100},
                       headers={"Authorization": f"Bearer {world['reader']}"}).json()["items"]
    assert {str(h["id"]) for h in sensed} <= set(resumed.hazards) and len(sensed) >= 4
    assert json.loads(state.read_text("utf-8"))["after"] == resumed.after


def test_the_example_receiver_verifies_a_real_delivery(live, world, example):
    received: list[dict] = []
    server = HTTPServer(("127.0.0.1", 0), example.receiver("whsec_example_secret",
                                                           received.append))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    allowed = live.settings.webhook_allow_private_targets
    live.settings.webhook_allow_private_targets = True
    try:
        sub = httpx.post(f"{live.base_url}/api/v1/webhooks",
                         headers={"Authorization": f"Bearer {world['admin']}"},
                         json={"name": "示例接收端", "url": url, "event_types": ["hazard.reported"],
                               "secret": "whsec_example_secret"})
        assert sub.status_code == 201, sub.text
        hazard = report(live, world, "燃气泄漏报警")
        with Worker(partial(request_session, live.engine), live.settings) as worker:
            worker.run_once()
        assert [b["event"]["object_id"] for b in received] == [hazard["id"]]
        forged = httpx.post(url, content=b'{"event": {}}', headers={
            "X-AnXun-Timestamp": "1", "X-AnXun-Signature": "sha256=00"})
        assert forged.status_code == 401 and len(received) == 1
    finally:
        live.settings.webhook_allow_private_targets = allowed
        httpx.delete(f"{live.base_url}/api/v1/webhooks/{sub.json()['id']}",
                     headers={"Authorization": f"Bearer {world['admin']}"})
        server.shutdown()
