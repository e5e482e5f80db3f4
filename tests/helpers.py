"""Run the document components on a text held in memory."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
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


def sqlite_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table of a SQLite file with its rows in rowid order (a database compared by content)."""
    con = sqlite3.connect(path)
    try:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY rowid').fetchall() for n in names}
    finally:
        con.close()
