"""links.csv: how each document relates to the instruments it cites, and which cited
plans are themselves in the corpus (linked_doc_id), so that the tree province ->
department -> district plans can be rebuilt.

Input: the citations table (instrument extractor) and documents.csv (metadata). Either may
be missing or empty; then links.csv is empty.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd
import regex
from kehoach.export.schema import columns
from kehoach.normalize import TIMEOUT
from kehoach.patterns import alternation
from kehoach.rules import load_yaml


@cache
def _cues() -> tuple[regex.Pattern[str], dict[str, str], list[str], str, frozenset[str]]:
    cfg = load_yaml("links.yaml")
    by_word: dict[str, str] = {}
    for relation, words in cfg["relations"].items():
        for w in words:
            by_word.setdefault(" ".join(w.split()).casefold(), relation)
    after = alternation(cfg["cue_after"])
    words = alternation([w for ws in cfg["relations"].values() for w in ws])
    pattern = regex.compile(
        rf"(?:^|(?<=[;:.]\s*)|(?<=Điều\s+\d+\.?\s*)|(?<=(?<!\p{{L}})(?:{after})\s+))"
        rf"(?P<cue>(?i:{words}))(?!\p{{L}})"
    )
    order = [*cfg["relations"], cfg["fallback"]]
    return pattern, by_word, order, cfg["fallback"], frozenset(cfg.get("basis_only", []))


def relation_of(sentence: str, mention: str, in_basis: bool | None = None) -> tuple[str, str] | None:
    """(relation, cue as written) for a mention from the last cue before it in its sentence."""
    pattern, by_word, _, _, basis_only = _cues()
    sentence, mention = " ".join(sentence.split()), " ".join(mention.split())
    idx = sentence.find(mention) if mention else -1
    prefix = sentence[:idx] if idx >= 0 else ""
    last = None
    for m in pattern.finditer(prefix, timeout=TIMEOUT):
        last = m
    if last is None:
        return None
    cue = " ".join(last.group("cue").split())
    relation = by_word[cue.casefold()]
    if relation in basis_only and in_basis is False:
        return None
    return relation, cue


def _year(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    s = str(value).strip()
    if not s or s == "?":
        return None
    return s[:4]


def _s(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _bool(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def document_index(documents: pd.DataFrame) -> dict[str, list[tuple[str, str | None, str]]]:
    """doc_number -> [(doc_id, issue year, scope)] for the corpus' documents."""
    index: dict[str, list[tuple[str, str | None, str]]] = {}
    if documents is None or documents.empty or "doc_number" not in documents:
        return index
    for row in documents.to_dict("records"):
        number = _s(row.get("doc_number"))
        if not number or _s(row.get("status")) not in {"", "ok"}:
            continue
        index.setdefault(number, []).append(
            (_s(row.get("doc_id")), _year(row.get("issue_date")), _s(row.get("scope")))
        )
    return index


def find_linked(
    index: dict[str, list[tuple[str, str | None, str]]], instrument_id: str, year: str | None,
    scope: str, doc_id: str,
) -> str | None:
    """The corpus document a citation names: same number, same year (when both are known),
    same issuer scope; only when exactly one document fits."""
    found = [
        d for d, y, s in index.get(instrument_id, [])
        if d != doc_id and s == scope and (year is None or y is None or y == year)
    ]
    return found[0] if len(set(found)) == 1 else None


def links(citations: pd.DataFrame | None, documents: pd.DataFrame | None) -> pd.DataFrame:
    cols = columns("links")
    if citations is None or citations.empty or "instrument_id" not in citations:
        return pd.DataFrame(columns=cols)
    _, _, order, fallback, _ = _cues()
    rank = {r: i for i, r in enumerate(order)}
    index = document_index(documents if documents is not None else pd.DataFrame())
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for row in citations.to_dict("records"):
        iid = _s(row.get("instrument_id"))
        if not iid:
            continue
        doc_id, key = _s(row.get("doc_id")), _s(row.get("instrument_key"))
        found = relation_of(_s(row.get("sentence")), _s(row.get("mention")),
                            _bool(row.get("in_basis")))
        linked = find_linked(index, iid, _year(row.get("year")), _s(row.get("scope")), doc_id)
        if found is None and linked is None:
            continue
        relation, cue = found if found else (fallback, None)
        cand = {
            "doc_id": doc_id,
            "instrument_key": key,
            "instrument_id": iid,
            "relation": relation,
            "cue": cue,
            "linked_doc_id": linked,
            "mention": _s(row.get("mention")) or None,
            "start": row.get("start"),
            "end": row.get("end"),
        }
        old = best.get((doc_id, key))
        if old is None or rank[relation] < rank[old["relation"]]:
            if old is not None and not cand["linked_doc_id"]:
                cand["linked_doc_id"] = old["linked_doc_id"]
            best[(doc_id, key)] = cand
    rows = sorted(best.values(), key=lambda r: (r["doc_id"], r["start"] or 0))
    return pd.DataFrame(rows, columns=cols)


def run(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {"links": links(tables.get("citations"), tables.get("documents"))}
