from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from sqlalchemy import select

from backend.config import Settings
from backend.deps import AdminUser, CurrentUser, SessionDep, SettingsDep
from backend.openapi import error_responses
from backend.org import labels, service
from backend.org.models import Campus, Center, Site
from backend.org.schemas import (
    CampusIn,
    CampusOut,
    CampusPatch,
    CenterIn,
    CenterOut,
    CenterPatch,
    SiteIn,
    SiteLabelOut,
    SiteOut,
    SitePatch,
)
from backend.pagination import (
    CountedPage,
    CountParam,
    CursorParam,
    LimitParam,
    count_of,
    keyset_page,
)
from backend.types import DbId
from backend.vocab import SiteKind

router = APIRouter(tags=["organisation"])

LabelledSites = Annotated[list[DbId], Query(
    min_length=1, max_length=labels.MAX_LABELS,
    description="the sites to label (repeat the parameter), at most 200")]


def _checkin_base(request: Request, settings: Settings) -> str:
    """Where a label's link points: ``public_url``, else the address this request was made to."""
    return settings.public_url or str(request.base_url)


@router.get("/centers", response_model=list[CenterOut])
def list_centers(user: CurrentUser, session: SessionDep) -> list[Center]:
    """All centers of the group."""
    return list(session.scalars(
        select(Center).where(Center.group_id == user.group_id).order_by(Center.id)
    ))


@router.post("/centers", response_model=CenterOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses("duplicate"))
def create_center(body: CenterIn, admin: AdminUser, session: SessionDep) -> Center:
    """Create a center (admin)."""
    return service.add_center(session, admin, **body.model_dump())


@router.patch("/centers/{center_id}", response_model=CenterOut,
              responses=error_responses("center_not_found", "duplicate"))
def update_center(center_id: DbId, body: CenterPatch, admin: AdminUser,
                  session: SessionDep) -> Center:
    """Rename, re-kind or deactivate a center (admin)."""
    return service.update_center(session, admin, center_id, body.model_dump(exclude_unset=True))


@router.get("/campuses", response_model=list[CampusOut])
def list_campuses(user: CurrentUser, session: SessionDep) -> list[Campus]:
    """All campuses of the group."""
    return list(session.scalars(
        select(Campus).where(Campus.group_id == user.group_id).order_by(Campus.id)
    ))


@router.post("/campuses", response_model=CampusOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses("duplicate"))
def create_campus(body: CampusIn, admin: AdminUser, session: SessionDep) -> Campus:
    """Create a campus (admin)."""
    return service.add_campus(session, admin, **body.model_dump())


@router.patch("/campuses/{campus_id}", response_model=CampusOut,
              responses=error_responses("campus_not_found", "duplicate"))
def update_campus(campus_id: DbId, body: CampusPatch, admin: AdminUser,
                  session: SessionDep) -> Campus:
    """Rename or deactivate a campus (admin)."""
    return service.update_campus(session, admin, campus_id, body.model_dump(exclude_unset=True))


@router.get("/sites", response_model=CountedPage[SiteOut])
def list_sites(user: CurrentUser, session: SessionDep, limit: LimitParam = 100,
               cursor: CursorParam = None,
               campus_id: Annotated[DbId | None, Query(description="on this campus")] = None,
               center_id: Annotated[DbId | None, Query(description="of this center")] = None,
               kind: Annotated[SiteKind | None, Query(description="of this kind")] = None,
               is_active: Annotated[bool | None, Query(
                   description="`true` active only, `false` deactivated only")] = None,
               q: Annotated[str | None, Query(
                   max_length=100, description="in name or location")] = None,
               count: CountParam = False,
               ) -> CountedPage[SiteOut]:
    """Sites the user may patrol or read (own center; every center for qa/leader/admin)."""
    stmt = service.readable_sites(user)
    if campus_id is not None:
        stmt = stmt.where(Site.campus_id == campus_id)
    if center_id is not None:
        stmt = stmt.where(Site.center_id == center_id)
    if kind is not None:
        stmt = stmt.where(Site.kind == kind)
    if is_active is not None:
        stmt = stmt.where(Site.is_active.is_(is_active))
    if q:
        stmt = stmt.where(Site.name.contains(q, autoescape=True)
                          | Site.location.contains(q, autoescape=True))
    rows, next_cursor = keyset_page(session, stmt, [Site.id], limit=limit, cursor=cursor)
    return CountedPage(items=[SiteOut.model_validate(s) for s in rows], next_cursor=next_cursor,
                       total=count_of(session, stmt) if count else None)


