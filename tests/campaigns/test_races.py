"""Campaign writes raced on a live server (real commits, real threads; SQLite and
PostgreSQL): one 回执 per center however many are sent at once, a receipt racing a cancel is
either stored before the cancel or refused, a campaign is dispatched once per client_id and
cancelled once."""

import uuid

import httpx
import pytest
from sqlalchemy import func, select

from backend.campaigns.models import Campaign, CampaignCenter, ReceiptStatus
from backend.events.models import DomainEvent
from backend.modules.models import PatrolModule
from backend.modules.service import load_catalogue
from backend.vocab import Role
from tests.campaigns.support import campaign_body, module_for
from tests.races.test_writes import N, race


@pytest.fixture(scope="module")
def world(live):
    session, make = live.factory()
    if session.scalar(select(func.count()).select_from(PatrolModule)) == 0:
        load_catalogue(session)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    manager = make.user(Role.center_manager, center=make.org.catering)
    module_id, _ = module_for(session, includes="canteen")
    session.commit()
    tokens = {u.id: live.token(session, u) for u in (qa, manager)}

    def call(user, method, path, **kw) -> httpx.Response:  # noqa: ANN001
        headers = {"Authorization": f"Bearer {tokens[user.id]}", **kw.pop("headers", {})}
        return httpx.request(method, f"{live.base_url}/api/v1{path}", headers=headers,
                             timeout=60, **kw)

    def dispatch(**overrides) -> int:  # noqa: ANN003
        resp = call(qa, "POST", "/campaigns", json=campaign_body(
            [module_id], center_ids=[make.org.catering.id], **overrides))
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]

    yield session, call, dispatch, qa, manager, module_id, make
    session.close()


def _events(session, event_type, campaign_id) -> list[DomainEvent]:  # noqa: ANN001
    session.rollback()
    found = list(session.scalars(select(DomainEvent).where(
        DomainEvent.type == event_type, DomainEvent.object_id == campaign_id)))
    session.commit()
    return found


def _receipt_row(session, campaign_id) -> CampaignCenter:  # noqa: ANN001
    session.rollback()
    row = session.scalar(select(CampaignCenter).where(CampaignCenter.campaign_id == campaign_id))
    session.commit()
    return row


def test_concurrent_receipts_store_one(world):
    session, call, dispatch, _, manager, _, _ = world
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
    session, call, dispatch, _, manager, _, _ = world
    cid = dispatch()
    assert call(manager, "POST", f"/campaigns/{cid}/receipt", json={
        "done": True, "findings_count": 0}).status_code == 200
    responses = race(N, lambda i: call(manager, "POST", f"/campaigns/{cid}/receipt", json={
        "done": True, "findings_count": i}, headers={"If-Match": '"2"'}))
    assert sorted(r.status_code for r in responses) == [200] + [412] * (N - 1)
    assert _receipt_row(session, cid).version == 3


def test_a_receipt_racing_a_cancel_lands_before_it_or_not_at_all(world):
    session, call, dispatch, qa, manager, _, _ = world
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
    session, call, _, qa, _, module_id, make = world
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
    session, call, dispatch, qa, _, _, _ = world
    cid = dispatch()
    responses = race(N, lambda i: call(qa, "POST", f"/campaigns/{cid}/cancel",
                                       json={"reason": "并发撤销"}))
    assert sorted(r.status_code for r in responses) == [200] + [409] * (N - 1)
    assert len(_events(session, "campaign.cancelled", cid)) == 1


def test_retries_of_one_receipt_with_its_idempotency_key_all_succeed(world):
    session, call, dispatch, _, manager, _, _ = world
    cid = dispatch()
    key = {"Idempotency-Key": str(uuid.uuid4())}
    responses = race(N, lambda i: call(manager, "POST", f"/campaigns/{cid}/receipt", json={
        "done": True, "findings_count": 4}, headers=key))
    assert [r.status_code for r in responses] == [200] * N, [r.text for r in responses]
    assert {r.json()["version"] for r in responses} == {2}
    assert len(_events(session, "campaign.receipt_submitted", cid)) == 1
