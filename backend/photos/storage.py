"""Where photo bytes live: a local directory (default) or S3-compatible object storage.

Both write atomically: a reader sees the whole object or nothing, never a partial file."""

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from backend.photos.tempdirs import own_dir

CHUNK = 256 * 1024
# the keys the app writes (photos/service.py, photos/documents.py); nothing else in a bucket or
# a directory is the app's to delete or restore
STORE_KEY = re.compile(r"originals/[0-9a-f]{2}/[0-9a-f]{64}|derived/[0-9a-f]{32}/(?:web|thumb)\.jpg"
                       r"|documents/[0-9a-f]{32}")


class Storage(Protocol):
    def put_file(self, key: str, path: Path, content_type: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def iter_bytes(self, key: str) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...
    def is_empty(self) -> bool: ...
    def listing(self) -> Iterator[tuple[str, float]]: ...  # (key, last written, epoch seconds)


class ObjectMissing(Exception):
    pass


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        # copies are made in the process's own directory here (tempdirs.py: a killed process's
        # is removed by the next start), on the store's file system so that the rename is atomic
        self.staging = root / ".incoming"

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"storage key escapes the root: {key!r}")
        return path

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=own_dir(self.staging), prefix="incoming-")
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                shutil.copyfileobj(src, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())  # durable before it becomes visible
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def iter_bytes(self, key: str) -> Iterator[bytes]:
        try:
            fh = open(self._path(key), "rb")  # noqa: SIM115 - the generator closes it
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc

        def chunks() -> Iterator[bytes]:
            with fh:
                while chunk := fh.read(CHUNK):
                    yield chunk

        return chunks()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def is_empty(self) -> bool:
        """No stored object (the staging area's per-process lock files are not objects)."""
        return next(self.listing(), None) is None

    def listing(self) -> Iterator[tuple[str, float]]:
        if not self.root.exists():
            return
        for path in self.root.rglob("*"):
            if self.staging in path.parents or not path.is_file():
                continue
            try:
                modified = path.stat().st_mtime
            except FileNotFoundError:  # deleted while listed
                continue
            yield path.relative_to(self.root).as_posix(), modified


class S3Storage:
    """S3-compatible storage through boto3 (path-style addressing works with MinIO and moto).

    A PUT is atomic on S3: the object appears whole when the upload completes."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None,
                 prefix: str = "") -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region or "us-east-1",
            aws_access_key_id=access_key, aws_secret_access_key=secret_key,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        self.client.upload_file(str(path), self.bucket, self._key(key),
                                ExtraArgs={"ContentType": content_type})

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def iter_bytes(self, key: str) -> Iterator[bytes]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise ObjectMissing(key) from exc
            raise
        return body.iter_chunks(CHUNK)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def is_empty(self) -> bool:
        listed = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
        return listed.get("KeyCount", 0) == 0

    def listing(self) -> Iterator[tuple[str, float]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                      Prefix=self.prefix)
        for page in pages:
            for obj in page.get("Contents", []):
                yield obj["Key"][len(self.prefix):], obj["LastModified"].timestamp()
