"""Garbage collection of unreferenced photos and of temporary files left by a crash."""

import os
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from backend.clock import utcnow
from backend.config import Settings
from backend.photos.models import Photo, PhotoLink
from backend.photos.originals import ORIGINAL, delete_unnamed
from backend.photos.pool import pool_held
from backend.photos.service import derived_key, get_storage, temp_root
from backend.photos.storage import STORE_KEY, LocalStorage, Storage
from backend.photos.tempdirs import release, remove_dead

# A phone that uploaded a photo and went offline before sending the report that uses it may
# send that report as long as its token lasts: the GC must not eat the evidence before then.
MIN_GC_AGE = timedelta(days=7)
# An upload in progress writes its temporary file at least every few seconds, and its
# derivatives live for one request; a file untouched this long was left by a crash.
TEMP_FILE_MAX_AGE = timedelta(hours=1)
# An upload writes its objects, then commits the row naming them, in one request (seconds; the
# decode times out at 30 s): a stored object no row names after a day was left by a process
# killed in between (bench/chaos.py: 228-361 of them after its kills)
UNNAMED_OBJECT_GRACE = timedelta(days=1)


def gc_age(settings: Settings) -> timedelta:
    """``ANXUN_PHOTO_GC_AGE_HOURS``, by default the longer of 7 days and the token lifetime."""
    if settings.photo_gc_age_hours is not None:
        return timedelta(hours=settings.photo_gc_age_hours)
    return max(MIN_GC_AGE, timedelta(hours=settings.token_lifetime_hours))


@dataclass(frozen=True)
class Garbage:
    """The stored files of the photos :func:`collect_garbage` deleted."""

    variants: list[str]  # their own (a photo's storage key is unique)
    originals: set[str]  # the hashes no remaining row had: shared, so decided again (originals.py)


def collect_garbage(session: Session, older_than: timedelta) -> Garbage:
    """Delete the rows of photos that nothing references and that are older than
    ``older_than``; returns their files, to delete once the transaction has committed."""
    cutoff = utcnow() - older_than
    candidates = {p.id: p for p in session.scalars(
        select(Photo).where(Photo.received_at < cutoff,
                            ~exists().where(PhotoLink.photo_id == Photo.id))
    )}
    # an original stays while a photo that is kept names it (a marked-up copy's evidence)
    named = dict(session.execute(select(Photo.id, Photo.markup_of_id)
                                 .where(Photo.markup_of_id.is_not(None))).all())
    while kept := {original for copy, original in named.items()
                   if copy not in candidates and original in candidates}:
        for original in kept:
            del candidates[original]
    orphans = list(candidates.values())
    if not orphans:
        return Garbage([], set())
    session.execute(delete(Photo).where(Photo.id.in_([p.id for p in orphans])))
    shas = {p.sha256 for p in orphans}
    still_used = set(session.scalars(select(Photo.sha256).where(Photo.sha256.in_(shas))))
    return Garbage([derived_key(p, v) for p in orphans for v in ("web", "thumb")],
                   shas - still_used)


def collect_unnamed_objects(session: Session, storage: Storage, named: Callable[[], set[str]],
                            grace: timedelta = UNNAMED_OBJECT_GRACE) -> int:
    """Delete the store's objects (keys of the app's shapes) that ``named()`` (every key the
    rows name) lacks and that were last written more than ``grace`` ago; returns how many. The
    rows are read after the listing, so an object listed as old was written before any row
    committed since names it; but an upload of an original's bytes may have stored it again
    since and be about to commit its row, so originals are decided under their lock
    (originals.py). ``session``: a writer's, in no transaction."""
    cutoff = time.time() - grace.total_seconds()
    old = [key for key, modified in storage.listing()
           if modified < cutoff and STORE_KEY.fullmatch(key)]
    if not old:
        return 0
    keep = named()
    deleted = 0
    for key in old:
        if key in keep:
            continue
        if original := ORIGINAL.fullmatch(key):
            deleted += delete_unnamed(session, storage, original["sha256"])
        else:
            storage.delete(key)
            deleted += 1
    return deleted


def clean_temp_files(directory: Path, older_than: timedelta = TEMP_FILE_MAX_AGE) -> int:
    """Delete the directories of dead processes in ``directory`` (tempdirs.py) and the loose
    files there not modified for ``older_than`` (left before such directories); returns how
    many files."""
    cutoff = time.time() - older_than.total_seconds()
    removed = remove_dead(directory, older_than.total_seconds())
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:  # another process cleaned it first
            pass
    return removed


def temp_dirs(settings: Settings) -> list[Path]:
    """Where processes keep their temporary files: the data dir's and the local store's."""
    storage = get_storage(settings)
    staging = [storage.staging] if isinstance(storage, LocalStorage) else []
    return [temp_root(settings), *staging]


def run_gc(session: Session, settings: Settings, older_than: timedelta) -> tuple[int, int]:
    """Unreferenced photos older than ``older_than`` and stale temporary files; returns the
    numbers of storage objects and of temporary files deleted."""
    garbage = collect_garbage(session, older_than)
    session.commit()
    storage = get_storage(settings)
    for key in garbage.variants:  # only after the rows are gone for good
        storage.delete(key)
    deleted = sum(delete_unnamed(session, storage, sha256) for sha256 in garbage.originals)
    return (len(garbage.variants) + deleted,
            sum(clean_temp_files(d) for d in temp_dirs(settings)))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start-up, before serving: the temporary files a crash left behind; at a clean stop,
    the decode pool's processes and this process's own temporary files."""
    directories = temp_dirs(app.state.settings)
    for directory in directories:
        await run_in_threadpool(clean_temp_files, directory)
    with pool_held():
        yield
    for directory in directories:
        await run_in_threadpool(release, directory)
