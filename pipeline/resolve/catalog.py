"""Across the run: one row per distinct instrument, with what the documents disagree on.

A plan that cites 76/NQ-CP "ngày 25/7/2021" while twelve others say "ngày 15/7/2021" shows
up in `conflicts`: that is how a reviewer spots a mis-citation.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd
from kehoach.export.parts import Derived, Source
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


_FIELDS = ("doc_id", "instrument_id", "name", "type", "year", "date", "issuer", "scope", "basis")
_D, _ID, _NAME, _TYPE, _YEAR, _DATE, _ISSUER, _SCOPE, _BASIS = range(len(_FIELDS))


def _key_order(key: Any) -> tuple[bool, str]:
    return (not isinstance(key, str), key if isinstance(key, str) else "")


class Instrument:
    """The instruments row of one instrument_key, aggregated over its citations (tuples of
    `_FIELDS`) in the order of the citations table. Holds counters and the set of citing
    documents, not the citations: an instrument every plan cites costs its documents only."""

    __slots__ = ("basis", "dates", "docs", "first_id", "issuers", "key", "n", "names", "scope", "types", "years")

    def __init__(self, key: Any) -> None:
        self.key = key
        self.docs: set[Any] = set()
        self.basis: set[Any] = set()
        self.dates: Counter[str] = Counter()
        self.issuers: Counter[str] = Counter()
        self.types: Counter[str] = Counter()
        self.years: Counter[int] = Counter()
        self.names: Counter[str] = Counter()
        self.first_id: str | None = None
        self.scope: str | None = None
        self.n = 0

    def add(self, t: tuple[Any, ...]) -> None:
        # (called for every citation of the run: the common cases, a str or an int, are
        # tested by type before the general tests)
        self.n += 1
        doc = t[_D]
        if doc not in self.docs:  # what the documents say: counted once per document
            self.docs.add(doc)
            v = t[_DATE]
            if (type(v) is str and v) or _text(v):
                self.dates[v] += 1
            v = t[_ISSUER]
            if (type(v) is str and v) or _text(v):
                self.issuers[v] += 1
            v = t[_TYPE]
            if (type(v) is str and v) or _text(v):
                self.types[v] += 1
            y = t[_YEAR]
            if type(y) is int:
                self.years[y] += 1
            elif y is not None and pd.notna(y):
                self.years[int(y)] += 1
        if self.first_id is None:
            self.first_id = _text(t[_ID])
        name = t[_NAME]
        if (type(name) is str and name) or _text(name):
            self.names[name] += 1
        if self.scope is None:
            self.scope = _text(t[_SCOPE])
        if t[_BASIS]:
            self.basis.add(doc)

    def row(self) -> dict[str, Any]:
        dates, issuers, types = self.dates, self.issuers, self.types
        conflicts = [
            f"{label}: {_fmt(counter)}"
            for label, counter in (("date", dates), ("issuer", issuers), ("type", types))
            if len(counter) > 1
        ]
        return {
            "instrument_key": self.key,
            "instrument_id": self.first_id,
            "name": self.names.most_common(1)[0][0] if self.names else None,
            "type": _pick(types),
            "year": self.years.most_common(1)[0][0] if self.years else None,
            "date": _pick(dates),
            "issuer": _pick(issuers),
            "scope": self.scope,
            "n_documents": len(self.docs),
            "n_mentions": self.n,
            "n_basis": len(self.basis),
            "dates_cited": _fmt(dates),
            "issuers_cited": _fmt(issuers),
            "types_cited": _fmt(types),
            "conflicts": " | ".join(conflicts) or None,
            "doc_ids": "; ".join(sorted(self.docs)),
        }


def instrument_row(key: Any, items: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The instruments row of one instrument_key from its citations."""
    agg = Instrument(key)
    for t in items:
        agg.add(t)
    return agg.row()


def catalog(citations: pd.DataFrame) -> pd.DataFrame:
    """One row per instrument_key, keys in order (text keys sorted, a missing key last).
    Plain Python over the columns: a pandas groupby here cost ~12 ms per instrument."""
    cols = columns("instruments")
    if citations is None or citations.empty:
        return pd.DataFrame(columns=cols)
    col = {c: citations[c].tolist() if c in citations.columns else [None] * len(citations)
           for c in ("instrument_key", *_FIELDS)}
    groups: dict[Any, Instrument] = {}
    for i, key in enumerate(col["instrument_key"]):
        agg = groups.get(key)
        if agg is None:
            agg = groups[key] = Instrument(key)
        agg.add(tuple(col[c][i] for c in _FIELDS))
    rows = [groups[key].row() for key in sorted(groups, key=_key_order)]
    return pd.DataFrame(rows, columns=cols)


def _per_document(tables: Mapping[str, list[dict[str, Any]]]) -> list[tuple[Any, ...]]:
    """What the catalog reads of one document's citations: (key missing, text key, the
    `_FIELDS` pickled) for each, in order."""
    out = []
    for row in tables.get("citations") or ():
        key = row.get("instrument_key")
        text = key if isinstance(key, str) else None
        out.append((int(text is None), text, pickle.dumps(tuple(row.get(c) for c in _FIELDS), _DUMP)))
    return out


# made for each document as its result is stored (kehoach.export.parts.Derived)
PER_DOCUMENT = Derived("resolve_catalog", ("knull", "key", "fields"), _per_document)
_DUMP = pickle.HIGHEST_PROTOCOL


def catalog_staged(citations: Source) -> Source:
    """`catalog` over the citations staged in the database: what the catalog reads of each
    citation was staged with its document (PER_DOCUMENT); the database sorts it by key (then
    path order), and each group is made into its row, so memory holds one group."""
    spill = citations.spill
    table = spill.derived_rows(PER_DOCUMENT)

    def rows() -> Iterator[dict[str, Any]]:
        agg: Instrument | None = None
        for k, blob in spill.con.execute(f'SELECT c.key, c.fields FROM kept o JOIN "{table}" c ON c.seq = o.seq '
                                         "ORDER BY c.knull, c.key, o.ord, c.i"):
            if agg is None or k != agg.key:
                if agg is not None:
                    yield agg.row()
                agg = Instrument(k)
            agg.add(pickle.loads(blob))
        if agg is not None:
            yield agg.row()

    return spill.put("instruments", rows(), columns("instruments"))


def run(tables: Mapping[str, Any]) -> dict[str, Any]:
    citations = tables.get("citations")
    if isinstance(citations, Source) and citations.table == "citations":
        return {"instruments": catalog_staged(citations)}
    if isinstance(citations, Source):
        citations = citations.frame()
    return {"instruments": catalog(citations if citations is not None else pd.DataFrame())}
