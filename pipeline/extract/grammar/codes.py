"""Instrument type words and codes, issuer codes. Loaded and indexed once from:

- models/instrument_types.csv: type words, state and party type codes;
- models/issuers_national.csv, models/issuers_departments.csv: national bodies and
  provincial departments with their codes and aliases (shared with the metadata extractor);
- models/issuer_codes.csv: codes whose body depends on the plan's locality (UBND, HĐND, TU,
  party boards...) and codes that name no single body (TW);
- models/instruments.yaml: mixed-case codes, code aliases, generic type words.

and ONE number-symbol grammar (`symbol_body`, `read_symbol`), used by the citation extractor
("Nghị định số 61/2018/NĐ-CP") and by the header reader ("Số: 30c/KH-UBND", "Số:   /KH-UBND"):
state symbols n[/yyyy]/TYPE-ISSUER, party symbols n-TYPE/ISSUER, decimal and lettered numbers
("66.2/2025/NQ-CP", "30c/KH-UBND"), codes with "&" ("BNN&MT"), "TƯ" for "TW".
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import regex
from kehoach.rules import Rules, compiled_for

MIN_YEAR, MAX_YEAR = 1945, dt.date.today().year + 1
# A number: digits, an optional decimal part ("66.2/2025/NQ-CP": part of the official
# number; never three digits, "1.000/người" is an amount) and an optional letter ("30c").
NUMBER = r"\d{1,6}(?:\.\d{1,2}(?!\d))?[a-zđ]?"
SEG = r"\p{L}[\p{L}\d&]{0,11}"  # a code of a symbol: "UBND", "CTr", "SKH&ĐT", "BNN&MT"
_FIRST_SEG = r"\p{Lu}[\p{L}\d&]{0,11}"
_ASSEMBLY = regex.compile(r"(?:UBTV)?QH\d{1,2}")  # "80/2015/QH13": no type code


@lru_cache(maxsize=8192)  # codes repeat: a few hundred in a whole corpus
def fold(code: str) -> str:
    """ASCII upper-case key of a code: "NĐ" -> "ND", "Ctr" -> "CTR"."""
    code = code.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", code)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


@dataclass(frozen=True)
class IssuerCode:
    code: str
    template: str  # may contain {local}, {province}, {province_full}, {party_committee}
    level: str  # national, province, district, local, commune
    kind: str  # state or party


@dataclass(frozen=True)
class Codes:
    type_words: dict[str, str]  # casefolded type word or alias -> canonical type word
    state_types: dict[str, str]  # canonical state type code -> type word
    party_types: dict[str, str]  # canonical party type code -> type word
    issuers: dict[str, IssuerCode]  # canonical issuer code -> issuer
    canon: dict[str, str]  # fold(code) -> canonical spelling, for every known code
    generic_type_words: frozenset[str]  # casefolded: "văn bản" says nothing of the type
    aliases: dict[str, str]  # upper-cased other spelling -> canonical code ("TƯ" -> "TW")

    def canonical(self, segment: str) -> str:
        """Canonical spelling of one symbol segment ("TTG" -> "TTg", "ND" -> "NĐ")."""
        alias = self.aliases.get(segment.upper())
        if alias:
            return alias
        known = self.canon.get(fold(segment))
        if known is None:
            return segment.upper()
        if segment.isascii():  # written without diacritics: "ND" -> "NĐ", "Ctr" -> "CTr"
            return known
        if segment.upper() == known.upper():  # same letters, canonical case: "QĐI" -> "QĐi"
            return known
        return segment.upper()  # a different code that folds alike: "HĐ" is not "HD"

    def is_known(self, segment: str) -> bool:
        return fold(segment) in self.canon


def codes(tables: Rules | None = None) -> Codes:
    """The code tables of `tables` (the shipped rules by default), indexed once."""
    return compiled_for(tables, "extract.codes", build_codes)


def build_codes(tables: Rules) -> Codes:
    """Index the code tables of one rules folder."""
    type_words: dict[str, str] = {}
    state_types: dict[str, str] = {}
    party_types: dict[str, str] = {}
    for row in tables.csv("instrument_types.csv"):
        word = row["type"]
        type_words[word.casefold()] = word
        for alias in filter(None, row["aliases"].split(";")):
            if len(alias) > 3:  # codes like "NQ" are not type words in running text
                type_words[alias.casefold()] = word
        for code in filter(None, row["codes"].split(";")):
            state_types.setdefault(code, word)
        for code in filter(None, row["party_codes"].split(";")):
            party_types.setdefault(code, word)
    issuers: dict[str, IssuerCode] = {}
    for row in tables.csv("issuers_national.csv"):
        for code in filter(None, row["codes"].split(";")):
            issuers.setdefault(code, IssuerCode(code, row["name"], "national", "state"))
    for row in tables.csv("issuers_departments.csv"):
        template = f"{row['name']} {{province_full}}" if row["locality"] == "full" else ""
        for code in filter(None, row["codes"].split(";")):
            issuers.setdefault(code, IssuerCode(code, template, "province", "state"))
    for row in tables.csv("issuer_codes.csv"):  # locality-dependent codes; override the above
        issuers[row["code"]] = IssuerCode(row["code"], row["issuer"], row["level"], row["kind"])
    canon: dict[str, str] = {}
    for code in [*tables.yaml("instruments.yaml")["mixed_case_codes"], *state_types,
                 *party_types, *issuers]:
        canon.setdefault(fold(code), code)
    cfg = tables.yaml("instruments.yaml")
    generic = frozenset(w.casefold() for w in cfg["generic_type_words"])
    aliases = {a.upper(): c for a, c in (cfg.get("code_aliases") or {}).items()}
    return Codes(type_words, state_types, party_types, issuers, canon, generic, aliases)


def symbol_body(number: str = NUMBER) -> str:
    """The number-symbol grammar: a party symbol (groups pnum, ptype, pseg*) or a state
    symbol (groups num, year, seg*). `number` is the pattern of the number (the header
    allows a blank one: "Số:   /KH-UBND")."""
    state = (
        rf"(?P<num>{number})\s?/\s?(?:(?P<year>\d{{4}})\s?/\s?)?"
        rf"(?P<seg>{_FIRST_SEG})(?:\s?-\s?(?P<seg>{SEG}))*"
    )
    party = (
        rf"(?P<pnum>{number})\s?-\s?(?P<ptype>\p{{L}}{{1,5}})\s?/\s?"
        rf"(?P<pseg>{_FIRST_SEG})(?:\s?-\s?(?P<pseg>{SEG}))*"
    )
    return rf"(?:{party}|{state})"


@cache
def symbol_pattern() -> regex.Pattern[str]:
    """A number-symbol standing alone in running text: not "2021-2025/...", not "a/12/...",
    not "1.000/..."."""
    return regex.compile(rf"(?<![\d/.,:\p{{L}}]-?){symbol_body()}(?![\p{{L}}\d])")


@dataclass(frozen=True)
class Symbol:
    """A number-symbol read by the grammar, canonical (GUIDELINE "Canonical id rules")."""

    id: str | None  # "61/2018/NĐ-CP", "18-NQ/TW"; None when the number is blank
    symbol: str  # without number and year: "NĐ-CP", "NQ/TW"
    number: str | None  # "61", "66.2", "30c"
    year: int | None  # from the number
    party: bool
    type_code: str | None
    issuer_code: str | None
    issuer_codes: tuple[str, ...]
    start: int  # offsets of the number .. last code used
    end: int


def canonical_number(raw: str) -> str:
    """Digits without leading zeros, padded to two; a decimal part or a letter kept
    ("0125" -> "125", "1" -> "01", "66.2", "30c")."""
    head = raw
    tail = ""
    for i, ch in enumerate(raw):
        if not ch.isdigit():
            head, tail = raw[:i], raw[i:]
            break
    return (head.lstrip("0") or "0").zfill(2) + tail


def valid_year(raw: str | None) -> int | None:
    if raw is None:
        return None
    year = int(raw)
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _split_missing_hyphen(seg: str, c: Codes) -> list[str] | None:
    """"NQCP" -> ["NQ", "CP"] when both halves are known codes."""
    for i in range(1, len(seg)):
        head, tail = seg[:i], seg[i:]
        if c.canonical(head) in c.state_types and c.is_known(tail) and \
                c.canonical(tail) in c.issuers:
            return [head, tail]
    return None


def _state_codes(segs: list[str], has_type_word: bool, c: Codes) -> tuple[list[str], int] | None:
    """Canonical codes of a state symbol and how many raw segments were used."""
    kept: list[str] = []
    for raw in segs:
        if kept and not (raw.isupper() or c.is_known(raw)):
            break  # "76/NQ-CP - Chính..." : a word, not a code
        kept.append(raw)
    if not kept or not (kept[0].isupper() or c.is_known(kept[0])):
        return None
    used = len(kept)
    if len(kept) == 1 and not c.is_known(kept[0]):
        split = _split_missing_hyphen(kept[0], c)
        if split:
            kept = split
    canon = [c.canonical(s) for s in kept]
    first = canon[0]
    if _ASSEMBLY.fullmatch(first):
        return canon, used
    known_first = first in c.state_types or first in c.issuers
    if has_type_word:
        return canon, used
    if known_first and (len(canon) > 1 or first in c.issuers):
        return canon, used
    return None


def read_symbol(m: regex.Match[str], has_type_word: bool, c: Codes | None = None) -> Symbol | None:
    """The canonical reading of a match of `symbol_body`, or None when its codes are not
    a symbol's (checked against the code tables `c`, by default the shipped ones, unless a
    type word or "Số:" vouches)."""
    c = c or codes()
    if m.group("ptype") is not None:
        ptype = c.canonical(m.group("ptype"))
        if ptype not in c.party_types:
            return None
        psegs = [c.canonical(s) for s in m.captures("pseg") if s.isupper() or c.is_known(s)]
        if not psegs:
            return None
        raw = m.group("pnum")
        num = canonical_number(raw) if raw else None
        sym = f"{ptype}/{'-'.join(psegs)}"
        start = m.start("pnum") if raw else m.start("ptype")
        return Symbol(f"{num}-{sym}" if num else None, sym, num, None, True, ptype, psegs[0],
                      tuple(psegs), start, m.end())
    parsed = _state_codes(m.captures("seg"), has_type_word, c)
    if parsed is None:
        return None
    canon, used = parsed
    end = m.spans("seg")[used - 1][1]
    year_raw = m.group("year")
    year = valid_year(year_raw)
    if year_raw and year is None:
        return None  # "12/3021/..." is not a number we can trust
    raw = m.group("num")
    num = canonical_number(raw) if raw else None
    start = m.start("num") if raw else m.start("seg")
    first = canon[0]
    type_code = first if first in c.state_types else None
    issuer_code = canon[1] if type_code and len(canon) > 1 else first
    party_issuer = issuer_code in c.issuers and c.issuers[issuer_code].kind == "party"
    if type_code and party_issuer and not year and first in c.party_types:
        # party documents are written n-TYPE/ISSUER; "27/NQ-TW" means 27-NQ/TW
        sym = f"{first}/{'-'.join(canon[1:])}"
        return Symbol(f"{num}-{sym}" if num else None, sym, num, None, True, first,
                      issuer_code, tuple(canon[1:]), start, end)
    sym = "-".join(canon)
    iid = (f"{num}/{year}/{sym}" if year else f"{num}/{sym}") if num else None
    return Symbol(iid, sym, num, year, False, type_code, issuer_code,
                  tuple(canon[1:] if type_code else canon[:1]), start, end)
