"""Deadlines (dates the plan sets) and recurring duties, with the task and body they belong to.

Dates are read by the one date grammar (`kehoach.extract.grammar.dates`, models/dates.yaml); this
module decides which of them the plan sets (GUIDELINE "deadlines"), with the words of
models/deadlines.yaml:
- in a task table's time column, or on a line labelled "Thời gian thực hiện:", "Thời hạn:",
  ... (and the paragraph under such a heading): every date, a year alone too;
- elsewhere in the body: a day, month, quarter or part of a year after a deadline cue
  ("trước ngày 15/12/2026", "hoàn thành trong Quý II/2026") or not before the plan's own
  date; a year only after a year cue ("hoàn thành trong năm 2026", "đến hết năm 2025") or as
  a target ("Phấn đấu đến năm 2030", "Mục tiêu đến hết năm 2026", "Đến năm 2030, ..."), never
  an orientation or vision ("định hướng/tầm nhìn đến năm 2045");
- a range counts by its end ("Từ ngày 15/11/2025 đến ngày 15/12/2025" -> 2025-12-15), a list
  of days by each day, the year written last applying to all ("trước ngày 03/3, 03/6, 03/9
  năm 2024");
- a month, quarter, part of a year or year is its last day;
- a day without a year takes the year of a single-year plan; in a multi-year or open-ended
  plan, or next to "hằng năm", it is a yearly date and gives the recurrence only ("trước
  ngày 01/6 và 15/11 hằng năm" -> half-yearly);
- not deadlines: dates of cited instruments, the plan's own date and header, the closing,
  dates long before the plan's own date.

Recurrences: phrases such as "hằng quý", "thường xuyên", "2 lần/tháng", and unit lists after
"định kỳ" / "báo cáo" ("định kỳ quý, 06 tháng, 09 tháng và năm"); not in budget or payment
clauses ("kinh phí ... hằng năm"), targets ("Phấn đấu mỗi năm ..."), nor in the Mục đích /
Yêu cầu / Mục tiêu sections.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import regex
from kehoach.context import DocContext
from kehoach.extract.assignments import bodies, common
from kehoach.extract.grammar import dates
from kehoach.normalize import TIMEOUT
from kehoach.patterns import (
    Branches,
    EndCue,
    PhraseIndex,
    alternation,
    fold_spaces,
    lower,
    match_phrases,
    phrase_branches,
    phrase_index,
)
from kehoach.rules import Rules, compiled_for

PAST_SLACK = timedelta(days=365)  # a time-cell date may lie this long before the plan's date
CUE_REACH = 12  # characters between a cue and its date (spaces, "ngày", markup)


@dataclass(frozen=True)
class DeadlineRules:
    cue_before: EndCue  # a deadline cue ending right before a date
    year_cue_before: EndCue
    target_before: EndCue  # "[Phấn đấu|Mục tiêu|<clause start>] đến [hết] "
    not_target_before: EndCue
    in_parens: regex.Pattern[str]  # "(" and paren words right before a date
    paren_owner: regex.Pattern[str]  # "Kế hoạch 5 năm (" : the years are its own period
    commemoration_years: int
    open_range_end: regex.Pattern[str]  # "đến khi ..." right after a date
    instant_before: regex.Pattern[str]  # "thời điểm 0h00 ngày" right before a date
    time_label: regex.Pattern[str]
    label_before: EndCue  # "...; thời gian hoàn thành: " inside a line
    bare_day_before: EndCue  # cues a day and month alone may follow ("trước 30/6")
    time_words: tuple[str, ...]  # first words of the labels, lower case
    range_link: regex.Pattern[str]
    list_link: regex.Pattern[str]
    list_firsts: str  # first characters of the list links (a quick test before the pattern)
    range_firsts: str
    yearly_words: regex.Pattern[str]
    days_per_year: dict[int, str]
    strong: PhraseIndex
    list_leads: PhraseIndex
    strong_map: dict[str, str]
    unit_list: regex.Pattern[str]
    unit_item: regex.Pattern[str]
    unit_map: dict[str, str]
    exclude_clause: regex.Pattern[str]
    exclude_reach: int
    unit_words: tuple[str, ...]  # "tháng", "quý", "năm", "tuần"
    every_words: tuple[str, ...]  # "hằng", "hàng", "mỗi": a number after them counts times
    exclude_sections: tuple[str, ...]
    target_sections: tuple[str, ...]
    link_before: EndCue  # a target link ("đến", "đến hết") right before a date
    exclude_branches: Branches


def compile_rules(rules: Rules) -> DeadlineRules:
    """The deadline reader of a rules folder (deadlines.yaml)."""
    cfg: dict[str, Any] = rules.yaml("deadlines.yaml")
    b = r"(?<![\p{L}\p{M}\d])"
    gap = r"[\s*_:(]*"  # markup and spaces between a cue and its date
    rec = cfg["recurrence"]
    strong_map = {fold_spaces(p): code for code, ps in rec["strong"].items() for p in ps}
    unit_map = {fold_spaces(p): code for code, ps in rec["list_units"].items() for p in ps}
    units = alternation(list(unit_map))
    unit_end = r"(?![\p{L}\p{M}])(?!\s*\d)"  # not "báo cáo năm 2025": one report, no recurrence
    # the year word belongs to the date ("năm 2026"): a cue is matched without it
    ycues = alternation([regex.sub(r"\s+(?:năm|nam)$", "", c) for c in cfg["year_cues"]])
    # range links: words may follow a line break ("15/11/2025\nđến ngày ..."), a dash may not
    # (a dash opening the next line is a bullet)
    range_words = [w for w in cfg["range_links"] if any(c.isalpha() for c in w)]
    range_marks = "".join(w for w in cfg["range_links"] if not any(c.isalpha() for c in w))
    links = alternation(cfg["target_links"])
    clause_start = r"(?:^|\n|[.:;]\s|[-+•*)]\s|\*\*)[\s*_]*"
    return DeadlineRules(
        cue_before=EndCue(regex.compile(
            rf"{b}(?i:{alternation(cfg['cues'])}){gap}(?:(?i:{cfg['time_of_day']}){gap})?(?i:ngày)?{gap}$")),
        year_cue_before=EndCue(regex.compile(rf"{b}(?i:{ycues})\s*$")),
        target_before=EndCue(regex.compile(
            rf"(?:{b}(?i:{alternation(cfg['target_leads'])})[^.;:\n]{{0,40}}?|{clause_start})"
            rf"{b}(?i:{links})\s+$")),
        not_target_before=EndCue(regex.compile(
            rf"{b}(?i:{alternation(cfg['not_targets'])})\s+(?i:{links})\s+$")),
        in_parens=regex.compile(rf"\(\s*(?:(?i:{alternation(cfg['paren_words'])})\s*)?$"),
        paren_owner=regex.compile(
            rf"{b}(?i:{alternation(cfg['paren_owners'])})(?:\s+\d+\s+(?i:năm))?\s*\(\s*$"),
        commemoration_years=int(cfg["commemoration_years"]),
        open_range_end=regex.compile(rf"[\s*_)]*(?i:{alternation(cfg['open_range_ends'])})(?!\p{{L}})"),
        instant_before=regex.compile(
            rf"{b}(?i:{alternation(cfg['instant_words'])})\s+(?:\d{{1,2}}\s*(?i:h|giờ)\s*\d{{0,2}}"
            rf"\s*(?i:phút)?\s*,?\s*)?(?i:ngày)?\s*$"),
        label_before=EndCue(regex.compile(
            rf"{b}(?i:{alternation(cfg['time_labels'])})[\s*_]*:[\s*_]*(?:(?i:{ycues})\s*)?$")),
        bare_day_before=EndCue(regex.compile(
            rf"{b}(?i:{alternation(cfg['bare_day_cues'])})[ \t]+$")),
        time_words=tuple({" ".join(x.lower().split()[:2]) for x in cfg["time_labels"]}),
        time_label=regex.compile(
            rf"(?m)^[\s*_#\-+•]*(?:[\dIVX]+[.)]\s*|[a-zđ][)]\s*)*[\s*_]*"
            rf"(?i:{alternation(cfg['time_labels'])})[\s*_]*(?::[\s*_]*|$)"),
        range_link=regex.compile(
            rf"(?:[\s*_]*{b}(?i:{alternation(range_words)})(?![\p{{L}}\p{{M}}])"
            rf"|[ \t*_]*[{regex.escape(range_marks)}])[\s*_]*"),
        list_firsts="".join({c for w in cfg["list_links"] for c in (w[0].lower(), w[0].upper())}),
        range_firsts="".join({w[0].lower() for w in cfg["range_links"]}),
        list_link=regex.compile(rf"\s*(?:{alternation(cfg['list_links'])})\s*"),
        yearly_words=regex.compile(rf"(?i:{alternation(cfg['yearly_words'])})"),
        days_per_year={int(k): str(v) for k, v in cfg["days_per_year"].items()},
        strong=phrase_index(list(strong_map)),
        list_leads=phrase_index([fold_spaces(x) for x in rec["list_lead"]]),
        strong_map=strong_map,
        unit_list=regex.compile(
            rf"{b}(?i:{alternation(rec['list_lead'])})(?:\s+(?i:hằng|hàng|theo))?[\s(:]+"
            rf"(?P<list>(?i:{units}){unit_end}"
            rf"(?:\s*(?:,|và|;)\s*(?i:{units}){unit_end})*)"
        ),
        unit_item=regex.compile(rf"(?i:{units}){unit_end}"),
        unit_map=unit_map,
        unit_words=tuple(fold_spaces(u) for u in rec["unit_words"]),
        every_words=tuple(fold_spaces(u) for u in rec["every_words"]),
        exclude_clause=regex.compile(rf"(?i:{alternation(rec['exclude_clause'])})"),
        exclude_reach=int(rec["exclude_reach"]),
        exclude_sections=tuple(fold_spaces(s) for s in rec["exclude_sections"]),
        target_sections=tuple(fold_spaces(s) for s in cfg["target_sections"]),
        link_before=EndCue(regex.compile(rf"{b}(?i:{links})\s+$")),
        exclude_branches=phrase_branches("", rec["exclude_phrases"], ""),
    )


def rules(source: Rules | None = None) -> DeadlineRules:
    """The deadline reader compiled from `source` (default: the shipped rules), once per
    rules folder."""
    return compiled_for(source, "extract.deadlines", compile_rules)


@dataclass
class RecurrenceMention:
    start: int
    end: int
    recurrence: str


@dataclass
class DateMention:
    start: int
    end: int
    date: date
    precision: str  # day, month, quarter, part, year


@dataclass(frozen=True)
class Plan:
    """What the plan itself says about time: its own date and the year of a single-year plan."""
    issued: date | None = None
    single_year: int | None = None  # None: multi-year, open-ended or unknown
    fallback_year: int | None = None  # unknown period: the plan's year (`plan_year`)
    floor: date | None = None  # dates before are of the past: the plan's date, else its first year


def _clause(text: str, pos: int, lo: int, hi: int, cells: bool = False) -> tuple[int, int]:
    """The clause around `pos` within lo..hi; with `cells`, a table cell boundary (a tab in a
    normalized row) also ends it, so a time cell is judged alone, not with the row's task."""
    seps = (";", ". ", "\n", "\t") if cells else (";", ". ", "\n")
    s = max([text.rfind(c, lo, pos) for c in seps] + [lo])
    ends = [i for i in (text.find(c, pos, hi) for c in seps) if i >= 0]
    return s, (min(ends) if ends else hi)


