"""links.csv: how each document relates to the instruments it cites, and which cited
plans are themselves in the corpus (linked_doc_id), so that the tree province ->
department -> district plans can be rebuilt.

Input: the citations table (instrument extractor) and documents.csv (metadata). Either may
be missing or empty; then links.csv is empty.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import pandas as pd
import regex
from kehoach.export.parts import Derived, Source, batched
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


def _cite(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """What links reads of one numbered citation: (doc_id, instrument_key, instrument_id,
    (relation, cue) from its sentence or None, mention, start, end)."""
    return (_s(row.get("doc_id")), _s(row.get("instrument_key")), _s(row.get("instrument_id")),
            relation_of(_s(row.get("sentence")), _s(row.get("mention")), _bool(row.get("in_basis"))),
            _s(row.get("mention")) or None, row.get("start"), row.get("end"))


def _candidate(cite: tuple[Any, ...], linked: str | None) -> dict[str, Any] | None:
    """The candidate link of a citation (`_cite`) that has a cue or names a corpus document."""
    doc_id, key, iid, found, mention, start, end = cite
    if found is None and linked is None:
        return None
    relation, cue = found if found else (_cues()[3], None)
    return {
        "doc_id": doc_id,
        "instrument_key": key,
        "instrument_id": iid,
        "relation": relation,
        "cue": cue,
        "linked_doc_id": linked,
        "mention": mention,
        "start": start,
        "end": end,
    }


def _keep_best(best: dict[tuple[str, str], dict[str, Any]], doc_id: str, key: str, cand: dict[str, Any]) -> None:
    """One link per (document, instrument): the relation first in links.yaml's order."""
    rank = _rank()
    old = best.get((doc_id, key))
    if old is None or rank[cand["relation"]] < rank[old["relation"]]:
        if old is not None and not cand["linked_doc_id"]:
            cand["linked_doc_id"] = old["linked_doc_id"]
        best[(doc_id, key)] = cand


@cache
def _rank() -> dict[str, int]:
    return {r: i for i, r in enumerate(_cues()[2])}


def _order(row: dict[str, Any]) -> tuple[str, Any]:
    return row["doc_id"], row["start"] or 0


def links(citations: pd.DataFrame | None, documents: pd.DataFrame | None) -> pd.DataFrame:
    cols = columns("links")
    if citations is None or citations.empty or "instrument_id" not in citations:
        return pd.DataFrame(columns=cols)
    index = document_index(documents if documents is not None else pd.DataFrame())
    best: dict[tuple[str, str], dict[str, Any]] = {}
    for row in citations.to_dict("records"):
        iid = _s(row.get("instrument_id"))
        if iid:
            linked = find_linked(index, iid, _year(row.get("year")), _s(row.get("scope")), _s(row.get("doc_id")))
            cand = _candidate(_cite(row), linked)
            if cand is not None:
                _keep_best(best, cand["doc_id"], cand["instrument_key"], cand)
    rows = sorted(best.values(), key=_order)
    return pd.DataFrame(rows, columns=cols)


def _per_document(tables: Mapping[str, list[dict[str, Any]]]) -> list[tuple[Any, ...]]:
    """What links reads of one document's numbered citations: (doc_id, number, year, scope,
    `_cite` pickled) for each, in order: the relation is read from the sentence here."""
    out = []
    for row in tables.get("citations") or ():
        iid = _s(row.get("instrument_id"))
        if iid:
            out.append((_s(row.get("doc_id")), iid, _year(row.get("year")), _s(row.get("scope")),
                        pickle.dumps(_cite(row), pickle.HIGHEST_PROTOCOL)))
    return out


# made for each document as its result is stored (kehoach.export.parts.Derived)
PER_DOCUMENT = Derived("resolve_links", ("doc_id", "number", "year", "scope", "cite"), _per_document)


_INDEXED = ["doc_number", "status", "doc_id", "issue_date", "scope"]  # what the corpus index reads


