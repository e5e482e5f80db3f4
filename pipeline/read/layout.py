"""Page layout -> text: shared by the PDF text layer and OCR.

Input: per page, positioned text segments (a PDF text run, an OCR line) and ruled table rows.
Output: the document text and the (start, end) offsets of each page, with

- running headers/footers and page numbers removed,
- two-column zones (header "issuer | motto", "Nơi nhận | signature") emitted as the left
  column block then the right column block, each line on its own,
- rows with more columns (borderless tables) and ruled table rows as one line per row,
  cells separated by " | ",
- wrapped lines of a paragraph joined into one line (with a line-end hyphen rejoined), so the
  text reads like the document's clean text.

Coordinates are PDF points (or pixels) measured from the top of the page.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import regex
from kehoach.normalize import TIMEOUT
from kehoach.rules import load_yaml

TEXT, BLOCK, ROW = "text", "block", "row"


@dataclass
class Segment:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    kind: str = TEXT

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class PageLayout:
    width: float
    height: float
    segments: list[Segment] = field(default_factory=list)
    # ruled tables: (top, bottom, text of the row with cells joined by " | ")
    table_rows: list[tuple[float, float, str]] = field(default_factory=list)
    # areas covered by ruled tables (x0, top, x1, bottom): segments inside are dropped
    table_boxes: list[tuple[float, float, float, float]] = field(default_factory=list)


@dataclass(frozen=True)
class _Rules:
    edge_lines: int
    edge_zone: float
    repeat_share: float
    page_number: tuple[regex.Pattern[str], ...]
    column_gap: float
    word_gap: float
    full_line: float
    indent: float
    max_line_gap: float
    new_block: regex.Pattern[str]
    digits: regex.Pattern[str]
    min_text_chars: int
    ocr_word_gap: float
    ocr_junk: regex.Pattern[str]


@cache
def rules() -> _Rules:
    cfg = load_yaml("read.yaml")
    return _Rules(
        edge_lines=int(cfg["edge_lines"]),
        edge_zone=float(cfg["edge_zone"]),
        repeat_share=float(cfg["repeat_share"]),
        page_number=tuple(regex.compile(p) for p in cfg["page_number"]),
        column_gap=float(cfg["column_gap"]),
        word_gap=float(cfg["word_gap"]),
        full_line=float(cfg["full_line"]),
        indent=float(cfg["indent"]),
        max_line_gap=float(cfg["max_line_gap"]),
        new_block=regex.compile("|".join(f"(?:{p})" for p in cfg["new_block"])),
        digits=regex.compile(r"\d+"),
        min_text_chars=int(cfg["min_text_chars"]),
        ocr_word_gap=float(cfg["ocr_word_gap"]),
        ocr_junk=regex.compile(cfg["ocr_junk"]),
    )


# --------------------------------------------------------------------------- rows and columns


def _rows(segments: list[Segment]) -> list[list[Segment]]:
    """Group segments into rows (vertical overlap of at least half the smaller height)."""
    rows: list[list[Segment]] = []
    for seg in sorted(segments, key=lambda s: (s.top, s.x0)):
        if rows:
            last = rows[-1]
            top = min(s.top for s in last)
            bottom = max(s.bottom for s in last)
            overlap = min(bottom, seg.bottom) - max(top, seg.top)
            if overlap >= 0.5 * min(seg.height, bottom - top):
                last.append(seg)
                continue
        rows.append([seg])
    return [sorted(r, key=lambda s: s.x0) for r in rows]


def _join(parts: list[Segment], sep_gap: float) -> Segment:
    """Join segments of one row that belong together (gap below the column gap)."""
    out = parts[0].text
    for prev, seg in itertools.pairwise(parts):
        gap = seg.x0 - prev.x1
        if gap > sep_gap and not out.endswith(" ") and not seg.text.startswith(" "):
            out += " "
        out += seg.text
    return Segment(out.strip(), parts[0].x0, max(p.x1 for p in parts),
                   min(p.top for p in parts), max(p.bottom for p in parts))


def _cells(row: list[Segment]) -> list[Segment]:
    """Split a row into cells at gaps wider than the column gap; join the rest."""
    r = rules()
    h = statistics.median(s.height for s in row)
    cells: list[list[Segment]] = [[row[0]]]
    for seg in row[1:]:
        if seg.x0 - cells[-1][-1].x1 > r.column_gap * h:
            cells.append([seg])
        else:
            cells[-1].append(seg)
    return [_join(c, r.word_gap * h) for c in cells]


def _crosses(cell: Segment, x: float) -> bool:
    return cell.x0 < x < cell.x1


def _page_lines(page: PageLayout) -> list[Line]:
    """Lines of one page in reading order, two-column zones as left block + right block."""
    segs = [s for s in page.segments if s.text.strip() and not any(
        bx0 - 1 <= (s.x0 + s.x1) / 2 <= bx1 + 1 and btop - 1 <= (s.top + s.bottom) / 2 <= bbot + 1
        for bx0, btop, bx1, bbot in page.table_boxes
    )]
    raw_rows = _rows(segs)
    rows = [_cells(r) for r in raw_rows]
    zone_of: list[int | None] = [None] * len(rows)
    gutters: list[float] = []
    min_gutter = rules().word_gap * 4
    right_edge = max((r[0].x1 for r in rows if len(r) == 1), default=page.width)

    def narrow(k: int, free: tuple[float, float]) -> tuple[float, float] | None:
        """The part of the gutter `free` that row k leaves empty, or None if it crosses."""
        if len(rows[k]) > 2:
            return None
        lo, hi = free
        for seg in raw_rows[k]:
            if seg.x1 <= lo or seg.x0 >= hi:
                continue
            if seg.x0 <= lo and seg.x1 >= hi:
                return None
            if seg.x0 <= lo:
                lo = seg.x1
            elif seg.x1 >= hi or seg.x0 - lo >= hi - seg.x1:
                hi = seg.x0
            else:
                lo = seg.x1
        return (lo, hi) if hi - lo >= min_gutter * raw_rows[k][0].height else None

    for i, row in enumerate(rows):
        if len(row) != 2 or zone_of[i] is not None:
            continue
        free: tuple[float, float] | None = (row[0].x1, row[1].x0)
        start, end = i, i + 1
        while start > 0 and zone_of[start - 1] is None:
            if start > 1 and len(rows[start - 2]) == 1 and (
                rows[start - 2][0].x1 >= right_edge - rules().full_line * rows[start - 2][0].height
            ):
                break  # the row above is the last line of a paragraph, not a column
            nxt = narrow(start - 1, free)
            if nxt is None:
                break
            free, start = nxt, start - 1
        while end < len(rows):
            nxt = narrow(end, free)
            if nxt is None:
                break
            free, end = nxt, end + 1
        for k in range(start, end):
            zone_of[k] = len(gutters)
        gutters.append((free[0] + free[1]) / 2)

    items: list[tuple[float, list[Line]]] = []
    done: set[int] = set()
    for i, row in enumerate(rows):
        z = zone_of[i]
        if z is not None:
            if z in done:
                continue
            done.add(z)
            g = gutters[z]
            left: list[Line] = []
            right: list[Line] = []
            for k in (k for k in range(len(rows)) if zone_of[k] == z):
                for side, parts in ((left, [s for s in raw_rows[k] if s.x1 <= g]),
                                    (right, [s for s in raw_rows[k] if s.x0 >= g])):
                    if parts:
                        c = _join(parts, rules().word_gap * parts[0].height)
                        side.append(Line(c.text, c.x0, c.x1, c.top, c.bottom, BLOCK))
            items.append((min(ln.top for ln in left + right), left + right))
        elif len(row) > 2:
            text = " | ".join(c.text for c in row)
            items.append((row[0].top, [Line(text, row[0].x0, row[-1].x1,
                                            min(c.top for c in row),
                                            max(c.bottom for c in row), ROW)]))
        else:
            c = row[0]
            items.append((c.top, [Line(c.text, c.x0, c.x1, c.top, c.bottom, TEXT)]))
    for top, bottom, text in page.table_rows:
        items.append((top, [Line(text, 0.0, page.width, top, bottom, ROW)]))
    items.sort(key=lambda it: it[0])
    return [ln for _, lines in items for ln in lines]


# --------------------------------------------------------------------------- headers/footers


def _edge_candidates(lines: list[Line], page: PageLayout) -> list[int]:
    r = rules()
    n = r.edge_lines
    out = []
    for idx in list(range(min(n, len(lines)))) + list(range(max(0, len(lines) - n), len(lines))):
        ln = lines[idx]
        if ln.bottom <= page.height * r.edge_zone or ln.top >= page.height * (1 - r.edge_zone):
            out.append(idx)
    return sorted(set(out))


def remove_running(pages: list[list[Line]], layouts: list[PageLayout]) -> list[list[Line]]:
    """Drop page numbers and running headers/footers."""
    r = rules()
    cands = [_edge_candidates(lines, lay) for lines, lay in zip(pages, layouts, strict=True)]

    def key(ln: Line) -> str:
        return r.digits.sub("#", " ".join(ln.text.split()), timeout=TIMEOUT)

    counts: Counter[str] = Counter()
    for lines, idxs in zip(pages, cands, strict=True):
        counts.update({key(lines[i]) for i in idxs})
    need = max(2, r.repeat_share * len(pages))
    out = []
    for lines, idxs in zip(pages, cands, strict=True):
        drop = {
            i for i in idxs
            if any(p.search(lines[i].text.strip(), timeout=TIMEOUT) for p in r.page_number)
            or (len(pages) >= 2 and counts[key(lines[i])] >= need)
        }
        out.append([ln for i, ln in enumerate(lines) if i not in drop])
    return out


# --------------------------------------------------------------------------- paragraphs


def _ends_hyphen(text: str) -> bool:
    return len(text) >= 2 and text[-1] in "-\u00ad\u2010" and not text[-2].isspace()


def _joins(prev: Line, nxt: Line, right: float, left: float) -> str | None:
    """Separator joining `nxt` to `prev` ("" or " "), or None when `nxt` starts a new line."""
    r = rules()
    if prev.kind != TEXT or nxt.kind != TEXT or not nxt.text:
        return None
    h = max(prev.height, nxt.height)
    if r.new_block.match(nxt.text, timeout=TIMEOUT):
        return None
    if _ends_hyphen(prev.text) and nxt.text[0].isalnum():
        return ""
    if prev.x1 < right - r.full_line * h:
        return None
    if nxt.x0 > left + r.indent * h:
        return None
    return " "


def _edges(lines: list[Line]) -> tuple[float, float]:
    text = [ln for ln in lines if ln.kind == TEXT]
    if not text:
        return 0.0, 0.0
    return max(ln.x1 for ln in text), min(ln.x0 for ln in text)


def assemble(layouts: list[PageLayout]) -> tuple[str, list[tuple[int, int]]]:
    """Text of the whole document and each page's (start, end) offsets in it."""
    pages = remove_running([_page_lines(p) for p in layouts], layouts)
    r = rules()
    parts: list[str] = []
    length = 0
    starts: list[int] = []
    prev: Line | None = None
    prev_edges = (0.0, 0.0)
    for lines in pages:
        edges = _edges(lines)
        page_start: int | None = None
        for ln in lines:
            text = ln.text.strip()
            if not text:
                continue
            ln = Line(text, ln.x0, ln.x1, ln.top, ln.bottom, ln.kind)
            sep: str | None = "\n"
            if prev is not None:
                same_page = page_start is not None
                right, left = edges if same_page else prev_edges
                if same_page and ln.top - prev.bottom > r.max_line_gap * prev.height:
                    joined = None
                else:
                    joined = _joins(prev, ln, right, left if same_page else edges[1])
                if joined is not None:
                    sep = joined
                    if sep == "" and parts and parts[-1][-1:] == "\u00ad":  # soft hyphen
                        parts[-1] = parts[-1][:-1]
                        length -= 1
            else:
                sep = ""
            parts.append(sep)
            length += len(sep)
            if page_start is None:
                page_start = length
            parts.append(text)
            length += len(text)
            # the join decision looks at the previous line's right edge on its own page
            prev = Line(text, ln.x0, ln.x1, ln.top, ln.bottom, ln.kind)
        prev_edges = edges
        starts.append(length if page_start is None else page_start)
    text = "".join(parts)
    bounds = [(s, starts[i + 1] if i + 1 < len(starts) else len(text))
              for i, s in enumerate(starts)]
    if bounds:
        bounds[0] = (0, bounds[0][1])
    return text, bounds
