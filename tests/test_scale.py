"""National scale (issue 12): incremental runs from the result cache, the Dask executor."""

from __future__ import annotations

import json
import shutil
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


def test_unchanged_files_come_from_the_cache_with_identical_tables(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run([src], out, workers=1)
    assert first.cached == 0 and first.ok == 3
    before = _csvs(out)
    second = run([src], out, workers=1)
    assert second.cached == 3 and "3 from cache" in second.line()
    assert _csvs(out) == before  # byte-identical, the cached rows keep their timing too


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
    old = [p.name for p in (out / cache_mod.CACHE_NAME).iterdir()]
    assert len(old) == 1
    # the rules (or the code) changed: another fingerprint
    monkeypatch.setattr(cache_mod, "_static_fingerprint", lambda: "rules-edited")
    second = run([src], out, workers=1)
    assert second.cached == 0
    assert [p.name for p in (out / cache_mod.CACHE_NAME).iterdir()] != old  # old entries removed
    # other limits: another fingerprint too
    monkeypatch.setenv(limits.LIMITS_ENV, json.dumps({"pages": 99}))
    assert run([src], out, workers=1).cached == 0
    assert run([src], out, workers=1).cached == 3


def test_a_tampered_entry_is_ignored(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([src], out, workers=1)
    entries = sorted((out / cache_mod.CACHE_NAME).rglob("*.json"))
    assert len(entries) == 3
    data = json.loads(entries[0].read_text(encoding="utf-8"))
    data["sha256"] = "0" * 64
    entries[0].write_text(json.dumps(data), encoding="utf-8")
    entries[1].write_text("{not json", encoding="utf-8")
    assert run([src], out, workers=1).cached == 1


def test_force_ignores_the_cache(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "-w", "1"])
    res = CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "-w", "1"])
    assert "3 from cache" in res.output
    res = CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "-w", "1", "--force"])
    assert res.exit_code == 0 and "from cache" not in res.output


def test_dask_local_cluster_output_equals_local_output(src: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
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
