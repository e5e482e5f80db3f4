"""Building blocks for patterns compiled from rule tables."""

from __future__ import annotations

import regex


def alternation(words: list[str], space: str = r"\s+") -> str:
    """Regex alternation of literal `words`, longest first (so the longest phrase wins at a
    position), each space inside a phrase matching `space` (any run of whitespace by default:
    a phrase may be wrapped over two lines)."""
    return "|".join(
        regex.escape(w).replace(r"\ ", space) for w in sorted(set(words), key=len, reverse=True)
    )


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
    once backwards from `endpos` when the pattern allows it (else searched forwards)."""

    __slots__ = ("pattern", "reverse")

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.pattern = pattern
        self.reverse: regex.Pattern[str] | None = None
        if ends_anchored(pattern):
            try:
                self.reverse = regex.compile(pattern.pattern, pattern.flags | regex.REVERSE)
            except regex.error:  # pragma: no cover - a construct REVERSE does not take
                self.reverse = None

    def found(self, text: str, pos: int = 0, endpos: int | None = None,
              timeout: float | None = None) -> bool:
        end = len(text) if endpos is None else min(endpos, len(text))
        if self.reverse is None:
            return self.pattern.search(text, pos, end, timeout=timeout) is not None
        if self.reverse.match(text, pos, end, timeout=timeout) is not None:
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
    in_class = False
    i = 0
    last = ""
    while i < len(p):
        c = p[i]
        if c == "\\":
            last = p[i : i + 2]
            i += 2
            continue
        if in_class:
            if c == "[":
                return False  # a nested set (V1): not read here
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if p[i + 1 : i + 2] == "^":
                i += 1
            if p[i + 1 : i + 2] == "]":  # a "]" first in a class is a literal
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return False
        last = c
        i += 1
    return depth == 0 and not in_class and last == "$"