def _day_lists(text: str, found: list[dates.DateMatch], end: int,
               r: DeadlineRules) -> list[list[dates.DateMatch]]:
    """Dates grouped into lists of days or quarters ("ngày 03/3, 03/6, 03/9 năm 2024", "Quý II,
    III/2026"): items without "ngày" / "Quý" are read here, and the year written last fills
    the items without one."""
    out: list[list[dates.DateMatch]] = []
    i = 0
    while i < len(found):
        first = found[i]
        group = [first]
        i += 1
        if first.precision in ("day", "quarter"):
            pos = first.end
            while True:
                if text[pos:pos + 4].lstrip()[:1] not in r.list_firsts:
                    break
                link = r.list_link.match(text, pos, end, timeout=TIMEOUT)
                if link is None or link.end() == pos:
                    break
                if i < len(found) and found[i].start == link.end():
                    nxt = found[i]
                elif first.precision == "day":
                    nxt = dates.date_at(text, link.end(), end, bare=True)
                else:
                    nxt = dates.quarter_item_at(text, link.end(), end)
                if nxt is None or nxt.precision != first.precision:
                    break
                if i < len(found) and found[i].start == nxt.start:
                    i += 1
                group.append(nxt)
                pos = nxt.end
            year = group[-1].year
            if year is not None:
                group = [g.with_year(year) for g in group]
        out.append(group)
    return out


