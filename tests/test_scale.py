"""National scale (issue 12): incremental runs from the result cache, the Dask executor."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW
from kehoach import cache as cache_mod
from kehoach import limits
from kehoach.cli import app
from kehoach.run import run
from typer.testing import CliRunner

PLANS = sorted(RAW.glob("*.txt"))[:3]


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for p in PLANS:
        shutil.copy(p, folder / p.name)
    return folder


def _csvs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


def _without_seconds(out: Path) -> dict[str, pd.DataFrame]:
    """Every table; `seconds` (the one timing value) left out of the comparison."""
    tables = {}
    for p in sorted(out.glob("*.csv")):
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
        tables[p.stem] = df.drop(columns=[c for c in ("seconds",) if c in df.columns])
    return tables


def _manifest(out: Path) -> Path:
    return out / cache_mod.CACHE_NAME / cache_mod.MANIFEST


def test_unchanged_files_come_from_the_cache_with_identical_tables(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run([src], out, workers=1)
    assert first.cached == 0 and first.ok == 3 and not first.reused
    before = _csvs(out)
    _manifest(out).unlink()  # no record of the last run: the tables are rebuilt from the cache
    second = run([src], out, workers=1)
    assert second.cached == 3 and "3 from cache" in second.line() and not second.reused
    assert _csvs(out) == before  # byte-identical, the cached rows keep their timing too


def test_unchanged_inputs_keep_the_tables_of_the_last_run(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run([src], out, workers=1)
    files = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    again = run([src], out, workers=1)
    assert again.reused and "not rebuilt" in again.line() and "3 from cache" in again.line()
    assert (again.documents, again.ok, again.citations, again.instruments) == \
        (first.documents, first.ok, first.citations, first.instruments)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")} == files
    assert len(again.tables["documents"]) == 3  # the tables, read from the output folder
    # an output file edited by hand: rebuilt (from the cache), the file restored
    (out / "citations.csv").write_text("edited\n", encoding="utf-8")
    third = run([src], out, workers=1)
    assert not third.reused and third.cached == 3
    assert (out / "citations.csv").read_bytes() == files["citations.csv"]
    # other options: rebuilt
    assert not run([src], out, workers=1, excel=True).reused
    # a new file: rebuilt, the others from the cache
    shutil.copy(PLANS[0], src / "zz-copy.txt")
    fourth = run([src], out, workers=1)
    assert not fourth.reused and fourth.cached == 4 and fourth.duplicates == 1
    # --force: everything processed again
    forced = run([src], out, workers=1, force=True)
    assert not forced.reused and forced.cached == 0


def test_a_run_with_a_failure_the_watcher_caused_is_not_kept(src: Path, tmp_path: Path) -> None:
    """A document stopped by the watcher (a limit, a lost worker) is tried again: such a run
    is never kept as it is."""
    from kehoach.run import RunSummary, _retry_none

    assert not _retry_none(RunSummary(error_rows=[{"reason": "limit_wall_seconds"}]))
    assert not _retry_none(RunSummary(error_rows=[{"reason": "worker_killed"}]))
    assert _retry_none(RunSummary(error_rows=[{"reason": "empty"}]))
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    run([src], out, workers=1)
    again = run([src], out, workers=1)  # an empty file fails the same way again: kept
    assert again.reused and again.errors == 1 and again.cached == 3


def test_a_changed_file_is_processed_again(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([src], out, workers=1)
    changed = src / PLANS[0].name
    changed.write_text(changed.read_text(encoding="utf-8").replace("Căn cứ", "Căn  cứ", 1), encoding="utf-8")
    second = run([src], out, workers=1)
    assert second.cached == 2
    run([src], tmp_path / "fresh", workers=1, use_cache=False)
    a, b = _without_seconds(out), _without_seconds(tmp_path / "fresh")
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_stale_entries_are_never_used(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    run([src], out, workers=1)
    old = [p.name for p in (out / cache_mod.CACHE_NAME).glob("*.sqlite")]
    assert len(old) == 1
    # the rules (or the code) changed: another fingerprint
    monkeypatch.setattr(cache_mod, "_static_fingerprint", lambda: "rules-edited")
    second = run([src], out, workers=1)
    assert second.cached == 0
    now = [p.name for p in (out / cache_mod.CACHE_NAME).glob("*.sqlite")]
    assert len(now) == 1 and now != old  # old entries removed
    # other limits: another fingerprint too
    monkeypatch.setenv(limits.LIMITS_ENV, json.dumps({"pages": 99}))
    assert run([src], out, workers=1).cached == 0
    _manifest(out).unlink()
    assert run([src], out, workers=1).cached == 3


def test_a_tampered_entry_is_ignored(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([src], out, workers=1)
    (db,) = (out / cache_mod.CACHE_NAME).glob("*.sqlite")
    con = sqlite3.connect(db)
    (sha0, data0), (sha1, _), _ = con.execute("SELECT sha, data FROM entries ORDER BY sha").fetchall()
    data = json.loads(data0)
    data["sha256"] = "0" * 64
    con.execute("UPDATE entries SET data = ? WHERE sha = ?", (json.dumps(data), sha0))
    con.execute("UPDATE entries SET data = '{not json' WHERE sha = ?", (sha1,))
    con.commit()
    con.close()
    _manifest(out).unlink()
    assert run([src], out, workers=1).cached == 1
    # a damaged database: every document is a miss, and the cache is started afresh
    _manifest(out).unlink()
    db.write_bytes(b"not a database" * 100)
    assert run([src], out, workers=1).cached == 0
    _manifest(out).unlink()
    assert run([src], out, workers=1).cached == 3


def test_force_ignores_the_cache(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "-w", "1"])
    res = CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "-w", "1"])
    assert "3 from cache" in res.output and "not rebuilt" in res.output
    res = CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "-w", "1", "--force"])
    assert res.exit_code == 0 and "from cache" not in res.output


def test_dask_local_cluster_output_equals_local_output(src: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    from kehoach import distributed

    monkeypatch.setattr(distributed, "IN_FLIGHT_MIN", 1)  # one task in flight: each sent as one ends
    monkeypatch.setattr(distributed, "IN_FLIGHT_PER_SLOT", 1)
    (src / "empty.txt").write_bytes(b"")
    local = run([src], tmp_path / "local", workers=1, use_cache=False)
    dask = run([src], tmp_path / "dask", workers=1, use_cache=False, executor="dask")
    assert (dask.ok, dask.errors) == (local.ok, local.errors) == (3, 1)
    a, b = _without_seconds(tmp_path / "local"), _without_seconds(tmp_path / "dask")
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_streamed_tables_equal_the_in_memory_result(src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows spilled to part files (two documents per part here) give the same tables as the
    in-memory path; a duplicate and a failure are handled the same way."""
    from kehoach.export import parts, writer

    monkeypatch.setattr(parts, "BATCH_DOCS", 2)
    shutil.copy(PLANS[0], src / "zz-duplicate.txt")
    (src / "empty.txt").write_bytes(b"")
    streamed = run([src], tmp_path / "streamed", workers=2, use_cache=False)
    in_memory = run([src], None, workers=2)
    writer.write_tables(tmp_path / "memory", in_memory.tables)
    assert (streamed.ok, streamed.duplicates, streamed.errors) == (3, 1, 1)
    assert streamed.line().split(" in ")[0] == in_memory.line().split(" in ")[0]
    a = _without_seconds(tmp_path / "streamed")
    b = _without_seconds(tmp_path / "memory")
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])
    assert not [p for p in tmp_path.iterdir() if ".kehoach-tmp-" in p.name]  # spill removed


