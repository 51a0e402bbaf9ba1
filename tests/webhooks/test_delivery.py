"""Deliveries to a real receiver on 127.0.0.1: signed, retried on the clock's schedule, leased,
filtered; the log an admin reads through the API."""

import hmac
import json
from datetime import timedelta

from backend.vocab import Role
from backend.webhooks import delivery, signing
from tests.webhooks.conftest import API, session_factory, subscribe
from tests.webhooks.receiver import Answer


def test_the_signature_verifies_and_the_headers_name_the_event(
        client, make, admin_headers, allow_private, receiver, worker):
    sub = subscribe(client, admin_headers, receiver.url)
    hazard = make.hazard(make.user(Role.inspector, center=make.org.catering))
    assert worker.run_once().succeeded == 1
    [request] = receiver.requests
    headers = request.headers
    assert headers["x-anxun-event"] == "hazard.reported"
    assert signing.verify(sub["secret"], request.body, headers["x-anxun-timestamp"],
                          headers["x-anxun-signature"])
    assert headers["x-anxun-signature"] == "sha256=" + hmac.new(
        sub["secret"].encode(), f"{headers['x-anxun-timestamp']}.".encode() + request.body,
        "sha256").hexdigest()
    # tampered, another secret, or replayed 5 minutes later: refused
    assert not signing.verify(sub["secret"], request.body + b" ", headers["x-anxun-timestamp"],
                              headers["x-anxun-signature"])
    assert not signing.verify("another-secret-of-16", request.body,
                              headers["x-anxun-timestamp"], headers["x-anxun-signature"])
    late = int(headers["x-anxun-timestamp"]) + 301
    assert not signing.verify(sub["secret"], request.body, headers["x-anxun-timestamp"],
                              headers["x-anxun-signature"], now=late)
    body = json.loads(request.body)
    assert body["delivery_id"] == headers["x-anxun-delivery"]
    assert body["event"]["type"] == "hazard.reported"
    assert body["event"]["object_id"] == hazard.id
    assert body["event"]["label"] == "新隐患上报"
    log = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    assert [(d["delivery_id"], d["status"], d["attempts"], d["last_status_code"])
            for d in log] == [(headers["x-anxun-delivery"], "succeeded", 1, 200)]


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt_with_the_retries_logged(
        client, make, admin_headers, allow_private, receiver, worker, moving_clock):
    receiver.respond = lambda _request, n: Answer(500 if n <= 2 else 200)
    sub = subscribe(client, admin_headers, receiver.url)
    make.hazard(make.user(Role.inspector, center=make.org.catering))
    assert worker.run_once().sent == 1  # attempt 1: 500; the next in 30 s
    moving_clock.advance(seconds=29)
    assert worker.run_once().sent == 0  # not due yet: nothing sleeps, nothing is sent early
    moving_clock.advance(seconds=2)
    assert worker.run_once().sent == 1  # attempt 2: 500; the next in 60 s
    moving_clock.advance(seconds=59)
    assert worker.run_once().sent == 0
    moving_clock.advance(seconds=2)
    assert worker.run_once().succeeded == 1
    assert len({r.delivery_id for r in receiver.requests}) == 1  # one id on every attempt
    assert len({r.body for r in receiver.requests}) == 1  # and the same body
    [row] = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    assert (row["status"], row["attempts"], row["next_attempt_at"]) == ("succeeded", 3, None)
    detail = client.get(f"{API}/{sub['id']}/deliveries/{row['delivery_id']}",
                        headers=admin_headers).json()
    assert [(a["number"], a["outcome"], a["status_code"], a["error"])
            for a in detail["attempt_log"]] == [(1, "failed", 500, "HTTP 500"),
                                                (2, "failed", 500, "HTTP 500"),
                                                (3, "succeeded", 200, None)]
    assert all(a["duration_ms"] is not None for a in detail["attempt_log"])


def test_a_delivery_failing_for_the_whole_window_fails(
        client, make, admin_headers, allow_private, receiver, worker, moving_clock):
    receiver.respond = lambda _request, _n: Answer(503)
    sub = subscribe(client, admin_headers, receiver.url)
    make.hazard(make.user(Role.inspector, center=make.org.catering))
    for _ in range(30):  # a pass an hour: every delay (at most an hour) has passed each time
        worker.run_once()
        moving_clock.advance(hours=1)
    [row] = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    # attempts at 0, 1, ... 24 h: the next would fall after the 24 h window
    assert (row["status"], row["attempts"], len(receiver.requests)) == ("failed", 25, 25)


