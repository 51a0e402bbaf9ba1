"""The streaming receiver: the file's bytes are hashed and written in batches off the event
loop; what arrives must be exactly what was sent, fields after the file included."""

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backend.photos.upload import BATCH_BYTES, PayloadTooLarge, receive_upload

BOUNDARY = "----anxun-test"


def _body(data: bytes, *, field_after: bool) -> bytes:
    file_part = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
                 f"filename=\"p.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode() + data
    field = (f"\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\n"
             f"5d0c7f1e-2b1a-4c3d-8e9f-0a1b2c3d4e5f").encode()
    return file_part + (field if field_after else b"") + f"\r\n--{BOUNDARY}--\r\n".encode()


async def _chunks(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def _receive(body: bytes, tmp_path: Path, *, chunk: int, max_bytes: int = 1 << 30):
    return asyncio.run(receive_upload(f"multipart/form-data; boundary={BOUNDARY}",
                                      str(len(body)), _chunks(body, chunk), tmp_path, max_bytes))


@pytest.mark.parametrize("chunk", [7_001, 65_536])  # boundaries straddle uneven chunks
def test_a_file_of_several_batches_arrives_whole_with_a_field_after_it(tmp_path, chunk):
    data = os.urandom(2 * BATCH_BYTES + 12_345)
    upload = _receive(_body(data, field_after=True), tmp_path, chunk=chunk)
    assert upload.path is not None and upload.path.read_bytes() == data
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.fields == {"client_id": "5d0c7f1e-2b1a-4c3d-8e9f-0a1b2c3d4e5f"}
    upload.discard()


def test_past_the_cap_mid_batch_nothing_is_left(tmp_path):
    data = os.urandom(3 * BATCH_BYTES)
    with pytest.raises(PayloadTooLarge):
        _receive(_body(data, field_after=False), tmp_path, chunk=65_536,
                 max_bytes=2 * BATCH_BYTES)
    assert list(tmp_path.iterdir()) == []
