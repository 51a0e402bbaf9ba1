"""The evidence of a major hazard's 销号 is the 销号's own: photos the verifier uploaded (the
site re-checked, or the documents photographed), not the assignee's rectification photos nor
any other photo this hazard already carries, which would make the 销号 take the work's word
for itself (DOMAIN.md: no self-verification)."""

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.hazards.models import Hazard, HazardEvent
from backend.photos.models import Photo, PhotoLink
from backend.photos.service import InvalidPhoto


def check_closure_photos(session: Session, verifier: User, hazard: Hazard,
                         photo_ids: list[int]) -> None:
    """422 ``invalid_photo`` naming the photos and the reason (unknown ids are left to
    ``link_photos``, which refuses them as for any action)."""
    uploaders = dict(session.execute(select(Photo.id, Photo.uploader_id)
                                     .where(Photo.id.in_(photo_ids))).all())
    not_own = [pid for pid in photo_ids if pid in uploaders and uploaders[pid] != verifier.id]
    if not_own:
        raise InvalidPhoto(details={"photo_ids": not_own,
                                    "reason": "销号证据照片须由销号人本人拍摄上传"})
    events = select(HazardEvent.id).where(HazardEvent.hazard_id == hazard.id)
    linked = sorted(set(session.scalars(select(PhotoLink.photo_id).where(
        PhotoLink.photo_id.in_(photo_ids),
        or_((PhotoLink.owner_type == "hazard") & (PhotoLink.owner_id == hazard.id),
            (PhotoLink.owner_type == "hazard_event") & PhotoLink.owner_id.in_(events))))))
    if linked:
        raise InvalidPhoto(details={"photo_ids": linked,
                                    "reason": "销号证据照片不能使用该隐患已有的照片"})
