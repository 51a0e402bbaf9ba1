"""The watermark's time line: 拍摄 (capture) when known, 上传 (receipt) beside it when they
differ."""

from datetime import UTC, datetime, timedelta

import pytest

from backend.photos import processing
from backend.photos.processing import Watermark, process_image, time_line
from backend.photos.service import UploadFields, watermark_for
from tests.photos.images import jpeg, jpeg_taken

UPLOADED = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.mark.parametrize("taken_at, line", [
    (None, "上传 2026-11-29 10:00"),
    (UPLOADED - timedelta(minutes=4), "拍摄 2026-11-29 09:56"),
    (UPLOADED + timedelta(minutes=5), "拍摄 2026-11-29 10:05"),
    (UPLOADED - timedelta(minutes=6), "拍摄 2026-11-29 09:54 · 上传 2026-11-29 10:00"),
    (UPLOADED - timedelta(days=3), "拍摄 2026-11-26 10:00 · 上传 2026-11-29 10:00"),
])
def test_time_line(taken_at, line):
    assert time_line(taken_at, UPLOADED) == line


@pytest.fixture
def drawn_lines(monkeypatch):
    lines: list[tuple[str, ...]] = []
    monkeypatch.setattr(processing, "draw_watermark", lambda _img, text, _font: lines.append(text))
    return lines


@pytest.mark.parametrize("data, phone_taken_at, first_line", [
    (jpeg_taken("2026:11:29 08:00:00"), None, "拍摄 2026-11-29 08:00 · 上传 2026-11-29 10:00"),
    (jpeg(), datetime(2026, 11, 29, 1, 58, tzinfo=UTC), "拍摄 2026-11-29 09:58"),
    (jpeg(), datetime(2026, 11, 28, 1, 0, tzinfo=UTC),
     "拍摄 2026-11-28 09:00 · 上传 2026-11-29 10:00"),
    (jpeg_taken("2026:11:29 09:59:00"), datetime(2026, 11, 1, tzinfo=UTC),
     "拍摄 2026-11-29 09:59"),  # the file's own EXIF wins over the phone's reading
    (jpeg(), None, "上传 2026-11-29 10:00"),
])
def test_the_watermark_shows_the_capture_time_from_exif_or_the_phone(tmp_path, drawn_lines, data,
                                                                      phone_taken_at, first_line):
    source = tmp_path / "upload"
    source.write_bytes(data)
    mark = Watermark(("食堂 · 陈师傅",), None, UPLOADED, phone_taken_at)
    process_image(str(source), 50_000_000, mark)
    assert drawn_lines == [(first_line, "食堂 · 陈师傅")]


def test_an_upload_passes_the_phones_capture_time_to_the_watermark(settings, make):
    taken = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    mark = watermark_for(settings, make.user(), "食堂", UploadFields(None, None, taken))
    assert mark is not None and mark.phone_taken_at == taken
    assert abs(mark.uploaded_at - datetime.now(UTC)) < timedelta(minutes=1)