def find_dates(text: str, start: int, end: int, plan: Plan, r: DeadlineRules,
               in_cell: bool = False, in_targets=None,
               found: list[dates.DateMatch] | None = None) -> tuple[list[DateMention], list[RecurrenceMention]]:
    """Deadline dates in text[start:end], and the recurrences of yearly day lists ("trước ngày
    01/6 và 15/11 hằng năm" -> half-yearly, on "hằng năm"). `in_cell`: a task-table time cell or a
    labelled time line (every date counts). `in_targets(pos)`: inside a Mục tiêu section.
    `found`: the date expressions of text[start:end] when already read."""
    out: list[DateMention] = []
    yearly: list[RecurrenceMention] = []
    if found is None:
        found = dates.find_dates(text, start, end, bare=in_cell)
    groups = _day_lists(text, found, end, r)
    for gi, group in enumerate(groups):
        head, tail = group[0], group[-1]
        # a range: only its end counts ("Từ ngày 15/11 đến ngày 15/12", "Quý IV/2025 - Quý II/2026")
        nxt = groups[gi + 1][0] if gi + 1 < len(groups) else None
        if len(group) == 1 and nxt is not None and _may_link(text, tail.end, nxt.start, r):
            link = r.range_link.match(text, tail.end, end, timeout=TIMEOUT)
            if link is not None and link.end() == nxt.start and link.end() > tail.end:
                continue
        prev = groups[gi - 1][-1] if gi else None
        ranged_from = None
        if prev is not None and _may_link(text, prev.end, head.start, r):
            link = r.range_link.match(text, prev.end, end, timeout=TIMEOUT)
            if link is not None and link.end() == head.start and link.end() > prev.end:
                ranged_from = prev
        ls = text.rfind("\n", 0, head.start) + 1
        le = text.find("\n", tail.end)
        alone = in_cell or (head.form not in _NUMERIC and not text[ls:head.start].strip(_MARKUP)
                            and not text[tail.end:len(text) if le < 0 else le].strip(_MARKUP + "."))
        if not (alone or _accepted(text, start, head, ranged_from, plan, r, in_targets)):
            continue
        if ranged_from is None and r.open_range_end.match(text, tail.end, end, None, False, TIMEOUT):
            continue  # "Từ tháng 10/2025 đến khi kết thúc ...": a start
        if ranged_from is not None and ranged_from.year and plan.issued and \
                ranged_from.year <= plan.issued.year - r.commemoration_years:
            continue  # "(06/01/1946 - 06/01/2026)": an anniversary
        if r.instant_before.search(text, max(0, head.start - 40), head.start, None, False, TIMEOUT):
            continue  # "thời điểm 0h00 ngày 01/01/2026": a reference instant
        if head.form == "bare_year" and ranged_from is None and _named_year(text, start, head, r):
            continue  # "Theo tiến độ của Luật An ninh mạng 2025": a name, not a time
        lo, hi = _clause(text, head.start, start, end)
        word = None
        if any(g.year is None for g in group):
            word = (r.yearly_words.search(text, tail.end, hi, timeout=TIMEOUT)
                    or r.yearly_words.search(text, lo, head.start, timeout=TIMEOUT))
            if word is None and plan.single_year is None and plan.fallback_year is None:
                word = head  # a multi-year or open-ended plan: a day without year is yearly
        if word is not None:
            code = r.days_per_year.get(len(group))
            if code:
                yearly.append(RecurrenceMention(word.start, word.end, code) if word is head else
                              RecurrenceMention(word.start(), word.end(), code))
            if plan.single_year is None:  # a single-year plan dates them in its year too
                group = [g for g in group if g.year is not None]
        for g in group:
            year = g.year if g.year is not None else (plan.single_year or plan.fallback_year)
            last = g.last(year)
            if last is None or not _current(last, plan, alone):
                continue
            out.append(DateMention(g.start, g.end, last, g.precision))
    return out, yearly


