"""Garbage collection keeps a phone's evidence as long as its login lasts, and the temporary
files a crash leaves behind are cleaned at start-up and by the GC."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from backend.clock import utcnow
from backend.photos.housekeeping import Garbage, collect_garbage, gc_age, run_gc
from backend.photos.models import Photo, PhotoLink
from backend.photos.service import upload_dir
from tests.photos.conftest import stored_files
from tests.photos.images import jpeg


@pytest.fixture
def later(monkeypatch):
    """Move the GC's clock forward."""
    def move(delta: timedelta) -> None:
        monkeypatch.setattr("backend.photos.housekeeping.utcnow", lambda: utcnow() + delta)

    return move


def test_gc_age_is_at_least_the_token_lifetime(settings):
    assert gc_age(settings) == timedelta(days=7)
    settings.token_lifetime_hours = 10 * 24
    assert gc_age(settings) == timedelta(days=10)
    settings.photo_gc_age_hours = 36
    assert gc_age(settings) == timedelta(hours=36)


def test_an_unreferenced_photo_survives_while_its_phone_may_still_send_the_report(
        upload, db, settings, later):
    photo = upload(jpeg()).json()
    later(timedelta(days=6, hours=23))
    assert collect_garbage(db, gc_age(settings)) == Garbage([], set())
    later(timedelta(days=7, hours=1))
    assert collect_garbage(db, gc_age(settings)).variants
    assert db.get(Photo, photo["id"]) is None


def test_garbage_collection_removes_only_old_unreferenced_photos(client, upload, db, settings,
                                                                  later):
    old_orphan = upload(jpeg(300, 200)).json()
    old_linked = upload(jpeg(310, 200)).json()
    db.add(PhotoLink(photo_id=old_linked["id"], owner_type="hazard", owner_id=1))
    db.commit()
    later(timedelta(days=8))
    with pytest.MonkeyPatch.context() as mp:  # received "now" in the shifted clock
        mp.setattr("backend.photos.service.utcnow", lambda: utcnow() + timedelta(days=8))
        recent = upload(jpeg(320, 200)).json()
    assert run_gc(db, settings, gc_age(settings)) == (3, 0)  # the orphan's three files
    remaining = {p.id for p in db.query(Photo)}
    assert old_orphan["id"] not in remaining
    assert {old_linked["id"], recent["id"]} <= remaining
    assert len(stored_files(settings, "originals")) == 2
    assert len(stored_files(settings, "derived")) == 4


def _leftovers(directory):
    """A crash's leftovers (two hours old) and an upload in progress (just written)."""
    directory.mkdir(parents=True, exist_ok=True)
    stale = [directory / "upload-crashed", directory / "upload-crashed.web.jpg"]
    for path in stale:
        path.write_bytes(b"partial")
        two_hours_ago = time.time() - 2 * 3600
        os.utime(path, (two_hours_ago, two_hours_ago))
    fresh = directory / "upload-in-progress"
    fresh.write_bytes(b"streaming")
    return stale, fresh


def test_start_up_removes_stale_temporary_files_only(app, settings):
    stale, fresh = _leftovers(settings.data_dir / "tmp")
    with TestClient(app):
        assert not any(path.exists() for path in stale)
        assert fresh.exists()


def test_the_gc_removes_stale_temporary_files(db, settings):
    stale, fresh = _leftovers(settings.data_dir / "tmp")
    assert run_gc(db, settings, gc_age(settings)) == (0, 2)
    assert not any(path.exists() for path in stale) and fresh.exists()


def test_photos_gc_command_defaults_to_seven_days(tmp_path):
    data_dir = tmp_path / "data"
    env = {**os.environ, "ANXUN_DATA_DIR": str(data_dir)}
    env.pop("ANXUN_DATABASE_URL", None)

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "backend.cli", *args], env=env,
                              capture_output=True, text=True, timeout=120, check=True)

    cli("migrate")
    stale, fresh = _leftovers(data_dir / "tmp")
    out = cli("photos-gc").stdout
    assert "超过 168 小时" in out and "残留临时文件 2 个" in out
    assert not any(path.exists() for path in stale) and fresh.exists()
    env["ANXUN_PHOTO_GC_AGE_HOURS"] = "240"
    assert "超过 240 小时" in cli("photos-gc").stdout
    assert "超过 2 小时" in cli("photos-gc", "--older-than-hours", "2").stdout


