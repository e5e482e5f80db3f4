"""Helpers shared by the assignment extractors (channels, bodies, deadlines)."""

from __future__ import annotations

import string
import sys
import unicodedata
from array import array
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain
from typing import Any

import regex
from kehoach.context import DocContext
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.rules import load_yaml
from kehoach.segment import sections

TASK_MAX = 400  # a bullet longer than this is cut to its sentence (underthesea split)
OPENING_CHARS = 1500
_YEAR = regex.compile(r"(?<!\d)(20\d\d)(?!\d)")
# first line of the legal basis: the title and date line come before it
@cache
def basis_line() -> regex.Pattern[str]:
    """A line opening the legal basis: the cues of models/instruments.yaml."""
    cues = "|".join(regex.escape(c) for c in sorted(load_yaml("instruments.yaml")["basis_cues"], key=len,
                                                     reverse=True))
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
    head = basis_line().search(ctx.text, 0, first, timeout=TIMEOUT)
    opening = ctx.text[: head.start() if head else first]
    counts = Counter(int(m.group(1)) for m in _YEAR.finditer(opening, timeout=TIMEOUT))
    if not counts:
        counts = Counter(int(m.group(1)) for m in _YEAR.finditer(ctx.text, timeout=TIMEOUT))
    found = counts.most_common(1)[0][0] if counts else 0
    ctx.plan_year = found
    return found or None


# Phrase matching on lower-cased text (channels lexicon, recurrence cues): whole words, any
# short gap of spaces/punctuation between words, leftmost-longest (most words). The phrases of
# a first word are one trie-shaped pattern led by that word (a fast literal scan of the regex engine).
WORD = regex.compile(r"\w+")
GAP_CHARS = r"[ \t\n,/\&\-–]"  # what may stand between two words of a phrase
GAP = regex.compile(GAP_CHARS + "{1,4}")


@cache
def word_class() -> str:
    """A regex class matching exactly the characters `_is_word_char` accepts: letters, numbers,
    marks and "_" minus the code points the regex module knows but this Python's Unicode
    database leaves unassigned (newer Unicode versions)."""
    code_points = array("I", chain(range(0xD800), range(0xE000, sys.maxunicode + 1)))
    every = code_points.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")
    extra: list[int] = []
    for m in regex.finditer(r"[\p{L}\p{N}_]+|\p{M}+", every, timeout=TIMEOUT):
        run = m.group()
        if not run.replace("_", "a").isalnum():
            extra += [ord(c) for c in run if not _is_word_char(c)]
    ranges: list[list[int]] = []
    for cp in extra:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    if not ranges:
        return r"[\p{L}\p{N}\p{M}_]"
    minus = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return rf"[[\p{{L}}\p{{N}}\p{{M}}_]--[{minus}]]"


@dataclass(frozen=True)
class PhraseIndex:
    # one pattern per first word: the first word, then the trie of the phrases' other words;
    # group i (1-based) of a pattern ends phrase keys[i-1] of that pattern; the words of each
    # phrase (None: a word is not a plain run of word characters, never skip the pattern)
    patterns: tuple[tuple[regex.Pattern[str], tuple[str, ...],
                          tuple[frozenset[str], ...] | None], ...]


def phrase_index(keys: list[str]) -> PhraseIndex:
    """Phrases as word tries by first word: at a node the longer phrases are tried first, then
    the phrase ending there (the first key with those words)."""
    trie: dict = {}
    needs: dict[str, list[frozenset[str]] | None] = {}
    for key in keys:
        words = tuple(WORD.findall(key.lower()))
        if not words:
            continue
        if all(_is_word_char(c) for word in words for c in word):
            if needs.get(words[0], []) is not None:
                needs.setdefault(words[0], []).append(frozenset(words))  # type: ignore[union-attr]
        else:
            needs[words[0]] = None
        node = trie
        for w in words:
            node = node.setdefault(w, {})
        node.setdefault("", key)  # "" never is a word: marks a phrase end
    w = word_class()

    def alt(node: dict, ends: list[str]) -> str:
        parts = [f"{GAP_CHARS}{{1,4}}{regex.escape(word)}{alt(child, ends)}"
                 for word, child in node.items() if word]
        if "" in node:
            ends.append(node[""])
            parts.append(f"(?!{w})()")
        return "(?:" + "|".join(parts) + ")"

    patterns = []
    for first, node in trie.items():
        ends: list[str] = []
        body = alt(node, ends)
        need = needs[first]
        patterns.append((regex.compile(regex.escape(first) + body, regex.V1), tuple(ends),
                         tuple(need) if need is not None else None))
    return PhraseIndex(tuple(patterns))


