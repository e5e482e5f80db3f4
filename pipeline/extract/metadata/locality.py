"""The plan's own locality: which province (and district) "tỉnh", "thị xã" refer to.

Counts province names after an administrative unit word ("tỉnh Cao Bằng", "thành phố Hải
Phòng", "Tỉnh ủy Trà Vinh", "UBND TỈNH CAO BẰNG"), weighting the opening of the document
(title, issuer, basis) more; a district plan is recognised by a district unit named in its
opening.

This is the fallback. pipeline/extract/metadata/fields.py runs next and, when it identifies the
issuer, replaces ctx.locality (and province_context / district_context) with the
issuer's own province and district, so "UBND tỉnh" in a Sở Xây dựng Khánh Hòa plan resolves
to Khánh Hòa even when the text names another province more often.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import regex
from kehoach import patterns
from kehoach.context import DocContext
from kehoach.extract.grammar.bodies import grammar as body_grammar
from kehoach.patterns import LeadWords, alternation, first_words
from kehoach.places import case_variants, provinces, unit_forms, unit_of, units
from kehoach.rules import Rules, compiled_for

OPENING_CHARS = 2500


@dataclass(frozen=True)
class Locality:
    province: str | None
    district_unit: str | None = None  # "thị xã", "huyện", "quận", "thành phố"
    district: str | None = None  # "Duyên Hải"

    @property
    def district_full(self) -> str | None:
        return f"{self.district_unit} {self.district}" if self.district else None

    @property
    def scope(self) -> str | None:
        if self.province and self.district:
            return f"{self.province} / {self.district}"
        return self.province


@dataclass(frozen=True)
class _Patterns:
    prov: regex.Pattern[str]
    prov_words: patterns.LeadWords  # the words a match of `prov` starts with
    dist: regex.Pattern[str]
    dist_words: patterns.LeadWords


def compile_patterns(tables: Rules) -> _Patterns:
    """The locality patterns of one rules folder."""
    # Words that introduce a province name: the unit words of a province ("tỉnh", "thành
    # phố", "TP.": models/admin_units.csv), its party committee ("Tỉnh ủy", "Thành ủy":
    # models/issuers.yaml, through the body-phrase grammar) and its party branch ("Đảng bộ tỉnh").
    unit_words = units(tables)
    prov_unit_names = [u.name for u in unit_words.values() if u.level == "province"] + ["thành phố"]
    names = body_grammar(tables).names
    committees = [c for c, u in names.committees.items() if u in prov_unit_names]
    branches = [f"{b} {u}" for b in names.branch_words for u in prov_unit_names]
    prov_forms = [f for n in prov_unit_names for f in unit_words[n].forms]
    prov_words = case_variants(prov_forms + committees + branches)
    prov_units = alternation(prov_words)
    # upper-case names too: headers and titles ("UBND TỈNH CAO BẰNG")
    upper = "|".join(
        r"[\s\-]+".join(regex.escape(w) for w in key.upper().split())
        for key in sorted(provinces(tables).by_key, key=len, reverse=True)
    )
    prov = regex.compile(
        rf"(?<!\p{{L}})(?:{prov_units})(?:(?<=\.)|(?!\p{{L}}))\s*(?P<name>{provinces(tables).pattern.pattern}"
        rf"|(?:{upper})(?!\p{{L}}))"
    )
    # District-level units: "thị xã Duyên Hải", "huyện Hòa An", "quận Lê Chân", "TP. Cao Bằng".
    dist_words = case_variants(unit_forms("district", tables))
    dist_units = alternation(dist_words)
    name = r"\p{Lu}\p{Ll}*(?:\s+\p{Lu}\p{Ll}*){0,3}"
    dist = regex.compile(
        rf"(?<!\p{{L}})(?P<unit>{dist_units})(?:(?<=\.)|(?!\p{{L}}))\s*(?P<name>{name})"
    )
    return _Patterns(prov, LeadWords(first_words(prov_words)), dist, LeadWords(first_words(dist_words)))


def _patterns(tables: Rules | None = None) -> _Patterns:
    return compiled_for(tables, "extract.locality", compile_patterns)


def detect(text: str, tables: Rules | None = None) -> Locality:
    """The plan's province and district, read with the tables of `tables` (by default the
    shipped rules)."""
    pats = _patterns(tables)
    table = provinces(tables)
    counts: Counter[str] = Counter()
    # (a scan of the unit words' places, not of the pattern at every position: much faster)
    for m in patterns.words_finditer(pats.prov, text, pats.prov_words):
        p = table.lookup(m.group("name"))
        if p:
            counts[p.name] += 3 if m.start() < OPENING_CHARS else 1
    province = counts.most_common(1)[0][0] if counts else None
    district_unit = district = None
    opening = text[:OPENING_CHARS]
    dcounts: Counter[tuple[str, str]] = Counter()
    for m in patterns.words_finditer(pats.dist, opening, pats.dist_words):
        u = unit_of(m.group("unit"), tables)
        unit, name = (u.name if u else m.group("unit").lower()), m.group("name")
        if table.lookup(name):  # "thành phố Hải Phòng" is a province, not a district
            continue
        dcounts[(unit, name)] += 1
    if dcounts:
        (unit, name), n = dcounts.most_common(1)[0]
        if n >= 2:
            district_unit, district = unit, name
    return Locality(province, district_unit, district)


def run(ctx: DocContext) -> None:
    loc = detect(ctx.text, ctx.rules)
    ctx.locality = loc
    ctx.document["province_context"] = loc.province
    ctx.document["district_context"] = loc.district_full
