"""Organisation: centers, campuses and sites, who may read which site, and an administrator's
recorded changes to them."""

import secrets
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import audit
from backend.errors import Conflict, NotFound, Unprocessable
from backend.org.errors import CampusInactive, CenterInactive, SiteInactive
from backend.org.labels import Label
from backend.org.models import Campus, Center, Group, Site
from backend.vocab import Role

# Crockford-style alphabet: no I, L, O, U, so a code read aloud or off a faded label is unambiguous
SITE_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUP_WIDE_ROLES = (Role.qa_officer, Role.leader, Role.admin)  # read every center's sites
# read every center's inspections, hazards and their photos (admin manages, it doesn't read)
CENTER_DATA_READERS = (Role.qa_officer, Role.leader)
GroupObject = TypeVar("GroupObject", Center, Campus)
OrgObject = TypeVar("OrgObject", Center, Campus, Site)
AUDITED_FIELDS: dict[type, tuple[str, ...]] = {
    Center: ("code", "name", "kind", "is_active"),
    Campus: ("code", "name", "is_active"),
    Site: ("code", "name", "kind", "campus_id", "center_id", "location", "building_height_m",
           "large_span_roof", "is_active"),
}


class Member(Protocol):
    """Who reads or changes the organisation: a user of the group (org depends on no accounts:
    users belong to centers). An :class:`backend.audit.service.Actor` too."""

    @property
    def id(self) -> int: ...
    @property
    def username(self) -> str: ...
    @property
    def group_id(self) -> int: ...
    @property
    def center_id(self) -> int | None: ...
    @property
    def center_limit(self) -> list[int] | None: ...
    def has_role(self, *roles: Role) -> bool: ...


def new_site_code() -> str:
    return "S" + "".join(secrets.choice(SITE_CODE_ALPHABET) for _ in range(7))


def scoped_to_user(stmt: Select[Any], center_id: Any, user: Member,
                   read_all_roles: tuple[Role, ...]) -> Select[Any]:
    """Restrict ``stmt`` to the user's group, and to their own center (``center_id`` is the
    column naming the row's center) unless they hold one of ``read_all_roles``; always to the
    user's ``center_limit`` when they have one (a leader of one center, a key for some)."""
    stmt = stmt.join(Center, Center.id == center_id).where(Center.group_id == user.group_id)
    if not user.has_role(*read_all_roles):
        stmt = stmt.where(center_id == user.center_id)
    if user.center_limit is not None:
        stmt = stmt.where(center_id.in_(user.center_limit))
    return stmt


def within_limit(user: Member, center_id: int | None) -> bool:
    """The center is inside the user's center limit (or they have none)."""
    return user.center_limit is None or center_id in user.center_limit


def sees_center(user: Member, center_id: int | None,
                read_all_roles: tuple[Role, ...] = CENTER_DATA_READERS) -> bool:
    """What :func:`scoped_to_user` lets through, for one center: the user's own, or any for
    ``read_all_roles``; within their center limit."""
    return (user.has_role(*read_all_roles) or center_id == user.center_id) and \
        within_limit(user, center_id)


def reads_whole_group(user: Member,
                      read_all_roles: tuple[Role, ...] = CENTER_DATA_READERS) -> bool:
    """Every center of the group: ``read_all_roles`` and no center limit."""
    return user.has_role(*read_all_roles) and user.center_limit is None


def readable_sites(user: Member) -> Select[Site]:
    """Sites the user may read: their own center's, or all of the group for qa/leader/admin."""
    return scoped_to_user(select(Site), Site.center_id, user, GROUP_WIDE_ROLES)


def get_readable_site(session: Session, user: Member, site_id: int) -> Site:
    site = session.scalar(readable_sites(user).where(Site.id == site_id))
    if site is None:
        raise NotFound("点位不存在", code="site_not_found", details={"site_id": site_id})
    return site


def site_labels(session: Session, user: Member, site_ids: list[int]) -> list[Label]:
    """What the labels of ``site_ids`` show, in that order (404 naming the unreadable ones)."""
    rows = session.execute(  # readable_sites joins the centers (scoped_to_user)
        readable_sites(user).join(Campus, Campus.id == Site.campus_id)
        .where(Site.id.in_(set(site_ids)))
        .with_only_columns(Site.id, Site.name, Campus.name, Center.name, Site.code)).all()
    found = {row[0]: Label(*row[1:]) for row in rows}
    missing = sorted(set(site_ids) - found.keys())
    if missing:
        raise NotFound("点位不存在", code="site_not_found", details={"site_ids": missing})
    return [found[site_id] for site_id in site_ids]


def get_site_for_new_work(session: Session, user: Member, site_id: int) -> Site:
    """A readable site (404 ``site_not_found`` otherwise, as :func:`get_readable_site`) where new
    work may start: a deactivated site, or one whose center or campus is deactivated, takes no
    new inspections or hazards (409 ``site_inactive``, ``center_inactive``, ``campus_inactive``).
    Work already under way there goes on."""
    site = get_readable_site(session, user, site_id)
    if not site.is_active:
        raise SiteInactive(details={"site_id": site.id})
    center = session.get(Center, site.center_id)
    if center is None or not center.is_active:
        raise CenterInactive("该点位所属中心已停用，不能新建检查或隐患",
                             details={"site_id": site.id, "center_id": site.center_id})
    campus = session.get(Campus, site.campus_id)
    if campus is None or not campus.is_active:
        raise CampusInactive(details={"site_id": site.id, "campus_id": site.campus_id})
    return site


