"""A campaign's notice document (通知文件): PDF, Word, Excel or a JPEG/PNG image, recognised
by its bytes (never by the name or the client's content type), stored through the photos'
storage backend under ``documents/``."""

import uuid
import zipfile
from pathlib import Path

from sqlalchemy.orm import Session

from backend import clock, commitlog
from backend.accounts.models import User
from backend.audit.service import record
from backend.campaigns.errors import (
    AttachmentTypeUnsupported,
    CampaignCancelled,
    CampaignChanged,
)
from backend.campaigns.models import Campaign, CampaignStatus
from backend.campaigns.service import get_readable_campaign
from backend.photos.storage import Storage
from backend.statewrite import compare_and_set

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls (and .ppt: refused by name)
OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   "docx"),
         "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
              "application/msword": "doc", "application/vnd.ms-excel": "xls",
              **dict(OOXML.values())}


def _ooxml(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for prefix, (content_type, _) in OOXML.items():
        if "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names):
            return content_type
    return None


def sniff(path: Path, filename: str | None) -> str:
    """The document's content type from its first bytes; 415 when it is none we accept."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04") and (found := _ooxml(path)):
        return found
    suffix = Path(filename or "").suffix.lower()
    if head == OLE and suffix in (".doc", ".xls"):  # one container format for both
        return "application/msword" if suffix == ".doc" else "application/vnd.ms-excel"
    raise AttachmentTypeUnsupported(details={"filename": filename})


def store(storage: Storage, path: Path, content_type: str) -> str:
    key = f"documents/{uuid.uuid4().hex}"
    storage.put_file(key, path, content_type)
    return key


def attach(session: Session, storage: Storage, user: User, campaign_id: int, *, key: str,
           filename: str | None, content_type: str, size: int, sha256: str) -> Campaign:
    """Set (or replace) the campaign's document stored under ``key``. The replaced document's
    bytes are deleted once the transaction commits, and ``key``'s if it rolls back: until the
    outcome is known the row may still name either."""
    campaign = get_readable_campaign(session, user, campaign_id)
    if campaign.status is CampaignStatus.cancelled:
        raise CampaignCancelled(details={"campaign_id": campaign_id})
    replaced = campaign.attachment_key
    name = Path(filename).name[:200] if filename else None
    # on the version: two uploads at once must not both read the same replaced document (the
    # loser's bytes would never be deleted)
    if not compare_and_set(session, campaign, {"status": CampaignStatus.dispatched,
                                               "version": campaign.version}, {
            "attachment_key": key, "attachment_name": name, "attachment_type": content_type,
            "attachment_bytes": size, "attachment_sha256": sha256,
            "updated_at": clock.utcnow()}):
        session.refresh(campaign)
        if campaign.status is CampaignStatus.cancelled:
            raise CampaignCancelled(details={"campaign_id": campaign_id})
        raise CampaignChanged(details={"campaign_id": campaign_id})
    commitlog.on_rollback(session, lambda: storage.delete(key))
    if replaced is not None:
        commitlog.on_commit(session, lambda: storage.delete(replaced))
    record(session, actor=user, action="campaign.attach", object_type="campaign",
           object_id=campaign.id, summary={"after": {"name": name, "content_type": content_type,
                                                     "bytes": size, "sha256": sha256}})
    return campaign


def download_name(campaign: Campaign) -> str:
    assert campaign.attachment_type is not None
    return f"campaign-{campaign.id}.{EXTENSIONS.get(campaign.attachment_type, 'bin')}"
