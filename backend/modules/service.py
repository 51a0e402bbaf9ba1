"""Patrol modules: immutable versions, the shipped catalogue and its idempotent loading."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlalchemy import Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from backend import audit
from backend.audit.service import Actor
from backend.errors import Conflict, NotFound
from backend.etag import required_version
from backend.modules.errors import ModuleUnchanged
from backend.modules.models import ModuleItem, ModuleVersion, PatrolModule
from backend.modules.schemas import (
    CatalogueModule,
    ModuleContentIn,
    ModuleCreateIn,
    ModuleSummary,
)
from backend.pagination import Page, keyset_page
from backend.vocab import Category

CATALOGUE_DIR = Path(__file__).parent / "catalogue"


class CatalogueError(Exception):
    """The shipped catalogue files are malformed (a packaging bug, not user input)."""


def content_hash(content: ModuleContentIn) -> str:
    data = content.model_dump(include={"name", "description", "standards", "site_kinds", "items"})
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _latest_version_numbers() -> Select[int, int]:
    return select(ModuleVersion.module_id, func.max(ModuleVersion.version).label("version")) \
        .group_by(ModuleVersion.module_id)


def _lock_latest(session: Session, module_id: int) -> ModuleVersion | None:
    """The module's latest version, read under the module's row lock."""
    # the lock orders concurrent editors: max()+1 read by two at once gave both the same
    # number, and the loser a 500 on the unique (module_id, version) on PostgreSQL
    session.execute(select(PatrolModule.id).where(PatrolModule.id == module_id)
                    .with_for_update())
    return session.scalar(select(ModuleVersion).where(ModuleVersion.module_id == module_id)
                          .order_by(ModuleVersion.version.desc()).limit(1))


def add_version(session: Session, module: PatrolModule, content: ModuleContentIn, *,
                from_catalogue: bool = False, created_by_id: int | None = None) -> ModuleVersion:
    current = _lock_latest(session, module.id)
    latest = current.version if current else 0
    version = ModuleVersion(
        module_id=module.id, version=latest + 1, name=content.name,
        description=content.description, standards=list(content.standards),
        site_kinds=[kind.value for kind in content.site_kinds],
        content_hash=content_hash(content), from_catalogue=from_catalogue,
        created_by_id=created_by_id,
        items=[
            ModuleItem(position=position, code=item.code, text=item.text, kind=item.kind,
                       photo_required_on_fail=item.photo_required_on_fail,
                       category=item.category, default_grade=item.default_grade,
                       major_if_failed=item.major_if_failed, standard=item.standard,
                       min_value=item.min, max_value=item.max, unit=item.unit,
                       limits_from_height=item.limits_from_height.model_dump()
                       if item.limits_from_height else None,
                       only_if_site=item.only_if_site,
                       method=item.method, advice=item.advice, rule=item.rule,
                       major_basis=item.major_basis)
            for position, item in enumerate(content.items, start=1)
        ],
    )
    session.add(version)
    session.flush()
    return version


def create_module(session: Session, data: ModuleCreateIn, *, from_catalogue: bool = False,
                  created_by_id: int | None = None) -> tuple[PatrolModule, ModuleVersion]:
    module = PatrolModule(code=data.code, category=data.category)
    session.add(module)
    try:  # the unique code decides, also between concurrent creations
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("模块代码已存在", code="duplicate", details={"code": data.code}) from exc
    version = add_version(session, module, data, from_catalogue=from_catalogue,
                          created_by_id=created_by_id)
    return module, version


def add_module(session: Session, editor: Actor, data: ModuleCreateIn) -> PatrolModule:
    """A user creates a module (recorded); the catalogue load calls :func:`create_module`."""
    module, version = create_module(session, data, created_by_id=editor.id)
    audit.record(session, actor=editor, action="module.create", object_type="module",
                 object_id=module.id,
                 summary={"after": {"code": module.code, "category": module.category,
                                    "version": version.version, "name": version.name,
                                    "items": len(data.items)}})
    return module


def add_module_version(session: Session, editor: Actor, module_id: int,
                       content: ModuleContentIn,
                       expected: frozenset[int] | None = None) -> PatrolModule:
    """A user publishes a new version of a module (recorded); older versions stay readable.

    ``expected``: the versions ``If-Match`` named; another editor's version published since the
    editor read the module is a 412, not silently replaced. Content equal to the latest version
    is a 409: a version that changes nothing would only lengthen the history."""
    module = get_module(session, module_id)
    current = _lock_latest(session, module.id)
    if current is not None:
        required_version(expected, current.version)
        if current.content_hash == content_hash(content):
            raise ModuleUnchanged(details={"version": current.version})
    version = add_version(session, module, content, created_by_id=editor.id)
    audit.record(session, actor=editor, action="module.version_create", object_type="module",
                 object_id=module.id,
                 summary={"after": {"version": version.version, "name": version.name,
                                    "content_hash": version.content_hash,
                                    "items": len(content.items)}})
    return module


def get_module(session: Session, module_id: int) -> PatrolModule:
    module = session.get(PatrolModule, module_id)
    if module is None:
        raise NotFound("巡检模块不存在", code="module_not_found", details={"module_id": module_id})
    return module


@dataclass(frozen=True)
class VersionView:
    module: PatrolModule
    version: ModuleVersion
    latest_version: int
    created_by_name: str | None = None


def _publisher_names(session: Session, versions: list[ModuleVersion]) -> dict[int, str]:
    """The publishers' names, from the table the versions' foreign key names (accounts is a layer
    above the catalogue: tests/core/test_layers.py)."""
    ids = {v.created_by_id for v in versions if v.created_by_id is not None}
    if not ids:
        return {}
    [publisher] = ModuleVersion.__table__.c.created_by_id.foreign_keys
    users = publisher.column.table
    rows = session.execute(select(users.c.id, users.c.display_name).where(users.c.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def get_version(session: Session, module_id: int, version: int | None = None) -> VersionView:
    """A module's given version (default: the latest) with its items."""
    module = get_module(session, module_id)
    latest = session.scalar(
        select(func.max(ModuleVersion.version)).where(ModuleVersion.module_id == module_id)
    )
    wanted = latest if version is None else version
    row = session.scalar(
        select(ModuleVersion)
        .where(ModuleVersion.module_id == module_id, ModuleVersion.version == wanted)
        .options(selectinload(ModuleVersion.items))
    )
    if row is None:
        raise NotFound("模块版本不存在", code="module_version_not_found",
                       details={"module_id": module_id, "version": version})
    names = _publisher_names(session, [row])
    return VersionView(module=module, version=row, latest_version=latest or 0,
                       created_by_name=names.get(row.created_by_id or 0))


