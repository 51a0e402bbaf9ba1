"""Capture on the phone: photos (grid, limit, mark-up), the sync badge, 随手拍 camera first, live QR
scanning through a fake camera, and what the first screen loads."""

import io
import re
import uuid
from pathlib import Path

import pytest
import segno
from PIL import Image

from backend.org import service as org
from backend.vocab import Role, SiteKind
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, jpeg, new_phone, shot
from tests.e2e.steps import (
    api,
    drag,
    fill_snap,
    login,
    open_snap,
    snap_offline,
    submit_snap,
    synced,
    wait_for_service_worker,
    wait_until,
)

LAZY_CHUNKS = re.compile(r"/assets/(QrScanner|qrLive|qrWasm|zxing_reader|PhotoMarkup)[-.]")


@pytest.fixture(scope="module")
def world(live):  # noqa: ANN001
    session, make = live.factory()
    orgs = make.org
    campus, center = orgs.campus, orgs.catering
    inspector = make.user(Role.inspector, username=f"cap-{uuid.uuid4().hex[:6]}")
    admin = make.user(Role.admin, username=f"cap-adm-{uuid.uuid4().hex[:6]}")
    # a site that closes while a report made there waits on the phone: the report gets parked
    closing = org.create_site(session, campus.group_id, campus_id=campus.id, center_id=center.id,
                              name="三食堂后厨", kind=SiteKind.canteen, location=None)
    session.commit()
    yield {"org": orgs, "inspector": inspector, "admin": admin, "closing": closing.id}
    session.close()


def photo_files(tmp_path: Path, n: int, first_seed: int = 100) -> list[str]:
    paths = []
    for i in range(n):
        p = tmp_path / f"p{first_seed + i}.jpg"
        p.write_bytes(jpeg(800, 600, seed=first_seed + i))
        paths.append(str(p))
    return paths


def badge_clear_of_title(page) -> None:  # noqa: ANN001
    title = page.locator(".van-nav-bar__title").bounding_box()
    badge = page.locator("[data-test=sync-badge]").bounding_box()
    assert title and badge
    assert badge["x"] >= title["x"] + title["width"], (title, badge)


def stored_photo_links(page) -> dict[str, str | None]:  # noqa: ANN001
    """The phone's IndexedDB: photo client id -> the photo it is a marked-up copy of."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open('anxun')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
            const req = open.result.transaction('photos').objectStore('photos').getAll()
            req.onsuccess = () => resolve(Object.fromEntries(req.result.map((p) => [p.id, p.markupOf ?? null])))
            req.onerror = () => reject(req.error)
        }
    })""")


def test_first_screen_requests_no_qr_or_editor_chunk(live, world, phone):  # noqa: ANN001
    page = phone.new_page()
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    login(page, live, world["inspector"])
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if LAZY_CHUNKS.search(u)]
    assert any("/assets/index-" in u for u in requested)  # the log does see the app's assets

    # 随手拍 and 巡检 show their forms without the editor or the decoder either
    open_snap(page)
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=patrol]").wait_for()
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if LAZY_CHUNKS.search(u)]


def test_snap_opens_the_camera_and_a_marked_up_photo_keeps_its_original(live, world, phone, tmp_path):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    wait_for_service_worker(page)
    client = api(live, world["inspector"])
    before = {h["id"] for h in client.get("/hazards", params={"limit": 200}).json()["items"]}

    # 随手拍 opens the camera (the file input with capture=environment) on entry
    with page.expect_file_chooser() as chooser:
        page.locator(".van-tabbar-item", has_text="随手拍").click()
    assert chooser.value.element.get_attribute("capture") == "environment"
    original = tmp_path / "oil.jpg"
    original.write_bytes(jpeg(1600, 1200, seed=21))
    chooser.value.set_files(str(original))
    previews = page.locator("[data-test=snap-photos] .van-uploader__preview")
    previews.first.wait_for()

    page.locator("[data-test=markup]").first.click()
    page.locator("[data-test=markup-editor]").wait_for()
    canvas = page.locator("[data-test=markup-canvas]")
    page.wait_for_function("() => document.querySelector('[data-test=markup-canvas]')?.width > 300")
    box = canvas.bounding_box()
    assert box
    page.locator("[data-test=markup-circle]").click()
    drag(page, box, (0.55, 0.45), (0.85, 0.8))
    page.locator("[data-test=markup-arrow]").click()
    drag(page, box, (0.15, 0.15), (0.5, 0.5))
    page.locator("[data-test=markup-text]").click()
    page.mouse.click(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.9)
    page.locator("[data-test=markup-label] input").fill("油渍")
    page.locator("[data-test=markup-label-ok]").click()
    shot(page, "capture-01-markup-editor")
    page.locator("[data-test=markup-done]").click()
    page.locator("[data-test=markup-copy]").wait_for()
    assert previews.count() == 2

    links = stored_photo_links(page)
    originals = [pid for pid, of in links.items() if of is None]
    copies = {pid: of for pid, of in links.items() if of is not None}
    assert len(originals) == 1 and list(copies.values()) == originals

    phone.set_offline(True)
    fill_snap(page, world["org"].kitchen.name, "food", "灶台旁地面油渍未清理")
    shot(page, "capture-02-snap-two-photos")
    submit_snap(page)
    # one report with two photos: three outbox entries, one report to sync
    page.locator("[data-test=sync-badge]", has_text="1 条待同步").wait_for()
    badge_clear_of_title(page)
    shot(page, "capture-03-badge-one-report-offline")
    page.locator(".van-tabbar-item", has_text="我的").click()
    page.locator("[data-test=me-queue]", has_text="1 条待同步").wait_for()  # 我的 counts the same
    page.locator("[data-test=sync-badge]").click()
    page.locator("[data-test=queue-entry]").first.wait_for()
    badge_clear_of_title(page)
    shot(page, "capture-04-queue-offline")

    phone.set_offline(False)
    synced(page)
    new = wait_until(lambda: [h for h in client.get("/hazards", params={"limit": 200}).json()["items"]
                              if h["id"] not in before])
    assert len(new) == 1
    photos = client.get(f"/hazards/{new[0]['id']}").json()["photos"]
    # both reach the server, the original first and untouched, its marked-up copy right after it
    assert [p["client_id"] for p in photos] == [originals[0], next(iter(copies))]
    assert photos[0]["sha256"] != photos[1]["sha256"]
    assert (photos[0]["width"], photos[0]["height"]) == (photos[1]["width"], photos[1]["height"]) == (1600, 1200)


