"""The append-only, hash-chained audit log of every write: ``audit.record(session, actor=...,
action="hazard.assign", object_type="hazard", object_id=h.id, summary=audit.changes(...))``."""

from backend.audit.service import VerifyResult, changes, record, snapshot, verify_chain

__all__ = ["VerifyResult", "changes", "record", "snapshot", "verify_chain"]
