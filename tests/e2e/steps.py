"""Steps the phone tests share: logging in (in the browser and through the API), waiting for
sync and the service worker, a hazard reported through the API, a drag on a canvas, and the
随手拍 form (open it, add photos, fill it, submit it; offline in one step)."""

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx2 as httpx

from backend.accounts.models import User
from tests.e2e.conftest import jpeg
from tests.factories import PASSWORD

SAVED_OFFLINE = "已保存，等待同步"


def api(live, user: User) -> httpx.Client:  # noqa: ANN001
    """A client of the live server as ``user``; 30 s a request: a module's first photo starts the
    decode pool, seconds on a loaded machine (httpx's default 5 s failed CI runs under load)."""
    token = httpx.post(f"{live.base_url}/api/v1/auth/login", timeout=30,
                       json={"username": user.username, "password": PASSWORD}).json()["access_token"]
    return httpx.Client(base_url=f"{live.base_url}/api/v1", timeout=30,
                        headers={"Authorization": f"Bearer {token}"})


def login(page, live, user: User) -> None:  # noqa: ANN001
    page.goto(f"{live.base_url}/login")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("[data-test=login]").click()
    page.locator("[data-test=home]").wait_for()


def wait_until(check: Callable[[], object], timeout: float = 20.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.25)


def synced(page) -> None:  # noqa: ANN001
    page.locator("[data-test=sync-badge]", has_text="已全部同步").wait_for(timeout=30000)


def wait_for_service_worker(page) -> None:  # noqa: ANN001
    # a function, not an expression string: the app's CSP forbids eval, which a string needs
    page.wait_for_function("() => navigator.serviceWorker?.controller != null", timeout=20000)


def report(live, world, user, title: str, grade: str = "general") -> dict:  # noqa: ANN001
    """A hazard reported through the API (the browser's event loop forbids the factory's DB
    access in the test thread)."""
    client = api(live, user)
    photo = client.post("/photos", files={"file": ("a.jpg", jpeg(400, 300), "image/jpeg")}).json()
    resp = client.post("/hazards", json={"title": title, "site_id": world["org"].kitchen.id,
                                         "category": "fire", "grade": grade,
                                         "photo_ids": [photo["id"]]})
    assert resp.status_code == 201, resp.text
    return resp.json()


def drag(page, box: dict, start: tuple[float, float], end: tuple[float, float]) -> None:  # noqa: ANN001
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    for k in range(1, 6):
        page.mouse.move(box["x"] + box["width"] * (start[0] + (end[0] - start[0]) * k / 5),
                        box["y"] + box["height"] * (start[1] + (end[1] - start[1]) * k / 5))
    page.mouse.up()


def open_snap(page) -> None:  # noqa: ANN001
    page.locator(".van-tabbar-item", has_text="随手拍").click()
    page.locator("[data-test=snap]").wait_for()


def add_snap_photos(page, files: Sequence[Path | str]) -> None:  # noqa: ANN001
    """Choose ``files`` in the form's photo input; returns once their previews show."""
    page.locator("[data-test=snap-photos] input[type=file]").set_input_files([str(f) for f in files])
    page.locator("[data-test=snap-photos] .van-uploader__preview").nth(len(files) - 1).wait_for()


def fill_snap(page, site: str, category: str | None = None,  # noqa: ANN001
              description: str | None = None) -> None:
    page.locator("[data-test=snap-site]").click()
    page.locator("[data-test=pick-site]", has_text=site).click()
    if category:
        page.locator(f"[data-test=cat-{category}]").click()
    if description:
        page.locator("[data-test=snap-desc] textarea").fill(description)


def submit_snap(page, toast: str | None = None) -> None:  # noqa: ANN001
    """Submit; with ``toast``, wait for it (已提交 online, 已保存，等待同步 offline)."""
    page.locator("[data-test=snap-submit]").click()
    if toast:
        page.locator(".van-toast", has_text=toast).wait_for()


def snap_offline(phone, page, files: Sequence[Path | str], site: str, category: str,  # noqa: ANN001
                 description: str | None = None) -> None:
    """A 随手拍 report made offline: the form opened, the phone offline, photos, site, category
    and description, submitted; returns once the phone says it is saved to send later."""
    open_snap(page)
    phone.set_offline(True)
    add_snap_photos(page, files)
    fill_snap(page, site, category, description)
    submit_snap(page, SAVED_OFFLINE)
