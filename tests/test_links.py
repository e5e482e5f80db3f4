"""links.csv: relation cues, corpus links, and the tree province -> department -> district
rebuilt from a tiny synthetic corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from kehoach.export.schema import columns
from kehoach.resolve.links import links, relation_of
from kehoach.run import run

BODY = """
I. MỤC ĐÍCH, YÊU CẦU
- Nâng cao nhận thức về cải cách hành chính.

II. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị triển khai thực hiện Kế hoạch này./.
"""

PROVINCE = (
    "ỦY BAN NHÂN DÂN\nTỈNH HÀ TĨNH\nSố: 38/KH-UBND\nHà Tĩnh, ngày 23 tháng 02 năm 2022\n\n"
    "KẾ HOẠCH\nCải cách hành chính nhà nước tỉnh Hà Tĩnh năm 2022\n\n"
    "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ, Ủy ban nhân dân tỉnh ban hành "
    "Kế hoạch như sau:\n" + BODY + "\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nVõ Văn A\n"
)
DEPARTMENT = (
    "UBND TỈNH HÀ TĨNH\nSỞ NỘI VỤ\nSố: 15/KH-SNV\nHà Tĩnh, ngày 10 tháng 3 năm 2022\n\n"
    "KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2022\n\n"
    "Thực hiện Kế hoạch số 38/KH-UBND ngày 23/02/2022 của Ủy ban nhân dân tỉnh về cải cách hành "
    "chính nhà nước tỉnh Hà Tĩnh năm 2022, Sở Nội vụ ban hành Kế hoạch như sau:\n"
    + BODY + "\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nLê Văn B\n"
)
DISTRICT = (
    "ỦY BAN NHÂN DÂN\nHUYỆN CAN LỘC\nSố: 7/KH-UBND\nCan Lộc, ngày 20 tháng 3 năm 2022\n\n"
    "KẾ HOẠCH\nTuyên truyền cải cách hành chính huyện Can Lộc năm 2022\n\n"
    "Thực hiện Kế hoạch số 15/KH-SNV ngày 10/3/2022 của Sở Nội vụ tỉnh Hà Tĩnh, Ủy ban nhân dân "
    "huyện Can Lộc ban hành Kế hoạch như sau:\n"
    + BODY + "\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nTrần Văn C\n"
)


@pytest.mark.parametrize(
    ("sentence", "mention", "in_basis", "expected"),
    [
        ("Thực hiện Kế hoạch số 38/KH-UBND ngày 23/02/2022 của UBND thành phố, Sở ban hành ...",
         "Kế hoạch số 38/KH-UBND ngày 23/02/2022 của UBND thành phố", True, ("implements", "Thực hiện")),
        ("Căn cứ Luật Tổ chức chính quyền địa phương; Căn cứ Quyết định số 12/QĐ-UBND ngày 1/2/2023;",
         "Quyết định số 12/QĐ-UBND ngày 1/2/2023", True, ("basis", "Căn cứ")),
        ("Căn cứ Nghị định số 30/2020/NĐ-CP; Triển khai Kế hoạch số 5/KH-UBND của UBND tỉnh,",
         "Kế hoạch số 5/KH-UBND của UBND tỉnh", True, ("implements", "Triển khai")),
        ("Quyết định này thay thế Quyết định số 99/QĐ-UBND ngày 01/01/2020 của UBND tỉnh.",
         "Quyết định số 99/QĐ-UBND ngày 01/01/2020 của UBND tỉnh", False, ("replaces", "thay thế")),
        ("Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 7/QĐ-UBND như sau:",
         "Quyết định số 7/QĐ-UBND", False, ("amends", "Sửa đổi, bổ sung")),
        # the cited decree amends 61/2018, the plan does not
        ("Căn cứ Nghị định số 107/2021/NĐ-CP của Chính phủ sửa đổi, bổ sung một số điều của "
         "Nghị định số 61/2018/NĐ-CP;", "Nghị định số 61/2018/NĐ-CP", True, ("basis", "Căn cứ")),
        # a task in section II that mentions "triển khai" is content, not the plan's basis
        ("- Triển khai Kế hoạch số 20/KH-UBND của UBND tỉnh.", "Kế hoạch số 20/KH-UBND của UBND tỉnh",
         False, None),
        ("Tuyên truyền nội dung Nghị quyết số 76/NQ-CP.", "Nghị quyết số 76/NQ-CP", False, None),
    ],
)
def test_relation_cues(sentence: str, mention: str, in_basis: bool,
                       expected: tuple[str, str] | None) -> None:
    assert relation_of(sentence, mention, in_basis) == expected


def test_missing_or_empty_citations_give_an_empty_table() -> None:
    docs = pd.DataFrame([{"doc_id": "a", "doc_number": "1/KH-UBND", "status": "ok"}])
    for cit in (None, pd.DataFrame()):
        out = links(cit, docs)
        assert out.empty and list(out.columns) == columns("links")


def test_same_number_other_province_or_year_is_not_linked() -> None:
    docs = pd.DataFrame([
        {"doc_id": "hp", "doc_number": "38/KH-UBND", "issue_date": "2022-02-23",
         "scope": "Hải Phòng", "status": "ok"},
        {"doc_id": "cb", "doc_number": "38/KH-UBND", "issue_date": "2021-05-02",
         "scope": "Cao Bằng", "status": "ok"},
    ])
    cit = pd.DataFrame([
        {"doc_id": "x", "instrument_id": "38/KH-UBND", "instrument_key": "38/KH-UBND|2022|Hải Phòng",
         "year": 2022, "scope": "Hải Phòng", "in_basis": True, "start": 10, "end": 30,
         "mention": "Kế hoạch số 38/KH-UBND", "sentence": "Thực hiện Kế hoạch số 38/KH-UBND, ..."},
        {"doc_id": "y", "instrument_id": "38/KH-UBND", "instrument_key": "38/KH-UBND|2022|Cao Bằng",
         "year": 2022, "scope": "Cao Bằng", "in_basis": True, "start": 10, "end": 30,
         "mention": "Kế hoạch số 38/KH-UBND", "sentence": "Thực hiện Kế hoạch số 38/KH-UBND, ..."},
    ])
    out = links(cit, docs).set_index("doc_id")
    assert out.loc["x", "linked_doc_id"] == "hp"
    assert pd.isna(out.loc["y", "linked_doc_id"])  # Cao Bằng's 38/KH-UBND is of 2021


def test_tree_province_department_district(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name, text in (("p.txt", PROVINCE), ("d.txt", DEPARTMENT), ("t.txt", DISTRICT)):
        (raw / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    summary = run([raw], out, workers=1)
    assert summary.errors == 0
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    by_file = {Path(p).stem: row for p, row in zip(docs["source_path"], docs.to_dict("records"),
                                                     strict=True)}
    assert [by_file[s]["issuer_level"] for s in ("p", "d", "t")] == ["province", "department",
                                                                      "district"]
    lk = pd.read_csv(out / "links.csv", dtype=str, keep_default_na=False)
    edges = {
        (r["doc_id"], r["linked_doc_id"]): r["relation"] for r in lk.to_dict("records")
        if r["linked_doc_id"]
    }
    pid, did, tid = (by_file[s]["doc_id"] for s in ("p", "d", "t"))
    assert edges == {(did, pid): "implements", (tid, did): "implements"}
    # rebuild the tree: children of each plan
    children: dict[str, list[str]] = {}
    for child, parent in edges:
        children.setdefault(parent, []).append(child)
    assert children == {pid: [did], did: [tid]}


def test_doc_number_spelled_like_instrument_ids(tmp_path: Path) -> None:
    """doc_number and instrument_id share one canonicaliser, so a plan cited by another in
    the corpus is linked whatever the spelling of its codes."""
    (tmp_path / "a.txt").write_text(
        "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nTỈNH BẮC NINH\nSố: 15/KH-SLDTBXH\n"
        "Bắc Ninh, ngày 10 tháng 01 năm 2023\nKẾ HOẠCH\nTuyên truyền năm 2023\nI. MỤC ĐÍCH\n",
        encoding="utf-8")
    (tmp_path / "b.txt").write_text(
        "ỦY BAN NHÂN DÂN\nHUYỆN GIA BÌNH\nSố: 3/KH-UBND\nGia Bình, ngày 20 tháng 01 năm 2023\n"
        "KẾ HOẠCH\nTuyên truyền năm 2023 huyện Gia Bình tỉnh Bắc Ninh\nThực hiện Kế hoạch số "
        "15/KH-SLĐTBXH ngày 10/01/2023 của Sở Lao động - Thương binh và Xã hội tỉnh Bắc Ninh, "
        "UBND huyện ban hành kế hoạch.\nI. MỤC ĐÍCH\n",
        encoding="utf-8")
    tables = run([tmp_path], None, workers=1).tables
    docs = tables["documents"].set_index("source_path")
    assert docs.loc[str(tmp_path / "a.txt"), "doc_number"] == "15/KH-SLĐTBXH"
    links = tables["links"]
    row = links[links["doc_id"] == docs.loc[str(tmp_path / "b.txt"), "doc_id"]].iloc[0]
    assert row["relation"] == "implements"
    assert row["linked_doc_id"] == docs.loc[str(tmp_path / "a.txt"), "doc_id"]
