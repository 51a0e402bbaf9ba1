"""The morning peak: 200 inspectors each log in, pull today's tasks, open the checklist and
submit it with one failed item, two photos and so a hazard, while 10 managers page the hazard
list and assign the new hazards (五定) and the control room polls the overview. Against
``anxun serve`` on a real port (SQLite, or PostgreSQL with ``--db postgresql``), it prints
p50/p95/p99 per endpoint, errors and requests per second, and the ceiling of the same run: a
bare FastAPI app served the same way, one small JSON GET, under the same concurrency.

Why an asyncio httpx generator rather than locust: one process drives all 210 users with no
gevent monkey-patching (which would also patch the database drivers imported here for the
seeding), and every figure printed is computed here from raw samples, so p99 is exact rather
than locust's bucketed approximation.

Usage: .venv/bin/python bench/load.py [--db sqlite|postgresql] [--workers N]
       [--inspectors N] [--managers N] [--ramp SECONDS]
"""

import argparse
import asyncio
import io
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from hazards import SECRET, database, free_port, server
from PIL import Image
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from backend.accounts.service import create_user
from backend.demo import load_demo
from backend.migrate import upgrade
from backend.modules.service import load_catalogue
from backend.org.models import Center
from backend.vocab import Role

PASSWORD = "bench-password-8am"  # noqa: S105 - a throw-away database
CENTERS = ("catering", "property", "energy", "transport")
READ_P95_MS, WRITE_P95_MS = 300, 800
CONTROL_ROOM = "peak_qa"  # the 质监办 officer watching the control room
CONTROL_ROOM_EVERY = 5.0  # seconds between two polls of the overview


class Recorder:
    """Latencies per endpoint label, and every unexpected status."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    async def call(self, client: httpx.AsyncClient, label: str, method: str, url: str,
                   **kwargs: Any) -> httpx.Response:
        start = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.errors[label].append(type(exc).__name__)
            raise
        self.samples[label].append(time.perf_counter() - start)
        if response.status_code >= 400:
            self.errors[label].append(f"{response.status_code} {response.text[:160]}")
        return response


def photo_bytes(seed: int) -> bytes:
    """A phone-sized JPEG (1600x1200, as the PWA resizes before upload), unique per seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 1200), (rng.randrange(256), 90, 60))
    for _ in range(30):
        x, y = rng.randrange(1500), rng.randrange(1100)
        image.paste((rng.randrange(256), rng.randrange(256), rng.randrange(256)),
                    (x, y, x + 100, y + 100))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def seed_people(url: str, inspectors: int, managers: int) -> dict[str, list[str]]:
    """The demo organisation plus the peak's people, by the services; usernames per center
    and role ('<center>:inspector', '<center>:manager')."""
    engine = create_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
    people: dict[str, list[str]] = defaultdict(list)
    with Session(engine) as session:
        load_catalogue(session)
        load_demo(session, "南京某高校后勤集团")
        centers = {c.code: c for c in session.query(Center).filter(Center.code.in_(CENTERS))}
        for role, count in ((Role.inspector, inspectors), (Role.center_manager, managers)):
            for n in range(count):
                center = centers[CENTERS[n % len(CENTERS)]]
                username = f"peak_{role.value}_{n}"
                create_user(session, group_id=center.group_id, username=username,
                            display_name=f"{center.name} {n}", password=PASSWORD,
                            roles=[role], center_id=center.id)
                people[f"{center.code}:{role.value}"].append(username)
        qa = session.query(Center).filter_by(code="qa").one()
        create_user(session, group_id=qa.group_id, username=CONTROL_ROOM, display_name="质监办",
                    password=PASSWORD, roles=[Role.qa_officer], center_id=qa.id)
        session.commit()
    engine.dispose()
    return people


