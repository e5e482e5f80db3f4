"""Registry of instruments: what each cited instrument really is (date, issuer, type, status).

Three sources, strongest first:

- ``document``: the corpus holds the instrument itself; its own header (documents.csv) is
  the truth;
- ``curated``: a sourced row of models/registry/instruments.csv, or of a registry file the
  user passes back with ``--registry``;
- ``consensus``: the majority date, issuer and type of the documents that cite it, with the
  counts (n of m) and a confidence.

Mentions of unknown year join the instrument they can only be: ``71/NQ-CP|?|`` becomes
``71/NQ-CP|2025|`` when the corpus cites exactly one 71/NQ-CP of that scope with a year.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
from kehoach.export.schema import columns
from kehoach.resolve.instruments import instrument_key
from kehoach.resolve.links import document_index, find_linked
from kehoach.rules import model_path

CURATED = "registry/instruments.csv"
RANK = {"document": 3, "curated": 3, "consensus": 1}


def s(value: Any) -> str:
    """A cell as a string ('' for None / NaN / pandas NA)."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key_parts(key: str) -> tuple[str, str, str]:
    iid, _, rest = key.partition("|")
    year, _, scope = rest.partition("|")
    return iid, year, scope


def join_unknown_years(citations: pd.DataFrame) -> pd.DataFrame:
    """Rekey mentions of unknown year ('X|?|scope') to the one instrument of the same id and
    scope with a known year, when there is exactly one; their year follows."""
    if citations is None or citations.empty or "instrument_key" not in citations:
        return citations
    keys = {k for k in citations["instrument_key"] if isinstance(k, str) and "|" in k}
    years: dict[tuple[str, str], set[str]] = {}
    for k in keys:
        iid, year, scope = _key_parts(k)
        if year != "?":
            years.setdefault((iid, scope), set()).add(year)
    moves = {}
    for k in keys:
        iid, year, scope = _key_parts(k)
        if year == "?" and len(years.get((iid, scope), ())) == 1:
            moves[k] = instrument_key(iid, int(next(iter(years[(iid, scope)]))), scope)
    if not moves:
        return citations
    out = citations.copy()
    moved = out["instrument_key"].isin(list(moves))
    out.loc[moved, "instrument_key"] = out.loc[moved, "instrument_key"].map(moves)
    out.loc[moved, "year"] = out.loc[moved, "instrument_key"].map(lambda k: int(_key_parts(k)[1]))
    return out


def _majority(counter: Counter[str]) -> tuple[str, int]:
    if not counter:
        return "", 0
    value, n = sorted(counter.items(), key=lambda x: (-x[1], x[0]))[0]
    return value, n


