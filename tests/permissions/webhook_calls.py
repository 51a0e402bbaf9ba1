"""The webhook endpoints in the permission matrix: the group's admins only."""

from contextlib import contextmanager

from backend.deps import unit_of_work
from backend.vocab import Role
from backend.webhooks.delivery import fan_out

API = "/api/v1/webhooks"
PEOPLE = ("inspector_own", "inspector_other", "manager_own", "manager_other", "qa", "leader",
          "admin")


def _admin_only(status: int) -> dict[str, int]:
    return {person: status if person == "admin" else 403 for person in PEOPLE}


EXPECTED = {
    "list_webhook_event_types": _admin_only(200),
    "list_webhooks": _admin_only(1),
    "create_webhook": _admin_only(201),
    "read_webhook": _admin_only(200),
    "update_webhook": _admin_only(200),
    "delete_webhook": _admin_only(204),
    "list_webhook_deliveries": _admin_only(1),
    "read_webhook_delivery": _admin_only(200),
    "resend_webhook_delivery": _admin_only(200),
    "send_webhook_test": _admin_only(201),
}
BODY = {"name": "平台", "url": "https://93.184.215.14/hooks", "event_types": ["hazard.*"]}


def _subscription(client, make) -> int:  # noqa: ANN001
    admin = make.user(Role.admin)
    return client.post(API, headers=make.headers(admin), json=BODY).json()["id"]


def _delivery(client, make, subscription_id: int) -> str:  # noqa: ANN001
    make.hazard(make.user(Role.inspector, center=make.org.catering))

    @contextmanager
    def sessions(*, read_only: bool):  # noqa: ANN202, ARG001 - the test's one session
        with unit_of_work(make.db):
            yield make.db

    fan_out(sessions, make.settings)
    admin = make.user(Role.admin)
    return client.get(f"{API}/{subscription_id}/deliveries",
                      headers=make.headers(admin)).json()["items"][0]["delivery_id"]


def call(name, client, make, user) -> int:  # noqa: ANN001
    headers = make.headers(user)
    if name == "list_webhook_event_types":
        return client.get(f"{API}/event-types", headers=headers).status_code
    if name == "create_webhook":
        return client.post(API, headers=headers, json=BODY).status_code
    sub = _subscription(client, make)
    if name == "list_webhooks":
        resp = client.get(API, headers=headers)
        return sum(s["id"] == sub for s in resp.json()["items"]) if resp.is_success \
            else resp.status_code
    if name == "read_webhook":
        return client.get(f"{API}/{sub}", headers=headers).status_code
    if name == "update_webhook":
        return client.patch(f"{API}/{sub}", headers=headers,
                            json={"enabled": False}).status_code
    if name == "delete_webhook":
        return client.delete(f"{API}/{sub}", headers=headers).status_code
    if name == "send_webhook_test":
        return client.post(f"{API}/{sub}/test", headers=headers).status_code
    delivery = _delivery(client, make, sub)
    if name == "list_webhook_deliveries":
        resp = client.get(f"{API}/{sub}/deliveries", headers=headers)
        return sum(d["delivery_id"] == delivery for d in resp.json()["items"]) \
            if resp.is_success else resp.status_code
    if name == "read_webhook_delivery":
        return client.get(f"{API}/{sub}/deliveries/{delivery}", headers=headers).status_code
    assert name == "resend_webhook_delivery"
    return client.post(f"{API}/{sub}/deliveries/{delivery}/resend",
                       headers=headers).status_code