def lower(text: str) -> str:
    """Lower case with the same length (offsets unchanged)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_" or (c >= "\u0300" and unicodedata.category(c)[0] == "M")


PUNCTUATION = "".join(c for c in string.punctuation if c != "_")  # ASCII, never word characters


@lru_cache(maxsize=4)
def word_set(low: str) -> frozenset[str] | None:
    """Every maximal run of word characters (`_is_word_char`) in `low`, from a whitespace split
    (cheap); None if the runs cannot be told apart this way (then no phrase is skipped)."""
    words: set[str] = set()
    other = []
    for token in set(low.split()):
        if token.isalnum():
            words.add(token)
            continue
        core = token.strip(PUNCTUATION)  # "(abc)," -> "abc": one run of word characters
        if core.isalnum():
            words.add(core)
        else:
            other.append(token)
    if other:
        for run in regex.findall(r"[\p{L}\p{N}\p{M}_]+", " ".join(other), timeout=TIMEOUT):
            if not run.isalnum() and not all(_is_word_char(c) for c in run):
                return None
            words.add(run)
    return frozenset(words)


def match_phrases(low: str, index: PhraseIndex, overlapping: bool) -> list[tuple[int, int, str]]:
    """Phrase matches in lower-cased text: (start, end, phrase key), leftmost-longest; with
    `overlapping`, the match at every start position."""
    hits: list[tuple[int, int, str]] = []
    present = word_set(low)
    for pattern, keys, needs in index.patterns:
        if present is not None and needs is not None and not any(
                n <= present for n in needs):
            continue  # some word of every phrase is missing from the text
        for m in pattern.finditer(low, overlapped=True, timeout=TIMEOUT):
            pos = m.start()
            if pos == 0 or not _is_word_char(low[pos - 1]):
                hits.append((pos, m.end(), keys[m.lastindex - 1]))
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


# An alternation of literal phrases ("(?i:trước\s+năm|hoàn\s+thành\s+trong\s+năm|...)") makes
# the regex module try every branch at every position; a pattern led by one phrase is found by
# a fast literal scan instead. `Branches` runs PRE(?:A1|...|An)POST as one pattern per branch.
@dataclass(frozen=True)
class Branches:
    patterns: tuple[regex.Pattern[str], ...]  # PRE A_k POST, in the alternation's order
    whole: str  # PRE(?:A1|...|An)POST, compiled only if a branch can match empty text

    def finditer(self, text: str, start: int, end: int) -> list[regex.Match[str]]:
        """The matches `regex.compile(whole).finditer(text, start, end)` gives: at each
        position from the end of the last match, the first branch matching there. Every
        branch's match at every position (overlapped) is collected, then the leftmost
        non-overlapping ones are kept, the earlier branch winning at a position."""
        found: list[tuple[int, int, regex.Match[str]]] = []
        for k, pat in enumerate(self.patterns):
            for m in pat.finditer(text, start, end, overlapped=True, timeout=TIMEOUT):
                if m.end() == m.start():
                    return list(_compiled(self.whole).finditer(text, start, end, timeout=TIMEOUT))
                found.append((m.start(), k, m))
        found.sort(key=lambda f: (f[0], f[1]))
        out: list[regex.Match[str]] = []
        last = start
        for s, _k, m in found:
            if s >= last:
                out.append(m)
                last = m.end()
        return out


@cache
def _compiled(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


def branches(pre: str, alternatives: list[str], post: str) -> Branches:
    """`Branches` of PRE(?:A1|...|An)POST; each alternative is a regex, `pre` and `post` are
    the same for all (group names in them are kept in every branch)."""
    return Branches(tuple(regex.compile(f"{pre}(?:{a}){post}") for a in alternatives),
                    f"{pre}(?:{'|'.join(alternatives)}){post}")


def phrase_branches(pre: str, phrases: list[str], post: str) -> Branches:
    """`Branches` of PRE(?i:alternation(phrases))POST (longest phrase first, any whitespace
    between words). Phrases with the same first word share one pattern led by that word
    ("hoàn thành trong năm", "hoàn thành năm": `(?i:hoàn)(?:...)`), in the same order, when no
    other first word can match at the same place (else one pattern per phrase)."""
    ordered = sorted(set(phrases), key=len, reverse=True)  # the order of `alternation`
    whole = [f"(?i:{alternation([p])})" for p in ordered]
    firsts = {p.split(" ", 1)[0] for p in ordered}
    if not _exclusive(firsts):
        return branches(pre, whole, post)
    groups: dict[str, list[str]] = {}
    for p in ordered:
        first, _, rest = p.partition(" ")
        groups.setdefault(first, []).append(rf"(?i:\s+{alternation([rest])})" if rest else "")
    patterns = tuple(
        regex.compile(f"{pre}(?i:{alternation([first])})(?:{'|'.join(rests)}){post}")
        for first, rests in sorted(groups.items(), key=lambda g: len(g[0]))
    )
    return Branches(patterns, f"{pre}(?:{'|'.join(whole)}){post}")


def _exclusive(words: set[str]) -> bool:
    """No word matches (case-insensitively) the beginning of another: two of them never
    both match at one position."""
    for a in words:
        pat = regex.compile(f"(?i:{alternation([a])})")
        for b in words:
            if a != b and len(a) <= len(b) and pat.fullmatch(b[: len(a)]):
                return False
    return True
