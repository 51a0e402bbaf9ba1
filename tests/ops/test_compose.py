"""docker-compose.yml and the Dockerfile, read as data (Docker does not run on the development
machines; tests/ops/test_stack.py runs the same topology without it)."""

import re
from pathlib import Path

import pytest
import yaml

from backend.config import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]


def command(service: dict) -> str:
    value = service.get("command", "")
    return " ".join(value) if isinstance(value, list) else value


def test_the_topology(services):
    assert set(services) == {"db", "storage", "storage-init", "setup", "app", "worker"}
    assert services["db"]["image"] == "postgres:15"
    assert services["storage"]["image"].startswith("minio/minio")
    assert "mc mb --ignore-existing s/anxun-photos" in services["storage-init"]["entrypoint"]
    assert command(services["setup"]) == "anxun setup"
    assert re.search(r"anxun serve --workers \$\{ANXUN_WORKERS:-[2-9]\}", command(services["app"]))
    assert command(services["worker"]) == "anxun worker"
    assert services["app"]["ports"] == ["8000:8000"]  # one port for all the workers


def test_start_order_and_health_checks(services):
    for name in ("app", "worker"):
        assert services[name]["depends_on"] == {
            "setup": {"condition": "service_completed_successfully"},
            "storage-init": {"condition": "service_completed_successfully"}}, name
        assert services[name]["restart"] == "unless-stopped"
    assert services["setup"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["storage-init"]["depends_on"] == {"storage": {"condition": "service_healthy"}}
    for name in ("db", "storage", "app", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])
    assert "worker.alive" in " ".join(services["worker"]["healthcheck"]["test"])


def test_every_process_shares_the_database_store_and_secret(services):
    shared = ("ANXUN_DATABASE_URL", "ANXUN_SECRET_KEY", "ANXUN_PHOTO_STORAGE", "ANXUN_S3_BUCKET",
              "ANXUN_S3_ENDPOINT_URL", "ANXUN_S3_ACCESS_KEY", "ANXUN_S3_SECRET_KEY")
    environments = {name: services[name]["environment"] for name in ("setup", "app", "worker")}
    for name, env in environments.items():
        assert all(env[key] == environments["app"][key] for key in shared), name
    assert environments["app"]["ANXUN_DATABASE_URL"].startswith("postgresql+psycopg://anxun:")
    assert environments["app"]["ANXUN_DATABASE_URL"].endswith("@db:5432/anxun")
    assert environments["app"]["ANXUN_PHOTO_STORAGE"] == "s3"
    assert environments["app"]["ANXUN_S3_ENDPOINT_URL"] == "http://storage:9000"
    assert environments["app"]["ANXUN_SCHEDULER_ENABLED"] == "false"  # the worker runs it
    assert "ANXUN_SCHEDULER_ENABLED" not in environments["worker"]
    known = {f"ANXUN_{name.upper()}" for name in Settings.model_fields}
    for name, env in environments.items():
        assert set(env) <= known, (name, set(env) - known)


def test_the_image():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert stages[0].startswith("node:20") and stages[-1] == "python:3.11-slim"
    assert "npm run build" in dockerfile
    assert "COPY --from=pwa /pwa/dist" in dockerfile