def manages_center(user: Member, center_id: int | None) -> bool:
    """Who keeps a center's own records (plans, 附表 rows): 质监办 every center's, a center
    manager their own (any center, when ``center_id`` is None)."""
    return user.has_role(Role.qa_officer) or (user.has_role(Role.center_manager) and (
        center_id is None or user.center_id == center_id))


def center_for_new_record(session: Session, user: Member, center_id: int | None) -> Center | None:
    """The center a new record of a manager belongs to: the caller's own by default (None
    when they must name one: 质监办, or a user of no center); a named center the caller does
    not manage is 404, like a missing one."""
    if center_id is None:
        if user.has_role(Role.qa_officer) or user.center_id is None:
            return None
        center_id = user.center_id
    center = session.get(Center, center_id)
    if center is None or center.group_id != user.group_id or \
            not (user.has_role(Role.qa_officer) or center_id == user.center_id):
        raise NotFound(code="center_not_found", details={"center_id": center_id})
    return center


def get_readable_site_by_code(session: Session, user: Member, code: str) -> Site:
    site = session.scalar(readable_sites(user).where(Site.code == code.strip().upper()))
    if site is None:
        raise NotFound("点位不存在", code="site_not_found", details={"code": code})
    return site


def _find_in_group(session: Session, model: type[GroupObject], group_id: int,
                   object_id: int) -> GroupObject | None:
    obj = session.get(model, object_id)
    return obj if obj is not None and obj.group_id == group_id else None


def get_in_group(session: Session, model: type[GroupObject], group_id: int,
                 object_id: int) -> GroupObject:
    obj = _find_in_group(session, model, group_id, object_id)
    if obj is None:
        name = "center" if model is Center else "campus"
        raise NotFound(code=f"{name}_not_found", details={f"{name}_id": object_id})
    return obj


def _check_refs(session: Session, group_id: int, campus_id: int | None,
                center_id: int | None) -> None:
    if campus_id is not None and _find_in_group(session, Campus, group_id, campus_id) is None:
        raise Unprocessable(code="unknown_campus", details={"id": campus_id})
    if center_id is not None and _find_in_group(session, Center, group_id, center_id) is None:
        raise Unprocessable(code="unknown_center", details={"id": center_id})


def _flush_unique(session: Session, what: str, details: dict[str, Any]) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"{what}已存在", code="duplicate", details=details) from exc


def create_center(session: Session, group_id: int, **fields: Any) -> Center:
    center = Center(group_id=group_id, **fields)
    session.add(center)
    _flush_unique(session, "中心代码或名称", {"code": fields["code"], "name": fields["name"]})
    return center


def create_campus(session: Session, group_id: int, **fields: Any) -> Campus:
    campus = Campus(group_id=group_id, **fields)
    session.add(campus)
    _flush_unique(session, "校区代码或名称", {"code": fields["code"], "name": fields["name"]})
    return campus




def create_site(session: Session, group_id: int, *, code: str | None = None,
                **fields: Any) -> Site:
    _check_refs(session, group_id, fields["campus_id"], fields["center_id"])
    site = Site(code=code or new_site_code(), **fields)
    session.add(site)
    _flush_unique(session, "点位编码", {"code": site.code})
    return site


def _record(session: Session, admin: Member, obj: OrgObject,
            before: dict[str, Any] | None = None) -> OrgObject:
    kind = type(obj).__name__.lower()
    after = audit.snapshot(obj, AUDITED_FIELDS[type(obj)])
    audit.record(session, actor=admin, action=f"{kind}.{'create' if before is None else 'update'}",
                 object_type=kind, object_id=obj.id,
                 summary={"after": after} if before is None else audit.changes(before, after))
    return obj


# an administrator's creations are recorded; seeding (the demo, tests) calls create_* alone


def add_center(session: Session, admin: Member, **fields: Any) -> Center:
    return _record(session, admin, create_center(session, admin.group_id, **fields))


def add_campus(session: Session, admin: Member, **fields: Any) -> Campus:
    return _record(session, admin, create_campus(session, admin.group_id, **fields))


def add_site(session: Session, admin: Member, **fields: Any) -> Site:
    return _record(session, admin, create_site(session, admin.group_id, **fields))


def _update(session: Session, admin: Member, obj: OrgObject, fields: dict[str, Any],
            what: str) -> OrgObject:
    before = audit.snapshot(obj, AUDITED_FIELDS[type(obj)])
    for key, value in fields.items():
        setattr(obj, key, value)
    _flush_unique(session, what, fields)
    return _record(session, admin, obj, before)


def update_center(session: Session, admin: Member, center_id: int,
                  fields: dict[str, Any]) -> Center:
    center = get_in_group(session, Center, admin.group_id, center_id)
    return _update(session, admin, center, fields, "中心名称")


def update_campus(session: Session, admin: Member, campus_id: int,
                  fields: dict[str, Any]) -> Campus:
    campus = get_in_group(session, Campus, admin.group_id, campus_id)
    return _update(session, admin, campus, fields, "校区名称")


def update_site(session: Session, admin: Member, site_id: int, fields: dict[str, Any]) -> Site:
    """Edit or deactivate a site. Its code never changes: printed QR labels stay valid."""
    site = get_readable_site(session, admin, site_id)
    _check_refs(session, admin.group_id, fields.get("campus_id"), fields.get("center_id"))
    return _update(session, admin, site, fields, "点位编码")


def ensure_group(session: Session, name: str) -> Group:
    """The deployment's group, created on first use."""
    group = session.scalar(select(Group).order_by(Group.id).limit(1))
    if group is None:
        group = Group(name=name)
        session.add(group)
        session.flush()
    return group
