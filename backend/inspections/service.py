"""Inspections: a draft bound to a module version, answers saved at any moment, and a submit
that turns every failed item into a hazard."""

from collections.abc import Callable, Mapping
from decimal import Decimal

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from backend import clock, events, idempotency
from backend.accounts.models import User
from backend.audit.service import record
from backend.config import Settings
from backend.errors import Conflict, Forbidden, NotFound, Unprocessable
from backend.etag import PreconditionFailed, required_version
from backend.hazards import service as hazards
from backend.hazards.bodies import FixOnSpotIn, HazardCreateIn
from backend.hazards.models import Hazard
from backend.inspections import rules
from backend.inspections.models import (
    AnswerResult,
    Inspection,
    InspectionAnswer,
    InspectionKind,
    InspectionStatus,
)
from backend.inspections.schemas import AnswersIn, InspectionCreateIn
from backend.modules.models import ModuleItem, ModuleVersion
from backend.modules.service import get_version
from backend.org.models import Site
from backend.org.service import CENTER_DATA_READERS, get_site_for_new_work, scoped_to_user
from backend.photos.models import PhotoLink
from backend.photos.service import link_photos, register_link_access, unlink_photos
from backend.statewrite import compare_and_set
from backend.vocab import Grade, HazardSource, Role, SiteCondition

CENTER_KINDS = frozenset({InspectionKind.routine, InspectionKind.special,
                          InspectionKind.holiday, InspectionKind.external})
QA_KINDS = frozenset({InspectionKind.supervision, InspectionKind.special,
                      InspectionKind.holiday, InspectionKind.external})
BEFORE, AFTER = "inspection_answer", "inspection_answer_after"
# run in the submit's transaction by the request that submitted: a layer above (plans: the
# task the inspection completes) reacts without inspections importing it
SUBMIT_HOOKS: list[Callable[[Session, Inspection], None]] = []


class InspectionIncomplete(Unprocessable):
    code = "inspection_incomplete"
    message = "检查尚未完成，不能提交"


class InspectionSubmitted(Conflict):
    code = "inspection_submitted"
    message = "检查已提交，不能再修改"


class ModuleVersionMismatch(Unprocessable):
    code = "module_version_mismatch"
    message = "模块版本不属于该模块"


def readable_inspections(user: User) -> Select[Inspection]:
    return scoped_to_user(select(Inspection), Inspection.center_id, user, CENTER_DATA_READERS)


def _readable_answers(session: Session, user: User, ids: list[int]) -> bool:
    inspection_ids = list(session.scalars(select(InspectionAnswer.inspection_id)
                                          .where(InspectionAnswer.id.in_(ids))))
    return bool(inspection_ids) and session.scalar(
        readable_inspections(user).with_only_columns(Inspection.id)
        .where(Inspection.id.in_(inspection_ids)).limit(1)) is not None


register_link_access(BEFORE, _readable_answers)
register_link_access(AFTER, _readable_answers)


def get_readable_inspection(session: Session, user: User, inspection_id: int) -> Inspection:
    inspection = session.scalar(readable_inspections(user).where(Inspection.id == inspection_id)
                                .execution_options(populate_existing=True))
    if inspection is None:
        raise NotFound("检查不存在", code="inspection_not_found",
                       details={"inspection_id": inspection_id})
    return inspection


def allowed_kinds(user: User, site_center_id: int) -> frozenset[InspectionKind]:
    """The kinds of inspection ``user`` may start at a site of center ``site_center_id``."""
    kinds: set[InspectionKind] = set()
    if user.has_role(Role.qa_officer):
        kinds |= QA_KINDS
    if user.has_role(Role.inspector, Role.center_manager) and user.center_id == site_center_id:
        kinds |= CENTER_KINDS
    return frozenset(kinds)


def _module_version(session: Session, data: InspectionCreateIn) -> ModuleVersion:
    """The version the phone's checklist was built from (still valid while it exists), or the
    module's current one. A retired module takes no new inspection, except one whose checklist
    a phone already holds (it names its version): that captured work is never stranded."""
    view = get_version(session, data.module_id)
    if not view.module.is_active and data.module_version_id is None:
        raise Unprocessable("该巡检模块已停用", code="module_inactive")
    if data.module_version_id is None or data.module_version_id == view.version.id:
        return view.version
    version = session.get(ModuleVersion, data.module_version_id)
    if version is None or version.module_id != data.module_id:
        raise ModuleVersionMismatch(details={"module_id": data.module_id,
                                             "module_version_id": data.module_version_id})
    return version


