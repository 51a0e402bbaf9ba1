"""The streaming receiver: what arrives must be exactly what was sent, over uneven chunks,
fields after the file included, and nothing is left past the cap."""

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from backend.photos.upload import PayloadTooLarge, receive_upload

BOUNDARY = "----anxun-test"
MIB = 1 << 20


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
def test_a_large_file_arrives_whole_with_a_field_after_it(tmp_path, chunk):
    data = os.urandom(2 * MIB + 12_345)
    upload = _receive(_body(data, field_after=True), tmp_path, chunk=chunk)
    assert upload.path is not None and upload.path.read_bytes() == data
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    assert upload.fields == {"client_id": "5d0c7f1e-2b1a-4c3d-8e9f-0a1b2c3d4e5f"}
    upload.discard()


def test_past_the_cap_nothing_is_left(tmp_path):
    data = os.urandom(3 * MIB)
    with pytest.raises(PayloadTooLarge):
        _receive(_body(data, field_after=False), tmp_path, chunk=65_536,
                 max_bytes=2 * MIB)
    assert list(tmp_path.iterdir()) == []
