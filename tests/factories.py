"""Small typed helpers that create rows through the services, inside the test's transaction."""

import itertools
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from backend.accounts.models import ApiKey, User, UserRole
from backend.accounts.passwords import hash_password
from backend.accounts.service import issue_token
from backend.clock import utcnow
from backend.config import Settings
from backend.hazards.models import Hazard
from backend.hazards.bodies import HazardCreateIn
from backend.hazards.service import report
from backend.org import service as org
from backend.org.models import Campus, Center, Group, Site
from backend.photos.models import Photo
from backend.vocab import Category, CenterKind, Grade, Role, SiteKind

PASSWORD = "Patrol-Evidence-2026"
_PASSWORD_HASH = hash_password(PASSWORD)  # hashing is slow by design: do it once per run
_counter = itertools.count(1)


@dataclass
class Org:
    group: Group
    catering: Center
    property: Center
    qa: Center
    campus: Campus
    kitchen: Site
    dorm: Site


class Factory:
    def __init__(self, db: Session, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._org: Org | None = None

    @property
    def org(self) -> Org:
        """A small organisation: two operating centers and the QA office, one campus, two sites."""
        if self._org is None:
            group = org.ensure_group(self.db, "测试后勤集团")
            catering = org.create_center(self.db, group.id, code="t-catering",
                                         name="测试饮食中心", kind=CenterKind.catering)
            prop = org.create_center(self.db, group.id, code="t-property",
                                     name="测试物业中心", kind=CenterKind.property)
            qa = org.create_center(self.db, group.id, code="t-qa", name="测试质监办",
                                   kind=CenterKind.quality_supervision)
            campus = org.create_campus(self.db, group.id, code="t-campus", name="测试校区")
            kitchen = org.create_site(self.db, group.id, campus_id=campus.id,
                                      center_id=catering.id, name="一食堂后厨",
                                      kind=SiteKind.canteen, location=None)
            dorm = org.create_site(self.db, group.id, campus_id=campus.id, center_id=prop.id,
                                   name="3号公寓", kind=SiteKind.dormitory, location=None)
            self._org = Org(group, catering, prop, qa, campus, kitchen, dorm)
            self.db.commit()  # releases the savepoint; the test's outer transaction still rolls back
        return self._org

    def user(self, *roles: Role, center: Center | None = None, username: str | None = None,
             active: bool = True) -> User:
        roles = roles or (Role.inspector,)
        if center is None and not {Role.inspector, Role.center_manager}.isdisjoint(roles):
            center = self.org.catering
        user = User(group_id=self.org.group.id, center_id=center.id if center else None,
                    username=username or f"user{next(_counter)}", display_name="测试用户",
                    password_hash=_PASSWORD_HASH, is_active=active,
                    role_rows=[UserRole(role=r) for r in roles])
        self.db.add(user)
        self.db.commit()
        return user

    def photo(self, user: User, taken_at: datetime | None = None) -> Photo:
        """A photo row as an upload would leave it (the bytes are not needed by the workflow)."""
        n = next(_counter)
        photo = Photo(uploader_id=user.id, sha256=f"{n:064x}", storage_key=uuid.uuid4().hex,
                      content_type="image/jpeg", bytes=1000, width=40, height=30,
                      taken_at=taken_at or utcnow(), received_at=utcnow())
        self.db.add(photo)
        self.db.commit()
        return photo

    def hazard(self, reporter: User, *, site: Site | None = None, grade: Grade = Grade.general,
               category: Category = Category.fire) -> Hazard:
        data = HazardCreateIn(title="灭火器压力不足", site_id=(site or self.org.kitchen).id,
                              category=category, grade=grade,
                              photo_ids=[self.photo(reporter).id])
        hazard, _ = report(self.db, self.settings, reporter, data)
        self.db.commit()
        return hazard

    def token(self, user: User) -> str:
        token = issue_token(self.db, self.settings, user).token
        self.db.commit()
        return token

    def api_key(self, *scopes: str, center_ids: list[int] | None = None,
                expires_at: datetime | None = None, rate_limit_per_minute: int | None = None,
                name: str = "测试集成") -> tuple[ApiKey, str]:
        """An API key made by an administrator, and its secret."""
        from backend.accounts.apikeys import create_key
        from backend.accounts.scopes import Scope

        admin = self.user(Role.admin)
        key, secret = create_key(self.db, admin, name=name, scopes=[Scope(s) for s in scopes],
                                 center_ids=center_ids, expires_at=expires_at,
                                 rate_limit_per_minute=rate_limit_per_minute)
        self.db.commit()
        return key, secret

    def headers(self, user: User) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user)}"}
