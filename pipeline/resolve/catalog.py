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


def catalog(citations: pd.DataFrame) -> pd.DataFrame:
    cols = columns("instruments")
    if citations is None or citations.empty:
        return pd.DataFrame(columns=cols)
    rows: list[dict[str, Any]] = []
    for key, grp in citations.groupby("instrument_key", sort=True, dropna=False):
        per_doc = grp.drop_duplicates("doc_id")  # document-level values: one vote per plan
        dates, issuers, types = (_counts(per_doc[c]) for c in ("date", "issuer", "type"))
        conflicts = [
            f"{label}: {_fmt(counter)}"
            for label, counter in (("date", dates), ("issuer", issuers), ("type", types))
            if len(counter) > 1
        ]
        years = [int(y) for y in per_doc["year"] if pd.notna(y)]
        ids = [i for i in grp["instrument_id"] if isinstance(i, str) and i]
        names = [n for n in grp["name"] if isinstance(n, str) and n]
        rows.append({
            "instrument_key": key,
            "instrument_id": ids[0] if ids else None,
            "name": Counter(names).most_common(1)[0][0] if names else None,
            "type": _pick(types),
            "year": Counter(years).most_common(1)[0][0] if years else None,
            "date": _pick(dates),
            "issuer": _pick(issuers),
            "scope": next((s for s in grp["scope"] if isinstance(s, str) and s), None),
            "n_documents": grp["doc_id"].nunique(),
            "n_mentions": len(grp),
            "n_basis": int(grp.loc[grp["basis"].astype(bool), "doc_id"].nunique()),
            "dates_cited": _fmt(dates),
            "issuers_cited": _fmt(issuers),
            "types_cited": _fmt(types),
            "conflicts": " | ".join(conflicts) or None,
            "doc_ids": "; ".join(sorted(grp["doc_id"].unique())),
        })
    return pd.DataFrame(rows, columns=cols)


def run(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {"instruments": catalog(tables.get("citations", pd.DataFrame()))}
