"""Photo pipeline benchmark: ingest time, memory and HTTP upload rates.

JPEG ingest time against a libjpeg-turbo floor, peak memory of one ingest, HEIC ingest time,
and HTTP upload throughput against a raw stream-to-disk server, in one run.

Usage: .venv/bin/python bench/photos.py [--runs N] [--uploads N]

Issue targets: JPEG ingest <= 2.5x `djpeg -scale 1/2`; peak RSS of one ingest < 80 MB;
the photo receive path (a raw image body: receive + hash + auth + database) >= 85% of raw
streaming; the multipart path (existing clients) is reported beside it. Everything runs on 127.0.0.1 inside a temporary
directory that is removed at the end, and every server started here is stopped.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from backend.photos import service
from backend.photos.processing import Watermark, process_image, register_heif
from backend.photos.storage import LocalStorage
from backend.photos.upload import receive_body, receive_upload

WIDTH, HEIGHT = 4000, 3000
MAX_PIXELS = 50_000_000  # the default ANXUN_UPLOAD_MAX_PIXELS
CONCURRENCY = 8
USERNAME, PASSWORD = "bench", "Bench-Photo-Pass-2026"
BOUNDARY = "anxun-bench-7f3c9a1e"
HTTP_TIMEOUT = 45  # seconds, per request (the server's SQLite busy timeout is 30 s)
PASS_DEADLINE = 60  # seconds, per HTTP pass: no new request starts after it
MB = 1e6
RECEIVE = "AnXun re-upload (receive+hash+auth+db)"
RECEIVE_MULTIPART = "AnXun re-upload, multipart"
FLOOR = "raw server, stream body to disk"


def log(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


# --- test images ------------------------------------------------------------------------------

def make_photo() -> Image.Image:
    """A camera-like frame: gradients, hard-edged shapes, a little blur and sensor noise."""
    rng = random.Random(2026)

    def gradient(angle: int) -> Image.Image:
        return Image.linear_gradient("L").rotate(angle).resize((WIDTH, HEIGHT))

    img = Image.merge("RGB", (gradient(30), gradient(160),
                              Image.radial_gradient("L").resize((WIDTH, HEIGHT))))
    draw = ImageDraw.Draw(img)
    for _ in range(300):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        box = (x, y, x + rng.randrange(20, 600), y + rng.randrange(20, 600))
        shape = rng.choice((draw.ellipse, draw.rectangle))
        shape(box, fill=tuple(rng.randrange(256) for _ in range(3)), outline=(0, 0, 0),
              width=rng.randrange(1, 6))
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    noise = Image.merge("RGB", [Image.effect_noise((WIDTH, HEIGHT), 8) for _ in range(3)])
    return ImageChops.add(img, noise, 1.0, -128)


def write_sources(directory: Path) -> tuple[Path, Path]:
    """The same frame as a quality-92 JPEG with EXIF orientation 6 and as a HEIC (pillow_heif
    stores the orientation as the container's rotation)."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° to display (a phone held upright)
    exif[0x010F] = "AnXun bench"
    exif.get_ifd(0x8769)[0x9003] = "2026:03:01 10:00:00"  # DateTimeOriginal
    img = make_photo()
    jpeg, heic = directory / "photo.jpg", directory / "photo.heic"
    img.save(jpeg, "JPEG", quality=92, exif=exif.tobytes())
    img.save(heic, "HEIF", quality=60, enc_params={"preset": "ultrafast"}, exif=exif.tobytes())
    return jpeg, heic


def variant(jpeg: bytes, n: int) -> bytes:
    """The same image with its own COM segment after SOI: different bytes, so no dedup."""
    comment = f"anxun bench upload {n}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def multipart(jpeg: bytes, n: int) -> bytes:
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"IMG_{n:04d}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
    return head.encode() + jpeg + f"\r\n--{BOUNDARY}--\r\n".encode()


# --- in-process ingest ------------------------------------------------------------------------

def watermark() -> Watermark:
    return Watermark(("随手拍 · bench",), service.find_cjk_font(None), datetime.now(UTC))


def ingest(source: Path, work: Path, mark: Watermark) -> float:
    """Seconds for one ingest on the real code path (validate + hash + both derivatives + store),
    on a fresh copy of ``source`` into a fresh storage, so the original is written every time."""
    run = work / uuid.uuid4().hex
    run.mkdir()
    copy = run / f"upload{source.suffix}"
    shutil.copyfile(source, copy)
    start = time.perf_counter()
    processed = process_image(str(copy), MAX_PIXELS, mark)
    service.store(LocalStorage(run / "storage"), processed, copy, uuid.uuid4().hex)
    elapsed = time.perf_counter() - start
    shutil.rmtree(run)
    return elapsed


def djpeg_half(source: Path) -> float:
    start = time.perf_counter()
    subprocess.run(["djpeg", "-scale", "1/2", str(source)], stdout=subprocess.DEVNULL,
                   check=True, timeout=60)
    return time.perf_counter() - start


def timed(fn: Callable[[], float], runs: int) -> list[float]:
    fn()  # warm-up: page cache, font, lazily loaded plugins
    return [fn() for _ in range(runs)]


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def peak_rss_child(source: str, work: str) -> float:
    """In a fresh spawned process that has imported everything: peak RSS growth (MB) of one
    ingest. VmHWM counts C allocations (tracemalloc would miss them) and, unlike ru_maxrss,
    does not inherit the peak of the parent that forked this process before exec."""
    register_heif()
    Image.init()
    mark = watermark()
    before = peak_rss_kib()
    ingest(Path(source), Path(work), mark)
    return (peak_rss_kib() - before) * 1024 / MB


def peak_rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def peak_rss(source: Path, work: Path) -> float:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply_async(peak_rss_child, (str(source), str(work))).get(timeout=120)


# --- HTTP -------------------------------------------------------------------------------------

async def raw_app(scope, receive, send) -> None:
    """The comparison server (run by uvicorn with --app-dir bench): ``/stream`` writes the
    request body to a file as it arrives; ``/multipart`` and ``/body`` receive it with AnXun's
    receivers (``receive_upload``, ``receive_body``) instead. Either way the file is then
    deleted."""
    async def body() -> AsyncIterator[bytes]:
        while True:
            message = await receive()
            yield message.get("body", b"")
            if not message.get("more_body"):
                return

    directory = Path(os.environ["BENCH_RAW_DIR"])
    headers = dict(scope["headers"])
    length = headers.get(b"content-length", b"").decode()
    if scope["path"] == "/multipart":
        upload = await receive_upload(headers.get(b"content-type", b"").decode(), length, body(),
                                      directory, 1 << 30)
        upload.discard()
    elif scope["path"] == "/body":
        (await receive_body(length, body(), directory, 1 << 30)).discard()
    else:
        fd, path = tempfile.mkstemp(dir=directory, prefix="raw-")
        with os.fdopen(fd, "wb") as out:
            async for chunk in body():
                out.write(chunk)
        os.unlink(path)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(args: list[str], port: int, env: dict[str, str], logfile: Path) -> Iterator[int]:
    """Run a server in its own process group until the block ends; wait until it accepts.
    Gives its pid."""
    with open(logfile, "wb") as out:
        proc = subprocess.Popen(args, env=env, cwd=logfile.parent, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{args[0]} did not start; log:\n{logfile.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:  # the server and anything it left behind (decode workers)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=15)


def anxun_cli(data_dir: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run([str(Path(sys.executable).with_name("anxun")), *args], env=env, cwd=data_dir,
                   check=True, capture_output=True, timeout=300)


def login(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        conn.request("POST", "/api/v1/auth/login", headers={"Content-Type": "application/json"},
                     body=json.dumps({"username": USERNAME, "password": PASSWORD}))
        response = conn.getresponse()
        text = response.read()
        if response.status != 200:
            raise RuntimeError(f"login failed: {response.status} {text[:300]!r}")
        return json.loads(text)["access_token"]
    finally:
        conn.close()


Send = tuple[str, bytes]  # a path with its query, a body


def upload_all(port: int, sends: list[Send], content_type: str,
               token: str | None = None) -> tuple[float, Counter[int | str]]:
    """POST every body over CONCURRENCY keep-alive connections (reopened after an error), for
    at most PASS_DEADLINE seconds; wall seconds and the count of each status or exception."""
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    pending, lock = iter(sends), threading.Lock()
    statuses: Counter[int | str] = Counter()
    deadline = time.monotonic() + PASS_DEADLINE

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
        while time.monotonic() < deadline:
            with lock:
                send = next(pending, None)
            if send is None:
                break
            path, body = send
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                outcome: int | str = response.status
            except (OSError, http.client.HTTPException) as exc:
                outcome = type(exc).__name__
                conn.close()  # the next request reconnects
            with lock:
                statuses[outcome] += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, statuses


def last_error(logfile: Path) -> str:
    """The last backend frame and exception line of a server log, for the report."""
    lines = logfile.read_text(errors="replace").splitlines()
    frames = [line.strip() for line in lines
              if line.strip().startswith("File") and "/backend/" in line]
    errors = [line for line in lines if line and not line[0].isspace() and "Error:" in line]
    return " | ".join(found[-1] for found in (frames, errors) if found)


class Pass(NamedTuple):
    label: str
    port: int
    sends: list[Send]
    content_type: str
    auth: bool
    expected: int  # status


def cpu_seconds(pid: int) -> float:
    """User and system CPU of a process so far, all its threads (not its children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def http_figures(tmp: Path, jpeg: bytes,
                 uploads: int) -> dict[str, tuple[float, float, float, str]]:
    """Successful uploads/s and MB/s of each pass, the server's CPU seconds per upload (its
    own process: the decode pool's workers are not counted), and the pass's statuses if any
    failed. AnXun gets
    the photos as raw bodies (the PWA's way: a client id each, in the query), then the same
    again (retries: receive + hash + auth + database, no decode), then as multipart forms
    (older clients; deduplicated by their bytes); the raw server streams the same bodies."""
    photos = [variant(jpeg, n) for n in range(uploads + 1)]  # the last: warm-up
    bodies: list[Send] = [(f"/api/v1/photos?client_id={uuid.uuid4()}", photo) for photo in photos]
    forms: list[Send] = [("/api/v1/photos", multipart(photo, n)) for n, photo in enumerate(photos)]
    data_dir, raw_dir = tmp / "anxun-data", tmp / "raw"
    data_dir.mkdir()
    raw_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANXUN_")}
    env |= {"ANXUN_DATA_DIR": str(data_dir), "BENCH_RAW_DIR": str(raw_dir)}
    log("anxun setup --demo, create-user")
    anxun_cli(data_dir, env, "setup", "--demo")
    anxun_cli(data_dir, env, "create-user", USERNAME, "--role", "inspector",
              "--center", "catering", "--password", PASSWORD)
    anxun_port, raw_port = free_port(), free_port()
    anxun_cmd = [str(Path(sys.executable).with_name("anxun")), "serve", "--host", "127.0.0.1",
                 "--port", str(anxun_port)]
    raw_cmd = [sys.executable, "-m", "uvicorn", "photos:raw_app",
               "--app-dir", str(Path(__file__).resolve().parent), "--host", "127.0.0.1",
               "--port", str(raw_port), "--loop", "uvloop", "--http", "httptools",
               "--lifespan", "off"]
    image, form = "image/jpeg", f"multipart/form-data; boundary={BOUNDARY}"

    def on_raw(path: str, sends: list[Send]) -> list[Send]:
        return [(path, body) for _, body in sends]

    ingest = Pass("AnXun upload, full ingest", anxun_port, bodies, image, True, 201)
    receives = (
        Pass(RECEIVE, anxun_port, bodies, image, True, 200),
        Pass(RECEIVE_MULTIPART, anxun_port, forms, form, True, 200),
        Pass("raw server, receive_body", raw_port, on_raw("/body", bodies), image, False, 200),
        Pass("raw server, multipart receive_upload", raw_port, on_raw("/multipart", forms),
             form, False, 200),
        Pass(FLOOR, raw_port, on_raw("/stream", bodies), image, False, 200),
    )
    warm_ups = (Pass("warm-up", anxun_port, bodies, image, True, 201),  # starts decode pool
                Pass("warm-up", anxun_port, forms, form, True, 200),
                Pass("warm-up", raw_port, on_raw("/multipart", forms), form, False, 200),
                Pass("warm-up", raw_port, on_raw("/stream", bodies), image, False, 200))
    # the receive passes take turns in rounds, so that a burst of other load on a shared
    # machine falls on all of them rather than on one (single passes of 48 uploads moved the
    # ratio between 54% and 96% from one run to the next at load average 8)
    rounds = max(1, min(4, uploads // (2 * CONCURRENCY)))
    steps = [step._replace(sends=step.sends[-1:]) for step in warm_ups]
    steps.append(ingest._replace(sends=ingest.sends[:-1]))
    steps += [step._replace(sends=step.sends[:-1][turn::rounds])
              for turn in range(rounds) for step in receives]
    totals: dict[str, list[float]] = {}  # label: seconds, successes, bytes, CPU seconds
    failures: dict[str, Counter[int | str]] = {}
    with server(anxun_cmd, anxun_port, env, data_dir / "server.log") as anxun_pid, \
            server(raw_cmd, raw_port, env, raw_dir / "server.log") as raw_pid:
        token = login(anxun_port)
        for label, port, batch, content_type, auth, expected in steps:
            log(f"{len(batch)} uploads: {label}")
            pid = anxun_pid if port == anxun_port else raw_pid
            cpu = cpu_seconds(pid)
            seconds, statuses = upload_all(port, batch, content_type, token if auth else None)
            cpu = cpu_seconds(pid) - cpu
            ok = statuses[expected]
            if ok != len(batch):
                logfile = (data_dir if port == anxun_port else raw_dir) / "server.log"
                log(f"{label}: expected {len(batch)}x {expected}, got {dict(statuses)}; "
                    f"server log: {last_error(logfile)}")
                if label == "warm-up":
                    raise RuntimeError("a single upload failed; see above")
                failures.setdefault(label, Counter()).update(statuses)
            if label != "warm-up":
                done = sum(len(body) for _, body in batch) * ok / len(batch)
                total = totals.setdefault(label, [0.0, 0.0, 0.0, 0.0])
                for i, value in enumerate((seconds, ok, done, cpu)):
                    total[i] += value
    return {label: (ok / seconds, done / MB / seconds, cpu / uploads,
                    f"{dict(failures[label])}" if label in failures else "")
            for label, (seconds, ok, done, cpu) in totals.items()}


# --- main -------------------------------------------------------------------------------------

def bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value
    return parse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=bounded(3, 200), default=15,
                        help="timed runs per in-process figure (default 15)")
    parser.add_argument("--uploads", type=bounded(8, 400), default=48,
                        help="uploads per HTTP pass (default 48)")
    args = parser.parse_args()
    register_heif()
    mark = watermark()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="anxun-bench-") as name:
        tmp = Path(name)
        log("generating the 4000x3000 JPEG and HEIC")
        jpeg, heic = write_sources(tmp)
        work = tmp / "work"
        work.mkdir()
        rows.append(("JPEG source", f"{jpeg.stat().st_size / MB:.2f} MB", "q92, EXIF orient. 6"))
        rows.append(("HEIC source", f"{heic.stat().st_size / MB:.2f} MB", ""))

        log(f"JPEG ingest x{args.runs}")
        samples = timed(lambda: ingest(jpeg, work, mark), args.runs)
        ingest_median = statistics.median(samples)
        rows.append(("JPEG ingest median", f"{ingest_median * 1000:.0f} ms", ""))
        rows.append(("JPEG ingest p95", f"{p95(samples) * 1000:.0f} ms", ""))
        if shutil.which("djpeg"):
            log(f"djpeg -scale 1/2 x{args.runs}")
            floor = statistics.median(timed(lambda: djpeg_half(jpeg), args.runs))
            rows.append(("djpeg -scale 1/2 median (floor)", f"{floor * 1000:.0f} ms", ""))
            rows.append(("ingest / floor", f"{ingest_median / floor:.2f}x", "<= 2.5x"))
        else:
            print("djpeg not found (Debian: libjpeg-turbo-progs); skipping the floor and ratio")

        log("peak RSS of one ingest, in fresh processes")
        rows.append(("peak RSS growth, one JPEG ingest", f"{peak_rss(jpeg, work):.1f} MB",
                     "< 80 MB"))
        rows.append(("peak RSS growth, one HEIC ingest", f"{peak_rss(heic, work):.1f} MB", ""))

        log(f"HEIC ingest x{args.runs}")
        heic_median = statistics.median(timed(lambda: ingest(heic, work, mark), args.runs))
        rows.append(("HEIC ingest median", f"{heic_median * 1000:.0f} ms", ""))

        figures = http_figures(tmp, jpeg.read_bytes(), args.uploads)
        raw_rate = figures[FLOOR][1] or float("nan")
        for label, (per_second, mb_per_second, cpu, failures) in figures.items():
            target = ">= 85%" if label == RECEIVE else ""
            rows.append((label, (f"{per_second:.1f}/s  {mb_per_second:.0f} MB/s  "
                                 f"{mb_per_second / raw_rate:.0%} of raw  "
                                 f"server CPU {cpu * 1000:.1f} ms/upload"),
                         f"FAILED {failures}" if failures else target))

    print(f"\nphoto pipeline, {os.cpu_count()} cores, {args.runs} runs, {args.uploads} uploads "
          f"at concurrency {CONCURRENCY} (MB = 10^6 bytes), load average at the end "
          f"{os.getloadavg()[0]:.2f}")
    width = max(len(label) for label, _, _ in rows)
    for label, value, target in rows:
        print(f"  {label:<{width}}  {value:<34} {target}".rstrip())


if __name__ == "__main__":
    main()