def from_corpus(citations: pd.DataFrame, documents: pd.DataFrame | None) -> pd.DataFrame:
    """One registry row per numbered instrument the corpus cites: its own document's header
    when the corpus holds it, else the consensus of the documents citing it."""
    cols = columns("registry")
    if citations is None or citations.empty:
        return pd.DataFrame(columns=cols)
    cits = join_unknown_years(citations)
    cits = cits[cits["instrument_id"].map(bool) & cits["instrument_id"].notna()]
    index = document_index(documents if documents is not None else pd.DataFrame())
    docs = {} if documents is None or documents.empty else {
        s(r["doc_id"]): r for r in documents.to_dict("records")
    }
    rows = []
    for key, grp in cits.groupby("instrument_key", sort=True):
        iid, year, scope = _key_parts(key)
        per_doc = grp.drop_duplicates("doc_id")  # one vote per plan
        m = len(per_doc)
        votes = {f: Counter(s(v) for v in per_doc[f] if s(v)) for f in ("date", "issuer", "type")}
        date, n_date = _majority(votes["date"])
        issuer, n_issuer = _majority(votes["issuer"])
        typ, n_type = _majority(votes["type"])
        row: dict[str, Any] = {
            "instrument_key": key, "instrument_id": iid, "type": typ or None,
            "year": int(year) if year.isdigit() else None, "date": date or None,
            "issuer": issuer or None, "scope": scope or None, "truth_source": "consensus",
            "n_documents": m, "n_date": n_date, "n_issuer": n_issuer, "n_type": n_type,
            "confidence": round(n_date / (m + 1), 2) if date else 0.0,
            "source": f"consensus of {m} document{'s' if m > 1 else ''}",
        }
        linked = find_linked(index, iid, year if year.isdigit() else None, scope, "")
        own = docs.get(linked or "")
        if own is not None:
            own_date = s(own.get("issue_date"))
            row.update(
                truth_source="document", doc_id=linked, confidence=1.0,
                type=s(own.get("doc_type")) or row["type"], issuer=s(own.get("issuer")) or row["issuer"],
                title=s(own.get("title")) or None, source=s(own.get("source_path")) or linked,
                date=own_date if len(own_date) == 10 else row["date"],
            )
            row["n_date"] = votes["date"].get(s(row["date"]), 0)
            row["n_issuer"] = votes["issuer"].get(s(row["issuer"]), 0)
            row["n_type"] = votes["type"].get(s(row["type"]), 0)
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def read_registry(path: str | os.PathLike[str], source: str | None = None) -> pd.DataFrame:
    """A registry CSV (the curated table, a built registry, or a user's file): columns of
    models/schema/registry.yaml, any subset; instrument_key made when empty; rows without a
    truth_source are curated."""
    cols = columns("registry")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    unknown = [c for c in df.columns if c not in cols]
    if unknown:
        raise ValueError(f"{path}: columns {unknown} are not registry columns ({', '.join(cols)})")
    if "instrument_id" not in df.columns:
        raise ValueError(f"{path}: an instrument_id column is required")
    df = df.reindex(columns=cols).astype(object).fillna("")
    for i, row in df.iterrows():
        date = s(row["date"])
        year = s(row["year"]) or (date[:4] if date[:4].isdigit() else "")
        df.at[i, "year"] = year
        if not s(row["instrument_key"]):
            df.at[i, "instrument_key"] = instrument_key(s(row["instrument_id"]), int(year) if year else None,
                                                        s(row["scope"]))
        if not s(row["truth_source"]):
            df.at[i, "truth_source"] = "curated"
        if not s(row["confidence"]):
            df.at[i, "confidence"] = "1.0" if df.at[i, "truth_source"] != "consensus" else "0"
        if source and not s(row["source"]):
            df.at[i, "source"] = source
    df = df.replace("", None)
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    for c in ("n_documents", "n_date", "n_issuer", "n_type"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    df["confidence"] = pd.to_numeric(df["confidence"], errors="coerce")
    return df


def curated() -> pd.DataFrame:
    return read_registry(model_path(CURATED))


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per instrument_key: a document or curated row beats a consensus row (the
    earlier frame wins among equals); among consensus rows the one of more documents."""
    cols = columns("registry")
    best: dict[str, dict[str, Any]] = {}
    for frame in frames:
        if frame is None or frame.empty:
            continue
        for row in frame.to_dict("records"):
            key = s(row.get("instrument_key"))
            if not key:
                continue
            old = best.get(key)
            rank = RANK.get(s(row.get("truth_source")), 1)
            if old is None:
                best[key] = row
                continue
            old_rank = RANK.get(s(old.get("truth_source")), 1)
            if rank > old_rank or (
                rank == old_rank == 1 and (row.get("n_documents") or 0) > (old.get("n_documents") or 0)
            ):
                # keep what the corpus counted on the stronger row
                for f in ("n_documents", "n_date", "n_issuer", "n_type"):
                    if s(row.get(f)) == "" and s(old.get(f)) != "":
                        row[f] = old[f]
                best[key] = row
            else:
                for f in ("status", "effective_from", "effective_to", "replaced_by", "title"):
                    if s(old.get(f)) == "" and s(row.get(f)) != "":
                        old[f] = row[f]
    if not best:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame(list(best.values()), columns=cols).sort_values("instrument_key", kind="stable")


def load_tables(paths: list[Path]) -> dict[str, pd.DataFrame]:
    """citations and documents from an existing output folder (a single folder holding
    citations.csv), else by running the extraction on PATHS in memory."""
    if len(paths) == 1 and (paths[0] / "citations.csv").is_file():
        folder = paths[0]
        out = {}
        for name in ("citations", "documents"):
            f = folder / f"{name}.csv"
            out[name] = pd.read_csv(f, dtype=str, keep_default_na=False).replace("", None) if f.is_file() \
                else pd.DataFrame()
        return out
    from kehoach.run import run

    summary = run(paths, None, workers=1)
    return summary.tables


def build(paths: list[Path], out: Path) -> pd.DataFrame:
    """`kehoach registry build`: the registry of the corpus at PATHS, written to OUT."""
    from kehoach.export.writer import _PANDAS_TYPES

    tables = load_tables(paths)
    reg = from_corpus(tables.get("citations", pd.DataFrame()), tables.get("documents"))
    for field in _registry_fields():
        kind = field["type"]
        reg[field["name"]] = reg[field["name"]].astype(_PANDAS_TYPES.get(kind, "string"))
    out.parent.mkdir(parents=True, exist_ok=True)
    reg.to_csv(out, index=False, encoding="utf-8")
    return reg


def _registry_fields() -> list[dict[str, Any]]:
    from kehoach.export.schema import all_schemas

    return all_schemas()["registry"]["fields"]
