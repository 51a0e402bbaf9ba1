"""A typed Python client generated from the served OpenAPI (openapi-python-client) runs the
rectification loop: report → assign → submit → verify, with typed action bodies and typed
errors. If the document lies (a body, a status, an error shape), this breaks."""

import importlib
import io
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import httpx2 as httpx
import pytest

from backend.clock import utcnow
from backend.vocab import Role
from tests.contract.conftest import DemoServer, jpeg

CONFIG = Path(__file__).with_name("client-config.yaml")
PACKAGE = "anxun_api_client"


@pytest.fixture(scope="module")
def client_package(demo_server: DemoServer,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client generated from the live server's document, importable as ``anxun_api_client``
    (generation must not warn: every operation and response is understood)."""
    work = tmp_path_factory.mktemp("client")
    spec = work / "openapi.json"
    # the first request builds the document: seconds on a loaded machine
    document = httpx.get(f"{demo_server.base_url}/openapi.json", timeout=60).json()
    spec.write_text(json.dumps(document))
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [str(generator), "generate", "--path", str(spec), "--config", str(CONFIG),
         "--meta", "none", "--output-path", str(work / PACKAGE), "--fail-on-warning"],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(work))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(work))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def _login(demo_server: DemoServer, username: str, password: str):  # noqa: ANN202
    models, login = _module("models"), _module("api.accounts.login")
    anonymous = _module("client").Client(base_url=demo_server.base_url)
    issued = login.sync(client=anonymous, body=models.LoginIn(username=username,
                                                                password=password))
    assert isinstance(issued, models.LoginOut), issued
    return _module("client").AuthenticatedClient(base_url=demo_server.base_url,
                                                 token=issued.access_token)


def test_the_rectification_loop_with_the_generated_client(demo_server, client_package):
    models = _module("models")
    types = _module("types")
    hazards = "api.hazards."
    inspector_name, inspector_password, inspector_id = demo_server.new_user(Role.inspector,
                                                                            "catering")
    manager = _login(demo_server, *demo_server.new_user(Role.center_manager, "catering")[:2])
    inspector = _login(demo_server, inspector_name, inspector_password)

    def upload(seed: int) -> int:
        """The raw body (the fast path, client_id in the query), then a multipart retry of the
        same photo: the same one."""
        file = types.File(payload=io.BytesIO(jpeg(seed)), file_name="p.jpg",
                          mime_type="image/jpeg")
        upload_photo, client_id = _module("api.photos.upload_photo"), str(uuid.uuid4())
        photo = upload_photo.sync(client=inspector, body=file, client_id=client_id)
        assert isinstance(photo, models.PhotoOut), photo
        file.payload.seek(0)
        retry = upload_photo.sync(client=inspector, body=models.UploadPhotoFilesBody(
            file=file, client_id=client_id))
        assert isinstance(retry, models.PhotoOut) and retry.id == photo.id, retry
        return photo.id

    report = _module(hazards + "report_hazard")
    reported = report.sync(client=inspector, body=models.HazardCreateIn(
        title="配电箱门未关闭", site_id=demo_server.site_ids["MGG-C1-KIT"],
        category=models.Category.WATER_POWER, grade=models.Grade.GENERAL,
        photo_ids=[upload(11)]))
    assert isinstance(reported, models.HazardDetailOut), reported
    assert reported.status == models.Status.REPORTED

    deadline = (utcnow() + timedelta(days=7)).date()
    stale = _module(hazards + "act_on_hazard_assign").sync(
        reported.id, client=manager, body=models.AssignIn(
            assignee_id=inspector_id, measures="关闭并上锁", cost_estimate="0",
            deadline=deadline - timedelta(days=30), interim_measures="设置警示标识"))
    assert isinstance(stale, models.Error), stale
    assert stale.error.code == models.ErrorCode.DEADLINE_IN_PAST

    assigned = _module(hazards + "act_on_hazard_assign").sync(
        reported.id, client=manager, body=models.AssignIn(
            assignee_id=inspector_id, measures="关闭并上锁", cost_estimate="0",
            deadline=deadline, interim_measures="设置警示标识"))
    assert isinstance(assigned, models.HazardDetailOut), assigned
    assert assigned.status == models.Status.ASSIGNED and assigned.assignee_id == inspector_id

    submitted = _module(hazards + "act_on_hazard_submit").sync(
        reported.id, client=inspector,
        body=models.SubmitIn(description="已关闭并加锁", photo_ids=[upload(12)]))
    assert isinstance(submitted, models.HazardDetailOut), submitted
    assert submitted.status == models.Status.SUBMITTED

    verified = _module(hazards + "act_on_hazard_verify").sync(
        reported.id, client=manager, body=models.CommentIn(comment="现场复查合格"))
    assert isinstance(verified, models.HazardDetailOut), verified
    assert verified.status == models.Status.CLOSED
    assert [event.action for event in verified.timeline][-1] == "verify"

    again = _module(hazards + "act_on_hazard_verify").sync(
        reported.id, client=manager, body=models.CommentIn(comment="再次确认"))
    assert isinstance(again, models.Error), again
    assert again.error.code == models.ErrorCode.HAZARD_INVALID_TRANSITION
