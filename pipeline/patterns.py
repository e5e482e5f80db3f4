"""Building blocks for patterns compiled from rule tables, and the machinery that runs them
fast on document text: literal alternations, phrase tries (`phrase_index`, `match_phrases`),
per-branch alternations (`Branches`), cues right before a position (`EndCue`), patterns led by
literals (`Led`), whole-word positions (`word_starts`), patterns run only where one of their
leading words starts (`LeadWords`, `words_finditer`, `word_finditer`). Each gives what the
plain pattern gives (tests/test_patterns.py, tests/test_patterns_lead_words.py,
tests/test_bodies_equivalence.py).

Every `regex` call on document text carries the timeout (`kehoach.normalize.TIMEOUT`). The calls
made hundreds of times a document pass it by position, `pat.match(text, pos, end, None, False,
TIMEOUT)` (string, pos, endpos, concurrent, partial, timeout; `finditer` has `overlapped` after
endpos, `sub` is repl, string, count, pos, endpos, concurrent, timeout): the `regex` module parses
keyword arguments slowly, about 0.7 µs a call, as long as a short match takes."""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import string
import sys
import threading
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain
from pathlib import Path
from types import ModuleType
from typing import Any

import regex
from kehoach.normalize import TIMEOUT


def alternation(words: list[str], space: str = r"\s+") -> str:
    """Regex alternation of literal `words`, longest first (so the longest phrase wins at a
    position), each space inside a phrase matching `space` (any run of whitespace by default:
    a phrase may be wrapped over two lines)."""
    return "|".join(regex.escape(w).replace(r"\ ", space) for w in longest_first(words))


def longest_first(words: Iterable[str]) -> list[str]:
    """The distinct `words`, longest first, words of one length in code-point order: the
    pattern source built from them is the same in every process, whatever the order of a set
    they came from (string hashing differs between processes)."""
    return sorted(set(words), key=lambda w: (-len(w), w))


def fold_spaces(text: str) -> str:
    """Whitespace collapsed and case folded: the key under which lexicon phrases are compared."""
    return " ".join(text.split()).casefold()


# A cue right before a position ("trước ngày " before a date, "phối hợp với " before a body) is
# a pattern ending in "$", searched in a short window ending at that position: `search` tries
# the pattern at every start of the window. Every match ends at the window's end, so the
# pattern compiled backwards (regex.REVERSE) is tried once, from the end.
class EndCue:
    """A pattern every match of which ends at the end of the searched text ("...\\s*$").
    `found(text, pos, endpos)` is `pattern.search(text, pos, endpos) is not None`, tried
    once backwards from `endpos` when the pattern allows it (else searched forwards), and
    not at all when none of the literals every match starts with (`lead_literals`) is in
    the window: most windows hold no cue, and a call of the regex engine costs more than
    looking for a few words."""

    __slots__ = ("folded", "leads", "pattern", "reverse", "scan")

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.pattern = pattern
        found = lead_literals(pattern)
        self.leads: tuple[str, ...] | None = found[0] if found else None
        self.folded = bool(found and found[1])  # leads are lower case, looked up in lower case
        # the leading words and the spaces between them, else the leading literals alone
        self.scan = (lead_skeleton(pattern) or literal_scan(found[0], found[1])) if found else None
        self.reverse: regex.Pattern[str] | None = None
        if ends_anchored(pattern):
            try:
                self.reverse = regex.compile(pattern.pattern, pattern.flags | regex.REVERSE)
            except regex.error:  # pragma: no cover - a construct REVERSE does not take
                self.reverse = None

    def found(self, text: str, pos: int = 0, endpos: int | None = None,
              timeout: float | None = None) -> bool:
        end = len(text) if endpos is None else min(endpos, len(text))
        if self.scan is not None and self.scan.search(
                lower(text[pos:end]) if self.folded else text[pos:end]) is None:
            return False  # (every match starts with one of the leads, inside the window)
        if self.reverse is None:
            return self.pattern.search(text, pos, end, timeout=timeout) is not None
        if self.reverse.match(text, pos, end, None, False, timeout) is not None:
            return True
        # "$" also matches before a line break ending the text
        return end > pos and text[end - 1] == "\n" and self.reverse.match(
            text, pos, end - 1, timeout=timeout) is not None


