"""Migration 0026's backfill: an ``updated_at`` older than the last change recorded for its
row (a timeline entry, a submit, an answer's photo link) is raised to it; others stay."""

import importlib.util
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text, update

from backend.clock import utcnow
from backend.hazards.models import Hazard, HazardEvent
from backend.inspections.models import Inspection, InspectionAnswer
from backend.photos.models import PhotoLink
from backend.vocab import Role
from tests.inspections.test_inspections import module_with

PATH = Path(__file__).parents[2] / "backend/migrations/versions/0026_changes_feed.py"


def backfill() -> tuple[str, ...]:
    spec = importlib.util.spec_from_file_location("revision_0026", PATH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BACKFILL


def test_updated_at_is_raised_to_the_last_recorded_change(client, make, db):
    reporter = make.user(Role.inspector)
    stale, fresh = make.hazard(reporter), make.hazard(reporter)
    module_id, items = module_with(db)
    drafts = [client.post("/api/v1/inspections", headers=make.headers(reporter), json={
        "module_id": module_id, "site_id": make.org.kitchen.id, "kind": "routine"}).json()["id"]
        for _ in range(3)]
    answer = InspectionAnswer(inspection_id=drafts[0], item_id=items[0].id)
    db.add(answer)
    db.flush()
    photo = make.photo(reporter)
    long_ago, now = utcnow() - timedelta(days=400), utcnow()
    db.add(PhotoLink(photo_id=photo.id, owner_type="inspection_answer", owner_id=answer.id,
                     created_at=now))
    db.execute(update(Hazard).where(Hazard.id.in_([stale.id, fresh.id]))
               .values(updated_at=long_ago))
    db.execute(update(HazardEvent).where(HazardEvent.hazard_id == fresh.id)
               .values(at=long_ago - timedelta(days=1)))
    db.execute(update(Inspection).where(Inspection.id.in_(drafts)).values(updated_at=long_ago))
    db.execute(update(Inspection).where(Inspection.id == drafts[1])
               .values(submitted_at=now, status="submitted", updated_at=long_ago))
    db.flush()
    for statement in backfill():
        db.execute(text(statement))
    db.expire_all()
    event_at = db.scalar(select(HazardEvent.at).where(HazardEvent.hazard_id == stale.id))
    assert db.get(Hazard, stale.id).updated_at == event_at > long_ago
    assert db.get(Hazard, fresh.id).updated_at == long_ago  # its last change is older
    stamps = [db.get(Inspection, i).updated_at for i in drafts]
    assert stamps == [now, now, long_ago]
