"""Recipients: one row per line of the "Nơi nhận" list, with its purpose ("để b/c").

The list sits left of (or above, or below) the signature; text exports interleave the two
columns, so the list is read cell by cell and the signature's cells are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from kehoach import patterns
from kehoach.context import DocContext
from kehoach.extract.metadata import signature
from kehoach.extract.metadata.layout import Cell, at_cell_start, collapse, iter_cells
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.rules import Rules, compiled_for


def _case_forms(words: list[str]) -> list[str]:
    return [f for w in words for f in (w, w.upper(), w.lower(), w.capitalize())]


@dataclass(frozen=True)
class _Rules:
    label: regex.Pattern[str]
    label_at_cell: regex.Pattern[str]
    label_words: patterns.LeadWords  # the words a match of `label_at_cell` starts with
    purpose: regex.Pattern[str]
    archive: regex.Pattern[str]
    bullet: regex.Pattern[str]
    item_break: regex.Pattern[str]
    max_lines: int


def compile_rules(tables: Rules) -> _Rules:
    """The grammar of the "Nơi nhận" list of one rules folder (models/recipients.yaml)."""
    cfg = tables.yaml("recipients.yaml")
    return _Rules(
        label=regex.compile(rf"(?i:{alternation(cfg['labels'])})\s*:?\s*"),
        # case-sensitive forms: a case-insensitive scan of every line is slower
        label_at_cell=regex.compile(
            rf"(?:{alternation(_case_forms(cfg['labels']))})(?!\p{{L}})"
        ),
        purpose=regex.compile(
            rf"[ \t]*(?:\([ \t]*(?P<p>(?i:(?:để[ \t]+)?(?:{alternation(cfg['purposes'])})))[ \t]*\)"
            rf"|[ \t]*[-,]?[ \t]*(?P<q>(?i:để[ \t]+(?:{alternation(cfg['purposes'])}))))[ \t]*[;.,]*$"
        ),
        label_words=patterns.LeadWords(patterns.first_words(_case_forms(cfg["labels"]))),
        archive=regex.compile(rf"(?i:{alternation(cfg['archive'])})(?!\p{{L}})"),
        bullet=regex.compile(r"[-+•*–][ \t]*"),
        # items run together in one cell ("- Sở Nội vụ; - Lưu: VT.": a scraped table cell that
        # lost its line breaks): a new item starts at a bullet after the ";" ending the last
        item_break=regex.compile(r"(?<=[;.])[ \t]+(?=[-+•–][ \t]*\S)"),
        max_lines=cfg["max_lines"],
    )


def rules(tables: Rules | None = None) -> _Rules:
    """The grammar compiled from `tables` (the shipped rules by default), once."""
    return compiled_for(tables, "extract.recipients", compile_rules)


@dataclass(frozen=True)
class Recipient:
    recipient: str
    purpose: str | None
    kind: str  # recipient | archive
    raw: str
    start: int  # normalized offsets of the line
    end: int


def _items(cell: Cell, r: _Rules) -> list[Cell]:
    """The cell, or the items run together in it, each a cell of its own."""
    cuts = [m.end() for m in r.item_break.finditer(cell.text, timeout=TIMEOUT)]
    if not cuts:
        return [cell]
    out = []
    for a, b in zip([0, *cuts], [*cuts, len(cell.text)], strict=True):
        piece = cell.text[a:b].rstrip()
        out.append(Cell(cell.start + a, cell.start + a + len(piece), piece, cell.line))
    return out


def _is_signature(cell: Cell, sig: signature._Rules) -> bool:
    return bool(sig.line.match(cell.text, timeout=TIMEOUT)) or bool(
        sig.skip.fullmatch(cell.text, timeout=TIMEOUT)
    )


def parse_line(cell: Cell, r: _Rules | None = None) -> Recipient | None:
    r = r or rules()
    raw = cell.text
    b = r.bullet.match(raw, timeout=TIMEOUT)
    body = raw[b.end():] if b else raw
    purpose = None
    m = r.purpose.search(body, timeout=TIMEOUT)
    if m:
        purpose = collapse(m.group("p") or m.group("q"))
        body = body[: m.start()]
    body = collapse(body).rstrip(" ;.,")
    if not body:
        return None
    kind = "archive" if r.archive.match(body, timeout=TIMEOUT) else "recipient"
    return Recipient(body, purpose, kind, raw, cell.start, cell.end)


def find(text: str, tables: Rules | None = None) -> list[Recipient]:
    """The first "Nơi nhận" list of the text (read with the grammars of `tables`, by
    default the shipped rules)."""
    tables = tables or Rules.active()
    r, sig = rules(tables), signature.rules(tables)
    for m in patterns.words_finditer(r.label_at_cell, text, r.label_words):
        label_start = m.start()
        if not at_cell_start(text, label_start):
            continue
        line_start = text.rfind("\n", 0, label_start) + 1
        out: list[Recipient] = []
        first_line = -1
        for cell in iter_cells(text, line_start, min(len(text), label_start + 3000)):
            if cell.end <= label_start:
                continue
            if first_line < 0:
                first_line = cell.line
                lm = r.label.match(cell.text, timeout=TIMEOUT)
                rest = cell.text[lm.end():] if lm else ""
                if rest.strip():
                    for item in _items(Cell(cell.end - len(rest), cell.end, rest, cell.line), r):
                        rec = parse_line(item, r)
                        if rec:
                            out.append(rec)
                continue
            if cell.line - first_line > r.max_lines:
                break
            if _is_signature(cell, sig) or signature.person_name(cell, sig):
                continue
            t = cell.text
            if not (r.bullet.match(t, timeout=TIMEOUT) or t.endswith((";", ".", ","))
                    or r.archive.match(t, timeout=TIMEOUT)):
                break
            if len(t) > 200:
                break
            recs = [rec for item in _items(cell, r) if (rec := parse_line(item, r))]
            out += recs
            if any(rec.kind == "archive" for rec in recs):
                break
        if out:
            return out
    return []


def run(ctx: DocContext) -> None:
    recs = find(ctx.text, ctx.rules)  # the document's own rules (kehoach.rules.Rules)
    for rec in recs:
        ev = ctx.evidence(rec.start, rec.end)
        ctx.add(
            "recipients",
            {
                "recipient": rec.recipient,
                "purpose": rec.purpose,
                "kind": rec.kind,
                "raw": collapse(ev.text),
                "start": ev.start,
                "end": ev.end,
                "page": ev.page,
            },
        )
    ctx.document["n_recipients"] = len(recs)
