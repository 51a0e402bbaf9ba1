"""Phone app and desk console benchmark: first-screen weight and time to first render of 首页, and the
console's first screen (the hazards table, 50 rows) time to interactive.

Starts the real app (uvicorn, temporary SQLite database, the built pwa/dist) on 127.0.0.1, signs in
a user, and loads 首页 in Debian's headless Chromium as a phone (390x844, touch) with 4x CPU
throttling and DevTools' "Fast 3G" profile: once cold (empty cache, no service worker) and then
warm (service worker installed, app shell precached). Prints the gzipped size of the JS and CSS the
first screen loaded and the time from navigation start until 首页 showed the user's data, and beside
them the lazy chunks the first screen must never load (the QR viewfinder and its decoder, the photo
editor, the group views with ECharts), with their sizes from pwa/dist.

The console (/console/hazards?limit=50) is loaded at a desk (1440x900) with the same 4x CPU slowdown
and no network throttling (a desk on the campus network), on a cold cache (a new browser context, no
service worker) each run, for a center manager with 60 hazards whose photos are real uploads (the
thumbnails load too). Time to interactive: from navigation start until the table shows its 50 rows
and the main thread is free again (a task queued when they appear runs).

Usage: .venv/bin/python bench/pwa.py [--runs N]       (build first: cd pwa && npm run build)

Budgets: phone (issue 5) first-screen JS+CSS <= 150 KB gzipped, warm start < 1 s; console (issue 15)
interactive < 2 s.
"""

import argparse
import gzip
import re
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
           "uploadThroughput": 750 * 1024 / 8 * 0.9}
BUDGET_KB = 150
# chunks only a tap loads (扫码签到, 标注); their file names as Vite writes them into pwa/dist/assets
LAZY = {
    "QR viewfinder": re.compile(r"^QrScanner-[\w-]+\.(js|css)$"),
    "QR decoder (ZXing, JS)": re.compile(r"^qrWasm-[\w-]+\.js$"),
    "QR decoder (ZXing, .wasm)": re.compile(r"^zxing_reader-[\w-]+\.wasm$"),
    "photo editor": re.compile(r"^PhotoMarkup-[\w-]+\.(js|css)$"),
    "control room + monthly report (ECharts)": re.compile(r"^group-views-[\w-]+\.(js|css)$"),
    "desk console (Element Plus)": re.compile(r"^console(-ui)?-[\w-]+\.(js|css)$"),
}
CONSOLE_BUDGET_MS = 2000
CONSOLE_ROWS = 50
WARM_BUDGET_MS = 1000

# records when the console's table shows its rows, then when the main thread is next free
CONSOLE_MARK = """
new MutationObserver((_, obs) => {
  if (document.querySelectorAll('[data-test=hazard-table] tbody tr').length >= ROWS) {
    window.__rowsAt = performance.now(); obs.disconnect()
    setTimeout(() => { window.__consoleAt = performance.now() }, 0)
  }
}).observe(document, { childList: true, subtree: true })
""".replace("ROWS", str(CONSOLE_ROWS))

