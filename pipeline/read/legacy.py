"""Pre-Unicode Vietnamese text: detect TCVN3 (ABC), VNI and Windows-1258, convert to Unicode.

Candidate decodings are scored by how much Vietnamese they produce: one point per
Vietnamese letter with a diacritic, a penalty per other non-ASCII character (a wrong
decoding of Vietnamese bytes yields "Céng hoµ x· héi" or "Coäng hoøa"). The tables are
data under models/encodings/.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

import regex
from kehoach.normalize import TIMEOUT
from kehoach.rules import load_csv, load_yaml

ENCODINGS = ("tcvn3", "vni", "cp1258")
SAMPLE_BYTES = 65536

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


@cache
def vietnamese_letters() -> frozenset[str]:
    """Precomposed Vietnamese letters carrying a diacritic (both cases)."""
    letters: set[str] = {"đ", "Đ"}
    for base in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"):
        for tone in _TONES:
            ch = unicodedata.normalize("NFC", base + tone)
            if len(ch) == 1 and ch not in "aeiouy":
                letters.update((ch, ch.upper()))
    return frozenset(letters)


@cache
def _score_cfg() -> tuple[int, frozenset[str], int]:
    cfg = load_yaml("encodings/score.yaml")
    return int(cfg["bad_weight"]), frozenset(cfg["neutral"]), int(cfg["min_bad_per_line"])


@cache
def _syllable() -> regex.Pattern[str]:
    cfg = load_yaml("encodings/syllables.yaml")

    def alt(items: list[str]) -> str:
        return "|".join(regex.escape(x) for x in sorted(items, key=len, reverse=True))

    return regex.compile(f"(?:{alt(cfg['onsets'])})?(?:{alt(cfg['rhymes'])})")


_TONE_MARKS = frozenset(_TONES[1:])
_WORD = regex.compile(r"\p{L}+")


def is_syllable(word: str) -> bool:
    """True when `word` has the shape of a Vietnamese syllable (onset + rhyme, <= 1 tone)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(ch in _TONE_MARKS for ch in decomposed)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return tones <= 1 and _syllable().fullmatch(bare, timeout=TIMEOUT) is not None


def _counts(text: str) -> tuple[int, int, bool]:
    """(good, bad, has_wide) of NFC text: Vietnamese syllables with diacritics, words or
    characters that cannot be Vietnamese, and whether any char above U+00FF occurs."""
    letters = vietnamese_letters()
    _, neutral, _ = _score_cfg()
    good = bad = 0
    wide = False
    for ch in text:
        if ch >= "\x80" and ch not in neutral:
            if ch > "\xff":
                wide = True
            if not ch.isalpha() and not unicodedata.combining(ch):
                bad += 1
    for m in _WORD.finditer(text, timeout=TIMEOUT):
        word = m.group()
        if word.isascii():
            continue
        if all(c.isascii() or c in letters for c in word):
            if is_syllable(word):
                # one-letter words ("ở", "ý") are valid but also what any stray byte gives
                good += len(word) >= 2
            elif not word.isupper():  # "QĐ", "HĐND": abbreviations are neutral
                bad += 1
        else:
            bad += 1
    return good, bad, wide


def score(text: str) -> int:
    """How Vietnamese `text` looks: higher is better (comparable across decodings of one input)."""
    good, bad, _ = _counts(unicodedata.normalize("NFC", text))
    return good - _score_cfg()[0] * bad


@cache
def _tcvn3_table() -> dict[int, str]:
    """Latin-1/Windows-1252 character of each byte -> Unicode, for str.translate."""
    table: dict[int, str] = {}
    for b in range(0x80, 0xA1):
        try:
            shown = bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            shown = chr(b)
        table[b] = shown  # bytes 0x80-0xA0 decode as Windows-1252 (quotes, dashes)
    for row in load_csv("encodings/tcvn3.csv"):
        table[int(row["byte"], 16)] = row["char"]
    return table


@cache
def _vni() -> tuple[regex.Pattern[str], dict[str, str], dict[str, str]]:
    cfg = load_yaml("encodings/vni.yaml")
    modifiers: dict[str, str] = cfg["modifiers"]
    singles: dict[str, str] = cfg["singles"]
    pattern = regex.compile(
        f"(?P<base>[{regex.escape(cfg['bases'])}])(?P<mod>[{regex.escape(''.join(modifiers))}])"
        f"|(?P<single>[{regex.escape(''.join(singles))}])"
    )
    return pattern, modifiers, singles


_CAPS_WORD = regex.compile(r"\p{L}*\p{Lu}\p{L}*")
_WORD_ANY = regex.compile(r"\p{L}+")
_SENTENCE_START = regex.compile(
    r"(?:\A|(?<=[.!?:;][ \t]*\n)|(?<=\n[ \t]*\n)|(?<=[.!?][ \t]))"
    r"[ \t]*(?:[-+•][ \t])?\K\p{Ll}(?=\p{L})"
)


