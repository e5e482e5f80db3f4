"""The one body-phrase grammar of kehoach: the words Vietnamese state bodies are named with and
the parts a body phrase is built from, read once per rules folder from one set of tables.

Three extractors find body phrases, each in its own place of a document, and all three build
their patterns from the parts here (never from a vocabulary of their own):

- the document's own issuer, in the header column, signature and opening ("UBND TỈNH CAO
  BẰNG", "GIÁM ĐỐC SỞ XÂY DỰNG KHÁNH HÒA"): kehoach.extract.metadata.issuer;
- the issuer of a cited act, after "của"/"do" ("của Ban Thường vụ Tỉnh ủy", "do Bộ Y tế
  ban hành"): kehoach.extract.citations.issuers (templates in models/instruments.yaml);
- the bodies given tasks in the text ("Sở Nội vụ", "Ủy ban nhân dân các xã, phường", "các
  sở, ban, ngành tỉnh"): kehoach.extract.assignments.bodies (heads in models/body_types.csv,
  collectives in models/bodies.yaml).

The vocabulary (`BodyNames`):
  unit             a unit word of models/admin_units.csv, every spelling ("tỉnh", "thị xã",
                   "TP.", "đặc khu")
  province         a province name or alias of models/admin_units.csv ("Khánh Hòa", "TP.HCM")
  party_committee  a party committee and the unit it leads ("Tỉnh ủy" -> "tỉnh"), with
                   abbreviations used in running text ("TU"): models/issuers.yaml
  council          the elected and front bodies of a unit ("Ủy ban nhân dân", "HĐND",
                   "UBMTTQ"): models/issuers.yaml
  ministry         national bodies named "Bộ X" (names and aliases): models/issuers_national.csv
  department       provincial departments named "Sở X", without "Sở" ("Xây dựng", "KH&ĐT"):
                   models/issuers_departments.csv
  agency           every other department-level or national body with its codes
                   (issuers_departments.csv, issuers_national.csv)

The parts (regex sources, for composition; `BodyGrammar`):
  unit(case)       a unit word: as written, with its first letter in any case, or in any case
  place(...)       the name of a place after a unit word: a province of the table, else up to
                   `words` capitalised words. Where the phrase is written sets the options: a
                   header writes names in capitals on one line ("HUYỆN HÒA AN"), running text in
                   title case and may wrap a name over two lines.
  locality(sep)    a unit word and its place: "tỉnh Khánh Hòa", "xã Tân Lập", "TX. Sơn Tây"
  fill(template)   a body template of the tables with its slots replaced by these parts:
                   {unit}, {place}, {party_committee}, {ministry}, {department}
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from kehoach.extract.grammar.codes import fold
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.places import Unit, provinces, unit_of, units
from kehoach.rules import Rules, compiled_for

# a capitalised word: a syllable of any case after a capital ("Khánh", "KHÁNH", "Đắk")
CAP_WORD = r"\p{Lu}[\p{L}\p{M}]*"
# a title-case word: capital, then lower case only ("Khánh"; not "UBND")
TITLE_WORD = r"\p{Lu}\p{Ll}*"
NOT_LETTER_AFTER = r"(?!\p{L})"


@dataclass(frozen=True)
class Agency:
    """A named department-level or national body."""

    name: str  # canonical: "Sở Du lịch", "Ban Quản lý Khu kinh tế", "Bộ Nội vụ"
    kind: str  # department | national
    locality: str = "full"  # "full": "Sở Xây dựng tỉnh Khánh Hòa"; "short": "... Hải Phòng"


@dataclass(frozen=True)
class BodyNames:
    """The words bodies are named with (one rules folder)."""

    unit_words: dict[str, str]  # every spelling of a unit word, casefolded -> canonical unit
    unit_forms: tuple[str, ...]  # every spelling as written ("tỉnh", "TP.", "thị xã")
    provinces: str  # regex source: a province name or alias (models/admin_units.csv)
    committees: dict[str, str]  # party committee -> the unit word it leads ("Tỉnh ủy" -> "tỉnh")
    committee_abbreviations: tuple[str, ...]  # "TU", "TXU": committees in running text
    party_organs: tuple[str, ...]  # "Ban Thường vụ", "Ban Chấp hành", "Thường trực"
    branch_words: tuple[str, ...]  # "Đảng bộ": "ĐẢNG BỘ TỈNH QUẢNG NAM" names a committee
    default_committee: str  # the committee of a commune-level unit ("Đảng ủy")
    heads: tuple[str, ...]  # words that start a body name ("Ủy ban nhân dân", "Sở", "Trường")
    councils: dict[str, tuple[str, str]]  # spelling casefolded -> (canonical name, kind)
    agencies: dict[str, Agency]  # name or alias casefolded -> agency
    codes: dict[str, Agency]  # code key (codes.fold without spaces) -> agency
    ministries: tuple[str, ...]  # "Bộ Nội vụ", "Bộ GD&ĐT", ... (names and aliases)
    departments: tuple[str, ...]  # "Nội vụ", "KH&ĐT", ... (names and aliases of Sở, no "Sở")
    ministry_names: dict[str, str]  # national name or alias (spaces folded) -> canonical name

    def agency_names(self) -> list[str]:
        """Department-level bodies not named "Sở X", every spelling (casefolded)."""
        return [n for n, a in self.agencies.items()
                if a.kind == "department" and not n.startswith("sở ")]

    def national_names(self) -> list[str]:
        """National bodies, every spelling (casefolded)."""
        return [n for n, a in self.agencies.items() if a.kind == "national"]

    def words(self) -> list[str]:
        """Every word and phrase bodies are named with (spellings of councils, committees,
        organs, heads, departments, national bodies, unit words), in any case."""
        return [*self.councils, *self.committees, *self.party_organs, *self.heads,
                *self.agencies, *self.unit_forms]


@dataclass(frozen=True)
class BodyGrammar:
    names: BodyNames

    def unit(self, case: str = "written") -> str:
        """A unit word, every spelling of models/admin_units.csv, longest first. `case`:
        "written" (as in the table: "tỉnh", "TP."), "first" (its first letter in either
        case: "Thành phố"), "any" (any case: "THỊ XÃ"). No boundary after it: a spelling
        may end in a dot ("TP.")."""
        forms = list(self.names.unit_forms)
        if case == "written":
            return alternation(forms)
        if case == "first":
            alts = [f"(?i:{regex.escape(u[0])}){regex.escape(u[1:])}" for u in forms]
            return "|".join(sorted(alts, key=len, reverse=True))
        if case == "any":
            return f"(?i:{alternation(list(self.names.unit_words))})"
        raise ValueError(f"unknown case {case!r} (written, first, any)")

    def unit_word(self) -> str:
        """A unit word in any case as a whole word: not inside a longer word, and either
        ending in a dot ("TP.") or not followed by a letter."""
        alt = alternation(list(self.names.unit_words))
        return (rf"(?i:(?<!\p{{L}})(?:{alt}))(?<=\.)"
                rf"|(?i:(?<!\p{{L}})(?:{alt}){NOT_LETTER_AFTER})")

    def province(self) -> str:
        """A province name or alias of the table, as written there."""
        return self.names.provinces

    def place(self, *, words: int = 4, sep: str = r"[ \t]+", word: str = CAP_WORD,
              province: str = "any case", guard: str = "") -> str:
        """The name of a place after a unit word: a province of the table (`province`: "any
        case", "as written" or "no" to leave the table out), else one to `words` capitalised
        words (`word`, joined by `sep`) after `guard` (a lookahead keeping out what is no
        place: the title of a cited act, a unit word)."""
        words_part = f"{guard}{word}(?:{sep}{word}){{0,{words - 1}}}"
        if province == "no":
            return f"(?:{words_part})"
        if province not in ("any case", "as written"):
            raise ValueError(f"unknown province option {province!r}")
        prov = f"(?i:{self.names.provinces})" if province == "any case" else self.names.provinces
        return f"(?:{prov}|{words_part})"

    def locality(self, sep: str = r"[ \t]+") -> str:
        """A unit word in any case and the name of its place (groups `unit` and `place`):
        "tỉnh Khánh Hòa", "UBND THÀNH PHỐ HẢI PHÒNG", "TX. Sơn Tây"; `sep` between them."""
        return rf"(?P<unit>{self.unit_word()}){sep}(?P<place>{self.place()})"

    def committee(self, abbreviations: bool = False, space: str = r"\s+") -> str:
        """A party committee ("Tỉnh ủy", "Đảng ủy"), with "TU", "TXU" when `abbreviations`;
        a space inside one matches `space`."""
        items = list(self.names.committees)
        if abbreviations:
            items += list(self.names.committee_abbreviations)
        return alternation(items, space=space)

    def council(self) -> str:
        """A council or front committee, any spelling of the table (casefolded forms)."""
        return alternation(list(self.names.councils))

    def ministry(self) -> str:
        """The name of a ministry after "Bộ" ("Y tế", "GD&ĐT")."""
        return alternation([m.removeprefix("Bộ ") for m in self.names.ministries])

    def department(self) -> str:
        """The name of a provincial department after "Sở" ("Xây dựng", "KH&ĐT")."""
        return alternation(list(self.names.departments))

    def agency(self) -> str:
        """A department-level body not named "Sở X" ("Ban Quản lý Khu kinh tế", "Văn phòng
        Đoàn ĐBQH và HĐND"), any spelling of issuers_departments.csv (casefolded)."""
        return alternation(self.names.agency_names())

    def national(self) -> str:
        """A national body ("Chính phủ", "Bộ Y tế", "Bộ GD&ĐT"), any spelling of
        issuers_national.csv (casefolded)."""
        return alternation(self.names.national_names())

    def slots(self, **parts: str) -> dict[str, str]:
        """The slots of the body templates of the tables: {unit}, {place}, {party_committee},
        {ministry}, {department} (each part may be given to replace the default)."""
        out = {
            "unit": self.unit(),
            "place": self.place(),
            "party_committee": self.committee(),
            "ministry": self.ministry(),
            "department": self.department(),
        }
        out.update(parts)
        return out

    @staticmethod
    def fill(template: str, slots: dict[str, str]) -> str:
        """`template` with each {slot} replaced by its part, as a non-capturing group."""
        for key, value in slots.items():
            template = template.replace("{" + key + "}", f"(?:{value})")
        return template


def find_unit(text: str, tables: Rules | None = None) -> tuple[Unit, str] | None:
    """The first "unit place" of `text` (any case, with or without a space after a dotted
    unit): "UBND TP. Thủ Dầu Một" -> (thành phố, "Thủ Dầu Một")."""
    pattern = compiled_for(tables, "extract.grammar.bodies.find_unit",
                           lambda t: regex.compile(grammar(t).locality(sep=r"[ \t]*")))
    m = pattern.search(text, timeout=TIMEOUT)
    if not m:
        return None
    u = unit_of(m.group("unit"), tables)
    return (u, " ".join(m.group("place").split())) if u else None


def code_key(code: str) -> str:
    """Comparison key of a code: the instrument codes' fold without spaces ("SGD&ĐT" ~ "SGD&DT")."""
    return "".join(fold(code).split())


def build_names(tables: Rules) -> BodyNames:
    """Read the vocabulary of body names from one rules folder."""
    cfg = tables.yaml("issuers.yaml")
    councils: dict[str, tuple[str, str]] = {}
    for c in cfg["councils"]:
        for f in c["forms"]:
            councils[f.casefold()] = (c["name"], c["kind"])
    unit_words: dict[str, str] = {}
    forms: list[str] = []
    for u in units(tables).values():
        for f in u.forms:
            unit_words[f.casefold()] = u.name
            forms.append(f)
    agencies: dict[str, Agency] = {}
    codes: dict[str, Agency] = {}
    ministry_names: dict[str, str] = {}
    departments: set[str] = set()
    ministries: set[str] = set()
    for row in tables.csv("issuers_departments.csv"):
        ag = Agency(row["name"], "department", row["locality"] or "full")
        for n in [row["name"], *filter(None, row["aliases"].split(";"))]:
            agencies[n.casefold()] = ag
            if n.startswith("Sở "):
                departments.add(n.removeprefix("Sở "))
        for c in filter(None, row["codes"].split(";")):
            codes.setdefault(code_key(c), ag)
    for row in tables.csv("issuers_national.csv"):
        ag = Agency(row["name"], "national")
        for n in [row["name"], *filter(None, row["aliases"].split(";"))]:
            agencies.setdefault(n.casefold(), ag)
            ministry_names.setdefault(" ".join(n.split()), row["name"])
            if n.startswith("Bộ "):
                ministries.add(n)
        for c in filter(None, row["codes"].split(";")):
            codes.setdefault(code_key(c), ag)
    return BodyNames(
        unit_words=unit_words,
        unit_forms=tuple(forms),
        provinces=provinces(tables).pattern.pattern,
        committees=dict(cfg["party_committees"]),
        committee_abbreviations=tuple(cfg.get("party_committee_abbreviations") or ()),
        party_organs=tuple(cfg["party_organs"]),
        branch_words=tuple(cfg["party_branch_words"]),
        default_committee=cfg["party_default_committee"],
        heads=tuple(cfg["body_heads"]),
        councils=councils,
        agencies=agencies,
        codes=codes,
        ministries=tuple(sorted(ministries)),
        departments=tuple(sorted(departments)),
        ministry_names=ministry_names,
    )


def grammar(tables: Rules | None = None) -> BodyGrammar:
    """The body-phrase grammar of `tables` (the shipped rules by default), built once."""
    return compiled_for(tables, "extract.grammar.bodies", lambda t: BodyGrammar(build_names(t)))