def ends_anchored(pattern: regex.Pattern[str]) -> bool:
    """Whether every match of `pattern` ends at the end of the text: it ends with "$" outside
    any group, class or alternation, without MULTILINE or VERBOSE, and looks at no character
    after a match (no lookahead, no \\b: before a final line break, "$" matches too, and
    those would see the line break)."""
    if pattern.flags & (regex.MULTILINE | regex.VERBOSE | regex.REVERSE):
        return False
    p = pattern.pattern
    if "(?=" in p or "(?!" in p or "\\b" in p or "\\B" in p or "\\Z" in p or "\\z" in p:
        return False
    depth = 0
    last_i, last_c = -1, ""
    for i, c, depth in _scan(p):
        if i < 0:
            return False  # a nested set (V1) or an unclosed class: not read here
        if c == "|" and depth == 0:
            return False
        last_i, last_c = i, c
    return depth == 0 and last_c == "$" and last_i == len(p) - 1  # an unescaped "$" ends it


# A pattern whose matches all start with one of a few literals ("Báo", "cơ quan", "đơn vị"),
# behind a lookbehind or inside a case-insensitive group, gets no fast literal scan from the
# regex module: it is tried at every position. `Led` finds the literals with str.find and
# tries the pattern only there.
_META = set("\\.^$*+?{}[]|()")
_QUANTIFIERS = set("*+?{")
# A case-insensitive lead is looked up in the lower-cased text. The regex module also matches
# "s" with "ſ" and "i" with "İ" (mapped below); letters with other variants that str.lower()
# leaves apart (Greek "ς" for "σ", Cyrillic "ᲀ" for "в"...) are not used as leads.
_FOLD_MAP = {0x17F: "s", 0x130: "i"}
_FOLD_UNSAFE = set("σβθιεκμπρφвдостъѣꙋ") | {"\u1e61"}


class Led:
    """A compiled pattern with the literals one of which starts every match (None: no such
    literals read, the pattern is scanned as usual). `finditer` lists what
    `pattern.finditer` gives (with `overlapped`, a match at every start)."""

    __slots__ = ("folded", "leads", "pattern", "skeleton")

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.pattern = pattern
        found = lead_literals(pattern)
        self.leads: tuple[str, ...] | None = found[0] if found else None
        self.folded = bool(found and found[1])  # leads are lower case, looked up in lower case
        # what a match starts with beyond its first literal ("cơ\\s+quan"): tried first
        self.skeleton = lead_skeleton(pattern) if found else None

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None,
                 overlapped: bool = False, timeout: float | None = None) -> list[regex.Match[str]]:
        end = len(text) if endpos is None else min(endpos, len(text))
        if self.leads is None:
            return list(self.pattern.finditer(text, pos, end, overlapped=overlapped,
                                              timeout=timeout))
        if self.folded:
            hay, base = lower(text[pos:end]), pos
            if "ſ" in hay or "İ" in hay:
                hay = hay.translate(_FOLD_MAP)
        else:
            hay, base = text, 0
        starts: set[int] = set()
        for lead in self.leads:
            i = hay.find(lead, pos - base, end - base)
            while i >= 0:
                starts.add(i + base)
                i = hay.find(lead, i + 1, end - base)
        out: list[regex.Match[str]] = []
        last = pos
        match = self.pattern.match
        skeleton = self.skeleton.match if self.skeleton is not None else None
        for s in sorted(starts):
            if s < last or (skeleton is not None and skeleton(hay, s - base, end - base) is None):
                continue
            m = match(text, s, end, timeout=timeout)
            if m is not None:
                out.append(m)
                if not overlapped:
                    last = m.end()
        return out


def lead_literals(pattern: regex.Pattern[str]) -> tuple[tuple[str, ...], bool] | None:
    """The literals one of which starts every match of `pattern`, read from its beginning
    past lookbehinds, "(?:" / "(?i:" groups and alternations inside them, and whether they
    are to be compared in lower case; None when they cannot be read this way (a class, an
    escape such as \\s, a quantifier or a top-level alternation first)."""
    if pattern.flags & (regex.VERBOSE | regex.REVERSE | regex.FULLCASE):
        return None
    p = pattern.pattern
    if split_top(p) is None or len(split_top(p) or []) != 1:
        return None
    folded = [bool(pattern.flags & regex.IGNORECASE)]
    leads = _leads(p, folded)
    if not leads or any(not lead for lead in leads):
        return None
    if folded[0]:
        leads = {lead.lower() for lead in leads}
        if any(c in _FOLD_UNSAFE or len(c.lower()) != 1 for lead in leads for c in lead):
            return None
    return tuple(sorted(leads)), folded[0]


