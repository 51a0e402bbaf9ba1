"""Subscriptions through the API: the secret shown once, URLs refused (SSRF), event types and
centers checked, edits audited; the robots' message formats."""

import base64
import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from backend.audit.models import AuditEntry
from backend.vocab import Role
from backend.webhooks import targets
from tests.webhooks.conftest import API, subscribe
from tests.webhooks.receiver import Answer


def test_the_secret_is_shown_once(client, admin_headers):
    created = subscribe(client, admin_headers, "https://93.184.215.14/hooks")
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    read = client.get(f"{API}/{created['id']}", headers=admin_headers).json()
    listed = client.get(API, headers=admin_headers).json()["items"]
    assert "secret" not in read and all("secret" not in s for s in listed)
    given = subscribe(client, admin_headers, "https://93.184.215.14/h", secret="s" * 20)
    assert given["secret"] == "s" * 20


@pytest.mark.parametrize("url", [
    "http://10.0.0.5/hook", "http://127.0.0.1:8080/hook", "http://127.8.9.10/hook",
    "http://169.254.169.254/latest/meta-data", "http://[::1]:8000/hook",
    "http://[::ffff:127.0.0.1]/hook", "http://192.168.1.1/", "http://172.16.0.1/",
    "http://0.0.0.0/", "http://100.64.0.1/", "http://[fe80::1]/",
    "http://localhost:8000/hook",  # a name resolving to loopback
])
def test_private_loopback_and_link_local_targets_are_refused(client, admin_headers, url):
    resp = client.post(API, headers=admin_headers, json={
        "name": "x", "url": url, "event_types": ["*"]})
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "webhook_url_refused"


@pytest.mark.parametrize("url", ["ftp://93.184.215.14/x", "file:///etc/passwd",
                                 "gopher://93.184.215.14/", "http:///nohost",
                                 "http://no-such-host.invalid/hook"])
def test_other_schemes_and_unresolvable_hosts_are_refused(client, admin_headers, url):
    resp = client.post(API, headers=admin_headers, json={
        "name": "x", "url": url, "event_types": ["*"]})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "webhook_url_refused"


def test_the_setting_allows_a_receiver_on_loopback(client, admin_headers, allow_private):
    subscribe(client, admin_headers, "http://127.0.0.1:9/hook")
    resp = client.patch(f"{API}/{subscribe(client, admin_headers, 'http://10.1.1.1/')['id']}",
                        headers=admin_headers, json={"url": "http://[::1]:9/"})
    assert resp.status_code == 200


def test_the_connection_checks_the_addresses_a_name_resolves_to(monkeypatch):
    """DNS rebinding: the name resolved public when saved, loopback when sent."""
    answers = iter([[targets.ipaddress.ip_address("93.184.215.14")],
                    [targets.ipaddress.ip_address("127.0.0.1")]])
    monkeypatch.setattr(targets, "resolve", lambda _host, _port: next(answers))
    targets.check_url("http://rebind.example/hook", allow_private=False)
    with targets.client(False, 2, 1) as http, pytest.raises(targets.TargetRefused) as refused:
        http.post("http://rebind.example/hook", content=b"{}")
    assert refused.value.address == "127.0.0.1"


def test_redirects_are_not_followed(allow_private, receiver):
    receiver.respond = lambda _request, _n: Answer(302, b"")
    with targets.client(True, 2, 1) as http:
        assert http.post(receiver.url, content=b"{}").status_code == 302
    assert len(receiver.requests) == 1


def test_event_types_and_centers_are_checked(client, make, admin_headers):
    url = "https://93.184.215.14/h"
    resp = client.post(API, headers=admin_headers, json={
        "name": "x", "url": url, "event_types": ["hazard.*", "hazrd.closed", "hazard.clsed"]})
    assert resp.status_code == 422
    assert resp.json()["error"]["details"]["unknown"] == ["hazrd.closed", "hazard.clsed"]
    resp = client.post(API, headers=admin_headers, json={
        "name": "x", "url": url, "event_types": ["*"], "center_ids": [2_000_000]})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "unknown_center"
    resp = client.post(API, headers=admin_headers, json={
        "name": "x", "url": url, "event_types": ["*"], "format": "wecom", "dingtalk_sign": True})
    assert resp.status_code == 422
    generic = subscribe(client, admin_headers, url)
    assert client.patch(f"{API}/{generic['id']}", headers=admin_headers,
                        json={"dingtalk_sign": True}).status_code == 422
    types = client.get(f"{API}/event-types", headers=admin_headers).json()
    assert {"type": "hazard.overdue", "label": "隐患逾期未整改"} in types


