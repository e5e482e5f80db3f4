"""Speed of the read step per format, on the committed fixtures (one process).

    /work/venv/bin/python benchmarks/bench_read.py [--repeat N] [--no-ocr]

Prints text-PDF pages/s (pypdfium2 text runs + layout; pdfplumber only on the ruled-table
page), the same without the table page, OCR seconds/page (one tesseract process, then all
cores), DOCX and legacy .txt documents/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kehoach.read import read_document  # noqa: E402
from kehoach.read.ocr import tesseract_cmd  # noqa: E402

FIX = ROOT / "tests" / "fixtures"


def timed(path: Path, repeat: int) -> tuple[float, int]:
    read_document(path)  # warm-up: imports, rule tables
    t0 = time.perf_counter()
    for _ in range(repeat):
        src = read_document(path)
    return (time.perf_counter() - t0) / repeat, len(src.pages or [])


def text_only_pdf(tmp: Path) -> Path:
    """plan-text.pdf without its appendix (the only page with a ruled table)."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(FIX / "plan-text.pdf"))
    out = pdfium.PdfDocument.new()
    out.import_pages(src, list(range(len(src) - 1)))
    path = tmp / "plan-text-no-table.pdf"
    out.save(str(path))
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--no-ocr", action="store_true")
    args = ap.parse_args()
    print(f"read benchmark ({os.cpu_count()} cores, one process, {args.repeat} repeats)")
    sec, pages = timed(FIX / "plan-text.pdf", args.repeat)
    print(f"  text PDF, 5 pages incl. 1 ruled-table page: {pages / sec:8.1f} pages/s")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        sec, pages = timed(text_only_pdf(Path(tmp)), args.repeat)
    print(f"  text PDF, 4 text pages (no table):          {pages / sec:8.1f} pages/s")
    sec, _ = timed(FIX / "plan.docx", args.repeat)
    print(f"  DOCX (11 KB of text):                       {1 / sec:8.1f} documents/s")
    sec, _ = timed(FIX / "plan-tcvn3.txt", args.repeat)
    print(f"  TCVN3 .txt (detect + convert, 10 KB):       {1 / sec:8.1f} documents/s")
    if args.no_ocr or tesseract_cmd() is None:
        print("  OCR: skipped" + ("" if args.no_ocr else " (tesseract not installed)"))
        return
    for workers in ("1", str(os.cpu_count() or 1)):
        os.environ["KEHOACH_OCR_WORKERS"] = workers
        t0 = time.perf_counter()
        src = read_document(FIX / "plan-scan.pdf")
        sec = time.perf_counter() - t0
        n = src.info["ocr_pages"]
        print(f"  OCR scanned PDF, {n} pages, {workers} tesseract process(es): "
              f"{sec / n:6.2f} s/page (300 dpi, confidence {src.info['ocr_confidence']})")


if __name__ == "__main__":
    main()
