"""The tables of one document each written while the results arrive (kehoach.export.stream):
whatever the order the results come in, the files are those of results in document order."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW
from helpers import sqlite_tables
from kehoach import run as run_mod
from kehoach.export import parts, stream, writer
from kehoach.export.sqlite import Database
from kehoach.process import DocResult
from kehoach.run import run

PLANS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[DocResult]]:
    """The seed plans, a later copy of the first (a duplicate) and an empty file (a failure);
    their results, computed once."""
    src = tmp_path_factory.mktemp("in")
    for p in PLANS:
        shutil.copy(p, src / p.name)
    shutil.copy(PLANS[0], src / "zz-duplicate.txt")
    (src / "empty.txt").write_bytes(b"")
    got: list[DocResult] = []
    run([src], None, workers=1, on_result=got.append)
    return src, got


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file() and not p.name.startswith(".")}



def _run_in_order(src: Path, out: Path, results: list[DocResult], order: list[int],
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A run of `src` whose workers give `results` in the order `order`."""
    by_path = {r.path: r for r in results}

    def given(files: list[str], workers: int, limits: object = None) -> Iterator[DocResult]:
        assert sorted(files) == sorted(by_path)
        for i in order:
            yield results[i]

    monkeypatch.setattr(run_mod, "iter_results", given)
    run([src], out, workers=1, use_cache=False)


