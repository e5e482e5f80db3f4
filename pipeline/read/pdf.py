"""PDF: text layer with pypdfium2, ruled tables with pdfplumber, scanned pages with OCR.

pypdfium2 gives each text run with its box (fast: hundreds of pages/s); the shared layout
step (pipeline/read/layout.py) orders them into lines, columns and paragraphs. pdfplumber,
much slower, reads only pages that have ruling lines (task tables). Pages without a text
layer are rendered and OCRed (pipeline/read/ocr.py).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import regex
from kehoach.errors import DocumentError
from kehoach.limits import LimitError, current
from kehoach.normalize import TIMEOUT
from kehoach.read import ReadResult, ocr, register
from kehoach.read.layout import PageLayout, Segment, assemble, rules

_ENCRYPT = regex.compile(rb"/Encrypt\s+\d+\s+\d+\s+R")
_NO_PAGES = regex.compile(rb"/Type\s*/Pages\b(?:(?!>>).){0,200}?/Count\s+0\b|/Count\s+0\b\s*/Kids\s*\[\s*\]",
                          regex.S)
OCR_DPI = 300
MIN_RULES = 4
OCR_BATCH = 8  # pages rendered and OCRed together  # path objects on a page before looking for ruled tables


def _open(path: Path, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        # pdfium's error code is process-global and may be stale: look at the file itself
        if _ENCRYPT.search(data, timeout=TIMEOUT):
            raise DocumentError(str(path), "encrypted",
                                "PDF is encrypted (password protected): cannot read it") from None
        if _NO_PAGES.search(data, timeout=TIMEOUT):
            raise DocumentError(str(path), "no_pages", "PDF has no pages") from None
        raise DocumentError(str(path), "corrupt",
                            f"not a readable PDF (damaged or not a PDF: {exc})") from None


def _text_layer(page: pdfium.PdfPage, height: float) -> list[Segment]:
    textpage = page.get_textpage()
    segments = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top)
        # pdfium marks a line-end hyphen as \x02; Vietnamese never splits a syllable, so it is
        # a real hyphen ("NĐ-" + "CP", "kinh tế-" + "xã hội"): keep it
        text = text.replace("\x02", "-").replace("\r", " ").replace("\n", " ")
        if text.strip():
            segments.append(Segment(text, left, right, height - top, height - bottom))
    return segments


def _printable(page: pdfium.PdfPage) -> int:
    textpage = page.get_textpage()
    n = textpage.count_chars()
    return len("".join(textpage.get_text_range(0, n).split())) if n else 0


def _has_ruling(page: pdfium.PdfPage) -> bool:
    paths = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)
    return any(count >= MIN_RULES for count, _ in enumerate(paths, 1))


def _tables(plumber_page: pdfplumber.page.Page, layout: PageLayout) -> None:
    for table in plumber_page.find_tables():
        rows = table.extract()
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        layout.table_boxes.append(tuple(table.bbox))
        for cells, row in zip(rows, table.rows, strict=False):
            text = " | ".join(" ".join((c or "").split()) for c in cells)
            if text.strip(" |"):
                layout.table_rows.append((row.bbox[1], row.bbox[3], text))


def _blank(page: pdfium.PdfPage) -> bool:
    """A page without any object (no image, path or text): nothing to OCR."""
    return pdfium_c.FPDFPage_CountObjects(page.raw) == 0


def _render(path: Path, page: pdfium.PdfPage, number: int) -> tuple[bytes, tuple[int, int], int]:
    width, height = page.get_size()
    pixels = (width * OCR_DPI / 72) * (height * OCR_DPI / 72)
    if pixels > current().page_pixels:
        raise LimitError(str(path), "page_mpixels",
                         f"page {number} is {width / 72:.0f} x {height / 72:.0f} inches: "
                         f"{pixels / 1e6:.0f} million pixels at {OCR_DPI} dpi for OCR")
    img = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil().convert("L")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue(), img.size, OCR_DPI


@register(".pdf", name="pdf", max_mb=200)
def read_pdf(path: Path, data: bytes) -> ReadResult:
    pdf = _open(path, data)
    try:
        n = len(pdf)
        if n == 0:
            raise DocumentError(str(path), "no_pages", "PDF has no pages")
        if n > current().pages:
            raise LimitError(str(path), "pages", f"PDF has {n} pages")
        layouts: list[PageLayout] = []
        scanned: list[int] = []
        ruled: list[int] = []
        min_chars = rules().min_text_chars
        for i in range(n):
            page = pdf[i]
            width, height = page.get_size()
            if _printable(page) < min_chars:
                scanned.append(i)
                layouts.append(PageLayout(width, height))
                continue
            layouts.append(PageLayout(width, height, _text_layer(page, height)))
            if _has_ruling(page):
                ruled.append(i)
        if ruled:
            _read_tables(path, data, ruled, layouts)
        info: dict[str, object] = {"ocr_pages": 0}
        blank = [i for i in scanned if _blank(pdf[i])]
        if blank:
            info["notes"] = [f"{len(blank)} blank pages not OCRed"]
            scanned = [i for i in scanned if i not in set(blank)]
        if scanned:
            what = (f"{len(scanned)} of {n} pages have no text layer (scanned); they"
                    if len(scanned) < n else "this scanned PDF (no text layer)")
            pages: list[ocr.OcrPage] = []
            for start in range(0, len(scanned), OCR_BATCH):  # a few page images in memory at a time
                batch = scanned[start:start + OCR_BATCH]
                images = [_render(path, pdf[i], i + 1) for i in batch]
                pages += ocr.ocr_images(str(path), images, what)
            for i, page_ocr in zip(scanned, pages, strict=True):
                layouts[i] = page_ocr.layout
            info.update(ocr.info(pages))
    finally:
        pdf.close()
    text, bounds = assemble(layouts)
    return ReadResult(text=text, pages=bounds, info=info)


def _read_tables(path: Path, data: bytes, pages: list[int], layouts: list[PageLayout]) -> None:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        with pdfplumber.open(io.BytesIO(data)) as plumb:
            for i in pages:
                _tables(plumb.pages[i], layouts[i])
    except Exception as exc:  # pdfminer chokes on some files pdfium reads: keep the text
        logging.getLogger(__name__).warning("%s: tables not read (%s)", path, exc)