def list_versions(session: Session, module_id: int) -> list[VersionView]:
    module = get_module(session, module_id)
    versions = list(session.scalars(
        select(ModuleVersion).where(ModuleVersion.module_id == module_id)
        .order_by(ModuleVersion.version).options(selectinload(ModuleVersion.items))
    ))
    latest = versions[-1].version if versions else 0
    names = _publisher_names(session, versions)
    return [VersionView(module=module, version=v, latest_version=latest,
                        created_by_name=names.get(v.created_by_id or 0)) for v in versions]


def summaries(session: Session, *, limit: int, cursor: str | None, category: Category | None,
              q: str | None, include_inactive: bool) -> Page[ModuleSummary]:
    """A page of modules with their latest version, by id."""
    stmt = _summaries_statement(category, q, include_inactive)
    rows, next_cursor = keyset_page(session, stmt, [PatrolModule.id], limit=limit, cursor=cursor)
    items = [
        ModuleSummary(id=module.id, code=module.code, category=module.category,
                      is_active=module.is_active, name=version.name,
                      description=version.description, version=version.version,
                      version_id=version.id, item_count=item_count,
                      major_item_count=major_item_count or 0,
                      site_kinds=version.site_kinds)
        for module, version, item_count, major_item_count in rows
    ]
    return Page(items=items, next_cursor=next_cursor)


