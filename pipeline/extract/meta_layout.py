"""Lines and cells of the normalized text, with offsets.

Headers and signature blocks are two-column layouts; text exports keep the columns on one
line separated by a tab (markdown tables: normalize.py turns `|` into tabs) or by a run of
spaces, or interleave them line by line. A *cell* is one column's piece of one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from pipeline.normalize import TIMEOUT


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
    # a cell: text up to a tab, a run of 3+ spaces, or the end of the line
    return regex.compile(r"[^\t\n ](?:[^\t\n]*?[^\t\n ])?(?=\t| {3,}|[ \t]*(?:\n|$))")


def cells(text: str, start: int = 0, end: int | None = None) -> list[Cell]:
    """Cells of text[start:end], in reading order (line by line, left to right)."""
    end = len(text) if end is None else end
    out: list[Cell] = []
    line_starts = [start]
    pos = text.find("\n", start, end)
    while pos >= 0:
        line_starts.append(pos + 1)
        pos = text.find("\n", pos + 1, end)
    line = 0
    for m in _cell_re().finditer(text, start, end, timeout=TIMEOUT):
        while line + 1 < len(line_starts) and line_starts[line + 1] <= m.start():
            line += 1
        out.append(Cell(m.start(), m.end(), m.group(), line))
    return out


def blank_lines_between(text: str, a: int, b: int) -> int:
    """Empty lines between offsets a < b."""
    return len(regex.findall(r"\n[ \t]*(?=\n)", text[a:b], timeout=TIMEOUT))


def collapse(s: str) -> str:
    return " ".join(s.split())
