"""Document metadata (GUIDELINE "metadata"): type, number-symbol, issuer with its level,
province and parent, place and date, title, signer, period, attached plan.

Cheap by design: the header is the text before the type line, the opening is the first
few KB after the title, the signature is found by a line-anchored scan. The issuer is
read from every place that names it (header column, a decision's authority line, the
opening sentence, the title, the symbol code, the signature); places that agree add up
to the document's `confidence`. The issuer's locality then becomes the plan's locality
(ctx.locality) so that "UBND tỉnh" in citations resolves to the issuer's
province.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import regex
from kehoach.context import DocContext
from kehoach.extract.metadata import header as meta_header
from kehoach.extract.metadata import issuer as bodies
from kehoach.extract.metadata import signature
from kehoach.extract.metadata import title as meta_title
from kehoach.extract.metadata.issuer import Body, Resolved
from kehoach.extract.metadata.layout import Cell, collapse
from kehoach.extract.metadata.locality import Locality, detect
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.places import case_variants, provinces, unit_forms
from kehoach.rules import Rules, load_yaml, per_rules


@dataclass(frozen=True)
class Candidate:
    body: Body
    source: str  # key of metadata.yaml issuer_sources
    weight: float
    start: int  # normalized offsets of the evidence
    end: int


@dataclass
class Issuer:
    body: Body | None
    parent: Body | None
    sources: list[str]
    confidence: float
    start: int
    end: int



@dataclass(frozen=True)
class _Rules:
    weights: dict[str, float]
    inferred_cap: float
    opening_after: regex.Pattern[str]
    clause_start: regex.Pattern[str]
    title_object: regex.Pattern[str]
    cited_number: regex.Pattern[str]
    heads: regex.Pattern[str]
    title_prefixes: dict[str, tuple[str, ...]]
    opening_chars: int


@per_rules
def rules() -> _Rules:
    cfg = load_yaml("metadata.yaml")
    verbs = alternation(cfg["issuing_verbs"])
    fillers = alternation(cfg["opening_fillers"])
    types = alternation(cfg["doc_types"])
    return _Rules(
        weights=dict(cfg["issuer_sources"]),
        inferred_cap=cfg["inferred_cap"],
        opening_after=regex.compile(
            rf"[ \t]+(?:(?i:{fillers})[ \t]+)?(?i:{verbs})"
            rf"(?:[ \t]+\p{{Ll}}+){{0,2}}?[ \t]+(?i:{types})"
            # "UBND tỉnh ban hành Kế hoạch số 38/KH-UBND" names another document
            r"(?![ \t]+(?:số|Số)?[ \t]*\d)"
        ),
        clause_start=regex.compile(r"(?:^|[\n,;:.][ \t]*|\t)$"),
        title_object=regex.compile(rf"(?i:(?<!\p{{L}})(?:{alternation(cfg['title_object_words'])}))\s+(?:các\s+)?$"),
        cited_number=regex.compile(r"\d+\s*[/\-]\s*(?:(?:19|20)\d\d/)?\p{Lu}"),
        heads=regex.compile(
            rf"(?i:{alternation(load_yaml('issuers.yaml')['body_heads'])})(?!\p{{L}})"
        ),
        title_prefixes={t: tuple(p) for t, p in cfg["signer_titles"].items()},
        opening_chars=cfg["opening_chars"],
    )


def _header_bodies(lines: list[Cell], text: str) -> list[tuple[Body, int, int]]:
    """Group the header's issuer column into body phrases: a line starting with a body
    head ("SỞ", "UBND", "BAN") starts a new one; other lines continue it ("TỈNH CAO BẰNG");
    lines before the first head are not a body."""
    r = rules()
    groups: list[list[Cell]] = []
    for cell in lines:
        if r.heads.match(cell.text, timeout=TIMEOUT):
            groups.append([cell])
        elif groups:
            groups[-1].append(cell)
    out = []
    for g in groups:
        phrase = " ".join(c.text for c in g)
        body = bodies.parse_phrase(phrase, text)
        if body is not None:
            out.append((replace(body, start=g[0].start, end=g[-1].end), g[0].start, g[-1].end))
    return out


def _authority(text: str, start: int) -> tuple[Body, int, int] | None:
    """A decision's authority line right after its title."""
    pos = start
    for _ in range(3):
        nl = text.find("\n", pos)
        if nl < 0:
            return None
        pos = nl + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip()
        if not line:
            continue
        if not meta_title.is_authority_line(line):
            return None
        lead = text.index(line[0], pos)
        found = bodies.find(text, lead, lead + len(line))
        if found:
            return found[0], lead, lead + len(line)
        return None
    return None


def _opening(text: str, start: int, end: int) -> list[tuple[Body, int, int]]:
    """Bodies that open a clause and are followed by an issuing verb and a type word
    ("..., UBND tỉnh ban hành Kế hoạch ...")."""
    r = rules()
    out = []
    for b in bodies.find(text, start, end):
        before = text[max(0, b.start - 3) : b.start]
        if not r.clause_start.search(before, None, None, None, False, TIMEOUT):
            continue
        if r.opening_after.match(text, b.end, min(len(text), b.end + 80), timeout=TIMEOUT):
            out.append((b, b.start, b.end))
    return out


