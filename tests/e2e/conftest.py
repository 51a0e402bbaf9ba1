"""Browser tests: Debian's Chromium driven by Playwright for Python against the real app (uvicorn on
its own database) serving the built PWA. Skipped, with the reason, only when Chromium is absent."""

import io
import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PWA = ROOT / "pwa"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("ANXUN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
DESK = {"viewport": {"width": 1440, "height": 900}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def chromium_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return (f"Chromium not found at {CHROMIUM}: browser tests skipped "
                "(apt-get install -y chromium; .ci/run does this)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed: pip install -e '.[dev]'"
    return None


@pytest.fixture(scope="session")
def pwa_built() -> Path:
    """The PWA build the live server serves (built here when `make test` did not)."""
    dist = PWA / "dist"
    if not (dist / "index.html").is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("pwa/dist is missing and npm is not available to build it")
        if not (PWA / "node_modules").is_dir():
            subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=PWA, check=True)
        subprocess.run([npm, "run", "build"], cwd=PWA, check=True)
    return dist


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest) -> Iterator["object"]:
    reason = chromium_missing()
    if reason:
        pytest.skip(reason)
    request.getfixturevalue("pwa_built")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, request) -> Iterator["object"]:  # noqa: ANN001
    """A fresh phone (browser context): its own IndexedDB, service worker and cache."""
    context = new_phone(browser)
    yield context
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        for n, page in enumerate(context.pages):
            shot(page, f"FAILED-{request.node.name}-{n}")
    context.close()


@pytest.fixture
def desk(browser, request) -> Iterator["object"]:  # noqa: ANN001
    """A desk browser for the console: 1440x900, zh-CN, Asia/Shanghai."""
    context = browser.new_context(**DESK)
    context.set_default_timeout(15000)
    context.on("page", lambda page: page.on("pageerror", lambda err: print(f"[pageerror] {err}")))
    yield context
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        for n, page in enumerate(context.pages):
            shot(page, f"FAILED-{request.node.name}-{n}")
    context.close()


def new_phone(browser):  # noqa: ANN001, ANN201
    context = browser.new_context(**PHONE)
    context.set_default_timeout(15000)
    # the browser's console goes to the test's captured output, shown when a test fails
    context.on("page", lambda page: (
        page.on("console", lambda msg: print(f"[console.{msg.type}] {msg.text}")),
        page.on("pageerror", lambda err: print(f"[pageerror] {err}")),
    ))
    return context


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def jpeg(width: int = 3000, height: int = 2000, seed: int | None = None,
         taken: str | None = None, offset: str | None = None) -> bytes:
    """A photo as a phone camera makes it: large, with detail (so every one is different); with
    ``taken`` ("YYYY:MM:DD HH:MM:SS") its EXIF has DateTimeOriginal (and OffsetTimeOriginal)."""
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    img = Image.new("RGB", (width, height), (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rnd.randrange(width), rnd.randrange(height)
        draw.rectangle([x, y, x + rnd.randrange(50, 600), y + rnd.randrange(50, 600)],
                       fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    out = io.BytesIO()
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
        if offset:
            exif.get_ifd(0x8769)[0x9011] = offset  # OffsetTimeOriginal
    img.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()
