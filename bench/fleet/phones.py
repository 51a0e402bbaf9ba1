"""Phones that sync as the PWA's outbox does (pwa/src/lib/outbox.ts, photoUpload.ts).

Every capture becomes outbox entries first: a hazard's photos, then the hazard; a checklist's
start, its failed item's photo, its answers in two saves, its submit. Entries of one object go
strictly in order (a photo before the report that uses it); creates carry their client id (and
the Idempotency-Key); a photo is done only when the server's sha256 equals ours; a network error
ends the pass (offline), a 5xx/408/429 backs the object off; any other answer is a defect here
('attention' on a phone), recorded. Backoff as the PWA's, scaled from seconds to tenths."""

import asyncio
import hashlib
import io
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from PIL import Image

from .world import Account, World

BACKOFF_BASE, BACKOFF_MAX = 0.2, 3.0
API = "/api/v1"


def backoff(attempts: int, rng: random.Random) -> float:
    return min(BACKOFF_MAX, BACKOFF_BASE * 2 ** max(0, attempts - 1)) * (0.8 + 0.4 * rng.random())


def jpeg(rng: random.Random) -> bytes:
    """A small photo of its own: random blocks, so no two share a sha256."""
    image = Image.new("RGB", (96, 72), tuple(rng.randrange(256) for _ in range(3)))
    for _ in range(6):
        x, y = rng.randrange(80), rng.randrange(56)
        image.paste(tuple(rng.randrange(256) for _ in range(3)), (x, y, x + 16, y + 16))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


@dataclass
class Entry:
    kind: str  # photo | hazard | inspection_start | inspection_answers | inspection_submit
    object: str  # the client id of the hazard or inspection it belongs to
    ref: str = ""  # a photo's client id
    body: dict[str, Any] = field(default_factory=dict)
    attempts: int = 0
    next_at: float = 0.0


@dataclass
class Holdings:
    """What a phone captured: what must be on the server, exactly once, at the end."""

    photos: dict[str, str] = field(default_factory=dict)  # client id -> sha256
    hazards: dict[str, list[str]] = field(default_factory=dict)  # client id -> photo refs
    inspections: dict[str, dict[int, str]] = field(default_factory=dict)  # -> item: result
    answer_photos: dict[str, dict[int, list[str]]] = field(default_factory=dict)  # -> item: refs


