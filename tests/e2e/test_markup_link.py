"""A photo marked up in 随手拍 reaches the server as a second photo linked to its original
(`markup_of_id`); the original is the uploader's, untouched: the bytes the phone took."""

import hashlib
import uuid

import httpx2 as httpx
import pytest

from backend.vocab import Role
from tests.e2e.conftest import jpeg, shot
from tests.e2e.steps import (
    api,
    drag,
    fill_snap,
    login,
    submit_snap,
    synced,
    wait_for_service_worker,
    wait_until,
)


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    orgs = make.org
    inspector = make.user(Role.inspector, username=f"mk-{uuid.uuid4().hex[:6]}")
    yield {"org": orgs, "inspector": inspector}
    session.close()


def stored_photos(page) -> dict[str, dict]:  # noqa: ANN001
    """The phone's IndexedDB: photo client id -> {markupOf, sha256}."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('anxun')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
            const req = open.result.transaction('photos').objectStore('photos').getAll()
            req.onsuccess = () => resolve(Object.fromEntries(req.result.map(
                (p) => [p.id, { markupOf: p.markupOf ?? null, sha256: p.sha256 }])))
            req.onerror = () => reject(req.error)
        }
    })""")


def test_a_marked_up_copy_names_its_untouched_original(live, world, phone, tmp_path):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    wait_for_service_worker(page)
    client = api(live, world["inspector"])
    before = {h["id"] for h in client.get("/hazards", params={"limit": 200}).json()["items"]}

    taken = jpeg(1600, 1200, seed=77)  # a small JPEG: the phone keeps it byte for byte
    original_file = tmp_path / "drain.jpg"
    original_file.write_bytes(taken)
    with page.expect_file_chooser() as chooser:
        page.locator(".van-tabbar-item", has_text="随手拍").click()
    chooser.value.set_files(str(original_file))
    page.locator("[data-test=snap-photos] .van-uploader__preview").first.wait_for()

    page.locator("[data-test=markup]").first.click()
    page.locator("[data-test=markup-editor]").wait_for()
    page.wait_for_function("() => document.querySelector('[data-test=markup-canvas]')?.width > 300")
    box = page.locator("[data-test=markup-canvas]").bounding_box()
    assert box
    page.locator("[data-test=markup-circle]").click()
    drag(page, box, (0.3, 0.3), (0.7, 0.7))
    page.locator("[data-test=markup-done]").click()
    page.locator("[data-test=markup-copy]").wait_for()

    local = stored_photos(page)
    copy_id = next(pid for pid, p in local.items() if p["markupOf"])
    original_id = local[copy_id]["markupOf"]
    assert local[original_id]["sha256"] == hashlib.sha256(taken).hexdigest()

    # offline, so both photos wait in the queue and the copy must follow its original
    phone.set_offline(True)
    fill_snap(page, world["org"].kitchen.name, "hygiene", "排水沟盖板缺失")
    submit_snap(page)
    page.locator("[data-test=sync-badge]", has_text="1 条待同步").wait_for()
    phone.set_offline(False)
    synced(page)

    new = wait_until(lambda: [h for h in client.get("/hazards", params={"limit": 200}).json()["items"]
                              if h["id"] not in before])
    assert len(new) == 1
    photos = client.get(f"/hazards/{new[0]['id']}").json()["photos"]
    original, copy = photos
    assert (original["client_id"], copy["client_id"]) == (original_id, copy_id)
    assert copy["markup_of_id"] == original["id"]
    assert original["markup_of_id"] is None
    assert original["uploader_id"] == copy["uploader_id"] == world["inspector"].id
    # the original is readable and is exactly what the phone took
    assert original["sha256"] == hashlib.sha256(taken).hexdigest() != copy["sha256"]
    read = client.get(f"/photos/{original['id']}").json()  # fresh signed URLs
    assert read["markup_of_id"] is None
    stored = httpx.get(live.base_url + read["urls"]["original"] if read["urls"]["original"].startswith("/")
                       else read["urls"]["original"])
    assert stored.status_code == 200
    assert hashlib.sha256(stored.content).hexdigest() == original["sha256"]

    # on the hazard, the copy is labelled as the marked-up one
    page.goto(f"{live.base_url}/hazards/{new[0]['id']}")
    page.locator("[data-test=strip-tag]").first.wait_for()
    tags = page.locator("[data-test=hazard-detail] .photos__col").first.locator("[data-test=strip-tag]")
    assert tags.count() == 1
    shot(page, "markup-link-01-hazard-detail")
    # swiped to the second photo: the copy, labelled
    page.locator("[data-test=hazard-detail] .ax-strip__row").first.evaluate("(row) => { row.scrollLeft = row.scrollWidth }")
    page.wait_for_timeout(300)
    shot(page, "markup-link-02-copy-labelled")
