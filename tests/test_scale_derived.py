"""What the run stages make of each document while the results arrive (kehoach.export.parts.
Derived): the same tables as when it is made at the end from the staged rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW
from kehoach.export import parts
from kehoach.export.parts import Spill, Staged
from kehoach.resolve import catalog, links
from kehoach.run import _combine, _combine_spilled, run

PLANS = sorted(RAW.glob("*.txt"))


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> list:
    src = tmp_path_factory.mktemp("in")
    for p in PLANS:
        shutil.copy(p, src / p.name)
    shutil.copy(PLANS[0], src / "zz-duplicate.txt")  # a duplicate: its rows are not kept
    got: list = []
    run([src], None, workers=1, on_result=got.append)
    return got


def _tables(spill: Spill, results: list, derive: bool) -> dict[str, pd.DataFrame]:
    if derive:
        spill.derive(catalog.PER_DOCUMENT)
        spill.derive(links.PER_DOCUMENT)
    for res in reversed(results):  # another arrival order: the tables do not depend on it
        spill.add(res.path, res.document, res.error, res.tables)
    summary = _combine_spilled(spill)
    assert isinstance(summary.tables, Staged)
    return {name: summary.tables[name].frame() for name in ("instruments", "links")}


def test_made_while_results_arrive_or_at_the_end_the_same(results: list, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts, "BATCH_DOCS", 2)
    early = Spill(tmp_path, "early-")
    late = Spill(tmp_path, "late-")
    try:
        a = _tables(early, results, derive=True)
        assert early.con.execute('SELECT count(*) FROM "resolve_links"').fetchone()[0] > 0
        b = _tables(late, results, derive=False)
    finally:
        early.close()
        late.close()
    memory = _combine(list(results)).tables
    assert len(a["links"]) > 3 and len(a["instruments"]) > 3
    for name in ("instruments", "links"):
        pd.testing.assert_frame_equal(a[name], b[name])
        pd.testing.assert_frame_equal(a[name].reset_index(drop=True),
                                      memory[name].reindex(columns=a[name].columns).reset_index(drop=True),
                                      check_dtype=False)


def test_a_stage_registered_after_the_first_result_is_made_at_the_end(results: list, tmp_path: Path) -> None:
    spill = Spill(tmp_path, "s-")
    try:
        res = results[0]
        spill.add(res.path, res.document, res.error, res.tables)
        spill.derive(links.PER_DOCUMENT)  # too late: not made while storing
        assert "resolve_links" not in spill.derivations
        for res in results[1:]:
            spill.add(res.path, res.document, res.error, res.tables)
        table = spill.derived_rows(links.PER_DOCUMENT)  # made now, from the staged rows
        n = spill.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        kept_numbered = sum(1 for r in _combine(list(results)).tables["citations"]["instrument_id"]
                            if isinstance(r, str) and r)
        assert n == kept_numbered
    finally:
        spill.close()


def test_results_are_stored_in_order_and_a_storing_error_reaches_the_parent() -> None:
    from kehoach.process import DocResult
    from kehoach.run import Storing

    stored: list[str] = []

    def store(res: DocResult) -> None:
        if res.path == "c":
            raise OSError(28, "No space left on device")
        stored.append(res.path)

    with pytest.raises(OSError, match="No space left"), Storing(store, depth=2) as storing:
        for path in "abcdefgh":
            storing.put(DocResult(path, {}, {}, None))
    assert stored == ["a", "b"]  # nothing after the error

    stored.clear()
    with Storing(store) as storing:
        for path in "ab":
            storing.put(DocResult(path, {}, {}, None))
    assert stored == ["a", "b"]
