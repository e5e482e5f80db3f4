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

    __slots__ = ("folded", "leads", "pattern")

    def __init__(self, pattern: regex.Pattern[str]) -> None:
        self.pattern = pattern
        found = lead_literals(pattern)
        self.leads: tuple[str, ...] | None = found[0] if found else None
        self.folded = bool(found and found[1])  # leads are lower case, looked up in lower case

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
        for s in sorted(starts):
            if s < last:
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
    if _split_top(p) is None or len(_split_top(p) or []) != 1:
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
                parts = _split_top(p[i + len(opener) : close])
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


def _group_end(p: str, i: int) -> int | None:
    """Index of the ")" closing the group opened at p[i]."""
    depth = 0
    in_class = False
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "[":
                return None
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if p[i + 1 : i + 2] == "^":
                i += 1
            if p[i + 1 : i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _split_top(p: str) -> list[str] | None:
    """`p` split at its top-level "|" (None if it cannot be read: nested sets, unbalanced)."""
    parts = []
    depth = 0
    in_class = False
    last = 0
    i = 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "[":
                return None
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
            if p[i + 1 : i + 2] == "^":
                i += 1
            if p[i + 1 : i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(p[last:i])
            last = i + 1
        i += 1
    if depth or in_class:
        return None
    parts.append(p[last:])
    return parts


def lower(text: str) -> str:
    """Lower case with the same length (offsets unchanged)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low