def _leads(p: str, folded: list[bool]) -> set[str] | None:
    """Literal prefixes of the alternatives of `p` (see `lead_literals`)."""
    i = 0
    while True:
        if p.startswith(("(?<!", "(?<="), i):
            close = _group_end(p, i)
            if close is None:
                return None
            i = close + 1
            continue
        for opener, fold in (("(?:", None), ("(?i:", True)):
            if p.startswith(opener, i):
                close = _group_end(p, i)
                if close is None or p[close + 1 : close + 2] in _QUANTIFIERS:
                    return None
                if fold:
                    folded[0] = True
                parts = split_top(p[i + len(opener) : close])
                if parts is None:
                    return None
                out: set[str] = set()
                for part in parts:
                    sub = _leads(part, folded)
                    if not sub or any(not s for s in sub):
                        return None
                    out |= sub
                return out
        break
    lit = []
    while i < len(p):
        c = p[i]
        if c == "\\":
            nxt = p[i + 1 : i + 2]
            if not nxt or nxt.isalnum():
                break  # \s, \d, \p{..}, \1 ...: not a literal
            if p[i + 2 : i + 3] in _QUANTIFIERS:
                break
            lit.append(nxt)
            i += 2
            continue
        if c in _META:
            break
        if p[i + 1 : i + 2] in _QUANTIFIERS:
            break
        if c.isspace():
            return None  # (VERBOSE is refused above; a space is literal, but keep it simple)
        lit.append(c)
        i += 1
    if p.startswith("(?", i) and not lit:
        return None  # another inline group or flag first: not read
    return {"".join(lit)}


def lead_skeleton(pattern: regex.Pattern[str]) -> re.Pattern[str] | None:
    """A stdlib pattern that matches, at the start of every match of `pattern`, the text
    there (lower-cased with `lower` when `lead_literals` says so): its leading literals and
    the whitespace runs between them ("(?i:(?<!x)(?:cơ\\s+quan|đơn\\s+vị)\\s+chủ)" ->
    "(?:cơ\\s+quan|đơn\\s+vị)"), read as `lead_literals` reads them; an "s" may also be
    "ſ" and an "i" "İ" in lower case, and the stdlib's \\s takes every space the regex
    module's does. None when there are no such literals (or the pattern uses VERSION1)."""
    found = lead_literals(pattern)
    if found is None or pattern.flags & regex.V1:
        return None
    tree = _skeleton(pattern.pattern)
    if tree is None or (found[1] and not _fold_safe(tree)):
        return None
    return re.compile(_render(tree, found[1]))


def _fold_safe(tree: list) -> bool:
    """Whether every literal of a skeleton compares in lower case as `lead_literals`
    requires of its literals."""
    for item in tree:
        if isinstance(item, list):
            if not all(_fold_safe(sub) for sub in item):
                return False
        elif item not in ("\\s+", "\\s*") and (item in _FOLD_UNSAFE or len(item.lower()) != 1
                                                or item.lower() in _FOLD_UNSAFE):
            return False
    return True


def _skeleton(p: str) -> list | None:
    """The leading part of `p` as a list of literal characters, whitespace runs ("\\s+",
    "\\s*") and alternations (lists of such lists), up to the first construct of another
    kind (see `lead_skeleton`)."""
    i = 0
    while p.startswith(("(?<!", "(?<="), i):
        close = _group_end(p, i)
        if close is None:
            return None
        i = close + 1
    for opener in ("(?:", "(?i:"):
        if p.startswith(opener, i):
            close = _group_end(p, i)
            parts = split_top(p[i + len(opener) : close]) if close is not None else None
            if parts is None or p[close + 1 : close + 2] in _QUANTIFIERS:
                return None
            subs = [_skeleton(part) for part in parts]
            return None if any(not sub for sub in subs) else [subs]
    out: list = []
    while i < len(p):
        c = p[i]
        if c == "\\":
            nxt = p[i + 1 : i + 2]
            if nxt == "s" and out and p[i + 2 : i + 3] in ("+", "*") and p[i + 3 : i + 4] not in _QUANTIFIERS:
                out.append("\\s" + p[i + 2])
                i += 3
                continue
            if not nxt or nxt.isalnum() or p[i + 2 : i + 3] in _QUANTIFIERS:
                break
            out.append(nxt)
            i += 2
            continue
        if c in _META or p[i + 1 : i + 2] in _QUANTIFIERS:
            break
        if c.isspace():
            return None
        out.append(c)
        i += 1
    return out or None


def _render(tree: list, folded: bool) -> str:
    out = []
    for item in tree:
        if isinstance(item, list):
            out.append("(?:" + "|".join(_render(sub, folded) for sub in item) + ")")
        elif item in ("\\s+", "\\s*"):
            out.append(item)
        elif folded:
            low = re.escape(item.lower())
            out.append({"s": "[sſ]", "i": "[iİ]"}.get(low, low))
        else:
            out.append(re.escape(item))
    return "".join(out)