def _title_bodies(text: str, title: meta_title.Title) -> list[tuple[Body, int, int]]:
    r = rules()
    out = []
    for b in bodies.find(text, title.start, title.end):
        if b.kind == "national":
            continue
        before = text[title.start : b.start]
        if r.cited_number.search(before, timeout=TIMEOUT) or r.title_object.search(
            before, timeout=TIMEOUT
        ):
            continue
        out.append((b, b.start, b.end))
    return out


def _symbol_bodies(symbol: str | None) -> list[Body]:
    if not symbol:
        return []
    out = []
    for part in regex.split(r"[-/]", symbol, timeout=TIMEOUT)[1:]:
        b = bodies.by_code(part)
        if b is not None:
            out.append(b)
            break
    return out


def _supports(sig: signature.Signature | None, body: Body) -> bool:
    if sig is None or sig.head_title is None or not body.name:
        return False
    prefixes = rules().title_prefixes.get(sig.head_title, ())
    name = f"Chủ tịch {body.name}" if body.chair else body.name
    return any(name.startswith(p) for p in prefixes)


def _merge(cluster: list[Candidate]) -> Body:
    """The most specific reading of one body: longest name, locality where given."""
    best = max(cluster, key=lambda c: (len(c.body.name or ""), c.weight))
    body = best.body
    for c in sorted(cluster, key=lambda c: -c.weight):
        if body.unit is None and c.body.unit:
            body = replace(body, unit=c.body.unit)
        if body.place is None and c.body.place:
            body = replace(body, place=c.body.place)
    top = max(cluster, key=lambda c: c.weight)
    return replace(body, chair=top.body.chair)


def choose(cands: list[Candidate], sig: signature.Signature | None) -> Issuer:
    r = rules()
    clusters: list[list[Candidate]] = []
    for c in sorted(cands, key=lambda c: -c.weight):
        for cl in clusters:
            if all(c.body.compatible(x.body) for x in cl):
                cl.append(c)
                break
        else:
            clusters.append([c])

    def score(cl: list[Candidate]) -> float:
        per_source: dict[str, float] = {}
        for c in cl:
            per_source[c.source] = max(per_source.get(c.source, 0.0), c.weight)
        if _supports(sig, _merge(cl)):
            per_source["signature_title"] = r.weights["signature_title"]
        miss = 1.0
        for w in per_source.values():
            miss *= 1.0 - w
        return 1.0 - miss

    if not clusters:
        if sig and sig.head_title and "Ủy ban nhân dân" in r.title_prefixes.get(sig.head_title, ()):
            return Issuer(Body("ubnd", "Ủy ban nhân dân"), None, ["signature_title"],
                          r.weights["signature_title"], sig.start, sig.end)
        return Issuer(None, None, [], 0.0, -1, -1)
    best = max(clusters, key=score)
    conf = score(best)
    sources = sorted({c.source for c in best}, key=lambda s: -r.weights[s])
    if _supports(sig, _merge(best)):
        sources.append("signature_title")
    if "header" not in sources:
        conf = min(conf, r.inferred_cap)
    top = max(best, key=lambda c: c.weight)
    return Issuer(_merge(best), None, sources, round(conf, 2), top.start, top.end)


