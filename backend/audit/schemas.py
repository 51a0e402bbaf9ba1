from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEntryOut(BaseModel):
    """One write, as it happened (append-only, hash-chained with a key)."""

    model_config = ConfigDict(from_attributes=True)

    id: int = Field(description="Position in the chain: 1, 2, 3... (a gap is a removed entry).")
    at: datetime = Field(description="Server time of the write.")
    actor_id: int | None = Field(description="The user who did it; null for the system or the "
                                             "command line.")
    actor_label: str = Field(description="Who, as text (a username, `system`, `cli`...).")
    action: str = Field(description="What happened, e.g. `hazard.assign`, `auth.login_failed`.")
    object_type: str | None = Field(description="Kind of object changed (`hazard`, `user`...).")
    object_id: str | None = Field(description="Id of the object changed.")
    request_id: str = Field(description="The request's `X-Request-ID` (also in the log lines).")
    summary: dict[str, Any] = Field(description="Small before/after summary; never a password "
                                                "or token.")
    prev_hash: str = Field(description="The previous entry's `hash`.")
    hash: str = Field(description="HMAC-SHA256 (hex), with the server's chain key, of this "
                                  "entry's content with `prev_hash` (plain SHA-256 for entries "
                                  "written before the chain was keyed).")


class ChainStatusOut(BaseModel):
    ok: bool
    entries: int = Field(description="entries checked (up to the first problem)")
    unkeyed: int = Field(description="entries written before the chain was keyed (plain SHA-256)")
    bad_entry_id: int | None = Field(description="where the first problem is")
    reason: str | None = Field(description="`hash_mismatch`, `broken_link`, `missing_entry`, "
                                           "`head_mismatch` or `head_seal`")
    message: str = Field(description="as `anxun audit verify` prints it")


class AnchorStatusOut(BaseModel):
    ok: bool
    anchors: int = Field(description="anchors in the anchor file")
    first_bad: str | None = Field(description="the first anchor the database disagrees with")
    missing: list[str] = Field(description="daily anchors the database records as written and "
                                           "the file lacks")
    message: str


class VerificationOut(BaseModel):
    ok: bool = Field(description="the chain and the anchors both hold")
    checked_at: datetime
    took_ms: int
    chain: ChainStatusOut
    anchors: AnchorStatusOut