@router.post("/sites", response_model=SiteOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses("unknown_campus", "unknown_center", "duplicate"))
def create_site(body: SiteIn, admin: AdminUser, session: SessionDep) -> Site:
    """Create a site (admin); a QR code is generated unless one is given."""
    return service.add_site(session, admin, **body.model_dump())


@router.get("/sites/labels.pdf", response_class=Response,
            responses={200: {"description": "A4 sheets of 2 x 4 labels, in the order asked",
                             "content": {"application/pdf": {"schema": {
                                 "type": "string", "format": "binary"}}}},
                       **error_responses("site_not_found")})
def site_labels(request: Request, user: CurrentUser, session: SessionDep, settings: SettingsDep,
                site_id: LabelledSites) -> Response:
    """Printable QR labels of sites the user may read (404 ``site_not_found`` naming any other):
    each label's QR holds the site's check-in link ``{public_url}/s/{code}`` (without
    ``public_url``, the address this request was made to), with the site's name, campus,
    center and code."""
    pdf = labels.labels_pdf(service.site_labels(session, user, site_id),
                            _checkin_base(request, settings))
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": 'attachment; filename="site-labels.pdf"',
        "Cache-Control": "private, no-cache"})


@router.get("/sites/labels", response_model=list[SiteLabelOut],
            responses=error_responses("site_not_found"))
def site_label_data(request: Request, user: CurrentUser, session: SessionDep,
                    settings: SettingsDep, site_id: LabelledSites) -> list[SiteLabelOut]:
    """What ``labels.pdf`` prints, as data, for a page the browser prints: each label's text,
    check-in link and the same QR as an SVG, in the order asked (404 as ``labels.pdf``)."""
    base_url = _checkin_base(request, settings)
    out = []
    for one_id, label in zip(site_id, service.site_labels(session, user, site_id), strict=True):
        link = labels.checkin_link(base_url, label.code)
        out.append(SiteLabelOut(site_id=one_id, name=label.name, campus=label.campus,
                                center=label.center, code=label.code, checkin_url=link,
                                qr_svg=labels.qr_svg_uri(link)))
    return out


@router.get("/sites/by-code/{code}", response_model=SiteOut,
            responses=error_responses("site_not_found"))
def read_site_by_code(code: Annotated[str, Path(
                          description="as scanned from the QR label (case-insensitive)")],
                      user: CurrentUser, session: SessionDep) -> Site:
    """Resolve a scanned QR code to its site."""
    return service.get_readable_site_by_code(session, user, code)


@router.get("/sites/{site_id}", response_model=SiteOut,
            responses=error_responses("site_not_found"))
def read_site(site_id: DbId, user: CurrentUser, session: SessionDep) -> Site:
    """One site."""
    return service.get_readable_site(session, user, site_id)


@router.patch("/sites/{site_id}", response_model=SiteOut,
              responses=error_responses("site_not_found", "unknown_campus", "unknown_center",
                                        "duplicate"))
def update_site(site_id: DbId, body: SitePatch, admin: AdminUser, session: SessionDep) -> Site:
    """Edit or deactivate a site (admin). Its code never changes: printed QR labels stay valid."""
    return service.update_site(session, admin, site_id, body.model_dump(exclude_unset=True))
