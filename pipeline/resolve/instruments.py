"""Inside one document: short forms inherit from the full citation, one type/date/issuer per
instrument, the instrument_key, and the citation rows with their evidence."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kehoach.context import DocContext
from kehoach.extract.citations.instruments import Mention
from kehoach.extract.citations.issuers import issuer_from_code
from kehoach.extract.grammar.codes import codes
from kehoach.rules import Rules


def instrument_key(instrument_id: str, year: int | None, scope: str | None) -> str:
    return f"{instrument_id}|{year if year else '?'}|{scope or ''}"


def _type_of(m: Mention, tables: Rules | None = None) -> str | None:
    c = codes(tables)
    if m.type_word and m.type_word.casefold() not in c.generic_type_words:
        return c.type_words.get(m.type_word.casefold(), m.type_word)
    if m.party:
        return c.party_types.get(m.type_code or "")
    if m.type_code:
        return c.state_types.get(m.type_code)
    if m.issuer_code and m.issuer_code in c.issuers and not m.instrument_id.count("/") > 1:
        return (tables or Rules.active()).yaml("instruments.yaml")["letter_type"]  # "1234/UBND-KGVX": no type code
    return None


def _issuer_from_codes(m: Mention, typ: str | None, loc: Any,
                       tables: Rules | None = None) -> tuple[str | None, str | None]:
    """The issuer the code implies. A joint document ("02/2019/TTLT-BTC-BNV", a party
    "05-QC/BTCTU-BDVTU") names every issuer in its symbol: all of them, joined by " - "."""
    joint_types = (tables or Rules.active()).yaml("instruments.yaml")["joint_types"]
    joint = len(m.issuer_codes) > 1 and (m.party or typ in joint_types)
    if not joint:
        return issuer_from_code(m.issuer_code, loc, tables)
    found = [issuer_from_code(code, loc, tables) for code in m.issuer_codes]
    if any(name is None for name, _ in found):
        return None, None
    scope = next((sc for _, sc in found if sc), None)
    return " - ".join(name for name, _ in found if name), scope


def resolve(ctx: DocContext, mentions: list[Mention]) -> list[dict[str, Any]]:
    loc, tables = ctx.locality, ctx.rules
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[m.instrument_id].append(m)
    resolved: dict[str, dict[str, Any]] = {}
    for iid, ms in groups.items():
        # the first type word written wins; else what the code implies
        typ = next((t for t in (_type_of(m, tables) for m in ms if m.type_word) if t), None)
        typ = typ or next((t for t in (_type_of(m, tables) for m in ms) if t), None)
        date = next((m.date for m in ms if m.date), None)
        cited_year = next((m.year_cited for m in ms if m.year_cited), None)
        year = ms[0].year or (int(date[:4]) if date else cited_year)
        explicit = next((m.issuer for m in ms if m.issuer and m.issuer.issuer), None)
        if explicit is not None:
            issuer, scope = explicit.issuer, explicit.scope
        else:
            issuer, scope = _issuer_from_codes(ms[0], typ, loc, tables)
        resolved[iid] = {
            "instrument_id": iid,
            "instrument_key": instrument_key(iid, year, scope),
            "type": typ,
            "year": year,
            "date": date,
            "issuer": issuer,
            "scope": scope,
            "basis": any(m.in_basis for m in ms),
        }
    # a short form takes date and issuer from a fuller mention of the same instrument
    full = {iid: any(m.date or m.issuer for m in ms) for iid, ms in groups.items()}
    rows = []
    for m in mentions:
        ev = ctx.evidence(m.start, m.end)
        rows.append({
            **resolved[m.instrument_id],
            "name": None,
            "in_basis": m.in_basis,
            "short_form": m.date is None and m.issuer is None and full[m.instrument_id],
            "date_cited": m.date,
            "issuer_cited": m.issuer.issuer if m.issuer else None,
            "mention": " ".join(ev.text.split()),
            "start": ev.start,
            "end": ev.end,
            "page": ev.page,
            "sentence": ctx.sentence_text(m.start),
        })
    return rows


def run(ctx: DocContext) -> None:
    rows = resolve(ctx, ctx.instrument_mentions)
    rows += ctx.named_instrument_rows
    rows.sort(key=lambda r: r["start"])
    for row in rows:
        ctx.add("citations", row)
