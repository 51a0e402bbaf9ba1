"""The built PWA is served at / without ever shadowing the API (no browser needed)."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from backend.main import create_app


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=app></div>", encoding="utf-8")
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {})", encoding="utf-8")
    (tmp_path / "manifest.webmanifest").write_text("{}", encoding="utf-8")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    return tmp_path


@pytest.fixture
def web(settings, engine, dist) -> TestClient:  # noqa: ANN001
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


def test_without_a_build_root_points_at_the_docs(settings, engine, tmp_path) -> None:  # noqa: ANN001
    settings.pwa_dir = tmp_path / "none"
    client = TestClient(create_app(settings, engine), follow_redirects=False)
    assert client.get("/").headers["location"] == "/docs"