def _summaries_statement(category: Category | None, q: str | None,
                         include_inactive: bool) -> Select:
    """Each module with its latest version and item counts, in one query."""
    latest = _latest_version_numbers().subquery()
    counts = (
        select(
            ModuleItem.module_version_id,
            func.count().label("item_count"),
            func.sum(case((ModuleItem.major_if_failed, 1), else_=0)).label("major_item_count"),
        )
        .group_by(ModuleItem.module_version_id)
        .subquery()
    )
    stmt = (
        select(PatrolModule, ModuleVersion, counts.c.item_count, counts.c.major_item_count)
        .join(latest, latest.c.module_id == PatrolModule.id)
        .join(ModuleVersion, (ModuleVersion.module_id == PatrolModule.id)
              & (ModuleVersion.version == latest.c.version))
        .join(counts, counts.c.module_version_id == ModuleVersion.id)
    )
    if category is not None:
        stmt = stmt.where(PatrolModule.category == category)
    if q:
        stmt = stmt.where(ModuleVersion.name.contains(q, autoescape=True)
                          | PatrolModule.code.contains(q, autoescape=True))
    if not include_inactive:
        stmt = stmt.where(PatrolModule.is_active.is_(True))
    return stmt


def read_catalogue(directory: Path = CATALOGUE_DIR) -> list[CatalogueModule]:
    """Parse and validate every shipped module; codes must be unique across the files."""
    modules: list[CatalogueModule] = []
    for path in sorted(directory.glob("*.yaml")):
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(entries, list):
            raise CatalogueError(f"{path.name}: expected a list of modules")
        for index, entry in enumerate(entries):
            try:
                modules.append(CatalogueModule.model_validate(entry))
            except ValidationError as exc:
                raise CatalogueError(f"{path.name}[{index}]: {exc}") from exc
    codes = [m.code for m in modules]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise CatalogueError(f"duplicate module codes: {duplicates}")
    return modules


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)


def load_catalogue(session: Session, modules: list[CatalogueModule] | None = None, *,
                   retire_missing: bool | None = None) -> LoadReport:
    """Bring the database in line with the shipped catalogue; running it again changes nothing.

    A new module is created at version 1. When a shipped module's content changed, a new version
    is added, unless the module's latest version was made by a user: local edits win and the
    module is reported as ``kept_local``. A shipped module the catalogue no longer has (merged
    into another) is retired: not offered for new inspections, its versions kept for the
    inspections that used them; only when loading a whole catalogue (``retire_missing``: by
    default when ``modules`` is not given), so loading a few modules retires nothing. A retired
    module that a later catalogue ships again is active again."""
    report = LoadReport()
    existing = {m.code: m for m in session.scalars(select(PatrolModule))}
    latest = _latest_by_module(session)
    shipped = modules if modules is not None else read_catalogue()
    if modules is None if retire_missing is None else retire_missing:
        for code in sorted(existing.keys() - {m.code for m in shipped}):
            gone = existing[code]
            if gone.is_active and latest[gone.id].from_catalogue:
                gone.is_active = False
                report.retired.append(code)
    for data in shipped:
        module = existing.get(data.code)
        if module is not None and not module.is_active:
            module.is_active = True  # only the loader retires modules
        if module is None:
            create_module(session, data, from_catalogue=True)
            report.created.append(data.code)
            continue
        current = latest[module.id]
        if current.content_hash == content_hash(data):
            report.unchanged.append(data.code)
        elif not current.from_catalogue:
            report.kept_local.append(data.code)
        else:
            add_version(session, module, data, from_catalogue=True)
            report.updated.append(data.code)
    return report


def _latest_by_module(session: Session) -> dict[int, ModuleVersion]:
    latest = _latest_version_numbers().subquery()
    rows = session.scalars(
        select(ModuleVersion).join(latest, (ModuleVersion.module_id == latest.c.module_id)
                                   & (ModuleVersion.version == latest.c.version))
    )
    return {v.module_id: v for v in rows}
