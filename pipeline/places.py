"""Administrative units (models/admin_units.csv): ONE table of the unit words with their
level, and of the provinces with their aliases and the 2025 merger (63 -> 34).

Rows of kind `unit` are the unit words ("tỉnh", "thành phố", "huyện", "xã", "đặc khu")
with their level and other spellings ("TP.", "TX."); rows of kind `province` are the 63
provinces before the 2025 merger with `province_current`, the province each one belongs to
after it (the 34 current provinces are the rows whose `province_current` is themselves).
Levels use one vocabulary for units and bodies alike: LEVELS. "thành phố" is a district
unless it names a centrally-run city (a province row of unit "thành phố"). The `example`
column holds phrases a test runs through the accessors below; `in_names` says how a body's
name writes the province when not by its short name ("Thành ủy thành phố Hồ Chí Minh").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex
from kehoach.rules import Rules, compiled_for, per_rules

TABLE = "admin_units.csv"
LEVELS = ("national", "province", "department", "district", "commune")


@dataclass(frozen=True)
class Province:
    name: str  # short name without "tỉnh"/"thành phố": "Khánh Hòa", "Hồ Chí Minh"
    unit: str  # "tỉnh" or "thành phố" (centrally-run city)
    current: str  # province after the 2025 merger
    region: str = ""
    in_names: str = ""  # how a body's name writes it when not the short name

    @property
    def full(self) -> str:
        return f"{self.unit} {self.name}"

    @property
    def in_body_name(self) -> str:
        """The province after a body word: "Thành ủy Hà Nội" but "Thành ủy thành phố Hồ Chí
        Minh" (a person's name alone never names the city)."""
        return self.in_names or self.name

    @property
    def is_current(self) -> bool:
        return self.current == self.name


@dataclass(frozen=True)
class Unit:
    name: str  # canonical unit word: "thành phố"
    level: str  # one of LEVELS
    forms: tuple[str, ...]  # every spelling, canonical first: ("thành phố", "TP.", "TP", ...)


@dataclass(frozen=True)
class Provinces:
    by_key: dict[str, Province]
    pattern: regex.Pattern[str]  # any province name or alias, as a whole word sequence

    def lookup(self, name: str) -> Province | None:
        return self.by_key.get(_key(name))


@cache
def _key(name: str) -> str:
    return " ".join(regex.sub(r"[\s\-]+", " ", name).split()).casefold()


def _rows(tables: Rules, kind: str) -> list[dict[str, str]]:
    return [r for r in tables.csv(TABLE) if r["kind"] == kind]


def compile_provinces(tables: Rules) -> Provinces:
    """The provinces of one rules folder's admin_units.csv."""
    by_key: dict[str, Province] = {}
    names: list[str] = []
    for row in _rows(tables, "province"):
        prov = Province(row["name"], row["unit"], row["province_current"], row["region"],
                        row.get("in_names") or "")
        for n in [row["name"], *filter(None, row["aliases"].split(";"))]:
            by_key[_key(n)] = prov
            names.append(n)
    alts = "|".join(
        regex.escape(n).replace(r"\ ", r"\s+").replace(r"\-", r"\s*-\s*")
        for n in sorted(set(names), key=lambda n: (-len(n), n))  # one order in every process
    )
    return Provinces(by_key, regex.compile(rf"(?<!\p{{L}})(?:{alts})(?!\p{{L}})"))


def provinces(tables: Rules | None = None) -> Provinces:
    """The provinces of `tables` (the shipped rules by default), compiled once."""
    return compiled_for(tables, "places.provinces", compile_provinces)


@per_rules
def current_provinces() -> tuple[str, ...]:
    """The 34 provinces after the 2025 merger."""
    return tuple(sorted({p.current for p in provinces().by_key.values()}))


def province_current(name: str) -> str | None:
    """"Bắc Giang" -> "Bắc Ninh"; None when `name` is no province."""
    prov = provinces().lookup(name)
    return prov.current if prov else None


def compile_units(tables: Rules) -> dict[str, Unit]:
    """Unit words of one rules folder by canonical name, in table order (province before
    district before commune)."""
    out: dict[str, Unit] = {}
    for row in _rows(tables, "unit"):
        if row["level"] not in LEVELS:
            raise ValueError(f"{TABLE}: unknown level {row['level']!r} of {row['name']!r}")
        forms = (row["name"], *filter(None, row["aliases"].split(";")))
        out[row["name"]] = Unit(row["name"], row["level"], forms)
    return out


def units(tables: Rules | None = None) -> dict[str, Unit]:
    """Unit words by canonical name (of `tables`, the shipped rules by default)."""
    return compiled_for(tables, "places.units", compile_units)


def _compile_unit_by_form(tables: Rules) -> dict[str, Unit]:
    return {_key(f): u for u in units(tables).values() for f in u.forms}


def unit_of(form: str, tables: Rules | None = None) -> Unit | None:
    """"TP." -> the unit "thành phố"; any case ("THỊ XÃ"), spaces folded."""
    return compiled_for(tables, "places.unit_by_form", _compile_unit_by_form).get(_key(form))


def unit_forms(level: str | None = None, tables: Rules | None = None) -> list[str]:
    """Every spelling of the unit words (of one level when given)."""
    return [f for u in units(tables).values() if level in (None, u.level) for f in u.forms]


def case_variants(words: list[str]) -> list[str]:
    """Each word as written, capitalised and in upper case ("tỉnh", "Tỉnh", "TỈNH"): a plain
    alternation of these is much faster than a case-insensitive one."""
    return sorted({v for w in words for v in (w, w[:1].upper() + w[1:], w.upper())})


def unit_level(unit: str | None, place: str | None = None) -> str | None:
    """Level of a body of "unit place": "thành phố Hà Nội" -> province (a centrally-run
    city), "thành phố Thủ Dầu Một" -> district, "tỉnh" -> province, "phường" -> commune."""
    u = unit_of(unit) if unit else None
    if u is None:
        return None
    if place:
        prov = provinces().lookup(place)
        if prov and prov.unit == u.name:
            return "province"
    return u.level