def _bare_only(d: dates.DateMatch) -> bool:
    """A form read only in time cells: a year alone, a day and month alone ("03/6")."""
    return d.form == "bare_year" or (d.form == "numeric" and d.year is None and not d.day_word)


def _cued_day(text: str, d: dates.DateMatch, r: DeadlineRules) -> bool:
    """A day and month alone right after a deadline cue of `bare_day_cues` ("báo cáo trước
    30/6", "chậm nhất 15/12"): a date outside a time cell too."""
    return (d.form == "numeric" and d.year is None and d.day is not None
            and r.bare_day_before.found(text, max(0, d.start - 30), d.start, timeout=TIMEOUT))


def _may_link(text: str, a: int, b: int, r: DeadlineRules) -> bool:
    """Whether the short gap text[a:b] can be a range link (a quick test before the pattern)."""
    return 0 < b - a <= 24 and text[a:b].strip(" \t\n*_")[:1].lower() in r.range_firsts


def _accepted(text: str, lo: int, dm: dates.DateMatch, ranged_from: dates.DateMatch | None,
              plan: Plan, r: DeadlineRules, in_targets=None) -> bool:
    """A date outside a time cell that the plan sets (see the module docstring)."""
    before = max(0, dm.start - 60)
    if ranged_from is not None and _accepted(text, lo, ranged_from, None, plan, r):
        return True
    if dm.precision == "year":
        window = text[before:dm.start]
        if r.in_parens.search(window, None, None, None, False, TIMEOUT) and \
                text[dm.end:dm.end + 3].lstrip(" *_").startswith(")") and \
                not r.paren_owner.search(window, timeout=TIMEOUT):
            return True  # "(xuyên suốt 2025 - 2035)" closing a task
        if dm.form == "year_range":
            return False
        if r.not_target_before.found(window, timeout=TIMEOUT):
            return False
        return bool(r.year_cue_before.found(window, timeout=TIMEOUT)
                    or r.label_before.found(window, timeout=TIMEOUT)
                    or r.target_before.found(text, max(0, dm.start - 80), dm.start,
                                             timeout=TIMEOUT)
                    or (in_targets is not None and in_targets(dm.start)
                        and r.link_before.found(window, timeout=TIMEOUT)))
    if dm.precision == "part":  # "Phấn đấu đến cuối năm 2025", "trong 6 tháng đầu năm"
        return dm.year is not None or r.cue_before.found(
            text, max(0, dm.start - CUE_REACH - 20), dm.start, timeout=TIMEOUT)
    cued = r.cue_before.found(text, max(0, dm.start - CUE_REACH - 20), dm.start,
                              timeout=TIMEOUT)
    if dm.year is None or plan.issued is None:  # "(ngày 25/11)", "trước ngày 15/12"
        return cued or text[lo:dm.start].rstrip(" *_").endswith("(")
    return True