def _upload_markup(client, make, inspector, original_id, width):
    return client.post("/api/v1/photos", headers=make.headers(inspector),
                       data={"markup_of": str(original_id)},
                       files={"file": ("m.jpg", jpeg(width, 200), "image/jpeg")}).json()


def test_an_original_stays_while_a_kept_marked_up_copy_names_it(client, make, upload, db,
                                                               settings, later, inspector):
    """The copy is linked to a hazard, its original is not: collecting the original broke the
    copy's foreign key and rolled every later GC run back."""
    original = upload(jpeg(300, 200)).json()
    copy = _upload_markup(client, make, inspector, original["id"], 330)
    db.add(PhotoLink(photo_id=copy["id"], owner_type="hazard", owner_id=1))
    db.commit()
    later(timedelta(days=8))
    collect_garbage(db, gc_age(settings))
    db.flush()
    assert {original["id"], copy["id"]} <= {p.id for p in db.query(Photo)}


def test_a_young_copy_keeps_its_old_original_and_orphans_go_together(client, make, upload, db,
                                                                     settings, later,
                                                                     inspector):
    original = upload(jpeg(300, 200)).json()
    copy = _upload_markup(client, make, inspector, original["id"], 340)
    lone = upload(jpeg(350, 200)).json()
    lone_copy = _upload_markup(client, make, inspector, lone["id"], 360)
    db.commit()
    later(timedelta(days=8))
    with pytest.MonkeyPatch.context() as mp:  # the copy arrived just now (an offline phone)
        mp.setattr("backend.photos.service.utcnow", lambda: utcnow() + timedelta(days=8))
        young = _upload_markup(client, make, inspector, original["id"], 370)
    collect_garbage(db, gc_age(settings))
    db.commit()
    remaining = {p.id for p in db.query(Photo)}
    assert {original["id"], young["id"]} <= remaining  # kept for the young copy
    assert not {copy["id"], lone["id"], lone_copy["id"]} & remaining  # all unreferenced


# a server process writing a temporary file as an upload streams in, until it is killed
UPLOADING = """
import sys, time
from pathlib import Path
from backend.config import Settings
from backend.photos.service import upload_dir
settings = Settings(data_dir=Path(sys.argv[1]))
directory = upload_dir(settings)
directory.mkdir(parents=True, exist_ok=True)
(directory / f"upload-{sys.argv[2]}").write_bytes(b"partial")
print("ready", flush=True)
time.sleep(120)
"""


def _uploading(data_dir, name):
    proc = subprocess.Popen([sys.executable, "-c", UPLOADING, str(data_dir), name],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "ready\n"
    return proc


def test_a_start_removes_what_a_killed_process_left_and_keeps_a_live_ones(app, settings):
    """Found by bench/chaos.py: after `kill -9` mid-upload, the restart kept the upload's files
    (too young to tell from another worker's upload in progress). A clean stop removes its own."""
    killed, alive = _uploading(settings.data_dir, "killed"), _uploading(settings.data_dir, "alive")
    try:
        killed.kill()
        killed.wait()
        with TestClient(app):
            left = [p.name for p in (settings.data_dir / "tmp").rglob("upload-*")]
            mine = upload_dir(settings)
        assert left == ["upload-alive"] and not mine.exists()
    finally:
        alive.kill()
        alive.wait()


# a process storing a photo, stopped before the copy is durable (and killed there)
STORING = """
import os, sys, time
from pathlib import Path
from backend.photos.storage import LocalStorage
data_dir = Path(sys.argv[1])
os.fsync = lambda fd: (print("ready", flush=True), time.sleep(120))
(data_dir / "source").write_bytes(b"photo bytes")
LocalStorage(data_dir / "photos").put_file("originals/ab/abcd", data_dir / "source", "image/jpeg")
"""


def test_a_start_removes_the_copy_a_killed_process_was_storing(app, settings):
    """Found by bench/chaos.py: `kill -9` while a photo was copied into the store left its
    `.incoming-*` file beside the photos for ever."""
    settings.data_dir.mkdir(parents=True)
    proc = subprocess.Popen([sys.executable, "-c", STORING, str(settings.data_dir)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "ready\n"
    proc.kill()
    proc.wait()
    with TestClient(app):
        pass
    assert stored_files(settings, "") == []
