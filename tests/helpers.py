"""Run the document components on a text held in memory."""

from __future__ import annotations

import hashlib
from typing import Any

from kehoach.components import analyse
from kehoach.context import DocContext
from kehoach.document import SourceText


def run_text(text: str, path: str = "mem.txt") -> DocContext:
    source = SourceText(path=path, sha256=hashlib.sha256(text.encode()).hexdigest(), text=text)
    return analyse(DocContext.from_source(source))


def citations(text: str) -> list[dict[str, Any]]:
    return run_text(text).tables.get("citations", [])


def by_id(text: str) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for row in citations(text):
        if row["instrument_id"]:
            out.setdefault(row["instrument_id"], row)
    return out
