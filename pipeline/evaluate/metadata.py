"""Metadata accuracy: per GUIDELINE field, the share of documents whose value equals gold
after whitespace collapsing and NFC (null == null counts as correct), and the mean."""

from __future__ import annotations

import unicodedata
from typing import Any

import pandas as pd
from kehoach.evaluate import Metric, Section
from kehoach.rules import load_yaml

FIELDS = (
    "doc_type", "doc_number", "doc_symbol", "issuer", "issuer_level", "province", "place",
    "issue_date", "title", "signer_name", "signer_title", "signing_mode", "period_start",
    "period_end",
)
_FLOORS = load_yaml("floors.yaml")["metadata"]
FIELD_FLOOR: float = _FLOORS["field"]
MEAN_FLOOR: float = _FLOORS["mean"]


def norm(value: Any) -> str:
    """Comparable form: None/NaN/'' -> '', numbers without '.0', NFC, whitespace collapsed."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def score(
    gold: dict[str, dict[str, Any]], tables: dict[str, pd.DataFrame], matched: dict[str, str]
) -> Section:
    section = Section("Metadata")
    docs = tables.get("documents", pd.DataFrame())
    rows = {str(r["doc_id"]): r for r in docs.to_dict("records")} if "doc_id" in docs else {}
    correct = dict.fromkeys(FIELDS, 0)
    n = 0
    for stem, g in sorted(gold.items()):
        meta = g.get("metadata")
        if meta is None:
            continue
        row = rows.get(matched[stem], {})
        n += 1
        for f in FIELDS:
            got, want = norm(row.get(f)), norm(meta.get(f))
            if got == want:
                correct[f] += 1
            else:
                section.lines.append(f"{stem}: {f}: got {got!r}, gold {want!r}")
    if n == 0:
        section.metrics.append(Metric("metadata fields", None, detail="no gold metadata"))
        return section
    accs = {f: correct[f] / n for f in FIELDS}
    for f in FIELDS:
        section.metrics.append(Metric(f, accs[f], FIELD_FLOOR, f"{correct[f]}/{n}"))
    mean = sum(accs.values()) / len(accs)
    section.metrics.append(Metric("mean", mean, MEAN_FLOOR, f"{len(FIELDS)} fields"))
    return section