async def login(client: httpx.AsyncClient, rec: Recorder, username: str) -> dict[str, str]:
    answer = await rec.call(client, "POST /auth/login", "POST", "/api/v1/auth/login",
                            json={"username": username, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def make_plans(client: httpx.AsyncClient, people: dict[str, list[str]]) -> None:
    """A daily plan per site of each center, its inspectors shared out among the sites."""
    rec = Recorder()
    for code in CENTERS:
        auth = await login(client, rec, people[f"{code}:{Role.center_manager.value}"][0])
        me = (await client.get("/api/v1/me", headers=auth)).json()
        sites = (await client.get("/api/v1/sites", headers=auth,
                                  params={"center_id": me["center_id"], "limit": 100})).json()
        modules = (await client.get("/api/v1/modules", headers=auth,
                                    params={"limit": 100})).json()["items"]
        members = (await client.get(f"/api/v1/centers/{me['center_id']}/members",
                                    headers=auth)).json()
        inspector_ids = [m["id"] for m in members if "inspector" in m["roles"]]
        sites = [s for s in sites["items"] if any(s["kind"] in m["site_kinds"] for m in modules)]
        for n, site in enumerate(sites):
            module = next(m for m in modules if site["kind"] in m["site_kinds"])
            share = inspector_ids[n::len(sites)] or inspector_ids[:1]
            made = await client.post("/api/v1/plans", headers=auth, json={
                "name": f"早高峰 {site['name']}", "site_id": site["id"],
                "module_id": module["id"], "frequency": "daily",
                "starts_on": date.today().isoformat(), "inspector_ids": share})
            made.raise_for_status()
    if rec.errors:
        raise RuntimeError(f"seeding failed: {dict(rec.errors)}")


def passing_value(item: dict[str, Any]) -> float:
    """A value inside the item's limits, whatever the building's height."""
    by_height = item["limits_from_height"] or {}
    lows = [v for v in (item["min_value"], by_height.get("min")) if v is not None]
    highs = [v for v in (item["max_value"], by_height.get("max")) if v is not None]
    if lows and highs:
        return round((max(lows) + min(highs)) / 2, 3)
    if lows:
        return round(max(lows) * 1.2 + 1, 3)
    return round(min(highs) * 0.8, 3) if highs else 1


def answers_for(items: list[dict[str, Any]], photo_ids: list[int]) -> list[dict[str, Any]]:
    """Every item passes but one general pass/fail item, failed with the first photo; the
    second photo goes with it too, or to the checklist's first photo item if it has one."""
    failing = next(i["id"] for i in items if i["kind"] == "pass_fail" and not i["major_if_failed"])
    photo_item = next((i["id"] for i in items if i["kind"] == "photo"), None)
    answers = []
    for item in items:
        answer: dict[str, Any] = {"item_id": item["id"], "result": "pass"}
        if item["kind"] == "number":
            answer = {"item_id": item["id"], "value": str(passing_value(item))}
        elif item["kind"] == "text":
            answer["text"] = "正常"
        elif item["id"] == failing:
            answer |= {"result": "fail", "note": "早高峰发现",
                       "photo_ids": photo_ids if photo_item is None else photo_ids[:1]}
        elif item["id"] == photo_item:
            answer["photo_ids"] = photo_ids[1:]
        answers.append(answer)
    return answers


async def inspector(client: httpx.AsyncClient, rec: Recorder, username: str, delay: float,
                    photos: tuple[bytes, bytes]) -> None:
    await asyncio.sleep(delay)
    auth = await login(client, rec, username)
    tasks = (await rec.call(client, "GET /tasks", "GET", "/api/v1/tasks", headers=auth)).json()
    task = tasks["items"][0]
    checklist = (await rec.call(client, "GET /modules/{id}", "GET",
                                f"/api/v1/modules/{task['module_id']}", headers=auth)).json()
    started = (await rec.call(client, "POST /inspections", "POST", "/api/v1/inspections",
                              headers=auth, json={
                                  "client_id": str(uuid.uuid4()), "site_id": task["site_id"],
                                  "module_id": task["module_id"], "checkin_method": "qr",
                                  "module_version_id": checklist["version_id"]})).json()
    photo_ids = []
    for photo in photos:
        uploaded = await rec.call(client, "POST /photos", "POST", "/api/v1/photos",
                                  headers=auth, files={"file": ("p.jpg", photo, "image/jpeg")})
        photo_ids.append(uploaded.json()["id"])
    path = f"/api/v1/inspections/{started['id']}"
    await rec.call(client, "PUT /inspections/{id}/answers", "PUT", f"{path}/answers",
                   headers=auth, json={"answers": answers_for(checklist["items"], photo_ids)})
    await rec.call(client, "POST /inspections/{id}/submit", "POST", f"{path}/submit",
                   headers=auth, json={})


async def manager(client: httpx.AsyncClient, rec: Recorder, username: str,
                  stop: asyncio.Event) -> None:
    auth = await login(client, rec, username)
    me = (await rec.call(client, "GET /me", "GET", "/api/v1/me", headers=auth)).json()
    members = (await client.get(f"/api/v1/centers/{me['center_id']}/members",
                                headers=auth)).json()
    assignee = members[0]["id"]
    while not stop.is_set():
        page = (await rec.call(client, "GET /hazards", "GET", "/api/v1/hazards", headers=auth,
                               params={"status": "reported", "limit": 20})).json()
        for hazard in page["items"][:3]:
            detail = (await rec.call(client, "GET /hazards/{id}", "GET",
                                     f"/api/v1/hazards/{hazard['id']}", headers=auth)).json()
            if "assign" not in detail.get("allowed_actions", []):
                continue
            answer = await client.post(
                f"/api/v1/hazards/{hazard['id']}/actions/assign", headers={
                    **auth, "If-Match": f'"{detail["version"]}"'}, json={
                    "assignee_id": assignee, "measures": "立即整改", "cost_estimate": "0.1",
                    "deadline": (date.today() + timedelta(days=7)).isoformat(),
                    "interim_measures": "设置警示"})
            label = "POST /hazards/{id}/actions/assign"
            rec.samples[label].append(answer.elapsed.total_seconds())
            if answer.status_code not in (200, 409, 412):  # another manager got there first
                rec.errors[label].append(f"{answer.status_code} {answer.text[:160]}")
        await asyncio.sleep(1.0)


async def control_room(client: httpx.AsyncClient, rec: Recorder, username: str,
                       stop: asyncio.Event) -> None:
    auth = await login(client, rec, username)
    while not stop.is_set():
        await rec.call(client, "GET /stats/overview", "GET", "/api/v1/stats/overview",
                       headers=auth)
        await asyncio.sleep(CONTROL_ROOM_EVERY)


async def peak(base_url: str, people: dict[str, list[str]], ramp: float,
               seed: int) -> tuple[Recorder, float]:
    """The peak itself; returns the samples and its wall time."""
    rng = random.Random(seed)
    rec, stop = Recorder(), asyncio.Event()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        await make_plans(client, people)
        inspectors = [u for key, users in people.items() if key.endswith(":inspector")
                      for u in users]
        managers = [u for key, users in people.items() if key.endswith(":center_manager")
                    for u in users]
        start = time.perf_counter()
        background = [asyncio.create_task(manager(client, rec, user, stop)) for user in managers]
        background.append(asyncio.create_task(control_room(client, rec, CONTROL_ROOM, stop)))
        await asyncio.gather(*(inspector(client, rec, user, rng.uniform(0, ramp),
                                         (photo_bytes(2 * n), photo_bytes(2 * n + 1)))
                               for n, user in enumerate(inspectors)))
        stop.set()
        await asyncio.gather(*background)
        return rec, time.perf_counter() - start


CEILING_APP = '''
from fastapi import FastAPI
app = FastAPI()

@app.get("/ping")
def ping() -> dict[str, str]:
    return {"status": "ok"}
'''


@contextmanager
def bare_fastapi(tmp: Path, workers: int) -> Iterator[int]:
    """The ceiling: a FastAPI app with one small JSON GET, served by uvicorn as anxun serves."""
    (tmp / "ceiling_app.py").write_text(CEILING_APP)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "ceiling_app:app", "--host",
                             "127.0.0.1", "--port", str(port), "--workers", str(workers),
                             "--log-level", "warning", "--no-access-log"], cwd=tmp,
                            start_new_session=True)
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=15)


