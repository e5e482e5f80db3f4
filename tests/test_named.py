"""Instruments cited by name only (pipeline/extract/citations/named.py, models/named_instruments.yaml)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import GOLD, ROOT
from helpers import citations
from kehoach.evaluate import evaluate_dir
from kehoach.extract.citations.named import rule_examples
from kehoach.rules import load_yaml
from kehoach.run import run

CORPUS = ROOT.parent / "shared" / "corpus"
# the numbered development plans (the holdout plans 021.. are not read here)
DEV_STEMS = [f"{i:03d}_" for i in range(6, 21)]


def named(text: str) -> list[dict[str, Any]]:
    return [r for r in citations(text) if not r["instrument_id"]]


@pytest.mark.parametrize(("typ", "text", "names"), rule_examples())
def test_rule_table_examples(typ: str, text: str, names: list[str]) -> None:
    assert [r["name"] for r in named(text)] == names, typ


def test_every_rule_has_examples_with_and_without_a_hit() -> None:
    rules = load_yaml("named_instruments.yaml")["rules"]
    for rule in rules:
        assert rule.get("examples"), rule["type"]
    assert any(not e["names"] for r in rules for e in r["examples"])


def test_year_kept_in_mention_and_evidence_points_at_the_source() -> None:
    text = "Phổ biến Luật Hôn nhân và   gia đình năm 2014 tới hộ gia đình."
    [row] = named(text)
    assert row["name"] == "Luật Hôn nhân và gia đình"
    assert row["mention"] == "Luật Hôn nhân và gia đình năm 2014"
    assert text[row["start"] : row["end"]] == "Luật Hôn nhân và   gia đình năm 2014"
    assert row["type"] == "Luật" and row["instrument_key"] == "name:luật hôn nhân và gia đình"


def test_abbreviation_written_in_full_in_the_name_only() -> None:
    [row] = named("Rà soát theo Luật Ban hành văn bản QPPL hiện hành.")
    assert row["name"] == "Luật Ban hành văn bản quy phạm pháp luật"
    assert row["mention"] == "Luật Ban hành văn bản QPPL"


def test_name_cited_elsewhere_with_its_number_is_an_instrument_only() -> None:
    rows = citations(
        "Căn cứ Luật Thủy sản số 18/2017/QH14 ngày 21/11/2017;\n"
        "Tuyên truyền Luật Thủy sản và Luật Thú y tới ngư dân."
    )
    assert [(r["instrument_id"] or r["name"]) for r in rows] == ["18/2017/QH14", "Luật Thú y"]


def test_name_cited_with_a_date_and_its_number_elsewhere_is_an_instrument_only() -> None:
    rows = citations(
        "Căn cứ Luật Phòng, chống tham nhũng ngày 20 tháng 11 năm 2018 số 36/2018/QH14;\n"
        "Tuyên truyền Luật Phòng chống tham nhũng tới cán bộ."
    )
    assert [(r["instrument_id"] or r["name"]) for r in rows] == ["36/2018/QH14"]


def test_amended_law_with_its_number_is_not_named_twice() -> None:
    rows = citations(
        "Căn cứ Luật Thủy sản số 18/2017/QH14 ngày 21/11/2017, được sửa đổi, bổ sung tại Luật "
        "sửa đổi, bổ sung một số điều của Luật Thủy sản số 18/2017/QH14, Luật Thú y số "
        "79/2015/QH13 và Luật Trồng trọt số 31/2018/QH14 ngày 15 tháng 6 năm 2023;"
    )
    assert [r["name"] for r in rows if not r["instrument_id"]] == [
        "Luật sửa đổi, bổ sung một số điều của Luật Thủy sản, Luật Thú y và Luật Trồng trọt",
    ]
    assert {r["instrument_id"] for r in rows if r["instrument_id"]} == {
        "18/2017/QH14", "79/2015/QH13", "31/2018/QH14",
    }


def test_programme_issued_by_a_numbered_resolution_is_not_listed_anywhere() -> None:
    rows = named(
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình "
        "tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030;\n"
        "Tuyên truyền 06 nội dung của Chương trình tổng thể CCHC nhà nước giai đoạn 2021 - 2030."
    )
    assert rows == []


def test_name_wrapped_over_two_lines() -> None:
    [row] = named("Tổ chức thi hành Luật Ngân sách nhà\nnước năm 2025 trên địa bàn.")
    assert row["name"] == "Luật Ngân sách nhà nước"


def test_quoted_name_keeps_its_quotes() -> None:
    [row] = named("Triển khai Đề án “Phát triển văn hóa đọc” tại trường học.")
    assert row["name"] == "Đề án “Phát triển văn hóa đọc”"


def test_named_scores_on_the_five_seed_plans(dev_out: Path) -> None:
    section = evaluate_dir(GOLD, dev_out).section("instruments")
    assert section.metric("named precision").value >= 0.95, section.lines
    assert section.metric("named F1").value >= 0.80, section.lines


def test_named_scores_on_the_numbered_development_plans(tmp_path: Path) -> None:
    texts = [p for p in sorted(CORPUS.glob("*.txt")) if p.name[:4] in DEV_STEMS]
    if not texts:
        pytest.skip(f"development plans not found in {CORPUS}")
    (tmp_path / "in").mkdir()
    (tmp_path / "gold").mkdir()
    for p in texts:
        shutil.copy(p, tmp_path / "in" / p.name)
        shutil.copy(CORPUS / "gold" / f"{p.stem}.json", tmp_path / "gold" / f"{p.stem}.json")
    run([tmp_path / "in"], tmp_path / "out", workers=1)
    section = evaluate_dir(tmp_path / "gold", tmp_path / "out").section("instruments")
    assert section.metric("named precision").value >= 0.90, section.lines
    assert section.metric("named F1").value >= 0.85, section.lines


def test_the_document_itself_is_not_a_named_instrument() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\nSố: 24/KH-UBND\nBắc Ninh, ngày 10 tháng 02 năm 2025\n\n"
        "KẾ HOẠCH\nTriển khai thực hiện Chỉ thị số 21-CT/TW ngày 10/8/2019 của Bộ Chính trị\n\n"
        "I. MỤC ĐÍCH\nCác sở tổ chức Kế hoạch triển khai thực hiện Chỉ thị số 21-CT/TW hiệu quả; gắn với "
        "Kế hoạch triển khai thực hiện Kết luận số 33-KL/TW của Tỉnh ủy.\n"
    )
    assert [r["name"] for r in named(text)] == ["Kế hoạch triển khai thực hiện Kết luận số 33-KL/TW"]
