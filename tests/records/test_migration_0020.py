"""Revision 0020 on an installation that already has groups and centers: each center gets
附表1's three standard rows and each group the 2024-2026 three-year action of its document,
which the ORM then reads as any other."""

from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from backend.db import make_engine
from backend.migrate import upgrade
from backend.records.models import ActionCampaign, ResponsibilityItem
from backend.records.seed import DEFAULT_ACTION, STANDARD_ITEMS, ensure_defaults


def test_existing_centers_and_groups_get_their_rows(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.connect() as conn:
        upgrade(conn, "0019")
        now = "2026-11-01 08:00:00"
        conn.execute(text("INSERT INTO groups (id, name, created_at, updated_at) "
                          "VALUES (1, 'g', :t, :t)"), {"t": now})
        for center_id in (1, 2):
            conn.execute(text(
                "INSERT INTO centers (id, group_id, code, name, kind, is_active, created_at, "
                "updated_at) VALUES (:id, 1, :code, :code, 'catering', 1, :t, :t)"),
                {"id": center_id, "code": f"c{center_id}", "t": now})
        conn.commit()
        upgrade(conn)
        conn.commit()
    with Session(engine) as session:
        items = session.scalars(select(ResponsibilityItem).order_by(
            ResponsibilityItem.center_id, ResponsibilityItem.position)).all()
        assert [(i.center_id, i.standard_key, i.title) for i in items] == [
            (center_id, key, title) for center_id in (1, 2) for key, _, title in STANDARD_ITEMS]
        assert all(i.version == 1 and i.created_at.tzinfo is not None for i in items)
        action = session.scalars(select(ActionCampaign)).one()
        assert (action.group_id, action.title, action.table2_due_on) == (
            1, DEFAULT_ACTION["title"], date(2024, 12, 31))
        assert {k: getattr(action, k) for k in DEFAULT_ACTION} == DEFAULT_ACTION
    engine.dispose()


def test_a_new_group_gets_the_same_defaults_once(db, make):
    group_id = make.org.group.id
    for _ in range(2):
        ensure_defaults(db, group_id)
    actions = db.scalars(select(ActionCampaign).where(ActionCampaign.group_id == group_id)).all()
    assert [a.title for a in actions] == [DEFAULT_ACTION["title"]]
    standard = db.scalars(select(ResponsibilityItem.standard_key).where(
        ResponsibilityItem.center_id == make.org.catering.id)).all()
    assert sorted(standard) == sorted(key for key, _, _ in STANDARD_ITEMS)