def _named_year(text: str, lo: int, dm: dates.DateMatch, r: DeadlineRules) -> bool:
    """A year alone in a time cell after words that are not a cue: part of a name."""
    before = text[lo:dm.start]
    if not any(c.isalpha() for c in before):
        return False
    return not r.cue_before.found(text, max(lo, dm.start - CUE_REACH - 20), dm.start,
                                  timeout=TIMEOUT)


def _current(last: date, plan: Plan, in_cell: bool) -> bool:
    """Not a date of the past: before the plan's own date (a time cell may start up to a year
    earlier: "Từ 01/7/2025" in a plan of November 2025), nor the plan's own date."""
    if plan.floor is None:
        return True
    if last == plan.issued:
        return False
    return last >= (plan.floor - PAST_SLACK if in_cell else plan.floor)


EXCLUDE_REACH = 160  # characters around a recurrence cue where an exclude phrase holding it is looked for


def find_recurrences(text: str, start: int, end: int, r: DeadlineRules, block=None,
                     skip=None, taken: list[RecurrenceMention] | None = None
                     ) -> list[RecurrenceMention]:
    """Recurrences in text[start:end]. `block(pos)`: the row or line bounding a clause;
    `skip(pos)`: positions where no recurrence counts (Mục đích / Yêu cầu sections); `taken`:
    recurrences already read from yearly day lists (their "hằng năm" is not read again)."""
    out: list[RecurrenceMention] = list(taken or [])

    def excluded(s: int, e: int) -> bool:
        # an exclude phrase holding the cue, looked for around the cue only (a phrase is a
        # few words: EXCLUDE_REACH covers it, however it is wrapped)
        lo, hi = max(start, s - EXCLUDE_REACH), min(end, e + EXCLUDE_REACH)
        return any(m.start() <= s and e <= m.end() for m in r.exclude_branches.finditer(text, lo, hi))

    def keep(s: int, e: int) -> bool:
        if (skip and skip(s)) or excluded(s, e):
            return False
        if any(o.start <= s < o.end for o in out):
            return False
        lo, hi = block(s) if block else (start, end)
        cs, ce = _clause(text, s, lo, hi, cells=True)
        reach = r.exclude_reach  # the words of the cue's own phrase, not of its whole clause
        return not r.exclude_clause.search(text, max(cs, s - reach), min(ce, e + reach),
                                           timeout=TIMEOUT)

    low = lower(text[start:end])
    for s, e, key in match_phrases(low, r.strong, False):
        code = r.strong_map.get(key)
        if code and key.endswith(r.unit_words) and not key.startswith(r.every_words) \
                and low[e:e + 3].lstrip()[:1].isdigit():
            continue  # "báo cáo tháng 3/2026": one report, no recurrence
        if code and keep(start + s, start + e):
            out.append(RecurrenceMention(start + s, start + e, code))
    for s, _e, _key in match_phrases(low, r.list_leads, True):
        m = r.unit_list.match(text, start + s, end, timeout=TIMEOUT)
        if m is None or not keep(*m.span()):
            continue
        for it in r.unit_item.finditer(text, m.start("list"), m.end("list"), timeout=TIMEOUT):
            code = r.unit_map.get(fold_spaces(it.group()))
            if code and not any(o.start <= it.start() < o.end for o in out):
                out.append(RecurrenceMention(it.start(), it.end(), code))
    out.sort(key=lambda x: x.start)
    return out