def test_edit_and_delete_are_audited_without_the_secret_or_the_robot_key(
        client, db, make, admin_headers):
    sub = subscribe(client, admin_headers, "https://93.184.215.14/send?key=robot-key",
                    format="wecom")
    resp = client.patch(f"{API}/{sub['id']}", headers=admin_headers,
                        json={"event_types": ["task.missed"], "center_ids": None,
                              "secret": "n" * 16, "name": "企业微信群"})
    assert resp.status_code == 200
    assert (resp.json()["event_types"], resp.json()["name"]) == (["task.missed"], "企业微信群")
    assert client.patch(f"{API}/{sub['id']}", headers=admin_headers,
                        json={"name": None}).status_code == 422
    assert client.delete(f"{API}/{sub['id']}", headers=admin_headers).status_code == 204
    assert client.get(f"{API}/{sub['id']}", headers=admin_headers).status_code == 404
    entries = db.query(AuditEntry).filter(AuditEntry.object_type == "webhook_subscription",
                                          AuditEntry.object_id == str(sub["id"])).all()
    assert [e.action for e in entries] == ["webhook.create", "webhook.update", "webhook.delete"]
    logged = json.dumps([e.summary for e in entries], ensure_ascii=False)
    assert "robot-key" not in logged and sub["secret"] not in logged and "n" * 16 not in logged


def test_a_wecom_robot_gets_markdown_and_its_errcode_decides(
        client, make, admin_headers, allow_private, receiver, worker):
    receiver.respond = lambda _request, n: Answer(200, json.dumps(
        {"errcode": 93000 if n == 1 else 0, "errmsg": "invalid webhook url" if n == 1
         else "ok"}).encode())
    sub = subscribe(client, admin_headers, receiver.url, format="wecom")
    hazard = make.hazard(make.user(Role.inspector, center=make.org.catering))
    worker.run_once()
    body = json.loads(receiver.requests[0].body)
    assert set(body) == {"msgtype", "markdown"} and body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert set(body["markdown"]) == {"content"} and len(content.encode()) <= 4096
    assert content.startswith("### 【安巡】新隐患上报")
    for text in (hazard.title, "一般隐患", make.org.kitchen.name, make.org.catering.name,
                 "待指派"):
        assert text in content
    [row] = client.get(f"{API}/{sub['id']}/deliveries", headers=admin_headers).json()["items"]
    assert (row["status"], row["last_error"]) == ("pending", "errcode 93000: invalid webhook url")


def test_a_dingtalk_robot_gets_markdown_on_a_signed_url(
        client, make, admin_headers, allow_private, receiver, worker):
    receiver.respond = lambda _request, _n: Answer(200, b'{"errcode":0,"errmsg":"ok"}')
    secret = "SEC" + "0123456789abcdef" * 4
    sub = subscribe(client, admin_headers, receiver.url + "?access_token=abc",
                    format="dingtalk", secret=secret, dingtalk_sign=True)
    make.hazard(make.user(Role.inspector, center=make.org.catering))
    assert worker.run_once().succeeded == 1
    [request] = receiver.requests
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"] == "【安巡】新隐患上报"
    assert "\n\n> 中心：" in body["markdown"]["text"]
    query = parse_qs(urlsplit(request.path).query)
    assert query["access_token"] == ["abc"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]
    assert sub["dingtalk_sign"] is True


def test_the_readme_receiver_snippet_verifies_a_signature_and_refuses_a_replay():
    import re
    import textwrap
    import time
    from pathlib import Path

    from backend.webhooks import signing

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    [snippet] = [block for block in re.findall(r"```python\n(.*?)\n *```", readme, re.S)
                 if "X-AnXun-Signature" in block]
    namespace: dict = {}
    exec(textwrap.dedent(snippet), namespace)  # noqa: S102 - our own README
    verify = namespace["verify"]
    body, now = b'{"delivery_id":"x"}', int(time.time())
    assert verify("s" * 16, body, str(now), signing.signature("s" * 16, now, body))
    assert not verify("s" * 16, body + b" ", str(now), signing.signature("s" * 16, now, body))
    old = now - 301
    assert not verify("s" * 16, body, str(old), signing.signature("s" * 16, old, body))
