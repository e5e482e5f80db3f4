"""Where the document proper lies in a normalized text: `document_span(text)`.

Texts scraped from web pages carry the site's menu, breadcrumbs and a table of document
attributes ("Số hiệu:", "Loại văn bản: Kế hoạch") before the document, and related-document
lists and site notices after it; a header reader that starts at offset 0 takes the site's
"Kế hoạch" cell for the type line. The document starts at its header: the quốc hiệu (or the
party's motto) with the issuer column on the same line or just before it; it ends before the
first line of a site trailer ("Văn bản liên quan", ...) that follows the document's
signature part. Rules: models/boundary.yaml (and metadata.yaml header_mottos).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import regex
from kehoach.normalize import TIMEOUT
from kehoach.rules import load_yaml, per_rules


@dataclass(frozen=True)
class _Rules:
    motto: regex.Pattern[str]
    motto_starts: tuple[tuple[str, regex.Pattern[str]], ...]  # (first word lower, pattern)
    number_line: regex.Pattern[str]
    subject_line: regex.Pattern[str]  # a letter's trích yếu, "V/v ..." (under its number)
    trailer: tuple[str, ...]  # case folded, spaces single
    signature: tuple[str, ...]
    issuer_lines_before: int
    start_window: int


def motto_pattern(phrase: str) -> str:
    """A header motto in any case, its words wrapped over lines or run together (OCR), a
    dash between them optional: "CỘNG HÒA XÃ\\nHỘI CHỦ NGHĨA", "CỘNGHÒAXÃHỘI"."""
    words = [w for w in phrase.split() if w != "-"]
    return "(?i:" + r"\s*[-–]?\s*".join(regex.escape(w) for w in words) + ")"


@per_rules
def rules() -> _Rules:
    cfg = load_yaml("boundary.yaml")
    mottos = load_yaml("metadata.yaml")["header_mottos"]
    return _Rules(
        motto=regex.compile("|".join(f"(?:{motto_pattern(m)})" for m in mottos)),
        motto_starts=tuple((m.split()[0].lower(), regex.compile(motto_pattern(m))) for m in mottos),
        number_line=regex.compile(r"(?m)^[ \t]*(?:Số|SỐ)[ \t]*:[ \t]*[\d._…\- \t]*/"),
        subject_line=regex.compile(
            rf"(?:{'|'.join(regex.escape(c) for c in load_yaml('metadata.yaml')['letter_subject_cues'])})"
            r"(?![\p{L}])"),
        trailer=tuple(" ".join(c.split()).casefold() for c in cfg["trailer_lines"]),
        signature=tuple(c for c in cfg["signature_cues"]),
        issuer_lines_before=cfg["issuer_lines_before"],
        start_window=cfg["start_window"],
    )


def _is_upper_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.85 * len(letters)


_NUMBER_LINE = regex.compile(r"(?:Số|SỐ|số)\b[ \t]*:?[ \t\d._…]*[/\-]")
_DATE_LINE = regex.compile(r"(?i:ngày)[ \t\d._…]*(?:(?i:tháng)|[/.\-][ \t]*\d)")


def _header_line(line: str) -> bool:
    """A line of a header block: the issuer column (upper case), the "Số:" line or the
    date line (party headers put the motto after them)."""
    if line.endswith(":"):
        return False  # "Số hiệu:", "Loại văn bản:" of a site's attribute table
    return (_is_upper_line(line) or bool(_NUMBER_LINE.match(line))
            or (bool(_DATE_LINE.search(line)) and len(line) < 80))


def _header_start(text: str, motto_at: int, max_lines: int) -> int:
    """Start of the header block whose motto is at `motto_at`: back over the lines of the
    header (issuer column, number, a letter's "V/v" subject wrapped over up to two lines,
    date; blank or rule lines) just before the motto's line. The left column may come whole
    before the right one, as web pages and PDF text give it: "BỘ TÀI CHÍNH / CỤC THUẾ /
    Số: 12/CT-CS / V/v ... / CỘNG HÒA ..." """
    subject = rules().subject_line
    r_start = text.rfind("\n", 0, motto_at) + 1
    start = r_start
    seen = 0
    pos = r_start
    pending = 0  # lines taken as the continuation of a subject line not yet seen
    while pos > 0 and seen < max_lines:
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        line = text[prev_start : pos - 1]
        stripped = line.strip(" \t-_=*~.·")
        if stripped:
            if subject.match(stripped, timeout=TIMEOUT):
                pending = 0
            elif not _header_line(stripped):
                if pending >= 1:
                    break
                pending += 1
            elif pending:
                break  # a wrapped line must sit under its "V/v" line
            seen += 1
            if not pending:
                start = prev_start
        pos = prev_start
    return start


def _first_motto(window: str) -> int | None:
    """Offset of the first motto in `window`: tried only where the first word of one
    starts (str.find in the lower-cased text), far faster than searching the pattern."""
    r = rules()
    low = window.lower()
    if len(low) != len(window):
        return m.start() if (m := r.motto.search(window, timeout=TIMEOUT)) else None
    best: int | None = None
    for first, pattern in r.motto_starts:
        pos = 0
        while (i := low.find(first, pos, best)) >= 0:
            if pattern.match(window, i, timeout=TIMEOUT):
                best = i
                break
            pos = i + 1
    return best


def _start(text: str) -> int:
    r = rules()
    window = text[: r.start_window]
    m = _first_motto(window)
    if m is not None:
        return _header_start(text, m, r.issuer_lines_before)
    n = r.number_line.search(window, timeout=TIMEOUT)
    if n:  # no motto: the header starts with the issuer column before the "Số:" line
        return _header_start(text, n.start(), r.issuer_lines_before)
    return 0


def _line_starting(text: str, start: int, cues: tuple[str, ...]) -> int | None:
    """Offset of the first line at or after `start` that begins with one of `cues` (lower
    case, single spaces; list and markdown marks before it allowed). Each cue is looked up
    with str.find in the lower-cased text, far faster than a multi-line pattern."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer: offsets would shift
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    best: int | None = None
    for cue in cues:
        pos = start
        while True:
            i = low.find(cue, pos, best)
            if i < 0:
                break
            line_start = low.rfind("\n", 0, i) + 1
            after = i + len(cue)
            if not low[line_start:i].strip(" \t#*>-") and (
                after >= len(low) or not low[after].isalpha()
            ):
                best = line_start
                break
            pos = i + 1
    return best


def _end(text: str, start: int) -> int:
    r = rules()
    sig = [i for i in (text.find(c, start) for c in r.signature) if i >= 0]
    after = min(sig) if sig else start
    t = _line_starting(text, after, r.trailer)
    return t if t is not None else len(text)


_CACHE: OrderedDict[str, tuple[int, int]] = OrderedDict()


def document_span(text: str) -> tuple[int, int]:
    """(start, end) offsets of the document proper in normalized `text`: from its header
    to the end of the document (before a web page's trailer). (0, len(text)) when the
    text is the document alone. Computed once per text (a few extractors ask)."""
    hit = _CACHE.get(text)
    if hit is not None:
        return hit
    start = _start(text)
    span = (start, _end(text, start))
    _CACHE[text] = span
    if len(_CACHE) > 8:
        _CACHE.popitem(last=False)
    return span
