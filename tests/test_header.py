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
    "OCR with every space lost": (
        "ỦYBANNHÂNDÂN        CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM\n"
        "TỈNHQUẢNGNGÃI        Độclập-Tựdo-Hạnhphúc\n"
        "Số:88/KH-UBND         QuảngNgãi,ngày04tháng6năm2025\n\nKẾHOẠCH\n"
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


def test_respace_keeps_unknown_runs() -> None:
    from kehoach.extract.metadata.layout import respace

    assert respace("SỞTƯPHÁP TỈNHĐẮKLẮK") == "SỞ TƯ PHÁP TỈNH ĐẮK LẮK"
    assert respace("NGUYỄNXYZQW") == "NGUYỄNXYZQW"  # not a run of header syllables
    assert respace("Nguyễn Văn An") == "Nguyễn Văn An"


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


def _doc(left: str, num: str, type_line: str, title: str, body: str, mode: str, signer: str) -> str:
    return (
        f"{left}\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\tĐộc lập - Tự do - Hạnh phúc\n"
        f"Số: {num}\tGia Lai, ngày 4 tháng 5 năm 2025\n\n{type_line}\n{title}\n\n{body}"
        f"\nNơi nhận:\n- Lưu: VT.\n\n{mode}\n{signer}\n\nLê Văn An\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_doc("HỘI ĐỒNG NHÂN DÂN\nTỈNH GIA LAI", "12/NQ-HĐND", "NGHỊ QUYẾT", "Về phát triển du lịch",
              "HỘI ĐỒNG NHÂN DÂN TỈNH GIA LAI\n\nCăn cứ Luật;\n\nQUYẾT NGHỊ:\nĐiều 1. Nội dung.\n",
              "TM. HỘI ĐỒNG NHÂN DÂN", "CHỦ TỊCH"),
         ("Nghị quyết", "12/NQ-HĐND", "Hội đồng nhân dân tỉnh Gia Lai", "province", "TM.")),
        (_doc("ỦY BAN NHÂN DÂN\nTỈNH GIA LAI", "05/CT-UBND", "CHỈ THỊ", "Về tăng cường phòng cháy",
              "Thời gian qua.\n", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
         ("Chỉ thị", "05/CT-UBND", "Ủy ban nhân dân tỉnh Gia Lai", "province", "TM.")),
        (_doc("ỦY BAN NHÂN DÂN\nTỈNH GIA LAI", "77/TB-UBND", "THÔNG BÁO", "Kết luận của Chủ tịch",
              "Ngày 3/5/2025.\n", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"),
         ("Thông báo", "77/TB-UBND", "Ủy ban nhân dân tỉnh Gia Lai", "province", "TL.")),
        (_doc("UBND TỈNH GIA LAI\nSỞ TÀI CHÍNH", "45/TTr-STC", "TỜ TRÌNH", "Về việc phê duyệt dự toán",
              "Kính gửi: UBND tỉnh.\n", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
         ("Tờ trình", "45/TTr-STC", "Sở Tài chính tỉnh Gia Lai", "department", "KT.")),
        (_doc("UBND TỈNH GIA LAI\nSỞ Y TẾ", "101/BC-SYT", "BÁO CÁO", "Kết quả công tác y tế",
              "I. KẾT QUẢ\nNội dung.\n", "GIÁM ĐỐC", ""),
         ("Báo cáo", "101/BC-SYT", "Sở Y tế tỉnh Gia Lai", "department", None)),
        (_doc("BỘ CÔNG AN", "12/KH-BCA", "KẾ HOẠCH", "Triển khai Luật Căn cước", "I. MỤC ĐÍCH\n",
              "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"),
         ("Kế hoạch", "12/KH-BCA", "Bộ Công an", "national", "KT.")),
        (_doc("ỦY BAN NHÂN DÂN\nXÃ IA GRAI", "9/KH-UBND", "KẾ HOẠCH", "Phòng chống dịch",
              "I. MỤC ĐÍCH\n", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
         ("Kế hoạch", "09/KH-UBND", "Ủy ban nhân dân xã Ia Grai", "commune", "TM.")),
        (_doc("TỈNH ỦY GIA LAI", "45-KH/TU", "KẾ HOẠCH", "Thực hiện Nghị quyết", "I. MỤC ĐÍCH\n",
              "T/M BAN THƯỜNG VỤ", "BÍ THƯ"),
         ("Kế hoạch", "45-KH/TU", "Tỉnh ủy Gia Lai", "province", "TM.")),
    ],
)
def test_document_types(text: str, expected: tuple[str, str, str, str, str | None]) -> None:
    d = meta(text)
    assert (d["doc_type"], d["doc_number"], d["issuer"], d["issuer_level"], d["signing_mode"]) \
        == expected
    assert d["place"] == "Gia Lai"


def test_official_letter_subject_is_its_title_and_type_word_beats_code() -> None:
    text = (
        "BỘ TÀI CHÍNH\nCỤC THUẾ\n\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 5348/CT-CS\t"
        "Hà Nội, ngày 04 tháng 6 năm 2025\nV/v hướng dẫn chính sách thuế\ngiá trị gia tăng\n\n"
        "Kính gửi: Công ty TNHH Minh Phát\n\nCục Thuế nhận được văn bản.\n"
    )
    d = meta(text)
    assert d["doc_type"] == "Công văn"  # not "Chỉ thị" from the code CT
    assert d["doc_number"] == "5348/CT-CS"
    # a unit of a ministry is central, not a department of the date line's city
    assert (d["issuer"], d["issuer_level"], d["issuer_parent"]) == (
        "Cục Thuế", "national", "Bộ Tài chính")
    assert d["title"] == "hướng dẫn chính sách thuế giá trị gia tăng"


DEPT_LAYOUTS = {
    "pdf layout with rule": (
        "UBND TỈNH BẮC NINH            CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "   SỞ TƯ PHÁP                      Độc lập - Tự do - Hạnh phúc\n"
        "                                 ______________________\n"
        "Số: 15/KH-STP                    Bắc Ninh, ngày 12 tháng 3 năm 2025\n\n"
        "                  KẾ HOẠCH\n     Phổ biến giáo dục pháp luật năm 2025\n"
    ),
    "site menu before": (
        "TRANG CHỦ | VĂN BẢN | KẾ HOẠCH\nKế hoạch\nTin tức\n\nUBND TỈNH BẮC NINH\nSỞ TƯ PHÁP\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nSố: 15/KH-STP\n"
        "Bắc Ninh, ngày 12 tháng 3 năm 2025\n\nKẾ HOẠCH\nPhổ biến giáo dục pháp luật năm 2025\n"
    ),
    "html breaks in a markdown row": (
        "| UBND TỈNH BẮC NINH<br>SỞ TƯ PHÁP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự"
        " do - Hạnh phúc |\n|---|---|\n| Số: 15/KH-STP | Bắc Ninh, ngày 12 tháng 3 năm 2025 |\n\n"
        "**KẾ HOẠCH**\n\n**Phổ biến giáo dục pháp luật năm 2025**\n"
    ),
    "urgency mark": (
        "UBND TỈNH BẮC NINH\nSỞ TƯ PHÁP\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "\tĐộc lập - Tự do - Hạnh phúc\nSố: 15/KH-STP\tBắc Ninh, ngày 12 tháng 3 năm 2025\n"
        "HỎA TỐC\n\nKẾ HOẠCH\nPhổ biến giáo dục pháp luật năm 2025\n"
    ),
}
DEPT_SIGN = "\nI. MỤC ĐÍCH\nNội dung.\n\nNơi nhận:\n- Lưu: VT.\n\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nLê Văn Hòa\n"


@pytest.mark.parametrize("layout", list(DEPT_LAYOUTS))
def test_department_header_layouts(layout: str) -> None:
    d = meta(DEPT_LAYOUTS[layout] + DEPT_SIGN)
    assert (d["issuer"], d["issuer_level"]) == ("Sở Tư pháp tỉnh Bắc Ninh", "department")
    assert d["issuer_parent"] == "Ủy ban nhân dân tỉnh Bắc Ninh"
    assert (d["doc_type"], d["doc_number"], d["place"]) == ("Kế hoạch", "15/KH-STP", "Bắc Ninh")
    assert d["title"] == "Phổ biến giáo dục pháp luật năm 2025"


def test_wrapped_place_starts_its_line() -> None:
    text = (
        "BỘ TƯ PHÁP\nSố: 12/BTP-PL\nV/v hướng dẫn thi hành Luật Việt Nam\n"
        "Hà Nội, ngày 3 tháng 4 năm 2025\n\nKính gửi: Sở Tư pháp các tỉnh\n\nNội dung.\n"
    )
    d = meta(text)
    assert (d["place"], d["issue_date"], d["doc_type"]) == ("Hà Nội", "2025-04-03", "Công văn")


@pytest.mark.parametrize(
    ("line", "period"),
    [
        ("từ tháng 6/2025 đến tháng 12/2026", (2025, 2026)),
        ("Từ tháng 11 năm 2025 đến hết tháng 12 năm 2026", (2025, 2026)),
        ("từ ngày 01/7/2025 đến ngày 31/12/2025", (2025, 2025)),
        ("Quý III/2025 - Quý I/2026", (2025, 2026)),
        ("năm 2025 và các năm tiếp theo", (None, None)),
    ],
)
def test_period_from_the_time_line(line: str, period: tuple[int | None, int | None]) -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH PHÚ THỌ\nSố: 9/KH-UBND\nPhú Thọ, ngày 1 tháng 2 năm 2025\n\n"
        "KẾ HOẠCH\nTriển khai thi hành Luật Thủ đô\n\nI. MỤC ĐÍCH\nNội dung.\n"
        f"- Thời gian thực hiện: {line}.\n" + BODY
    )
    d = meta(text)
    assert (d["period_start"], d["period_end"]) == period


@pytest.mark.parametrize(("line", "expected"), [
    ("Lào Cai, ngày 15 tháng 7, năm 2025", ("Lào Cai", "2025-07-15", "day")),
    ("TP. Hồ Chí Minh, ngày 05/11/2025", ("TP. Hồ Chí Minh", "2025-11-05", "day")),
    ("Hà Nội, ngay 3 tháng 2 năm 2025", ("Hà Nội", "2025-02-03", "day")),
    ("Đà Nẵng, ngày     tháng 02 năm 2025", ("Đà Nẵng", "2025-02", "month")),
])
def test_date_line_read_by_the_one_date_grammar(line: str, expected: tuple[str, str, str]) -> None:
    """The header's date line is read by kehoach.extract.grammar.dates, so every form it knows works
    here too (the comma before "năm", unaccented "ngay", a blank day)."""
    text = f"ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nSố: 12/KH-UBND\n{line}\n\nKẾ HOẠCH\nThử nghiệm ngày tháng\n"
    doc = run_text(text).document
    assert (doc["place"], doc["issue_date"], doc["date_precision"]) == expected