_MARKUP = " \t|*_"  # around a date standing alone on its line (a table cell, a bold line)
# forms never taken for a time cell when alone on a line (web page footers: "Ban hành:\n04/09/2025")
_NUMERIC = ("numeric", "month_numeric")
_BLANK_LINE = regex.compile(r"\n[ \t]*\n")
_SENTENCE_END = regex.compile(r"[.;](?:\s|$)")


def time_cells(text: str, start: int, end: int, r: DeadlineRules) -> list[tuple[int, int]]:
    """Values of labelled time lines: "Thời gian thực hiện: Quý IV/2025" (to the end of the
    sentence, across hard line wraps), or the paragraph under a label ending its line ("III.
    THỜI GIAN THỰC HIỆN")."""
    out = []
    low = text[start:end].lower()
    if len(low) != end - start:
        labels = list(r.time_label.finditer(text, start, end, timeout=TIMEOUT))
    else:  # lines holding a label word, found by substring search, then matched at their start
        starts = set()
        for w in r.time_words:
            i = low.find(w)
            while i >= 0:
                starts.add(text.rfind("\n", start, start + i) + 1 or start)
                i = low.find(w, i + 1)
        labels = [m for m in (r.time_label.match(text, s, end, timeout=TIMEOUT)
                              for s in sorted(starts)) if m is not None]
    for m in labels:
        s = m.end()
        while s < end and text[s] in " \t\n*_":
            s += 1
        stop = _BLANK_LINE.search(text, s, min(end, s + 300), timeout=TIMEOUT)
        e = stop.start() if stop else min(end, s + 300)
        dot = _SENTENCE_END.search(text, s, e, timeout=TIMEOUT)
        e = dot.start() if dot else e
        if s < e:
            out.append((s, e))
    return out


