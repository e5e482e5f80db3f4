"""Trích yếu (title) after the type line, the period a plan covers, and the plan a
Quyết định issues ("attached")."""

from __future__ import annotations

from dataclasses import dataclass

import regex
from kehoach.extract.grammar.bodies import grammar as body_grammar
from kehoach.extract.grammar.dates import find_dates
from kehoach.extract.metadata.header import Header, find_type_line
from kehoach.extract.metadata.layout import collapse
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.rules import load_yaml, per_rules


@dataclass
class Title:
    text: str
    start: int  # normalized offsets
    end: int



@dataclass(frozen=True)
class _Rules:
    stop: regex.Pattern[str]
    opener: regex.Pattern[str]
    authority: regex.Pattern[str]
    periods: tuple[regex.Pattern[str], ...]
    period_ignore: regex.Pattern[str]
    open_ended: regex.Pattern[str]
    ranges: tuple[regex.Pattern[str], ...]
    cited_dates: regex.Pattern[str]
    period_line: regex.Pattern[str]
    statement_chars: int
    statement_heading: regex.Pattern[str]
    statement_break: regex.Pattern[str]
    cited_before: regex.Pattern[str]
    until_event: regex.Pattern[str]
    from_issue: regex.Pattern[str]
    weak_title: regex.Pattern[str]
    attach: regex.Pattern[str]
    max_lines: int
    max_chars: int
    line_max_chars: int
    self_ref: regex.Pattern[str]


@per_rules
def rules() -> _Rules:
    cfg = load_yaml("metadata.yaml")
    stops = "|".join(f"(?:{p})" for p in cfg["title_stops"])
    titles = alternation([t.upper() for t in cfg["signer_titles"]])
    councils = alternation([f.upper() for f in body_grammar().names.councils])
    ignore = alternation(cfg["period_ignore"])
    return _Rules(
        stop=regex.compile(rf"(?:{stops})|\("),
        opener=regex.compile(rf"(?:{alternation(cfg['body_openers'])})(?!\p{{L}})"),
        # "GIÁM ĐỐC SỞ ...", "CHỦ TỊCH ỦY BAN NHÂN DÂN ...", "ỦY BAN NHÂN DÂN TỈNH ..."
        authority=regex.compile(rf"(?:(?:PHÓ\s+)?(?:{titles})|{councils})(?!\p{{L}})[^\p{{Ll}}\n]*$"),
        periods=tuple(regex.compile(p, regex.IGNORECASE) for p in cfg["period_patterns"]),
        period_ignore=regex.compile(rf"(?i:{ignore})\s*(?:năm\s*)?(?:19|20)\d\d"),
        ranges=tuple(regex.compile(p, regex.IGNORECASE) for p in cfg["period_ranges"]),
        open_ended=regex.compile("|".join(f"(?:{p})" for p in cfg["period_open_ended"]),
                                 regex.IGNORECASE),
        # dates and numbers of cited instruments are not the period
        cited_dates=regex.compile(
            r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*(?:19|20)\d\d|\d+/(?:19|20)\d\d/[\p{L}\-]+"
            r"|(?i:ngày)\s*\d{1,2}\s*(?i:tháng)\s*\d{1,2}\s*(?i:năm)\s*(?:19|20)\d\d"
        ),
        # the label, as written or all upper case, at the start of a line or heading
        period_line=regex.compile(
            rf"(?m)^[\s\-+•*\d.)]*(?:[IVXL]+\.\s*)?"
            rf"(?:{alternation(cfg['period_lines'] + [w.upper() for w in cfg['period_lines']])}"
            # a bare "THỜI GIAN" heading: only alone on its line
            rf"|(?:{alternation(cfg['period_headings'] + [w.upper() for w in cfg['period_headings']])})"
            r"(?=[ \t*_:]*$))"
        ),
        statement_chars=int(cfg["period_statement_chars"]),
        statement_heading=regex.compile(r"(?m)^[ \t]*\**[ \t]*(?:\d+|[IVXL]+)\.[ \t]"),
        # a line that does not continue the sentence before it
        statement_break=regex.compile(r"[ \t]*(?:$|[|\-+•]|\**[ \t]*(?:\d+|[IVXL]+|\p{Ll})[.)][ \t])"),
        cited_before=regex.compile(r"\d+/[\p{Lu}Đ][\p{L}\d\-/]*\s*,?\s*$"),
        until_event=regex.compile(rf"(?i:{alternation(cfg['period_until_event'])})(?!\p{{L}})"),
        from_issue=regex.compile(rf"(?i:{alternation(cfg['period_from_issue'])})(?!\p{{L}})"),
        weak_title=regex.compile(
            rf"(?i:{alternation(cfg['period_weak_title'])})\s*(?:(?i:từ)\s*)?(?:(?i:năm)\s*)?"
            r"(?:19|20)\d\d(?:\s*(?:-|–|(?i:đến)(?:\s+(?i:năm))?)\s*(?:19|20)\d\d)?"
        ),
        attach=regex.compile(
            rf"(?i:{alternation(cfg['attach_cues'])})\s+(?P<doc>(?i:{alternation(cfg['doc_types'])})(?!\p{{L}})[^\n]*)"
        ),
        max_lines=cfg["title_max_lines"],
        max_chars=cfg["title_max_chars"],
        line_max_chars=cfg["title_line_max_chars"],
        self_ref=regex.compile(
            rf"(?:{alternation(cfg['self_reference_cues'])})\s+(?i:{alternation(cfg['doc_types'])})[^\n]*"
        ),
    )


