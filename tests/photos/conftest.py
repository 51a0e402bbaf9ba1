import uuid

import pytest

from backend.photos.tempdirs import LOCK
from backend.vocab import Role


@pytest.fixture
def inspector(make):
    return make.user(Role.inspector)


@pytest.fixture
def upload(client, make, inspector):
    headers = make.headers(inspector)

    def send(data: bytes, *, filename="photo.jpg", client_id=None, site_id=None,
             headers=headers, content_type="image/jpeg"):
        fields = {"client_id": client_id or str(uuid.uuid4())}
        if site_id is not None:
            fields["site_id"] = str(site_id)
        return client.post("/api/v1/photos", headers=headers, data=fields,
                           files={"file": (filename, data, content_type)})

    return send


def temp_files(settings):
    """The temporary files under the data dir (each process's directory keeps only its lock)."""
    root = settings.data_dir / "tmp"
    return [p for p in root.rglob("*") if p.is_file() and p.name != LOCK]


def stored_files(settings, prefix):
    root = settings.data_dir / "photos" / prefix
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != LOCK) \
        if root.exists() else []
