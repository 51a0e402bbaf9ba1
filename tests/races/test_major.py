"""The major-hazard regime's writes raced on a live server (SQLite and PostgreSQL): 挂牌督办 is
recorded once however many arrive together, a supervision racing a 销号 is one or the other or
both in order (never a supervision stored after a closing that refused it), and upward reports
racing each other are each stored once or refused, never lost or doubled; one 督办单 number
given to several hazards at once is taken by one of them."""

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from backend.clock import today, utcnow
from backend.hazards.models import Hazard, HazardEvent, SupervisionOrder
from backend.vocab import Grade, Role
from tests.hazards.test_workflow_api import GOVERNANCE_PLAN
from tests.races.test_writes import N, race

SUPERVISION = {"supervisor": "王主任", "requirements": "限期整改，每周报告进展"}


@pytest.fixture(scope="module")
def scene(live):
    session, make = live.factory()
    people = {"inspector": make.user(Role.inspector), "manager": make.user(Role.center_manager),
              "worker": make.user(Role.inspector),
              "qa": make.user(Role.qa_officer, center=make.org.qa),
              "qa2": make.user(Role.qa_officer, center=make.org.qa)}
    session.commit()
    tokens = {u.id: live.token(session, u) for u in people.values()}

    def call(user, method, path, **kw):  # noqa: ANN001, ANN202
        headers = {"Authorization": f"Bearer {tokens[user.id]}", **kw.pop("headers", {})}
        return httpx.request(method, f"{live.base_url}/api/v1{path}", headers=headers,
                             timeout=60, **kw)

    yield session, make, call, people
    session.close()


def _submitted(session, make, call, people) -> Hazard:  # noqa: ANN001
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    photo = make.photo(people["worker"])
    session.commit()
    assert call(people["manager"], "POST", f"/hazards/{hazard.id}/actions/assign", json={
        "assignee_id": people["worker"].id, "governance_plan": GOVERNANCE_PLAN,
        "deadline": (today() + timedelta(days=7)).isoformat()}).status_code == 200
    assert call(people["worker"], "POST", f"/hazards/{hazard.id}/actions/submit", json={
        "description": "已整改", "photo_ids": [photo.id]}).status_code == 200
    return hazard


def _events(session, hazard_id: int, action: str) -> int:  # noqa: ANN001
    session.rollback()  # a fresh snapshot
    return session.scalar(select(func.count()).select_from(HazardEvent).where(
        HazardEvent.hazard_id == hazard_id, HazardEvent.action == action))


def test_concurrent_supervisions_store_one(scene):
    session, make, call, people = scene
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    session.commit()
    officers = [people["qa"], people["qa2"]]
    responses = race(N, lambda i: call(
        officers[i % 2], "POST", f"/hazards/{hazard.id}/actions/supervise",
        json={**SUPERVISION, "supervisor": f"督办人{i}"}))
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 1 and set(codes) == {200, 409}, [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()["supervision"]
    assert _events(session, hazard.id, "supervise") == 1
    stored = session.get(Hazard, hazard.id, populate_existing=True)
    assert stored.supervision["supervisor"] == winner["supervisor"]


def test_retries_of_one_supervision_with_its_key_answer_200_and_store_one(scene):
    session, make, call, people = scene
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    session.commit()
    key = str(uuid.uuid4())
    responses = race(4, lambda _i: call(
        people["qa"], "POST", f"/hazards/{hazard.id}/actions/supervise", json=SUPERVISION,
        headers={"Idempotency-Key": key}))
    assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
    assert _events(session, hazard.id, "supervise") == 1


def test_a_supervision_racing_the_closing_is_stored_only_if_it_won(scene):
    session, make, call, people = scene
    for _round in range(3):
        hazard = _submitted(session, make, call, people)
        evidence = make.photo(people["qa2"])
        session.commit()

        url, photo_id = f"/hazards/{hazard.id}/actions", evidence.id

        def send(i: int, url: str = url, photo_id: int = photo_id):  # noqa: ANN202
            if i == 0:
                return call(people["qa2"], "POST", f"{url}/verify",
                            json={"comment": "复核合格，同意销号", "photo_ids": [photo_id]})
            return call(people["qa"], "POST", f"{url}/supervise", json=SUPERVISION)

        verify, supervise = race(2, send)
        assert {verify.status_code, supervise.status_code} <= {200, 409}, \
            (verify.text, supervise.text)
        assert verify.status_code == 200 or supervise.status_code == 200
        session.rollback()  # a fresh snapshot
        stored = session.get(Hazard, hazard.id, populate_existing=True)
        assert (stored.status.value == "closed") is (verify.status_code == 200)
        assert (stored.supervision is not None) is (supervise.status_code == 200)
        seqs = list(session.scalars(select(HazardEvent.seq)
                                    .where(HazardEvent.hazard_id == hazard.id)
                                    .order_by(HazardEvent.seq)))
        assert seqs == list(range(1, len(seqs) + 1))


def test_racing_upward_reports_are_each_stored_once_or_refused(scene):
    session, make, call, people = scene
    hazard = make.hazard(people["inspector"], grade=Grade.major)
    session.commit()
    at = utcnow().isoformat()
    responses = race(N, lambda i: call(
        people["qa"] if i % 2 else people["qa2"], "POST",
        f"/hazards/{hazard.id}/actions/report_upward",
        json={"recipient": f"报送对象{i}", "reported_at": at, "channel": "phone"}))
    codes = [r.status_code for r in responses]
    assert set(codes) <= {200, 409} and 200 in codes, [r.text for r in responses]
    assert _events(session, hazard.id, "report_upward") == codes.count(200)
    listed = call(people["qa"], "GET", f"/hazards/{hazard.id}").json()["upward_reports"]
    won = {f"报送对象{i}" for i, r in enumerate(responses) if r.status_code == 200}
    assert {r["recipient"] for r in listed} == won and len(listed) == len(won)


def test_one_order_number_given_to_several_hazards_at_once_is_taken_once(scene):
    session, make, call, people = scene
    hazards = [make.hazard(people["inspector"], grade=Grade.major) for _ in range(N)]
    session.commit()
    order_no = f"督〔2026〕{uuid.uuid4().hex[:8]}号"
    responses = race(N, lambda i: call(
        people["qa"] if i % 2 else people["qa2"], "POST",
        f"/hazards/{hazards[i].id}/actions/supervise", json={**SUPERVISION, "order_no": order_no}))
    codes = [r.status_code for r in responses]
    assert codes.count(200) == 1 and set(codes) == {200, 409}, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == \
        {"order_no_taken"}
    session.rollback()  # a fresh snapshot
    won = hazards[codes.index(200)].id
    assert [h.id for h in hazards if session.get(Hazard, h.id, populate_existing=True)
            .supervision is not None] == [won]
    assert list(session.scalars(select(SupervisionOrder.hazard_id).where(
        SupervisionOrder.order_no == order_no))) == [won]
    assert sum(_events(session, h.id, "supervise") for h in hazards) == 1