def create(session: Session, user: User, data: InspectionCreateIn) -> tuple[Inspection, bool]:
    """Start a draft on the module version the phone used (default: the current one).
    Idempotent by ``client_id``."""

    def find() -> Inspection | None:
        if data.client_id is None:
            return None
        return session.scalar(select(Inspection).where(Inspection.inspector_id == user.id,
                                                       Inspection.client_id == data.client_id))

    def same_request(first: Inspection) -> bool:
        return (first.module_id, first.site_id, first.kind) == \
            (data.module_id, data.site_id, data.kind)

    def start() -> Inspection:
        site = get_site_for_new_work(session, user, data.site_id)
        allowed = allowed_kinds(user, site.center_id)
        if data.kind not in allowed:
            raise Forbidden("您不能在该点位进行此类检查", code="inspection_kind_forbidden",
                            details={"kind": data.kind.value,
                                     "allowed_kinds": sorted(k.value for k in allowed)})
        version = _module_version(session, data)
        inspection = Inspection(
            client_id=data.client_id, inspector_id=user.id, module_id=data.module_id,
            module_version_id=version.id, site_id=site.id, center_id=site.center_id,
            campus_id=site.campus_id, kind=data.kind, note=data.note,
            checkin_method=data.checkin_method, started_at=data.started_at,
            gps_lat=data.gps.lat if data.gps else None,
            gps_lon=data.gps.lon if data.gps else None)
        session.add(inspection)
        session.flush()
        facts = {"site_id": site.id, "module_id": data.module_id,
                 "module_version_id": version.id, "kind": data.kind.value}
        record(session, actor=user, action="inspection.create", object_type="inspection",
               object_id=inspection.id, summary={"after": facts})
        _emit(session, user, inspection, "started", {**facts, "inspector_id": user.id})
        return inspection

    return idempotency.create_once(session, find, start, same_request)


def _emit(session: Session, user: User, inspection: Inspection, what: str,
          data: Mapping[str, object]) -> None:
    """``inspection.<what>``: every change of an inspection is an event (started, answers
    saved, discarded, submitted), so a mirror of the feed stays exact."""
    events.emit(session, f"inspection.{what}", object_type="inspection",
                object_id=inspection.id, center_id=inspection.center_id,
                group_id=user.group_id, actor_id=user.id, data=data)


def _own_draft(session: Session, user: User, inspection_id: int) -> Inspection:
    inspection = get_readable_inspection(session, user, inspection_id)
    if inspection.inspector_id != user.id:
        raise Forbidden("只有检查人可以修改该检查", code="not_the_inspector")
    return inspection


def _reread(session: Session, inspection: Inspection) -> Inspection:
    """The row after a lost conditional UPDATE; a draft deleted meanwhile is 404."""
    inspection_id = inspection.id
    session.expire(inspection)
    current = session.scalar(select(Inspection).where(Inspection.id == inspection_id)
                             .execution_options(populate_existing=True))
    if current is None:
        raise NotFound("检查不存在", code="inspection_not_found",
                       details={"inspection_id": inspection_id})
    return current


def _site_facts(session: Session, site_id: int) -> tuple[Decimal | None,
                                                       frozenset[SiteCondition]]:
    """What about the site changes how its checklist is judged: the building's height and the
    attributes that decide which items are asked (one query)."""
    height, large_span = session.execute(
        select(Site.building_height_m, Site.large_span_roof).where(Site.id == site_id)).one()
    return height, frozenset({SiteCondition.large_span_roof} if large_span else ())


def _items(session: Session, version_id: int) -> dict[int, ModuleItem]:
    return {i.id: i for i in session.scalars(
        select(ModuleItem).where(ModuleItem.module_version_id == version_id))}


def _lock_draft(session: Session, inspection: Inspection,
                if_match: frozenset[int] | None) -> None:
    """Take the draft's row for this write (a conditional UPDATE that bumps its version): on
    PostgreSQL concurrent writes to one inspection queue here, so answers are read and
    upserted by one request at a time, and nothing is saved after a submit."""
    required = required_version(if_match, inspection.version)
    expected: dict[str, object] = {"status": InspectionStatus.draft}
    if required is not None:
        expected["version"] = required
    if not compare_and_set(session, inspection, expected, {"updated_at": clock.utcnow()}):
        inspection = _reread(session, inspection)
        if inspection.status is InspectionStatus.submitted:
            raise InspectionSubmitted(details={"inspection_id": inspection.id})
        raise PreconditionFailed(details={"version": inspection.version})


