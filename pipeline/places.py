"""Provinces (models/provinces.csv): names, aliases, and the 2025 merger (63 -> 34)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex
from kehoach.tables import load_csv


@dataclass(frozen=True)
class Province:
    name: str  # short name without "tỉnh"/"thành phố": "Khánh Hòa", "Hồ Chí Minh"
    unit: str  # "tỉnh" or "thành phố" (centrally-run city)
    current: str  # province after the 2025 merger

    @property
    def full(self) -> str:
        return f"{self.unit} {self.name}"


@dataclass(frozen=True)
class Provinces:
    by_key: dict[str, Province]
    pattern: regex.Pattern[str]  # any province name or alias, as a whole word sequence

    def lookup(self, name: str) -> Province | None:
        return self.by_key.get(_key(name))


@cache
def _key(name: str) -> str:
    return " ".join(regex.sub(r"[\s\-]+", " ", name).split()).casefold()


@cache
def provinces() -> Provinces:
    by_key: dict[str, Province] = {}
    names: list[str] = []
    for row in load_csv("provinces.csv"):
        prov = Province(row["province"], row["unit"], row["province_current"])
        for n in [row["province"], *filter(None, row["aliases"].split(";"))]:
            by_key[_key(n)] = prov
            names.append(n)
    alts = "|".join(
        regex.escape(n).replace(r"\ ", r"\s+").replace(r"\-", r"\s*-\s*")
        for n in sorted(set(names), key=len, reverse=True)
    )
    return Provinces(by_key, regex.compile(rf"(?<!\p{{L}})(?:{alts})(?!\p{{L}})"))