def _scan(p: str, i: int = 0) -> Iterator[tuple[int, str, int]]:
    """(index, character, group depth after it) of the characters of regex source `p` from
    `i` that stand outside escapes and character classes; stops early (yields (-1, "", -1))
    at what it cannot read: a nested set."""
    depth = 0
    in_class = False
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "[":
                yield -1, "", -1
                return
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if p[i + 1 : i + 2] == "^":
                i += 1
            if p[i + 1 : i + 2] == "]":
                i += 1
        else:
            depth += (c == "(") - (c == ")")
            yield i, c, depth
        i += 1
    if in_class:
        yield -1, "", -1


def _group_end(p: str, i: int) -> int | None:
    """Index of the ")" closing the group opened at p[i]."""
    for j, c, depth in _scan(p, i):
        if j < 0:
            return None
        if c == ")" and depth == 0:
            return j
    return None


def split_top(p: str) -> list[str] | None:
    """`p` split at its top-level "|" (None if it cannot be read: nested sets, unbalanced)."""
    parts = []
    last = 0
    depth = 0
    for i, c, depth in _scan(p):
        if i < 0:
            return None
        if c == "|" and depth == 0:
            parts.append(p[last:i])
            last = i + 1
    if depth:
        return None
    parts.append(p[last:])
    return parts


def lower(text: str) -> str:
    """Lower case with the same length (offsets unchanged). The last long text lowered is
    kept: several extractors lower the same body of a document (channels, recurrences, the
    labelled fields of bodies) and then get the same string object back."""
    global _lowered
    if len(text) >= LOWER_KEPT:
        kept = _lowered
        if kept[0] == text:
            return kept[1]
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    if len(text) >= LOWER_KEPT:
        _lowered = (text, low)
    return low


LOWER_KEPT = 2000  # characters: shorter texts are lowered each time
_lowered: tuple[str, str] = ("", "")


def literal_scan(literals: tuple[str, ...], folded: bool) -> re.Pattern[str]:
    """A stdlib pattern finding one of `literals` (`lead_literals`) in text that is, when
    `folded`, lower-cased with `lower` first: there an "s" of a literal may also be "ſ" and
    an "i" "İ" (`lower` leaves them, the regex module matches them case-insensitively)."""
    def variants(lit: str) -> str:
        out = re.escape(lit)
        if folded:
            out = out.replace("s", "[sſ]").replace("i", "[iİ]")
        return out
    return re.compile("|".join(variants(lit) for lit in longest_first(literals)))


# Phrase matching on lower-cased text (channels lexicon, recurrence cues): whole words, any
# short gap of spaces/punctuation between words, leftmost-longest (most words). The phrases of
# a first word are one trie-shaped pattern led by that word (a fast literal scan of the regex engine).
WORD = regex.compile(r"\w+")
GAP_CHARS = r"[ \t\n,/\&\-–]"  # what may stand between two words of a phrase
GAP = regex.compile(GAP_CHARS + "{1,4}")


@cache
def word_class() -> str:
    """A regex class matching exactly the characters `is_word_char` accepts: letters, numbers,
    marks and "_" minus the code points the regex module knows but this Python's Unicode
    database leaves unassigned (newer Unicode versions)."""
    code_points = array("I", chain(range(0xD800), range(0xE000, sys.maxunicode + 1)))
    every = code_points.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")
    # the regex module's word characters, less those this Python calls letters, numbers or
    # "_" (the stdlib's \w: one C scan); what is left, mostly marks, is tested one by one
    words = regex.sub(r"[^\p{L}\p{N}\p{M}_]+", "", every, timeout=TIMEOUT)
    extra = [ord(c) for c in re.sub(r"\w+", "", words) if not is_word_char(c)]
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
        if all(is_word_char(c) for word in words for c in word):
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
            parts.append("()")
        return "(?:" + "|".join(parts) + ")"

    patterns = []
    for first, node in trie.items():
        ends: list[str] = []
        body = alt(node, ends)
        need = needs[first]
        # the word boundary once after the trie, not at every phrase end: when it fails after
        # a phrase, the engine backtracks into the trie to the next shorter phrase, as before
        # (compiling the large word class once per pattern instead of once per phrase)
        patterns.append((regex.compile(regex.escape(first) + body + f"(?!{w})", regex.V1), tuple(ends),
                         tuple(need) if need is not None else None))
    return PhraseIndex(tuple(patterns))


def is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_" or (c >= "\u0300" and unicodedata.category(c)[0] == "M")


PUNCTUATION = "".join(c for c in string.punctuation if c != "_")  # ASCII, never word characters
_PUNCTUATION_RUN = re.compile(f"[{re.escape(PUNCTUATION)}]+")
_WORD_RUN = regex.compile(r"[\p{L}\p{N}\p{M}_]+")


