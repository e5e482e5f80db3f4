"""Instrument type words and codes, issuer codes. Loaded and indexed once from:

- models/instrument_types.csv: type words, state and party type codes;
- models/issuers_national.csv, models/issuers_departments.csv: national bodies and
  provincial departments with their codes and aliases (shared with the metadata extractor);
- models/issuer_codes.csv: codes whose body depends on the plan's locality (UBND, HĐND, TU,
  party boards...) and codes that name no single body (TW);
- models/instruments.yaml: mixed-case codes, generic type words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from kehoach.tables import load_csv, load_yaml


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
    ministries: tuple[str, ...]  # "Bộ Nội vụ", ... (names and aliases)
    departments: tuple[str, ...]  # "Nội vụ", "Xây dựng", ... (names of Sở without "Sở")
    generic_type_words: frozenset[str]  # casefolded: "văn bản" says nothing of the type

    def canonical(self, segment: str) -> str:
        """Canonical spelling of one symbol segment ("TTG" -> "TTg", "ND" -> "NĐ")."""
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


@cache
def codes() -> Codes:
    type_words: dict[str, str] = {}
    state_types: dict[str, str] = {}
    party_types: dict[str, str] = {}
    for row in load_csv("instrument_types.csv"):
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
    for row in load_csv("issuers_national.csv"):
        for code in filter(None, row["codes"].split(";")):
            issuers.setdefault(code, IssuerCode(code, row["name"], "national", "state"))
    for row in load_csv("issuers_departments.csv"):
        template = f"{row['name']} {{province_full}}" if row["locality"] == "full" else ""
        for code in filter(None, row["codes"].split(";")):
            issuers.setdefault(code, IssuerCode(code, template, "province", "state"))
    for row in load_csv("issuer_codes.csv"):  # locality-dependent codes; override the above
        issuers[row["code"]] = IssuerCode(row["code"], row["issuer"], row["level"], row["kind"])
    canon: dict[str, str] = {}
    for code in [*load_yaml("instruments.yaml")["mixed_case_codes"], *state_types,
                 *party_types, *issuers]:
        canon.setdefault(fold(code), code)
    ministries = tuple(sorted({
        n for row in load_csv("issuers_national.csv")
        for n in [row["name"], *filter(None, row["aliases"].split(";"))] if n.startswith("Bộ ")
    }))
    departments = tuple(sorted({
        n.removeprefix("Sở ") for row in load_csv("issuers_departments.csv")
        for n in [row["name"], *filter(None, row["aliases"].split(";"))] if n.startswith("Sở ")
    }))
    generic = frozenset(w.casefold() for w in load_yaml("instruments.yaml")["generic_type_words"])
    return Codes(type_words, state_types, party_types, issuers, canon, ministries, departments,
                 generic)