def test_streamed_files_are_byte_identical_to_the_in_memory_path(
        src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same results written as they arrive (two documents per batch, three rows per
    chunk) and from memory give the same bytes in every file (CSV, Parquet, datapackage.json)
    and the same kehoach.sqlite content (its pages are laid out in the order the rows came)."""
    from kehoach.export import parts, writer
    from kehoach.run import _combine

    monkeypatch.setattr(parts, "BATCH_DOCS", 2)
    monkeypatch.setattr(parts, "CHUNK_ROWS", 3)
    shutil.copy(PLANS[0], src / "zz-duplicate.txt")
    (src / "empty.txt").write_bytes(b"")
    results = []
    streamed = run([src], tmp_path / "streamed", workers=2, use_cache=False, on_result=results.append)
    in_memory = _combine(results)
    assert len(in_memory.tables["citations"]) > 3 * 3  # several chunks
    assert len(in_memory.tables["instruments"]) > 3 and len(in_memory.tables["links"]) > 3
    writer.write_tables(tmp_path / "memory", in_memory.tables)
    assert (streamed.ok, streamed.duplicates, streamed.errors) == (3, 1, 1)
    assert (streamed.citations, streamed.instruments) == (in_memory.citations, in_memory.instruments)
    a = sorted(p.name for p in (tmp_path / "streamed").iterdir() if not p.name.startswith("."))
    b = sorted(p.name for p in (tmp_path / "memory").iterdir() if not p.name.startswith("."))
    assert a == b and "kehoach.sqlite" in a and "links.parquet" in a
    for name in a:
        if name == "kehoach.sqlite":
            assert _sqlite_content(tmp_path / "streamed" / name) == _sqlite_content(tmp_path / "memory" / name)
        else:
            assert (tmp_path / "streamed" / name).read_bytes() == (tmp_path / "memory" / name).read_bytes(), name


def _sqlite_content(path: Path) -> dict[str, object]:
    con = sqlite3.connect(path)
    try:
        out: dict[str, object] = {"user_version": con.execute("PRAGMA user_version").fetchone()}
        for kind, name, sql in con.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name"):
            out[f"{kind} {name}"] = sql
            if kind == "table":
                out[f"rows {name}"] = con.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        return out
    finally:
        con.close()


def test_a_dask_task_runs_its_document_in_a_watched_subprocess(
        src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a Dask worker runs for each document: the local executor's watched subprocess, so
    the wall-time limit holds on a cluster too (the task is called here, in this process)."""
    import time

    import kehoach.components as components
    import kehoach.extract.assignments.channels as channels
    from kehoach import distributed
    from kehoach.process import process_path

    good = str(src / PLANS[0].name)
    env = {limits.LIMITS_ENV: json.dumps({"wall_seconds": 3})}
    try:
        res = distributed._process(good, env, "pipeline.yaml")
        assert res.error is None
        assert res.tables == process_path(good).tables
        worker = distributed._supervisor.workers[0].proc.pid
        assert worker != __import__("os").getpid()  # not run in the task's own process
        real = channels.run

        def stuck(ctx):  # type: ignore[no-untyped-def]
            if "SABOTAGE" in ctx.text:
                time.sleep(3600)
            return real(ctx)

        monkeypatch.setattr(channels, "run", stuck)
        components._document_components.cache_clear()
        distributed._supervisor.close()  # the next subprocess is forked with the patch
        bad = src / "bad.txt"
        bad.write_text("Kế hoạch số 1/KH-UBND\nCăn cứ Nghị quyết số 76/NQ-CP. SABOTAGE\n", encoding="utf-8")
        res = distributed._process(str(bad), env, "pipeline.yaml")
        assert res.error is not None and res.error["reason"] == "limit_wall_seconds"
        assert "wall_seconds=3" in res.error["message"]
        assert distributed._process(good, env, "pipeline.yaml").error is None  # a fresh subprocess
    finally:
        if distributed._supervisor is not None:
            distributed._supervisor.close()
            distributed._supervisor = None
        components._document_components.cache_clear()


def test_the_api_with_an_output_folder_returns_every_table(src: Path, tmp_path: Path) -> None:
    """With an output folder the rows are not kept in memory: the tables the API returns are
    read back from the files written, and equal those of an in-memory batch."""
    import kehoach

    written = kehoach.extract_batch([src], workers=1, out_dir=tmp_path / "out")
    in_memory = kehoach.extract_batch([src], workers=1)
    assert set(written.tables) == set(in_memory.tables)
    for name in ("citations", "instruments", "links", "bodies"):
        assert len(written[name]) == len(in_memory[name]) > 0
        pd.testing.assert_frame_equal(written[name].reset_index(drop=True), in_memory[name].reset_index(drop=True))
