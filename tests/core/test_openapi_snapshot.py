"""The PWA's API types are generated from pwa/openapi.json; it must match the API."""

import json
from pathlib import Path

from backend.main import create_app

SNAPSHOT = Path(__file__).resolve().parents[2] / "pwa" / "openapi.json"


def test_the_pwa_openapi_snapshot_is_current():
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert snapshot == create_app().openapi(), "run `make api-types` and commit the result"
