"""Inspections: a draft bound to a module version, answers saved at any moment, and a submit
that turns every failed item into a hazard."""

from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.audit.service import record
from backend.clock import utcnow
from backend.errors import Conflict, Forbidden, NotFound, Unprocessable
from backend.hazards.models import Hazard, HazardSource
from backend.hazards.service import add_event
from backend.hazards.workflow import Status
from backend.inspections.models import (
    AnswerResult,
    Inspection,
    InspectionAnswer,
    InspectionKind,
    InspectionStatus,
)
from backend.inspections.schemas import AnswerIn, AnswersIn, InspectionCreateIn
from backend.modules.models import ModuleItem, ModuleVersion
from backend.modules.service import get_version
from backend.org.service import CENTER_DATA_READERS, get_readable_site, scoped_to_user
from backend.photos.models import PhotoLink
from backend.photos.service import link_photos, register_link_access, unlink_photos
from backend.vocab import Grade, ItemKind, Role

CENTER_KINDS = frozenset({InspectionKind.routine, InspectionKind.special,
                          InspectionKind.holiday, InspectionKind.external})
QA_KINDS = frozenset({InspectionKind.supervision, InspectionKind.special,
                      InspectionKind.holiday, InspectionKind.external})
BEFORE, AFTER = "inspection_answer", "inspection_answer_after"


class IdempotencyMismatch(Unprocessable):
    code = "idempotency_mismatch"
    message = "同一 client_id 已用于另一次检查"


class InspectionIncomplete(Unprocessable):
    code = "inspection_incomplete"
    message = "检查尚未完成，不能提交"


def readable_inspections(user: User) -> Select[tuple[Inspection]]:
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
    inspection = session.scalar(readable_inspections(user).where(Inspection.id == inspection_id))
    if inspection is None:
        raise NotFound("检查不存在", code="inspection_not_found",
                       details={"inspection_id": inspection_id})
    return inspection


def _allowed_kinds(user: User, site_center_id: int) -> frozenset[InspectionKind]:
    kinds: set[InspectionKind] = set()
    if user.has_role(Role.qa_officer):
        kinds |= QA_KINDS
    if user.has_role(Role.inspector, Role.center_manager) and user.center_id == site_center_id:
        kinds |= CENTER_KINDS
    return frozenset(kinds)


def create(session: Session, user: User, data: InspectionCreateIn) -> tuple[Inspection, bool]:
    """Start a draft on the module's current version. Idempotent by ``client_id``."""
    client_id = data.client_id.lower().replace("-", "") if data.client_id else None
    if client_id:
        existing = session.scalar(select(Inspection).where(Inspection.inspector_id == user.id,
                                                           Inspection.client_id == client_id))
        if existing is not None:
            if (existing.module_id, existing.site_id, existing.kind) != \
                    (data.module_id, data.site_id, data.kind):
                raise IdempotencyMismatch(details={"inspection_id": existing.id})
            return existing, False
    site = get_readable_site(session, user, data.site_id)
    allowed = _allowed_kinds(user, site.center_id)
    if data.kind not in allowed:
        raise Forbidden("您不能在该点位进行此类检查", code="inspection_kind_forbidden",
                        details={"kind": data.kind.value,
                                 "allowed_kinds": sorted(k.value for k in allowed)})
    view = get_version(session, data.module_id)
    if not view.module.is_active:
        raise Unprocessable("该巡检模块已停用", code="module_inactive")
    inspection = Inspection(
        client_id=client_id, inspector_id=user.id, module_id=view.module.id,
        module_version_id=view.version.id, site_id=site.id, center_id=site.center_id,
        campus_id=site.campus_id, kind=data.kind, note=data.note,
        checkin_method=data.checkin_method, started_at=data.started_at,
        gps_lat=data.gps.lat if data.gps else None, gps_lon=data.gps.lon if data.gps else None)
    try:
        with session.begin_nested():
            session.add(inspection)
            session.flush()
    except IntegrityError:
        existing = session.scalar(select(Inspection).where(Inspection.inspector_id == user.id,
                                                           Inspection.client_id == client_id))
        if existing is None:
            raise
        return existing, False
    record(session, actor=user, action="inspection.create", object_type="inspection",
           object_id=inspection.id, summary={"after": {"site_id": site.id,
                                                       "module_id": view.module.id,
                                                       "kind": data.kind.value}})
    return inspection, True


