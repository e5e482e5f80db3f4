"""Helpers shared by the assignment extractors (channels, bodies, deadlines)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import Any

import regex
from kehoach.context import DocContext
from kehoach.normalize import TIMEOUT
from kehoach.rules import Rules, compiled_for
from kehoach.segment import sections

TASK_MAX = 400  # a bullet longer than this is cut to its sentence (underthesea split)
OPENING_CHARS = 1500
_YEAR = regex.compile(r"(?<!\d)(20\d\d)(?!\d)")
# first line of the legal basis: the title and date line come before it
def basis_line(rules: Rules | None = None) -> regex.Pattern[str]:
    """A line opening the legal basis: the cues of instruments.yaml (of `rules`, default
    the shipped ones), compiled once per rules folder."""
    return compiled_for(rules, "assign.basis_line", _basis_line)


def _basis_line(rules: Rules) -> regex.Pattern[str]:
    cues = "|".join(regex.escape(c) for c in sorted(rules.yaml("instruments.yaml")["basis_cues"],
                                                     key=len, reverse=True))
    return regex.compile(rf"(?m)^[ \t]*(?:{cues})(?!\p{{L}})")


def tree(ctx: DocContext) -> sections.SectionTree:
    return sections.get(ctx)


def task_text(ctx: DocContext, pos: int) -> str:
    """The bullet, paragraph or table-row task a position belongs to."""
    t = tree(ctx)
    row = t.row_at(pos)
    if row is not None:
        cell = row.cell("task")
        if cell is not None:
            return cell.text[:TASK_MAX]
        start, end = row.start, row.end
    else:  # t.block(pos) without looking for the row again
        line = t.line_at(pos)
        start, end = (line.start, line.end) if line else (pos, pos)
    blocks = ctx.task_blocks  # (start, end) -> text, once per block
    text = blocks.get((start, end))
    if text is None:
        text = blocks[start, end] = " ".join(ctx.text[start:end].split())
    if len(text) <= TASK_MAX:
        return text
    return ctx.sentence_text(pos)[:TASK_MAX]


def base_row(ctx: DocContext, start: int, end: int) -> dict[str, Any]:
    """Evidence columns of a row: source offsets, page, section path and heading."""
    ev = ctx.evidence(start, end)
    path, heading = tree(ctx).at(start)
    return {"section": path, "heading": heading, "start": ev.start, "end": ev.end,
            "page": ev.page}


class SourceSpans:
    """Source-offset spans of other extractions (cited instruments) to keep out."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, end) - 1
        while i >= 0:
            s, e = self.spans[i]
            if s < end and start < e:
                return True
            if e <= start and s < start - 2000:
                break
            i -= 1
        return False


def citation_spans(ctx: DocContext) -> SourceSpans:
    """Source spans of cited instruments (what the instrument extractors found: numbered
    mentions and named-only rows), computed once."""
    spans = ctx.citation_spans
    if spans is None:
        found = [ctx.norm.span_to_source(m.start, m.end) for m in ctx.instrument_mentions]
        found += [(int(r["start"]), int(r["end"])) for r in ctx.named_instrument_rows
                  if r.get("start") is not None and r.get("end") is not None]
        spans = SourceSpans(found)
        ctx.citation_spans = spans
    return spans


def plan_year(ctx: DocContext) -> int | None:
    """Year to complete dates that omit it: the plan's period or issue year when the metadata
    component has set them, else the most common 20xx year of the title/opening."""
    year = ctx.plan_year
    if year is not None:
        return year or None
    doc = ctx.document
    for key in ("period_start", "issue_date", "period_end"):
        val = doc.get(key)
        if val:
            m = _YEAR.search(str(val), timeout=TIMEOUT)
            if m:
                ctx.plan_year = int(m.group(1))
                return int(m.group(1))
    first = tree(ctx).first_section_start() or OPENING_CHARS
    head = basis_line(ctx.rules).search(ctx.text, 0, first, timeout=TIMEOUT)
    opening = ctx.text[: head.start() if head else first]
    counts = Counter(int(m.group(1)) for m in _YEAR.finditer(opening, timeout=TIMEOUT))
    if not counts:
        counts = Counter(int(m.group(1)) for m in _YEAR.finditer(ctx.text, timeout=TIMEOUT))
    found = counts.most_common(1)[0][0] if counts else 0
    ctx.plan_year = found
    return found or None
