"""Normalization keeps a correct map back to source offsets."""

from __future__ import annotations

import unicodedata

import pytest
from kehoach.normalize import normalize
from kehoach.read import read_document


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Khánh Hoà, uỷ ban, khoẻ mạnh, thuỷ lợi", "Khánh Hòa, ủy ban, khỏe mạnh, thủy lợi"),
        ("quý, quỳnh, hoàn thành, khuya", "quý, quỳnh, hoàn thành, khuya"),  # untouched
        ("Ðảng ủy", "Đảng ủy"),
        ("Nghị định 61/2018/NĐ–CP", "Nghị định 61/2018/NĐ-CP"),
    ],
)
def test_character_rules(source: str, expected: str) -> None:
    assert normalize(source).text == expected


def test_decomposed_input_is_composed_and_mapped_back() -> None:
    source = unicodedata.normalize("NFD", "Căn cứ Nghị định số 61/2018/NĐ-CP của Chính phủ")
    norm = normalize(source)
    assert norm.text == unicodedata.normalize("NFC", source)
    start = norm.text.index("Chính phủ")
    s, e = norm.span_to_source(start, start + len("Chính phủ"))
    assert unicodedata.normalize("NFC", source[s:e]) == "Chính phủ"


def test_markdown_removed_and_offsets_mapped() -> None:
    source = "## **KẾ HOẠCH**\n\n| Nội dung | **Cơ quan chủ trì** |\n|---|---|\n| Tuyên \\- truyền | Sở Nội vụ |"
    norm = normalize(source)
    assert "*" not in norm.text and "#" not in norm.text and "|" not in norm.text
    assert norm.text.startswith("KẾ HOẠCH\n")
    for word in ("KẾ HOẠCH", "Cơ quan chủ trì", "Sở Nội vụ"):
        i = norm.text.index(word)
        s, e = norm.span_to_source(i, i + len(word))
        assert source[s:e] == word


def test_wrapped_lines_joined_but_headings_kept() -> None:
    source = (
        "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\n- Tuyên truyền theo Kế hoạch số\n24/KH-UBND của\n"
        "Ủy ban nhân dân tỉnh, nâng cao\nnhận thức.\na) Nội dung"
    )
    text = normalize(source).text
    assert len(text) == len(source)
    assert "I. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\n- Tuyên" in text
    assert "Kế hoạch số 24/KH-UBND của Ủy ban nhân dân tỉnh, nâng cao nhận thức.\na) Nội dung" in text


def test_development_plans_round_trip() -> None:
    """On every development plan, each normalized line maps back to a source span holding
    the same words (markdown and tone placement aside)."""
    from conftest import RAW

    for path in sorted(RAW.glob("*.txt")):
        source = read_document(path).text
        norm = normalize(source)
        pos = 0
        for line in norm.text.split("\n"):
            if line.strip():
                s, e = norm.span_to_source(pos, pos + len(line))
                words = [w.strip("*#") for w in source[s:e].split()]
                mapped = normalize(" ".join(w for w in words if w)).text
                assert mapped == " ".join(line.split()), path.name
            pos += len(line) + 1


def test_wrapped_bold_span_is_one_line() -> None:
    source = "**IV. TỔ CHỨC\nTHỰC HIỆN**\n\n**1. Sở\nKhoa học và Công nghệ**\n\n**2.** Sở Y tế\n**Ghi chú**"
    text = normalize(source).text
    assert "IV. TỔ CHỨC THỰC HIỆN\n" in text
    assert "1. Sở Khoa học và Công nghệ\n" in text
    assert "Sở Y tế\nGhi chú" in text  # bold spans on their own lines stay apart


def test_no_join_before_an_item_marker() -> None:
    text = normalize("1. Các doanh nghiệp công nghệ số\n\na) Đầu tư hạ tầng\nKế hoạch số\n12/KH-UBND").text
    assert "công nghệ số\n\na) Đầu tư" in text
    assert "Kế hoạch số 12/KH-UBND" in text


def test_wrapped_italic_heading_is_one_line() -> None:
    source = "*2.1. Sở\nTài chính*\n\na) Tham mưu.\n\n*Ghi chú*\n*Nơi nhận*\nGiá *niêm\nyết*"
    text = normalize(source).text
    assert "2.1. Sở Tài chính\n" in text
    assert "Ghi chú\nNơi nhận" in text  # italic lines of their own stay apart


def test_lone_item_marker_joins_its_text() -> None:
    text = normalize("VI. TỔ CHỨC THỰC HIỆN\n**1.\n**Trên cơ sở Kế hoạch này\n-\nThành lập Tổ kiểm kê\n"
                     "1.5.\nTrách nhiệm\nđến hết\n2025.\nSở Y tế").text
    assert "1. Trên cơ sở Kế hoạch này\n" in text
    assert "- Thành lập Tổ kiểm kê\n" in text
    assert "1.5. Trách nhiệm" in text
    assert "2025.\nSở Y tế" in text  # a year closing a sentence is no item marker


def test_body_head_at_line_end_joins_its_name() -> None:
    text = normalize("1. Giao Sở\nNông nghiệp và Môi trường chủ trì\nII. TRÁCH NHIỆM CỦA CÁC SỞ\n"
                     "Nội dung").text
    assert "Giao Sở Nông nghiệp và Môi trường chủ trì\n" in text
    assert "CÁC SỞ\nNội dung" in text  # upper-case "SỞ" of a heading is no wrapped head
