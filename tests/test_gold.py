"""Scores on the five development plans against their gold annotations (floors of issue 2)."""

from __future__ import annotations

from pathlib import Path

from conftest import GOLD
from kehoach.evaluate import evaluate_dir


def test_instrument_scores_meet_floors(dev_out: Path) -> None:
    report = evaluate_dir(GOLD, dev_out)
    assert report.n_documents == 5
    section = report.section("instruments")
    assert section.metric("id F1").value >= 0.98, report.render()
    for attr in ("year", "date", "type"):
        assert section.metric(f"{attr} accuracy").value >= 0.97, report.render()


def test_evaluate_counts_misses_and_false_hits(dev_out: Path, tmp_path: Path) -> None:
    """Spoil one gold file: the scorer must see the difference."""
    import json
    import shutil

    for f in GOLD.glob("*.json"):
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "haiphong-bql-2024-tuyen-truyen-cchc.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    extra = {"id": "99/NQ-CP", "type": "Nghị quyết", "year": 2020, "date": None,
             "issuer": "Chính phủ", "scope": None, "basis": False, "mentions": ["Nghị quyết số 99/NQ-CP"]}
    gold["instruments"] = [*gold["instruments"][1:], extra]
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    report = evaluate_dir(tmp_path, dev_out)
    section = report.section("instruments")
    assert "tp 73, fp 1, fn 1" in section.metric("id F1").detail
    assert any("MISS 99/NQ-CP" in line for line in section.lines)
