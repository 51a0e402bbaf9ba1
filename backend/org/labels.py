"""Printable QR labels of sites: an A4 sheet of 2 x 4 labels, each with the QR of the site's
check-in link (``/s/{code}``: the phone app's check-in, or the camera app opening it), the
site's name, campus and center, and its code for typing in when the label is worn.

The Chinese text uses a CID font (STSong-Light) that PDF readers supply: nothing is embedded,
so a server with no CJK font installed still makes the sheet (a few KB a page). The QR is
drawn as vector squares, sharp at any printer's resolution, at 44 mm: scanned from 0.5 m by
a phone camera in a dim plant room; error correction M survives a scuffed label."""

import io
from dataclasses import dataclass

import segno
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

FONT = "STSong-Light"
COLUMNS, ROWS = 2, 4
MARGIN = 10 * mm
QR_SIDE = 44 * mm
PAD = 5 * mm
CUT_LINE = Color(0.6, 0.6, 0.6)
MAX_LABELS = 200
QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks

pdfmetrics.registerFont(UnicodeCIDFont(FONT))
NAME = ParagraphStyle("name", fontName=FONT, fontSize=15, leading=19, wordWrap="CJK")
PLACE = ParagraphStyle("place", fontName=FONT, fontSize=10, leading=13, wordWrap="CJK")
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")


@dataclass(frozen=True)
class Label:
    """What one label shows."""

    name: str
    campus: str
    center: str
    code: str


def checkin_link(base_url: str, code: str) -> str:
    """The link a label's QR holds: the phone app's check-in of the site."""
    return f"{base_url.rstrip('/')}/s/{code}"


def _qr(text: str) -> segno.QRCode:
    """The label's QR of ``text``: error correction M, never a micro QR (phones don't read them)."""
    return segno.make(text, error="m", micro=False)


def qr_svg_uri(text: str) -> str:
    """The same QR as the PDF's, as an SVG ``data:`` URI with its quiet zone, sized by its box
    (the console's print page shows it in an ``<img>``)."""
    return _qr(text).svg_data_uri(border=QUIET_ZONE, omitsize=True)


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, side: float) -> None:
    """``text`` as a QR code whose quiet zone's outer edge is the square (x, y, side)."""
    rows = [list(row) for row in _qr(text).matrix_iter(border=QUIET_ZONE)]
    module = side / len(rows)
    canvas.setFillColor(black)
    for r, row in enumerate(rows):
        top = y + side - (r + 1) * module
        c = 0
        while c < len(row):  # one rectangle per run of dark modules
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            canvas.rect(x + start * module, top, (c - start) * module, module,
                        stroke=0, fill=1)


def _draw_text(canvas: Canvas, x: float, top: float, width: float,
               parts: list[tuple[str, ParagraphStyle]]) -> None:
    for text, style in parts:
        paragraph = Paragraph(_escape(text), style)
        _, height = paragraph.wrap(width, 1000)
        paragraph.drawOn(canvas, x, top - height)
        top -= height + 2 * mm


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def labels_pdf(labels: list[Label], base_url: str) -> bytes:
    """The sheets of ``labels``, in order, as a PDF."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle("安巡 点位二维码")
    page_w, page_h = A4
    width = (page_w - 2 * MARGIN) / COLUMNS
    height = (page_h - 2 * MARGIN) / ROWS
    for index, label in enumerate(labels):
        slot = index % (COLUMNS * ROWS)
        if index and slot == 0:
            canvas.showPage()
        x = MARGIN + (slot % COLUMNS) * width
        y = page_h - MARGIN - (slot // COLUMNS + 1) * height
        canvas.setStrokeColor(CUT_LINE)
        canvas.setDash(2, 2)
        canvas.rect(x, y, width, height, stroke=1, fill=0)
        canvas.setDash()
        qr_y = y + (height - QR_SIDE) / 2
        _draw_qr(canvas, checkin_link(base_url, label.code), x + PAD / 2, qr_y, QR_SIDE)
        text_x = x + QR_SIDE + PAD
        _draw_text(canvas, text_x, qr_y + QR_SIDE - 2 * mm, width - QR_SIDE - 1.5 * PAD, [
            (label.name, NAME), (label.campus, PLACE), (label.center, PLACE),
            (f"点位码 {label.code}", SMALL), ("安巡 · 扫码签到巡检", SMALL)])
    canvas.save()
    return out.getvalue()
