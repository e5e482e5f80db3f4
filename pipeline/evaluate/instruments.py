"""Instrument scores: id precision/recall/F1 per document (micro-averaged), accuracy of
year, date, type, issuer, scope and basis on matched instruments; named-only instruments."""

from __future__ import annotations

import unicodedata
from typing import Any

import pandas as pd
from kehoach.evaluate import Metric, Section, prf
from kehoach.rules import load_yaml

ATTRS = ("year", "date", "type", "issuer", "scope", "basis")
FLOORS: dict[str, float] = load_yaml("floors.yaml")["instruments"]


def _norm(v: Any) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    s = " ".join(unicodedata.normalize("NFC", str(v)).split())
    return s.lower() if s in ("True", "False") else s


def _predicted(cit: pd.DataFrame, doc_id: str) -> dict[str, dict[str, str]]:
    rows = cit[(cit["doc_id"] == doc_id) & (cit["instrument_id"] != "")]
    out: dict[str, dict[str, str]] = {}
    for r in rows.to_dict("records"):
        out.setdefault(r["instrument_id"], r)
    return out


def score(gold: dict[str, dict[str, Any]], tables: dict[str, pd.DataFrame],
          matched: dict[str, str]) -> Section:
    cit = tables.get("citations", pd.DataFrame(columns=["doc_id", "instrument_id", "name"]))
    tp = fp = fn = 0
    right = dict.fromkeys(ATTRS, 0)
    lines: list[str] = []
    n_tp = 0
    ntp = nfp = nfn = 0
    for stem, g in sorted(gold.items()):
        pred = _predicted(cit, matched[stem])
        gold_ids = {i["id"]: i for i in g.get("instruments", [])}
        for iid in sorted(gold_ids.keys() - pred.keys()):
            lines.append(f"{stem}: MISS {iid}  ({gold_ids[iid]['mentions'][0]})")
        for iid in sorted(pred.keys() - gold_ids.keys()):
            lines.append(f"{stem}: FALSE {iid}  ({pred[iid]['mention']})")
        both = gold_ids.keys() & pred.keys()
        tp += len(both)
        fp += len(pred.keys() - gold_ids.keys())
        fn += len(gold_ids.keys() - pred.keys())
        for iid in sorted(both):
            n_tp += 1
            for attr in ATTRS:
                gv, pv = _norm(gold_ids[iid].get(attr)), _norm(pred[iid].get(attr))
                if attr == "year" and pv.endswith(".0"):
                    pv = pv[:-2]
                if gv == pv:
                    right[attr] += 1
                else:
                    lines.append(f"{stem}: {iid} {attr}: gold {gv or '-'!r}, got {pv or '-'!r}")
        # named-only instruments: a gold name counts as found when a predicted name
        # contains it or is contained in it (names have no canonical form)
        named = cit[(cit["doc_id"] == matched[stem]) & (cit["instrument_id"] == "")]
        pnames = [n.casefold() for n in named["name"]]
        gnames = [n["name"].casefold() for n in g.get("named_instruments", [])]
        hit_g = [n for n in gnames if any(n in p or p in n for p in pnames)]
        hit_p = [p for p in pnames if any(n in p or p in n for n in gnames)]
        ntp += len(hit_g)
        nfn += len(gnames) - len(hit_g)
        nfp += len(pnames) - len(hit_p)
        lines += [f"{stem}: named MISS {n!r}" for n in gnames if n not in hit_g]
        lines += [f"{stem}: named FALSE {p!r}" for p in pnames if p not in hit_p]
    p, r, f = prf(tp, fp, fn)
    np_, nr, nf = prf(ntp, nfp, nfn)
    metrics = [
        Metric("id precision", p), Metric("id recall", r),
        Metric("id F1", f, FLOORS["id F1"], f"tp {tp}, fp {fp}, fn {fn}"),
    ]
    for attr in ATTRS:
        acc = right[attr] / n_tp if n_tp else None
        metrics.append(Metric(f"{attr} accuracy", acc, FLOORS.get(f"{attr} accuracy")))
    metrics += [Metric("named precision", np_), Metric("named recall", nr),
                Metric("named F1", nf, FLOORS.get("named F1"), f"tp {ntp}, fp {nfp}, fn {nfn}")]
    return Section("instruments", metrics, lines)