def extract(text: str, loc: Locality, tables: Rules | None = None) -> dict[str, Any]:
    """All metadata of one normalized text; offsets are normalized (see run). The signature
    is read with the grammar of `tables` (by default the shipped rules)."""
    r = rules()
    w = r.weights
    header = meta_header.parse(text)
    title = meta_title.find_title(text, header)
    after_title = title.end if title else (header.type_cell.end if header.type_cell else 0)
    authority = _authority(text, after_title) if header.type_cell else None
    body_start = authority[2] if authority else after_title
    opening_end = min(len(text), body_start + r.opening_chars)
    sig = signature.find(text, body_start, signature.rules(tables))

    cands: list[Candidate] = []
    head = _header_bodies(header.issuer_lines, text)
    parent_body = head[-2][0] if len(head) >= 2 else None
    if head:
        b, s, e = head[-1]
        cands.append(Candidate(b, "header", w["header"], s, e))
    if authority:
        b, s, e = authority
        cands.append(Candidate(b, "authority", w["authority"], s, e))
    opening_bodies = _opening(text, body_start, opening_end)
    for b, s, e in opening_bodies:
        cands.append(Candidate(b, "opening", w["opening"], s, e))
    if title:
        for b, s, e in _title_bodies(text, title):
            cands.append(Candidate(b, "title", w["title"], s, e))
    for b in _symbol_bodies(header.doc_symbol):
        span = header.number_span
        cands.append(Candidate(b, "symbol", w["symbol"], span.start if span else -1,
                               span.end if span else -1))
    if sig:
        for phrase in sig.mode_bodies + sig.title_bodies:
            b = bodies.parse_phrase(phrase, text)
            if b is not None and b.kind != "other":
                cands.append(
                    Candidate(b, "signature_body", w["signature_body"], sig.start, sig.end)
                )
    chosen = choose(cands, sig)
    if chosen.body is not None and parent_body is not None and not any(
        c.source == "header" for c in cands if c.body.compatible(chosen.body)
    ):
        parent_body = None
    place_line = header.place
    if header.issue_date is None and sig is not None:
        tail = meta_header.date_line(text, max(body_start, sig.start - 400), sig.end + 400)
        if tail:
            header.issue_date, header.date_precision = tail.issue_date, tail.date_precision
            header.date_span, header.place = tail.date_span, tail.place
            place_line = tail.place
    res = (
        bodies.resolve(chosen.body, loc, _place_name(place_line), text, parent_body)
        if chosen.body is not None
        else Resolved(None, None, loc.province, None, None, None)
    )
    doc_type = header.doc_type or meta_header.type_from_symbol(header.symbol)
    if title is None and header.subject is not None:  # an official letter's "V/v ..."
        title = meta_title.subject_title(text, header.subject)
    self_desc = ""
    for _, _, e in opening_bodies:
        m = r.opening_after.match(text, e, timeout=TIMEOUT)
        if m:
            nl = text.find("\n", m.end())
            self_desc = text[m.end() : len(text) if nl < 0 else nl]
            break
    issue_year = int(header.issue_date[:4]) if header.issue_date else None
    period = meta_title.find_period(text, title.text if title else None, self_desc, issue_year)
    attached = None
    if doc_type == "Quyết định":
        attached = meta_title.find_attached(text, title, sig.start if sig else len(text))
    prov = provinces().lookup(res.province) if res.province else None
    return {
        "doc_type": doc_type,
        "doc_number": header.doc_number,
        "doc_symbol": header.doc_symbol,
        "issuer": res.issuer,
        "issuer_level": res.level,
        "issuer_parent": res.parent,
        "issuer_source": "+".join(chosen.sources) or None,
        "province": res.province,
        "province_current": prov.current if prov else None,
        "scope": _scope(res),
        "place": header.place,
        "issue_date": header.issue_date,
        "date_precision": header.date_precision,
        "title": title.text if title else None,
        "attached": attached,
        "signer_name": sig.name if sig else None,
        "signer_title": sig.title if sig else None,
        "signing_mode": sig.mode if sig else None,
        "period_start": period[0],
        "period_end": period[1],
        "confidence": chosen.confidence,
        "_spans": {
            "issuer": (chosen.start, chosen.end),
            "number": (header.number_span.start, header.number_span.end)
            if header.number_span else None,
            "date": (header.date_span.start, header.date_span.end) if header.date_span else None,
            "title": (title.start, title.end) if title else None,
            "signer": (sig.start, sig.end) if sig else None,
        },
        "_locality": Locality(res.province, res.district_unit, res.district)
        if res.province else None,
    }


def _scope(res: Resolved) -> str | None:
    """The issuer's scope as citations.scope writes it: "Trà Vinh", "Trà Vinh / Duyên Hải"."""
    if res.level == "national" or not res.province:
        return None
    if res.level in {"district", "commune"} and res.district:
        return f"{res.province} / {res.district}"
    return res.province


def _place_name(place: str | None) -> str | None:
    """The place of the date line without its unit prefix ("TP. Hồ Chí Minh" -> "Hồ Chí Minh")."""
    if not place:
        return None
    for p in sorted(case_variants(unit_forms()), key=len, reverse=True):
        if place.startswith(p + " ") or (p.endswith(".") and place.startswith(p)):
            return collapse(place[len(p):])
    return place


_QUOTES = {'"': "\u201c\u201d\u201e\u00ab\u00bb\"", "'": "\u2018\u2019'"}


def restore_quotes(norm: str, raw: str) -> str:
    """The quotation marks of `raw` (the source text of a span) put back into `norm`
    (the same span normalized, where typographic quotes became straight ones): the title
    keeps the quotes as written. Only when both hold the same number of them."""
    out = norm
    for plain, forms in _QUOTES.items():
        written = [c for c in raw if c in forms]
        if not written or len(written) != norm.count(plain):
            continue
        it = iter(written)
        out = "".join(next(it) if c == plain else c for c in out)
    return out


def run(ctx: DocContext) -> None:
    loc = ctx.locality
    if loc is None:
        loc = detect(ctx.text, ctx.rules)
    meta = extract(ctx.text, loc, ctx.rules)
    spans = meta.pop("_spans")
    new_loc = meta.pop("_locality")
    for key, span in spans.items():
        if span is None or span[0] < 0:
            meta[f"{key}_start"] = meta[f"{key}_end"] = None
            continue
        ev = ctx.evidence(*span)
        meta[f"{key}_start"], meta[f"{key}_end"] = ev.start, ev.end
        if key == "title" and meta["title"]:
            meta["title"] = restore_quotes(meta["title"], ev.text)
    ctx.document.update(meta)
    # the issuer's own province and district become the plan's locality (a national
    # issuer leaves the text-based one in place)
    if new_loc is not None and meta["issuer_level"] != "national":
        ctx.locality = new_loc
        ctx.document["province_context"] = new_loc.province
        ctx.document["district_context"] = new_loc.district_full
