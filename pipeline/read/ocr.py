"""Tesseract OCR of page images (scanned PDF pages, PNG/JPEG/TIFF).

Tesseract runs as a subprocess with OMP_THREAD_LIMIT=1 (its own threads make it several times
slower on few cores); the pages of one document are spread over parallel tesseract processes
unless the batch already runs documents in worker processes (then one at a time, so the
cores are not oversubscribed). KEHOACH_OCR_WORKERS overrides the number of processes.
"""

from __future__ import annotations

import csv
import io
import multiprocessing as mp
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

from kehoach.errors import DocumentError
from kehoach.normalize import TIMEOUT
from kehoach.read.layout import PageLayout, Segment, rules

LANG = "vie"
INSTALL_HINT = (
    "install Tesseract with its Vietnamese model: "
    "`apt-get install tesseract-ocr tesseract-ocr-vie` (or run `bash scripts/setup.sh`)"
)
TIMEOUT_S = 300


@dataclass
class OcrPage:
    layout: PageLayout
    confidences: list[float]


def tesseract_cmd() -> str | None:
    """Path of the tesseract program (KEHOACH_TESSERACT overrides), or None."""
    return shutil.which(os.environ.get("KEHOACH_TESSERACT", "tesseract"))


@cache
def _languages(cmd: str) -> frozenset[str]:
    try:
        out = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(ln.strip() for ln in (out.stdout + out.stderr).splitlines()[1:])


def require(path: str, what: str) -> str:
    """The tesseract command, or a DocumentError saying how to install it."""
    cmd = tesseract_cmd()
    if cmd is None:
        raise DocumentError(path, "ocr_unavailable",
                            f"{what} needs OCR but Tesseract is not installed: {INSTALL_HINT}")
    if LANG not in _languages(cmd):
        raise DocumentError(path, "ocr_unavailable",
                            f"{what} needs OCR but Tesseract has no Vietnamese model ('{LANG}'): "
                            f"{INSTALL_HINT}")
    return cmd


def _workers(n_pages: int) -> int:
    forced = os.environ.get("KEHOACH_OCR_WORKERS")
    if forced:
        return max(1, int(forced))
    if mp.current_process().daemon:  # inside a batch worker: the batch uses the cores
        return 1
    return max(1, min(n_pages, os.cpu_count() or 1))


def _parse_tsv(tsv: str, width: float, height: float) -> OcrPage:
    lines: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    confs: list[float] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        lines.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
        conf = float(row["conf"])
        if conf >= 0:
            confs.append(conf)
    r = rules()
    segments = []
    for words in lines.values():
        words = [w for w in words if not (
            r.ocr_junk.fullmatch(w["text"].strip(), timeout=TIMEOUT) and float(w["conf"]) < 60
        )]
        if not words:
            continue
        height = max(int(w["height"]) for w in words)
        # tesseract sometimes runs a line across two columns: split it at wide gaps
        groups: list[list[dict[str, str]]] = [[words[0]]]
        for w in words[1:]:
            prev = groups[-1][-1]
            gap = int(w["left"]) - int(prev["left"]) - int(prev["width"])
            if gap > r.ocr_word_gap * height:
                groups.append([w])
            else:
                groups[-1].append(w)
        for group in groups:
            x0 = min(int(w["left"]) for w in group)
            x1 = max(int(w["left"]) + int(w["width"]) for w in group)
            top = min(int(w["top"]) for w in group)
            bottom = max(int(w["top"]) + int(w["height"]) for w in group)
            text = " ".join(w["text"].strip() for w in group)
            segments.append(Segment(text, float(x0), float(x1), float(top), float(bottom)))
    return OcrPage(PageLayout(width, height, segments), confs)


def ocr_image(cmd: str, png: bytes, size: tuple[int, int], dpi: int) -> OcrPage:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    proc = subprocess.run(
        [cmd, "stdin", "stdout", "-l", LANG, "--psm", "3", "--dpi", str(dpi), "tsv"],
        input=png, capture_output=True, env=env, timeout=TIMEOUT_S, check=False,
    )
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise RuntimeError(f"tesseract failed ({proc.returncode}): {msg[0]}")
    return _parse_tsv(proc.stdout.decode("utf-8", "replace"), float(size[0]), float(size[1]))


def ocr_images(path: str, images: list[tuple[bytes, tuple[int, int], int]], what: str
               ) -> list[OcrPage]:
    """OCR each (png bytes, (width, height), dpi); pages in parallel tesseract processes."""
    cmd = require(path, what)
    workers = _workers(len(images))
    try:
        if workers == 1:
            return [ocr_image(cmd, *img) for img in images]
        with ThreadPoolExecutor(workers) as pool:
            return list(pool.map(lambda img: ocr_image(cmd, *img), images))
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        raise DocumentError(path, "ocr_failed", f"OCR failed: {exc}") from None


def info(pages: list[OcrPage]) -> dict[str, float | int]:
    confs = [c for p in pages for c in p.confidences]
    return {
        "ocr_pages": len(pages),
        "ocr_confidence": round(sum(confs) / len(confs), 1) if confs else 0.0,
    }
