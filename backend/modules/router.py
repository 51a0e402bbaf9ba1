from typing import Annotated

from fastapi import APIRouter, Query, status

from backend import audit
from backend.accounts.models import User
from backend.deps import CurrentUser, SessionDep, require_roles
from backend.modules import service
from backend.modules.models import PatrolModule
from backend.modules.schemas import (
    ItemOut,
    ModuleContentIn,
    ModuleCreateIn,
    ModuleSummary,
    ModuleVersionOut,
)
from backend.openapi import error_responses
from backend.pagination import CursorParam, LimitParam, Page, keyset_page
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
        from_catalogue=version.from_catalogue, created_by_id=version.created_by_id,
        created_at=version.created_at,
        items=[ItemOut.model_validate(item) for item in version.items],
    )


@router.get("", response_model=Page[ModuleSummary])
def list_modules(_user: CurrentUser, session: SessionDep, limit: LimitParam = 100,
                 cursor: CursorParam = None, category: Category | None = None,
                 q: Annotated[str | None, Query(max_length=100)] = None,
                 include_inactive: bool = False) -> Page[ModuleSummary]:
    """Patrol modules with their latest version."""
    stmt = service.summaries_statement(category, q, include_inactive)
    rows, next_cursor = keyset_page(session, stmt, [PatrolModule.id], limit=limit,
                                         cursor=cursor)
    items = [
        ModuleSummary(id=module.id, code=module.code, category=module.category,
                      is_active=module.is_active, name=version.name,
                      description=version.description, version=version.version,
                      version_id=version.id, item_count=item_count,
                      major_item_count=major_item_count or 0)
        for module, version, item_count, major_item_count in rows
    ]
    return Page(items=items, next_cursor=next_cursor)


@router.post("", response_model=ModuleVersionOut, status_code=status.HTTP_201_CREATED,
             responses=error_responses("duplicate"))
def create_module(body: ModuleCreateIn, user: ModuleEditor,
                  session: SessionDep) -> ModuleVersionOut:
    """Create a new patrol module (qa_officer, admin)."""
    module, version = service.create_module(session, body, created_by_id=user.id)
    audit.record(session, actor=user, action="module.create", object_type="module",
                 object_id=module.id,
                 summary={"after": {"code": module.code, "category": module.category,
                                    "version": version.version, "name": version.name,
                                    "items": len(body.items)}})
    return _version_out(service.get_version(session, module.id))


@router.get("/{module_id}", response_model=ModuleVersionOut,
            responses=error_responses("module_not_found"))
def read_module(module_id: DbId, _user: CurrentUser, session: SessionDep) -> ModuleVersionOut:
    """A module's latest version with its items."""
    return _version_out(service.get_version(session, module_id))


@router.get("/{module_id}/versions", response_model=list[ModuleVersionOut],
            responses=error_responses("module_not_found"))
def list_module_versions(module_id: DbId, _user: CurrentUser,
                         session: SessionDep) -> list[ModuleVersionOut]:
    """Every version of a module, oldest first."""
    return [_version_out(view) for view in service.list_versions(session, module_id)]


@router.get("/{module_id}/versions/{version}", response_model=ModuleVersionOut,
            responses=error_responses("module_not_found", "module_version_not_found"))
def read_module_version(module_id: DbId, version: DbId, _user: CurrentUser,
                        session: SessionDep) -> ModuleVersionOut:
    """One version of a module: past inspections keep the version they were run with."""
    return _version_out(service.get_version(session, module_id, version))


@router.post("/{module_id}/versions", response_model=ModuleVersionOut,
             status_code=status.HTTP_201_CREATED, responses=error_responses("module_not_found"))
def create_module_version(module_id: DbId, body: ModuleContentIn, user: ModuleEditor,
                          session: SessionDep) -> ModuleVersionOut:
    """Publish a new version of a module (qa_officer, admin); older versions stay readable."""
    module = service.get_module(session, module_id)
    version = service.add_version(session, module, body, created_by_id=user.id)
    audit.record(session, actor=user, action="module.version_create", object_type="module",
                 object_id=module.id,
                 summary={"after": {"version": version.version, "name": version.name,
                                    "content_hash": version.content_hash,
                                    "items": len(body.items)}})
    return _version_out(service.get_version(session, module_id))