async def ceiling(port: int, users: int, seconds: float) -> tuple[float, list[float]]:
    """Requests per second and latencies of ``users`` clients looping on GET /ping."""
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:
        async def loop() -> None:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                (await client.get("/ping")).raise_for_status()
                samples.append(time.perf_counter() - start)
        start = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(users)))
        return len(samples) / (time.perf_counter() - start), samples


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000


def report(rec: Recorder, wall: float, ceiling_rps: float, ceiling_samples: list[float],
           title: str) -> list[str]:
    lines = [title, f"  {'endpoint':<36}{'n':>6}{'p50':>9}{'p95':>9}{'p99':>9}  errors  target"]
    total = 0
    for label in sorted(rec.samples):
        samples = rec.samples[label]
        total += len(samples)
        p95 = percentile(samples, 95)
        limit = READ_P95_MS if label.startswith("GET") else WRITE_P95_MS
        verdict = f"p95 < {limit} {'✔' if p95 < limit else '✘'}"
        lines.append(f"  {label:<36}{len(samples):>6}{percentile(samples, 50):>9.1f}"
                     f"{p95:>9.1f}{percentile(samples, 99):>9.1f}  {len(rec.errors[label]):>6}"
                     f"  {verdict}")
    errors = sum(len(e) for e in rec.errors.values())
    lines.append(f"  {total} requests in {wall:.1f} s: {total / wall:.1f} req/s; errors {errors}"
                 f" {'✔' if errors == 0 else '✘'}")
    lines.append(f"  ceiling, bare FastAPI GET (same server, same users): {ceiling_rps:.0f} req/s,"
                 f" p50 {percentile(ceiling_samples, 50):.1f} ms,"
                 f" p95 {percentile(ceiling_samples, 95):.1f} ms")
    for label, errs in rec.errors.items():
        lines += [f"  ! {label}: {e}" for e in errs[:3]]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="anxun serve --workers")
    parser.add_argument("--inspectors", type=int, default=200)
    parser.add_argument("--managers", type=int, default=10)
    parser.add_argument("--ramp", type=float, default=60.0,
                        help="the inspectors start at random within this many seconds")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    if args.managers < len(CENTERS) or args.inspectors < len(CENTERS):
        parser.error(f"at least {len(CENTERS)} inspectors and managers: one per center")
    with tempfile.TemporaryDirectory(prefix="anxun-load-") as name, \
            database(args.db, Path(name)) as url:
        tmp = Path(name)
        # the seeding's audit entries keyed as the server's (its secret; no ./data/secret.key)
        os.environ |= {"ANXUN_DATA_DIR": str(tmp), "ANXUN_SECRET_KEY": SECRET}
        people = seed_people(url, args.inspectors, args.managers)
        settings = {"ANXUN_SCHEDULER_ENABLED": "false"}
        with server(url, tmp, args.workers, settings) as (port, logfile):
            rec, wall = asyncio.run(peak(f"http://127.0.0.1:{port}", people, args.ramp,
                                         args.seed))
        users = args.inspectors + args.managers + 1
        with bare_fastapi(tmp, args.workers) as port:
            ceiling_rps, ceiling_samples = asyncio.run(ceiling(port, users, 10.0))
    title = (f"morning peak, {os.cpu_count()} cores, {args.db}, anxun serve --workers "
             f"{args.workers}: {args.inspectors} inspectors over {args.ramp:g} s, "
             f"{args.managers} managers, the control room every {CONTROL_ROOM_EVERY:g} s")
    print("\n".join(report(rec, wall, ceiling_rps, ceiling_samples, title)))


if __name__ == "__main__":
    main()
