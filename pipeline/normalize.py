"""Text normalization that keeps a map back to source offsets.

Extractors run on `NormText.text`; every offset they report is mapped back to the source
text with `NormText.to_source`. Rewrites that keep the length (character variants, tone
placement, letters OCR reads for digits, line joins, table pipes) need no map; deletions (markdown markers, escapes,
line-end hyphen joins, NFC composition) record an edit list per step.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import regex
from kehoach.rules import load_yaml, per_rules

TIMEOUT = 2.0  # seconds, for every pattern run on document text


@dataclass
class _Step:
    """Edits of one rewrite: sorted (new_start, new_end, old_start, old_end)."""

    new_starts: list[int] = field(default_factory=list)
    edits: list[tuple[int, int, int, int]] = field(default_factory=list)

    def back(self, pos: int, is_end: bool) -> int:
        # an end offset is not moved by an edit that starts exactly at it
        i = (bisect_left if is_end else bisect_right)(self.new_starts, pos) - 1
        if i < 0:
            return pos
        _ns, ne, os_, oe = self.edits[i]
        if is_end and pos <= ne:
            return oe
        if not is_end and pos < ne:
            return os_
        return oe + (pos - ne)


@dataclass
class NormText:
    source: str
    text: str
    steps: list[_Step]

    def to_source(self, pos: int, is_end: bool = False) -> int:
        for step in reversed(self.steps):
            pos = step.back(pos, is_end)
        return pos

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        return self.to_source(start), self.to_source(end, is_end=True)


def _rewrite(
    text: str, pattern: regex.Pattern[str], repl: Callable[[regex.Match[str]], str]
) -> tuple[str, _Step | None]:
    out: list[str] = []
    step = _Step()
    last = 0
    new_len = 0
    for m in list(pattern.finditer(text, timeout=TIMEOUT)):  # the timeout is the pattern's only
        new = repl(m)
        if new == m.group():
            continue
        out.append(text[last : m.start()])
        new_len += m.start() - last
        step.new_starts.append(new_len)
        step.edits.append((new_len, new_len + len(new), m.start(), m.end()))
        out.append(new)
        new_len += len(new)
        last = m.end()
    if not step.edits:
        return text, None
    out.append(text[last:])
    return "".join(out), step


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below


@dataclass(frozen=True)
class _Rules:
    char_table: dict[int, str]
    char_class: regex.Pattern[str]
    char_chain: bool  # a replacement holds a character that is itself replaced
    nfc_cluster: regex.Pattern[str]
    tone: regex.Pattern[str]
    # where `tone` may match: its vowel pair not followed by an ASCII letter (a plain scan
    # of the stdlib engine, much faster than the pattern run at every position)
    tone_candidates: re.Pattern[str]
    md_delete: regex.Pattern[str]
    md_table_rule: regex.Pattern[str]
    hyphen_join: regex.Pattern[str]
    soft_wrap: regex.Pattern[str]
    word_wrap: regex.Pattern[str]
    emphasis_wrap: regex.Pattern[str]
    italic_wrap: regex.Pattern[str]
    marker_wrap: regex.Pattern[str]
    head_wrap: regex.Pattern[str]
    ocr_digit_hint: re.Pattern[str]  # a digit next to a letter OCR reads for one (plain scan)
    ocr_digit_run: regex.Pattern[str]
    ocr_digit_table: dict[int, str]


def _toned(pairs: list[str]) -> str:
    """Character class of the second vowels of `pairs` carrying a tone mark."""
    chars = {
        unicodedata.normalize("NFC", v + t)
        for _, b in pairs for v in (b, b.upper()) for t in TONE_MARKS
    }
    return "".join(sorted(chars))


@per_rules
def _rules() -> _Rules:
    cfg = load_yaml("normalize.yaml")
    table = {ord(k): v for k, v in cfg["char_map"].items()}
    firsts = "".join(sorted({a for a, _ in cfg["tone_pairs"]} | {a.upper() for a, _ in cfg["tone_pairs"]}))
    # a syllable-final vowel pair whose second vowel carries the tone, not after "q"
    tone = regex.compile(rf"(?<![qQ])(?P<a>[{firsts}])(?P<b>[{_toned(cfg['tone_pairs'])}])(?!\p{{L}})")
    words = "|".join(regex.escape(w) for w in sorted(cfg["join_after_words"], key=len, reverse=True))
    ocr = regex.escape("".join(cfg["ocr_digits"]))
    # every pattern starts with a literal character so the engine can skip ahead quickly
    return _Rules(
        char_table=table,
        char_class=regex.compile("[" + regex.escape("".join(cfg["char_map"])) + "]"),
        char_chain=any(c in cfg["char_map"] for v in cfg["char_map"].values() for c in v),
        nfc_cluster=regex.compile(r"\P{M}\p{M}+"),
        tone=tone,
        tone_candidates=re.compile(f"[{firsts}][{_toned(cfg['tone_pairs'])}](?![A-Za-z])"),
        # literal-first alternatives (fast scan); _markdown() decides from the context
        md_delete=regex.compile(r"__|#{1,6}[ \t]+|\\(?=[.\-*_#()\[\]+!>`])|\*+"),
        md_table_rule=regex.compile(r"(?m)^[ \t|:\-]*-{3,}[ \t|:\-]*$"),
        hyphen_join=regex.compile(r"(?<=\d/(?:\d{4}/)?\p{L}{1,8})-\K[ \t]*\n\s*(?=\p{Lu})"),
        soft_wrap=regex.compile(
            r"(?<=[\p{L}\d,)][ \t]*)\n(?:[ ]*\n)*[ ]*(?=\p{Ll}(?![\)\.])|\d+\s*[/\-]\s*\d*\s*\p{Lu})"
        ),
        # (never before an item marker: "... công nghệ số\n\na) Doanh nghiệp ...")
        word_wrap=regex.compile(rf"(?<=(?<!\p{{L}})(?i:{words})[ \t]*)\n(?:[ ]*\n)*[ ]*(?=[\p{{L}}\d])"
                                r"(?![a-zđ]\)|\d{1,2}[.)][ \t]|[IVX]{1,5}\.[ \t])"),
        # a bold span of markdown ("**VI. TỔ CHỨC\nTHỰC HIỆN**") hard-wrapped over at most
        # `emphasis_lines` lines of one paragraph: its line breaks are spaces
        emphasis_wrap=regex.compile(
            rf"\*\*(?=[^*\s])[^*\n|\t]{{1,200}}(?:\n[^*\n|\t]{{1,200}}){{1,{int(cfg['emphasis_lines']) - 1}}}"
            rf"(?<=\S)\*\*"),
        # an italic heading line ("*2.1. Sở\nTài chính*") hard-wrapped the same way: one star
        # opening a line and one closing a later line of the same paragraph
        italic_wrap=regex.compile(
            rf"(?m)(?<=^[ \t]*)\*(?=[^*\s])[^*\n|\t]{{1,200}}"
            rf"(?:\n[^*\n|\t]{{1,200}}){{1,{int(cfg['emphasis_lines']) - 1}}}"
            rf"(?<=\S)\*(?=[ \t]*$)"),
        # a body's head at a line end, its name on the next line
        head_wrap=regex.compile(
            rf"(?<=(?<!\p{{L}})(?:{'|'.join(regex.escape(w) for w in cfg['join_after_heads'])})[ \t]*)"
            r"\n(?=[ \t]*\p{Lu}\p{Ll})"),
        # an item marker alone on its line, its text on the next line
        marker_wrap=regex.compile(rf"\n[ \t]*{cfg['lone_marker']}\K[ \t]*\n(?=[ \t]*[\p{{L}}\d(\"])"),
        ocr_digit_hint=re.compile(f"[0-9][{ocr}]|[{ocr}][0-9]"),
        # a digit after the letter in the run, or the run before a date separator and a digit
        ocr_digit_run=regex.compile(
            rf"(?<![\p{{L}}\p{{M}}\d])(?:[\d{ocr}]*[{ocr}][\d{ocr}]*\d"
            rf"|[\d{ocr}]*\d[\d{ocr}]*[{ocr}](?=[/.\-]\d))(?![\p{{L}}\p{{M}}\d])"),
        ocr_digit_table={ord(k): v for k, v in cfg["ocr_digits"].items()},
    )


@per_rules
def _tone_pairs() -> frozenset[tuple[str, str]]:
    return frozenset((a, b) for a, b in load_yaml("normalize.yaml")["tone_pairs"])


def _move_tone(m: regex.Match[str]) -> str:
    a, b = m.group("a"), m.group("b")
    decomposed = unicodedata.normalize("NFD", b)
    base, marks = decomposed[0], decomposed[1:]
    if not marks or (a.lower(), base.lower()) not in _tone_pairs():
        return m.group()
    tone = "".join(c for c in marks if c in TONE_MARKS)
    if not tone or len(tone) != len(marks):
        return m.group()
    return unicodedata.normalize("NFC", a + tone) + base


def _move_tones(text: str, rules: _Rules) -> str:
    """`rules.tone.sub(_move_tone, text)`, the pattern tried only where its vowel pair is."""
    out: list[str] = []
    last = 0
    for c in rules.tone_candidates.finditer(text):
        m = rules.tone.match(text, c.start(), None, None, False, TIMEOUT)
        if m is not None:
            out.append(text[last : m.start()])
            out.append(_move_tone(m))
            last = m.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _markdown(m: regex.Match[str]) -> str:
    """"" when the match is markdown markup: emphasis stars at a word edge ("**Kế hoạch**",
    "*b)*"), a heading "#" at a line start, "__", a backslash escape; else the match itself
    (a star between words, a "#" inside a line)."""
    s, text, a, b = m.group(), m.string, m.start(), m.end()
    if s[0] == "#":
        line_start = text.rfind("\n", 0, a) + 1
        return "" if not text[line_start:a].strip(" \t") else s
    if s[0] != "*" or len(s) >= 2:
        return ""
    before = text[a - 1] if a else "\n"
    after = text[b] if b < len(text) else "\n"
    opens = not before.isalnum() and not after.isspace()
    closes = not before.isspace() and not after.isalnum()
    return "" if opens or closes else s


def _same_length(text: str, pattern: regex.Pattern[str], repl: Callable[[str], str]) -> str:
    return pattern.sub(lambda m: repl(m.group()), text, timeout=TIMEOUT)


def normalize(source: str) -> NormText:
    """Normalize `source` for extraction; see the module docstring for what changes."""
    rules = _rules()
    steps: list[_Step] = []
    text = source

    def apply(pattern: regex.Pattern[str], repl: Callable[[regex.Match[str]], str]) -> None:
        nonlocal text
        text, step = _rewrite(text, pattern, repl)
        if step is not None:
            steps.append(step)

    if not unicodedata.is_normalized("NFC", text):
        apply(rules.nfc_cluster, lambda m: unicodedata.normalize("NFC", m.group()))
    # one-for-one character variants: only the few characters found are replaced
    # (str.translate walks every character of the text through a dict: much slower here)
    if rules.char_chain:
        # a replacement that is itself replaced: all at once, as the table says
        text = rules.char_class.sub(lambda m: rules.char_table[ord(m.group())], text, timeout=TIMEOUT)
    else:
        for code, char in rules.char_table.items():
            if chr(code) in text:
                text = text.replace(chr(code), char)
    text = _move_tones(text, rules)
    if rules.ocr_digit_hint.search(text):
        table = rules.ocr_digit_table
        text = _same_length(text, rules.ocr_digit_run, lambda s: s.translate(table))
    if "---" in text:
        text = _same_length(text, rules.md_table_rule, lambda s: " " * len(s))
    text = text.replace("|", "\t")
    if "**" in text:
        text = _same_length(text, rules.emphasis_wrap, lambda s: s.replace("\n", " "))
    if "*" in text:
        text = _same_length(text, rules.italic_wrap, lambda s: s.replace("\n", " "))
    if any(c in text for c in "*_#\\"):
        apply(rules.md_delete, _markdown)
    apply(rules.hyphen_join, lambda m: "")
    text = _same_length(text, rules.marker_wrap, lambda s: " " * len(s))
    text = _same_length(text, rules.soft_wrap, lambda s: " " * len(s))
    text = _same_length(text, rules.word_wrap, lambda s: " " * len(s))
    text = _same_length(text, rules.head_wrap, lambda s: " " * len(s))
    return NormText(source=source, text=text, steps=steps)
