"""Campaign writes raced on a live server (real commits, real threads; SQLite and
PostgreSQL): one 回执 per center however many are sent at once (and every retry of one
Idempotency-Key succeeds), a receipt racing a cancel is either stored before the cancel or
refused, a campaign is dispatched once per client_id and cancelled once, concurrent uploads
leave one document and no orphaned bytes, and a cancel racing a submit leaves the task either
done or cancelled."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend import clock
from backend.accounts.models import User
from backend.campaigns.models import Campaign, CampaignCenter, ReceiptStatus
from backend.events.models import DomainEvent
from backend.modules.models import PatrolModule
from backend.modules.service import load_catalogue
from backend.plans.models import PatrolTask, TaskState
from backend.vocab import Role
from tests.campaigns.support import campaign_body, module_for
from tests.factories import Factory
from tests.inspections.test_inspections import passing
from tests.races.test_writes import N, race


@dataclass
class World:
    session: Session
    call: Callable[..., httpx.Response]
    make: Factory
    qa: User
    manager: User
    inspector: User
    module_id: int
    items: list
    documents: Path

    def dispatch(self, **overrides) -> int:  # noqa: ANN003
        resp = self.call(self.qa, "POST", "/campaigns", json=campaign_body(
            [self.module_id], center_ids=[self.make.org.catering.id], **overrides))
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]


@pytest.fixture(scope="module")
def world(live):
    session, make = live.factory()
    if session.scalar(select(func.count()).select_from(PatrolModule)) == 0:
        load_catalogue(session)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    manager = make.user(Role.center_manager, center=make.org.catering)
    inspector = make.user(Role.inspector, center=make.org.catering)
    module_id, items = module_for(session, includes="canteen")
    session.commit()
    tokens = {u.id: live.token(session, u) for u in (qa, manager, inspector)}

    def call(user, method, path, **kw) -> httpx.Response:  # noqa: ANN001
        headers = {"Authorization": f"Bearer {tokens[user.id]}", **kw.pop("headers", {})}
        return httpx.request(method, f"{live.base_url}/api/v1{path}", headers=headers,
                             timeout=60, **kw)

    yield World(session, call, make, qa, manager, inspector, module_id, items,
                live.settings.data_dir / "photos" / "documents")
    session.close()


def _events(session, event_type, object_id) -> list[DomainEvent]:  # noqa: ANN001
    session.rollback()
    found = list(session.scalars(select(DomainEvent).where(
        DomainEvent.type == event_type, DomainEvent.object_id == object_id)))
    session.commit()
    return found


def _receipt_row(session, campaign_id) -> CampaignCenter:  # noqa: ANN001
    session.rollback()
    row = session.scalar(select(CampaignCenter).where(CampaignCenter.campaign_id == campaign_id))
    session.commit()
    return row


def test_concurrent_receipts_store_one(world):
    session, call, dispatch, manager = world.session, world.call, world.dispatch, world.manager
    cid = dispatch()
    responses = race(N, lambda i: call(manager, "POST", f"/campaigns/{cid}/receipt", json={
        "done": True, "findings_count": i, "note": f"第{i}份"}))
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * (N - 1), [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {
        "receipt_already_submitted"}
    winner = next(r.json() for r in responses if r.status_code == 200)
    row = _receipt_row(session, cid)
    assert (row.status, row.findings_count, row.version) == (
        ReceiptStatus.submitted, winner["findings_count"], 2)
    assert len(_events(session, "campaign.receipt_submitted", cid)) == 1


def test_concurrent_corrections_with_one_version_apply_once(world):
    session, call, dispatch, manager = world.session, world.call, world.dispatch, world.manager
    cid = dispatch()
    assert call(manager, "POST", f"/campaigns/{cid}/receipt", json={
        "done": True, "findings_count": 0}).status_code == 200
    responses = race(N, lambda i: call(manager, "POST", f"/campaigns/{cid}/receipt", json={
        "done": True, "findings_count": i}, headers={"If-Match": '"2"'}))
    assert sorted(r.status_code for r in responses) == [200] + [412] * (N - 1)
    assert _receipt_row(session, cid).version == 3


def test_a_receipt_racing_a_cancel_lands_before_it_or_not_at_all(world):
    session, call, dispatch, qa, manager = (world.session, world.call, world.dispatch,
                                            world.qa, world.manager)
    outcomes = set()
    for _ in range(4):
        cid = dispatch()

        def send(i: int, cid: int = cid) -> httpx.Response:
            if i == 0:
                return call(qa, "POST", f"/campaigns/{cid}/cancel", json={"reason": "并发撤销"})
            return call(manager, "POST", f"/campaigns/{cid}/receipt", json={
                "done": True, "findings_count": 1})

        cancel, receipt = race(2, send)
        assert cancel.status_code == 200, cancel.text
        stored = _receipt_row(session, cid).status is ReceiptStatus.submitted
        submitted = _events(session, "campaign.receipt_submitted", cid)
        [cancelled] = _events(session, "campaign.cancelled", cid)
        if receipt.status_code == 200:
            assert stored and len(submitted) == 1 and submitted[0].id < cancelled.id
        else:
            assert receipt.json()["error"]["code"] == "campaign_cancelled", receipt.text
            assert not stored and submitted == []
        outcomes.add(receipt.status_code)
    assert outcomes <= {200, 409}


def test_concurrent_dispatches_with_one_client_id_make_one_campaign(world):
    session, call, qa, module_id, make = (world.session, world.call, world.qa,
                                          world.module_id, world.make)
    body = campaign_body([module_id], center_ids=[make.org.catering.id],
                         client_id=str(uuid.uuid4()), title="并发下发")
    responses = race(N, lambda i: call(qa, "POST", "/campaigns", json=body))
    assert sorted(r.status_code for r in responses) == [200] * (N - 1) + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Campaign).where(
        Campaign.title == "并发下发")) == 1
    session.commit()


def test_concurrent_cancels_cancel_once(world):
    session, call, dispatch, qa = world.session, world.call, world.dispatch, world.qa
    cid = dispatch()
    responses = race(N, lambda i: call(qa, "POST", f"/campaigns/{cid}/cancel",
                                       json={"reason": "并发撤销"}))
    assert sorted(r.status_code for r in responses) == [200] + [409] * (N - 1)
    assert len(_events(session, "campaign.cancelled", cid)) == 1


def test_retries_of_one_receipt_with_its_idempotency_key_all_succeed(world):
    session, call, dispatch, manager = world.session, world.call, world.dispatch, world.manager
    cid = dispatch()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    responses = race(N, lambda i: call(manager, "POST", f"/campaigns/{cid}/receipt", json={
        "done": True, "findings_count": 4}, headers=key))
    assert [r.status_code for r in responses] == [200] * N, [r.text for r in responses]
    assert {r.json()["version"] for r in responses} == {2}
    assert len(_events(session, "campaign.receipt_submitted", cid)) == 1


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_concurrent_uploads_leave_one_document_and_no_orphan(world):
    session, call, dispatch, qa = world.session, world.call, world.dispatch, world.qa
    folder = world.documents
    cid = dispatch()
    before = set(folder.glob("*")) if folder.exists() else set()
    responses = race(N, lambda i: call(qa, "PUT", f"/campaigns/{cid}/attachment", files={
        "file": (f"通知{i}.pdf", PDF + str(i).encode(), "application/pdf")}))
    codes = [r.status_code for r in responses]
    assert 200 in codes and set(codes) <= {200, 409}, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= {
        "campaign_changed"}
    session.rollback()
    key = session.scalar(select(Campaign.attachment_key).where(Campaign.id == cid))
    session.commit()
    assert {p.name for p in set(folder.glob("*")) - before} == {key.split("/")[1]}


def test_a_cancel_racing_a_submit_leaves_the_task_done_or_cancelled(world):
    session, call, qa, make = world.session, world.call, world.qa, world.make
    inspector, items, module_id = world.inspector, world.items, world.module_id
    today = clock.today()
    for _ in range(3):
        cid = world.dispatch(starts_on=today.isoformat(), ends_on=today.isoformat(),
                       receipt_due_on=today.isoformat())
        started = call(inspector, "POST", "/inspections", json={
            "module_id": module_id, "site_id": make.org.kitchen.id, "kind": "special",
            "client_id": str(uuid.uuid4())})
        assert started.status_code == 201, started.text
        iid = started.json()["id"]
        assert call(inspector, "PUT", f"/inspections/{iid}/answers", json={
            "answers": [passing(i) for i in items]}).status_code == 200

        def send(i: int, cid: int = cid, iid: int = iid) -> httpx.Response:
            if i == 0:
                return call(qa, "POST", f"/campaigns/{cid}/cancel", json={"reason": "并发"})
            return call(inspector, "POST", f"/inspections/{iid}/submit")

        cancel, submit = race(2, send)
        assert (cancel.status_code, submit.status_code) == (200, 200), (cancel.text,
                                                                         submit.text)
        session.rollback()
        task_id, state, done_by = session.execute(select(
            PatrolTask.id, PatrolTask.state, PatrolTask.inspection_id).where(
            PatrolTask.campaign_id == cid)).one()
        session.commit()  # release SQLite's write lock before the next round's requests
        done = _events(session, "task.done", task_id)
        assert state in (TaskState.done, TaskState.cancelled)
        assert (state is TaskState.done) == (done_by == iid) == (len(done) == 1)
