from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.deps import BearerToken, CurrentUser, SessionDep, hot_read, require_roles
from backend.etag import IfMatch, PreconditionFailed, expected_versions, set_etag
from backend.modules import service
from backend.modules.errors import ModuleUnchanged
from backend.modules.schemas import (
    ItemOut,
    ModuleContentIn,
    ModuleCreateIn,
    ModuleSummary,
    ModuleVersionOut,
)
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page
from backend.types import DbId
from backend.vocab import Category, Role

router = APIRouter(prefix="/modules", tags=["patrol modules"])

ModuleEditor = Annotated[User, require_roles(Role.qa_officer, Role.admin)]


def _version_out(view: service.VersionView) -> ModuleVersionOut:
    version = view.version
    return ModuleVersionOut(
        id=view.module.id, module_id=view.module.id, version_id=version.id,
        code=view.module.code,
        category=view.module.category, version=version.version,
        latest_version=view.latest_version, name=version.name,
        description=version.description, standards=version.standards,
        site_kinds=version.site_kinds,
        from_catalogue=version.from_catalogue, created_by_id=version.created_by_id,
        created_by_name=view.created_by_name,
        created_at=version.created_at,
        items=[ItemOut.model_validate(item) for item in version.items],
    )


_PAGE_OF_MODULES = TypeAdapter(Page[ModuleSummary])


@router.get("", response_model=Page[ModuleSummary])
async def list_modules(request: Request, token: BearerToken, limit: LimitParam = 100,
                       cursor: CursorParam = None,
                       category: Annotated[Category | None, Query(
                           description="of this category (类别)")] = None,
                       q: Annotated[str | None, Query(
                           max_length=100, description="in name or code")] = None,
                       include_inactive: Annotated[bool, Query(
                           description="also retired modules")] = False) -> Response:
    """Patrol modules with their latest version."""

    def page(session: Session, _user: User) -> Page[ModuleSummary]:
        return service.summaries(session, limit=limit, cursor=cursor, category=category, q=q,
                                 include_inactive=include_inactive)

    return await hot_read(request, token, page, _PAGE_OF_MODULES)


@router.post("", response_model=ModuleVersionOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses("duplicate"))
def create_module(body: ModuleCreateIn, user: ModuleEditor,
                  session: SessionDep) -> ModuleVersionOut:
    """Create a new patrol module (qa_officer, admin)."""
    module = service.add_module(session, user, body)
    return _version_out(service.get_version(session, module.id))


@router.get("/{module_id}", response_model=ModuleVersionOut,
            responses=error_responses("module_not_found"))
def read_module(module_id: DbId, response: Response, _user: CurrentUser,
                session: SessionDep) -> ModuleVersionOut:
    """A module's latest version with its items; the ``ETag`` is that version's number."""
    view = service.get_version(session, module_id)
    set_etag(response, view.latest_version)
    return _version_out(view)


@router.get("/{module_id}/versions", response_model=list[ModuleVersionOut],
            responses=error_responses("module_not_found"))
def list_module_versions(module_id: DbId, response: Response, _user: CurrentUser,
                         session: SessionDep) -> list[ModuleVersionOut]:
    """Every version of a module, oldest first; the ``ETag`` is the latest version's number."""
    views = service.list_versions(session, module_id)
    if views:
        set_etag(response, views[-1].latest_version)
    return [_version_out(view) for view in views]


@router.get("/{module_id}/versions/{version}", response_model=ModuleVersionOut,
            responses=error_responses("module_not_found", "module_version_not_found"))
def read_module_version(module_id: DbId,
                        version: Annotated[DbId, Path(description="the version number, from 1")],
                        _user: CurrentUser, session: SessionDep) -> ModuleVersionOut:
    """One version of a module: past inspections keep the version they were run with."""
    return _version_out(service.get_version(session, module_id, version))


@router.post("/{module_id}/versions", response_model=ModuleVersionOut,
             status_code=status.HTTP_201_CREATED,
             responses=error_responses("module_not_found", ModuleUnchanged, PreconditionFailed))
def create_module_version(module_id: DbId, body: ModuleContentIn, response: Response,
                          user: ModuleEditor, session: SessionDep,
                          if_match: IfMatch = None) -> ModuleVersionOut:
    """Publish a new version of a module (qa_officer, admin); older versions stay readable.
    With ``If-Match`` (the version the editor started from) a version published meanwhile is
    412; content equal to the latest version is 409 ``module_unchanged``."""
    service.add_module_version(session, user, module_id, body, expected_versions(if_match))
    view = service.get_version(session, module_id)
    set_etag(response, view.latest_version)
    return _version_out(view)
