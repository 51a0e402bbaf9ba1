"""The administrative writes raced on a live server (both databases): concurrent identical
requests give one success and clear 4xx answers, never a 500, and leave consistent rows."""

import uuid

import httpx
import pytest
from sqlalchemy import func, select

from backend.modules.models import ModuleVersion, PatrolModule
from backend.modules.service import load_catalogue
from backend.vocab import Role
from tests.modules.test_versions import NEW_CONTENT
from tests.races.test_writes import race

N = 6


@pytest.fixture(scope="module")
def admin_call(live):
    session, make = live.factory()
    if session.scalar(select(func.count()).select_from(PatrolModule)) == 0:
        load_catalogue(session)
    admin = make.user(Role.admin)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    session.commit()
    tokens = {"admin": live.token(session, admin), "qa": live.token(session, qa)}

    def call(who: str, method: str, path: str, **kw) -> httpx.Response:
        return httpx.request(method, f"{live.base_url}/api/v1{path}", timeout=60,
                             headers={"Authorization": f"Bearer {tokens[who]}"}, **kw)

    yield session, make, call
    session.close()


def _one_created(responses: list[httpx.Response], conflict: int = 409) -> None:
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [conflict] * (len(responses) - 1), [r.text for r in responses]


def test_concurrent_creation_of_one_user(admin_call):
    _session, make, call = admin_call
    body = {"username": f"racer{uuid.uuid4().hex[:8]}", "display_name": "并发",
            "roles": ["inspector"], "center_id": make.org.catering.id,
            "password": "Sturdy-Passphrase-2026"}
    _one_created(race(N, lambda _i: call("admin", "POST", "/users", json=body)))


@pytest.mark.parametrize("path, body", [
    ("/centers", {"name": "并发中心", "kind": "catering"}),
    ("/campuses", {"name": "并发校区"}),
])
def test_concurrent_creation_of_one_code(admin_call, path, body):
    _session, _make, call = admin_call
    code = f"r-{uuid.uuid4().hex[:8]}"
    _one_created(race(N, lambda _i: call("admin", "POST", path,
                                         json={**body, "code": code, "name": body["name"] + code})))


def test_concurrent_creation_of_one_site(admin_call):
    _session, make, call = admin_call
    code = f"R{uuid.uuid4().hex[:6].upper()}"
    body = {"code": code, "name": f"并发点位{code}", "kind": "canteen",
            "campus_id": make.org.campus.id, "center_id": make.org.catering.id}
    _one_created(race(N, lambda _i: call("admin", "POST", "/sites", json=body)))


def test_concurrent_renames_leave_one_name(admin_call):
    session, make, call = admin_call
    site_id = make.org.dorm.id
    responses = race(N, lambda i: call("admin", "PATCH", f"/sites/{site_id}",
                                       json={"name": f"宿舍改名{i}"}))
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    final = call("admin", "GET", f"/sites/{site_id}").json()["name"]
    assert final in {r.json()["name"] for r in responses}


def test_concurrent_new_versions_of_one_module_are_numbered_once_each(admin_call):
    session, _make, call = admin_call
    module_id = call("qa", "GET", "/modules", params={"q": "灭火器"}).json()["items"][0]["id"]
    responses = race(4, lambda i: call("qa", "POST", f"/modules/{module_id}/versions",
                                       json={**NEW_CONTENT, "name": f"灭火器（并发{i}）"}))
    assert {r.status_code for r in responses} <= {201, 409}, [r.text for r in responses]
    assert 201 in {r.status_code for r in responses}
    session.rollback()  # a fresh snapshot
    numbers = list(session.scalars(select(ModuleVersion.version)
                                   .where(ModuleVersion.module_id == module_id)
                                   .order_by(ModuleVersion.version)))
    assert numbers == list(range(1, len(numbers) + 1))
    created = [r.json()["version"] for r in responses if r.status_code == 201]
    assert len(created) == len(set(created))


def test_concurrent_updates_and_resets_are_never_a_500(admin_call):
    session, make, call = admin_call
    target = make.user(Role.inspector)
    session.commit()
    writes = [
        ("PATCH", f"/centers/{make.org.property.id}", {"name": "并发物业中心"}),
        ("PATCH", f"/campuses/{make.org.campus.id}", {"name": "并发校区改名"}),
        ("PATCH", f"/users/{target.id}", {"display_name": "并发改名"}),
        ("POST", f"/users/{target.id}/password", {"new_password": "Another-Sturdy-Phrase-77"}),
    ]
    for method, path, body in writes:
        responses = race(N, lambda _i, m=method, p=path, b=body: call("admin", m, p, json=b))
        assert {r.status_code for r in responses} <= {200, 204}, (path, [r.text for r in responses])


def test_concurrent_test_messages_are_numbered_apart(admin_call):
    _session, _make, call = admin_call
    sub = call("admin", "POST", "/webhooks", json={
        "name": "并发测试", "url": "https://93.184.215.14/hooks", "event_types": ["*"]}).json()
    responses = race(N, lambda _i: call("admin", "POST", f"/webhooks/{sub['id']}/test"))
    assert [r.status_code for r in responses] == [201] * N, [r.text for r in responses]
    assert sorted(r.json()["event_seq"] for r in responses) == list(range(-N, 0))


def test_concurrent_first_logins_with_a_one_time_password(live, admin_call):
    session, make, call = admin_call
    user = make.user(Role.inspector)
    session.commit()
    made = call("admin", "POST", f"/users/{user.id}/one-time-password").json()

    def first_login(i: int) -> httpx.Response:
        return httpx.post(f"{live.base_url}/api/v1/auth/login", timeout=60, json={
            "username": user.username, "password": made["one_time_password"],
            "new_password": f"Boiler-Room-Key-{i}x{i}"})

    tries = 3  # below the login lockout: on SQLite the later ones are failed logins
    responses = race(tries, first_login)
    assert sorted(r.status_code for r in responses)[0] == 200
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    # the others: on PostgreSQL they waited on the row, on SQLite they came after the change
    assert {r.json()["error"]["code"] for r in responses if r.status_code != 200} <= \
        {"one_time_password_used", "invalid_credentials"}
    assert sum(r.status_code == 200 for r in responses) == 1, [r.text for r in responses]
    assert httpx.post(f"{live.base_url}/api/v1/auth/login", timeout=60, json={
        "username": user.username,
        "password": f"Boiler-Room-Key-{winner}x{winner}"}).status_code == 200