def _caps(word: str) -> bool:
    """A TCVN3 capital word read back: capital letters, lowercase toned ones ("HOạCH")."""
    return sum(c.isupper() for c in word) >= 2 and not any(
        c.islower() and c.isascii() for c in word
    )


def _recase_line(line: str) -> str:
    # TCVN3 has no capital toned letters: capitals were lowercase codes shown in an "H"
    # font, so "HOạCH" was "HOẠCH"; once a line has such a word, its short title-like words
    # ("Kế" in "Kế HOạCH") are capitals too
    words = _WORD_ANY.findall(line, timeout=TIMEOUT)
    mixed = [w for w in words if _caps(w) and w != w.upper()]
    if not mixed:
        return line
    if all(not any(c.islower() and c.isascii() for c in w) for w in words):
        return line.upper()
    return _CAPS_WORD.sub(lambda m: m.group().upper() if _caps(m.group()) else m.group(), line,
                          timeout=TIMEOUT)


def tcvn3_to_unicode(text: str) -> str:
    """Text whose characters are TCVN3 codes shown as Latin-1 ("Céng hoµ") -> Unicode.

    Capitals are restored where the text shows them: all-capital words and lines, and a
    toned letter that starts a line or a sentence ("ñy ban" at a line start -> "Ủy ban").
    """
    converted = unicodedata.normalize("NFC", text.translate(_tcvn3_table()))
    converted = "\n".join(_recase_line(ln) for ln in converted.split("\n"))
    return _SENTENCE_START.sub(
        lambda m: m.group().upper() if not m.group().isascii() else m.group(), converted,
        timeout=TIMEOUT,
    )


def vni_to_unicode(text: str) -> str:
    """Text whose characters are VNI codes shown as Windows-1252 ("Coäng hoøa") -> Unicode."""
    pattern, modifiers, singles = _vni()

    def repl(m: regex.Match[str]) -> str:
        if m.group("single"):
            return singles[m.group("single")]
        base = m.group("base")
        return unicodedata.normalize("NFC", singles.get(base, base) + modifiers[m.group("mod")])

    return pattern.sub(repl, text, timeout=TIMEOUT)


def to_unicode(text: str, encoding: str) -> str:
    if encoding == "tcvn3":
        return tcvn3_to_unicode(text)
    if encoding == "vni":
        return vni_to_unicode(text)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def _cp1252(data: bytes) -> str:
    # Windows-1252 with the five undefined bytes kept as Latin-1
    return "".join(
        chunk.decode("cp1252") if i % 2 == 0 else chunk.decode("latin-1")
        for i, chunk in enumerate(regex.split(rb"([\x81\x8d\x8f\x90\x9d]+)", data, timeout=TIMEOUT))
    )


def decode(data: bytes, encoding: str) -> str:
    """Decode bytes in one of ENCODINGS (or utf-8) to NFC Unicode."""
    if encoding == "utf-8":
        return data.decode("utf-8")
    if encoding == "tcvn3":
        return tcvn3_to_unicode(data.decode("latin-1"))
    if encoding == "vni":
        return vni_to_unicode(_cp1252(data))
    if encoding == "cp1258":
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
    raise ValueError(f"unknown encoding {encoding!r}")


@dataclass(frozen=True)
class Detected:
    text: str
    encoding: str
    score: int


def detect(data: bytes) -> Detected | None:
    """Best legacy decoding of non-UTF-8 bytes, or None when none looks like Vietnamese."""
    sample = data[:SAMPLE_BYTES]
    best: tuple[int, str] | None = None
    for enc in ENCODINGS:
        s = score(decode(sample, enc))
        if best is None or s > best[0]:
            best = (s, enc)
    if best is None or best[0] <= 0:
        return None
    return Detected(decode(data, best[1]), best[1], best[0])


def fix_glyph_lines(text: str) -> tuple[str, set[str]]:
    """Unicode text holding legacy glyph codes (TCVN3/VNI text pasted into a Unicode file):
    convert each line that reads better converted. Returns the text and the encodings used.

    A line is a candidate only when it has several non-Vietnamese non-ASCII characters and
    no character above U+00FF (real Unicode Vietnamese has "ế", "ạ"...), so clean text is
    never touched.
    """
    weight, _, min_bad = _score_cfg()
    used: set[str] = set()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.isascii() or max(line) > "\xff":
            continue  # no legacy glyph codes, or real Unicode Vietnamese: cheap exits first
        good, bad, wide = _counts(line)
        if bad < min_bad or wide:
            continue
        current = good - weight * bad
        best = (current, line, "")
        for enc in ("tcvn3", "vni"):
            converted = to_unicode(line, enc)
            s = score(converted)
            if s > best[0]:
                best = (s, converted, enc)
        if best[2]:
            lines[i] = best[1]
            used.add(best[2])
    return "\n".join(lines), used
