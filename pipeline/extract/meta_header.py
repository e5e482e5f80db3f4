"""The document header: type line, number-symbol, place and date, issuer column.

The header is everything before the type line ("KẾ HOẠCH", "QUYẾT ĐỊNH"): two columns
(issuer and "Số:" on the left; motto, place and date on the right) that text exports
interleave line by line or on one line. Motto, number and date are found and blanked (same
length, so offsets hold); what remains in upper case is the issuer column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import regex
from kehoach.extract.codes import codes
from kehoach.extract.meta_layout import Cell, at_cell_start, cells, collapse
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.segment.boundary import document_span, motto_pattern
from kehoach.tables import load_yaml

_SECTION = regex.compile(r"(?:[IVX]+|\d+|[A-Z])[.)]\s")  # a section heading of the body


@dataclass
class Span:
    start: int  # normalized offsets
    end: int


@dataclass
class Header:
    region_end: int  # end of the header region (start of the type line, or a fixed cut)
    type_cell: Cell | None = None
    doc_type: str | None = None
    title_in_type_line: tuple[int, int] | None = None  # "KẾ HOẠCH Tuyên truyền ..."
    doc_number: str | None = None
    doc_symbol: str | None = None
    number_span: Span | None = None
    issue_date: str | None = None
    date_precision: str = "none"
    date_span: Span | None = None
    place: str | None = None
    issuer_lines: list[Cell] = field(default_factory=list)



@dataclass(frozen=True)
class _Rules:
    type_line: regex.Pattern[str]
    types: dict[str, str]  # casefold -> canonical
    number: regex.Pattern[str]
    date: regex.Pattern[str]
    noise: regex.Pattern[str]


@cache
def rules() -> _Rules:
    cfg = load_yaml("metadata.yaml")
    types = {t.casefold(): t for t in cfg["doc_types"]}
    upper = alternation([t.upper() for t in cfg["doc_types"]])
    type_line = regex.compile(rf"(?P<type>{upper})(?![\p{{L}}:])[ \t]*(?P<rest>[^\n]*)")
    blank = r"[ \t._…\-]*"
    number = regex.compile(
        rf"(?<![\p{{L}}\d])(?:Số|SỐ|số)[ \t]*:?{blank}(?P<num>\d+(?:[ \t]+\d+)*)?{blank}"
        r"(?P<sep>[/\-])[ \t]*(?P<sym>[\p{L}\d&.]+(?:[ \t]*[-/][ \t]*[\p{L}\d&.]+)*)"
    )
    prefixes = alternation(cfg["place_prefixes"])
    tw, uw = r"\p{Lu}\p{Ll}+", r"\p{Lu}{2,}"
    # words of a place may be wrapped once ("Thành phố Hồ Chí\nMinh, ngày ...")
    sep = r"(?:[ \t]*\n[ \t]*|[ \t]+|[ \t]*-[ \t]*)"
    place = (
        rf"(?P<place>(?:(?:{prefixes})[ \t]*)?"
        rf"(?:{tw}(?:{sep}{tw}){{0,4}}|{uw}(?:{sep}{uw}){{0,4}}))"
    )
    fill = r"[ \t._…]*"
    date = regex.compile(
        rf"(?:(?<!\p{{L}}){place}[ \t]*,[ \t]*)?(?<!\p{{L}})(?i:ngày)(?:{fill}(?P<d>\d{{1,2}}))?"
        rf"{fill}(?i:tháng)(?:{fill}(?P<m>\d{{1,2}}))?{fill}(?i:năm){fill}(?P<y>(?:19|20)\d\d)"
        rf"|(?:(?<!\p{{L}}){place}[ \t]*,[ \t]*)?(?<!\p{{L}})(?i:ngày)[ \t]*(?P<d2>\d{{1,2}})"
        rf"[ \t]*[/.\-][ \t]*(?P<m2>\d{{1,2}})[ \t]*[/.\-][ \t]*(?P<y2>(?:19|20)\d\d)"
    )
    noise = regex.compile("|".join(
        [f"(?:{motto_pattern(m)})" for m in cfg["header_mottos"]]
        + [f"(?:{p})" for p in cfg["header_noise"]]
    ))
    return _Rules(
        type_line=type_line,
        types=types,
        number=number,
        date=date,
        noise=noise,
    )


def canonical_code(code: str) -> str:
    """One code of a symbol, spelled as in citations (kehoach.extract.codes): upper case,
    Đ restored, established mixed case kept, so doc_number and instrument_id join."""
    return codes().canonical(code)


def canonical_symbol(sym: str) -> str:
    sym = regex.sub(r"\s+", "", sym, timeout=TIMEOUT).strip(".")
    parts = regex.split(r"([-/])", sym, timeout=TIMEOUT)
    return "".join(p if p in "-/" else canonical_code(p) for p in parts)


def type_from_symbol(symbol: str | None) -> str | None:
    if not symbol:
        return None
    c = codes()
    for part in regex.split(r"[-/]", symbol, timeout=TIMEOUT):
        code = c.canonical(part)
        t = c.state_types.get(code) or c.party_types.get(code)
        if t:
            return t
    return None


def find_type_line(
    text: str, limit: int, start: int = 0
) -> tuple[Cell, str, tuple[int, int] | None] | None:
    """The first cell in text[start:start + limit] that starts with an upper-case type word
    (or is exactly a type word in any case)."""
    r = rules()
    for cell in cells(text, start, min(start + limit, len(text))):
        m = r.type_line.match(cell.text, timeout=TIMEOUT)
        if m is None:
            canon = r.types.get(collapse(cell.text).casefold())
            if canon:
                return cell, canon, None
            continue
        canon = r.types[collapse(m.group("type")).casefold()]
        rest = None
        if m.group("rest").strip():
            rest = (cell.start + m.start("rest"), cell.end)
        return cell, canon, rest
    return None


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if chars[i] != "\n":
            chars[i] = " "


def parse(text: str) -> Header:
    cfg = load_yaml("metadata.yaml")
    r = rules()
    limit = cfg["header_chars"]
    # a web page's menu and attribute table before the document are not its header
    start, _ = document_span(text)
    found = find_type_line(text, limit, start)
    if found:
        cell, doc_type, rest = found
        header = Header(region_end=cell.start, type_cell=cell, doc_type=doc_type,
                        title_in_type_line=rest)
    else:
        header = Header(region_end=min(len(text), start + limit // 3))
    chars = list(text[: header.region_end])
    _blank(chars, 0, min(start, len(chars)))
    region = "".join(chars)
    for m in r.noise.finditer(region, timeout=TIMEOUT):
        _blank(chars, m.start(), m.end())
    m = r.number.search(region, timeout=TIMEOUT)
    if m and (found or at_cell_start(region, m.start())):
        sym = canonical_symbol(m.group("sym"))
        # "12/2022/QĐ-UBND": the symbol is written without the year
        with_year = regex.match(r"(?:19|20)\d\d/", sym, timeout=TIMEOUT)
        header.doc_symbol = sym.split("/", 1)[1] if with_year else sym
        if m.group("num"):
            n = str(int(regex.sub(r"\s+", "", m.group("num"), timeout=TIMEOUT)))
            header.doc_number = f"{n.zfill(2)}{m.group('sep')}{sym}"
        header.number_span = Span(m.start(), m.end())
        _blank(chars, m.start(), m.end())
    blanked = "".join(chars)
    d = r.date.search(blanked, timeout=TIMEOUT)
    if d:
        _set_date(header, d)
        _blank(chars, d.start(), d.end())
        blanked = "".join(chars)
    lines = []
    for c in cells(blanked):
        if _SECTION.match(c.text, timeout=TIMEOUT):  # "I. MỤC ĐÍCH, YÊU CẦU" is the body
            break
        if c.is_upper:
            lines.append(c)
        elif not found and any(ch.isalpha() for ch in c.text):
            break  # without a type line the header ends at the first text in lower case
    header.issuer_lines = lines
    return header



def _set_date(header: Header, m: regex.Match[str]) -> None:
    y = int(m.group("y") or m.group("y2"))
    mo = m.group("m") or m.group("m2")
    day = m.group("d") or m.group("d2")
    month = int(mo) if mo and 1 <= int(mo) <= 12 else None
    dd = int(day) if day and month and 1 <= int(day) <= 31 else None
    if month and dd:
        header.issue_date, header.date_precision = f"{y:04d}-{month:02d}-{dd:02d}", "day"
    elif month:
        header.issue_date, header.date_precision = f"{y:04d}-{month:02d}", "month"
    else:
        header.issue_date, header.date_precision = f"{y:04d}", "year"
    header.date_span = Span(m.start(), m.end())
    if m.group("place"):
        header.place = collapse(m.group("place"))


def date_line(text: str, start: int, end: int) -> Header | None:
    """A date line standing alone in text[start:end] (documents whose header lacks it but
    whose signature block carries "Hà Nội, ngày ..."); only a whole cell counts."""
    r = rules()
    for cell in cells(text, start, end):
        m = r.date.fullmatch(cell.text, timeout=TIMEOUT)
        if m and m.group("place"):
            h = Header(region_end=0)
            _set_date(h, m)
            if h.date_span:
                h.date_span = Span(cell.start + h.date_span.start, cell.start + h.date_span.end)
            return h
    return None
