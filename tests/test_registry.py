"""Registry of instruments: unknown years joined, the consensus with its counts, the
instrument's own document as the truth, the curated table, combining, `registry build`."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from kehoach.resolve import registry as reg
from kehoach.resolve.check import check_tables
from kehoach.run import run


def cit(doc: str, iid: str, year, date=None, issuer=None, typ="Nghị quyết", scope="", **kw):
    key = f"{iid}|{year or '?'}|{scope}"
    return {"doc_id": doc, "instrument_id": iid, "instrument_key": key, "name": None, "type": typ,
            "year": year, "date": date, "issuer": issuer, "scope": scope or None, "basis": True,
            "in_basis": True, "date_cited": date, "issuer_cited": issuer,
            "mention": f"{typ} số {iid}", "start": 10, "end": 30, "page": None, "sentence": f"Căn cứ {typ} số {iid}.",
            **kw}


def test_unknown_year_joins_the_only_instrument_it_can_be():
    df = pd.DataFrame([
        cit("a", "71/NQ-CP", 2025, "2025-04-01", "Chính phủ"),
        cit("b", "71/NQ-CP", None, None, "Chính phủ"),
        cit("c", "01/NQ-CP", 2022, "2022-01-08", "Chính phủ"),
        cit("d", "01/NQ-CP", 2023, "2023-01-06", "Chính phủ"),
        cit("e", "01/NQ-CP", None, None, "Chính phủ"),
    ])
    out = reg.join_unknown_years(df)
    assert list(out["instrument_key"]) == ["71/NQ-CP|2025|", "71/NQ-CP|2025|", "01/NQ-CP|2022|",
                                           "01/NQ-CP|2023|", "01/NQ-CP|?|"]  # two years: left apart
    assert out.iloc[1]["year"] == 2025


def test_consensus_counts_and_confidence():
    df = pd.DataFrame([
        cit("a", "71/NQ-CP", 2025, "2025-04-01", "Chính phủ"),
        cit("a", "71/NQ-CP", 2025, "2025-04-01", "Chính phủ"),  # a second mention: one vote per plan
        cit("b", "71/NQ-CP", 2025, "2025-04-01", "Chính phủ"),
        cit("c", "71/NQ-CP", 2025, "2025-05-01", "Chính phủ"),
        cit("d", "71/NQ-CP", None, None, "Chính phủ"),
    ])
    row = reg.from_corpus(df, None).iloc[0]
    assert (row["instrument_key"], row["date"], row["truth_source"]) == ("71/NQ-CP|2025|", "2025-04-01", "consensus")
    assert (row["n_documents"], row["n_date"], row["n_issuer"]) == (4, 2, 4)
    assert row["confidence"] == pytest.approx(2 / 5, abs=0.01)


def test_the_instruments_own_document_is_the_truth(tmp_path: Path):
    own = ("ỦY BAN NHÂN DÂN\nTỈNH PHÚ THỌ\n\nSố: 58/KH-UBND\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
           "Độc lập - Tự do - Hạnh phúc\n\nPhú Thọ, ngày 14 tháng 3 năm 2025\n\nKẾ HOẠCH\n"
           "Cải cách hành chính năm 2025\n\nI. MỤC ĐÍCH\n\nNâng cao chất lượng phục vụ.\n")
    citing = ("SỞ NỘI VỤ TỈNH PHÚ THỌ\n\nSố: 12/KH-SNV\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Độc lập - Tự do - Hạnh phúc\n\nPhú Thọ, ngày 02 tháng 4 năm 2025\n\nKẾ HOẠCH\n"
              "Tuyên truyền cải cách hành chính năm 2025\n\n"
              "Thực hiện Kế hoạch số 58/KH-UBND ngày 04/3/2025 của UBND tỉnh Phú Thọ về cải cách hành chính "
              "năm 2025, Sở Nội vụ ban hành Kế hoạch như sau:\n\nI. MỤC ĐÍCH\n\nNâng cao nhận thức.\n")
    (tmp_path / "own.txt").write_text(own, encoding="utf-8")
    (tmp_path / "citing.txt").write_text(citing, encoding="utf-8")
    tables = run([tmp_path], None, workers=1).tables
    registry = reg.from_corpus(tables["citations"], tables["documents"])
    row = registry[registry["instrument_id"] == "58/KH-UBND"].iloc[0]
    assert (row["truth_source"], row["date"], row["confidence"]) == ("document", "2025-03-14", 1.0)
    assert row["doc_id"] == tables["documents"].set_index("source_path").loc[str(tmp_path / "own.txt"), "doc_id"]
    flags = check_tables(tables["citations"], tables["documents"])["flags"]
    assert list(zip(flags["kind"], flags["cited"], flags["expected"], flags["truth_source"], strict=True)) == [
        ("date", "2025-03-04", "2025-03-14", "document")]


def test_curated_table_rows_are_sourced_and_keyed():
    cur = reg.curated()
    assert len(cur) >= 5
    assert cur["source"].map(bool).all() and (cur["truth_source"] == "curated").all()
    for row in cur.to_dict("records"):
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date"])
        assert row["instrument_key"] == f"{row['instrument_id']}|{row['date'][:4]}|"
        if row["status"] == "replaced":
            assert row["replaced_by"] in set(cur["instrument_id"]) and row["effective_to"]
    by_id = cur.set_index("instrument_id")
    assert by_id.loc["76/NQ-CP", "date"] == "2021-07-15" and by_id.loc["76/NQ-CP", "issuer"] == "Chính phủ"
    assert by_id.loc["71/NQ-CP", "date"] == "2025-04-01"
    assert by_id.loc["61/2018/NĐ-CP", "replaced_by"] == "118/2025/NĐ-CP"
    assert by_id.loc["118/2025/NĐ-CP", "effective_from"] == "2025-07-01"


def test_combine_prefers_document_and_curated_over_consensus():
    consensus = pd.DataFrame([{"instrument_key": "76/NQ-CP|2021|", "instrument_id": "76/NQ-CP",
                               "date": "2021-07-25", "truth_source": "consensus", "n_documents": 9}])
    out = reg.combine([consensus, reg.curated()])
    row = out[out["instrument_key"] == "76/NQ-CP|2021|"].iloc[0]
    assert (row["date"], row["truth_source"], row["n_documents"]) == ("2021-07-15", "curated", 9)
    small = pd.DataFrame([{"instrument_key": "9/NQ-CP|2024|", "instrument_id": "9/NQ-CP", "date": "2024-01-02",
                           "truth_source": "consensus", "n_documents": 2}])
    big = small.assign(date="2024-01-03", n_documents=5)
    assert reg.combine([small, big]).iloc[0]["date"] == "2024-01-03"


def test_user_registry_rejects_unknown_columns(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("instrument_id,ngay\n76/NQ-CP,2021-07-15\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ngay"):
        reg.read_registry(bad)


def test_registry_build_command(tmp_path: Path):
    from kehoach.cli import app
    from typer.testing import CliRunner

    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    out = tmp_path / "registry.csv"
    res = CliRunner().invoke(app, ["registry", "build", str(raw), "-o", str(out)])
    assert res.exit_code == 0, res.output
    built = pd.read_csv(out, dtype=str, keep_default_na=False)
    row = built[built["instrument_key"] == "76/NQ-CP|2021|"].iloc[0]
    assert (row["date"], row["issuer"], row["truth_source"]) == ("2021-07-15", "Chính phủ", "consensus")
    assert int(row["n_date"]) == int(row["n_documents"]) >= 2
    # a built registry is read back as a --registry file
    again = reg.read_registry(out)
    assert len(again) == len(built)
