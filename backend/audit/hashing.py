"""The audit chain's hashes and the key they are computed with.

An entry's hash covers a canonical JSON of all its other columns, ``prev_hash`` included. Since
revision 0028 it is an HMAC-SHA256 with the chain key, which is kept outside the database:
someone who can write the database can no longer recompute a chain that verifies. Entries
written by earlier versions keep their plain SHA-256; the head row says from which entry on the
chain is keyed (``keyed_from``), and its ``seal`` (an HMAC of the head and of ``keyed_from``)
stops anyone without the key from moving that boundary, shortening the chain or editing the head.

The key is the deployment's, as the database is: ``ANXUN_AUDIT_KEY``, or else derived from the
app's secret (``ANXUN_SECRET_KEY`` or ``data_dir/secret.key``). It must never change once
entries were written with it."""

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from backend.config import Settings, get_settings

HASHED_FIELDS = ("id", "group_id", "at", "actor_id", "actor_label", "action", "object_type",
                 "object_id", "request_id", "summary", "prev_hash")
DERIVATION_LABEL = b"anxun audit chain v1"  # a key of its own, not the tokens' secret itself


def chain_key(settings: Settings) -> bytes:
    """``settings``' chain key: ``audit_key``, or an HMAC of the app secret."""
    if settings.audit_key:
        return settings.audit_key.encode()
    return hmac.new(settings.secret.encode(), DERIVATION_LABEL, hashlib.sha256).digest()


@lru_cache
def process_key() -> bytes:
    """The chain key of this process's deployment (its settings, as its engine is)."""
    return chain_key(get_settings())


def _canonical(fields: Mapping[Any, Any]) -> bytes:
    payload = {name: fields[name] for name in HASHED_FIELDS}
    at: datetime = payload["at"]
    payload["at"] = at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(fields: Mapping[Any, Any], key: bytes | None) -> str:
    """The hash of an entry given its columns (an entity's attributes or a row mapping): the
    HMAC with ``key``, or the plain SHA-256 of the entries written before 0028 (``None``)."""
    if key is None:
        return hashlib.sha256(_canonical(fields)).hexdigest()
    return hmac.new(key, _canonical(fields), hashlib.sha256).hexdigest()


def head_seal(key: bytes, last_id: int, last_hash: str, keyed_from: int) -> str:
    """The head's seal: whoever edits the head or ``keyed_from`` without the key breaks it."""
    message = f"audit-head:{last_id}:{last_hash}:{keyed_from}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
