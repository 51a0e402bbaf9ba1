"""Signed photo URLs are relative, or under the configured public URL: never built from the
request's Host header (``Host: evil.example`` once made the API hand out evil.example links)."""

from backend.photos.views import photo_out
from tests.photos.images import jpeg


def test_a_forged_host_never_reaches_the_urls(client, make, inspector):
    resp = client.post("/api/v1/photos", files={"file": ("p.jpg", jpeg(), "image/jpeg")},
                       headers={**make.headers(inspector), "Host": "evil.example"})
    assert resp.status_code == 201, resp.text
    urls = resp.json()["urls"]
    assert all(url.startswith("/api/v1/photos/") for url in urls.values())
    assert "evil.example" not in resp.text
    assert client.get(urls["thumb"]).status_code == 200


def test_urls_are_absolute_under_the_public_url(make, inspector, settings):
    photo = make.photo(inspector)
    configured = settings.model_copy(update={"public_url": "https://anxun.example.edu.cn/"})
    urls = photo_out(photo, configured).urls
    assert urls.web.startswith("https://anxun.example.edu.cn/api/v1/photos/")