class Phone:
    def __init__(self, n: int, account: Account, world: World, rng: random.Random,
                 base_url: str) -> None:
        self.n, self.account, self.world, self.rng = n, account, world, rng
        self.base_url = base_url
        self.outbox: list[Entry] = []
        self.blobs: dict[str, bytes] = {}
        self.ids: dict[str, int] = {}  # client id -> server id (the PWA's idmap)
        self.held = Holdings()
        self.defects: list[str] = []
        self.requests = 0

    def _photo(self, owner: str, site_id: int) -> str:
        ref = self._new_id()
        blob = jpeg(self.rng)
        self.blobs[ref] = blob
        self.held.photos[ref] = hashlib.sha256(blob).hexdigest()
        self.outbox.append(Entry("photo", owner, ref, {"client_id": ref, "site_id": site_id}))
        return ref

    def _new_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def capture_hazard(self) -> None:
        key, site_id = self._new_id(), self.rng.choice(self.world.site_ids)
        refs = [self._photo(key, site_id) for _ in range(self.rng.choice((1, 1, 2)))]
        self.held.hazards[key] = refs
        self.outbox.append(Entry("hazard", key, body={
            "title": f"灭火器压力不足 {self.n}-{len(self.held.hazards)}", "site_id": site_id,
            "category": "fire", "photos": refs}))

    def capture_inspection(self) -> None:
        key, w = self._new_id(), self.world
        site_id = self.rng.choice(w.site_ids)
        self.outbox.append(Entry("inspection_start", key, body={
            "module_id": w.module_id, "module_version_id": w.version_id, "site_id": site_id,
            "kind": "routine"}))
        failed = self.rng.choice(w.item_ids)
        ref = self._photo(key, site_id)
        results = {item: "fail" if item == failed else "pass" for item in w.item_ids}
        self.held.inspections[key] = results
        self.held.answer_photos[key] = {failed: [ref]}
        half = len(w.item_ids) // 2
        for items in (w.item_ids[:half], w.item_ids[half:]):  # two saves, as a phone autosaves
            answers = [{"item_id": i, "result": results[i], "note": "压力不足" if i == failed
                        else None, "photos": [ref] if i == failed else []} for i in items]
            self.outbox.append(Entry("inspection_answers", key, body={"answers": answers}))
        self.outbox.append(Entry("inspection_submit", key))

    async def sync(self, deadline: float) -> None:
        """Run passes until the outbox is empty (or the deadline passes)."""
        loop = asyncio.get_running_loop()
        async with httpx.AsyncClient(base_url=self.base_url + API, timeout=30, headers={
                "Authorization": f"Bearer {self.account.token}"},
                limits=httpx.Limits(max_keepalive_connections=0)) as client:
            while self.outbox and loop.time() < deadline:
                await self._pass(client, loop.time)
                if self.outbox:
                    heads: dict[str, Entry] = {}
                    for e in self.outbox:
                        heads.setdefault(e.object, e)
                    wake = min(e.next_at for e in heads.values())
                    await asyncio.sleep(max(0.02, wake - loop.time()))

    async def _pass(self, client: httpx.AsyncClient, now: Callable[[], float]) -> None:
        blocked: set[str] = set()
        for e in list(self.outbox):
            if e.object in blocked or e.next_at > now():
                blocked.add(e.object)
                continue
            self.requests += 1
            try:
                done = await self._send(client, e)
            except httpx.TransportError:
                e.attempts += 1
                e.next_at = now() + backoff(e.attempts, self.rng)
                return  # offline: don't hammer a dead network with the rest
            if done:
                self.outbox.remove(e)
            else:
                e.attempts += 1
                e.next_at = now() + backoff(e.attempts, self.rng)
                blocked.add(e.object)

    async def _send(self, client: httpx.AsyncClient, e: Entry) -> bool:
        """True when done; False to retry; a defect is recorded and the entry given up."""
        if e.kind == "photo":
            resp = await client.post("/photos", params=e.body, content=self.blobs[e.ref],
                                     headers={"Content-Type": "image/jpeg"})  # as the PWA
        elif e.kind == "hazard":
            body = {k: v for k, v in e.body.items() if k != "photos"}
            resp = await client.post("/hazards", headers={"Idempotency-Key": e.object}, json={
                **body, "client_id": e.object, "photo_ids": [self.ids[r] for r in e.body["photos"]]})
        elif e.kind == "inspection_start":
            resp = await client.post("/inspections", headers={"Idempotency-Key": e.object},
                                     json={**e.body, "client_id": e.object})
        elif e.kind == "inspection_answers":
            answers = [{**{k: v for k, v in a.items() if k != "photos"},
                        "photo_ids": [self.ids[r] for r in a["photos"]]}
                       for a in e.body["answers"]]
            resp = await client.put(f"/inspections/{self.ids[e.object]}/answers",
                                    json={"answers": answers})
        else:
            resp = await client.post(f"/inspections/{self.ids[e.object]}/submit")
        if resp.status_code >= 500 or resp.status_code in (408, 429):
            if resp.status_code >= 500 and resp.status_code != 503:
                self.defects.append(f"{e.kind} answered {resp.status_code}: {resp.text[:300]}")
            return False
        if resp.status_code >= 400:
            self.defects.append(f"{e.kind} answered {resp.status_code}: {resp.text[:300]}")
            return True  # parked for the user on a phone; here a defect, and given up
        out = resp.json()
        if e.kind == "photo":
            if out["sha256"] != self.held.photos[e.ref]:
                self.defects.append(f"photo {e.ref}: the server's sha256 differs")
                return True
            self.ids[e.ref] = out["id"]
        elif e.kind in ("hazard", "inspection_start"):
            self.ids[e.object] = out["id"]
        return True