def links_staged(citations: Source, documents: Any) -> Source:
    """`links` over tables staged in the database. What links reads of each numbered citation
    (its relation included) was staged with its document (PER_DOCUMENT); the corpus index
    (number, year, scope of each document) goes to a table of that database; the one corpus
    document each citation names is found by a join there; the best link per (document,
    instrument) is kept while one document's citations are read (they are contiguous), and
    the links are sorted by the database. Memory holds one document."""
    spill = citations.spill
    con = spill.con
    table = spill.derived_rows(PER_DOCUMENT)
    con.executescript(f"""
        DROP TABLE IF EXISTS links_index; DROP TABLE IF EXISTS links_found; DROP TABLE IF EXISTS links_out;
        CREATE TABLE links_index (number TEXT, doc_id TEXT, year TEXT, scope TEXT);
        CREATE TABLE links_found (seq INTEGER, i INTEGER, doc_id TEXT, PRIMARY KEY (seq, i));
        CREATE TABLE links_out (n INTEGER PRIMARY KEY, doc_id TEXT, start, blob BLOB);
        CREATE INDEX IF NOT EXISTS "{table}_seq" ON "{table}" (seq, i);
    """)
    docs = documents.rows(_INDEXED) if isinstance(documents, Source) else \
        (documents.to_dict("records") if documents is not None and not documents.empty else [])

    def indexed() -> Iterator[tuple[Any, ...]]:
        for row in docs:
            number = _s(row.get("doc_number"))
            if number and _s(row.get("status")) in {"", "ok"}:
                yield number, _s(row.get("doc_id")), _year(row.get("issue_date")), _s(row.get("scope"))

    for batch in batched(indexed(), 5000):
        with spill.transaction():
            con.executemany("INSERT INTO links_index VALUES (?, ?, ?, ?)", batch)
    con.executescript(f"""
        BEGIN;
        CREATE INDEX links_index_number ON links_index (number);
        INSERT INTO links_found
            SELECT c.seq, c.i, min(d.doc_id) FROM kept o JOIN "{table}" c ON c.seq = o.seq JOIN links_index d
              ON d.number = c.number AND d.doc_id != c.doc_id AND d.scope = c.scope
             AND (c.year IS NULL OR d.year IS NULL OR d.year = c.year)
            GROUP BY c.seq, c.i HAVING count(DISTINCT d.doc_id) = 1;
        COMMIT;
    """)

    def best_rows() -> Iterator[tuple[Any, ...]]:
        best: dict[tuple[str, str], dict[str, Any]] = {}
        current = None
        n = 0
        for blob, linked in con.execute(f'SELECT c.cite, f.doc_id FROM kept o JOIN "{table}" c ON c.seq = o.seq '
                                        "LEFT JOIN links_found f ON f.seq = c.seq AND f.i = c.i ORDER BY o.ord, c.i"):
            cand = _candidate(pickle.loads(blob), linked)
            if cand is None:
                continue
            doc_id = cand["doc_id"]
            if doc_id != current and best:
                for row in best.values():
                    yield n, row["doc_id"], _order(row)[1], pickle.dumps(row)
                    n += 1
                best = {}
            current = doc_id
            _keep_best(best, doc_id, cand["instrument_key"], cand)
        for row in best.values():
            yield n, row["doc_id"], _order(row)[1], pickle.dumps(row)
            n += 1

    for batch in batched(best_rows(), 5000):
        with spill.transaction():
            con.executemany("INSERT INTO links_out VALUES (?, ?, ?, ?)", batch)
    con.execute("CREATE INDEX links_out_order ON links_out (doc_id, start, n)")

    def rows() -> Iterator[dict[str, Any]]:
        for (blob,) in spill.con.execute("SELECT blob FROM links_out ORDER BY doc_id, start, n"):
            yield pickle.loads(blob)

    return Source(spill, rows, lambda: spill.con.execute("SELECT count(*) FROM links_out").fetchone()[0],
                  columns("links"))


def run(tables: Mapping[str, Any]) -> dict[str, Any]:
    citations = tables.get("citations")
    if isinstance(citations, Source) and citations.table == "citations":
        return {"links": links_staged(citations, tables.get("documents"))}
    if isinstance(citations, Source):
        citations = citations.frame()
    documents = tables.get("documents")
    if isinstance(documents, Source):
        documents = documents.frame()
    return {"links": links(citations, documents)}
