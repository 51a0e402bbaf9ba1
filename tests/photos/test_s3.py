"""The S3 backend against an S3-compatible server on loopback (moto), on every run."""

import hashlib
import io
import socket

import pytest
from PIL import Image

from backend.photos.storage import ObjectMissing, S3Storage
from tests.photos.images import jpeg

BUCKET = "anxun-test"


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    S3Storage(BUCKET, endpoint_url=endpoint, access_key="test", secret_key="test") \
        .client.create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    return S3Storage(BUCKET, endpoint_url=s3_endpoint, access_key="test", secret_key="test",
                     prefix="t/")


def test_put_read_delete(s3, tmp_path):
    source = tmp_path / "p.jpg"
    source.write_bytes(jpeg())
    assert not s3.exists("originals/aa/x")
    s3.put_file("originals/aa/x", source, "image/jpeg")
    assert s3.exists("originals/aa/x")
    assert b"".join(s3.iter_bytes("originals/aa/x")) == source.read_bytes()
    head = s3.client.head_object(Bucket=BUCKET, Key="t/originals/aa/x")
    assert head["ContentType"] == "image/jpeg"
    s3.delete("originals/aa/x")
    assert not s3.exists("originals/aa/x")
    with pytest.raises(ObjectMissing):
        s3.iter_bytes("originals/aa/x")


def test_upload_and_serve_through_s3(client, upload, settings, s3_endpoint, s3):
    settings.photo_storage = "s3"
    settings.s3_bucket = BUCKET
    settings.s3_endpoint_url = s3_endpoint
    settings.s3_access_key = settings.s3_secret_key = "test"
    settings.s3_prefix = "t/"
    data = jpeg(1800, 1200)
    resp = upload(data)
    assert resp.status_code == 201, resp.text
    photo = resp.json()
    assert s3.exists(f"originals/{photo['sha256'][:2]}/{photo['sha256']}")
    assert not (settings.data_dir / "photos").exists()  # nothing went to local disk
    original = client.get(photo["urls"]["original"].replace("http://testserver", ""))
    assert hashlib.sha256(original.content).hexdigest() == photo["sha256"] \
        == hashlib.sha256(data).hexdigest()
    web = client.get(photo["urls"]["web"].replace("http://testserver", ""))
    assert web.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(web.content)).size == (1600, 1067)
