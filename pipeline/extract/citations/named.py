"""Instruments cited by name only: "Luật Việc làm", "Hiến pháp năm 2013", "TCVN ISO 9001:2015",
"Nghị quyết Hội nghị lần thứ 6 Ban Chấp hành Trung ương Đảng khóa XII" (GUIDELINE
"named_instruments"). The rules are models/named_instruments.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex
from kehoach.context import DocContext
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.rules import Rules, compiled_for
from kehoach.segment.boundary import document_span

# the number of an amended law inside an amending law's name: "Luật Đất đai số 31/2024/QH15"
_INNER_NUMBER = r"[ \t\n]*,?[ \t\n]*số[ \t\n]+\d+[\p{L}\d/\-.]*[\p{L}\d]"
_AFTER_SYMBOL = regex.compile(r"\s*(?:,\s*)?(?:số|so)?\s*\d+\s*[/\-]")
_NUMBER_WORDS = ("số", "so", "sô", "Số")
_AMENDING = regex.compile(r"Luật\s+[Ss]ửa")
_QUOTED = regex.compile(r'"([^"]*)"')
_LAW_TYPES = ("Luật", "Bộ luật", "Hiến pháp")


@dataclass(frozen=True)
class _Rule:
    type: str
    pattern: regex.Pattern[str]
    standard: bool
    fixed: bool  # the name is the type word ("Hiến pháp")
    contains_numbered: bool  # the name holds a numbered citation ("... thực hiện Nghị quyết số ...")
    examples: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class _Grammar:
    rules: tuple[_Rule, ...]
    inner_law: regex.Pattern[str]  # one amended law inside an amending law's name
    inner_number: regex.Pattern[str]
    abbreviations: regex.Pattern[str]
    expansions: dict[str, str]
    period: regex.Pattern[str]  # a period or year at the end of a name
    not_after: regex.Pattern[str]
    not_before: regex.Pattern[str]
    not_names: frozenset[str]
    generic: regex.Pattern[str]  # words before a type word that make it no name of one act
    short_form: regex.Pattern[str]  # "(Chương trình MTQG)" after a name: its short form
    optional_words: regex.Pattern[str]  # words a name may be written with or without


def _words(words: list[str]) -> str:
    return alternation(words, r"[ \t]+")


def _lexicon(names: list[str], abbreviations: dict[str, str]) -> str:
    """Alternation of names, any case, a comma inside a name optional, a phrase that has an
    abbreviation also matched by it."""
    alts = []
    for name in sorted(set(names), key=lambda n: (-len(n), n)):  # one order in every process
        pat = regex.escape(name).replace(r"\ ", r"\s+").replace(",", ",?")
        for abbr, full in abbreviations.items():
            esc = regex.escape(full).replace(r"\ ", r"\s+")
            if esc in pat:
                pat = pat.replace(esc, f"(?:{esc}|{regex.escape(abbr)})")
        alts.append(pat)
    return "(?i:" + "|".join(alts) + r")(?!\p{L})"


def _grammar(tables: Rules | None = None) -> _Grammar:
    """The named-instrument rules of `tables` (the shipped rules by default), compiled once."""
    return compiled_for(tables, "extract.named", compile_grammar)


def _shipped_grammar() -> _Grammar:
    return Rules.default().compiled("extract.named", compile_grammar)


def compile_grammar(tables: Rules) -> _Grammar:
    """The named-instrument rules of one rules folder (models/named_instruments.yaml)."""
    cfg = tables.yaml("named_instruments.yaml")
    abbr: dict[str, str] = cfg["abbreviations"]
    # "số" ends a name only before a number: "Luật Hòa giải thương mại số 12/...", but
    # "Đề án Chính quyền số tỉnh"
    stop = _words(cfg["stop_words"]) + r"|số[ \t]*\d"
    long_stop = _words(cfg["long_stop_words"])
    period = cfg["period"]
    word = r"[\p{L}][\p{L}\-]*"
    # words are separated by spaces, or by a line break before a lower-case word (a name
    # hard-wrapped over two lines; a line starting upper-case may be a new heading)
    sep = r"(?:[ \t]+|[ \t]*\n[ \t]*(?=\p{Ll}))"
    # a name runs over words up to a stop word, a punctuation mark or a number (at most 12
    # words), and may end with its year or period: "Luật Hôn nhân và gia đình năm 2014"
    name = rf"{word}(?:{sep}(?!(?:{stop})(?!\p{{L}})){word}){{0,11}}"
    # long names may hold a hyphenated pair: "kinh tế - xã hội"
    # and a comma inside a fixed pair: "phòng, chống ma túy", "thanh, thiếu niên"
    long_sep = (rf"(?:{sep}|[ \t]+[-–][ \t]+(?=\p{{Ll}})"
                rf"|,[ \t]*\n?[ \t]*(?=(?:{_words(cfg['long_comma_words'])})(?!\p{{L}})))")
    long = rf"(?!(?:{stop})(?!\p{{L}})){word}(?:{long_sep}(?!(?:{long_stop})(?!\p{{L}})){word}){{0,29}}"
    law = rf"(?:{_lexicon(cfg['laws'], abbr)}|{name})"
    code = rf"(?:{_lexicon(cfg['codes'], abbr)}|{name})"
    # a law of the list may be written in lower case ("Luật ngân sách nhà nước")
    known_law = _lexicon(cfg["laws"], abbr)
    one_law = (rf"(?:Bộ luật\s+(?=\p{{Lu}}){code}|Luật\s+(?:(?=\p{{Lu}}){law}|{known_law}))"
               rf"(?:{_INNER_NUMBER})?")
    laws = rf"{one_law}(?:(?:\s*,\s*|\s+và\s+){one_law})*"
    heads = rf"(?:{_words(cfg['title_heads'])})(?!\p{{L}})"
    # a name followed by its horizon or period ("... đến năm 2030", "... giai đoạn 2021 - 2025")
    dated = rf"(?={period})"
    parts = {"{dated}": dated, "{known_law}": known_law,
             "{heads}": heads, "{name}": name, "{long}": long, "{law}": law, "{code}": code, "{laws}": laws}
    rules = []
    types = sorted({r["type"] for r in cfg["rules"]})
    for r in cfg["rules"]:
        pat = r["pattern"]
        for key, value in parts.items():
            pat = pat.replace(key, value)
        rules.append(_Rule(
            r["type"], regex.compile(rf"(?:{pat})(?:{period})?"),
            r.get("name") == "standard", r.get("name") == "type", bool(r.get("contains_numbered")),
            tuple(r.get("examples", ())),
        ))
    return _Grammar(
        rules=tuple(rules),
        inner_law=regex.compile(
            rf"(?:(?P<code>Bộ luật)\s+(?=\p{{Lu}}){code}|Luật\s+(?:(?=\p{{Lu}}){law}|{known_law}))"
            rf"(?P<number>{_INNER_NUMBER})?"),
        inner_number=regex.compile(_INNER_NUMBER),
        abbreviations=regex.compile(
            r"(?<!\p{L})(?:" + "|".join(regex.escape(a) for a in abbr) + r")(?!\p{L})"),
        expansions=abbr,
        period=regex.compile(rf"(?:{period})$"),
        not_after=regex.compile(rf"(?<!\p{{L}})(?i:{_words(cfg['not_after'])})[ \t\n]*[“\"]?$"),
        not_before=regex.compile("|".join(cfg["not_before"])),
        not_names=frozenset(n.casefold() for n in cfg["not_names"]),
        generic=regex.compile(rf"(?<!\p{{L}})(?:{_words(cfg['generic_before'])})[ \t\n]+$"),
        short_form=regex.compile(
            rf"[ \t\n]*\([ \t\n]*(?:(?i:{_words(cfg['short_form_cues'])})[ \t\n]*:?[ \t\n]*)?[“\"]?"
            rf"(?P<short>(?:{alternation(types)})(?:[ \t\n]+[\p{{L}}\d]+){{1,4}})[”\"]?[ \t\n]*\)"),
        optional_words=regex.compile(rf"(?<!\p{{L}})(?:{_words(cfg['optional_name_words'])})(?!\p{{L}})"),
    )


def rule_examples() -> list[tuple[str, str, list[str]]]:
    """(type, text, names) of every example of the rule table (run by tests/test_named.py)."""
    return [(r.type, e["text"], list(e["names"])) for r in _grammar().rules for e in r.examples]


def _standard_name(mention: str) -> str:
    """"TCVN ISO 9001:2008; 9001:2015" -> "TCVN ISO 9001:2015": the latest version cited."""
    versions = regex.findall(r"(\d{4,5}):(\d{4})", mention, timeout=TIMEOUT)
    if "ISO" not in mention or not versions:
        return mention
    prefix = mention[: regex.search(r"\d", mention).start()].strip()
    code, year = max(versions, key=lambda v: v[1])
    return f"{prefix} {code}:{year}"


def name_of(mention: str, amending: bool = False, g: _Grammar | None = None) -> str:
    """The name of an instrument from its mention: whitespace collapsed, abbreviations written
    in full, the period or year at the end dropped, and in the name of an amending law the
    numbers of the amended laws (`g`: the rules, by default those in force)."""
    g = g if g is not None else _grammar()
    if g is _shipped_grammar():
        return _shipped_name_of(mention, amending)  # (memoised: names repeat)
    return _name_of(mention, amending, g)


@lru_cache(maxsize=4096)
def _shipped_name_of(mention: str, amending: bool) -> str:
    return _name_of(mention, amending, _shipped_grammar())


def _name_of(mention: str, amending: bool, g: _Grammar) -> str:
    text = " ".join(mention.split())
    if amending:
        text = g.inner_number.sub("", text, timeout=TIMEOUT)
    text = g.period.sub("", text, timeout=TIMEOUT)
    text = g.abbreviations.sub(lambda m: g.expansions[m.group()], text, timeout=TIMEOUT)
    return text.rstrip(" ,-")


_PUNCT = regex.compile(r"[^\p{L}\d\s]")


def _key(name: str) -> str:
    """Names compared without case and punctuation ("Luật Phòng, chống tham nhũng" is "Luật
    Phòng chống tham nhũng")."""
    return " ".join(_PUNCT.sub(" ", name, 0, None, None, None, TIMEOUT).split()).casefold()


def _same_act_key(name: str, g: _Grammar) -> str:
    """Names of one act written with or without optional words ("Nghị quyết Đại hội lần thứ
    XIII của Đảng" is "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng")."""
    return _key(g.optional_words.sub(" ", name, 0, None, None, None, TIMEOUT))


def _numbered_names(ctx: DocContext, g: _Grammar) -> set[str]:
    """Keys of the names of the instruments cited with their number ("Luật Việc làm năm 2013
    số 38/2013/QH13" -> "luật việc làm"): such an instrument is listed under instruments only."""
    out = set()
    for m in ctx.instrument_mentions:
        head = ctx.text[m.start : m.sym_start].rstrip(" \t\n,")
        if head.endswith(_NUMBER_WORDS):
            head = head[:-2].rstrip(" \t\n,")
        if len(head.split()) > 2:  # a type word and a name, not just "Quyết định"
            out.add(_key(name_of(head, g=g)))
            for rule in g.rules:  # the name as the rules read it: "Luật X ngày ..." -> "Luật X"
                hit = rule.pattern.match(ctx.text, m.start, m.start + len(head), None, False, TIMEOUT)
                if hit and not rule.standard:
                    out.add(_key(name_of(hit.group(), g=g)))
    return out


def run(ctx: DocContext) -> None:
    g = _grammar(ctx.rules)
    text = ctx.text
    numbered = ctx.instrument_mentions
    taken: list[tuple[int, int]] = [(m.start, m.end) for m in numbered]
    numbered_names = _numbered_names(ctx, g)
    rows: list[dict[str, Any]] = []
    named_spans: list[tuple[int, int]] = []

    def overlaps(s: int, e: int) -> bool:
        return any(a < e and s < b for a, b in taken)

    # the document itself named by its type and title ("Kế hoạch triển khai thực hiện Chỉ thị
    # số ..." in a plan with that title) is no citation
    own = _key(f"{ctx.document.get('doc_type') or ''} {ctx.document.get('title') or ''}")

    def add(typ: str, start: int, end: int, name: str) -> None:
        if _key(name) in numbered_names or (len(name.split()) > 3 and own.startswith(_key(name))):
            return
        ev = ctx.evidence(start, end)
        if "“" in ev.text and '"' in name:
            # normalizing made the quotes straight; the name keeps the quotes as written
            name = _QUOTED.sub(r"“\1”", name, timeout=TIMEOUT)
        taken.append((start, end))
        named_spans.append((start, end))
        rows.append({
            "instrument_id": None,
            "instrument_key": "name:" + name.casefold(),
            "name": name,
            "type": typ,
            "year": None, "date": None, "issuer": None, "scope": None,
            "basis": False, "in_basis": False, "short_form": False,
            "date_cited": None, "issuer_cited": None,
            "mention": " ".join(ev.text.split()),
            "start": ev.start, "end": ev.end, "page": ev.page,
            "sentence": ctx.sentence_text(start),
        })

    # only the document proper: not the web page's menu or related-document lists around it
    doc_start, stop = document_span(text)
    found = []
    for rule in g.rules:
        for m in list(rule.pattern.finditer(text, doc_start, stop, False, None, False, TIMEOUT)):
            start, end = m.start(), m.end()
            if start and text[start - 1].isalpha():  # inside a word (kept out of the pattern,
                continue                              # which then starts with a literal)
            while end > start and text[end - 1] in " \t\n,-":
                end -= 1
            found.append((rule, start, end))
    # an instrument issued or approved by a numbered one ("Nghị quyết số 76/NQ-CP ban hành
    # Chương trình tổng thể ..."), or that the plan orders drafted, is not listed, and neither
    # are its other mentions (a law is adopted by the National Assembly, not by an act the plan
    # cites: only that mention of it is left out)
    keep = []
    # a short form defined after a name ("... đến năm 2030 (Chương trình MTQG)") is that act
    # wherever it is used: short form -> (its name, None when the act is not listed)
    shorts: dict[str, tuple[regex.Pattern[str], str | None, str]] = {}
    defined: list[tuple[int, int]] = []
    for rule, start, end in found:
        sf = g.short_form.match(text, end, timeout=TIMEOUT)
        if sf and not any(a <= start < b for a, b in defined):
            listed = not g.not_after.search(text, max(0, start - 40), start, timeout=TIMEOUT)
            words = sf.group("short").split()
            shorts.setdefault(" ".join(words), (
                regex.compile(r"[ \t\n]+".join(map(regex.escape, words)) + r"(?![\p{L}\d])"),
                name_of(text[start:end], g=g) if listed else None, rule.type))
            defined.append(sf.span())
    for rule, start, end in found:
        if any(a <= start < b for a, b in defined):
            continue  # the short form in its definition
        if (rule.type not in _LAW_TYPES and not rule.standard
                and g.generic.search(text, max(0, start - 40), start, timeout=TIMEOUT)):
            continue  # "các Chương trình mục tiêu quốc gia": no one act ("các Luật Đất đai,
                      # Luật Nhà ở" names laws)
        if any(v[0].match(text, start, timeout=TIMEOUT) for v in shorts.values()):
            continue  # a use of a short form: read below
        if g.not_after.search(text, max(0, start - 40), start, timeout=TIMEOUT):
            if rule.type not in _LAW_TYPES and not rule.standard:
                numbered_names.add(_key(name_of(text[start:end], g=g)))
        else:
            keep.append((rule, start, end))
    for rule, start, end in keep:
        mention = text[start:end]
        if (_AFTER_SYMBOL.match(text, end, timeout=TIMEOUT)
                or g.not_before.match(text, end, timeout=TIMEOUT)):
            continue
        amending = rule.type == "Luật" and _AMENDING.match(mention)
        inner = list(g.inner_law.finditer(text, start + 5, end, timeout=TIMEOUT)) if amending else []
        # an amending law: its own number would follow it (handled above); a single
        # amended law with a number is read as the amending law's number
        if inner and len(inner) == 1 and inner[0].group("number"):
            continue
        if inner or rule.contains_numbered:
            # numbered citations inside the name are part of it, but not a name inside one
            if any(a < end and start < b and a <= start for a, b in taken):
                continue
        elif overlaps(start, end):
            continue
        if rule.fixed:
            name = rule.type
        elif rule.standard:
            name = _standard_name(" ".join(mention.split()))
        else:
            name = name_of(mention, amending=bool(amending), g=g)
        rest = name[len(rule.type):] if name.startswith(rule.type) else name
        if rest.strip().casefold() in g.not_names:
            continue
        before = list(named_spans)
        add(rule.type, start, end, name)
        for i in inner:
            # an amended law cited without its number, unless another rule already took it
            if not i.group("number") and not any(a <= i.start() < b for a, b in before):
                e = i.end()
                while e > i.start() and text[e - 1] in " \t\n,-":
                    e -= 1
                add("Bộ luật" if i.group("code") else "Luật", i.start(), e, name_of(text[i.start() : e], g=g))
    for pattern, full, typ in shorts.values():
        if full is None:
            continue  # the act is not listed (approved by a numbered act, to be drafted ...)
        for m in list(pattern.finditer(text, doc_start, stop, timeout=TIMEOUT)):
            if not any(a <= m.start() < b for a, b in defined) and not overlaps(*m.span()):
                add(typ, m.start(), m.end(), full)
    # one act, one name: the fullest way the document writes it
    fullest: dict[str, str] = {}
    for r in rows:
        k = _same_act_key(r["name"], g)
        if len(r["name"]) > len(fullest.get(k, "")):
            fullest[k] = r["name"]
    for r in rows:
        r["name"] = fullest[_same_act_key(r["name"], g)]
        r["instrument_key"] = "name:" + r["name"].casefold()
    rows.sort(key=lambda r: r["start"])
    ctx.named_instrument_rows = rows
