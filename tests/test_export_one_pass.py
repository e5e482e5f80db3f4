"""The end of a run: every table read back once for CSV, Parquet and kehoach.sqlite, with the
same bytes and content as the per-format writers it replaced."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import sqlite_tables
from kehoach.export import parts, writer
from kehoach.export.schema import schemas
from kehoach.export.sqlite import Database, write_sqlite

# made-up rows with what a CSV writer must take care of: formulas, carriage returns, quotes,
# commas and line feeds in text, gaps in numbers and flags, numbers where text is expected
TRICKY = [
    {"doc_id": "a1", "instrument_key": "=HYPERLINK(1)", "mention": "Kế hoạch số 12/KH-UBND", "start": 3,
     "end": 25, "basis": True, "sentence": 'Căn cứ "Luật", khoản 2;\r\nđiều 3', "year": 2021},
    {"doc_id": "a1", "instrument_key": None, "mention": "+84 số\rmột", "start": None, "end": 40,
     "basis": None, "sentence": "", "year": None},
    {"doc_id": "b2", "instrument_key": "@SUM", "mention": "-1", "start": 7, "end": 9, "basis": False,
     "sentence": "\tthụt lề\nhai dòng", "year": 2019},
    {"doc_id": "c3", "instrument_key": 12, "mention": float("nan"), "start": 1, "end": 2, "basis": True,
     "sentence": "x", "year": 2020.0},
]


def _old_csv(name: str, df: pd.DataFrame) -> bytes:
    """What the writer gave before: pandas' to_csv of the neutralized, conformed chunk."""
    buf = io.StringIO()
    writer.neutralize(writer.conform(name, df)).to_csv(buf, index=False)
    return buf.getvalue().encode()


@pytest.mark.parametrize("rows", [TRICKY, TRICKY[:1], [TRICKY[0], TRICKY[2]], TRICKY[1:2]])
def test_csv_cells_give_the_bytes_of_pandas_to_csv(rows: list[dict[str, object]], tmp_path: Path) -> None:
    df = pd.DataFrame(rows)
    writer.write_table(tmp_path, "citations", df)
    assert (tmp_path / "citations.csv").read_bytes() == _old_csv("citations", df)
    text = (tmp_path / "citations.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(1)" in text or "=HYPERLINK" not in str(rows)
    back = pd.read_parquet(tmp_path / "citations.parquet")  # Parquet keeps the text as it is
    pd.testing.assert_frame_equal(back, writer.conform("citations", df))


def test_a_text_column_with_numbers_goes_the_way_pandas_writes_it(tmp_path: Path) -> None:
    df = pd.DataFrame({"doc_id": ["a", "b", "c"], "instrument_key": [1.5, np.nan, 3.0],
                       "mention": [True, False, None], "start": [1, 2, 3]})
    writer.write_table(tmp_path, "citations", df)
    assert (tmp_path / "citations.csv").read_bytes() == _old_csv("citations", df)


def test_an_empty_table_is_its_header(tmp_path: Path) -> None:
    writer.write_table(tmp_path, "links", None)
    names = [f["name"] for f in schemas()["links"]["fields"]]
    assert (tmp_path / "links.csv").read_text(encoding="utf-8") == ",".join(names) + "\n"
    assert list(pd.read_parquet(tmp_path / "links.parquet").columns) == names



def test_the_database_built_with_the_tables_equals_the_one_built_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """kehoach.sqlite filled chunk by chunk while CSV and Parquet are written has the rows the
    database built on its own has (chunks of two rows here)."""
    monkeypatch.setattr(parts, "CHUNK_ROWS", 2)
    documents = pd.DataFrame([
        {"doc_id": "a1", "source_path": "x/a.txt", "status": "ok", "sha256": "s1"},
        {"doc_id": "b2", "source_path": "x/b.txt", "status": "ok", "sha256": "s2"},
        {"doc_id": "a1", "source_path": "x/c.txt", "status": "duplicate", "sha256": "s1"},
        {"doc_id": None, "source_path": "x/d.txt", "status": "error", "sha256": None},
    ])
    tables = {"documents": documents, "citations": pd.DataFrame(TRICKY)}
    (tmp_path / "one").mkdir()
    (tmp_path / "alone").mkdir()
    written = writer.write_files(tmp_path / "one", tables)
    assert tmp_path / "one" / "kehoach.sqlite" in written
    write_sqlite(tables, tmp_path / "alone")
    one = sqlite_tables(tmp_path / "one" / "kehoach.sqlite")
    alone = sqlite_tables(tmp_path / "alone" / "kehoach.sqlite")
    assert one == alone
    assert [r[0] for r in one["files"]] == ["x/a.txt", "x/b.txt", "x/c.txt", "x/d.txt"]
    assert len(one["documents"]) == 2 and len(one["citations"]) == 4
    assert not [p for p in (tmp_path / "one").iterdir() if p.name.startswith(".kehoach-")]


def test_a_database_given_up_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), Database(tmp_path) as db:
        db.add("documents", pd.DataFrame([{"doc_id": "a", "source_path": "a.txt", "status": "ok"}]))
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_repeated_keys_with_a_null_are_dropped_even_when_their_document_comes_back(tmp_path: Path) -> None:
    """Keys with a NULL (a deadline has a date or a recurrence) are held per document; a
    document whose rows come again later (a hand-edited CSV) still has its repeats dropped."""
    row = {"doc_id": "a", "start": 1, "end": 5, "date": None, "recurrence": "hằng tháng"}
    rows = [row, dict(row), {**row, "doc_id": "b"}, dict(row), {**row, "start": 7}, {**row, "doc_id": "b"}]
    with pytest.warns(UserWarning, match="3 row"):
        write_sqlite({"deadlines": pd.DataFrame(rows)}, tmp_path)
    got = sqlite_tables(tmp_path / "kehoach.sqlite")["deadlines"]
    names = [f["name"] for f in schemas()["deadlines"]["fields"]]
    keys = [(r[names.index("doc_id")], r[names.index("start")]) for r in got]
    assert keys == [("a", 1), ("b", 1), ("a", 7)]
