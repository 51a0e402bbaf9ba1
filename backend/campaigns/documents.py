"""A campaign's notice document (通知文件): received, recognised and stored as every document
is (:mod:`backend.photos.documents`)."""

from sqlalchemy.orm import Session

from backend import clock, commitlog
from backend.accounts.models import User
from backend.audit.service import record
from backend.campaigns.errors import CampaignCancelled, CampaignChanged
from backend.campaigns.models import Campaign, CampaignStatus
from backend.campaigns.service import get_readable_campaign
from backend.photos.documents import StoredDocument, extension
from backend.photos.storage import Storage
from backend.statewrite import compare_and_set


def attach(session: Session, storage: Storage, user: User, campaign_id: int,
           document: StoredDocument) -> Campaign:
    """Set (or replace) the campaign's document stored under ``document.key``. The replaced
    document's bytes are deleted once the transaction commits, and the new one's if it rolls
    back: until the outcome is known the row may still name either."""
    campaign = get_readable_campaign(session, user, campaign_id)
    if campaign.status is CampaignStatus.cancelled:
        raise CampaignCancelled(details={"campaign_id": campaign_id})
    replaced = campaign.attachment_key
    key, name, content_type = document.key, document.name, document.content_type
    # on the version: two uploads at once must not both read the same replaced document (the
    # loser's bytes would never be deleted)
    if not compare_and_set(session, campaign, {"status": CampaignStatus.dispatched,
                                               "version": campaign.version}, {
            "attachment_key": key, "attachment_name": name, "attachment_type": content_type,
            "attachment_bytes": document.size, "attachment_sha256": document.sha256,
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
                                                     "bytes": document.size,
                                                     "sha256": document.sha256}})
    return campaign


def download_name(campaign: Campaign) -> str:
    assert campaign.attachment_type is not None
    return f"campaign-{campaign.id}.{extension(campaign.attachment_type)}"
