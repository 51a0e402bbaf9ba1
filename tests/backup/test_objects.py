"""Copying store files into a backup: by content, and what a broken store leaves in the
manifest."""

import hashlib

from backend.backup.layout import object_path
from backend.backup.objects import StoredObject, back_up
from backend.photos.storage import LocalStorage


def test_missing_and_altered_store_files_are_reported_and_equal_bytes_kept_once(tmp_path):
    store = LocalStorage(tmp_path / "photos")
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"evidence")
    sha = hashlib.sha256(b"evidence").hexdigest()
    named_wrong = "b" * 64
    for key in (f"originals/{sha[:2]}/{sha}", f"originals/bb/{named_wrong}", "derived/k/web.jpg"):
        store.put_file(key, source, "image/jpeg")
    wanted = [StoredObject(f"originals/{sha[:2]}/{sha}", "image/jpeg", sha),
              StoredObject(f"originals/bb/{named_wrong}", "image/jpeg", named_wrong),
              StoredObject("derived/k/web.jpg", "image/jpeg", None),
              StoredObject("derived/gone/thumb.jpg", "image/jpeg", None)]

    report = back_up(store, wanted, tmp_path / "backup", {})
    assert report.problems == {f"originals/bb/{named_wrong}": f"sha256 {sha} != {named_wrong}",
                               "derived/gone/thumb.jpg": "missing"}
    assert report.copied == 1 and report.reused == 2
    assert {e["sha256"] for e in report.entries.values()} == {sha}
    stored = [p for p in (tmp_path / "backup" / "objects").rglob("*") if p.is_file()]
    assert stored == [object_path(tmp_path / "backup", sha)]
