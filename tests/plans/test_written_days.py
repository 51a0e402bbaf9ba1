"""A written day (``patrol_days``) is listed from its rows alone, and lists exactly what the
same day computed from the plans lists; a plan change after the day was written is seen at
once (the stamp differs) and written by the next pass, the written tasks kept as they were."""

from sqlalchemy import func, select

from backend.plans import days
from backend.plans.models import PatrolDay, PatrolTask
from backend.vocab import Role
from tests.notifications.helpers import run_scheduler
from tests.notifications.test_patrol_tasks import _canteens
from tests.plans.support import MONDAY, at_local, create_plan, module_with


def _listing(client, make, user, **params) -> list[tuple]:  # noqa: ANN001
    seen, cursor = [], None
    while True:
        resp = client.get("/api/v1/tasks", headers=make.headers(user),
                          params={"limit": 2, **params, **({"cursor": cursor} if cursor else {})})
        assert resp.status_code == 200, resp.text
        seen += [(t["plan_id"], t["site_id"], t["plan_name"], t["site_name"], t["state"],
                  t["window_start_at"], t["assignee_ids"]) for t in resp.json()["items"]]
        cursor = resp.json()["next_cursor"]
        if cursor is None:
            return seen


def test_a_written_day_lists_what_the_computed_day_listed(client, make, db, app):
    inspector = make.user(Role.inspector, center=make.org.catering)
    manager = make.user(Role.center_manager, center=make.org.catering)
    qa = make.user(Role.qa_officer, center=make.org.qa)
    module_id, _ = module_with(db)
    _canteens(make, 3)
    for start, people in (("08:00", [inspector]), ("09:00", [manager]), ("08:00", [inspector])):
        create_plan(client, make, manager, module_id, people, site_id=None,
                    site_kind="canteen", window_start=start)
    views = [(inspector, {}), (inspector, {"mine": "false"}), (manager, {}), (qa, {}),
             (manager, {"site_id": make.org.kitchen.id}), (manager, {"state": "due"})]
    with_clock = at_local(MONDAY, 7)
    from backend.clock import frozen
    with frozen(with_clock):
        computed = [_listing(client, make, user, **params) for user, params in views]
    run_scheduler(app, with_clock)
    assert days.is_written(db, MONDAY)[0]
    with frozen(with_clock):
        written = [_listing(client, make, user, **params) for user, params in views]
    assert written == computed
    assert [len(x) for x in computed] == [8, 12, 12, 12, 3, 12]


def test_a_plan_changed_after_the_day_was_written_is_seen_at_once(client, make, db, app):
    inspector = make.user(Role.inspector, center=make.org.catering)
    manager = make.user(Role.center_manager, center=make.org.catering)
    module_id, _ = module_with(db)
    plan = create_plan(client, make, manager, module_id, [inspector])
    assert run_scheduler(app, at_local(MONDAY, 7)).tasks_written == 1
    _canteens(make, 2)
    db.commit()
    from backend.clock import frozen
    with frozen(at_local(MONDAY, 7, 1)):
        resp = client.patch(f"/api/v1/plans/{plan['id']}", headers=make.headers(manager), json={
            "site_id": None, "site_kind": "canteen", "window_start": "09:00"})
        assert resp.status_code == 200, resp.text
        assert not days.is_written(db, MONDAY)[0]
        listed = _listing(client, make, inspector)
    assert len(listed) == 3  # the written kitchen task and two computed ones
    kitchen = [t for t in listed if t[1] == make.org.kitchen.id]
    assert kitchen[0][5] == "2026-03-02T00:00:00Z"  # written at 08:00, kept
    again = run_scheduler(app, at_local(MONDAY, 7, 2))
    assert again.tasks_written == 2
    assert db.scalar(select(func.count()).select_from(PatrolTask)) == 3
    assert run_scheduler(app, at_local(MONDAY, 7, 3)).tasks_written == 0


def test_a_pass_on_a_written_day_reads_no_plan(client, make, db, app):
    """The mark, not a recomputation, answers a pass once the day is written."""
    inspector = make.user(Role.inspector, center=make.org.catering)
    manager = make.user(Role.center_manager, center=make.org.catering)
    module_id, _ = module_with(db)
    create_plan(client, make, manager, module_id, [inspector])
    run_scheduler(app, at_local(MONDAY, 7))
    [mark] = db.scalars(select(PatrolDay))
    assert mark.day == MONDAY and mark.stamp == days.stamp(db)
    statements: list[str] = []
    from sqlalchemy import event
    bind = db.get_bind()

    def seen(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(bind, "before_cursor_execute", seen)
    try:
        run_scheduler(app, at_local(MONDAY, 7, 5))
    finally:
        event.remove(bind, "before_cursor_execute", seen)
    assert not any("FROM patrol_plans" in s and "max(" not in s for s in statements)