@lru_cache(maxsize=4)
def word_set(low: str) -> frozenset[str] | None:
    """Every maximal run of word characters (`is_word_char`) in `low`, from a whitespace split
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
            continue
        parts = _PUNCTUATION_RUN.split(core)  # "327/qđ-ubnd" -> "327", "qđ", "ubnd"
        if all(part.isalnum() for part in parts if part):
            words.update(part for part in parts if part)
        else:
            other.append(token)
    if other:
        for run in _WORD_RUN.findall(" ".join(other), timeout=TIMEOUT):
            if not run.isalnum() and not all(is_word_char(c) for c in run):
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
        for m in pattern.finditer(low, None, None, True, None, False, TIMEOUT):
            pos = m.start()
            if pos == 0 or not is_word_char(low[pos - 1]):
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
            for m in pat.finditer(text, start, end, True, None, False, TIMEOUT):
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
    ordered = longest_first(phrases)  # the order of `alternation`
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


# Whole words found with str.find (the first words of the bodies gazetteer: where its pattern is tried).
@lru_cache(maxsize=8)
def _anchor_groups(anchors: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Anchors starting with the same capital letter, searched as one ("T": "Thành", "Thị",
    "Tỉnh", ...); the others alone."""
    groups: dict[str, list[str]] = {}
    for a in anchors:
        groups.setdefault(a[0] if a[0].isupper() else a, []).append(a)
    return tuple((key, tuple(v)) for key, v in groups.items())


GROUP_HITS = 20  # hits per anchor of a group before its anchors are searched one by one


@lru_cache(maxsize=8)
def _capital_scan(anchors: tuple[str, ...]) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """For `word_starts`: a stdlib pattern of the capitalised anchors, grouped by first
    letter ("B(?:an|áo|ộ)|C(?:ục|ơ)|..."), not followed by a word character, and the other
    anchors; None when an anchor has a character other than a letter, a digit or "_" (the
    stdlib's \\w, which leaves out the marks `is_word_char` counts)."""
    if not anchors or not all(c.isalnum() or c == "_" for a in anchors for c in a):
        return None
    by_first: dict[str, list[str]] = {}
    for a in anchors:
        if a[0].isupper():
            by_first.setdefault(a[0], []).append(a[1:])
    groups = [re.escape(first) + "(?:" + "|".join(map(re.escape, longest_first(rests))) + ")"
              for first, rests in sorted(by_first.items())]
    scan = re.compile(f"(?:{'|'.join(groups)})(?!\\w)" if groups else r"(?!)")
    return scan, tuple(a for a in anchors if not a[0].isupper())


def word_starts(text: str, start: int, end: int, anchors: tuple[str, ...]) -> list[int]:
    """Offsets where an anchor word starts (whole word). The capitalised anchors: one stdlib
    scan of their alternation (a capital is rare in running text, so few positions get past
    the first letter); the others found with str.find.

    A match of the scan is a run of word characters not followed by one the stdlib's \\w
    knows; no whole word starts inside it (the character before would be a word
    character), and at a position only one anchor can be a whole word, so the scan finds
    every whole-word anchor; each is then checked with `is_word_char` on both sides (marks
    included), as the search one anchor at a time does."""
    found = _capital_scan(anchors)
    if found is None:
        return _word_starts_by_find(text, start, end, anchors)
    scan, others = found
    out: list[int] = []
    is_word = is_word_char
    n = len(text)
    for m in scan.finditer(text, start, end):
        s, after = m.span()
        if (s == 0 or not is_word(text[s - 1])) and (after >= n or not is_word(text[after])):
            out.append(s)
    for a in others:
        _whole_words(text, a, start, end, out)
    out.sort()
    return out


def _whole_words(text: str, word: str, start: int, end: int, out: list[int]) -> None:
    """Append to `out` every offset in text[start:end] where `word` stands as a whole word."""
    is_word = is_word_char
    n, size = len(text), len(word)
    pos = text.find(word, start, end)
    while pos >= 0:
        after = pos + size
        if (pos == 0 or not is_word(text[pos - 1])) and (after >= n or not is_word(text[after])):
            out.append(pos)
        pos = text.find(word, pos + 1, end)


def _word_starts_by_find(text: str, start: int, end: int, anchors: tuple[str, ...]) -> list[int]:
    """`word_starts` with str.find only: one search for the anchors sharing a capital
    letter, unless that letter is frequent (text in capitals), then one search per
    anchor."""
    out: list[int] = []
    is_word = is_word_char
    n = len(text)
    for key, group in _anchor_groups(anchors):
        if len(group) > 1:
            found = []
            budget = GROUP_HITS * len(group)
            pos = text.find(key, start, end)
            while pos >= 0 and budget:
                budget -= 1
                if pos == 0 or not is_word(text[pos - 1]):
                    for a in group:
                        after = pos + len(a)
                        if after <= end and text.startswith(a, pos) and (
                                after >= n or not is_word(text[after])):
                            found.append(pos)
                            break
                pos = text.find(key, pos + 1, end)
            if pos < 0:
                out += found
                continue
        for a in group:
            _whole_words(text, a, start, end, out)
    out.sort()
    return out