def is_authority_line(line: str) -> bool:
    return bool(rules().authority.match(line.strip(), timeout=TIMEOUT))


def find_title(text: str, header: Header) -> Title | None:
    """Lines after the type line up to a blank line or the start of the body."""
    if header.type_cell is None:
        return None
    r = rules()
    parts: list[tuple[int, int]] = []
    if header.title_in_type_line:
        parts.append(header.title_in_type_line)
    pos = header.type_cell.end
    pos = text.find("\n", pos)
    blank_ok = not parts  # blank lines may separate the type line from the title
    while pos >= 0 and len(parts) < r.max_lines:
        line_start = pos + 1
        nl = text.find("\n", line_start)
        line_end = len(text) if nl < 0 else nl
        line = text[line_start:line_end]
        stripped = line.strip()
        if not stripped:
            if not blank_ok:
                break
            pos = nl
            continue
        blank_ok = False
        if r.stop.match(stripped, timeout=TIMEOUT) or len(stripped) > r.line_max_chars or (
            parts and (
                is_authority_line(stripped) or stripped.endswith(":")
                or r.opener.match(stripped, timeout=TIMEOUT)
            )
        ):
            break
        lead = len(line) - len(line.lstrip())
        parts.append((line_start + lead, line_start + len(line.rstrip())))
        if sum(e - s for s, e in parts) > r.max_chars:
            break
        pos = nl
    if not parts:
        return None
    start, end = parts[0][0], parts[-1][1]
    title = collapse(" ".join(text[s:e] for s, e in parts)).strip(" .;:")
    return Title(title, start, end) if title else None


def subject_title(text: str, span: tuple[int, int]) -> Title:
    """The subject of an official letter ("V/v hướng dẫn ...") with the lines that continue
    it (lower-case starts, not the date line nor "Kính gửi")."""
    start, end = span
    pos = end
    for _ in range(3):
        if pos >= len(text) or text[pos] != "\n":
            break
        nl = text.find("\n", pos + 1)
        nl = len(text) if nl < 0 else nl
        line = text[pos + 1 : nl]
        stripped = line.strip()
        if not stripped or not stripped[0].islower() or "\t" in line.strip() or len(stripped) > 200:
            break
        end = pos + 1 + len(line.rstrip())
        pos = nl
    return Title(collapse(text[start:end]).strip(" .;:"), start, end)


