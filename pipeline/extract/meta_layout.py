"""Lines and cells of the normalized text, with offsets.

Headers and signature blocks are two-column layouts; text exports keep the columns on one
line separated by a tab (markdown tables: normalize.py turns `|` into tabs) or by a run of
spaces, or interleave them line by line. A *cell* is one column's piece of one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex
from kehoach.normalize import TIMEOUT


@dataclass(frozen=True)
class Cell:
    start: int  # offsets in the normalized text
    end: int
    text: str  # stripped
    line: int  # line number (0-based) inside the scanned region

    @property
    def is_upper(self) -> bool:
        """Mostly upper-case letters (header and signature lines)."""
        letters = [c for c in self.text if c.isalpha()]
        if len(letters) < 2:
            return False
        return sum(c.isupper() for c in letters) >= 0.85 * len(letters)


@cache
def _cell_re() -> regex.Pattern[str]:
    # a cell: words joined by one or two spaces, up to a tab, 3+ spaces or the line end
    return regex.compile(r"[^\t\n ]+(?: {1,2}[^\t\n ]+)*")


def cells(text: str, start: int = 0, end: int | None = None) -> list[Cell]:
    """Cells of text[start:end], in reading order (line by line, left to right)."""
    end = len(text) if end is None else end
    out: list[Cell] = []
    line = 0
    last = start
    for m in _cell_re().finditer(text, start, end, timeout=TIMEOUT):
        line += text.count("\n", last, m.start())
        last = m.start()
        out.append(Cell(m.start(), m.end(), m.group(), line))
    return out


def at_cell_start(text: str, pos: int) -> bool:
    """Only spaces since the line start, or a column break (tab, 3+ spaces) right before."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return not before.strip() or before.endswith(("\t", "   "))


def collapse(s: str) -> str:
    return " ".join(s.split())
