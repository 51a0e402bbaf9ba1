"""`anxun photos-gc` also deletes stored objects no row names (a server killed between storing
an upload's files and committing its row leaves them: bench/chaos.py counted 228-361), once
they are a day old, on a local store and on S3, and nothing else."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

from backend.backup.objects import referenced
from backend.photos.housekeeping import collect_unnamed_objects
from backend.photos.storage import LocalStorage, S3Storage
from backend.vocab import Role
from tests.photos.images import jpeg
from tests.photos.test_s3 import BUCKET, s3_endpoint  # noqa: F401 - a fixture, used by name

TWO_DAYS = 2 * 24 * 3600


def unnamed_keys() -> list[str]:
    sha = uuid.uuid4().hex * 2
    return [f"originals/{sha[:2]}/{sha}", f"derived/{uuid.uuid4().hex}/web.jpg",
            f"derived/{uuid.uuid4().hex}/thumb.jpg", f"documents/{uuid.uuid4().hex}"]


def write(root, key, age_seconds=0.0):  # noqa: ANN001, ANN201
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"left by a killed upload")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_photos_gc_deletes_day_old_objects_no_row_names(tmp_path):
    data_dir = tmp_path / "data"
    env = {**os.environ, "ANXUN_DATA_DIR": str(data_dir)}
    env.pop("ANXUN_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "backend.cli", "migrate"], env=env, check=True,
                   capture_output=True, timeout=120)
    store = data_dir / "photos"
    old = [write(store, key, TWO_DAYS) for key in unnamed_keys()]
    young = write(store, unnamed_keys()[0], 3600)  # an upload may still commit its row
    foreign = write(store, "notes/readme.txt", TWO_DAYS)  # not a key the app writes
    done = subprocess.run([sys.executable, "-m", "backend.cli", "photos-gc"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "无记录引用超过 24 小时的存储文件 4 个" in done.stdout, done.stdout
    assert not any(path.exists() for path in old)
    assert young.exists() and foreign.exists()


def test_the_files_rows_name_are_kept(upload, db, settings):
    photo = upload(jpeg(300, 200)).json()
    store = settings.data_dir / "photos"
    named = [p for p in store.rglob("*") if p.is_file() and ".incoming" not in str(p)]
    assert len(named) == 3
    for path in named:
        os.utime(path, (time.time() - TWO_DAYS,) * 2)
    orphans = [write(store, key, TWO_DAYS) for key in unnamed_keys()]
    deleted = collect_unnamed_objects(db, LocalStorage(store),
                                      lambda: {o.key for o in referenced(db.connection())})
    assert deleted == 4 and photo["id"]
    assert all(path.exists() for path in named) and not any(p.exists() for p in orphans)


def test_on_s3_only_the_apps_unnamed_keys_go(s3_endpoint, tmp_path, db):  # noqa: F811
    s3 = S3Storage(BUCKET, endpoint_url=s3_endpoint, access_key="test", secret_key="test",
                   prefix="gc/")
    source = tmp_path / "p.jpg"
    source.write_bytes(jpeg())
    named, *unnamed = unnamed_keys()
    for key in (named, *unnamed, "notes/readme.txt"):
        s3.put_file(key, source, "image/jpeg")
    assert collect_unnamed_objects(db, s3, lambda: {named}) == 0  # all younger than a day
    time.sleep(1.1)  # LastModified has whole seconds
    assert collect_unnamed_objects(db, s3, lambda: {named}, grace=timedelta(0)) == 3
    assert sorted(key for key, _ in s3.listing()) == sorted([named, "notes/readme.txt"])


def test_an_upload_of_stored_bytes_writes_them_again(upload, settings, make):
    """So the sweep passes by a day-old original no row names that this upload's row is about
    to name (were it deleted all the same, the upload stores it again: test_gc_race.py)."""
    data = jpeg(320, 200)
    first = upload(data).json()
    [original] = (settings.data_dir / "photos" / "originals").rglob(first["sha256"])
    os.utime(original, (time.time() - TWO_DAYS,) * 2)
    other = make.headers(make.user(Role.inspector))  # the same uploader's is the same photo
    assert upload(data, headers=other).status_code == 201
    assert time.time() - original.stat().st_mtime < 3600
