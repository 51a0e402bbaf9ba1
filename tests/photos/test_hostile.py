"""Hostile or broken uploads get a 4xx with the error body, never a 500: a phone retries a 5xx
forever, so such a photo would never leave its queue."""

import uuid
import zlib

import pytest

from backend.photos import router as photos_router
from tests.photos.conftest import stored_files
from tests.photos.images import (
    encode,
    halves,
    jpeg,
    jpeg_claiming,
    jpeg_taken,
    png_bomb,
    png_chunk,
    png_with_pixels,
    raise_unexpected,
)

HEIC = encode(halves(), "HEIF")


@pytest.mark.parametrize("data, status, code", [
    (png_bomb(20_000, 20_000), 422, "image_too_large"),
    (png_bomb(40_000, 40_000), 422, "image_too_large"),
    (png_bomb(65_535, 65_535), 422, "image_too_large"),
    (jpeg_claiming(65_535, 65_535), 422, "image_too_large"),
    (jpeg()[:200], 422, "image_corrupt"),
    (HEIC[:len(HEIC) // 2], 422, "image_corrupt"),
    (HEIC[:200], 422, "image_corrupt"),
    (b"\x00" * 1000, 415, "unsupported_media_type"),
    # Pillow refuses text that inflates beyond 1 MB: a zTXt and an iCCP decompression bomb
    (png_with_pixels(b"\x80" * 8, extra_chunks=png_chunk(
        b"zTXt", b"Comment\x00\x00" + zlib.compress(b" " * 20_000_000, 9))), 422, "image_corrupt"),
    (png_with_pixels(b"\x80" * 8, extra_chunks=png_chunk(
        b"iCCP", b"icc\x00\x00" + zlib.compress(b"\x00" * 20_000_000, 9))), 422, "image_corrupt"),
], ids=["png-20000", "png-40000", "png-65535", "jpeg-65535", "jpeg-200-bytes", "heic-half",
        "heic-200-bytes", "zeros", "ztxt-bomb", "iccp-bomb"])
def test_broken_and_oversized_images_are_422_with_the_error_body(upload, settings, data, status,
                                                                 code):
    resp = upload(data)
    assert resp.status_code == status, resp.text
    assert resp.json()["error"]["code"] == code
    assert stored_files(settings, "") == []


@pytest.mark.parametrize("taken, offset", [
    ("2026:11:29 09:15:00", "+99:00"), ("2026:11:29 09:15:00", "-24:00"),
    ("0001:01:01 00:00:00", None), ("0001:01:01 00:00:00", "+08:00"),
    ("9999:12:31 23:59:59", "-08:00"), ("9999:12:31 23:59:59", None),
])
def test_absurd_exif_times_are_ignored_as_metadata(upload, taken, offset):
    resp = upload(jpeg_taken(taken, offset))
    assert resp.status_code == 201, resp.text
    photo = resp.json()
    if taken.startswith("2026"):  # the absurd offset is ignored: the phone's local time
        assert photo["taken_at"].startswith("2026-11-29T01:15:00")
    else:
        assert photo["taken_at"] is None


@pytest.mark.parametrize("taken_at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00",
                                      "1980-01-01T00:00:00+08:00"])
def test_a_taken_at_from_a_reset_camera_clock_is_ignored_not_refused(client, make, inspector,
                                                                     taken_at):
    resp = client.post("/api/v1/photos", headers=make.headers(inspector),
                       data={"client_id": str(uuid.uuid4()), "taken_at": taken_at},
                       files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    assert resp.status_code == 201, resp.text
    assert resp.json()["taken_at"] is None


@pytest.mark.parametrize("taken_at, message", [("2026-11-29T09:15:00", "时区"),
                                               ("2026-11-29", "时区")])
def test_a_naive_taken_at_is_a_validation_error(client, make, inspector, taken_at, message):
    resp = client.post("/api/v1/photos", headers=make.headers(inspector),
                       data={"client_id": str(uuid.uuid4()), "taken_at": taken_at},
                       files={"file": ("p.jpg", jpeg(), "image/jpeg")})
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "validation_error" and error["details"]["field"] == "taken_at"
    assert message in error["message"]


def test_an_unexpected_exception_in_a_decoder_is_422(upload, monkeypatch):
    monkeypatch.setattr(photos_router, "process_image", raise_unexpected)
    resp = upload(jpeg())
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "image_decode_failed"


def test_empty_or_missing_file_and_a_text_file_typed_as_an_image(client, make, inspector,
                                                                 upload):
    headers = make.headers(inspector)
    empty = client.post("/api/v1/photos", headers=headers,
                        files={"file": ("p.jpg", b"", "image/jpeg")})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "bad_upload"
    missing = client.post("/api/v1/photos", headers=headers, data={"site_id": "1"},
                          files={"photo": ("p.jpg", jpeg(), "image/jpeg")})
    assert missing.status_code == 400 and missing.json()["error"]["code"] == "bad_upload"
    text = upload(b"Dear inspector, this is not a photo.\n" * 20)
    assert text.status_code == 415
    assert text.json()["error"]["code"] == "unsupported_media_type"
