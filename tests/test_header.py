"""The document header in every rendering (Nghị định 30/2020/NĐ-CP thể thức): the two
columns on one line, interleaved, wrapped, in markdown tables, with OCR noise."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import run_text


def meta(text: str) -> dict[str, Any]:
    return run_text(text).document


BODY = (
    "\nI. MỤC ĐÍCH, YÊU CẦU\nNâng cao chất lượng công tác.\n"
    "II. TỔ CHỨC THỰC HIỆN\nCác cơ quan triển khai thực hiện./.\n"
    "\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nLê Văn Hòa\n"
)

LAYOUTS = {
    "wrapped markdown cells": (
        "|\n**ỦY BAN NHÂN\nDÂN **\nTỈNH QUẢNG NGÃI\n-------\n|\n**CỘNG HÒA XÃ\nHỘI CHỦ NGHĨA"
        " VIỆT NAM**\nĐộc lập - Tự do - Hạnh phúc\n---------------\n|\n|\nSố: 88/KH-UBND\n|\n"
        "*Quảng Ngãi, ngày 04\ntháng 6 năm 2025*\n|\n\n**KẾ HOẠCH**\n\n"
    ),
    "columns on one line": (
        "ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "TỈNH QUẢNG NGÃI          Độc lập - Tự do - Hạnh phúc\n"
        "Số: 88/KH-UBND           Quảng Ngãi, ngày 04 tháng 6 năm 2025\n\nKẾ HOẠCH\n"
    ),
    "markdown pipes on one line": (
        "| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "| TỈNH QUẢNG NGÃI | Độc lập - Tự do - Hạnh phúc |\n"
        "| Số: 88/KH-UBND | Quảng Ngãi, ngày 04 tháng 6 năm 2025 |\n\nKẾ HOẠCH\n"
    ),
    "interleaved halves": (
        "ỦY BAN NHÂN DÂN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH QUẢNG NGÃI\n"
        "Độc lập - Tự do - Hạnh phúc\nSố: 88/KH-UBND\nQuảng Ngãi, ngày 04 tháng 6 năm 2025\n"
        "\nKẾ HOẠCH\n"
    ),
    "OCR with lost spaces": (
        "ỦY BAN NHÂN DÂN        CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM\n"
        "TỈNH QUẢNG NGÃI        Độclập-Tựdo-Hạnhphúc\n"
        "Số: 88/KH-UBND         Quảng Ngãi, ngày 04 tháng 6 năm 2025\n\nKẾ HOẠCH\n"
    ),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_header_layouts(layout: str) -> None:
    d = meta(LAYOUTS[layout] + "Phát triển nông nghiệp xanh năm 2025\n" + BODY)
    assert d["issuer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert d["issuer_level"] == "province"
    assert d["doc_number"] == "88/KH-UBND"
    assert (d["place"], d["issue_date"]) == ("Quảng Ngãi", "2025-06-04")
    assert d["title"] == "Phát triển nông nghiệp xanh năm 2025"
    assert (d["period_start"], d["period_end"]) == (2025, 2025)


def test_place_wrapped_and_written_in_full() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\n\t\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\t\n"
        "Số: 15/KH-UBND\n\t\nThành phố Hồ Chí\nMinh, ngày 02 tháng 10 năm 2025\n\nKẾ HOẠCH\n"
        "Chăm sóc người cao tuổi\n" + BODY
    )
    d = meta(text)
    assert d["place"] == "Thành phố Hồ Chí Minh"
    assert d["issuer"] == "Ủy ban nhân dân thành phố Hồ Chí Minh"
    assert d["issuer_level"] == "province"


def test_title_keeps_typographic_quotes() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH PHÚ THỌ\nSố: 9/KH-UBND\nPhú Thọ, ngày 1 tháng 2 năm 2025\n\n"
        "KẾ HOẠCH\nTổ chức “Ngày hội đọc sách” năm 2025\n" + BODY
    )
    assert meta(text)["title"] == "Tổ chức “Ngày hội đọc sách” năm 2025"


def test_open_ended_period_is_no_period() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH PHÚ THỌ\nSố: 9/KH-UBND\nPhú Thọ, ngày 1 tháng 2 năm 2025\n\n"
        "KẾ HOẠCH\nTriển khai thi hành Luật Thủ đô\n\nI. MỤC ĐÍCH\nNội dung.\n"
        "- Thời gian thực hiện: năm 2025 và các năm tiếp theo.\n" + BODY
    )
    d = meta(text)
    assert (d["period_start"], d["period_end"]) == (None, None)
