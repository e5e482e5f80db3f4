"""Lines and cells of the normalized text, with offsets.

Headers and signature blocks are two-column layouts; text exports keep the columns on one
line separated by a tab (markdown tables: normalize.py turns `|` into tabs) or by a run of
spaces, or interleave them line by line. A *cell* is one column's piece of one line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex
from kehoach.normalize import TIMEOUT
from kehoach.rules import per_rules


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


@per_rules
def _cell_re() -> regex.Pattern[str]:
    # a cell: words joined by one or two spaces, up to a tab, 3+ spaces or the line end
    return regex.compile(r"[^\t\n ]+(?: {1,2}[^\t\n ]+)*")


def cells(text: str, start: int = 0, end: int | None = None) -> list[Cell]:
    """Cells of text[start:end], in reading order (line by line, left to right)."""
    return list(iter_cells(text, start, end))


def iter_cells(text: str, start: int = 0, end: int | None = None) -> Iterator[Cell]:
    """`cells`, one at a time: a reader that stops at the cell it looks for reads no
    further (one search per cell, each with its own timeout)."""
    end = len(text) if end is None else end
    search = _cell_re().search
    line = 0
    last = start
    pos = start
    while (m := search(text, pos, end, timeout=TIMEOUT)) is not None:
        line += text.count("\n", last, m.start())
        last = m.start()
        pos = m.end()
        yield Cell(m.start(), m.end(), m.group(), line)


def at_cell_start(text: str, pos: int) -> bool:
    """Only spaces since the line start, or a column break (a tab, maybe padded with spaces as
    a markdown cell is: "\t KT. CHỦ TỊCH"; 3+ spaces) right before."""
    line_start = text.rfind("\n", 0, pos) + 1
    before = text[line_start:pos]
    return not before.strip() or before.endswith("   ") or before.rstrip(" ").endswith("\t")


def collapse(s: str) -> str:
    return " ".join(s.split())


@per_rules
def _syllables() -> frozenset[str]:
    """Syllables of the words a header is made of (bodies, units, provinces, type words,
    signer titles), case folded: the lexicon OCR runs are split with."""
    from kehoach.extract.grammar.bodies import grammar as body_grammar
    from kehoach.rules import load_csv, load_yaml

    words = body_grammar().names.words()
    meta = load_yaml("metadata.yaml")
    words += meta["doc_types"] + list(meta["signer_titles"]) + meta["header_mottos"]
    for row in load_csv("admin_units.csv"):  # unit words and place names
        words += [row["name"], *filter(None, row["aliases"].split(";"))]
    out = set()
    for w in words:
        for s in regex.split(r"[^\p{L}]+", w):
            if len(s) > 1 or s.casefold() in {"y"}:
                out.add(s.casefold())
    return frozenset(out)


_RUN = regex.compile(r"\p{L}{6,}")


def _vowels() -> str:
    """Every vowel letter of Vietnamese, with each tone mark (NFC), lower case."""
    import unicodedata

    tones = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
    return "".join(sorted({unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in tones}))


# One syllable of Vietnamese, case folded: an initial consonant, one to three vowels, a final
# consonant. A run of capitals that is one ("KHƯƠNG", "NGHIÊNG") is a word OCR did not glue.
_SYLLABLE = regex.compile(
    rf"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?[{_vowels()}]{{1,3}}(?:ch|ng|nh|[cmnpt])?")


def _split_run(run: str, lexicon: frozenset[str]) -> str | None:
    """`run` split into lexicon syllables ("ỦYBANNHÂNDÂN" -> "ỦY BAN NHÂN DÂN"), the split
    with the fewest pieces; None when it cannot be split entirely."""
    key = run.casefold()
    if len(key) != len(run):
        return None
    n = len(key)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (pieces, previous cut)
    best[0] = (0, 0)
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, min(n, i + 8) + 1):
            if key[i:j] in lexicon:
                cand = (best[i][0] + 1, i)  # type: ignore[index]
                if best[j] is None or cand[0] < best[j][0]:  # type: ignore[index]
                    best[j] = cand
    if best[n] is None or best[n][0] < 2:  # type: ignore[index]
        return None
    cuts = []
    j = n
    while j > 0:
        i = best[j][1]  # type: ignore[index]
        cuts.append(run[i:j])
        j = i
    return " ".join(reversed(cuts))


def respace(text: str) -> str:
    """Spaces an OCR lost restored in the upper-case runs of a header line ("ỦYBANNHÂNDÂN
    TỈNHQUẢNGNGÃI" -> "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"), with the syllables of the header
    tables; runs that are no sequence of known syllables stay as they are."""
    if not _RUN.search(text, timeout=TIMEOUT):
        return text
    lexicon = _syllables()

    def fix(m: regex.Match[str]) -> str:
        run = m.group()
        if not run.isupper() or run.casefold() in lexicon or _SYLLABLE.fullmatch(run.casefold()):
            return run  # a word of the tables, or one Vietnamese syllable ("KHƯƠNG"): whole
        return _split_run(run, lexicon) or run

    return _RUN.sub(fix, text, timeout=TIMEOUT)
