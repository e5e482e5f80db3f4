"""ONE number-symbol grammar (kehoach.extract.grammar.codes) for citations and the header's "Số:"
line, and its corner cases (issue 8 item 5)."""

from __future__ import annotations

import pytest
from helpers import by_id, run_text
from kehoach.extract.grammar.codes import canonical_number, read_symbol, symbol_pattern
from kehoach.extract.metadata.header import parse

SIGN = "\nNơi nhận:\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn An\n"


def header(number_line: str) -> str:
    return (
        f"ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\n{number_line}\nGia Lai, ngày 4 tháng 5 năm 2025\n\n"
        "KẾ HOẠCH\nPhòng chống thiên tai năm 2025\n\nI. MỤC ĐÍCH\nNội dung.\n" + SIGN
    )


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [("0125", "125"), ("1", "01"), ("66.2", "66.2"), ("30c", "30c"), ("007", "07")],
)
def test_canonical_number(raw: str, canonical: str) -> None:
    assert canonical_number(raw) == canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nghị quyết số 66.2/2025/NQ-CP", "66.2/2025/NQ-CP"),  # decimal number
        ("Kế hoạch hành động số 459-KHHĐ/TU", "459-KHHĐ/TU"),  # party code KHHĐ
        ("Nghị quyết số 12-NQ/TƯ", "12-NQ/TW"),  # TƯ (Trung ương) is TW, not TU
        ("Kế hoạch số 515/KH-BCA-BNN&MT", "515/KH-BCA-BNN&MT"),  # & inside a code
        ("Nghị quyết số 30c/NQ-HĐND", "30c/NQ-HĐND"),  # lettered number
    ],
)
def test_citation_corner_cases(text: str, expected: str) -> None:
    assert expected in by_id(text + " về phát triển kinh tế.")


@pytest.mark.parametrize(
    ("line", "number", "symbol"),
    [
        ("Số: 30c/KH-UBND", "30c/KH-UBND", "KH-UBND"),
        ("Số:     /KH-UBND", None, "KH-UBND"),
        ("Số: ......./KH-UBND", None, "KH-UBND"),
        ("Số: 012/2024/QĐ-UBND", "12/2024/QĐ-UBND", "QĐ-UBND"),
        ("Số: 45-KH/TU", "45-KH/TU", "KH/TU"),
        ("Số: 66.2/KH-UBND", "66.2/KH-UBND", "KH-UBND"),
        ("Số: 7/KH-UBND-VX", "07/KH-UBND-VX", "KH-UBND-VX"),
    ],
)
def test_header_number_by_the_same_grammar(line: str, number: str | None, symbol: str) -> None:
    h = parse(header(line))
    assert (h.doc_number, h.doc_symbol) == (number, symbol)


def test_amounts_and_ranges_are_no_symbol() -> None:
    for text in ["giá 1.000/người", "giai đoạn 2021-2025/2030", "ngày 12/5/2024"]:
        found = [read_symbol(m, False) for m in symbol_pattern().finditer(text)]
        assert not [s for s in found if s is not None], text


def test_own_number_of_an_attached_plan_is_not_a_citation() -> None:
    decision = (
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 88/QĐ-UBND\nGia Lai, ngày 4 tháng 5 năm 2025\n\n"
        "QUYẾT ĐỊNH\nBan hành Kế hoạch phòng chống thiên tai năm 2025\n\n"
        "ỦY BAN NHÂN DÂN TỈNH GIA LAI\n\nCăn cứ Nghị định số 66/2021/NĐ-CP của Chính phủ;\n\n"
        "QUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng chống thiên tai.\n"
        + SIGN + "\nỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 31/KH-UBND\n\nKẾ HOẠCH\n"
        "Phòng chống thiên tai năm 2025\n(Kèm theo Quyết định số 88/QĐ-UBND ngày 04/5/2025)\n"
        "I. MỤC ĐÍCH\nThực hiện Kế hoạch số 31/KH-UBND đúng tiến độ.\n"
    )
    ctx = run_text(decision)
    ids = {r["instrument_id"] for r in ctx.tables.get("citations", [])}
    assert "66/2021/NĐ-CP" in ids
    assert "31/KH-UBND" not in ids and "88/QĐ-UBND" not in ids
    assert ctx.document["doc_type"] == "Quyết định"
    assert ctx.document["doc_number"] == "88/QĐ-UBND"


def test_type_word_before_a_name_is_the_nearest_one() -> None:
    found = by_id("Căn cứ Luật Đất đai số 31/2024/QH15, Luật Nhà ở số 27/2023/QH15 và văn bản khác;")
    assert found["27/2023/QH15"]["type"] == "Luật"
    assert found["31/2024/QH15"]["type"] == "Luật"


def test_year_typo_in_the_number_is_corrected_by_its_own_date() -> None:
    text = ("Căn cứ Quyết định số 46/2002/QĐ-UBND ngày 12/09/2022 của UBND tỉnh về bảo vệ bí mật;"
            " thực hiện Quyết định số 46/2002/QĐ-UBND nghiêm túc.")
    ids = set(by_id(text))
    assert "46/2022/QĐ-UBND" in ids and "46/2002/QĐ-UBND" not in ids
    # two digits apart is no typo we can be sure of
    assert "46/2019/QĐ-UBND" in by_id("Quyết định số 46/2019/QĐ-UBND ngày 12/09/2022 của UBND tỉnh.")


def test_basis_spans_a_hard_wrapped_paragraph_but_not_the_proposal_clause() -> None:
    text = (
        "KẾ HOẠCH\nPHÁT TRIỂN HẠ TẦNG VIỄN THÔNG\n\nTriển khai Quyết định số 1132/QĐ-TTg ngày 09/10/2024 của"
        " Thủ tướng Chính phủ về việc phê duyệt\nChiến lược hạ tầng số; Quyết định số 912/QĐ-BKHCN"
        " ngày 18/5/2025 của Bộ Khoa học và Công nghệ;\n\nTheo đề nghị của Sở Tài chính tại Tờ"
        " trình số 45/TTr-STC ngày 02/6/2025.\n\nI. MỤC ĐÍCH\nNội dung.\n"
    )
    found = by_id(text)
    assert found["1132/QĐ-TTg"]["basis"] is True
    assert found["912/QĐ-BKHCN"]["basis"] is True
    assert found["45/TTr-STC"]["basis"] is False


def test_basis_list_continues_after_a_semicolon_until_the_proposal_clause() -> None:
    text = (
        "KẾ HOẠCH\nCÔNG TÁC DÂN CƯ\n\nCăn cứ Luật Tổ chức chính quyền địa phương;\n"
        "Thực hiện Chỉ thị số 27/CT-TTg ngày 15/8/2024 của Thủ tướng Chính phủ;\n"
        "Công văn số 6676/BYT-CDS ngày 29/10/2024 của Bộ Y tế;\n"
        "Theo đề nghị của Sở Y tế tại Tờ trình số 45/TTr-SYT ngày 02/6/2025;\n"
        "Văn bản số 12/SYT-KH ngày 03/6/2025 của Sở Y tế.\n\nI. MỤC ĐÍCH\nNội dung.\n"
    )
    found = by_id(text)
    assert found["27/CT-TTg"]["basis"] is True
    assert found["6676/BYT-CDS"]["basis"] is True
    assert found["45/TTr-SYT"]["basis"] is False
    assert found["12/SYT-KH"]["basis"] is False
