"""Records' writes raced on a live server (real commits, real threads; SQLite and PostgreSQL):
one change per version, one create per Idempotency-Key, one submission per center and table,
the standard rows written once however many first reads, and an upload racing its record's
delete leaving neither a row nor bytes behind."""

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.org import service as org
from backend.records.models import (
    RecordAttachment,
    Regulation,
    ResponsibilityItem,
    TableSubmission,
    Training,
)
from backend.vocab import CenterKind, Role
from tests.factories import Factory
from tests.races.test_writes import N, race
from tests.records.support import PDF, action_body, regulation_body, training_body


@dataclass
class World:
    session: Session
    make: Factory
    call: Callable[..., httpx.Response]
    qa: User
    manager: User
    documents: Path

    def count(self, model: type, *where: object) -> int:
        self.session.rollback()  # a fresh snapshot
        n = self.session.scalar(select(func.count()).select_from(model).where(*where)) or 0
        self.session.commit()
        return n


@pytest.fixture(scope="module")
def world(live):
    session, make = live.factory()
    qa = make.user(Role.qa_officer, center=make.org.qa)
    manager = make.user(Role.center_manager, center=make.org.catering)
    session.commit()
    tokens = {u.id: live.token(session, u) for u in (qa, manager)}

    def call(user, method, path, **kw) -> httpx.Response:  # noqa: ANN001
        headers = {"Authorization": f"Bearer {tokens[user.id]}", **kw.pop("headers", {})}
        return httpx.request(method, f"{live.base_url}/api/v1{path}", headers=headers,
                             timeout=60, **kw)

    yield World(session, make, call, qa, manager,
                live.settings.data_dir / "photos" / "documents")
    session.close()


def test_concurrent_changes_of_one_version_apply_once(world):
    created = world.call(world.manager, "POST", "/regulations", json=regulation_body())
    assert created.status_code == 201, created.text
    url = f"/regulations/{created.json()['id']}"
    answers = race(N, lambda i: world.call(world.manager, "PATCH", url, json={
        "remark": f"修订{i}"}, headers={"If-Match": '"1"'}))
    assert sorted(Counter(r.status_code for r in answers).items()) == [(200, 1), (412, N - 1)]
    unconditional = race(N, lambda i: world.call(world.manager, "PATCH", url,
                                                 json={"remark": f"再修订{i}"}))
    assert {r.status_code for r in unconditional} <= {200, 409}
    wins = sum(r.status_code == 200 for r in unconditional)
    assert wins >= 1
    assert world.call(world.manager, "GET", url).json()["version"] == 2 + wins


def test_concurrent_retries_of_one_create_make_one_record(world):
    key = str(uuid.uuid4())
    body = training_body(topic=f"消防培训{key[:8]}")
    answers = race(N, lambda _: world.call(world.manager, "POST", "/trainings", json=body,
                                           headers={"Idempotency-Key": key}))
    assert sorted(r.status_code for r in answers) == [200] * (N - 1) + [201]
    assert len({r.json()["id"] for r in answers}) == 1
    assert world.count(Training, Training.client_id == key) == 1


def test_concurrent_submits_of_a_table_store_one(world):
    action = world.call(world.qa, "POST", "/action-campaigns", json=action_body())
    assert action.status_code == 201, action.text
    url = f"/action-campaigns/{action.json()['id']}/submissions"
    answers = race(N, lambda _: world.call(world.manager, "POST", url, json={"table": "table2"}))
    assert sorted(r.status_code for r in answers) == [201] + [409] * (N - 1)
    assert world.count(TableSubmission,
                       TableSubmission.action_campaign_id == action.json()["id"]) == 1


def test_concurrent_first_reads_write_the_standard_rows_once(world):
    center = org.create_center(world.session, world.make.org.group.id,
                               code=f"new-{uuid.uuid4().hex[:6]}", name="新成立中心",
                               kind=CenterKind.other)
    world.session.commit()
    answers = race(N, lambda _: world.call(world.qa, "GET",
                                           f"/responsibility-items?center_id={center.id}"))
    assert {r.status_code for r in answers} == {200}
    assert {len(r.json()["items"]) for r in answers} == {3}
    assert world.count(ResponsibilityItem, ResponsibilityItem.center_id == center.id) == 3


def test_uploads_racing_the_records_delete_leave_nothing_behind(world):
    before = set(world.documents.glob("*")) if world.documents.exists() else set()
    for _ in range(3):
        created = world.call(world.manager, "POST", "/regulations", json=regulation_body())
        url = f"/regulations/{created.json()['id']}"

        def send(i: int, url: str = url) -> httpx.Response:
            if i == 0:
                return world.call(world.manager, "DELETE", url)
            return world.call(world.manager, "POST", f"{url}/attachments",
                              files={"file": (f"{i}.pdf", PDF, "application/pdf")})

        answers = race(4, send)
        assert answers[0].status_code == 204
        assert {r.status_code for r in answers[1:]} <= {201, 404}
        record_id = created.json()["id"]
        assert world.count(Regulation, Regulation.id == record_id) == 0
        assert world.count(RecordAttachment, RecordAttachment.record_id == record_id,
                           RecordAttachment.record_type == "regulation") == 0
    after = set(world.documents.glob("*")) if world.documents.exists() else set()
    assert after == before
