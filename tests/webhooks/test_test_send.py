"""An admin's test message: sent now by the worker like any delivery (signed, in the log),
in each format's shape; a paused subscription sends nothing."""

import json

from backend.webhooks import signing
from tests.webhooks.conftest import API, subscribe


def test_a_test_message_is_signed_and_logged(client, admin_headers, allow_private, receiver,
                                             worker):
    sub = subscribe(client, admin_headers, receiver.url)
    resp = client.post(f"{API}/{sub['id']}/test", headers=admin_headers)
    assert resp.status_code == 201, resp.text
    sent = resp.json()
    assert sent["status"] == "pending" and sent["event_type"] == "webhook.test"
    assert worker.run_once().succeeded == 1
    [request] = receiver.requests
    assert request.headers["x-anxun-event"] == "webhook.test"
    assert request.headers["x-anxun-delivery"] == sent["delivery_id"]
    assert signing.verify(sub["secret"], request.body, request.headers["x-anxun-timestamp"],
                          request.headers["x-anxun-signature"])
    body = json.loads(request.body)
    assert body["test"] is True
    assert body["event"]["type"] == "webhook.test" and body["event"]["label"] == "测试消息"
    [logged] = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    assert logged["delivery_id"] == sent["delivery_id"] and logged["status"] == "succeeded"


def test_tests_are_numbered_apart_from_events(client, admin_headers, allow_private, receiver,
                                              worker):
    sub = subscribe(client, admin_headers, receiver.url)
    for _ in range(3):
        assert client.post(f"{API}/{sub['id']}/test", headers=admin_headers).status_code == 201
    log = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    assert sorted(d["event_seq"] for d in log) == [-3, -2, -1]
    assert worker.run_once().succeeded == 3


def test_a_robot_gets_a_test_message_with_the_keyword(client, admin_headers, allow_private,
                                                      receiver, worker):
    sub = subscribe(client, admin_headers, receiver.url, format="dingtalk")
    client.post(f"{API}/{sub['id']}/test", headers=admin_headers)
    worker.run_once()
    markdown = json.loads(receiver.requests[0].body)["markdown"]
    assert markdown["title"] == "【安巡】测试消息"
    assert "订阅" in markdown["text"]


def test_a_paused_subscription_sends_no_test(client, admin_headers, allow_private, receiver):
    sub = subscribe(client, admin_headers, receiver.url, enabled=False)
    resp = client.post(f"{API}/{sub['id']}/test", headers=admin_headers)
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "webhook_paused"


def test_another_groups_or_a_missing_subscription_is_not_found(client, admin_headers):
    resp = client.post(f"{API}/999999/test", headers=admin_headers)
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "webhook_not_found"