def _plan(ctx: DocContext) -> Plan:
    doc = ctx.document
    issued = month = None
    raw = str(doc.get("issue_date") or "")
    try:
        if len(raw) == 10:
            issued = date.fromisoformat(raw)
        elif len(raw) == 7:  # "2023-02": the day left blank on the date line
            month = date.fromisoformat(raw + "-01")
    except ValueError:
        issued = month = None
    ps, pe = doc.get("period_start"), doc.get("period_end")
    single = int(ps) if ps and pe and int(ps) == int(pe) else None
    fallback = common.plan_year(ctx) if not (ps or pe) else None
    first = int(ps) if ps else (single or fallback)
    floor = issued or month or (date(first, 1, 1) if first else None)
    return Plan(issued, single, fallback, floor)


def _under(t, headings: tuple[str, ...]):
    """pos -> whether a section containing it has a heading starting with one of `headings`."""
    cache_: dict[int | None, bool] = {}

    def test(pos: int) -> bool:
        i = t.index_at(pos)
        if i not in cache_:
            heads = [fold_spaces(s.heading).strip(" *_#") for s in t.ancestors(i)]
            cache_[i] = any(h.startswith(headings) for h in heads)
        return cache_[i]
    return test


def _body_of_block(ctx: DocContext, pos: int) -> str | None:
    t = common.tree(ctx)
    row = t.row_at(pos)
    if row is not None:
        cell = row.cell("lead")
        if cell is not None and cell.text:
            br = bodies.rules(ctx.rules)
            found = bodies.find_mentions(ctx.text, cell.start, cell.end, br)
            return bodies.expand(found[0].text, br) if found else cell.text
    return bodies.body_for(ctx, pos)


def run(ctx: DocContext) -> None:
    r = rules(ctx.rules)
    t = common.tree(ctx)
    text = ctx.text
    plan = _plan(ctx)
    cites = common.citation_spans(ctx)
    begin = t.first_section_start()
    cells = [(c.start, c.end) for row in t.rows for c in row.cells if c.role == "time"]
    cells += [(s, e) for s, e in time_cells(text, begin, len(text), r)
              if not any(a < e and s < b for a, b in cells)]
    cells.sort()
    # one scan of the date grammar (bare forms included), split between the cells and the rest
    lo = min([begin] + [s for s, _e in cells])
    every = dates.find_dates(text, lo, len(text), bare=True)
    starts = [s for s, _e in cells]
    by_cell: list[list[dates.DateMatch]] = [[] for _ in cells]
    body: list[dates.DateMatch] = []
    for d in every:
        i = bisect_right(starts, d.start) - 1
        if i >= 0 and d.start < cells[i][1]:
            by_cell[i].append(d)
        elif d.start >= begin and (not _bare_only(d) or _cued_day(text, d, r)):
            body.append(d)
    found, yearly = find_dates(text, begin, len(text), plan, r,
                               in_targets=_under(t, r.target_sections), found=body)
    for (s, e), inside in zip(cells, by_cell, strict=True):
        got, yl = find_dates(text, s, e, plan, r, in_cell=True, found=inside)
        found += got
        yearly += yl
    recs = find_recurrences(text, begin, len(text), r, block=t.block,
                            skip=_under(t, r.exclude_sections), taken=yearly)
    # a period word inside a dated expression names one period, not a recurring one:
    # "tổng kết 6 tháng đầu năm 2026" (as "báo cáo tháng 3/2026" is one report)
    dated = [(d.start, d.end) for d in every if d.year is not None]
    dated_starts = [s for s, _e in dated]

    def in_dated(rc: RecurrenceMention) -> bool:
        i = bisect_right(dated_starts, rc.start) - 1
        return i >= 0 and rc.end <= dated[i][1]

    recs = [rc for rc in recs if not in_dated(rc)]

    def keep(s: int, e: int) -> bool:
        return not t.in_closing(s) and not cites.overlaps(*ctx.norm.span_to_source(s, e))

    for d in sorted(found, key=lambda d: d.start):
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
