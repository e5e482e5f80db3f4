"""Shared helpers of the reader tests: run the pipeline on a file, compare with clean text."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pandas as pd
from kehoach.run import run

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"
RAW = ROOT / "data" / "raw"
PLAN = RAW / "haiphong-bql-2024-tuyen-truyen-cchc.txt"
TCVN3_PLAN = RAW / "haiphong-sdl-2022-tuyen-truyen-cchc.txt"
_MD = re.compile(r"\*\*|\*|^#+\s*", re.M)


@cache
def tables(*paths: str) -> dict[str, pd.DataFrame]:
    summary = run(list(paths), None, workers=1)
    assert summary.errors == 0, summary.error_rows
    return summary.tables


def instrument_ids(path: Path) -> set[str]:
    t = tables(str(path))
    cit = t.get("citations")
    if cit is None or cit.empty:
        return set()
    return set(cit["instrument_id"].dropna())


def words(text: str) -> list[str]:
    return _MD.sub("", text).split()


def tesseract_ready() -> str | None:
    """None when tesseract with the Vietnamese model is installed, else why not."""
    cmd = shutil.which("tesseract")
    if cmd is None:
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
    langs = subprocess.run([cmd, "--list-langs"], capture_output=True, text=True).stdout
    if "vie" not in langs.split():
        return "tesseract has no Vietnamese model (apt-get install tesseract-ocr-vie)"
    return None
