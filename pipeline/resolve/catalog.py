"""Across the run: one row per distinct instrument, with what the documents disagree on.

A plan that cites 76/NQ-CP "ngày 25/7/2021" while twelve others say "ngày 15/7/2021" shows
up in `conflicts`: that is how a reviewer spots a mis-citation.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd
from kehoach.export.schema import columns


def _counts(values: pd.Series) -> Counter[str]:
    return Counter(v for v in values if isinstance(v, str) and v)


def _fmt(counter: Counter[str]) -> str:
    return "; ".join(f"{v} ({n})" for v, n in sorted(counter.items(), key=lambda x: (-x[1], x[0])))


def _pick(counter: Counter[str]) -> str | None:
    if not counter:
        return None
    return sorted(counter.items(), key=lambda x: (-x[1], x[0]))[0][0]


def _text(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def catalog(citations: pd.DataFrame) -> pd.DataFrame:
    """One row per instrument_key. Plain Python over the columns (one pass to group, one per
    group): a pandas groupby here cost ~12 ms per instrument, most of a cached re-run."""
    cols = columns("instruments")
    if citations is None or citations.empty:
        return pd.DataFrame(columns=cols)
    names_ = ("instrument_key", "doc_id", "instrument_id", "name", "type", "year", "date", "issuer",
              "scope", "basis")
    col = {c: citations[c].tolist() if c in citations.columns else [None] * len(citations) for c in names_}
    groups: dict[Any, list[int]] = {}
    for i, key in enumerate(col["instrument_key"]):
        groups.setdefault(key, []).append(i)
    rows: list[dict[str, Any]] = []
    for key in sorted(groups, key=lambda k: (not isinstance(k, str), k if isinstance(k, str) else "")):
        idx = groups[key]
        seen: set[Any] = set()
        per_doc = [i for i in idx if not (col["doc_id"][i] in seen or seen.add(col["doc_id"][i]))]
        dates, issuers, types = (
            Counter(v for v in (_text(col[c][i]) for i in per_doc) if v) for c in ("date", "issuer", "type")
        )
        conflicts = [
            f"{label}: {_fmt(counter)}"
            for label, counter in (("date", dates), ("issuer", issuers), ("type", types))
            if len(counter) > 1
        ]
        years = [int(y) for y in (col["year"][i] for i in per_doc) if pd.notna(y)]
        ids = [v for v in (_text(col["instrument_id"][i]) for i in idx) if v]
        names = [v for v in (_text(col["name"][i]) for i in idx) if v]
        docs = {col["doc_id"][i] for i in idx}
        rows.append({
            "instrument_key": key,
            "instrument_id": ids[0] if ids else None,
            "name": Counter(names).most_common(1)[0][0] if names else None,
            "type": _pick(types),
            "year": Counter(years).most_common(1)[0][0] if years else None,
            "date": _pick(dates),
            "issuer": _pick(issuers),
            "scope": next((v for v in (_text(col["scope"][i]) for i in idx) if v), None),
            "n_documents": len(docs),
            "n_mentions": len(idx),
            "n_basis": len({col["doc_id"][i] for i in idx if bool(col["basis"][i])}),
            "dates_cited": _fmt(dates),
            "issuers_cited": _fmt(issuers),
            "types_cited": _fmt(types),
            "conflicts": " | ".join(conflicts) or None,
            "doc_ids": "; ".join(sorted(docs)),
        })
    return pd.DataFrame(rows, columns=cols)


def run(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {"instruments": catalog(tables.get("citations", pd.DataFrame()))}
