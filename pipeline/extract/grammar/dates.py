"""The one date grammar of kehoach: days, months, quarters, parts of a year and years as
Vietnamese administrative text writes them, driven by models/dates.yaml (words, separators,
quarters, parts of a year, and examples that tests/test_dates.py runs).

Forms (`DateMatch.form`):
  numeric        "15/7/2021", "15-7-2021", "15.7.2021", "ngày 15/7/2021", "ngay15 / 7 / 2021",
                 "ngày 03/9 năm 2024", "ngày 15/11" (no year: only after the day word, or with
                 `bare=True`)
  words          "ngày 15 tháng 7 năm 2021", "ngày 15 tháng 7, năm 2021", "15 tháng 7 năm 2021",
                 "ngày 15 tháng 7/2021", "ngày 15 tháng 11", and date lines with blanks
                 ("ngày   tháng 02 năm 2022" -> precision month; "ngày ... tháng ... năm 2023"
                 -> precision year)
  month          "tháng 7/2021", "Tháng 12 năm 2025", "tháng 7, năm 2021", "tháng 3"
  month_numeric  "12/2025" (not "12/2024/QĐ-UBND")
  quarter        "quý II/2026", "Quí IV-2025", "Quý III Năm 2026", "Quý IV"
  year_part      "6 tháng đầu năm 2025", "9 tháng đầu năm", "cuối năm 2025"
  year_range     "2026-2030", "năm 2026 - 2027" (`year_from` .. `year`)
  year           "năm 2030"
  bare_year      "2025" (only with `bare=True`: a task table's time cell)
Words match in any case, with or without diacritics where the table lists both, and with any
spacing. Calendar-invalid dates ("31/2/2025") and years outside `years` are not dates.

API (all offsets are exact spans in the text given):
  find_dates(text, start=0, end=None, *, bare=False) -> list[DateMatch]
      every date expression in text[start:end], left to right, not overlapping.
  date_at(text, pos, end=None, *, bare=False) -> DateMatch | None
      the date expression starting exactly at `pos` (no skipping), e.g. right after a cited
      symbol and its "ban hành" words.
  parse(text, *, bare=True) -> DateMatch | None   the whole (stripped) text as one expression.
  quarter_item_at(text, pos) -> DateMatch | None
      a quarter numeral continuing a list ("III/2026" after "Quý II, ").
  parse_date(text, year=None) -> datetime.date | None
      the whole text as one day ("15/7/2021", "ngày 15 tháng 7, năm 2021"); `year` completes
      a day written without one.
DateMatch gives `start`/`end`/`text` (the whole expression, "ngày" included), `form`, `day`,
`month`, `year`, `quarter`, `precision` ("day", "month", "quarter", "part", "year"),
`day_word` (led by "ngày"/"ngay"), `first(year)` / `last(year)` (first and last day covered;
`year` fills a missing year) and `iso()` (the date as written: "2022-02-11", "2022-02",
"2022", as a date line with blanks gives it).

Switching the other readers of dates to this grammar:
  citations (instruments.py `_trailing`): match the words before the date ("," "(" "ban
      hành") as now, then `dm = dates.date_at(text, pos)` and take it when `dm.day_word and
      dm.precision == "day" and dm.year`: `mention.date = dm.iso()`, `pos = dm.end` (then an
      optional ")"). Accepts "ngay 15/7/2021", "ngày 15 tháng 7, năm 2021", "ngày15 / 7 / 2021".
  date line (meta_header.py): `dm = next(d for d in dates.find_dates(blanked) if d.day_word and
      d.year)`; `issue_date = dm.iso()`, `date_precision = dm.precision`, `date_span =
      (dm.start, dm.end)`; the place is the text before it on its line ("Hà Nội, ").
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import regex
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation, fold_spaces
from kehoach.rules import Rules, compiled_for


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    text: str
    form: str
    precision: str  # day, month, quarter, part, year
    year: int | None = None
    month: int | None = None
    day: int | None = None
    quarter: int | None = None
    year_from: int | None = None  # year_range: the first year

    @property
    def day_word(self) -> bool:
        """A day led by the day word ("ngày 15/7/2021", not "15/7/2021")."""
        return self.form in ("numeric", "words") and self.text[:1].isalpha()

    def with_year(self, year: int | None) -> DateMatch:
        """The same expression with a missing year filled in."""
        return self if self.year is not None or year is None else replace(self, year=year)

    def _months(self) -> tuple[int, int]:
        if self.precision in ("day", "month"):
            return self.month or 1, self.month or 12
        if self.precision == "quarter" and self.quarter:
            return self.quarter * 3 - 2, self.quarter * 3
        if self.precision == "part" and self.month:
            return 1, self.month
        return 1, 12

    def first(self, year: int | None = None) -> date | None:
        """First day the expression covers (`year` fills a missing year)."""
        y = self.year_from or self.year or year
        if y is None:
            return None
        return date(y, self._months()[0], self.day or 1)

    def last(self, year: int | None = None) -> date | None:
        """Last day the expression covers: the day itself, or the last day of its month,
        quarter, part of a year or year."""
        y = self.year or year
        if y is None:
            return None
        if self.precision == "day" and self.day:
            return _valid(y, self.month or 0, self.day)
        m = self._months()[1]
        return date(y, m, calendar.monthrange(y, m)[1])

    def iso(self) -> str | None:
        """The date as written: "YYYY-MM-DD", "YYYY-MM" or "YYYY" (None without a year)."""
        if self.year is None:
            return None
        if self.precision == "day":
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"


def _valid(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


@dataclass(frozen=True)
class Grammar:
    words: dict[str, regex.Pattern[str]]  # expressions led by a word, by the kind of word:
    # day ("ngày"), month, year, quarter, part (first word of a year part)
    digits: regex.Pattern[str]  # expressions led by a number, matched where one starts
    bare_digits: regex.Pattern[str]  # the same and a day/month or a year alone
    # pattern -> (number of its group f_<i>_<form>, form) of each branch
    forms: dict[regex.Pattern[str], tuple[tuple[int, str], ...]]
    number_start: regex.Pattern[str]  # a number standing alone on its left
    number_lead: regex.Pattern[str]  # ... and followed as a digit-led form needs ("15/", "15 tháng")
    lead_words: tuple[str, ...]  # lower-cased first words of the word-led forms
    lead_kind: dict[str, str]  # lead word -> day, number (month, year), quarter, part
    month_first: str  # first two letters of the month word ("th"): a blank date line
    lead: regex.Pattern[str]  # the same as a pattern
    quarter_item: regex.Pattern[str]  # "III/2026" in "Quý II, III/2026"
    quarters: dict[str, int]
    parts: dict[str, int]  # folded year-part phrase -> last month
    years: tuple[int, int]


def compile_grammar(cfg: dict[str, Any]) -> Grammar:
    w = {k: f"(?i:{alternation(v)})" for k, v in cfg["words"].items()}
    dw, mw, yw, qw, week = w["day"], w["month"], w["year"], w["quarter"], w["week"]
    seps = "".join(regex.escape(s) for s in cfg["separators"])
    links = "".join(regex.escape(s) for s in cfg["year_links"])
    fill = f"[{regex.escape(cfg['fill'])}]"
    lo = r"(?<![\p{L}\d/.,])"  # a number standing alone on its left
    word = r"(?<![\p{L}\p{M}])"
    # not followed by a digit, "/2" or a symbol part ("12/2024/QĐ-UBND")
    stop = r"(?!\d|[/\-]\p{L}|/\d)"
    yy = r"(?P<y>\d{4})"
    d, m = r"(?P<d>\d{1,2})", r"(?P<m>\d{1,2})"
    no_year = rf"(?![ \t]*[{seps}][ \t]*\d)"  # a year-less form is not the head of a longer one
    year_tail = rf"(?:\s*[{links}]\s*{yy}|\s*,?\s*{yw}{fill}*{yy})"
    quarter = r"(?P<q>(?i:IV|I{1,3})|[1-4])(?![\p{L}\d])"
    word_parts = [x for part in cfg["year_parts"] for x in part["words"] if not x[0].isdigit()]
    digit_parts = [x for part in cfg["year_parts"] for x in part["words"] if x[0].isdigit()]
    # Branches led by a word (tried where a word starts) ...
    word_led = [
        # "ngày ... tháng ... năm 2023" and every "tháng" form with a day
        ("words", "day", rf"{dw}{fill}*{d}?{fill}*{mw}{fill}*{m}?(?:{fill}*,?{fill}*{yw}{fill}*{yy}"
                  rf"|\s*/\s*{yy})?{stop}"),
        ("numeric", "day", rf"{dw}\s*{d}\s*(?P<sep>[{seps}])\s*{m}"
                    rf"(?:\s*(?P=sep)\s*{yy}|\s*,?\s*{yw}\s*{yy}){stop}"),
        ("numeric", "day", rf"{dw}\s*{d}\s*[{seps}]\s*{m}{stop}{no_year}"),
        ("month", "month", rf"{mw}\s*{m}(?:{year_tail}{stop}|{stop}{no_year})"),
        ("quarter", "quarter", rf"{qw}\s*{quarter}{year_tail}?{stop}"),
        ("year_part", "part", rf"(?P<part>(?i:{alternation(word_parts)}))(?:\s*{yy})?{stop}"),
        ("year_range", "year", rf"{yw}\s*(?P<y0>\d{{4}})\s*[-–—]\s*(?:{yw}\s*)?{yy}{stop}"),
        ("year", "year", rf"{yw}\s*{yy}{stop}"),
    ]
    # ... and by a number (tried where a number stands alone on its left)
    digit_led = [
        # not "tuần 2 tháng 3" (the second week of March)
        ("words", rf"(?<!{week}\s{{1,3}}){d}\s*{mw}\s*{m}{year_tail}?{stop}"),
        ("numeric", rf"{d}\s*(?P<sep>[{seps}])\s*{m}(?:\s*(?P=sep)\s*{yy}|\s*,?\s*{yw}\s*{yy}){stop}"),
        ("year_part", rf"(?P<part>(?i:{alternation(digit_parts)}))(?:\s*{yy})?{stop}"),
        ("year_range", rf"(?P<y0>\d{{4}})\s*[-–—]\s*(?:{yw}\s*)?{yy}{stop}"),
        ("month_numeric", rf"{m}\s*[{seps}]\s*{yy}{stop}"),
    ]
    bare = [
        ("numeric", rf"{d}\s*[{seps}]\s*{m}{stop}{no_year}"),
        ("bare_year", rf"{yy}{stop}"),
    ]
    lead_words = [x for k in ("day", "month", "year", "quarter") for x in cfg["words"][k]]
    lead_words += [x.split()[0] for x in word_parts]

    def build(items: list[tuple[str, str]], prefix: str) -> tuple[regex.Pattern[str], tuple]:
        pat = regex.compile(prefix + "(?:" + "|".join(
            f"(?P<f_{i}_{form}>{b})" for i, (form, b) in enumerate(items)) + ")")
        return pat, tuple((pat.groupindex[f"f_{i}_{form}"], form) for i, (form, _b) in enumerate(items))

    word_pats = {}
    for kind in dict.fromkeys(k for _f, k, _b in word_led):
        word_pats[kind] = build([(f, b) for f, k, b in word_led if k == kind], word)
    digits_pat, digit_forms = build(digit_led, "")
    bare_pat, bare_forms = build(digit_led + bare, "")
    quarter_item, quarter_forms = build([("quarter", rf"{quarter}{year_tail}?{stop}")], "")
    return Grammar(
        words={k: pat for k, (pat, _forms) in word_pats.items()},
        digits=digits_pat,
        bare_digits=bare_pat,
        forms={digits_pat: digit_forms, bare_pat: bare_forms, quarter_item: quarter_forms,
               **{pat: forms for pat, forms in word_pats.values()}},
        number_start=regex.compile(rf"{lo}\d"),
        number_lead=regex.compile(rf"{lo}(?:\d{{1,2}}\s*(?:[{seps}]\s*\d|{mw})"
                                  rf"|\d{{4}}\s*[-–—]\s*(?:{yw}\s*)?\d)"),
        lead_words=tuple(sorted({x.lower() for x in lead_words})),
        lead_kind={**{x.lower(): "part" for x in lead_words},
                   **{x.lower(): k for k in ("day", "month", "year", "quarter")
                      for x in cfg["words"][k]}},
        month_first=cfg["words"]["month"][0][:2].lower(),
        lead=regex.compile(rf"{word}(?i:{alternation(lead_words)})"),
        quarter_item=quarter_item,
        quarters={str(k).upper(): int(v) for k, v in cfg["quarters"].items()},
        parts={fold_spaces(p): int(part["end_month"]) for part in cfg["year_parts"]
               for p in part["words"]},
        years=(int(cfg["years"][0]), int(cfg["years"][1])),
    )


def build_grammar(tables: Rules) -> Grammar:
    """The date grammar of one rules folder (models/dates.yaml)."""
    return compile_grammar(tables.yaml("dates.yaml"))


def grammar(tables: Rules | None = None) -> Grammar:
    """The date grammar of `tables` (the shipped rules by default), compiled once."""
    return compiled_for(tables, "extract.dates", build_grammar)


def _num(m: regex.Match[str], name: str) -> int | None:
    v = m.group(name)
    return int(v) if v else None


def _build(m: regex.Match[str], g: Grammar) -> DateMatch | None:
    regs = m.regs
    form = next((f for i, f in g.forms[m.re] if regs[i][0] >= 0), "")  # the branch that matched
    y = _num(m, "y")
    if y is not None and not g.years[0] <= y <= g.years[1]:
        return None
    base = {"start": m.start(), "end": m.end(), "text": m.group(), "form": form, "year": y}
    if form in ("numeric", "words"):
        d, mo = _num(m, "d"), _num(m, "m")
        if d is not None and mo is not None:
            if _valid(y or 2000, mo, d) is None:  # 2000: a leap year, "29/2" without a year
                return None
            return DateMatch(**base, precision="day", month=mo, day=d)
        if y is None:
            return None
        if mo is not None:  # "ngày   tháng 02 năm 2022"
            return DateMatch(**base, precision="month", month=mo) if 1 <= mo <= 12 else None
        return DateMatch(**base, precision="year") if d is None else None
    if form in ("month", "month_numeric"):
        mo = _num(m, "m")
        return DateMatch(**base, precision="month", month=mo) if mo and mo <= 12 else None
    if form == "quarter":
        q = g.quarters.get(m.group("q").upper())
        return DateMatch(**base, precision="quarter", quarter=q) if q else None
    if form == "year_part":
        end_month = g.parts.get(fold_spaces(m.group("part")))
        return DateMatch(**base, precision="part", month=end_month) if end_month else None
    if form == "year_range":
        y0 = int(m.group("y0"))
        if y is None or not g.years[0] <= y0 < y:
            return None
        return DateMatch(**base, precision="year", year_from=y0)
    if form in ("year", "bare_year"):
        return DateMatch(**base, precision="year")
    return None


def find_dates(text: str, start: int = 0, end: int | None = None, *,
               bare: bool = False, tables: Rules | None = None) -> list[DateMatch]:
    """Every date expression in text[start:end], left to right, not overlapping. `bare`:
    also a day and month alone ("03/6") and a year alone ("2025"), as in a list after
    "ngày" or a table's time cell. `tables`: the rules read (the shipped ones by default)."""
    g = grammar(tables)
    end = len(text) if end is None else end
    digits = g.bare_digits if bare else g.digits
    found = []
    for pos, kind in _word_starts(g, text, start, end):
        m = g.words[kind].match(text, pos, end, None, False, TIMEOUT)
        if m is not None:
            found.append(m)
    starts = g.number_start if bare else g.number_lead
    for n in starts.finditer(text, start, end, timeout=TIMEOUT):
        m = digits.match(text, n.start(), end, None, False, TIMEOUT)
        if m is not None:
            found.append(m)
    found.sort(key=lambda m: m.start())
    out: list[DateMatch] = []
    last_end = -1
    for m in found:
        if m.start() < last_end:  # inside an expression found further left
            continue
        last_end = m.end()
        dm = _build(m, g)
        if dm is not None:
            out.append(dm)
    return out


