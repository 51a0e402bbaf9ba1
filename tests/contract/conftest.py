"""A live server on a demo-like database for the contract tests: the 50 modules, the demo
organisation and accounts, photos, a few hazards and inspections made through the API."""

import io
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx2 as httpx
import pytest
from PIL import Image
from sqlalchemy import select, update

from backend.accounts.models import User, UserRole
from backend.accounts.service import create_user
from backend.demo import USERS, load_demo
from backend.modules.service import load_catalogue
from backend.org.models import Center, Group, Site
from backend.vocab import Role
from tests.live import LiveServer

DEMO_GROUP = "演示后勤集团"
ROLE_USERS = {"qa_officer": "qa", "inspector": "canteen_inspector1",
              "center_manager": "canteen_manager", "admin": "admin"}


def jpeg(seed: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40 % 256, 90, 160)).save(buf, "JPEG")
    return buf.getvalue()


@dataclass
class DemoServer:
    live: LiveServer
    passwords: dict[str, str]
    site_ids: dict[str, int] = field(default_factory=dict)
    centers: dict[str, int | None] = field(default_factory=dict)  # username -> center id

    @property
    def base_url(self) -> str:
        return self.live.base_url

    def headers(self, username: str) -> dict[str, str]:
        """A fresh token of a demo user, restored to active with the demo roles first (the fuzzer
        may have deactivated them, changed their roles or logged them out)."""
        session, _ = self.live.factory()
        with session:
            user = session.scalar(select(User).where(User.username == username))
            assert user is not None
            roles = next(r for name, _, _, r in USERS if name == username)
            session.execute(update(User).where(User.id == user.id).values(
                is_active=True, center_id=self.centers[username]))
            if user.roles != sorted(roles):
                user.role_rows = [UserRole(role=r) for r in roles]
            session.commit()
            return {"Authorization": f"Bearer {self.live.token(session, user)}"}

    def new_user(self, role: Role, center_code: str | None = None) -> tuple[str, str, int]:
        """A user of the demo group the fuzzer has never seen: (username, password, id)."""
        username = f"client_{role.value}_{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(16)
        session, _ = self.live.factory()
        with session:
            group_id = session.scalar(select(Group.id).where(Group.name == DEMO_GROUP))
            center_id = session.scalar(select(Center.id).where(Center.code == center_code)) \
                if center_code else None
            user = create_user(session, group_id=group_id, username=username,
                               display_name=username, password=password, roles=[role],
                               center_id=center_id)
            session.commit()
            return username, password, user.id

    def call(self, username: str, method: str, path: str, **kw) -> httpx.Response:
        resp = httpx.request(method, f"{self.base_url}/api/v1{path}",
                             headers=self.headers(username), timeout=60, **kw)
        assert resp.status_code < 300, (method, path, resp.status_code, resp.text)
        return resp


def _passing(item: dict) -> dict:
    """A passing answer to a module item as the API lists it (the kitchen has no recorded
    building height: height-dependent limits take the safe side)."""
    if item["kind"] != "number":
        return {"item_id": item["id"], "result": "pass", "text": "已检查"}
    limits = item["limits_from_height"] or {"min": item["min_value"], "max": item["max_value"]}
    low = limits["min"] if limits.get("min") is not None else limits["max"]
    return {"item_id": item["id"], "value": str(low)}


def _populate(server: DemoServer) -> None:
    inspector = ROLE_USERS["inspector"]
    photo_ids = [server.call(inspector, "POST", "/photos",
                             files={"file": (f"p{n}.jpg", jpeg(n), "image/jpeg")}).json()["id"]
                 for n in range(4)]
    kitchen = server.site_ids["MGG-C1-KIT"]
    for n, (category, grade) in enumerate([("fire", "general"), ("gas", "major"),
                                           ("hygiene", "general")]):
        server.call(inspector, "POST", "/hazards", json={
            "client_id": str(uuid.uuid4()), "title": f"演示隐患 {n + 1}", "site_id": kitchen,
            "category": category, "grade": grade, "photo_ids": [photo_ids[n]]})
    module = server.call(inspector, "GET", "/modules", params={"limit": 1}).json()["items"][0]
    items = server.call(inspector, "GET", f"/modules/{module['id']}").json()["items"]
    for submit in (False, True):
        inspection = server.call(inspector, "POST", "/inspections", json={
            "client_id": str(uuid.uuid4()), "module_id": module["id"], "site_id": kitchen,
            "kind": "routine"}).json()
        answers = [_passing(item) for item in items]
        answers[0] = {"item_id": items[0]["id"], "result": "fail", "photo_ids": [photo_ids[3]]}
        server.call(inspector, "PUT", f"/inspections/{inspection['id']}/answers",
                    json={"answers": answers})
        if submit:
            server.call(inspector, "POST", f"/inspections/{inspection['id']}/submit")


@pytest.fixture(scope="package")
def demo_server(tmp_path_factory: pytest.TempPathFactory,
                database_url: str) -> Iterator[DemoServer]:
    live = LiveServer.start(tmp_path_factory.mktemp("contract"), database_url)
    session, _ = live.factory()
    with session:
        load_catalogue(session)
        passwords = dict(load_demo(session, DEMO_GROUP))
        session.commit()
        sites = {code: site_id for code, site_id in session.execute(select(Site.code, Site.id))}
        centers = {name: center for name, center in session.execute(
            select(User.username, User.center_id))}
    server = DemoServer(live, passwords, sites, centers)
    _populate(server)
    yield server
    live.stop()
