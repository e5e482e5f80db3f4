"""Helpers shared by the assignment extractors (channels, bodies, deadlines)."""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import Counter
from typing import Any

import regex

from pipeline.context import DocContext
from pipeline.normalize import TIMEOUT
from pipeline.segment import sections

TASK_MAX = 400  # a bullet longer than this is cut to its sentence (underthesea split)
OPENING_CHARS = 1500
_YEAR = regex.compile(r"(?<!\d)(20\d\d)(?!\d)")
# first line of the legal basis: the title and date line come before it
_BASIS = regex.compile(r"(?m)^[ \t]*(?:Căn cứ|Thực hiện|Triển khai|Tiếp tục thực hiện|Theo)\b")


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
    start, end = t.block(pos)
    text = " ".join(ctx.text[start:end].split())
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
    """Source spans of cited instruments (rows of the instrument extractors), computed once."""
    spans = ctx.shared.get("citation_spans")
    if spans is None:
        rows = ctx.tables.get("citations") or []
        spans = SourceSpans([
            (int(r["start"]), int(r["end"])) for r in rows
            if r.get("start") is not None and r.get("end") is not None
        ])
        ctx.shared["citation_spans"] = spans
    return spans


def plan_year(ctx: DocContext) -> int | None:
    """Year to complete dates that omit it: the plan's period or issue year when the metadata
    component has set them, else the most common 20xx year of the title/opening."""
    year = ctx.shared.get("plan_year")
    if year is not None:
        return year or None
    doc = ctx.document
    for key in ("period_start", "issue_date", "period_end"):
        val = doc.get(key)
        if val:
            m = _YEAR.search(str(val))
            if m:
                ctx.shared["plan_year"] = int(m.group(1))
                return int(m.group(1))
    first = tree(ctx).first_section_start() or OPENING_CHARS
    head = _BASIS.search(ctx.text, 0, first, timeout=TIMEOUT)
    opening = ctx.text[: head.start() if head else first]
    counts = Counter(int(m.group(1)) for m in _YEAR.finditer(opening, timeout=TIMEOUT))
    if not counts:
        counts = Counter(int(m.group(1)) for m in _YEAR.finditer(ctx.text, timeout=TIMEOUT))
    found = counts.most_common(1)[0][0] if counts else 0
    ctx.shared["plan_year"] = found
    return found or None


# Phrase matching on lower-cased text (channels lexicon, recurrence cues): first words found
# with str.find, the following words compared in place, any short gap of spaces/punctuation
# between words. Much cheaper than one large case-insensitive alternation.
WORD = regex.compile(r"\w+")
GAP = regex.compile(r"[ \t\n,/&\-–]{1,4}")  # what may stand between two words of a phrase
PhraseIndex = dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first word -> (words, key)


def phrase_index(keys: list[str]) -> PhraseIndex:
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for key in keys:
        words = tuple(WORD.findall(key.lower()))
        if words:
            out.setdefault(words[0], []).append((words, key))
    return {k: tuple(sorted(v, key=lambda x: -len(x[0]))) for k, v in out.items()}


def lower(text: str) -> str:
    """Lower case with the same length (offsets unchanged)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_" or (c >= "\u0300" and unicodedata.category(c)[0] == "M")


def _phrase_end(low: str, pos: int, phrase: tuple[str, ...]) -> int:
    """End of `phrase` (words) starting at `pos` in `low`, or -1."""
    end = pos + len(phrase[0])
    n = len(low)
    for word in phrase[1:]:
        if end >= n:
            return -1
        c = low[end]
        if c == " ":
            if low.startswith(word, end + 1):
                end += 1 + len(word)
                continue
            if end + 1 < n and _is_word_char(low[end + 1]):
                return -1
        elif _is_word_char(c):
            return -1
        gap = GAP.match(low, end, timeout=TIMEOUT)
        if gap is None or not low.startswith(word, gap.end()):
            return -1
        end = gap.end() + len(word)
    if end < n and _is_word_char(low[end]):
        return -1
    return end


def match_phrases(low: str, index: PhraseIndex, overlapping: bool) -> list[tuple[int, int, str]]:
    """Phrase matches in lower-cased text: (start, end, phrase key), leftmost-longest; the
    first words are found with str.find, the rest compared word by word."""
    hits: list[tuple[int, int, str]] = []
    for first, phrases in index.items():
        pos = low.find(first)
        while pos >= 0:
            after = pos + len(first)
            if (pos == 0 or not _is_word_char(low[pos - 1])) and (
                after >= len(low) or not _is_word_char(low[after])
            ):
                for phrase, key in phrases:
                    end = _phrase_end(low, pos, phrase)
                    if end > 0:
                        hits.append((pos, end, key))
                        break
            pos = low.find(first, pos + 1)
    hits.sort(key=lambda h: (h[0], -h[1]))
    if overlapping:
        return hits
    out: list[tuple[int, int, str]] = []
    last = -1
    for h in hits:
        if h[0] >= last:
            out.append(h)
            last = h[1]
    return out


