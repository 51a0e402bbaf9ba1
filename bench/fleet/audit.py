"""The reckoning after a chaos run: what the phones hold against what the server has.

- lost: a photo, hazard, inspection or inspection finding (a failed item's hazard) the phones
  captured that is not on the server (or an inspection left unsubmitted);
- duplicated: one of those on the server more than once, or a row the phones never made; the
  same for their domain events (one ``hazard.reported`` per hazard, one ``inspection.started``
  and one ``inspection.submitted`` per checklist: what webhooks and the feed deliver);
- mismatched: a photo whose sha256 (row or stored bytes) is not the phone's, a hazard or answer
  whose photos are not the ones the phone sent, an answer that is not the phone's;
- orphans: a row that points at a missing file, and a temporary file left in the data dir."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select

from backend.events.models import DomainEvent
from backend.hazards.models import Hazard
from backend.inspections.models import Inspection, InspectionAnswer
from backend.photos.models import Photo, PhotoLink
from backend.photos.service import VARIANTS, object_key, temp_root

from .phones import Holdings, Phone
from .world import settings_for

EVENTS = ("hazard.reported", "inspection.started", "inspection.submitted")


@dataclass
class Reckoning:
    lost: int = 0
    duplicated: int = 0
    mismatched: int = 0
    orphans: int = 0
    unreferenced: int = 0  # stored files no row names (a kill between storing and committing)
    details: list[str] = field(default_factory=list)

    def note(self, kind: str, what: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self.details.append(f"{kind}: {what}")


def _once(r: Reckoning, what: str, expected: set[str], found: Counter[str | None]) -> None:
    for key in expected - set(found):
        r.note("lost", f"{what} {key}")
    for key, count in found.items():
        if key not in expected:
            r.note("duplicated", f"{what} {key} that no phone made ({count}x)")
        elif count > 1:
            for _ in range(count - 1):
                r.note("duplicated", f"{what} {key}")


def reckon(engine: Engine, data_dir: Path, phones: list[Phone]) -> Reckoning:
    r = Reckoning()
    by_user = {p.account.user_id: p for p in phones}
    with engine.connect() as conn:
        photos = conn.execute(select(Photo.id, Photo.uploader_id, Photo.client_id, Photo.sha256,
                                     Photo.storage_key)).all()
        hazards = conn.execute(select(Hazard.id, Hazard.reporter_id, Hazard.client_id,
                                      Hazard.inspection_id)).all()
        inspections = conn.execute(select(Inspection.id, Inspection.inspector_id,
                                          Inspection.client_id, Inspection.status)).all()
        answers = conn.execute(select(InspectionAnswer.id, InspectionAnswer.inspection_id,
                                      InspectionAnswer.item_id, InspectionAnswer.result)).all()
        events = Counter(conn.execute(select(DomainEvent.type, DomainEvent.object_id).where(
            DomainEvent.type.in_(EVENTS))).all())
        links = conn.execute(select(PhotoLink.owner_type, PhotoLink.owner_id, PhotoLink.photo_id)
                             .order_by(PhotoLink.position)).all()
    photo_of = {row.id: row for row in photos}
    linked: dict[tuple[str, int], list[str | None]] = {}
    for owner_type, owner_id, photo_id in links:
        linked.setdefault((owner_type, owner_id), []).append(photo_of[photo_id].client_id)
    for user_id, phone in by_user.items():
        held = phone.held
        mine = [p for p in photos if p.uploader_id == user_id]
        _once(r, f"photo of phone {phone.n}", set(held.photos), Counter(p.client_id for p in mine))
        for p in mine:
            if p.client_id in held.photos and p.sha256 != held.photos[p.client_id]:
                r.note("mismatched", f"photo {p.id}: sha256 {p.sha256[:12]} is not the phone's")
        reports = [h for h in hazards if h.reporter_id == user_id and h.inspection_id is None]
        _once(r, f"hazard of phone {phone.n}", set(held.hazards),
              Counter(h.client_id for h in reports))
        for h in reports:
            if h.client_id in held.hazards and linked.get(("hazard", h.id), []) != \
                    held.hazards[h.client_id]:
                r.note("mismatched", f"hazard {h.id}: its photos are not the phone's")
        checks = [i for i in inspections if i.inspector_id == user_id]
        _once(r, f"inspection of phone {phone.n}", set(held.inspections),
              Counter(i.client_id for i in checks))
        for i in checks:
            if i.client_id not in held.inspections:
                continue
            if i.status != "submitted":
                r.note("lost", f"the submit of inspection {i.id}")
            _check_answers(r, i.id, i.client_id, [a for a in answers if a.inspection_id == i.id],
                           linked, held)
            findings = [h for h in hazards if h.inspection_id == i.id]
            failed = sum(res == "fail" for res in held.inspections[i.client_id].values())
            if i.status == "submitted":
                _once(r, f"finding of inspection {i.id}", {str(n) for n in range(failed)},
                      Counter(str(n) for n in range(len(findings))))
    _check_events(r, events, [h.id for h in hazards], [i.id for i in inspections])
    _check_files(r, data_dir, photos)
    return r


def _check_events(r: Reckoning, events: Counter[tuple[str, int]], hazard_ids: list[int],
                  inspection_ids: list[int]) -> None:
    expected = {("hazard.reported", h) for h in hazard_ids}
    expected |= {(t, i) for i in inspection_ids for t in EVENTS if t.startswith("inspection.")}
    _once(r, "event", {f"{t} {n}" for t, n in expected},
          Counter({f"{t} {n}": count for (t, n), count in events.items()}))


def _check_answers(r: Reckoning, inspection_id: int, client_id: str, rows: list,
                   linked: dict[tuple[str, int], list[str | None]], held: Holdings) -> None:
    expected = held.inspections[client_id]
    got = {a.item_id: a.result for a in rows}  # AnswerResult is a StrEnum: equal to its value
    if got != expected:
        r.note("mismatched", f"inspection {inspection_id}: answers {got} are not {expected}")
    for a in rows:
        photos = linked.get(("inspection_answer", a.id), [])
        if photos != held.answer_photos[client_id].get(a.item_id, []):
            r.note("mismatched", f"answer {a.id}: its photos are not the phone's")


def _check_files(r: Reckoning, data_dir: Path, photos: list) -> None:
    store = data_dir / "photos"
    for p in photos:
        for variant in VARIANTS:
            path = store / object_key(p, variant)
            if not path.is_file():
                r.note("orphans", f"photo {p.id} points at a missing {variant} file")
            elif variant == "original" and hashlib.sha256(path.read_bytes()).hexdigest() != p.sha256:
                r.note("mismatched", f"photo {p.id}: the stored original's bytes differ")
    named = {str(store / object_key(p, v)) for p in photos for v in VARIANTS}
    stored = [f for d in ("originals", "derived") if (store / d).is_dir()
              for f in (store / d).rglob("*") if f.is_file() and not f.name.startswith(".")]
    r.unreferenced = sum(str(f) not in named for f in stored)
    temp = temp_root(settings_for("sqlite://", data_dir))
    left = [f for f in temp.rglob("*") if f.is_file()] if temp.is_dir() else []
    left += [f for f in store.rglob("*") if f.is_file() and (
        f.name.startswith(".incoming-") or ".incoming" in f.relative_to(store).parts)]
    for f in left:
        r.note("orphans", f"temporary file left: {f.relative_to(data_dir)}")