def test_the_tenth_photo_is_refused_with_a_message(live, world, phone, tmp_path):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    open_snap(page)
    files = page.locator("[data-test=snap-photos] input[type=file]")
    previews = page.locator("[data-test=snap-photos] .van-uploader__preview")
    files.set_input_files(photo_files(tmp_path, 7))
    wait_until(lambda: previews.count() == 7)
    assert "7/9" in page.locator("[data-test=photo-count]").inner_text()
    files.set_input_files(photo_files(tmp_path, 3, first_seed=200))
    page.locator(".van-toast", has_text="最多 9 张照片").wait_for()
    wait_until(lambda: previews.count() == 9)
    assert "已满 9 张" in page.locator("[data-test=photo-count]").inner_text()
    shot(page, "capture-05-ten-photos-refused")
    # nine photos in a grid of three rows, not a column down the page
    boxes = [previews.nth(i).bounding_box() for i in range(9)]
    assert len({round(b["y"]) for b in boxes}) == 3
    assert boxes[8]["y"] + boxes[8]["height"] - boxes[0]["y"] < 420
    # the upload tile is gone at the limit; a 10th photo through the input is still refused
    files.set_input_files(photo_files(tmp_path, 1, first_seed=300))
    page.locator(".van-toast", has_text="最多 9 张照片").wait_for()
    page.wait_for_timeout(500)
    assert previews.count() == 9


