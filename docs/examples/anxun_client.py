"""An AnXun integration in one file (Python 3.11+, httpx): mirror hazards through the changes
feed, and receive webhooks with their signature verified.

    pip install httpx
    python anxun_client.py mirror --url https://anxun.example.edu.cn --key anx_... --state m.json
    python anxun_client.py receive --port 8080 --secret whsec_...

The mirror keeps, in one JSON file, every hazard the key may read and the feed's sequence it
has read up to. Each run reads GET /api/v1/events after that sequence (``types=hazard.*``),
fetches each hazard an event names (GET /api/v1/hazards/{id}: the event says *that* it
changed, the hazard says *what* it is now) and saves the new sequence only after the hazards,
so a run stopped anywhere repeats work but never skips it. Events are gap-free and in commit
order: resuming from the saved ``next`` misses nothing and repeats nothing.

The key needs the scopes ``events:read`` and ``hazards:read`` (an admin creates it under
POST /api/v1/api-keys). See docs/integration.md."""

import argparse
import hashlib
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import httpx

MAX_AGE_SECONDS = 300  # a webhook older than this is a replay


class Mirror:
    def __init__(self, base_url: str, key: str, state: Path) -> None:
        self.client = httpx.Client(base_url=base_url.rstrip("/") + "/api/v1", timeout=30,
                                   headers={"Authorization": f"Bearer {key}"})
        self.state = state
        saved = json.loads(state.read_text("utf-8")) if state.exists() else {}
        self.after: int = saved.get("after", 0)
        self.hazards: dict[str, dict[str, Any]] = saved.get("hazards", {})

    def get(self, path: str, **params: Any) -> httpx.Response:
        """GET with the rate limit honoured: a 429 waits for its Retry-After and tries again."""
        while True:
            resp = self.client.get(path, params=params)
            if resp.status_code != 429:
                return resp
            time.sleep(float(resp.headers.get("Retry-After", "1")))

    def sync(self) -> int:
        """Read the feed until it has nothing more; returns how many events were applied."""
        applied = 0
        while True:
            resp = self.get("/events", after=self.after, types="hazard.*", limit=500)
            resp.raise_for_status()
            page = resp.json()
            for hazard_id in dict.fromkeys(e["object_id"] for e in page["items"]):
                self.fetch(hazard_id)
            applied += len(page["items"])
            self.after = page["next"]
            self.save()
            if not page["more"]:
                return applied

    def fetch(self, hazard_id: int) -> None:
        resp = self.get(f"/hazards/{hazard_id}")
        if resp.status_code == 404:  # out of the key's centers now, or never readable
            self.hazards.pop(str(hazard_id), None)
            return
        resp.raise_for_status()
        self.hazards[str(hazard_id)] = resp.json()

    def save(self) -> None:
        temporary = self.state.with_suffix(".tmp")
        temporary.write_text(json.dumps({"after": self.after, "hazards": self.hazards},
                                        ensure_ascii=False), "utf-8")
        temporary.replace(self.state)  # atomic: a crash leaves the old state or the new one


def verify(secret: str, body: bytes, timestamp: str | None, signature: str | None,
           now: float | None = None) -> bool:
    """``X-AnXun-Signature`` is ``sha256=`` + HMAC-SHA256(secret, timestamp + "." + body) in
    hex; a timestamp more than five minutes away is a replay."""
    if not timestamp or not signature or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + mac.hexdigest(), signature)


def receiver(secret: str, handle: Any) -> type[BaseHTTPRequestHandler]:
    """A request handler that answers 401 to what ``verify`` refuses, ignores a delivery id it
    has handled (a retry after a lost answer), and otherwise calls ``handle(body)`` with the
    generic format's body: ``{"delivery_id", "subscription_id", "event": {...}}``."""
    seen: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if not verify(secret, body, self.headers.get("X-AnXun-Timestamp"),
                          self.headers.get("X-AnXun-Signature")):
                self.send_response(401)
                self.end_headers()
                return
            delivery = self.headers.get("X-AnXun-Delivery", "")
            if delivery not in seen:
                seen.add(delivery)
                handle(json.loads(body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    mirror = commands.add_parser("mirror")
    mirror.add_argument("--url", required=True)
    mirror.add_argument("--key", required=True)
    mirror.add_argument("--state", type=Path, default=Path("anxun-mirror.json"))
    receive = commands.add_parser("receive")
    receive.add_argument("--port", type=int, default=8080)
    receive.add_argument("--secret", required=True)
    args = parser.parse_args()
    if args.command == "mirror":
        m = Mirror(args.url, args.key, args.state)
        print(f"{m.sync()} events applied; {len(m.hazards)} hazards; next after={m.after}")
    else:
        def show(body: dict[str, Any]) -> None:
            event = body["event"]
            print(event["type"], event["object_type"], event["object_id"], flush=True)
        HTTPServer(("0.0.0.0", args.port), receiver(args.secret, show)).serve_forever()  # noqa: S104


if __name__ == "__main__":
    main()