SHORT = 400  # spans shorter than this are scanned with one regex rather than substring searches


def _word_starts(g: Grammar, text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Where a lead word ("ngày", "tháng", "quý", "cuối" ...) starts a word in text[start:end]
    and is followed as its forms need, found by plain substring search on the lower-cased text
    (much faster than a regex scan); a short span (a table cell) by one regex scan."""
    low = text[start:end].lower()
    hits: list[tuple[int, str]] = []
    if len(low) != end - start or end - start < SHORT:
        hits = [(m.start() - start, m.group().lower())
                for m in g.lead.finditer(text, start, end, timeout=TIMEOUT)]
        if len(low) != end - start:  # a character whose lower case is longer
            return [(start + i, g.lead_kind.get(w, "part")) for i, w in hits]
    else:
        for w in g.lead_words:
            i = low.find(w)
            while i >= 0:
                if i == 0 or not (low[i - 1].isalpha() or unicodedata.combining(low[i - 1])):
                    hits.append((i, w))
                i = low.find(w, i + 1)
    out = set()
    for i, w in hits:
        kind = g.lead_kind[w]
        after = low[i + len(w):i + len(w) + 24].lstrip()
        # what must follow: a number ("năm 2030"), a quarter numeral ("quý IV"), a day or the
        # month word ("ngày 15", "ngày ... tháng"); after a year-part word anything
        if (kind == "part"
                or (kind in ("month", "year") and after[:1].isdigit())
                or (kind == "quarter" and after[:1] in "iv1234")
                or (kind == "day" and (after[:1].isdigit() or g.month_first in after))):
            out.add((start + i, kind))
    return sorted(out)


def date_at(text: str, pos: int, end: int | None = None, *, bare: bool = False,
            tables: Rules | None = None) -> DateMatch | None:
    """The date expression starting exactly at `pos`."""
    g = grammar(tables)
    end = len(text) if end is None else end
    m = None
    for pat in g.words.values():
        m = pat.match(text, pos, end, None, False, TIMEOUT)
        if m is not None:
            break
    if m is None and g.number_start.match(text, pos, end, timeout=TIMEOUT):
        m = (g.bare_digits if bare else g.digits).match(text, pos, end, timeout=TIMEOUT)
    return _build(m, g) if m else None


def quarter_item_at(text: str, pos: int, end: int | None = None, *,
                    tables: Rules | None = None) -> DateMatch | None:
    """A quarter numeral continuing a list after "Quý II, " ("III/2026" in "Quý II, III/2026")."""
    g = grammar(tables)
    m = g.quarter_item.match(text, pos, len(text) if end is None else end, timeout=TIMEOUT)
    return _build(m, g) if m else None


def parse(text: str, *, bare: bool = True, tables: Rules | None = None) -> DateMatch | None:
    """The whole text (surrounding spaces ignored) as one date expression."""
    s = text.strip()
    g = grammar(tables)
    for pat in (*g.words.values(), g.bare_digits if bare else g.digits):
        m = pat.fullmatch(s, timeout=TIMEOUT)
        if m:
            return _build(m, g)
    return None


def parse_date(text: str, year: int | None = None, *, tables: Rules | None = None) -> date | None:
    """The whole text as one day ("15/7/2021", "ngày 15 tháng 7, năm 2021"); `year` completes
    a day written without one ("ngày 15/11")."""
    dm = parse(text, tables=tables)
    if dm is None or dm.precision != "day":
        return None
    return dm.last(year)
