"""Instruments cited by name only: "Luật Việc làm", "Hiến pháp năm 2013", "TCVN ISO 9001:2015",
"Nghị quyết Hội nghị lần thứ 6 Ban Chấp hành Trung ương Đảng khóa XII"."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex
from kehoach.context import DocContext
from kehoach.normalize import TIMEOUT
from kehoach.tables import load_yaml


@dataclass(frozen=True)
class _Rule:
    type: str
    pattern: regex.Pattern[str]
    standard: bool


_AFTER_SYMBOL = regex.compile(r"\s*(?:,\s*)?(?:số|so)?\s*\d+\s*[/\-]")


@cache
def _rules() -> tuple[_Rule, ...]:
    cfg = load_yaml("named_instruments.yaml")
    stop = "|".join(regex.escape(w) for w in sorted(cfg["stop_words"], key=len, reverse=True))
    # a name runs over words up to a stop word, a punctuation mark or a number (at most 12
    # words), and may end with its year: "Luật Hôn nhân và gia đình năm 2014"
    name = (rf"[\p{{L}}]*(?:[ \t]+(?!(?:{stop})(?!\p{{L}}))[\p{{L}}][\p{{L}}\-]*){{0,11}}"
            rf"(?:[ \t]+năm[ \t]+\d{{4}}(?!\d))?")
    return tuple(
        _Rule(r["type"], regex.compile(r"(?<!\p{L})" + r["pattern"].replace("{name}", name)),
              r.get("name") == "standard")
        for r in cfg["rules"]
    )


def _standard_name(mention: str) -> str:
    versions = regex.findall(r"(\d{4,5}):(\d{4})", mention, timeout=TIMEOUT)
    prefix = "TCVN ISO" if mention.startswith("TCVN") else "ISO"
    if versions:
        code, year = max(versions, key=lambda v: v[1])
        return f"{prefix} {code}:{year}"
    return " ".join(mention.split())


def run(ctx: DocContext) -> None:
    text = ctx.text
    # a name that is part of a numbered citation ("Luật Phổ biến, giáo dục pháp luật số
    # 14/2012/QH13"), or that starts the text of one, is listed under instruments only
    numbered = ctx.shared.get("instrument_mentions", [])
    taken: list[tuple[int, int]] = [(m.start, m.end) for m in numbered]
    numbered_texts = [" ".join(text[m.start : m.sym_start].split()).casefold() for m in numbered]
    rows = []
    for rule in _rules():
        for m in list(rule.pattern.finditer(text, timeout=TIMEOUT)):
            if _AFTER_SYMBOL.match(text, m.end(), timeout=TIMEOUT) or any(
                s < m.end() and m.start() < e for s, e in taken
            ):
                continue
            mention = " ".join(m.group().split()).rstrip(" -,")
            name = _standard_name(mention) if rule.standard else mention
            if any(t.startswith(name.casefold()) for t in numbered_texts):
                continue
            ev = ctx.evidence(m.start(), m.start() + len(m.group().rstrip(" -,")))
            taken.append((m.start(), m.end()))
            rows.append({
                "instrument_id": None,
                "instrument_key": "name:" + name.casefold(),
                "name": name,
                "type": rule.type,
                "year": None, "date": None, "issuer": None, "scope": None,
                "basis": False, "in_basis": False, "short_form": False,
                "date_cited": None, "issuer_cited": None,
                "mention": mention,
                "start": ev.start, "end": ev.end, "page": ev.page,
                "sentence": ctx.sentence_text(m.start()),
            })
    ctx.shared["named_instrument_rows"] = rows
