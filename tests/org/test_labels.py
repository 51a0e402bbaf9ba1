"""Printable QR labels: the PDF a manager prints is scanned, as a phone would, back to the
site's check-in link, which resolves to that site."""

import io

import pypdfium2
import pytest
import zxingcpp

from backend.org import labels
from backend.org import service as org
from backend.vocab import Role, SiteKind

PUBLIC = "https://anxun.example.edu.cn"


def scanned(pdf: bytes) -> list[list[str]]:
    """Each page rendered at 150 dpi, as printed, and the QR codes read off it in label order."""
    pages = []
    for page in pypdfium2.PdfDocument(io.BytesIO(pdf)):
        image = page.render(scale=150 / 72).to_pil()
        found = zxingcpp.read_barcodes(image)
        # label order: top to bottom, then left to right
        found.sort(key=lambda r: (round(r.position.top_left.y / 100), r.position.top_left.x))
        pages.append([r.text for r in found])
    return pages


@pytest.fixture
def manager(make):
    return make.user(Role.center_manager, center=make.org.catering)


def test_a_label_scans_to_the_sites_check_in(client, make, manager, settings):
    settings.public_url = PUBLIC
    kitchen = make.org.kitchen
    resp = client.get("/api/v1/sites/labels.pdf", params={"site_id": kitchen.id},
                      headers=make.headers(manager))
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/pdf"
    assert "attachment" in resp.headers["content-disposition"]
    assert scanned(resp.content) == [[f"{PUBLIC}/s/{kitchen.code}"]]
    code = scanned(resp.content)[0][0].rsplit("/s/", 1)[1]
    site = client.get(f"/api/v1/sites/by-code/{code}", headers=make.headers(manager)).json()
    assert site["id"] == kitchen.id


def test_labels_come_in_the_order_asked_eight_to_a_page(client, make, manager, settings):
    settings.public_url = PUBLIC
    sites = [org.create_site(make.db, make.org.group.id, campus_id=make.org.campus.id,
                             center_id=make.org.catering.id, name=f"{n}号操作间",
                             kind=SiteKind.canteen, location=None) for n in range(9)]
    make.db.commit()
    asked = list(reversed(sites))
    resp = client.get("/api/v1/sites/labels.pdf", params={"site_id": [s.id for s in asked]},
                      headers=make.headers(manager))
    assert resp.status_code == 200, resp.text
    links = [f"{PUBLIC}/s/{s.code}" for s in asked]
    assert scanned(resp.content) == [links[:8], links[8:]]


def test_the_print_pages_labels_are_the_pdfs(client, make, manager, settings):
    """GET /sites/labels: the same text and link as the PDF's labels, in the order asked, with
    the QR segno draws for the PDF as an SVG."""
    settings.public_url = PUBLIC
    kitchen = make.org.kitchen
    second = org.create_site(make.db, make.org.group.id, campus_id=make.org.campus.id,
                             center_id=make.org.catering.id, name="面点间",
                             kind=SiteKind.canteen, location=None)
    make.db.commit()
    params = {"site_id": [second.id, kitchen.id]}
    resp = client.get("/api/v1/sites/labels", params=params, headers=make.headers(manager))
    assert resp.status_code == 200, resp.text
    shown = resp.json()
    pdf = client.get("/api/v1/sites/labels.pdf", params=params, headers=make.headers(manager))
    assert [label["checkin_url"] for label in shown] == scanned(pdf.content)[0]
    assert [(label["site_id"], label["name"], label["campus"], label["center"], label["code"])
            for label in shown] == [
        (s.id, s.name, make.org.campus.name, make.org.catering.name, s.code)
        for s in (second, kitchen)]
    assert shown[1]["qr_svg"] == labels.qr_svg_uri(f"{PUBLIC}/s/{kitchen.code}")
    assert shown[1]["qr_svg"].startswith("data:image/svg+xml")


def test_without_a_public_url_the_link_is_to_the_address_asked(client, make, manager):
    resp = client.get("/api/v1/sites/labels.pdf", params={"site_id": make.org.kitchen.id},
                      headers=make.headers(manager))
    assert scanned(resp.content) == [[f"http://testserver/s/{make.org.kitchen.code}"]]


@pytest.mark.parametrize("path", ["/api/v1/sites/labels.pdf", "/api/v1/sites/labels"])
def test_another_centers_site_is_not_found(client, make, manager, path):
    resp = client.get(path, params={"site_id": [make.org.kitchen.id, make.org.dorm.id]},
                      headers=make.headers(manager))
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "site_not_found"
    assert resp.json()["error"]["details"] == {"site_ids": [make.org.dorm.id]}


@pytest.mark.parametrize("path", ["/api/v1/sites/labels.pdf", "/api/v1/sites/labels"])
@pytest.mark.parametrize("params", [{}, {"site_id": list(range(1, 202))}, {"site_id": "x"}])
def test_a_bad_selection_is_refused(client, make, manager, params, path):
    resp = client.get(path, params=params, headers=make.headers(manager))
    assert resp.status_code == 422
