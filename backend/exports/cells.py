"""What a cell of an export holds: plain values (text, numbers, dates) with the group's
words (the UI's and the official tables' Chinese labels), the same for CSV and XLSX."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from backend.clock import SHANGHAI
from backend.config import Settings
from backend.hazards.workflow import Action, Status
from backend.inspections.models import AnswerResult, CheckinMethod, InspectionKind, InspectionStatus
from backend.photos import signing
from backend.photos.models import Photo
from backend.vocab import LABELS_ZH, HazardSource

Cell = str | int | Decimal | datetime | date | None

# the words of DOMAIN.md and the phone app; vocab.py holds the organisation's
WORDS: dict[type[StrEnum], dict[str, str]] = {
    **LABELS_ZH,
    Status: {"reported": "待指派", "assigned": "整改中", "submitted": "待验收",
             "closed": "已闭环", "cancelled": "已撤销"},
    HazardSource: {"inspection": "检查发现", "adhoc": "随手拍", "external": "上级检查",
                   "plan": "整改计划"},
    Action: {"report": "上报", "fix_on_spot": "当场整改", "edit": "修改", "assign": "指派",
             "submit": "提交整改", "verify": "验收", "reject": "退回", "cancel": "撤销",
             "request_extension": "申请延期", "approve_extension": "批准延期",
             "deny_extension": "驳回延期", "reopen": "重新打开", "supervise": "挂牌督办",
             "report_upward": "上报上级"},
    InspectionKind: {"routine": "日常巡查", "special": "专项检查", "holiday": "节假日检查",
                     "supervision": "督查", "external": "上级检查"},
    InspectionStatus: {"draft": "草稿", "submitted": "已提交"},
    AnswerResult: {"pass": "合格", "fail": "不合格", "na": "不适用"},
    CheckinMethod: {"qr": "扫码", "list": "列表选择"},
}


def word(value: StrEnum | str | None) -> str | None:
    """The Chinese word for an enum value (its raw value when none is known)."""
    if value is None:
        return None
    if isinstance(value, StrEnum):
        return WORDS.get(type(value), {}).get(value.value, value.value)
    return value


def action_word(action: str) -> str:
    return WORDS[Action].get(action, action)


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def local(instant: datetime | None) -> datetime | None:
    """An instant as the wall-clock time in Asia/Shanghai (naive: how a sheet shows it)."""
    return instant.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0) if instant else None


class PhotoLinks:
    """Links to photos' ``web`` images that work without a bearer token (signed), valid for
    ``export_photo_url_ttl_hours``: absolute under ``public_url``, else relative."""

    def __init__(self, settings: Settings) -> None:
        ttl = settings.export_photo_url_ttl_hours * 3600
        self.secret, self.expires = settings.secret, signing.expiry(ttl)
        self.base = (settings.public_url or "").rstrip("/")

    def __call__(self, photos: Iterable[Photo]) -> str | None:
        links = [self.base + signing.signed_path(self.secret, p.id, "web", self.expires)
                 for p in photos]
        return "\n".join(links) or None