def _period_in(s: str) -> tuple[int | None, int | None] | None:
    """The period stated in `s`; (None, None) when it is open-ended; None when `s` states none."""
    r = rules()
    s = r.period_ignore.sub(" ", s, timeout=TIMEOUT)
    if r.open_ended.search(s, timeout=TIMEOUT):
        return None, None  # stated, but open-ended: no period
    s = r.cited_dates.sub(" ", s, timeout=TIMEOUT)
    # every period expression, a stronger pattern owning its span; the plan's own period
    # is the last one ("thực hiện Chương trình ... giai đoạn 2021-2030 năm 2022" -> 2022)
    found: list[tuple[int, int, int | None, int | None]] = []
    for pat in r.periods:
        for m in pat.finditer(s, timeout=TIMEOUT):
            if any(m.start() < e and s0 < m.end() for s0, e, _, _ in found):
                continue
            a = int(m.group("a")) if "a" in pat.groupindex and m.group("a") else None
            b = int(m.group("b")) if "b" in pat.groupindex and m.group("b") else None
            if a and b is None:
                b = a
            if a and b and b < a:
                continue
            found.append((m.start(), m.end(), a, b))
    if not found:
        return None
    _, _, a, b = max(found)
    return a, b


def find_period(text: str, title: str | None, self_desc: str,
                issue_year: int | None = None) -> tuple[int | None, int | None]:
    """Years the plan covers: from its title, else a "Thời gian thực hiện" statement, else
    the sentences where the plan names itself (`self_desc`: the opening sentence's object,
    and the closing "Trên đây là Kế hoạch ..."). A title giving only an end year, or the
    term of an elected body ("nhiệm kỳ 2026 - 2031"), yields to a "Thời gian" statement."""
    r = rules()
    partial = None
    if title:
        own = _period_in(r.weak_title.sub(" ", title, timeout=TIMEOUT))
        p = own or _period_in(title)
        if p:
            if p == (None, None) or (own and p[0] is not None):
                return p
            partial = p
    m = _period_label(text)
    p = _statement_period(_statement(text, m.end()), issue_year) if m else None
    if p and p != (None, None):
        if partial and p[1] is None:
            return p[0], partial[1]
        return p
    if p:
        return partial or p
    if partial:
        return partial
    closing = [m.group() for m in r.self_ref.finditer(text, timeout=TIMEOUT)]
    for s in [self_desc, *closing[-1:]]:
        p = _period_in(s) if s else None
        if p:
            return p
    return None, None


def _period_label(text: str) -> regex.Match[str] | None:
    """The first "Thời gian thực hiện" label at the start of a line: the lines holding "thời"
    (found by substring search) are matched at their start."""
    r = rules()
    low = text.lower()
    if len(low) != len(text):
        return r.period_line.search(text, timeout=TIMEOUT)
    i = low.find("thời")
    while i >= 0:
        ls = text.rfind("\n", 0, i) + 1
        m = r.period_line.match(text, ls, timeout=TIMEOUT)
        if m:
            return m
        nl = text.find("\n", i)
        if nl < 0:
            return None
        i = low.find("thời", nl)
    return None


