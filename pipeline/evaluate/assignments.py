"""Assignment scores against gold: channel-set F1, lead-body F1, deadline date F1 and
recurrence F1, each micro-averaged over documents (true positives, false positives and misses
of the per-document sets are summed).

Lead bodies are compared as distinct names after a light normalisation (`body_key`): NFC,
case folded, whitespace collapsed, abbreviations expanded (models/bodies.yaml), spaces around
dashes and commas unified, and a trailing own-level unit word ("tỉnh", "thị xã", "thành phố",
"huyện") dropped, so "Các Sở, Ban ngành tỉnh" equals "các sở, ban ngành".
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pandas as pd
import regex
from kehoach.evaluate import Metric, Section, prf
from kehoach.extract.assignments.bodies import expand
from kehoach.rules import load_yaml

FLOORS: dict[str, float] = load_yaml("floors.yaml")["assignments"]
_TRAILING_UNIT = regex.compile(r"(?:\s+(?:tỉnh|thị xã|thành phố|huyện|quận))+$")


def body_key(name: str) -> str:
    s = expand(unicodedata.normalize("NFC", str(name)))
    s = regex.sub(r"\s*-\s*", " - ", s)
    s = regex.sub(r"\s*,\s*", ", ", s)
    s = " ".join(s.split()).casefold().strip(" .;:")
    return _TRAILING_UNIT.sub("", s)


def _rows(tables: dict[str, pd.DataFrame], name: str, doc_id: str) -> pd.DataFrame:
    df = tables.get(name)
    if df is None or df.empty or "doc_id" not in df.columns:
        return pd.DataFrame()
    return df[df["doc_id"] == doc_id]


def _count(gold_set: set[str], pred_set: set[str], stem: str, what: str,
           lines: list[str]) -> tuple[int, int, int]:
    for x in sorted(gold_set - pred_set):
        lines.append(f"{stem}: MISS {what} {x}")
    for x in sorted(pred_set - gold_set):
        lines.append(f"{stem}: FALSE {what} {x}")
    return len(gold_set & pred_set), len(pred_set - gold_set), len(gold_set - pred_set)


def score(gold: dict[str, dict[str, Any]], tables: dict[str, pd.DataFrame],
          matched: dict[str, str]) -> Section:
    sums = {k: [0, 0, 0] for k in FLOORS}
    lines: list[str] = []
    for stem, g in sorted(gold.items()):
        doc_id = matched[stem]
        ch = _rows(tables, "channels", doc_id)
        pred = set(ch["channel"]) if not ch.empty else set()
        res = _count(set(g.get("channels") or []), pred, stem, "channel", lines)
        sums["channel-set F1"] = [a + b for a, b in zip(sums["channel-set F1"], res, strict=True)]

        bd = _rows(tables, "bodies", doc_id)
        pred = {body_key(b) for b in bd[bd["role"] == "lead"]["body"]} if not bd.empty else set()
        gset = {body_key(b) for b in g.get("lead_bodies") or []}
        res = _count(gset, pred, stem, "lead", lines)
        sums["lead-body F1"] = [a + b for a, b in zip(sums["lead-body F1"], res, strict=True)]

        dl = _rows(tables, "deadlines", doc_id)
        gd = g.get("deadlines") or []
        pred = {d for d in dl["date"] if d} if not dl.empty else set()
        res = _count({d["date"] for d in gd if d.get("date")}, pred, stem, "date", lines)
        sums["deadline date F1"] = [a + b for a, b in
                                    zip(sums["deadline date F1"], res, strict=True)]
        pred = {r for r in dl["recurrence"] if r} if not dl.empty else set()
        res = _count({d["recurrence"] for d in gd if d.get("recurrence")}, pred, stem,
                     "recurrence", lines)
        sums["recurrence F1"] = [a + b for a, b in zip(sums["recurrence F1"], res, strict=True)]
    metrics = []
    for name, (tp, fp, fn) in sums.items():
        p, r, f = prf(tp, fp, fn)
        metrics.append(Metric(name, f, FLOORS[name], f"P {p:.3f} R {r:.3f}; {tp} tp, {fp} fp, "
                                                     f"{fn} fn"))
    return Section("Assignments (channels, lead bodies, deadlines)", metrics, lines)