def save_answers(session: Session, user: User, inspection_id: int, data: AnswersIn,
                 if_match: frozenset[int] | None = None) -> Inspection:
    """Upsert the given answers (by item) of the user's own draft."""
    inspection = _own_draft(session, user, inspection_id)
    if inspection.status is InspectionStatus.submitted:
        raise InspectionSubmitted(details={"inspection_id": inspection.id})
    items = _items(session, inspection.module_version_id)
    unknown = [a.item_id for a in data.answers if a.item_id not in items]
    if unknown:
        raise Unprocessable("检查项不属于该模块版本", code="unknown_item",
                            details={"item_ids": unknown})
    _lock_draft(session, inspection, if_match)
    height, _ = _site_facts(session, inspection.site_id)
    saved = {a.item_id: a for a in session.scalars(
        select(InspectionAnswer).where(InspectionAnswer.inspection_id == inspection.id))}
    for answer in data.answers:
        row = saved.get(answer.item_id)
        if row is None:
            row = saved[answer.item_id] = InspectionAnswer(inspection_id=inspection.id,
                                                           item_id=answer.item_id)
            session.add(row)
        row.result = rules.answer_result(items[answer.item_id], answer, height)
        row.value, row.text, row.note = answer.value, answer.text, answer.note
        row.fixed_on_spot = answer.fixed_on_spot
        session.flush()
        for owner_type, ids in ((BEFORE, answer.photo_ids), (AFTER, answer.after_photo_ids)):
            unlink_photos(session, owner_type, row.id)
            if ids:
                link_photos(session, user, ids, owner_type, row.id)
    if data.note is not None:
        inspection.note = data.note
    session.flush()
    _emit(session, user, inspection, "answers_saved",
          {"item_ids": sorted(a.item_id for a in data.answers), "version": inspection.version})
    return inspection


def discard_draft(session: Session, user: User, inspection_id: int,
                  if_match: frozenset[int] | None = None) -> None:
    """Delete the user's own draft (删除草稿 on the phone) with its answers; their photos are
    unlinked and left to the photo GC. A submitted inspection is evidence: 409."""
    inspection = _own_draft(session, user, inspection_id)
    if inspection.status is InspectionStatus.submitted:
        raise InspectionSubmitted(details={"inspection_id": inspection.id})
    _lock_draft(session, inspection, if_match)  # a racing submit or save waits, or wins: 409
    answer_ids = list(session.scalars(select(InspectionAnswer.id)
                                      .where(InspectionAnswer.inspection_id == inspection.id)))
    session.execute(delete(PhotoLink).where(PhotoLink.owner_type.in_((BEFORE, AFTER)),
                                            PhotoLink.owner_id.in_(answer_ids)))
    session.execute(delete(InspectionAnswer)
                    .where(InspectionAnswer.inspection_id == inspection.id))
    before = {"site_id": inspection.site_id, "module_id": inspection.module_id,
              "answers": len(answer_ids)}
    record(session, actor=user, action="inspection.discard", object_type="inspection",
           object_id=inspection.id, summary={"before": before})
    _emit(session, user, inspection, "discarded", before)
    session.execute(delete(Inspection).where(Inspection.id == inspection.id)
                    .execution_options(synchronize_session=False))
    session.expunge(inspection)


def _photo_counts(session: Session, owner_type: str, answer_ids: list[int]) -> dict[int, int]:
    return dict(session.execute(
        select(PhotoLink.owner_id, func.count()).where(PhotoLink.owner_type == owner_type,
                                                      PhotoLink.owner_id.in_(answer_ids))
        .group_by(PhotoLink.owner_id)).all())