def _own_draft(session: Session, user: User, inspection_id: int) -> Inspection:
    inspection = get_readable_inspection(session, user, inspection_id)
    if inspection.inspector_id != user.id:
        raise Forbidden("只有检查人可以修改该检查", code="not_the_inspector")
    return inspection


def _items(session: Session, version_id: int) -> dict[int, ModuleItem]:
    return {i.id: i for i in session.scalars(
        select(ModuleItem).where(ModuleItem.module_version_id == version_id))}


def _number_result(item: ModuleItem, value: Decimal) -> AnswerResult:
    low = item.min_value if item.min_value is not None else value
    high = item.max_value if item.max_value is not None else value
    return AnswerResult.passed if low <= value <= high else AnswerResult.failed


def _answer_result(item: ModuleItem, answer: AnswerIn) -> AnswerResult | None:
    """The server decides number items from the value and its limits; a phone can't pass an
    out-of-range reading."""
    if item.kind is ItemKind.number and answer.value is not None and \
            answer.result is not AnswerResult.na:
        return _number_result(item, answer.value)
    return answer.result


def save_answers(session: Session, user: User, inspection_id: int, data: AnswersIn) -> Inspection:
    inspection = _own_draft(session, user, inspection_id)
    if inspection.status is InspectionStatus.submitted:
        raise Conflict("检查已提交，不能再修改", code="inspection_submitted")
    items = _items(session, inspection.module_version_id)
    unknown = [a.item_id for a in data.answers if a.item_id not in items]
    if unknown:
        raise Unprocessable("检查项不属于该模块版本", code="unknown_item",
                            details={"item_ids": unknown})
    saved = {a.item_id: a for a in session.scalars(
        select(InspectionAnswer).where(InspectionAnswer.inspection_id == inspection.id))}
    for answer in data.answers:
        row = saved.get(answer.item_id)
        if row is None:
            row = InspectionAnswer(inspection_id=inspection.id, item_id=answer.item_id)
            session.add(row)
        row.result = _answer_result(items[answer.item_id], answer)
        row.value, row.text, row.note = answer.value, answer.text, answer.note
        row.fixed_on_spot = answer.fixed_on_spot
        session.flush()
        for owner_type, ids in ((BEFORE, answer.photo_ids), (AFTER, answer.after_photo_ids)):
            unlink_photos(session, owner_type, row.id)
            if ids:
                link_photos(session, user, ids, owner_type, row.id)
    if data.note is not None:
        inspection.note = data.note
    inspection.updated_at = utcnow()
    session.flush()
    return inspection


def _problems(items: dict[int, ModuleItem], answers: dict[int, InspectionAnswer],
              photos: dict[int, int], after: dict[int, int]) -> list[dict[str, object]]:
    problems: list[dict[str, object]] = []
    for item in sorted(items.values(), key=lambda i: i.position):
        answer = answers.get(item.id)
        if answer is None or answer.result is None:
            problems.append({"item_id": item.id, "problem": "unanswered"})
            continue
        if item.kind is ItemKind.number and answer.value is None \
                and answer.result is not AnswerResult.na:
            problems.append({"item_id": item.id, "problem": "value_required"})
        if answer.result is AnswerResult.failed:
            if item.photo_required_on_fail and not photos.get(answer.id):
                problems.append({"item_id": item.id, "problem": "photo_required"})
            if answer.fixed_on_spot and not after.get(answer.id):
                problems.append({"item_id": item.id, "problem": "after_photo_required"})
        if item.kind is ItemKind.photo and answer.result is AnswerResult.passed \
                and not photos.get(answer.id):
            problems.append({"item_id": item.id, "problem": "photo_required"})
    return problems


