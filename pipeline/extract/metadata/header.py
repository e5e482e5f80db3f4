"""The document header: type line, number-symbol, place and date, issuer column.

The header is everything before the type line ("KẾ HOẠCH", "QUYẾT ĐỊNH"): two columns
(issuer and "Số:" on the left; motto, place and date on the right) that text exports
interleave line by line or on one line. Motto, number and date are found and blanked (same
length, so offsets hold); what remains in upper case is the issuer column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex
from kehoach.extract.grammar import dates
from kehoach.extract.grammar.codes import NUMBER, Symbol, codes, read_symbol, symbol_body
from kehoach.extract.metadata.layout import Cell, at_cell_start, cells, collapse, iter_cells, respace
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.places import case_variants, unit_forms
from kehoach.rules import load_yaml, per_rules
from kehoach.segment.boundary import document_span, motto_pattern

_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu})")
# capitals each followed by a space (two between words): a letter-spaced title line
_SPACED = regex.compile(r"\p{Lu}(?:[ \t]{1,3}\p{Lu}){3,}")
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
    symbol: Symbol | None = None  # the number-symbol as the shared grammar reads it
    subject: tuple[int, int] | None = None  # "V/v ..." of an official letter (its title)



@dataclass(frozen=True)
class _Rules:
    type_line: regex.Pattern[str]
    types: dict[str, str]  # casefold -> canonical
    number: regex.Pattern[str]
    date: regex.Pattern[str]
    noise: tuple[regex.Pattern[str], ...]  # each searched alone: faster than one alternation
    vv: regex.Pattern[str]  # the subject line of an official letter: "V/v ..."
    letter_type: str


@per_rules
def rules() -> _Rules:
    cfg = load_yaml("metadata.yaml")
    types = {t.casefold(): t for t in cfg["doc_types"]}
    types.update({"".join(t.split()).casefold(): t for t in cfg["doc_types"]})  # OCR "KẾHOẠCH"
    # words of the type may run together in OCR ("KẾHOẠCH")
    upper = alternation([t.upper() for t in cfg["doc_types"]], space=r"[ \t]*")
    type_line = regex.compile(rf"(?P<type>{upper})(?![\p{{L}}:])[ \t]*(?P<rest>[^\n]*)")
    # the number-symbol grammar of citations (kehoach.extract.grammar.codes), the number may be
    # blank: "Số:      /KH-SDL", "Số: ....../QĐ-UBND"
    number = regex.compile(
        rf"(?<![\p{{L}}\d])(?:Số|SỐ|số)[ \t]*:?[ \t._…]*"
        rf"{symbol_body(rf'(?:{NUMBER})?')}(?![\p{{L}}\d])"
    )
    vv = regex.compile(
        rf"(?m)^[ \t]*(?:{alternation(cfg['letter_subject_cues'])})[ \t]*:?[ \t]*(?P<subject>\S[^\t\n]*)"
    )
    # a unit word may be part of the place name ("TP. Hồ Chí Minh", "Thị xã Duyên Hải")
    prefixes = alternation(case_variants(unit_forms()))
    tw, uw = r"\p{Lu}\p{Ll}+", r"\p{Lu}{2,}"
    # words of a place may be wrapped once ("Thành phố Hồ Chí\nMinh, ngày ...")
    # or run together by OCR ("QuảngNgãi")
    sep = r"(?:[ \t]*\n[ \t]*|[ \t]*-[ \t]*|[ \t]*)"
    place = (
        rf"(?P<place>(?:(?:{prefixes})[ \t]*)?"
        rf"(?:{tw}(?:{sep}{tw}){{0,4}}|{uw}(?:{sep}{uw}){{0,4}}))"
    )
    # the place of a date line: what stands before its date and a comma ("Hà Nội, ngày ...");
    # the date itself is read by the one date grammar (kehoach.extract.grammar.dates)
    date = regex.compile(rf"(?<!\p{{L}}){place}[ \t]*,[ \t]*$")
    noise = tuple(
        [regex.compile(motto_pattern(m)) for m in cfg["header_mottos"]]
        + [regex.compile(p) for p in cfg["header_noise"]]
    )
    return _Rules(
        type_line=type_line,
        types=types,
        number=number,
        date=date,
        noise=noise,
        vv=vv,
        letter_type=load_yaml("instruments.yaml")["letter_type"],
    )


def type_from_symbol(sym: Symbol | None) -> str | None:
    """The type a number-symbol's code implies, a fallback when the header has no type
    word: "KH-UBND" -> Kế hoạch, "18-NQ/TW" -> Nghị quyết; a symbol that starts with an
    issuer code ("1234/UBND-KGVX") is an official letter."""
    if sym is None:
        return None
    c = codes()
    if sym.type_code:
        table = c.party_types if sym.party else c.state_types
        return table.get(sym.type_code)
    return rules().letter_type if sym.issuer_code in c.issuers else None


def find_type_line(
    text: str, limit: int, start: int = 0
) -> tuple[Cell, str, tuple[int, int] | None] | None:
    """The first cell in text[start:start + limit] that starts with an upper-case type word
    (or is exactly a type word in any case)."""
    r = rules()
    previous = ""
    for cell in iter_cells(text, start, min(start + limit, len(text))):
        m = r.type_line.match(cell.text, timeout=TIMEOUT)
        if m is None:
            canon = r.types.get(collapse(cell.text).casefold())
            if canon is None and _SPACED.fullmatch(cell.text.strip(), timeout=TIMEOUT):
                # a letter-spaced type word of a PDF title ("K Ế H O Ạ C H")
                canon = r.types.get("".join(cell.text.split()).casefold())
            # not the value of a label ("Loại văn bản:" / "Kế hoạch" in a site's table)
            if canon and not previous.endswith(":"):
                return cell, canon, None
            previous = cell.text
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
    for pattern in r.noise:
        for m in pattern.finditer(region, timeout=TIMEOUT):
            _blank(chars, m.start(), m.end())
    for m in r.number.finditer(region, timeout=TIMEOUT):
        if not (found or at_cell_start(region, m.start())):
            continue
        sym = read_symbol(m, has_type_word=True)  # "Số:" vouches for the codes
        if sym is None:
            continue
        header.symbol = sym
        header.doc_symbol = sym.symbol  # "12/2022/QĐ-UBND": the symbol is written without the year
        header.doc_number = sym.id  # None when the number is blank
        header.number_span = Span(m.start(), sym.end)
        _blank(chars, m.start(), sym.end)
        break
    if not found:
        # an official letter has no type word; its subject follows "V/v" under the number
        vv = r.vv.search(region, start, timeout=TIMEOUT)
        if vv:
            header.doc_type = r.letter_type
            header.subject = (vv.start("subject"), vv.end("subject"))
            header.region_end = vv.start()
    blanked = "".join(chars)
    d = _date_search(blanked)
    if d:
        _set_date(header, d)
        _blank(chars, d.start, d.end)
        blanked = "".join(chars)
    lines = []
    for c in cells(blanked):
        if _SECTION.match(c.text, timeout=TIMEOUT):  # "I. MỤC ĐÍCH, YÊU CẦU" is the body
            break
        if c.is_upper:
            # OCR: "ỦYBANNHÂNDÂN"; the dash or rule a blanked motto left ("ỦY BAN NHÂN DÂN -")
            text = respace(c.text).strip(_LINE_MARKS)
            if text:
                lines.append(Cell(c.start, c.end, text, c.line))
        elif not found and any(ch.isalpha() for ch in c.text):
            break  # without a type line the header ends at the first text in lower case
    header.issuer_lines = lines
    return header



_LINE_MARKS = " \t-–—_*=|"  # rules and marks around a header line, no part of a name
_NGAY = regex.compile(r"(?<!\p{L})(?i:ngày|ngay)")


@dataclass
class DateLine:
    """"<place>, ngày dd tháng mm năm yyyy" as read: place (or None) and the date."""

    start: int
    end: int
    place: str | None
    date: dates.DateMatch


def _date_at(text: str, n: int, line_start: int) -> DateLine | None:
    """The date line whose day word starts at `n`: a date the grammar reads with its day word
    and a year, and the place written before it (from `line_start`, at most a line up)."""
    dm = dates.date_at(text, n)
    if dm is None or not dm.day_word or dm.year is None or dm.precision not in ("day", "month", "year"):
        return None
    at = max(line_start, n - 80)
    pm = rules().date.search(text, at, n, timeout=TIMEOUT)
    # a place wrapped over two lines must start its line ("Thành phố Hồ Chí\nMinh"); else
    # the line before ended with capitalised words of another cell
    while pm is not None and "\n" in pm.group("place") and not at_cell_start(text, pm.start("place")):
        at = text.index("\n", pm.start("place")) + 1
        pm = rules().date.search(text, at, n, timeout=TIMEOUT)
    if pm is None:
        return DateLine(dm.start, dm.end, None, dm)
    return DateLine(pm.start(), dm.end, pm.group("place"), dm)


def _date_search(text: str, start: int = 0) -> DateLine | None:
    """The first date line of text[start:]: tried only at each "ngày" (its place name comes at
    most a line before it)."""
    for n in _NGAY.finditer(text, start, timeout=TIMEOUT):
        line = _date_at(text, n.start(), start)
        if line is not None:
            return line
    return None


def _set_date(header: Header, line: DateLine) -> None:
    header.issue_date, header.date_precision = line.date.iso(), line.date.precision
    header.date_span = Span(line.start, line.end)
    if line.place:
        # words run together by OCR are split at their capitals ("QuảngNgãi")
        header.place = collapse(_CAMEL.sub(" ", line.place, timeout=TIMEOUT))


def date_line(text: str, start: int, end: int) -> Header | None:
    """A date line standing alone in text[start:end] (documents whose header lacks it but
    whose signature block carries "Hà Nội, ngày ..."); only a whole cell counts."""
    for cell in cells(text, start, end):
        line = _date_search(cell.text)
        if line and line.place and line.start == 0 and line.end == len(cell.text.rstrip()):
            h = Header(region_end=0)
            _set_date(h, line)
            if h.date_span:
                h.date_span = Span(cell.start + h.date_span.start, cell.start + h.date_span.end)
            return h
    return None