def _statement(text: str, pos: int) -> str:
    """What a "Thời gian thực hiện" label ending at `pos` states: the rest of its line and
    the lines continuing that sentence (up to a blank, bullet, heading or table line); for a
    heading (nothing but markup after the label), the next lines up to the next numbered
    heading. A table column header (a cell line next to it) states nothing. At most
    period_statement_chars characters."""
    r = rules()
    cap = min(len(text), pos + r.statement_chars)
    lines = []
    at = pos
    while at < cap:
        nl = text.find("\n", at, cap)
        lines.append((at, cap if nl < 0 else nl))
        at = cap if nl < 0 else nl + 1
    if not lines:
        return ""
    first_end = lines[0][1]
    if regex.search(r"[\p{L}\d]", text[pos:first_end], timeout=TIMEOUT):
        end = first_end
        for s0, e0 in lines[1:]:
            if r.statement_break.match(text, s0, e0, timeout=TIMEOUT):
                break
            end = e0
        return text[pos:end]
    if len(lines) > 1 and _is_cell_break(text[lines[1][0] : lines[1][1]]):
        return ""  # a table column header
    content = [(s0, e0) for s0, e0 in lines[1:] if text[s0:e0].strip(" \t*_")]
    if not content or _is_cell_break(text[content[0][0] : content[0][1]]):
        return ""
    end = content[0][1]
    for s0, e0 in content[1:]:
        if r.statement_heading.match(text, s0, e0, timeout=TIMEOUT):
            break
        end = e0
    return text[content[0][0] : end]


def _is_cell_break(line: str) -> bool:
    """A table cell boundary: a tab (normalized cells) or a markdown pipe."""
    return "\t" in line or line.lstrip().startswith("|")


def _statement_period(s: str, issue_year: int | None) -> tuple[int | None, int | None] | None:
    """The period a "Thời gian" statement gives: its date ranges (earliest start, latest
    end), else "từ nay / từ ngày ban hành ... [đến năm Y]" (issue year - Y), else the
    period expressions of the title grammar."""
    r = rules()
    if r.open_ended.search(r.period_ignore.sub(" ", s, timeout=TIMEOUT), timeout=TIMEOUT):
        return None, None
    spans = [(int(m.group("a")), int(m.group("b"))) for pattern in r.ranges
             for m in pattern.finditer(s, timeout=TIMEOUT)]
    spans = [(a, b) for a, b in spans if a <= b]
    if spans:
        return min(a for a, _ in spans), max(b for _, b in spans)
    until = r.until_event.search(s, timeout=TIMEOUT)
    if until:  # "từ tháng 11/2025 đến khi kết thúc ...": a start, no end year
        p = _statement_period(s[: until.start()], issue_year)
        return (p[0], None) if p and p[0] else None
    m = r.from_issue.search(s, timeout=TIMEOUT)
    if m and issue_year:
        rest = _period_in(s[m.end() :])
        end = rest[1] if rest else None
        if end is None or end >= issue_year:
            return issue_year, end
    # the days, months and quarters of its activities ("Đợt 1 (từ ngày 20 tháng 11 năm 2025
    # đến ngày 03 tháng 12 năm 2025)"), not those of a cited instrument ("số 12/KH-UBND ngày")
    years = [y for d in find_dates(s) if d.precision != "year" and d.year
             and not r.cited_before.search(s[max(0, d.start - 40) : d.start], timeout=TIMEOUT)
             for y in (d.year_from or d.year, d.year)]
    if years:
        return min(years), max(years)
    return _period_in(s)


def find_attached(text: str, title: Title | None, body_end: int) -> str | None:
    """For a Quyết định issuing a plan: the plan named after "ban hành" in the decision's
    title, else in its articles ("Điều 1. Ban hành kèm theo Quyết định này Kế hoạch ...")
    before `body_end`, else the title under the attached plan's own type line."""
    r = rules()
    sources = [title.text] if title else []
    start = title.end if title else 0
    sources.append(text[start:body_end])
    for src in sources:
        m = r.attach.search(src, timeout=TIMEOUT)
        if m:
            doc = regex.split(r"[.;:](?:\s|$)", collapse(m.group("doc")), maxsplit=1,
                              timeout=TIMEOUT)[0]
            doc = doc.strip(" .;:,")
            if len(doc) > 10:
                return doc[0].upper() + doc[1:]
    rest = text[body_end:]
    found = find_type_line(rest, len(rest))
    if found and found[1] != "Quyết định":
        cell, doc_type, _ = found
        t = find_title(rest, Header(region_end=0, type_cell=cell, doc_type=doc_type))
        if t and len(t.text) > 10:
            return f"{doc_type} {t.text}"
    return None
