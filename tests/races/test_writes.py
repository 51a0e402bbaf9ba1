"""Every write of inspections and hazards raced on a live server: real commits, real threads,
on SQLite and on PostgreSQL (where nothing serialises writers for us: each test here failed
there before the conditional-UPDATE writes and the idempotency claims)."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.clock import today
from backend.hazards.models import Hazard, HazardEvent
from backend.inspections import service as inspections
from backend.inspections.models import InspectionAnswer
from backend.inspections.schemas import AnswersIn
from backend.modules.models import PatrolModule
from backend.modules.service import load_catalogue
from backend.vocab import ItemKind, Role
from tests.inspections.test_inspections import module_with, passing

N = 8


def race(n: int, send) -> list[httpx.Response]:  # noqa: ANN001
    """``send(i)`` from ``n`` threads released together."""
    gate = Barrier(n)

    def go(i: int) -> httpx.Response:
        gate.wait()
        return send(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(go, range(n)))


@pytest.fixture(scope="module")
def scene(live):
    session, make = live.factory()
    if session.scalar(select(func.count()).select_from(PatrolModule)) == 0:
        load_catalogue(session)
    inspector = make.user(Role.inspector)
    manager = make.user(Role.center_manager)
    worker = make.user(Role.inspector)
    session.commit()
    tokens = {u.id: live.token(session, u) for u in (inspector, manager, worker)}

    def call(user, method, path, **kw) -> httpx.Response:  # noqa: ANN001
        headers = {"Authorization": f"Bearer {tokens[user.id]}", **kw.pop("headers", {})}
        return httpx.request(method, f"{live.base_url}/api/v1{path}", headers=headers,
                             timeout=60, **kw)

    yield session, make, call, {"inspector": inspector, "manager": manager, "worker": worker}
    session.close()


def _draft(session, make, call, inspector, failed: int):  # noqa: ANN001
    module_id, items = module_with(session)
    failing = [i for i in items if i.kind is ItemKind.pass_fail][:failed]
    answers = [{"item_id": i.id, "result": "fail", "note": "问题",
                "photo_ids": [make.photo(inspector).id]} for i in failing]
    answers += [passing(i) for i in items if i not in failing]
    session.commit()
    started = call(inspector, "POST", "/inspections", json={
        "module_id": module_id, "site_id": make.org.kitchen.id, "kind": "routine",
        "client_id": str(uuid.uuid4())})
    assert started.status_code == 201, started.text
    return started.json()["id"], answers


def test_concurrent_submits_make_each_hazard_once(scene):
    session, make, call, people = scene
    iid, answers = _draft(session, make, call, people["inspector"], failed=2)
    assert call(people["inspector"], "PUT", f"/inspections/{iid}/answers",
                json={"answers": answers}).status_code == 200
    responses = race(N, lambda _i: call(people["inspector"], "POST", f"/inspections/{iid}/submit"))
    assert [r.status_code for r in responses] == [200] * N, [r.text for r in responses]
    assert {tuple(r.json()["hazard_ids"]) for r in responses} == \
        {tuple(responses[0].json()["hazard_ids"])}
    assert len(responses[0].json()["hazard_ids"]) == 2
    session.rollback()  # a fresh snapshot
    assert session.scalar(select(func.count()).select_from(Hazard)
                          .where(Hazard.inspection_id == iid)) == 2


def test_concurrent_identical_answers_are_upserts(scene):
    session, make, call, people = scene
    iid, answers = _draft(session, make, call, people["inspector"], failed=1)
    responses = race(4, lambda _i: call(people["inspector"], "PUT", f"/inspections/{iid}/answers",
                                        json={"answers": answers}))
    assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
    session.rollback()  # a fresh snapshot
    assert session.scalar(select(func.count()).select_from(InspectionAnswer)
                          .where(InspectionAnswer.inspection_id == iid)) == len(answers)


def test_answers_racing_a_submit_never_land_after_it(scene):
    session, make, call, people = scene
    iid, answers = _draft(session, make, call, people["inspector"], failed=0)
    assert call(people["inspector"], "PUT", f"/inspections/{iid}/answers",
                json={"answers": answers}).status_code == 200
    late = [{**answers[0], "note": "提交后改"}]

    def send(i: int) -> httpx.Response:
        if i == 0:
            return call(people["inspector"], "POST", f"/inspections/{iid}/submit")
        return call(people["inspector"], "PUT", f"/inspections/{iid}/answers",
                    json={"answers": late})

    responses = race(6, send)
    assert responses[0].status_code == 200
    assert {r.status_code for r in responses[1:]} <= {200, 409}
    submitted_at = responses[0].json()["submitted_at"]
    final = call(people["inspector"], "GET", f"/inspections/{iid}").json()
    assert final["status"] == "submitted" and final["submitted_at"] == submitted_at
    conflicts = [r for r in responses[1:] if r.status_code == 409]
    assert all(r.json()["error"]["code"] == "inspection_submitted" for r in conflicts)


def test_a_delete_racing_a_submit_and_saves_is_all_or_nothing(scene):
    """Deleting a draft while the phone still submits and saves it: either the delete wins
    (everything after it is 404, no hazard, no answer left) or the submit does (the delete is
    409 and the inspection stays, whole). Never a 500, never half of each."""
    session, make, call, people = scene
    inspector = people["inspector"]
    iid, answers = _draft(session, make, call, inspector, failed=1)
    assert call(inspector, "PUT", f"/inspections/{iid}/answers",
                json={"answers": answers}).status_code == 200

    def send(i: int) -> httpx.Response:
        if i == 0:
            return call(inspector, "DELETE", f"/inspections/{iid}")
        if i == 1:
            return call(inspector, "POST", f"/inspections/{iid}/submit")
        return call(inspector, "PUT", f"/inspections/{iid}/answers", json={"answers": answers})

    responses = race(6, send)
    deleted, submitted = responses[0], responses[1]
    assert {r.status_code for r in responses} <= {200, 204, 404, 409}, [r.text for r in responses]
    session.rollback()  # a fresh snapshot
    hazards = session.scalar(select(func.count()).select_from(Hazard)
                             .where(Hazard.inspection_id == iid))
    left = session.scalar(select(func.count()).select_from(InspectionAnswer)
                          .where(InspectionAnswer.inspection_id == iid))
    if deleted.status_code == 204:
        assert submitted.status_code in (404, 409) and hazards == 0 and left == 0
    else:
        assert (deleted.status_code, submitted.status_code) == (409, 200), deleted.text
        assert hazards == 1 and left == len(answers)


def test_concurrent_starts_with_one_client_id_make_one_inspection(scene):
    session, make, call, people = scene
    module_id, _ = module_with(session)
    session.commit()  # on SQLite the test's session holds the write lock until it ends
    body = {"module_id": module_id, "site_id": make.org.kitchen.id, "kind": "routine",
            "client_id": str(uuid.uuid4())}
    responses = race(N, lambda _i: call(people["inspector"], "POST", "/inspections", json=body))
    assert sorted(r.status_code for r in responses) == [200] * (N - 1) + [201]
    assert len({r.json()["id"] for r in responses}) == 1


def _assign_body(worker) -> dict:  # noqa: ANN001
    return {"assignee_id": worker.id, "measures": "整改", "cost_estimate": "1",
            "deadline": (today() + timedelta(days=7)).isoformat(), "interim_measures": "警示"}


def test_retries_of_one_action_with_its_key_all_answer_200_and_act_once(scene):
    session, make, call, people = scene
    hazard = make.hazard(people["inspector"])
    session.commit()
    key = str(uuid.uuid4())
    responses = race(4, lambda _i: call(
        people["manager"], "POST", f"/hazards/{hazard.id}/actions/assign",
        json=_assign_body(people["worker"]), headers={"Idempotency-Key": key}))
    assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
    session.rollback()  # a fresh snapshot
    assert session.scalar(select(func.count()).select_from(HazardEvent).where(
        HazardEvent.hazard_id == hazard.id, HazardEvent.action == "assign")) == 1


def test_racing_different_actions_one_wins_the_rest_conflict(scene):
    session, make, call, people = scene
    hazard = make.hazard(people["inspector"])
    session.commit()
    bodies = {"assign": _assign_body(people["worker"]), "cancel": {"reason": "重复上报"},
              "edit": {"title": "更准确的标题"}}
    actions = list(bodies)
    responses = race(N, lambda i: call(
        people["manager"], "POST", f"/hazards/{hazard.id}/actions/{actions[i % 3]}",
        json=bodies[actions[i % 3]]))
    codes = sorted(r.status_code for r in responses)
    winners = [r for r in responses if r.status_code == 200]
    # re-assigning an assigned hazard is allowed, so several assigns may win one after
    # another; a cancel wins only alone, and nothing is ever a 500
    assert set(codes) <= {200, 409}, [r.text for r in responses]
    session.rollback()  # a fresh snapshot
    events = session.scalar(select(func.count()).select_from(HazardEvent).where(
        HazardEvent.hazard_id == hazard.id))
    assert events == 1 + len(winners)
    seqs = list(session.scalars(select(HazardEvent.seq).where(HazardEvent.hazard_id == hazard.id)
                                .order_by(HazardEvent.seq)))
    assert seqs == list(range(1, events + 1))


def test_racing_writes_with_one_etag_one_wins_the_rest_are_412(scene):
    session, make, call, people = scene
    hazard = make.hazard(people["inspector"])
    session.commit()
    etag = call(people["manager"], "GET", f"/hazards/{hazard.id}").headers["ETag"]
    responses = race(N, lambda _i: call(
        people["manager"], "POST", f"/hazards/{hazard.id}/actions/assign",
        json=_assign_body(people["worker"]), headers={"If-Match": etag}))
    assert sorted(r.status_code for r in responses) == [200] + [412] * (N - 1), \
        [r.text for r in responses]


def test_a_submit_with_a_stale_etag_that_waited_for_a_save_is_412(live, scene):
    """B read version N, then waited for A's save of the draft (N+1): B's conditional UPDATE
    carries N, so it loses instead of submitting answers its client never saw."""
    session, make, call, people = scene
    inspector = people["inspector"]
    iid, answers = _draft(session, make, call, inspector, failed=0)
    saved = call(inspector, "PUT", f"/inspections/{iid}/answers", json={"answers": answers})
    version = saved.json()["version"]
    holder = Session(live.engine, expire_on_commit=False)
    inspections.save_answers(holder, holder.get(User, inspector.id), iid,
                             AnswersIn.model_validate({"answers": answers[:1]}))
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(call, inspector, "POST", f"/inspections/{iid}/submit",
                              headers={"If-Match": f'"{version}"'})
        time.sleep(1.0)  # the submit has read version N and waits for the holder's row/lock
        holder.commit()
        holder.close()
        answer = pending.result(timeout=60)
    assert answer.status_code == 412, answer.text
    assert call(inspector, "GET", f"/inspections/{iid}").json()["status"] == "draft"
