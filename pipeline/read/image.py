"""Scanned pages as image files (PNG, JPEG, TIFF incl. multi-page TIFF): OCR with Tesseract."""

from __future__ import annotations

import io
from pathlib import Path

from kehoach.errors import DocumentError
from kehoach.read import ReadResult, ocr, register
from kehoach.read.layout import assemble
from PIL import Image, ImageSequence, UnidentifiedImageError

DEFAULT_DPI = 300


def _frames(path: Path, data: bytes) -> list[tuple[bytes, tuple[int, int], int]]:
    try:
        img = Image.open(io.BytesIO(data))
        out = []
        for frame in ImageSequence.Iterator(img):
            dpi = frame.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI
            gray = frame.convert("L")
            buf = io.BytesIO()
            gray.save(buf, "PNG")
            out.append((buf.getvalue(), gray.size, round(float(dpi))))
        return out
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DocumentError(str(path), "corrupt", f"not a readable image ({exc})") from None


@register(".png", ".jpg", ".jpeg", ".tif", ".tiff", name="image", max_mb=100)
def read_image(path: Path, data: bytes) -> ReadResult:
    frames = _frames(path, data)
    pages = ocr.ocr_images(str(path), frames, "this image (a scanned page)")
    text, bounds = assemble([p.layout for p in pages])
    return ReadResult(text=text, pages=bounds, info=ocr.info(pages))
