"""Issuers of CITED instruments: issuer phrases after a citation ("của UBND tỉnh", "của
Ban Thường vụ Tỉnh ủy") and issuer codes ("CP", "UBND", "TU"), resolved to a full name and a
scope with the plan's own locality. The document's own issuer is
kehoach.extract.metadata.issuer."""

from __future__ import annotations

from dataclasses import dataclass

import regex
from kehoach.extract.grammar.bodies import TITLE_WORD
from kehoach.extract.grammar.bodies import grammar as body_grammar
from kehoach.extract.grammar.codes import codes
from kehoach.extract.metadata.locality import Locality
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.places import provinces, unit_of
from kehoach.rules import Rules, compiled_for

_EMPTY = Locality(None)


@dataclass(frozen=True)
class IssuerMatch:
    start: int
    end: int
    issuer: str | None
    scope: str | None
    level: str  # national, province, district, commune
    as_written: str


@dataclass(frozen=True)
class _Entry:
    template: str
    level: str
    group: int  # number of its group entry_<i> in the phrase pattern


_Compiled = tuple[regex.Pattern[str], regex.Pattern[str], tuple[_Entry, ...]]


def _entries(tables: Rules | None = None) -> _Compiled:
    """The issuer phrases of `tables` (the shipped rules by default), compiled once."""
    return compiled_for(tables, "extract.citation_issuers", build_entries)


def build_entries(tables: Rules) -> _Compiled:
    """The lead ("của", "do"), one pattern holding every issuer phrase of the table as a
    named alternative entry_0, entry_1, ... (first in the table wins), and the entries."""
    cfg = tables.yaml("instruments.yaml")
    g = body_grammar(tables)
    # a province, or up to three title-case words, wrapped or not, that are not a unit word
    # ("của Thành ủy Thành phố": "Thành phố" names the unit, not the place) nor the title of
    # the cited act ("của UBND thành phố Quy định về ...")
    not_unit = rf"(?!(?i:{g.unit()})(?!\p{{L}}))"
    not_title = rf"(?!(?:{alternation(cfg['not_place_phrases'])})(?!\p{{L}}))"
    slots = g.slots(place=g.place(words=3, sep=r"\s+", word=TITLE_WORD, province="as written",
                                  guard=not_unit + not_title))
    entries, alts = [], []
    for i, e in enumerate(cfg["issuers"]):
        # a space of the table is any whitespace: a phrase may be hard-wrapped ("của Bộ\nChính trị")
        pat = g.fill(e["pattern"].replace(" ", r"\s+"), slots)
        alts.append(f"(?P<entry_{i}>{pat})")
    phrase = regex.compile(rf"(?:{'|'.join(alts)})(?![\p{{L}}\d])")
    for i, e in enumerate(cfg["issuers"]):
        entries.append(_Entry(e["issuer"], e["level"], phrase.groupindex[f"entry_{i}"]))
    # "của", "do" before the phrase; never across a line break or a table cell
    lead = regex.compile(rf"[ ]*,?[ ]*(?P<word>(?:{alternation(cfg['issuer_lead_words'])})[ ]+)?")
    return lead, phrase, tuple(entries)


def _ministry_name(written: str, tables: Rules | None = None) -> str:
    """The ministry's name, abbreviations expanded (GUIDELINE: issuer): "Bộ GD&ĐT" ->
    "Bộ Giáo dục và Đào tạo" (models/issuers_national.csv names and aliases)."""
    return body_grammar(tables).names.ministry_names.get(" ".join(written.split()), written)


def _committees(tables: Rules | None = None) -> dict[str, str]:
    """Party committee -> the unit word it leads ("Tỉnh ủy" -> "tỉnh"): models/issuers.yaml."""
    return body_grammar(tables).names.committees


def _unit_level(unit: str | None, tables: Rules | None = None) -> str | None:
    """Level of a unit word or party committee (models/admin_units.csv); "city" for
    "thành phố", which is a province or a district depending on the place."""
    if unit is None:
        return None
    u = unit_of(_committees(tables).get(unit, unit), tables)
    if u is None:
        return None
    return "city" if u.name == "thành phố" else u.level


def _clean(name: str) -> str:
    return " ".join(name.split())


def _province_full(name: str | None, tables: Rules | None = None) -> str | None:
    if not name:
        return None
    prov = provinces(tables).lookup(name)
    return f"{prov.unit} {prov.name}" if prov else f"tỉnh {name}"


def resolve_place(
    unit_level: str | None, place: str | None, loc: Locality, tables: Rules | None = None
) -> tuple[str, str | None, str | None, str | None]:
    """(level, province, district, place to print) for a local unit and optional name."""
    table = provinces(tables)
    prov = table.lookup(place) if place else None
    if unit_level in ("province", "city"):
        if prov and unit_level == "city" and prov.unit == "tỉnh":
            # "thành phố Cao Bằng" in tỉnh Cao Bằng is the provincial city, a district unit
            return "district", prov.name, prov.name, prov.name
        if prov:
            return "province", prov.name, None, prov.name
        if place and unit_level == "city":  # a city under a province
            return "district", loc.province, place, place
        if place:
            return "province", place, None, place
        loc_prov = table.lookup(loc.province) if loc.province else None
        if (unit_level == "city" and loc_prov is not None and loc_prov.unit != "thành phố"
                and loc.district_unit == "thành phố"):
            return "district", loc.province, loc.district, loc.district
        return "province", loc.province, None, loc.province
    if unit_level == "district":
        district = place or loc.district
        return "district", loc.province, district, district
    if unit_level == "commune":
        return "commune", loc.province, loc.district, place
    return "province", loc.province, None, place


