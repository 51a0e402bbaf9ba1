from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry


def entries(db: Session, **where: object) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, name) == value)
    return list(db.scalars(stmt))


def last(db: Session, **where: object) -> AuditEntry:
    found = entries(db, **where)
    assert found, f"no audit entry with {where}"
    return found[-1]
