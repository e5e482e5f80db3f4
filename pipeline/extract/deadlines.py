"""Deadlines (dates the plan sets) and recurring duties, with the task and body they belong to.

Dates: a day, or a list of days, after a deadline cue ("trước ngày 03/3, 03/6, 03/9 năm
2024"); a month or quarter with its year ("tháng 3/2026", "Quý II/2026") or after a cue; a
year after a year cue ("hoàn thành trong năm 2026"); any of them in a task table's time
column. A month, quarter or year given as a deadline is its last day. Years left out come from
the plan (`assign_common.plan_year`). Dates inside cited instruments and before the first
section (the plan's own date line) are not deadlines.

Recurrences: phrases such as "hằng quý", "thường xuyên", and unit lists after "định kỳ" /
"báo cáo" ("định kỳ quý, 06 tháng, 09 tháng và năm"); not in budget clauses ("kinh phí ...
hằng năm"). Cues are data: models/deadlines.yaml.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import regex
from kehoach.context import DocContext
from kehoach.extract import assign_common as common
from kehoach.extract import bodies
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation, fold_spaces
from kehoach.tables import load_yaml

_DM = r"\d{1,2}\s*[/\-.]\s*\d{1,2}(?:\s*[/\-.]\s*\d{4})?"
_DWORDS = r"\d{1,2}\s+tháng\s+\d{1,2}(?:\s*,?\s+năm\s+\d{4})?"
_ITEM = rf"(?:ngày\s+)?(?:{_DWORDS}|{_DM})(?![\d/])"
_ITEM_RE = regex.compile(
    r"(?P<d>\d{1,2})\s*(?:[/\-.]|\s+tháng\s+)\s*(?P<m>\d{1,2})"
    r"(?:\s*(?:[/\-.]|,?\s+năm\s+)\s*(?P<y>\d{4}))?"
)
_QUARTER = r"(?:IV|I{1,3}|[1-4])"


@dataclass(frozen=True)
class DeadlineRules:
    day_list: regex.Pattern[str]
    cue_before: regex.Pattern[str]  # a deadline cue ending right before a date
    month: regex.Pattern[str]
    quarter: regex.Pattern[str]
    year: regex.Pattern[str]
    table_year: regex.Pattern[str]
    quarters: dict[str, int]
    strong: common.PhraseIndex
    list_leads: common.PhraseIndex
    strong_map: dict[str, str]
    unit_list: regex.Pattern[str]
    unit_item: regex.Pattern[str]
    unit_map: dict[str, str]
    exclude_clause: regex.Pattern[str]
    exclude_phrases: regex.Pattern[str]
    # `year` and `exclude_phrases` as one pattern per phrase (same matches, much faster scan)
    year_branches: common.Branches
    exclude_branches: common.Branches



def compile_rules(cfg: dict[str, Any]) -> DeadlineRules:
    b = r"(?<![\p{L}\p{M}\d])"
    cue = f"{b}(?i:{alternation(cfg['cues'])})"
    ycue = f"{b}(?i:{alternation(cfg['year_cues'])})"
    rec = cfg["recurrence"]
    strong_map = {fold_spaces(p): code for code, ps in rec["strong"].items() for p in ps}
    unit_map = {fold_spaces(p): code for code, ps in rec["list_units"].items() for p in ps}
    units = alternation(list(unit_map))
    return DeadlineRules(
        day_list=regex.compile(
            rf"(?<![\d/])(?P<items>(?:{_DWORDS}|{_DM})(?![\d/])"
            rf"(?:\s*(?:,|;|và|hoặc)\s*{_ITEM})*(?:\s*,?\s*(?:năm\s+|/)\d{{4}})?)"
        ),
        cue_before=regex.compile(rf"{cue}\s*:?\s*(?:(?i:ngày)\s+)?$"),
        month=regex.compile(
            rf"(?<!ngày\s+(?:\d{{1,2}}\s+)?){b}(?i:tháng)\s+(?P<m>\d{{1,2}})"
            rf"(?:\s*(?:/|-|\s+năm\s+)\s*(?P<y>\d{{4}}))?(?![\d/])"
        ),
        quarter=regex.compile(
            rf"{b}(?i:quý)\s+(?P<q>{_QUARTER})(?![\p{{L}}\d])"
            rf"(?:\s*(?:/|-|\s+năm\s+)\s*(?P<y>\d{{4}}))?"
        ),
        year=regex.compile(rf"{ycue}\s+(?P<y>\d{{4}})(?!\d)"),
        table_year=regex.compile(r"(?<![\d/])(?P<y>20\d\d)(?![\d/])"),
        quarters={str(k): int(v) for k, v in cfg["quarters"].items()},
        strong=common.phrase_index(list(strong_map)),
        list_leads=common.phrase_index([fold_spaces(x) for x in rec["list_lead"]]),
        strong_map=strong_map,
        unit_list=regex.compile(
            rf"{b}(?i:{alternation(rec['list_lead'])})(?:\s+(?i:hằng|hàng|theo))?\s+"
            rf"(?P<list>(?i:{units})(?![\p{{L}}\p{{M}}])"
            rf"(?:\s*(?:,|và|;)\s*(?i:{units})(?![\p{{L}}\p{{M}}]))*)"
        ),
        unit_item=regex.compile(rf"(?i:{units})(?![\p{{L}}\p{{M}}])"),
        unit_map=unit_map,
        exclude_clause=regex.compile(rf"(?i:{alternation(rec['exclude_clause'])})"),
        exclude_phrases=regex.compile(rf"(?i:{alternation(rec['exclude_phrases'])})"),
        year_branches=common.phrase_branches(b, cfg["year_cues"], r"\s+(?P<y>\d{4})(?!\d)"),
        exclude_branches=common.phrase_branches("", rec["exclude_phrases"], ""),
    )


@cache
def rules() -> DeadlineRules:
    return compile_rules(load_yaml("deadlines.yaml"))


@dataclass
class DateMention:
    start: int
    end: int
    date: date
    precision: str  # day, month, quarter, year


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe(fn, *args) -> date | None:
    try:
        return fn(*args)
    except ValueError:
        return None


def find_dates(text: str, start: int, end: int, year: int | None, r: DeadlineRules,
               in_table: bool = False) -> list[DateMention]:
    """Deadline dates in text[start:end]. `in_table`: a task-table time cell (no cue needed)."""
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    def cued(pos: int) -> bool:
        return r.cue_before.search(text, max(start, pos - 40), pos, timeout=TIMEOUT) is not None

    for m in r.day_list.finditer(text, start, end, timeout=TIMEOUT):
        if not (in_table or cued(m.start())):
            continue
        items = list(_ITEM_RE.finditer(text, m.start("items"), m.end("items"), timeout=TIMEOUT))
        tail = regex.search(r"(?:năm\s+|/)(\d{4})\s*$", m.group("items"), timeout=TIMEOUT)
        list_year = int(tail.group(1)) if tail else None
        for it in items:
            y = int(it.group("y")) if it.group("y") else (list_year or year)
            if y is None:
                continue
            d = _safe(date, y, int(it.group("m")), int(it.group("d")))
            if d is not None:
                out.append(DateMention(it.start(), it.end(), d, "day"))
        taken.append(m.span())
    for m in r.quarter.finditer(text, start, end, timeout=TIMEOUT):
        if not free(*m.span()) or not (m.group("y") or in_table or cued(m.start())):
            continue
        y = int(m.group("y")) if m.group("y") else year
        q = r.quarters.get(m.group("q").upper())
        if y and q:
            out.append(DateMention(m.start(), m.end(), _last_day(y, q * 3), "quarter"))
            taken.append(m.span())
    for m in r.month.finditer(text, start, end, timeout=TIMEOUT):
        if not free(*m.span()) or not (m.group("y") or in_table or cued(m.start())):
            continue
        y = int(m.group("y")) if m.group("y") else year
        mo = int(m.group("m"))
        if y and 1 <= mo <= 12:
            out.append(DateMention(m.start(), m.end(), _last_day(y, mo), "month"))
            taken.append(m.span())
    years = (r.table_year.finditer(text, start, end, timeout=TIMEOUT) if in_table
             else r.year_branches.finditer(text, start, end))
    for m in years:
        if free(*m.span()):
            out.append(DateMention(m.start("y"), m.end("y"), date(int(m.group("y")), 12, 31),
                                   "year"))
    out.sort(key=lambda d: d.start)
    return out


@dataclass
class RecurrenceMention:
    start: int
    end: int
    recurrence: str


def _clause(text: str, pos: int, lo: int, hi: int) -> str:
    s = max(text.rfind(";", lo, pos), text.rfind(". ", lo, pos), lo)
    ends = [i for i in (text.find(";", pos, hi), text.find(". ", pos, hi)) if i >= 0]
    return text[s : min(ends) if ends else hi]


def find_recurrences(text: str, start: int, end: int, r: DeadlineRules,
                     block=None) -> list[RecurrenceMention]:
    out: list[RecurrenceMention] = []
    excluded = [m.span() for m in r.exclude_branches.finditer(text, start, end)]

    def keep(s: int, e: int) -> bool:
        if any(a <= s and e <= b for a, b in excluded):
            return False
        lo, hi = block(s) if block else (start, end)
        return not r.exclude_clause.search(_clause(text, s, lo, hi), timeout=TIMEOUT)

    low = common.lower(text[start:end])
    for s, e, key in common.match_phrases(low, r.strong, False):
        code = r.strong_map.get(key)
        if code and keep(start + s, start + e):
            out.append(RecurrenceMention(start + s, start + e, code))
    for s, _e, _key in common.match_phrases(low, r.list_leads, True):
        m = r.unit_list.match(text, start + s, end, timeout=TIMEOUT)
        if m is None or not keep(*m.span()):
            continue
        for it in r.unit_item.finditer(text, m.start("list"), m.end("list"), timeout=TIMEOUT):
            code = r.unit_map.get(fold_spaces(it.group()))
            if code and not any(o.start <= it.start() < o.end for o in out):
                out.append(RecurrenceMention(it.start(), it.end(), code))
    out.sort(key=lambda x: x.start)
    return out


def _body_of_block(ctx: DocContext, pos: int) -> str | None:
    t = common.tree(ctx)
    row = t.row_at(pos)
    if row is not None:
        cell = row.cell("lead")
        if cell is not None and cell.text:
            found = bodies.find_mentions(ctx.text, cell.start, cell.end)
            return bodies.expand(found[0].text) if found else cell.text
    return bodies.body_for(ctx, pos)


def run(ctx: DocContext, r: DeadlineRules | None = None) -> None:
    r = r or rules()
    t = common.tree(ctx)
    text = ctx.text
    year = common.plan_year(ctx)
    cites = common.citation_spans(ctx)
    begin = t.first_section_start()
    time_cells = [(c.start, c.end) for row in t.rows for c in row.cells if c.role == "time"]
    dates = find_dates(text, begin, len(text), year, r)
    for s, e in time_cells:
        dates = [d for d in dates if not (s <= d.start < e)]
        dates += find_dates(text, s, e, year, r, in_table=True)
    recs = find_recurrences(text, begin, len(text), r, block=t.block)

    def keep(s: int, e: int) -> bool:
        return not t.in_closing(s) and not cites.overlaps(*ctx.norm.span_to_source(s, e))

    for d in sorted(dates, key=lambda d: d.start):
        if keep(d.start, d.end):
            _add(ctx, d.start, d.end, date=d.date.isoformat(), precision=d.precision,
                 recurrence=None)
    for rc in recs:
        if keep(rc.start, rc.end):
            _add(ctx, rc.start, rc.end, date=None, precision=None, recurrence=rc.recurrence)


def _add(ctx: DocContext, start: int, end: int, **values: Any) -> None:
    ctx.add("deadlines", {
        "text": " ".join(ctx.text[start:end].split()),
        **values,
        "task": common.task_text(ctx, start),
        "body": _body_of_block(ctx, start),
        **common.base_row(ctx, start, end),
    })
