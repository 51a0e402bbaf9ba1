"""The inbox: own notifications only, unread count, mark read, pagination."""

from tests.notifications.helpers import Scene, inbox, run_scheduler


def _with_three_notifications(client, make, app) -> Scene:  # noqa: ANN001
    scene = Scene(client, make)
    scene.assign()
    scene.submit()
    scene.do(scene.manager, "reject", {"reason": "不合格"})
    scene.submit()
    run_scheduler(app)
    return scene


def test_unread_count_and_marking_read(client, make, app):
    scene = _with_three_notifications(client, make, app)
    headers = make.headers(scene.worker)
    count = client.get("/api/v1/notifications/unread-count", headers=headers)
    assert count.json() == {"unread": 2}
    first, second = inbox(client, make, scene.worker)
    read = client.post(f"/api/v1/notifications/{first['id']}/read", headers=headers)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = client.post(f"/api/v1/notifications/{first['id']}/read", headers=headers)
    assert again.json()["read_at"] == read.json()["read_at"]  # keeps its first read time
    assert [n["id"] for n in inbox(client, make, scene.worker, unread="true")] == [second["id"]]
    assert [n["id"] for n in inbox(client, make, scene.worker, unread="false")] == [first["id"]]
    assert client.post("/api/v1/notifications/read-all", headers=headers).json() == \
        {"marked": 1}
    assert client.get("/api/v1/notifications/unread-count",
                      headers=headers).json() == {"unread": 0}


def test_another_users_notification_is_404(client, make, app):
    scene = _with_three_notifications(client, make, app)
    [theirs] = inbox(client, make, scene.manager)
    resp = client.post(f"/api/v1/notifications/{theirs['id']}/read",
                       headers=make.headers(scene.worker))
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "notification_not_found"
    assert client.post("/api/v1/notifications/read-all",
                       headers=make.headers(scene.worker)).json() == {"marked": 2}
    assert inbox(client, make, scene.manager)[0]["read_at"] is None


def test_pages_newest_first(client, make, app):
    scene = _with_three_notifications(client, make, app)
    headers = make.headers(scene.worker)
    page = client.get("/api/v1/notifications", params={"limit": 1}, headers=headers).json()
    rest = client.get("/api/v1/notifications", params={"limit": 1, "cursor": page["next_cursor"]},
                      headers=headers).json()
    assert page["items"][0]["kind"] == "hazard_rejected"
    assert rest["items"][0]["kind"] == "hazard_assigned" and rest["next_cursor"] is None
    bad = client.get("/api/v1/notifications", params={"cursor": "garbage"}, headers=headers)
    assert bad.json()["error"]["code"] == "invalid_cursor"