# records when 首页 is on screen, measured inside the page (no round trip in the figure)
MARK = """
new MutationObserver((_, obs) => {
  if (document.querySelector('[data-test=home] .hello .name')?.textContent) {
    window.__homeAt = performance.now(); obs.disconnect()
  }
}).observe(document, { childList: true, subtree: true, characterData: true })
"""


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not (ROOT / "pwa" / "dist" / "index.html").is_file():
        print("pwa/dist is missing: run `cd pwa && npm ci && npm run build` first")
        return 2
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install -y chromium")
        return 2

    import httpx2 as httpx
    from playwright.sync_api import sync_playwright

    from backend.vocab import Role
    from tests.factories import PASSWORD
    from tests.live import LiveServer

    with tempfile.TemporaryDirectory() as tmp:
        live = LiveServer.start(Path(tmp), "sqlite://")
        try:
            session, make = live.factory()
            user = make.user(Role.center_manager, username="bench")
            site_id = make.org.kitchen.id
            session.close()
            login = httpx.post(f"{live.base_url}/api/v1/auth/login",
                               json={"username": user.username, "password": PASSWORD}).json()
            stored = {"token": login["access_token"], "user": login["user"],
                      "expiresAt": login["expires_at"], "expired": False}
            seed_hazards(live.base_url, login["access_token"], site_id, CONSOLE_ROWS + 10)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
                cold, warm, sizes = [], [], []
                for _ in range(args.runs):
                    c, w, s = one_run(browser, live.base_url, stored)
                    cold.append(c)
                    warm.append(w)
                    sizes.append(s)
                desk = [console_run(browser, live.base_url, stored) for _ in range(args.runs)]
                browser.close()
        finally:
            live.stop()

    first, total, files, seen = sizes[0]
    print("PWA first screen (首页), phone 390x844, 4x CPU slowdown, Fast 3G")
    for name, size in sorted(files.items(), key=lambda kv: -kv[1]):
        print(f"  {size / 1024:7.1f} KB gz  {name}")
    print(f"first-screen JS+CSS: {first / 1024:.1f} KB gzipped (budget {BUDGET_KB} KB) "
          f"{'OK' if first / 1024 <= BUDGET_KB else 'OVER'}; all JS+CSS fetched on the first visit "
          f"{total / 1024:.1f} KB")
    lazy_report(seen)
    print(f"cold start to 首页: median {statistics.median(cold):.0f} ms  (runs: "
          f"{', '.join(f'{x:.0f}' for x in cold)})")
    print(f"warm start to 首页 (service worker): median {statistics.median(warm):.0f} ms  (runs: "
          f"{', '.join(f'{x:.0f}' for x in warm)}; budget < {WARM_BUDGET_MS} ms) "
          f"{'OK' if statistics.median(warm) < WARM_BUDGET_MS else 'OVER'}")
    console_report(desk)
    return 0


def seed_hazards(base: str, token: str, site_id: int, n: int) -> None:
    """``n`` hazards reported through the API, each with a real (small) photo."""
    import io

    import httpx2 as httpx
    from PIL import Image

    with httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"},
                      timeout=60) as client:
        for k in range(n):
            out = io.BytesIO()
            Image.new("RGB", (640, 480), (k * 4 % 256, 120, 200 - k % 100)).save(out, "JPEG")
            photo = client.post("/photos", files={"file": ("p.jpg", out.getvalue(), "image/jpeg")})
            photo.raise_for_status()
            client.post("/hazards", json={
                "title": f"灭火器压力不足（{k + 1}）", "site_id": site_id, "category": "fire",
                "grade": "general", "photo_ids": [photo.json()["id"]]}).raise_for_status()


Desk = tuple[float, float, float, float, dict[str, int]]  # shell, list asked, rows, interactive, files


def console_run(browser, base: str, stored: dict) -> Desk:  # noqa: ANN001
    """The console's hazards table at a desk, cold: a new context, 4x CPU slowdown."""
    import json

    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    context.add_init_script(f"localStorage.setItem('anxun.session', {json.dumps(json.dumps(stored))})")
    context.add_init_script(CONSOLE_MARK)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(f"{base}/console/hazards?limit={CONSOLE_ROWS}")
    page.wait_for_function("() => window.__consoleAt !== undefined", timeout=120000)
    rows_at, ready_at = page.evaluate("[window.__rowsAt, window.__consoleAt]")
    seen = page.evaluate("""() => performance.getEntriesByType('resource').map((e) => [e.name, e.startTime])""")
    files = {name: gz_size(name) for url, _ in seen if "/assets/" in url
             and (name := url.split("?")[0].rsplit("/", 1)[-1]).endswith((".js", ".css"))}
    # the floor of the run: the app's entry (shared with the phone) until it asks for the console's code
    shell = min(at for url, at in seen if "/assets/console-" in url)
    asked = min(at for url, at in seen if "/api/v1/hazards?" in url)
    context.close()
    return shell, asked, rows_at, ready_at, files


