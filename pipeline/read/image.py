"""Scanned pages as image files (PNG, JPEG, TIFF incl. multi-page TIFF): OCR with Tesseract."""

from __future__ import annotations

import io
from pathlib import Path

from kehoach.errors import DocumentError
from kehoach.limits import LimitError, current
from kehoach.read import ReadResult, ocr, register
from kehoach.read.layout import assemble
from PIL import Image, ImageSequence, UnidentifiedImageError

DEFAULT_DPI = 300


def _frames(path: Path, data: bytes) -> list[tuple[bytes, tuple[int, int], int]]:
    limits = current()
    try:
        img = Image.open(io.BytesIO(data))
        out = []
        for number, frame in enumerate(ImageSequence.Iterator(img), 1):
            if number > limits.pages:
                raise LimitError(str(path), "pages", f"image has more than {limits.pages} frames")
            width, height = frame.size
            if width * height > limits.page_pixels:
                raise LimitError(str(path), "page_mpixels",
                                 f"frame {number} is {width} x {height}: {width * height / 1e6:.0f} million pixels")
            dpi = frame.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI
            gray = frame.convert("L")
            buf = io.BytesIO()
            gray.save(buf, "PNG")
            out.append((buf.getvalue(), gray.size, round(float(dpi))))
        return out
    except Image.DecompressionBombError as exc:
        raise LimitError(str(path), "page_mpixels", f"image too large ({exc})") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise DocumentError(str(path), "corrupt", f"not a readable image ({exc})") from None


@register(".png", ".jpg", ".jpeg", ".tif", ".tiff", name="image", max_mb=100)
def read_image(path: Path, data: bytes) -> ReadResult:
    frames = _frames(path, data)
    pages = ocr.ocr_images(str(path), frames, "this image (a scanned page)")
    text, bounds = assemble([p.layout for p in pages])
    return ReadResult(text=text, pages=bounds, info=ocr.info(pages))
