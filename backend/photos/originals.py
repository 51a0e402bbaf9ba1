"""An original's one file, shared by every photo of its bytes: its key is their SHA-256, so an
upload may name the file ``anxun photos-gc`` is deleting. Left to themselves they interleaved
(tests/photos/test_gc_race.py; a row named a missing file on both databases and stores):

1. an upload stores ``originals/S`` (outside any transaction: a copy of megabytes must not
   hold SQLite's write lock) and goes on to save its row;
2. the GC deletes the last old row of S, finds no other (the upload's has not committed), and
   commits; or the sweep of unnamed objects reads the rows (also without the upload's);
3. the upload's row commits, naming S;
4. the GC deletes ``originals/S``.

So both decide under the original's lock, in a write transaction: the GC deletes the file only
while no committed row names it, and an upload, before its row commits, stores the file again
if it is gone. Whichever takes the lock first, a row that commits names a file that exists.
The lock is PostgreSQL's transaction advisory lock on the hash (app processes on any number of
machines); on SQLite, the write transaction's ``BEGIN IMMEDIATE`` already excludes every other
writer. The row check runs after the lock is granted, so at READ COMMITTED (the engines'
isolation) it sees every row committed before."""

import re
from pathlib import Path

from sqlalchemy import exists, select, text
from sqlalchemy.orm import Session

from backend.db import READ_ONLY
from backend.photos.models import Photo
from backend.photos.storage import Storage

ORIGINAL = re.compile(r"originals/[0-9a-f]{2}/(?P<sha256>[0-9a-f]{64})")
# pg_advisory_xact_lock(int, int): the first number is this lock's kind (ASCII "orig"), the
# second the hash's first 32 bits (two hashes sharing them only wait for each other)
LOCK_KIND = 0x6F726967


def original_key(sha256: str) -> str:
    return f"originals/{sha256[:2]}/{sha256}"


def lock(session: Session, sha256: str) -> None:
    """Held until the session's transaction ends (a write transaction: on SQLite the lock)."""
    bind = session.get_bind()
    assert not bind.get_execution_options().get(READ_ONLY), "an original's lock needs a writer"
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:kind, :key)"),
                        {"kind": LOCK_KIND, "key": int(sha256[:8], 16) - 2**31})
    else:  # begun now if the caller has not run a statement yet: BEGIN IMMEDIATE is the lock
        session.connection()


def keep(session: Session, storage: Storage, sha256: str, source: Path,
         content_type: str) -> None:
    """Before a row naming the original commits in ``session``: the file exists, and stays
    until then (the lock is held to the commit). It was stored before; storing it again is
    rare (photos-gc deleted it in between)."""
    lock(session, sha256)
    key = original_key(sha256)
    if not storage.exists(key):
        storage.put_file(key, source, content_type)


def delete_unnamed(session: Session, storage: Storage, sha256: str) -> bool:
    """Delete the original unless a row names it, in a transaction of ``session``'s own that
    this ends (it writes nothing); whether it was deleted."""
    try:
        lock(session, sha256)
        if session.scalar(select(exists().where(Photo.sha256 == sha256))):
            return False
        storage.delete(original_key(sha256))
        return True
    finally:
        session.rollback()
