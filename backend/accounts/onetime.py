"""One-time passwords: an administrator resets a forgotten password to one the system makes,
shown to the administrator once; the user's next login must replace it. A login with it alone
gets no token (403 ``password_change_required``), so nothing is ever done under a password
someone else has seen; the login that sends ``new_password`` with it sets that password and
logs in. Unused for ``one_time_password_hours`` it expires (403 ``one_time_password_expired``:
the administrator makes another)."""

import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from backend import audit
from backend.accounts.models import User
from backend.accounts.passwords import check_password_policy, hash_password, verify_password
from backend.clock import utcnow
from backend.config import Settings
from backend.errors import Conflict, Forbidden, Unprocessable

# no 0/O, 1/l/I: read off a screen and typed on a phone without doubt; 4 groups of 4 = 93 bits
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
GROUPS, GROUP_LENGTH = 4, 4


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"
    message = "这是管理员设置的临时密码，请设置新密码后登录"


class OneTimePasswordExpired(Forbidden):
    code = "one_time_password_expired"
    message = "临时密码已过期，请联系管理员重新生成"


class OneTimePasswordUsed(Conflict):
    code = "one_time_password_used"
    message = "临时密码已被使用并已设置新密码，请用新密码登录"


class NoPasswordChangeDue(Unprocessable):
    code = "password_change_not_required"
    message = "当前密码不是临时密码，请登录后在“我的”中修改密码"


def generate() -> str:
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH))
                    for _ in range(GROUPS))


def settle(session: Session, settings: Settings, user: User, password: str,
           new_password: str | None) -> None:
    """At a login whose ``password`` was right: replace a one-time password with
    ``new_password`` (refused while it is missing, or after the one-time password expired)."""
    if not user.must_change_password:
        if new_password is not None:
            raise NoPasswordChangeDue()
        return
    if new_password is not None:  # two first logins at once: the first replaces it
        session.refresh(user, with_for_update=True)
        if not user.must_change_password or not verify_password(password, user.password_hash):
            raise OneTimePasswordUsed()
    issued = user.password_changed_at or utcnow()
    if utcnow() > issued + timedelta(hours=settings.one_time_password_hours):
        raise OneTimePasswordExpired()
    if new_password is None:
        raise PasswordChangeRequired()
    if verify_password(new_password, user.password_hash):
        raise Unprocessable("新密码不能与临时密码相同", code="weak_password",
                            details={"reason": "unchanged"})
    check_password_policy(new_password, username=user.username)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    session.flush()
    audit.record(session, actor=user, action="user.password_change", object_type="user",
                 object_id=user.id, summary={"replaced": "one_time_password"})
