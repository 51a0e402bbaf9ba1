"""Tasks under concurrent schedulers and submits on a live server (both databases): a day's
tasks are written once however many workers materialize it, a task is missed once, and of
concurrent inspections inside its window one does it."""

import uuid
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend import clock
from backend.events.models import DomainEvent
from backend.org.models import Site
from backend.plans import tasks
from backend.plans.models import PatrolPlan, PatrolTask, TaskState
from backend.vocab import SiteKind
from tests.inspections.test_inspections import module_with, passing
from tests.races.test_writes import N, race, scene  # noqa: F401 (scene is a fixture)


def _plan(session, make, call, people, **fields) -> int:  # noqa: ANN001
    module_id, _ = module_with(session)
    session.commit()
    resp = call(people["manager"], "POST", "/plans", json={
        "name": "并发计划", "module_id": module_id, "frequency": "daily",
        "inspector_ids": [people["inspector"].id], **fields})
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _in_threads(live, work) -> list[int]:  # noqa: ANN001
    def run(_: int) -> int:
        with Session(live.engine) as session:
            result = work(session)
            session.commit()
            return result

    return race(N, run)


def _count(session, model, *where) -> int:  # noqa: ANN001
    session.rollback()  # a fresh snapshot
    count = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    session.commit()  # release SQLite's write lock for the next writer
    return count


def test_concurrent_materializers_write_each_task_once(live, scene):  # noqa: F811
    session, make, call, people = scene
    for n in range(3):  # a site-kind plan over three canteens
        make.db.add(Site(
            code=f"RACE{uuid.uuid4().hex[:4].upper()}{n}", campus_id=make.org.campus.id,
            center_id=make.org.catering.id, name=f"食堂{n}", kind=SiteKind.canteen))
    session.commit()
    plan_id = _plan(session, make, call, people, site_kind="canteen")
    day = clock.today() + timedelta(days=1)
    sites = len(tasks.occurrences(session, [session.get(PatrolPlan, plan_id)], day))
    session.commit()  # release SQLite's write lock
    written = _in_threads(live, lambda s: tasks.materialize(s, day))
    assert sites >= 4 and sum(written) == _count(session, PatrolTask, PatrolTask.due_on == day)
    assert _count(session, PatrolTask, PatrolTask.plan_id == plan_id) == sites


def test_concurrent_mark_missed_misses_each_task_once(live, scene):  # noqa: F811
    session, make, call, people = scene
    day = clock.today() - timedelta(days=1)
    plan_id = _plan(session, make, call, people, site_id=make.org.kitchen.id,
                    starts_on=day.isoformat())
    tasks.materialize(session, day)
    session.commit()
    task_ids = list(session.scalars(select(PatrolTask.id).where(PatrolTask.plan_id == plan_id)))
    session.commit()  # release SQLite's write lock
    marked = _in_threads(live, lambda s: tasks.mark_missed(s, clock.utcnow()))
    assert sum(marked) >= 1 and len(task_ids) == 1
    missed = select(DomainEvent).where(DomainEvent.type == "task.missed",
                                       DomainEvent.object_id == task_ids[0])
    session.rollback()
    assert len(list(session.scalars(missed))) == 1
    session.commit()


def test_concurrent_submits_do_the_task_once(live, scene):  # noqa: F811
    session, make, call, people = scene
    inspector = people["inspector"]
    module_id, items = module_with(session)
    session.commit()
    plan = call(people["manager"], "POST", "/plans", json={
        "name": "并发巡检", "module_id": module_id, "frequency": "daily",
        "site_id": make.org.kitchen.id, "inspector_ids": [inspector.id]})
    assert plan.status_code == 201, plan.text
    drafts = []
    for _ in range(N):
        started = call(inspector, "POST", "/inspections", json={
            "module_id": module_id, "site_id": make.org.kitchen.id, "kind": "routine",
            "client_id": str(uuid.uuid4())})
        iid = started.json()["id"]
        assert call(inspector, "PUT", f"/inspections/{iid}/answers", json={
            "answers": [passing(i) for i in items]}).status_code == 200
        drafts.append(iid)
    responses = race(N, lambda i: call(inspector, "POST", f"/inspections/{drafts[i]}/submit"))
    assert [r.status_code for r in responses] == [200] * N, [r.text for r in responses]
    session.rollback()
    [task] = session.scalars(select(PatrolTask).where(PatrolTask.plan_id == plan.json()["id"]))
    assert task.state is TaskState.done and task.inspection_id in drafts
    assert _count(session, DomainEvent, DomainEvent.type == "task.done",
                  DomainEvent.object_id == task.id) == 1