@lru_cache(maxsize=8)
def _anchors_by_first(anchors: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for a in anchors:
        out.setdefault(a[0], []).append(a)
    return {k: tuple(v) for k, v in out.items()}


def word_starts_at(text: str, pos: int, end: int, anchors: tuple[str, ...]) -> bool:
    """Whether one of `anchors` starts at `pos` (whole word, ending by `end`): the test
    `word_starts` makes at one position."""
    if pos and is_word_char(text[pos - 1]):
        return False
    n = len(text)
    for a in _anchors_by_first(anchors).get(text[pos], ()):
        after = pos + len(a)
        if after <= end and text.startswith(a, pos) and (
                after >= n or not is_word_char(text[after])):
            return True
    return False


# ------------------------------------------------------------------------------------------
# Literal prefilters by leading words (kehoach.patterns: LeadWords, words_finditer, words_search,
# word_finditer).
# A whole-text scan found from literal words: the matches of a pattern that always starts
# with one of a few literal words, without running the pattern at every position.
#
# The `regex` engine tries a pattern led by a large alternation ("tỉnh|Tỉnh|TỈNH|thành phố|...")
# at every position of the text; a scan for the leading words (`LeadWords`) is much faster, and
# the pattern then only runs where one of them starts. The matches are exactly those of
# `pattern.finditer` (left to right, not overlapping), provided every match of the pattern
# starts with one of the words (as written: the words are case-sensitive) and none is empty.


def first_words(phrases: Iterable[str]) -> tuple[str, ...]:
    """The distinct first words of `phrases` (a phrase's words may be split by any
    whitespace in the text, so only its first word is a literal start)."""
    return tuple(sorted({p.split()[0] for p in phrases if p.split()}))


class LeadWords:
    """Literal words (case-sensitive) found in a text by one scan of the stdlib engine: an
    alternation of plain literals, which it skips through much faster than the `regex`
    engine tries a pattern at every position, and than one `str.find` per word."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(longest_first(w for w in words if w))
        self._re = re.compile("|".join(map(re.escape, self.words))) if self.words else None

    def starts(self, text: str, pos: int = 0, endpos: int | None = None) -> list[int]:
        """Sorted offsets in text[pos:endpos] where one of the words starts (a word inside
        another one found too)."""
        if self._re is None:
            return []
        end = len(text) if endpos is None else endpos
        out = []
        search = self._re.search
        m = search(text, pos, end)
        while m is not None:
            out.append(m.start())
            m = search(text, m.start() + 1, end)
        return out


def words_finditer(pattern: regex.Pattern[str], text: str, words: LeadWords, pos: int = 0,
             endpos: int | None = None) -> list[regex.Match[str]]:
    """What `pattern.finditer(text, pos, endpos)` finds, when every match starts with one of
    `words` (see the module docstring)."""
    end = len(text) if endpos is None else endpos
    out = []
    last = pos
    for s in words.starts(text, pos, end):
        if s < last:
            continue  # inside the previous match
        m = pattern.match(text, s, end, None, False, TIMEOUT)
        if m is not None:
            out.append(m)
            last = max(m.end(), s + 1)
    return out


# a capitalised word at a word start: where a body, a place or a title may begin
CAPITALISED = regex.compile(r"(?<![\p{L}\d])\p{Lu}\p{L}*")
_LETTERS = regex.compile(r"\p{L}*")


def first_word_key(phrase: str) -> str:
    """The key `word_finditer` compares: the letters the phrase starts with, case folded
    ("BCĐ389 tỉnh" -> "bcđ")."""
    m = _LETTERS.match(phrase.lstrip())
    return m.group().casefold() if m else ""


def word_finditer(pattern: regex.Pattern[str], text: str, keys: frozenset[str],
                  words: regex.Pattern[str] = CAPITALISED, pos: int = 0,
                  endpos: int | None = None) -> list[regex.Match[str]]:
    """What `pattern.finditer(text, pos, endpos)` finds, for a large case-insensitive
    pattern whose every match starts where a match of `words` (a letter run) starts, with
    that letter run, case folded, in `keys` (the `first_word_key`s of its phrases; each
    phrase's first word is followed by a non-letter, as a phrase of words is). The pattern
    then only runs at those words, not at every capitalised word."""
    end = len(text) if endpos is None else endpos
    out = []
    last = pos
    for w in words.finditer(text, pos, end, timeout=TIMEOUT):
        s = w.start()
        if s < last:
            continue  # inside the previous match
        run = w.group()
        key = run.casefold()
        if key not in keys and len(key) == len(run):  # (a longer fold: let the pattern say)
            continue
        m = pattern.match(text, s, end, None, False, TIMEOUT)
        if m is not None:
            out.append(m)
            last = max(m.end(), s + 1)
    return out


def words_search(pattern: regex.Pattern[str], text: str, starts: list[int], pos: int = 0) -> regex.Match[str] | None:
    """What `pattern.search(text, pos)` finds, given the sorted offsets `starts` where its
    matches may start (`LeadWords.starts`)."""
    for s in starts[bisect_left(starts, pos):]:
        m = pattern.match(text, s, None, None, False, TIMEOUT)
        if m is not None:
            return m
    return None


# ------------------------------------------------------------------------------------------
# Compiled regex code kept between processes (`code_cache`).
#
# The regex module parses a pattern and generates its code in pure Python: for the rules'
# large alternations that is most of a process's start-up (about 2 s of compiling before the
# first document). The code it hands to its C engine (`_regex.compile`) depends only on the
# pattern source, the flags, the default version and the regex module itself, so it is kept
# in a file under the user's cache folder, keyed by those: a later process builds the same
# pattern object from it in microseconds. A rules change changes the source of the patterns
# built from it (new keys); a new regex module or Python is a new file. Patterns with named
# lists, LOCALE or DEBUG are compiled as usual. When the regex module is not the one this was
# written against (its private `_compile` differs), nothing is kept.

CODE_CACHE_ENV = "KEHOACH_REGEX_CACHE"  # a file to use instead, or "off"
_CODE_ARGS = 11  # the arguments of _regex.compile
# code of patterns the saving process did not compile, kept besides its own (the newest
# first): other profiles and rules, the patterns other workers compiled at document time
OTHER_CODE_BYTES = 8 << 20


def code_cache_path() -> Path | None:
    """The file of kept regex code for this Python and regex module (None: turned off)."""
    setting = os.environ.get(CODE_CACHE_ENV)
    if setting is not None:
        return None if setting.strip().lower() in ("", "0", "off", "no", "false") else Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kehoach" / f"regex-code-{_code_fingerprint()}.marshal"


@cache
def _code_fingerprint() -> str:
    """What the generated code depends on besides the pattern: Python, marshal and the regex
    module's files."""
    import hashlib

    main = sys.modules["regex._main"]
    parts = [sys.version, str(marshal.version), str(getattr(regex, "__version__", ""))]
    for module in (main, getattr(main, "_regex_core", None), getattr(main, "_regex", None)):
        path = getattr(module, "__file__", None) or ""
        try:
            st = os.stat(path)
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(path)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _hookable(main: ModuleType) -> bool:
    compile_ = getattr(main, "_compile", None)
    code = getattr(compile_, "__code__", None)
    return (code is not None
            and code.co_varnames[:5] == ("pattern", "flags", "ignore_unused", "kwargs", "cache_it")
            and callable(getattr(getattr(main, "_regex", None), "compile", None))
            and all(isinstance(getattr(main, n, None), dict)
                    for n in ("_cache", "_named_args", "_locale_sensitive")))


def _load_code(path: Path) -> dict[tuple[str, int, int], tuple]:
    """The kept code in `path` ({} when missing, damaged or not ours)."""
    import hashlib

    try:
        data = path.read_bytes()
    except OSError:
        return {}
    digest, payload = data[:32], data[32:]
    if len(data) < 32 or hashlib.sha256(payload).digest() != digest:
        return {}
    try:
        store = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(store, dict):
        return {}
    return {k: v for k, v in store.items()
            if isinstance(k, tuple) and len(k) == 3 and isinstance(v, tuple) and len(v) == _CODE_ARGS}


def _save_code(path: Path, store: dict[tuple[str, int, int], tuple]) -> None:
    """Write `store` to `path` in one step (a reader sees the old file or the new one)."""
    import hashlib
    import tempfile
    import time

    try:
        payload = marshal.dumps(store)
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob(f"{path.name}*.tmp"):  # left by a process killed while saving
            with contextlib.suppress(OSError):
                if time.time() - old.stat().st_mtime > 600:
                    old.unlink()
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, ValueError):
        pass  # a cache: a folder that cannot be written only costs the next start-up


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _merged(path: Path, used: dict[tuple[str, int, int], tuple],
            loaded: tuple[tuple[int, int] | None, dict[tuple[str, int, int], tuple]] | None = None,
            ) -> dict[tuple[str, int, int], tuple]:
    """`used` after the entries of the file as it is now that are not in it, the newest
    first, within OTHER_CODE_BYTES (or the size of `used`, if larger): patterns built in
    another order each time (from a set) do not make the file grow for ever."""
    # the file as read on the way in, unless another process has written it since
    current = loaded[1] if loaded is not None and loaded[0] == _stamp(path) else _load_code(path)
    budget = max(OTHER_CODE_BYTES, sum(len(marshal.dumps(v)) for v in used.values()))
    kept: list[tuple[str, int, int]] = []
    for key in reversed(list(current)):  # written oldest first
        if key in used:
            continue
        size = len(marshal.dumps(current[key])) + len(key[0])
        if size > budget:
            break
        budget -= size
        kept.append(key)
    out = {key: current[key] for key in reversed(kept)}
    out.update(used)
    return out


class _Recorder:
    """Stands for the C module while one pattern compiles: keeps what `_regex.compile` gets."""

    def __init__(self, real: Any, calls: list[tuple]) -> None:
        self._real = real
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def compile(self, *args: Any) -> Any:
        self._calls.append(args)
        return self._real.compile(*args)


def _plain(value: Any) -> Any:
    """`value` with flags (IntFlag) as plain ints, for marshal."""
    if isinstance(value, bool) or value is None or isinstance(value, str | bytes | float):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, list):
        if all(type(v) is int for v in value):  # the code itself: a long list of ints
            return value
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, frozenset):
        return frozenset(_plain(v) for v in value)
    raise ValueError(f"not kept: {type(value).__name__}")