UNKNOWN_SCOPE = "?"  # a local body whose province the text does not tell


def _scope(level: str, province: str | None, district: str | None) -> str | None:
    if level == "national":
        return None
    if not province:
        return UNKNOWN_SCOPE
    if level in ("district", "commune") and district:
        return f"{province} / {district}"
    return province


def issuer_at(text: str, pos: int, loc: Locality | None, bare: bool = False,
              tables: Rules | None = None) -> IssuerMatch | None:
    """The issuer phrase at `pos`: "của Chính phủ", "do UBND tỉnh ban hành"; without "của"/"do"
    only when `bare` (directly after the date: "ngày 25/10/2017 Hội nghị ... Ban Chấp hành
    Trung ương"), since a capitalised body after a comma is usually the next clause's subject
    ("Thực hiện Nghị quyết số 76/NQ-CP, Ủy ban nhân dân tỉnh ban hành ..."). `tables`: the
    rules read (the shipped ones by default)."""
    lead, phrase, entries = _entries(tables)
    loc = loc or _EMPTY
    lm = lead.match(text, pos, None, None, False, TIMEOUT)
    if lm is None or (lm.group("word") is None and not (bare and "," not in lm.group())):
        return None
    at = lm.end()
    if at >= len(text) or not text[at].isupper():
        return None  # every issuer phrase starts with a capital: "về việc ..." is not one
    m = phrase.match(text, at, None, None, False, TIMEOUT)
    if m is None:
        return None
    # the entry whose group matched (first in the table wins), and its named parts; a name
    # used by several entries is one group of the pattern (regex numbers them alike)
    regs = m.regs
    entry = next((e for e in entries if regs[e.group][0] >= 0), None)
    if entry is None:
        return None
    names = phrase.groupindex

    def part(key: str) -> str | None:
        i = names.get(key)
        return (m.group(i) or None) if i is not None else None

    if entry.level == "national":
        name = entry.template.format(ministry=_ministry_name(part("ministry") or "", tables),
                                     b=part("b") or "")
        return IssuerMatch(at, m.end(), _clean(name), None, "national", m.group())
    unit = part("unit")
    canonical = unit_of(unit, tables) if unit else None
    unit = canonical.name if canonical else unit
    pc = part("pc")
    place_written = part("place")
    if entry.level == "province":  # a provincial department (Sở)
        level, province, district, place = "province", loc.province, None, loc.province
        if place_written and provinces(tables).lookup(place_written):
            province = provinces(tables).lookup(place_written).name  # type: ignore[union-attr]
        full = _province_full(province, tables) or ""
        name = entry.template.format(dept=part("dept") or "", unit="", place=full)
    else:
        level, province, district, place = resolve_place(
            _unit_level(unit or pc, tables), place_written, loc, tables
        )
        if pc and level == "province" and place:
            prov = provinces(tables).lookup(place)
            place = prov.in_body_name if prov else place
        chair = part("chair")
        name = entry.template.format(
            chair=chair.strip() + " " if chair else "",
            unit=unit or "", place=place or "", pc=pc or "", b=part("b") or "",
        )
    return IssuerMatch(at, m.end(), _clean(name), _scope(level, province, district), level,
                       m.group())


def issuer_from_code(code: str | None, loc: Locality | None,
                     tables: Rules | None = None) -> tuple[str | None, str | None]:
    """(issuer, scope) implied by an issuer code when the text names no issuer."""
    loc = loc or _EMPTY
    if not code:
        return None, None
    c = codes(tables)
    if regex.fullmatch(r"QH\d*", code, timeout=TIMEOUT):
        code = "QH"
    elif regex.fullmatch(r"UBTVQH\d*", code, timeout=TIMEOUT):
        code = "UBTVQH"
    ic = c.issuers.get(code)
    if ic is None:
        return None, None
    if not ic.template:  # TW (which central organ?), HU (which district?): no name
        if ic.level == "national":
            return None, None
        if not loc.province:
            return None, UNKNOWN_SCOPE
        if ic.level == "district" and loc.district:
            return None, f"{loc.province} / {loc.district}"
        return None, loc.province
    if ic.level == "national":
        return ic.template, None
    if not loc.province:
        return None, UNKNOWN_SCOPE
    prov = provinces(tables).lookup(loc.province)
    province_full = _province_full(loc.province, tables) or ""
    committees = {u: c for c, u in _committees(tables).items()}
    committee = committees[prov.unit if prov else "tỉnh"]
    if ic.level == "local" and loc.district:
        local, scope = f"{loc.district_unit} {loc.district}", f"{loc.province} / {loc.district}"
    else:
        local, scope = province_full, loc.province
    name = ic.template.format(
        local=local, province=prov.in_body_name if prov else loc.province,
        province_full=province_full,
        party_committee=committee,
    )
    return _clean(name), scope