def submit(session: Session, settings: Settings, user: User, inspection_id: int,
           if_match: frozenset[int] | None = None) -> Inspection:
    """Submit: every item answered, photos where failures need them. Each failed item becomes
    a hazard linked to the inspection and item (category and grade from the item; major when
    the item is directly major), its photos the before-photos; an item fixed on the spot goes
    through the table's ``fix_on_spot`` (a general hazard closes, a major one awaits 质监办).
    Submitting again, also concurrently, returns the same result: the draft → submitted write
    is one conditional UPDATE, and only its winner makes hazards."""
    inspection = _own_draft(session, user, inspection_id)
    if inspection.status is InspectionStatus.submitted:
        return inspection
    required = required_version(if_match, inspection.version)
    expected: dict[str, object] = {"status": InspectionStatus.draft}
    if required is not None:
        expected["version"] = required
    now = clock.utcnow()
    if not compare_and_set(session, inspection, expected,
                           {"status": InspectionStatus.submitted, "submitted_at": now,
                            "updated_at": now}):
        inspection = _reread(session, inspection)
        if inspection.status is InspectionStatus.submitted:
            return inspection  # a concurrent submit won: its result is ours
        raise PreconditionFailed(details={"version": inspection.version})
    items = _items(session, inspection.module_version_id)
    answers = {a.item_id: a for a in session.scalars(
        select(InspectionAnswer).where(InspectionAnswer.inspection_id == inspection.id))}
    height, conditions = _site_facts(session, inspection.site_id)
    for item_id, answer in answers.items():  # the site's height may have changed since a save
        answer.result = rules.answer_result(items[item_id], answer, height)
    answer_ids = [a.id for a in answers.values()]
    photos = _photo_counts(session, BEFORE, answer_ids)
    after = _photo_counts(session, AFTER, answer_ids)
    problems = rules.problems(items, answers, photos, after, conditions)
    if problems:
        raise InspectionIncomplete(details={"problems": problems})  # rolls the submit back
    failed = [(items[item_id], a) for item_id, a in answers.items()
              if a.result is AnswerResult.failed]
    for item, answer in sorted(failed, key=lambda pair: pair[0].position):
        _hazard_from_answer(session, settings, user, inspection, item, answer)
    _emit(session, user, inspection, "submitted",
          {"site_id": inspection.site_id, "module_id": inspection.module_id,
           "kind": inspection.kind, "failed_items": len(failed)})
    for hook in SUBMIT_HOOKS:
        hook(session, inspection)
    record(session, actor=user, action="inspection.submit", object_type="inspection",
           object_id=inspection.id, summary={"after": {"status": "submitted",
                                                       "failed_items": len(failed)}})
    return inspection


def finding_title(requirement: str, note: str | None) -> str:
    """A failed item's hazard says what is wrong: the inspector's note when there is one,
    else the requirement marked as not met (the bare requirement reads as compliance)."""
    first_line = (note or "").strip().splitlines()[0].strip() if (note or "").strip() else ""
    return (first_line or f"不符合：{requirement}")[:200]


def _linked_photo_ids(session: Session, owner_type: str, owner_id: int) -> list[int]:
    return list(session.scalars(select(PhotoLink.photo_id).where(
        PhotoLink.owner_type == owner_type, PhotoLink.owner_id == owner_id)
        .order_by(PhotoLink.position)))


def _hazard_from_answer(session: Session, settings: Settings, user: User,
                        inspection: Inspection, item: ModuleItem,
                        answer: InspectionAnswer) -> Hazard:
    report = HazardCreateIn.model_construct(  # trusted: built from the checklist
        title=finding_title(item.text, answer.note), description=answer.note,
        site_id=inspection.site_id,
        category=item.category, grade=Grade.major if item.major_if_failed else item.default_grade,
        source=HazardSource.inspection, captured_at=inspection.started_at,
        photo_ids=_linked_photo_ids(session, BEFORE, answer.id))
    hazard = hazards.create_hazard(session, settings, user, report, site_id=inspection.site_id,
                                   center_id=inspection.center_id,
                                   campus_id=inspection.campus_id, inspection_id=inspection.id,
                                   item_id=item.id)
    if answer.fixed_on_spot:
        hazards.fix_on_spot(session, settings, user, hazard, FixOnSpotIn(
            note=answer.note, photo_ids=_linked_photo_ids(session, AFTER, answer.id)))
    return hazard


def version_labels(session: Session, version_ids: list[int]) -> dict[int, tuple[str, int]]:
    rows = session.execute(select(ModuleVersion.id, ModuleVersion.name, ModuleVersion.version)
                           .where(ModuleVersion.id.in_(version_ids)))
    return {vid: (name, number) for vid, name, number in rows}


def hazard_ids_by_inspection(session: Session, ids: list[int]) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {i: [] for i in ids}
    for inspection_id, hazard_id in session.execute(
            select(Hazard.inspection_id, Hazard.id).where(Hazard.inspection_id.in_(ids))
            .order_by(Hazard.id)):
        if inspection_id is not None:
            result[inspection_id].append(hazard_id)
    return result


def item_counts(session: Session, version_ids: list[int]) -> dict[int, int]:
    return dict(session.execute(
        select(ModuleItem.module_version_id, func.count())
        .where(ModuleItem.module_version_id.in_(version_ids))
        .group_by(ModuleItem.module_version_id)).all())


def answer_counts(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    rows = session.execute(
        select(InspectionAnswer.inspection_id,
               func.count(InspectionAnswer.result),
               func.count().filter(InspectionAnswer.result == AnswerResult.failed))
        .where(InspectionAnswer.inspection_id.in_(ids))
        .group_by(InspectionAnswer.inspection_id))
    return {i: (answered, failed) for i, answered, failed in rows}