def qr_video(path: Path, payload: str) -> Path:
    """A Y4M clip (one frame, looped by Chromium) of a printed QR label on a grey desk."""
    out = io.BytesIO()
    segno.make(payload, error="m").save(out, kind="png", scale=8, border=4)
    label = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    label = label.resize((300, 300), Image.Resampling.NEAREST)
    frame = Image.new("RGB", (640, 480), (150, 150, 145))
    frame.paste(label, ((640 - 300) // 2, (480 - 300) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (320, 240)
    with path.open("wb") as f:
        f.write(b"YUV4MPEG2 W640 H480 F15:1 Ip A1:1 C420jpeg\n")
        f.write(b"FRAME\n" + y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes())
    return path


@pytest.fixture(scope="module")
def camera_browser(browser, world, live, tmp_path_factory):  # noqa: ANN001
    """A second Chromium (same Playwright) whose camera films a printed QR label of the kitchen."""
    clip = qr_video(tmp_path_factory.mktemp("camera") / "label.y4m",
                    f"{live.base_url}/s/{world['org'].kitchen.code}")
    camera = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
        *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={clip}"])
    yield camera
    camera.close()


def test_live_qr_scanning_checks_in_at_the_site(live, world, camera_browser):  # noqa: ANN001
    phone = new_phone(camera_browser)
    phone.grant_permissions(["camera"], origin=live.base_url)
    try:
        page = phone.new_page()
        requested: list[str] = []
        page.on("request", lambda req: requested.append(req.url))
        login(page, live, world["inspector"])
        page.locator(".van-tabbar-item", has_text="巡检").click()
        page.locator("[data-test=scan]").click()
        page.locator("[data-test=qr-scanner]").wait_for(state="attached")
        shot(page, "capture-06-qr-viewfinder")
        try:
            page.locator(".picked", has_text=world["org"].kitchen.name).wait_for()
        except Exception:
            shot(page, "FAILED-qr")
            raise
        page.locator(".picked", has_text="扫码签到").wait_for()
        shot(page, "capture-07-qr-checked-in")
        assert page.locator("[data-test=qr-scanner]").count() == 0
        # Linux Chromium has no BarcodeDetector for QR: the WebAssembly reader did it, from our origin
        wasm = [u for u in requested if u.endswith(".wasm")]
        assert wasm and all(u.startswith(live.base_url + "/assets/zxing_reader-") for u in wasm)
    finally:
        phone.close()


def test_removing_an_original_removes_its_marked_up_copy(live, world, phone, tmp_path):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    open_snap(page)
    page.locator("[data-test=snap-photos] input[type=file]").set_input_files(photo_files(tmp_path, 2, 400))
    previews = page.locator("[data-test=snap-photos] .van-uploader__preview")
    wait_until(lambda: previews.count() == 2)
    page.locator("[data-test=markup]").first.click()
    page.wait_for_function("() => document.querySelector('[data-test=markup-canvas]')?.width > 300")
    box = page.locator("[data-test=markup-canvas]").bounding_box()
    drag(page, box, (0.2, 0.2), (0.6, 0.6))
    page.locator("[data-test=markup-done]").click()
    page.locator("[data-test=markup-copy]").wait_for()
    assert previews.count() == 3
    # the copy sits right after its original; removing the original takes the copy with it
    assert previews.nth(1).locator("[data-test=markup-copy]").count() == 1
    previews.first.locator(".van-uploader__preview-delete").click()
    wait_until(lambda: previews.count() == 1)
    assert page.locator("[data-test=markup-copy]").count() == 0


def test_fixing_a_parked_report_reopens_the_form_not_the_camera(live, world, phone, tmp_path):  # noqa: ANN001
    page = phone.new_page()
    login(page, live, world["inspector"])
    snap_offline(phone, page, photo_files(tmp_path, 1, 500), "三食堂后厨", "fire")
    closed = api(live, world["admin"]).patch(f"/sites/{world['closing']}", json={"is_active": False})
    assert closed.status_code == 200, closed.text
    phone.set_offline(False)
    page.locator("[data-test=sync-badge]", has_text="需处理").wait_for(timeout=30000)
    page.locator("[data-test=sync-badge]").click()

    choosers: list[object] = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.locator("[data-test=fix]").first.click()
    page.locator("[data-test=fixing]").wait_for()
    page.locator("[data-test=snap-photos] .van-uploader__preview").wait_for()
    page.wait_for_timeout(500)
    assert not choosers  # its photo is there: the form, not the camera


def test_without_a_camera_the_label_is_photographed_instead(live, world, phone, tmp_path):  # noqa: ANN001
    label = tmp_path / "label.png"
    segno.make(f"{live.base_url}/s/{world['org'].kitchen.code}", error="m").save(str(label), scale=10, border=4)
    page = phone.new_page()
    login(page, live, world["inspector"])
    page.locator(".van-tabbar-item", has_text="巡检").click()
    page.locator("[data-test=scan]").click()
    # this Chromium has no camera: the viewfinder says so and offers the photo
    page.locator("[data-test=qr-scanner][data-state=failed]", has_text="请拍照识别").wait_for()
    shot(page, "capture-08-qr-no-camera")
    with page.expect_file_chooser() as chooser:
        page.locator("[data-test=qr-photo]").click()
    chooser.value.set_files(str(label))
    page.locator(".picked", has_text=world["org"].kitchen.name).wait_for()
    assert page.locator("[data-test=qr-scanner]").count() == 0


def test_nine_photos_on_a_hazard_are_one_strip_high(live, world, phone):  # noqa: ANN001
    client = api(live, world["inspector"])
    ids = [client.post("/photos", files={"file": (f"{n}.jpg", jpeg(800, 600, seed=600 + n), "image/jpeg")}).json()["id"]
           for n in range(9)]
    hazard = client.post("/hazards", json={"title": "配电间堆放杂物", "site_id": world["org"].kitchen.id,
                                           "category": "water_power", "grade": "general", "photo_ids": ids})
    assert hazard.status_code == 201, hazard.text
    page = phone.new_page()
    login(page, live, world["inspector"])
    page.goto(f"{live.base_url}/hazards/{hazard.json()['id']}")
    page.locator("[data-test=hazard-detail]").wait_for()
    strip = page.locator(".ax-strip").first
    strip.locator("img").nth(8).wait_for(state="attached")
    assert strip.locator("img").count() == 9
    assert "9 张" in strip.inner_text()
    box = strip.bounding_box()
    assert box and box["height"] < 200  # one 4:3 tile of half the screen, not nine stacked
    shot(page, "capture-09-hazard-nine-photos")
