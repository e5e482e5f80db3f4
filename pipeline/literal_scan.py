"""A whole-text scan found from literal words: the matches of a pattern that always starts
with one of a few literal words, without running the pattern at every position.

The `regex` engine tries a pattern led by a large alternation ("tỉnh|Tỉnh|TỈNH|thành phố|...")
at every position of the text; a scan for the leading words (`Words`) is much faster, and
the pattern then only runs where one of them starts. The matches are exactly those of
`pattern.finditer` (left to right, not overlapping), provided every match of the pattern
starts with one of the words (as written: the words are case-sensitive) and none is empty.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

import regex
from kehoach.normalize import TIMEOUT


def first_words(phrases: Iterable[str]) -> tuple[str, ...]:
    """The distinct first words of `phrases` (a phrase's words may be split by any
    whitespace in the text, so only its first word is a literal start)."""
    return tuple(sorted({p.split()[0] for p in phrases if p.split()}))


class Words:
    """Literal words (case-sensitive) found in a text by one scan of the stdlib engine: an
    alternation of plain literals, which it skips through much faster than the `regex`
    engine tries a pattern at every position, and than one `str.find` per word."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = tuple(sorted({w for w in words if w}, key=len, reverse=True))
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


def finditer(pattern: regex.Pattern[str], text: str, words: Words, pos: int = 0,
             endpos: int | None = None) -> list[regex.Match[str]]:
    """What `pattern.finditer(text, pos, endpos)` finds, when every match starts with one of
    `words` (see the module docstring)."""
    end = len(text) if endpos is None else endpos
    out = []
    last = pos
    for s in words.starts(text, pos, end):
        if s < last:
            continue  # inside the previous match
        m = pattern.match(text, s, end, timeout=TIMEOUT)
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
        m = pattern.match(text, s, end, timeout=TIMEOUT)
        if m is not None:
            out.append(m)
            last = max(m.end(), s + 1)
    return out


def search(pattern: regex.Pattern[str], text: str, starts: list[int], pos: int = 0) -> regex.Match[str] | None:
    """What `pattern.search(text, pos)` finds, given the sorted offsets `starts` where its
    matches may start (`Words.starts`)."""
    for s in starts[bisect_left(starts, pos):]:
        m = pattern.match(text, s, timeout=TIMEOUT)
        if m is not None:
            return m
    return None
