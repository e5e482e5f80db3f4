"""Metadata accuracy on the five development plans against their gold (floors of issue 3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import GOLD
from kehoach.evaluate import evaluate_dir
from kehoach.evaluate.metadata import FIELDS


def test_metadata_fields_meet_floors(dev_out: Path) -> None:
    report = evaluate_dir(GOLD, dev_out)
    assert report.n_documents == 5
    section = report.section("Metadata")
    for field in FIELDS:
        assert section.metric(field).value >= 0.95, report.render()
    assert section.metric("mean").value >= 0.97, report.render()


def test_metadata_scorer_sees_a_wrong_value(dev_out: Path, tmp_path: Path) -> None:
    for f in GOLD.glob("*.json"):
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "haiphong-sdl-2022-tuyen-truyen-cchc.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    gold["metadata"]["signer_title"] = "Giám đốc"
    gold["metadata"]["doc_number"] = "12/KH-SDL"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    section = evaluate_dir(tmp_path, dev_out).section("Metadata")
    assert section.metric("signer_title").value == 0.8
    assert section.metric("doc_number").value == 0.8
    assert any("doc_number: got '', gold '12/KH-SDL'" in line for line in section.lines)


def test_documents_carry_links_and_recipients(dev_out: Path) -> None:
    import pandas as pd

    docs = pd.read_csv(dev_out / "documents.csv", dtype=str, keep_default_na=False)
    row = docs[docs["source_path"].str.contains("haiphong-sdl")].iloc[0]
    assert row["issuer_parent"] == "Ủy ban nhân dân thành phố Hải Phòng"
    assert row["province_current"] == "Hải Phòng"
    khanhhoa = docs[docs["source_path"].str.contains("khanhhoa")].iloc[0]
    assert khanhhoa["attached"].startswith("Kế hoạch tuyên truyền cải cách hành chính năm 2023")
    assert khanhhoa["date_precision"] == "month"
    rec = pd.read_csv(dev_out / "recipients.csv", dtype=str, keep_default_na=False)
    bql = rec[rec["doc_id"] == docs[docs["source_path"].str.contains("bql")].iloc[0]["doc_id"]]
    assert ("Các phòng, đơn vị thuộc BQL", "để t/h") in set(zip(bql["recipient"], bql["purpose"],
                                                                  strict=True))
    lk = pd.read_csv(dev_out / "links.csv", dtype=str, keep_default_na=False)
    sdl = lk[lk["doc_id"] == row["doc_id"]]
    assert ("38/KH-UBND", "implements") in set(zip(sdl["instrument_id"], sdl["relation"],
                                                     strict=True))
