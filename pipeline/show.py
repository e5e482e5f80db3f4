"""`kehoach show FILE`: one plan as HTML, every extracted span highlighted by kind.

The document goes through the normal pipeline once; its spaCy Doc is then built from the rows
(kehoach.nlp.doc_from_context), and the template (pipeline/templates/show.html.j2) shows
the source text with instrument, channel, body and deadline spans marked, each with its fields
as a tooltip, followed by the rows as tables. Overlapping spans are split at every boundary.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from kehoach.components import analyse
from kehoach.context import DocContext
from kehoach.read import read_document

TEMPLATES = Path(__file__).resolve().parent / "templates"
KINDS = ("instrument", "channel", "body", "deadline")
TOOLTIP_FIELDS = 6


def process(path: str | Path) -> DocContext:
    """Read and extract one document (raises DocumentError for bad input)."""
    return analyse(DocContext.from_source(read_document(str(path))))


def _tooltip(kind: str, row: dict[str, Any]) -> str:
    keep = [(k, v) for k, v in row.items()
            if v not in (None, "") and k not in ("start", "end", "page", "task", "sentence")]
    return f"{kind}: " + "; ".join(f"{k}={v}" for k, v in keep[:TOOLTIP_FIELDS])


def segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """Cut `text` at every span boundary; each piece lists the kinds covering it."""
    cuts = {0, len(text)}
    for s, e, _, _ in spans:
        cuts.update((max(0, s), min(len(text), e)))
    points = sorted(cuts)
    out = []
    for a, b in pairwise(points):
        if a == b:
            continue
        cover = [(k, t) for s, e, k, t in spans if s <= a and b <= e]
        kinds = sorted({k for k, _ in cover}, key=KINDS.index)
        out.append({"text": text[a:b], "kinds": kinds,
                    "title": " | ".join(t for _, t in cover)})
    return out


def render(path: str | Path) -> str:
    from kehoach.nlp import doc_from_context

    ctx = process(path)
    doc = doc_from_context(ctx)
    spans: list[tuple[int, int, str, str]] = []
    tables: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        group = doc.spans.get(kind, [])
        rows = [sp._.kh for sp in group]
        tables[kind] = rows
        # highlight the exact extracted characters (tokens may be wider)
        spans += [(int(r["start"]), int(r["end"]), kind, _tooltip(kind, r)) for r in rows]
    env = Environment(loader=FileSystemLoader(TEMPLATES),
                      autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("show.html.j2")
    return template.render(
        title=Path(path).name,
        doc_id=ctx.doc_id,
        n_chars=len(doc.text),
        counts={k: len(v) for k, v in tables.items()},
        segments=segments(doc.text, spans),
        tables=tables,
    )
