"""kehoach.sqlite: every table, keys, foreign keys that hold, indexes, views; schema version."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from kehoach.export.schema import SCHEMA_FINGERPRINT, SCHEMA_VERSION, schema_fingerprint, schemas
from kehoach.export.sqlite import DB_NAME, VIEWS, foreign_key_violations, sqlite_from_csv, write_sqlite
from kehoach.export.writer import write_tables


def _con(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    return con


def test_extract_writes_database_with_every_table(dev_out: Path) -> None:
    db = dev_out / DB_NAME
    assert db.is_file()
    con = _con(db)
    names = {r["name"] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(schemas()) | {"files"} <= names
    # same rows as the CSV tables (documents: one row per distinct plan; files: one per input file)
    for table in ("citations", "instruments", "channels", "bodies", "deadlines", "links", "recipients"):
        csv_rows = len(pd.read_csv(dev_out / f"{table}.csv", dtype=str))
        assert con.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] == csv_rows, table
    # values as in the CSV files: offsets, booleans, empty text as NULL
    cit = pd.read_csv(dev_out / "citations.csv", dtype=str, keep_default_na=False)
    assert con.execute("SELECT SUM(start) FROM citations").fetchone()[0] == cit["start"].astype(int).sum()
    assert con.execute("SELECT SUM(basis) FROM citations").fetchone()[0] == (cit["basis"] == "True").sum()
    assert (con.execute("SELECT COUNT(*) FROM citations WHERE instrument_id IS NULL").fetchone()[0]
            == (cit["instrument_id"] == "").sum())
    assert con.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 5
    assert con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 5
    assert foreign_key_violations(db) == []
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_keys_and_indexes(dev_out: Path) -> None:
    con = _con(dev_out / DB_NAME)

    def pk(table: str) -> list[str]:
        rows = [r for r in con.execute(f'PRAGMA table_info("{table}")') if r["pk"]]
        return [r["name"] for r in sorted(rows, key=lambda r: r["pk"])]

    assert pk("documents") == ["doc_id"]
    assert pk("instruments") == ["instrument_key"]
    assert pk("citations") == ["doc_id", "start", "end"]
    assert pk("links") == ["doc_id", "instrument_key"]
    fks = {(r["from"], r["table"]) for r in con.execute('PRAGMA foreign_key_list("citations")')}
    assert fks == {("doc_id", "documents"), ("instrument_key", "instruments")}
    indexed = {(r["tbl_name"], r["name"]) for r in con.execute("SELECT tbl_name, name FROM sqlite_master "
                                                                "WHERE type = 'index'")}
    for table, col in (("citations", "instrument_key"), ("bodies", "doc_id"), ("links", "linked_doc_id")):
        assert (table, f"idx_{table}_{col}") in indexed
    # types follow the schema: offsets are integers, booleans 0/1
    row = con.execute("SELECT typeof(start) AS s, typeof(basis) AS b, basis FROM citations LIMIT 1").fetchone()
    assert (row["s"], row["b"]) == ("integer", "integer") and row["basis"] in (0, 1)


def test_views_answer_questions(dev_out: Path) -> None:
    con = _con(dev_out / DB_NAME)
    for view in VIEWS:
        con.execute(f'SELECT * FROM "{view}" LIMIT 1').fetchall()
    # plan_instruments: one row per (plan, instrument); mentions add up to the citations
    n_pairs = con.execute("SELECT COUNT(*) FROM (SELECT DISTINCT doc_id, instrument_key FROM citations)").fetchone()[0]
    assert con.execute("SELECT COUNT(*) FROM plan_instruments").fetchone()[0] == n_pairs
    assert (con.execute("SELECT SUM(n_mentions) FROM plan_instruments").fetchone()[0]
            == con.execute("SELECT COUNT(*) FROM citations").fetchone()[0])
    # the five plans are CCHC communication plans: 76/NQ-CP (state administrative reform programme) is cited
    rows = con.execute("SELECT province_current, n_plans FROM province_instruments "
                       "WHERE instrument_id = '76/NQ-CP'").fetchall()
    assert rows and all(r["n_plans"] >= 1 for r in rows)
    # province_channels counts plans per channel per province
    total = con.execute("SELECT SUM(n_plans) FROM province_channels").fetchone()[0]
    assert total == con.execute("SELECT COUNT(*) FROM (SELECT DISTINCT doc_id, channel FROM channels)").fetchone()[0]
    lead = con.execute("SELECT COUNT(*) FROM body_assignments WHERE role = 'lead'").fetchone()[0]
    assert lead == con.execute("SELECT COUNT(*) FROM bodies WHERE role = 'lead'").fetchone()[0] > 0


def _doc(doc_id: str, path: str, status: str = "ok") -> dict[str, object]:
    return {"doc_id": doc_id, "source_path": path, "sha256": doc_id * 4, "status": status,
            "province": "Bạc Liêu", "province_current": "Cà Mau"}


def test_duplicates_errors_and_broken_references(tmp_path: Path) -> None:
    tables = {
        "documents": pd.DataFrame([_doc("a1", "x/a.txt"), _doc("a1", "x/a-copy.txt", "duplicate"),
                                   _doc("", "x/unreadable.pdf", "error")]),
        "errors": pd.DataFrame([{"doc_id": "", "source_path": "x/unreadable.pdf", "stage": "read",
                                 "reason": "corrupt", "message": "broken"}]),
        "instruments": pd.DataFrame([{"instrument_key": "76/NQ-CP|2021|", "instrument_id": "76/NQ-CP"}]),
        "citations": pd.DataFrame([{"doc_id": "a1", "instrument_key": "76/NQ-CP|2021|", "start": 5, "end": 20,
                                    "basis": True}]),
    }
    db = write_sqlite(tables, tmp_path)
    con = _con(db)
    assert [tuple(r) for r in con.execute("SELECT source_path, doc_id, status FROM files ORDER BY source_path")] == [
        ("x/a-copy.txt", "a1", "duplicate"), ("x/a.txt", "a1", "ok"), ("x/unreadable.pdf", None, "error")]
    assert con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
    assert foreign_key_violations(db) == []
    # a citation of an instrument missing from instruments is reported by the check
    tables["citations"] = pd.DataFrame([{"doc_id": "a1", "instrument_key": "9/NQ-CP|2020|", "start": 1, "end": 2}])
    assert [v[0] for v in foreign_key_violations(write_sqlite(tables, tmp_path))] == ["citations"]
    assert not list(tmp_path.glob(".kehoach-*")), "temporary database left behind"


def test_schema_version_in_datapackage_and_database(tmp_path: Path) -> None:
    write_tables(tmp_path, {"documents": pd.DataFrame([_doc("b2", "b.txt")])})
    pkg = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert pkg["schema_version"] == SCHEMA_VERSION
    con = _con(tmp_path / DB_NAME)
    assert con.execute("SELECT value FROM _meta WHERE key = 'schema_version'").fetchone()[0] == SCHEMA_VERSION
    major, minor, patch = map(int, SCHEMA_VERSION.split("."))
    assert con.execute("PRAGMA user_version").fetchone()[0] == major * 10000 + minor * 100 + patch


def test_schema_change_needs_a_new_version() -> None:
    if schema_fingerprint() != SCHEMA_FINGERPRINT:
        pytest.fail(f"the columns of models/schema changed (fingerprint {schema_fingerprint()}): bump "
                    f"SCHEMA_VERSION ({SCHEMA_VERSION}) in pipeline/export/schema.py, set SCHEMA_FINGERPRINT, "
                    "and add a line to the CHANGELOG in README.md")


def test_database_rebuilt_from_csv(dev_out: Path, tmp_path: Path) -> None:
    for f in dev_out.glob("*.csv"):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    db = sqlite_from_csv(tmp_path)
    query = "SELECT doc_id, start, basis, year, instrument_key FROM citations ORDER BY doc_id, start"
    assert _con(db).execute(query).fetchall() == _con(dev_out / DB_NAME).execute(query).fetchall()
    assert foreign_key_violations(db) == []