def test_a_worker_killed_mid_delivery_leaves_it_to_another_after_the_lease(
        client, db, make, settings, admin_headers, allow_private, receiver, worker,
        moving_clock):
    sub = subscribe(client, admin_headers, receiver.url)
    make.hazard(make.user(Role.inspector, center=make.org.catering))
    sessions = session_factory(db)
    delivery.fan_out(sessions, settings)
    [leased] = delivery.claim(sessions, settings, 10)  # a worker leased it, then was killed
    [row] = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    assert row["in_flight"] is True
    assert client.post(f"{API}/{sub['id']}/deliveries/{row['delivery_id']}/resend",
                       headers=admin_headers).status_code == 409
    moving_clock.advance(seconds=settings.webhook_lease_seconds - 1)
    assert worker.run_once().sent == 0  # still leased: nobody else sends it
    moving_clock.advance(seconds=2)
    assert worker.run_once().succeeded == 1
    assert [r.delivery_id for r in receiver.requests] == [leased.delivery_id]
    detail = client.get(f"{API}/{sub['id']}/deliveries/{leased.delivery_id}",
                        headers=admin_headers).json()
    assert [(a["number"], a["outcome"]) for a in detail["attempt_log"]] == [
        (1, "lost"), (2, "succeeded")]
    # the dead worker's result, were it to arrive now, changes nothing: its lease is gone
    delivery.record(sessions, worker.backoff, [(leased, delivery.Outcome(False, 500, "x", 1))])
    assert client.get(f"{API}/{sub['id']}/deliveries/{leased.delivery_id}",
                      headers=admin_headers).json()["status"] == "succeeded"


def test_resend_sends_the_same_delivery_again(client, make, admin_headers, allow_private,
                                              receiver, worker):
    sub = subscribe(client, admin_headers, receiver.url)
    make.hazard(make.user(Role.inspector, center=make.org.catering))
    worker.run_once()
    [row] = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    resp = client.post(f"{API}/{sub['id']}/deliveries/{row['delivery_id']}/resend",
                       headers=admin_headers)
    assert resp.status_code == 200 and resp.json()["status"] == "pending"
    assert worker.run_once().succeeded == 1
    assert [r.delivery_id for r in receiver.requests] == [row["delivery_id"]] * 2
    assert receiver.requests[0].body == receiver.requests[1].body


def test_only_matching_events_after_the_subscription_are_delivered(
        client, make, admin_headers, allow_private, receiver, worker):
    inspector = make.user(Role.inspector, center=make.org.catering)
    make.hazard(inspector)  # before any subscription: never delivered
    everything = subscribe(client, admin_headers, receiver.url, event_types=["*"])
    subscribe(client, admin_headers, receiver.url, event_types=["hazard.closed", "task.*"])
    subscribe(client, admin_headers, receiver.url, center_ids=[make.org.property.id])
    subscribe(client, admin_headers, receiver.url, enabled=False)
    catering = subscribe(client, admin_headers, receiver.url,
                         event_types=["hazard.reported"], center_ids=[make.org.catering.id])
    hazard = make.hazard(inspector)
    worker.run_once()
    bodies = [json.loads(r.body) for r in receiver.requests]
    assert sorted(b["subscription_id"] for b in bodies) == sorted([everything["id"],
                                                                   catering["id"]])
    assert {b["event"]["object_id"] for b in bodies} == {hazard.id}


def test_a_target_refused_at_send_time_is_a_failed_attempt_and_nothing_is_sent(
        client, make, settings, admin_headers, allow_private, receiver, worker):
    """Saved while allowed, then the setting is off: the connection itself refuses loopback
    (the check a DNS rebinding meets: addresses are checked when the socket is opened)."""
    sub = subscribe(client, admin_headers, receiver.url.replace("127.0.0.1", "localhost"))
    make.hazard(make.user(Role.inspector, center=make.org.catering))
    settings.webhook_allow_private_targets = False
    with delivery.Worker(worker.sessions, settings, worker.backoff) as guarded:
        assert guarded.run_once().succeeded == 0
    assert receiver.requests == []
    [row] = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    assert row["status"] == "pending" and "本机回环地址" in row["last_error"]


def test_a_disabled_subscription_holds_its_deliveries_until_enabled(
        client, make, admin_headers, allow_private, receiver, worker):
    sub = subscribe(client, admin_headers, receiver.url)
    make.hazard(make.user(Role.inspector, center=make.org.catering))
    worker.run_once()
    make.hazard(make.user(Role.inspector, center=make.org.catering))
    delivery.fan_out(worker.sessions, worker.settings)
    client.patch(f"{API}/{sub['id']}", headers=admin_headers, json={"enabled": False})
    worker.run_once()
    assert len(receiver.requests) == 1
    client.patch(f"{API}/{sub['id']}", headers=admin_headers, json={"enabled": True})
    worker.run_once()
    assert len(receiver.requests) == 2


def test_the_backoff_doubles_up_to_its_longest():
    backoff = delivery.Backoff(first=timedelta(seconds=30), longest=timedelta(hours=1))
    assert [backoff.delay(n).total_seconds() for n in (1, 2, 3, 7, 8, 50)] == [
        30, 60, 120, 1920, 3600, 3600]