_code_lock = threading.Lock()


@contextlib.contextmanager
def code_cache(path: Path | bool | None = True) -> Iterator[None]:
    """While inside, patterns the regex module compiles reuse the code kept in `path` (True:
    `code_cache_path()`; None or False: no cache) by an earlier process, and the code of the
    others is added to it on the way out. The patterns are those the regex module would
    give."""
    if path is True:
        path = code_cache_path()
    main = sys.modules["regex._main"]
    if not path or not _hookable(main) or not _code_lock.acquire(blocking=False):
        yield  # turned off, another regex module, or already inside
        return
    try:
        stamp = _stamp(path)
        store = _load_code(path)
        used: dict[tuple[str, int, int], tuple] = {}
        added = 0
        real_compile, real_c = main._compile, main._regex
        skip = int(regex.DEBUG | regex.LOCALE)

        def compile_(pattern: Any, flags: Any, ignore_unused: Any, kwargs: Any, cache_it: Any) -> Any:
            nonlocal added
            if kwargs or type(pattern) is not str or int(flags) & skip:
                return real_compile(pattern, flags, ignore_unused, kwargs, cache_it)
            version = int(getattr(regex, "DEFAULT_VERSION", 0))
            cache_key = (pattern, str, flags, frozenset(), version, None)
            if cache_it and main._locale_sensitive.get((str, pattern)) is False:
                found = main._cache.get(cache_key)
                if found is not None:
                    return found
            key = (pattern, int(flags), version)
            args = store.get(key)
            compiled = None
            if args is not None:
                try:
                    compiled = real_c.compile(*args)
                except Exception:  # damaged entry: compiled as usual below
                    compiled = None
            if compiled is None:
                calls: list[tuple] = []
                main._regex = _Recorder(real_c, calls)
                try:
                    compiled = real_compile(pattern, flags, ignore_unused, kwargs, cache_it)
                finally:
                    main._regex = real_c
                if len(calls) != 1 or calls[0][0] != pattern or int(calls[0][1]) & int(regex.LOCALE):
                    return compiled  # (another thread compiled meanwhile, or locale-bound)
                try:
                    args = _plain(calls[0])
                except ValueError:
                    return compiled
                added += 1
            elif cache_it:  # what the regex module itself keeps for its module functions
                with main._cache_lock:
                    if len(main._cache) >= getattr(main, "_MAXCACHE", 500):
                        main._shrink_cache(main._cache, main._named_args, main._locale_sensitive,
                                           getattr(main, "_MAXCACHE", 500))
                    main._cache[cache_key] = compiled
                    main._named_args[(pattern, str, flags)] = frozenset()
                    main._locale_sensitive[(str, pattern)] = False
            used[key] = args
            return compiled

        main._compile = compile_
        try:
            yield
        finally:
            main._compile = real_compile
            if added:  # what this process compiled, and within bounds what others did
                with contextlib.suppress(ValueError):
                    _save_code(path, _merged(path, used, (stamp, store)))
    finally:
        _code_lock.release()