def console_report(runs: list[Desk]) -> None:
    ready = [r for _, _, _, r, _ in runs]
    files = runs[0][4]
    print(f"\nDesk console first screen (隐患管理, {CONSOLE_ROWS} rows), 1440x900, 4x CPU slowdown, "
          "no network throttling, cold cache")
    for name, size in sorted(files.items(), key=lambda kv: -kv[1]):
        print(f"  {size / 1024:7.1f} KB gz  {name}")
    print(f"console JS+CSS: {sum(files.values()) / 1024:.1f} KB gzipped")
    print(f"app shell until the console's code is asked for (the floor): median "
          f"{statistics.median(s for s, _, _, _, _ in runs):.0f} ms; the list asked for: median "
          f"{statistics.median(a for _, a, _, _, _ in runs):.0f} ms")
    print(f"rows on screen: median {statistics.median(r for _, _, r, _, _ in runs):.0f} ms; interactive: "
          f"median {statistics.median(ready):.0f} ms  (runs: {', '.join(f'{x:.0f}' for x in ready)}; "
          f"budget < {CONSOLE_BUDGET_MS} ms) {'OK' if statistics.median(ready) < CONSOLE_BUDGET_MS else 'OVER'}")


def gz_size(asset: str) -> int:
    """Gzipped size of a built file: the bytes the server sends for /assets/<asset>."""
    return len(gzip.compress((ROOT / "pwa" / "dist" / "assets" / asset).read_bytes(), 6))


def lazy_report(first_visit: set[str]) -> None:
    """The lazy chunks' gzipped sizes (from the build) and whether the page fetched any of them on
    its first visit to 首页."""
    assets = ROOT / "pwa" / "dist" / "assets"
    precache = (ROOT / "pwa" / "dist" / "sw.js").read_text()
    print("lazy chunks (loaded on a tap, never by the first screen):")
    for label, pattern in LAZY.items():
        names = sorted(p.name for p in assets.iterdir() if pattern.match(p.name))
        size = sum(gz_size(n) for n in names)
        loaded = first_visit & set(names)
        cached = "precached" if any(n in precache for n in names) else "not precached"
        print(f"  {size / 1024:7.1f} KB gz  {label}: {', '.join(names) or 'MISSING'} "
              f"{'LOADED BY THE FIRST SCREEN' if loaded else 'not loaded by the first screen: OK'}"
              f" ({cached})")


Sizes = tuple[int, int, dict[str, int], set[str]]  # first screen, first visit, its files, all names


def one_run(browser, base: str, stored: dict) -> tuple[float, float, Sizes]:  # noqa: ANN001
    import json

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    context.add_init_script(f"localStorage.setItem('anxun.session', {json.dumps(json.dumps(stored))})")
    context.add_init_script(MARK)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})

    page.goto(f"{base}/")
    page.wait_for_function("() => window.__homeAt !== undefined", timeout=120000)
    cold = page.evaluate("window.__homeAt")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120000)
    page.wait_for_load_state("networkidle")
    # the page's own resource timeline: which files had arrived when 首页 showed (the service
    # worker's precache downloads are not the page's and are not counted)
    loaded = page.evaluate("""() => performance.getEntriesByType('resource').map(
        (e) => [e.name, e.responseEnd <= window.__homeAt])""")
    fetched = [(name, gz_size(name), before) for url, before in loaded
               if (name := url.split("?")[0].rsplit("/", 1)[-1]).endswith((".js", ".css", ".wasm"))
               and "/assets/" in url]
    first = sum(size for _, size, before in fetched if before)
    total = sum(size for _, size, _ in fetched)
    files = {name: size for name, size, before in fetched if before}

    page.reload()
    page.wait_for_function("() => window.__homeAt !== undefined", timeout=120000)
    warm = page.evaluate("window.__homeAt")
    context.close()
    return cold, warm, (first, total, files, {name for name, _, _ in fetched})


if __name__ == "__main__":
    sys.exit(main())