def _photo_counts(session: Session, owner_type: str, answer_ids: list[int]) -> dict[int, int]:
    return dict(session.execute(
        select(PhotoLink.owner_id, func.count()).where(PhotoLink.owner_type == owner_type,
                                                      PhotoLink.owner_id.in_(answer_ids))
        .group_by(PhotoLink.owner_id)).all())


def submit(session: Session, user: User, inspection_id: int) -> Inspection:
    """Submit: every item answered, photos where failures need them. Each failed item becomes
    a hazard linked to the inspection and item (category and grade from the item; major when
    the item is directly major), its photos the before-photos; an item fixed on the spot
    becomes a closed hazard, so it still counts. Submitting again returns the inspection."""
    inspection = _own_draft(session, user, inspection_id)
    if inspection.status is InspectionStatus.submitted:
        return inspection
    items = _items(session, inspection.module_version_id)
    answers = {a.item_id: a for a in session.scalars(
        select(InspectionAnswer).where(InspectionAnswer.inspection_id == inspection.id))}
    answer_ids = [a.id for a in answers.values()]
    photos = _photo_counts(session, BEFORE, answer_ids)
    after = _photo_counts(session, AFTER, answer_ids)
    problems = _problems(items, answers, photos, after)
    if problems:
        raise InspectionIncomplete(details={"problems": problems})
    now = utcnow()
    inspection.status = InspectionStatus.submitted
    inspection.submitted_at = now
    session.flush()
    failed = [(items[item_id], a) for item_id, a in answers.items()
              if a.result is AnswerResult.failed]
    for item, answer in sorted(failed, key=lambda pair: pair[0].position):
        _hazard_from_answer(session, user, inspection, item, answer)
    record(session, actor=user, action="inspection.submit", object_type="inspection",
           object_id=inspection.id, summary={"after": {"status": "submitted",
                                                       "failed_items": len(failed)}})
    return inspection


def _hazard_from_answer(session: Session, user: User, inspection: Inspection, item: ModuleItem,
                        answer: InspectionAnswer) -> Hazard:
    grade = Grade.major if item.major_if_failed else item.default_grade
    hazard = Hazard(reporter_id=user.id, site_id=inspection.site_id,
                    center_id=inspection.center_id, campus_id=inspection.campus_id,
                    title=item.text[:200], description=answer.note, category=item.category,
                    grade=grade, source=HazardSource.inspection, status=Status.reported,
                    inspection_id=inspection.id, item_id=item.id,
                    captured_at=inspection.started_at)
    session.add(hazard)
    session.flush()
    before = list(session.scalars(select(PhotoLink.photo_id).where(
        PhotoLink.owner_type == BEFORE, PhotoLink.owner_id == answer.id)
        .order_by(PhotoLink.position)))
    if before:
        link_photos(session, user, before, "hazard", hazard.id)
    add_event(session, hazard, "report", user, None, changes={
        "inspection_id": inspection.id, "item_id": item.id, "grade": grade.value})
    if answer.fixed_on_spot:
        after = list(session.scalars(select(PhotoLink.photo_id).where(
            PhotoLink.owner_type == AFTER, PhotoLink.owner_id == answer.id)
            .order_by(PhotoLink.position)))
        hazard.status = Status.closed
        hazard.fixed_on_spot = True
        hazard.assignee_id = hazard.submitted_by_id = user.id
        hazard.rectification = answer.note or "当场整改"
        hazard.closed_at = hazard.submitted_at = utcnow()
        session.flush()
        event = add_event(session, hazard, "fix_on_spot", user, Status.reported,
                          comment=hazard.rectification)
        link_photos(session, user, after, "hazard_event", event.id)
    record(session, actor=user, action="hazard.report", object_type="hazard",
           object_id=hazard.id, summary={"after": {"status": hazard.status.value,
                                                   "inspection_id": inspection.id,
                                                   "grade": grade.value}})
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

