"""The built PWA is served at / without ever shadowing the API, under a content security policy
(the last test runs the real build in Chromium and watches for anything the policy blocks)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.main import create_app
from backend.vocab import Role
from tests.e2e.conftest import new_phone
from tests.factories import PASSWORD
from tests.photos.images import encode, halves


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=app></div>", encoding="utf-8")
    (tmp_path / "console.html").write_text("<!doctype html><div id=console></div>", encoding="utf-8")
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {})", encoding="utf-8")
    (tmp_path / "manifest.webmanifest").write_text("{}", encoding="utf-8")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    return tmp_path


@pytest.fixture
def web(settings, engine, dist) -> TestClient:
    settings.pwa_dir = dist
    return TestClient(create_app(settings, engine))


def test_index_and_service_worker_are_not_cached(web: TestClient) -> None:
    for path in ("/", "/sw.js", "/manifest.webmanifest"):
        resp = web.get(path)
        assert resp.status_code == 200, path
        assert resp.headers["cache-control"] == "no-cache", path
    assert "id=app" in web.get("/").text


def test_hashed_assets_are_immutable(web: TestClient) -> None:
    resp = web.get("/assets/index-abc123.js")
    assert resp.status_code == 200
    assert resp.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert web.get("/assets/missing-zzz.js").status_code == 404


@pytest.mark.parametrize("path", ["/hazards/12", "/s/KITCHEN-01", "/patrol/abc-def", "/me"])
def test_app_routes_fall_back_to_index(web: TestClient, path: str) -> None:
    resp = web.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 200
    assert "id=app" in resp.text
    assert resp.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize("path", ["/console", "/console/hazards", "/console/modules/3/edit",
                                  "/console/sites/labels"])
def test_the_desk_console_gets_its_own_entry(web: TestClient, path: str) -> None:
    resp = web.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 200
    assert "id=console" in resp.text and "id=app" not in resp.text
    assert resp.headers["cache-control"] == "no-cache"
    assert "id=app" in web.get("/consoles", headers={"Accept": "text/html"}).text  # not the console


def test_the_fallback_never_swallows_the_server(web: TestClient) -> None:
    missing = web.get("/api/v1/nope", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert web.get("/api").status_code == 404
    assert web.post("/api/v1/me").status_code == 405  # the API's own answer, untouched
    assert web.post("/hazards/12").status_code == 404
    assert web.get("/openapi.json").json()["info"]["title"]
    assert web.get("/docs").status_code == 200
    assert web.get("/healthz").json() == {"status": "ok"}
    assert web.get("/readyz").status_code in (200, 503)
    assert web.get("/favicon-missing.png").status_code == 404
    assert web.get("/../backend/main.py").status_code == 404


def test_without_a_build_root_points_at_the_docs(settings, engine, tmp_path) -> None:
    settings.pwa_dir = tmp_path / "none"
    client = TestClient(create_app(settings, engine), follow_redirects=False)
    assert client.get("/").headers["location"] == "/docs"



def policy_of(resp) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in
                resp.headers["content-security-policy"].split(";"))


@pytest.mark.parametrize("path", ["/", "/sw.js", "/manifest.webmanifest",
                                  "/assets/index-abc123.js", "/hazards/12"])
def test_the_app_is_served_under_a_content_security_policy(web: TestClient, path: str) -> None:
    resp = web.get(path, headers={"Accept": "text/html"})
    assert resp.status_code == 200
    policy = policy_of(resp)
    assert policy["default-src"] == policy["connect-src"] == policy["worker-src"] == "'self'"
    # WebAssembly (the QR reader) may compile; JavaScript eval stays forbidden
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert policy["img-src"] == "'self' blob: data:"  # photos being captured are blob: URLs
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert resp.headers["referrer-policy"] == "no-referrer"


def test_photo_files_keep_their_own_stricter_policy(client: TestClient, make) -> None:
    headers = make.headers(make.user(Role.inspector))
    photo = client.post("/api/v1/photos", headers=headers,
                        files={"file": ("p.jpg", encode(halves(), "JPEG"), "image/jpeg")})
    assert photo.status_code == 201, photo.text
    for url in photo.json()["urls"].values():
        resp = client.get(url.replace("http://testserver", ""))
        assert resp.status_code == 200
        assert resp.headers.get_list("content-security-policy") == \
            ["default-src 'none'; sandbox"]
        assert resp.headers.get_list("x-content-type-options") == ["nosniff"]


CATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
    window.__violations.push({directive: e.effectiveDirective, blocked: e.blockedURI}));
"""


@pytest.fixture(scope="module")
def manager(live):
    """Module scope: made before the browser fixture starts Playwright's event loop."""
    session, make = live.factory()
    user = make.user(Role.center_manager)
    session.close()
    return user


def test_the_real_app_runs_in_a_browser_without_policy_violations(live, manager, browser) -> None:
    context = new_phone(browser)
    context.add_init_script(CATCH_VIOLATIONS)
    page = context.new_page()
    page.goto(f"{live.base_url}/login")
    page.locator("input[name=username]").fill(manager.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("[data-test=login]").click()
    page.locator("[data-test=home]").wait_for()
    violations = []
    for tab in ("/patrol", "/snap", "/hazards", "/me", "/"):
        page.goto(f"{live.base_url}{tab}")
        page.wait_for_load_state("networkidle")
        violations += page.evaluate("() => window.__violations")
    assert page.evaluate("() => document.fonts.check('16px vant-icon')")  # icons: the data: font
    # only the icon font's never-needed second source, on a third-party host, may be refused
    fallback = [v for v in violations if v["directive"] == "font-src"
                and v["blocked"].startswith("http") and not v["blocked"].startswith(live.base_url)]
    assert [v for v in violations if v not in fallback] == []
    context.close()