@pytest.mark.parametrize("window", [0, 2, 64])
def test_results_out_of_order_give_the_files_of_results_in_order(
        corpus: tuple[Path, list[DocResult]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, window: int) -> None:
    """Results reversed, or shuffled, with the reorder window in memory (64), on disk (0) or
    both (2), a duplicate arriving before the document it repeats: every file has the bytes
    of the run that got them in path order (three rows per chunk: several chunks a table)."""
    src, results = corpus
    results = sorted(results, key=lambda r: r.path)
    monkeypatch.setattr(parts, "CHUNK_ROWS", 3)
    monkeypatch.setattr(stream, "WINDOW", window)
    n = len(results)
    _run_in_order(src, tmp_path / "sorted", results, list(range(n)), monkeypatch)
    expected = _files(tmp_path / "sorted")
    docs = pd.read_csv(tmp_path / "sorted" / "documents.csv")
    assert list(docs["source_path"]) == sorted(docs["source_path"])
    assert list(docs["status"]).count("duplicate") == 1 and list(docs["status"]).count("error") == 1
    shuffled = list(range(n))
    random.Random(7).shuffle(shuffled)
    dup = next(i for i, r in enumerate(results) if r.path.endswith("zz-duplicate.txt"))
    first = next(i for i, r in enumerate(results) if r.path.endswith(PLANS[0].name))
    for name, order in (("reversed", list(range(n))[::-1]), ("shuffled", shuffled)):
        assert order.index(dup) < order.index(first) or name == "shuffled"
        _run_in_order(src, tmp_path / name, results, order, monkeypatch)
        got = _files(tmp_path / name)
        assert got.keys() == expected.keys()
        for f in expected:
            assert got[f] == expected[f], (name, f)  # kehoach.sqlite too: rows come in the same order


def test_a_result_out_of_order_waits_on_disk_not_in_memory(corpus: tuple[Path, list[DocResult]],
                                                          tmp_path: Path) -> None:
    """Beyond the window, waiting results are in the staging database; each is written (and
    removed from there) as soon as every document before it is."""
    _, results = corpus
    results = sorted(results, key=lambda r: r.path)
    spill = parts.Spill(tmp_path, "s-")
    out = tmp_path / "out"
    out.mkdir()
    s = stream.Stream(out, spill, [r.path for r in results], ["citations"], window=1)
    try:
        seqs = {}
        for r in results[:0:-1]:  # every result but the first, last first
            seqs[r.path] = spill.add(r.path, r.document, r.error, r.tables)
            s.add(seqs[r.path], r.path, r.document, r.error, r.tables)
        assert s.next == 0 and len(s.ram) == 1
        assert spill.con.execute("SELECT count(*) FROM stream_waiting").fetchone()[0] == len(results) - 2
        r = results[0]
        s.add(spill.add(r.path, r.document, r.error, r.tables), r.path, r.document, r.error, r.tables)
        assert s.next == len(results) and not s.ram
        assert spill.con.execute("SELECT count(*) FROM stream_waiting").fetchone()[0] == 0
        s.close()
        assert s.count("citations") == sum(len(r.tables.get("citations", [])) for r in results
                                           if r.error is None and not r.path.endswith("zz-duplicate.txt"))
    finally:
        s.abort()
        spill.close()


def test_rows_with_values_pandas_types_by_chunk_give_the_chunk_bytes(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A text column holding a number (written as pandas types its whole chunk: "5" or "5.0")
    and an integer column holding a float: the rows given one at a time as they come give the
    bytes of the same rows written chunk by chunk, in every format."""
    monkeypatch.setattr(parts, "CHUNK_ROWS", 4)
    monkeypatch.setattr(parts, "PART_ROWS", 2)
    rows = []
    for i in range(11):
        rows.append({"doc_id": f"d{i // 3}", "instrument_key": f"k{i % 4}", "start": i * 10, "end": i * 10 + 5,
                     # chunk 2 (rows 4-7): numbers and gaps only, pandas makes them floats
                     "mention": {4: None, 5: 5, 6: None, 7: 6, 9: 5}.get(i, None if i % 3 == 0 else f"=cell {i}\r"),
                     "year": 2021.0 if i == 2 else (None if i == 7 else 2020 + i)})
    source = parts.Source(None, lambda: iter(rows), lambda: len(rows))  # type: ignore[arg-type]
    for name in ("one", "chunks"):
        (tmp_path / name).mkdir()
    with Database(tmp_path / "chunks") as db:
        writer.write_table(tmp_path / "chunks", "citations", source, db=db)
        db.finish()
    with Database(tmp_path / "one") as db:
        tw = writer.TableWriter(tmp_path / "one", "citations", db=db)
        for row in rows:
            tw.add([row])
        tw.close()
        db.finish()
    a, b = _files(tmp_path / "one"), _files(tmp_path / "chunks")
    assert b",5.0," in b["citations.csv"] and b",5," in b["citations.csv"] and b"'=cell 1\n" in b["citations.csv"]
    for f in ("citations.csv", "citations.parquet"):
        assert a[f] == b[f], f
    assert sqlite_tables(tmp_path / "one" / "kehoach.sqlite") == sqlite_tables(tmp_path / "chunks" / "kehoach.sqlite")


def test_a_run_stopped_while_writing_leaves_the_previous_tables(corpus: tuple[Path, list[DocResult]],
                                                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after some documents were written into the new set: the old folder is as it was,
    and neither the new set's folder nor the staging database is left behind."""
    src, _ = corpus
    out = tmp_path / "out"
    run([PLANS[0]], out, workers=1, use_cache=False)
    before = _files(out)
    real = stream.Stream._write
    calls = {"n": 0}

    def stopped(self: stream.Stream, item: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real(self, item)  # type: ignore[arg-type]

    monkeypatch.setattr(stream.Stream, "_write", stopped)
    with pytest.raises(KeyboardInterrupt):
        run([src], out, workers=1, use_cache=False)
    assert calls["n"] == 3
    assert _files(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_table_read_back_with_long_rows_is_written_in_bounded_parts(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A table read back whose rows hold much text (the catalog lists every document citing an
    instrument) is written a few rows at a time, its Parquet file in several row groups: the
    same CSV bytes, Parquet content and database rows as the table written from memory."""
    import pyarrow.parquet as pq

    monkeypatch.setattr(writer, "MAX_BYTES", 300)
    rows = [{"instrument_key": f"k{i}", "instrument_id": f"{i}/NQ-CP", "n_documents": i,
             "doc_ids": "; ".join(f"doc{j:04d}" for j in range(i * 7)), "conflicts": None if i % 2 else "date: x"}
            for i in range(12)]
    source = parts.Source(None, lambda: iter(rows), lambda: len(rows))  # type: ignore[arg-type]
    for name, table in (("read", source), ("memory", pd.DataFrame(rows))):
        (tmp_path / name).mkdir()
        with Database(tmp_path / name) as db:
            writer.write_table(tmp_path / name, "instruments", table, db=db)
            db.finish()
    a, b = _files(tmp_path / "read"), _files(tmp_path / "memory")
    assert a["instruments.csv"] == b["instruments.csv"]
    read, memory = pq.ParquetFile(tmp_path / "read" / "instruments.parquet"), \
        pq.ParquetFile(tmp_path / "memory" / "instruments.parquet")
    assert read.metadata.num_row_groups > 2 and memory.metadata.num_row_groups == 1
    assert read.read().equals(memory.read())
    assert sqlite_tables(tmp_path / "read" / "kehoach.sqlite") == sqlite_tables(tmp_path / "memory" / "kehoach.sqlite")
