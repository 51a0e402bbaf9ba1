"""Backup and restore of an S3 store (moto on loopback): the objects come back under the same
keys, byte for byte and with their content types, into an empty prefix only."""

import hashlib

import pytest

from backend.backup import service
from backend.config import Settings
from backend.photos.storage import S3Storage
from backend.vocab import Role
from tests.backup.conftest import WriteLoad, cli, dump_engine, store_keys
from tests.photos.test_s3 import BUCKET, s3_endpoint  # noqa: F401 - the moto server fixture


def objects(storage: S3Storage) -> dict[str, str]:
    """``{store key: sha256}`` under the storage's prefix."""
    found = {}
    for page in storage.client.get_paginator("list_objects_v2").paginate(
            Bucket=storage.bucket, Prefix=storage.prefix):
        for item in page.get("Contents", []):
            body = storage.client.get_object(Bucket=storage.bucket, Key=item["Key"])["Body"]
            found[item["Key"].removeprefix(storage.prefix)] = hashlib.sha256(
                body.read()).hexdigest()
    return found


def s3_settings(endpoint: str, prefix: str) -> dict[str, str]:
    return {"photo_storage": "s3", "s3_bucket": BUCKET, "s3_endpoint_url": endpoint,
            "s3_access_key": "test", "s3_secret_key": "test", "s3_prefix": prefix}


def test_an_s3_store_is_backed_up_and_restored(live, s3_endpoint, tmp_path,  # noqa: F811
                                               target_url, target_engine):
    for name, value in s3_settings(s3_endpoint, "source/").items():
        setattr(live.settings, name, value)
    session, make = live.factory()
    inspector = make.user(Role.inspector)
    load = WriteLoad(live.base_url, live.token(session, inspector), make.org.kitchen.id)
    load.start()
    load.wait_for(3)
    load.stop()
    session.close()

    report = service.backup(live.settings, live.engine, tmp_path / "backup")
    source = S3Storage(BUCKET, endpoint_url=s3_endpoint, access_key="test", secret_key="test",
                       prefix="source/")
    assert report.manifest.store == "s3"
    assert report.copied == len(report.manifest.objects) == len(objects(source)) >= 9

    restored = S3Storage(BUCKET, endpoint_url=s3_endpoint, access_key="test",
                         secret_key="test", prefix="restored/")
    restored.client.put_object(Bucket=BUCKET, Key="restored/originals/aa/mine", Body=b"x")
    settings = Settings(data_dir=tmp_path / "data", database_url=target_url,
                        secret_key="live-test-secret", **s3_settings(s3_endpoint, "restored/"))
    with pytest.raises(service.TargetNotEmpty, match="s3"):
        service.restore(settings, target_engine, tmp_path / "backup")
    assert dump_engine(target_engine) == {}
    restored.delete("originals/aa/mine")

    done = cli("restore", str(tmp_path / "backup"), data_dir=tmp_path / "data",
               database_url=target_url, secret_key="live-test-secret",
               **s3_settings(s3_endpoint, "restored/"))
    assert done.returncode == 0, done.stderr
    assert "审计链完整" in done.stdout
    assert objects(restored) == objects(source)
    assert set(objects(restored)) == store_keys(target_engine)
    original = next(k for k in objects(restored) if k.startswith("originals/"))
    head = restored.client.head_object(Bucket=BUCKET, Key=f"restored/{original}")
    assert head["ContentType"] == "image/jpeg"
    assert not (tmp_path / "data" / "photos").exists()  # nothing went to local disk
