"""Document metadata on synthetic plans: header layouts, blank numbers and days, titles,
signature blocks, periods, issuer inference without a header, parents and provinces."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import run_text


def meta(text: str) -> dict[str, Any]:
    return run_text(text).document


BODY = """
I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích
- Nâng cao nhận thức của cán bộ, công chức về cải cách hành chính.

II. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị triển khai thực hiện nghiêm túc Kế hoạch này./.
"""

SIGN_TM_KT = """
Nơi nhận:
- Bộ Nội vụ (để b/c);
- TT. Tỉnh ủy, TT. HĐND tỉnh;
- Các sở, ban, ngành (để t/h);
- Lưu: VT, NC.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
(Đã ký)

Nguyễn Văn Minh
"""


def test_header_interleaved_line_by_line() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH BẮC NINH\n"
        "Độc lập - Tự do - Hạnh phúc\n----------\nSố: 0141/KH-UBND\n"
        "Bắc Ninh, ngày 05 tháng 3 năm 2025\n\nKẾ HOẠCH\n"
        "Tuyên truyền cải cách hành chính năm 2025\n\n"
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;\n" + BODY + SIGN_TM_KT
    )
    d = meta(text)
    assert d["doc_type"] == "Kế hoạch"
    assert (d["doc_number"], d["doc_symbol"]) == ("141/KH-UBND", "KH-UBND")
    assert d["issuer"] == "Ủy ban nhân dân tỉnh Bắc Ninh"
    assert (d["issuer_level"], d["province"], d["province_current"]) == (
        "province", "Bắc Ninh", "Bắc Ninh")
    assert d["issuer_parent"] is None
    assert (d["place"], d["issue_date"], d["date_precision"]) == ("Bắc Ninh", "2025-03-05", "day")
    assert d["title"] == "Tuyên truyền cải cách hành chính năm 2025"
    assert (d["signing_mode"], d["signer_title"], d["signer_name"]) == (
        "KT.", "Phó Chủ tịch", "Nguyễn Văn Minh")
    assert (d["period_start"], d["period_end"]) == (2025, 2025)
    assert d["issuer_source"].startswith("header")
    assert d["confidence"] >= 0.9
    # evidence: source offsets of the number and the issuer column
    assert text[d["number_start"]:d["number_end"]].startswith("Số: 0141/KH-UBND")
    assert text[d["issuer_start"]:d["issuer_end"]].startswith("ỦY BAN NHÂN DÂN")


def test_header_as_markdown_table_department_with_parent() -> None:
    text = (
        "| UBND TỈNH KHÁNH HÒA | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|---|---|\n"
        "| **SỞ Y TẾ** | **Độc lập - Tự do - Hạnh phúc** |\n"
        "| Số: 05/KH-SYT | *Khánh Hòa, ngày 10 tháng 01 năm 2024* |\n\n"
        "**KẾ HOẠCH**\n\n**Phòng, chống dịch bệnh năm 2024**\n" + BODY
        + "\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n\n**Lê Thị Hoa**\n"
    )
    d = meta(text)
    assert d["issuer"] == "Sở Y tế tỉnh Khánh Hòa"
    assert d["issuer_parent"] == "Ủy ban nhân dân tỉnh Khánh Hòa"
    assert (d["issuer_level"], d["province"]) == ("department", "Khánh Hòa")
    assert (d["doc_number"], d["issue_date"], d["place"]) == ("05/KH-SYT", "2024-01-10", "Khánh Hòa")
    assert d["title"] == "Phòng, chống dịch bệnh năm 2024"
    assert (d["signing_mode"], d["signer_title"], d["signer_name"]) == (
        "KT.", "Phó Giám đốc", "Lê Thị Hoa")


def test_header_columns_on_one_line_separated_by_spaces() -> None:
    text = (
        "UBND THÀNH PHỐ ĐÀ NẴNG        CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO        Độc lập - Tự do - Hạnh phúc\n"
        "Số: 812/KH-SGDĐT        Đà Nẵng, ngày 20 tháng 9 năm 2023\n\nKẾ HOẠCH\n"
        "Chuyển đổi số ngành giáo dục năm học 2023 - 2024\n" + BODY
        + "\nGIÁM ĐỐC\n\nPhan Văn B\n"
    )
    d = meta(text)
    assert d["issuer"] == "Sở Giáo dục và Đào tạo thành phố Đà Nẵng"
    assert d["issuer_parent"] == "Ủy ban nhân dân thành phố Đà Nẵng"
    assert d["doc_number"] == "812/KH-SGDĐT"
    assert (d["period_start"], d["period_end"]) == (2023, 2024)
    assert (d["signing_mode"], d["signer_title"]) == (None, "Giám đốc")


def test_blank_number_and_blank_day_header_missing_issuer_from_symbol() -> None:
    text = (
        "Số:       /KH-SNV\n\nĐà Nẵng, ngày     tháng 4 năm 2023\n\nKẾ HOẠCH\n"
        "Cải cách hành chính năm 2023\n" + BODY + "\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\nTrần Văn Cường\n"
    )
    d = meta(text)
    assert (d["doc_number"], d["doc_symbol"]) == (None, "KH-SNV")
    assert (d["issue_date"], d["date_precision"]) == ("2023-04", "month")
    assert d["issuer"] == "Sở Nội vụ thành phố Đà Nẵng"
    assert d["issuer_level"] == "department"
    assert "symbol" in d["issuer_source"] and "header" not in d["issuer_source"]
    assert d["confidence"] <= 0.85


def test_no_header_issuer_from_opening_sentence() -> None:
    text = (
        "KẾ HOẠCH\n\nPhổ biến, giáo dục pháp luật năm 2024\n\n"
        "Thực hiện Kế hoạch số 12/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân tỉnh Lào Cai, "
        "Sở Tư pháp ban hành Kế hoạch phổ biến, giáo dục pháp luật năm 2024 như sau:\n"
        + BODY + "\nGIÁM ĐỐC\n\nHoàng Văn D\n"
    )
    d = meta(text)
    assert d["issuer"] == "Sở Tư pháp tỉnh Lào Cai"
    assert d["province"] == "Lào Cai" and d["province_current"] == "Lào Cai"
    assert (d["doc_number"], d["doc_symbol"], d["place"], d["issue_date"]) == (None, None, None, None)
    assert d["date_precision"] == "none"
    assert d["issuer_source"].startswith("opening")
    assert d["confidence"] <= 0.85


def test_no_header_ubnd_tinh_from_opening_and_signature() -> None:
    text = (
        "KẾ HOẠCH\n\nThông tin, tuyên truyền về chuyển đổi số tỉnh Gia Lai giai đoạn 2026 - 2030\n\n"
        "Triển khai Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ, "
        "UBND tỉnh ban hành Kế hoạch như sau:\n" + BODY + "\nCHỦ TỊCH\n\n\n\nĐỗ Văn E\n"
    )
    d = meta(text)
    assert d["issuer"] == "Ủy ban nhân dân tỉnh Gia Lai"
    assert d["issuer_level"] == "province"
    assert (d["period_start"], d["period_end"]) == (2026, 2030)
    assert (d["signing_mode"], d["signer_title"], d["signer_name"]) == (None, "Chủ tịch", "Đỗ Văn E")


def test_district_plan_parent_and_province_from_text() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nHUYỆN HÒA AN\nSố: 45/KH-UBND\nHòa An, ngày 02 tháng 3 năm 2022\n\n"
        "KẾ HOẠCH\nTuyên truyền cải cách hành chính huyện Hòa An năm 2022\n\n"
        "Thực hiện Kế hoạch số 2439/KH-UBND ngày 14/9/2021 của Ủy ban nhân dân tỉnh Cao Bằng, "
        "Ủy ban nhân dân huyện Hòa An ban hành Kế hoạch như sau:\n" + BODY
        + "\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNông Văn F\n"
    )
    d = meta(text)
    assert d["issuer"] == "Ủy ban nhân dân huyện Hòa An"
    assert (d["issuer_level"], d["province"]) == ("district", "Cao Bằng")
    assert d["issuer_parent"] == "Ủy ban nhân dân tỉnh Cao Bằng"
    assert d["scope"] == "Cao Bằng / Hòa An"
    assert d["district_context"] == "huyện Hòa An"
    assert (d["signing_mode"], d["signer_title"]) == ("TM.", "Chủ tịch")


def test_upper_case_multiline_title_and_horizon_period() -> None:
    text = (
        "Số: 3/KH-UBND\nHà Nội, ngày 7 tháng 1 năm 2025\n\nKẾ HOẠCH\n"
        "THỰC HIỆN CHUYỂN ĐỔI SỐ\nĐẾN NĂM 2030, TẦM NHÌN ĐẾN NĂM 2045\n\n" + BODY
    )
    d = meta(text)
    assert d["title"] == "THỰC HIỆN CHUYỂN ĐỔI SỐ ĐẾN NĂM 2030, TẦM NHÌN ĐẾN NĂM 2045"
    assert (d["period_start"], d["period_end"]) == (None, 2030)
    assert d["doc_number"] == "03/KH-UBND"


def test_period_from_implementation_time_line() -> None:
    text = (
        "KẾ HOẠCH\nTuyên truyền cải cách hành chính\n\n" + BODY
        + "\nIII. THỜI GIAN\nThời gian thực hiện: từ năm 2021 đến năm 2025.\n"
    )
    d = meta(text)
    assert (d["period_start"], d["period_end"]) == (2021, 2025)


def test_decision_issuing_a_plan() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH AN GIANG\nSố: 1234/QĐ-UBND\nAn Giang, ngày 15 tháng 6 năm 2024\n\n"
        "QUYẾT ĐỊNH\nVề việc ban hành Kế hoạch tuyên truyền cải cách hành chính\n"
        "năm 2024 trên địa bàn tỉnh\n\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH AN GIANG\n\n"
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n\n"
        "QUYẾT ĐỊNH:\n\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch tuyên truyền cải cách "
        "hành chính năm 2024 trên địa bàn tỉnh.\n\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký./.\n\n"
        "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nLê Văn G\n\n"
        "KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2024\n(Kèm theo Quyết định số 1234/QĐ-UBND)\n"
        + BODY
    )
    d = meta(text)
    assert d["doc_type"] == "Quyết định"
    assert d["title"] == (
        "Về việc ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2024 trên địa bàn tỉnh")
    assert d["attached"] == "Kế hoạch tuyên truyền cải cách hành chính năm 2024 trên địa bàn tỉnh"
    assert d["issuer"] == "Ủy ban nhân dân tỉnh An Giang"
    assert (d["signing_mode"], d["signer_title"], d["signer_name"]) == (
        "KT.", "Phó Chủ tịch", "Lê Văn G")
    assert (d["period_start"], d["period_end"]) == (2024, 2024)


def test_decision_of_a_department_header_missing() -> None:
    text = (
        "Số: /QĐ-SCT\n\nQuảng Ninh, ngày tháng 02 năm 2023\n\nQUYẾT ĐỊNH\n"
        "Ban hành Kế hoạch kiểm tra năm 2023 của Sở Công Thương\n\n"
        "GIÁM ĐỐC SỞ CÔNG THƯƠNG QUẢNG NINH\n\nCăn cứ Quyết định số 12/QĐ-UBND;\n\n"
        "QUYẾT ĐỊNH:\n\nĐiều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm tra.\n\n"
        "GIÁM ĐỐC\n\nVũ Thị H\n"
    )
    d = meta(text)
    assert d["issuer"] == "Sở Công Thương tỉnh Quảng Ninh"
    assert (d["issue_date"], d["date_precision"]) == ("2023-02", "month")
    assert d["attached"] == "Kế hoạch kiểm tra năm 2023 của Sở Công Thương"
    assert d["issuer_source"].startswith("authority")
    assert d["province_current"] == "Quảng Ninh"


@pytest.mark.parametrize(
    ("block", "mode", "title", "name"),
    [
        ("TL. CHỦ TỊCH\nKT. CHÁNH VĂN PHÒNG\nPHÓ CHÁNH VĂN PHÒNG\n\nLê Văn B", "KT.",
         "Phó Chánh Văn phòng", "Lê Văn B"),
        ("Q. GIÁM ĐỐC\n\n\nTRẦN THỊ CÚC", "Q.", "Giám đốc", "Trần Thị Cúc"),
        ("TUQ. CHỦ TỊCH\nGIÁM ĐỐC SỞ NỘI VỤ\n[đã ký]\nNgô Văn K", "TUQ.", "Giám đốc", "Ngô Văn K"),
        ("**KT. GIÁM ĐỐC**\n**PHÓ GIÁM ĐỐC**\n\n*Đinh Văn L*", "KT.", "Phó Giám đốc", "Đinh Văn L"),
        ("KT. TRƯỞNG BAN\n\nPhạm Văn M", "KT.", "Phó Trưởng ban", "Phạm Văn M"),
        ("T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nHà Văn N", "TM.", "Phó Bí thư", "Hà Văn N"),
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n(Đã ký)", "TM.", "Chủ tịch", None),
    ],
)
def test_signature_blocks(block: str, mode: str, title: str, name: str | None) -> None:
    d = meta("KẾ HOẠCH\nCải cách hành chính năm 2024\n" + BODY + "\n" + block + "\n")
    assert (d["signing_mode"], d["signer_title"], d["signer_name"]) == (mode, title, name)


def test_signature_interleaved_with_recipients() -> None:
    text = (
        "KẾ HOẠCH\nCải cách hành chính năm 2024\n" + BODY
        + "\nNơi nhận:\tKT. CHỦ TỊCH\n- Như trên;\tPHÓ CHỦ TỊCH\n- UBND thành phố (để b/c);\n"
        "- Lưu: VT.\t\n\t(Đã ký)\n\tNguyễn Văn A\n"
    )
    ctx = run_text(text)
    d = ctx.document
    assert (d["signing_mode"], d["signer_title"], d["signer_name"]) == (
        "KT.", "Phó Chủ tịch", "Nguyễn Văn A")
    rows = ctx.tables["recipients"]
    assert [(r["recipient"], r["purpose"], r["kind"]) for r in rows] == [
        ("Như trên", None, "recipient"),
        ("UBND thành phố", "để b/c", "recipient"),
        ("Lưu: VT", None, "archive"),
    ]
    assert d["n_recipients"] == 3
    assert text[rows[1]["start"]:rows[1]["end"]] == "- UBND thành phố (để b/c);"


def test_recipients_after_signature_with_purposes() -> None:
    ctx = run_text("KẾ HOẠCH\nCải cách hành chính năm 2024\n" + BODY + SIGN_TM_KT)
    rows = ctx.tables["recipients"]
    assert [(r["recipient"], r["purpose"]) for r in rows] == [
        ("Bộ Nội vụ", "để b/c"),
        ("TT. Tỉnh ủy, TT. HĐND tỉnh", None),
        ("Các sở, ban, ngành", "để t/h"),
        ("Lưu: VT, NC", None),
    ]


def test_party_committee_plan() -> None:
    text = (
        "TỈNH ỦY NGHỆ AN\n*\nSố 45-KH/TU\nNghệ An, ngày 3 tháng 5 năm 2023\n\n"
        "ĐẢNG CỘNG SẢN VIỆT NAM\n\nKẾ HOẠCH\nThực hiện Nghị quyết số 18-NQ/TW\n" + BODY
        + "\nT/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nHà Văn N\n"
    )
    d = meta(text)
    assert (d["doc_number"], d["doc_symbol"]) == ("45-KH/TU", "KH/TU")
    assert d["issuer"] == "Tỉnh ủy Nghệ An"
    assert d["issuer_level"] == "province"


def test_province_current_after_merger() -> None:
    text = (
        "UBND TỈNH BÀ RỊA - VŨNG TÀU\nSỞ DU LỊCH\nSố: 17/KH-SDL\n"
        "Bà Rịa - Vũng Tàu, ngày 9 tháng 8 năm 2022\n\nKẾ HOẠCH\nPhát triển du lịch năm 2022\n"
        + BODY
    )
    d = meta(text)
    assert d["issuer"] == "Sở Du lịch tỉnh Bà Rịa - Vũng Tàu"
    assert (d["province"], d["province_current"]) == ("Bà Rịa - Vũng Tàu", "Hồ Chí Minh")
    assert d["place"] == "Bà Rịa - Vũng Tàu"


def test_place_with_city_prefix_and_date_with_slashes() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\nSố: 88/KH-UBND\nTP. Hồ Chí Minh, ngày 04/02/2024\n\n"
        "KẾ HOẠCH\nCải cách hành chính năm 2024\n" + BODY
    )
    d = meta(text)
    assert (d["place"], d["issue_date"]) == ("TP. Hồ Chí Minh", "2024-02-04")
    assert d["issuer"] == "Ủy ban nhân dân thành phố Hồ Chí Minh"
    assert (d["issuer_level"], d["province"]) == ("province", "Hồ Chí Minh")


def test_title_naming_another_body_is_not_the_issuer() -> None:
    text = (
        "UBND TỈNH NAM ĐỊNH\nSỞ NỘI VỤ\nSố: 20/KH-SNV\nNam Định, ngày 1 tháng 3 năm 2023\n\n"
        "KẾ HOẠCH\nKiểm tra công tác cải cách hành chính tại Sở Y tế năm 2023\n" + BODY
    )
    d = meta(text)
    assert d["issuer"] == "Sở Nội vụ tỉnh Nam Định"
    assert d["confidence"] >= 0.9


def test_locality_follows_the_issuer() -> None:
    """The instrument resolver reads ctx.locality: a department plan that names
    another province more often still resolves 'UBND tỉnh' to its own."""
    text = (
        "UBND TỈNH PHÚ THỌ\nSỞ XÂY DỰNG\nSố: 9/KH-SXD\nPhú Thọ, ngày 2 tháng 2 năm 2024\n\n"
        "KẾ HOẠCH\nHọc tập kinh nghiệm tại tỉnh Vĩnh Phúc năm 2024\n\n"
        "Thực hiện Kế hoạch số 30/KH-UBND ngày 10/01/2024 của UBND tỉnh; đoàn công tác làm việc "
        "với tỉnh Vĩnh Phúc, tỉnh Vĩnh Phúc và tỉnh Vĩnh Phúc.\n" + BODY
    )
    ctx = run_text(text)
    assert ctx.locality.province == "Phú Thọ"
    assert ctx.document["province_context"] == "Phú Thọ"
    cited = {r["instrument_id"]: r for r in ctx.tables["citations"]}
    assert cited["30/KH-UBND"]["scope"] == "Phú Thọ"


def test_party_organ_under_provincial_party_branch() -> None:
    text = (
        "ĐẢNG BỘ TỈNH QUẢNG NAM\nBAN TUYÊN GIÁO\n*\nSố 12-KH/BTGTU\n"
        "Quảng Nam, ngày 3 tháng 5 năm 2023\n\nKẾ HOẠCH\nTuyên truyền kỷ niệm năm 2023\n" + BODY
        + "\nK/T TRƯỞNG BAN\nPHÓ TRƯỞNG BAN\n\nHà Văn N\n"
    )
    d = meta(text)
    assert d["issuer"] == "Ban Tuyên giáo Tỉnh ủy Quảng Nam"
    assert d["issuer_parent"] == "Tỉnh ủy Quảng Nam"
    assert (d["signing_mode"], d["signer_title"]) == ("KT.", "Phó Trưởng ban")


def test_district_office_under_district_ubnd() -> None:
    text = (
        "UBND HUYỆN ĐÔNG ANH\nPHÒNG TÀI CHÍNH - KẾ HOẠCH\nSố: 3/KH-TCKH\n"
        "Đông Anh, ngày 3 tháng 5 năm 2023\n\nKẾ HOẠCH\nKiểm tra tài chính năm 2023 trên địa bàn "
        "thành phố Hà Nội\n" + BODY + "\nTRƯỞNG PHÒNG\n\nHà Văn N\n"
    )
    d = meta(text)
    assert d["issuer"] == "Phòng Tài chính - Kế hoạch huyện Đông Anh"
    assert (d["issuer_level"], d["province"]) == ("district", "Hà Nội")
    assert d["issuer_parent"] == "Ủy ban nhân dân huyện Đông Anh"


def test_ministry_plan_is_national() -> None:
    text = (
        "BỘ NỘI VỤ\nSố: 300/KH-BNV\nHà Nội, ngày 3 tháng 5 năm 2023\n\nKẾ HOẠCH\n"
        "Tuyên truyền cải cách hành chính nhà nước năm 2023\n" + BODY
        + "\nKT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\n\nVũ Đăng M\n"
    )
    d = meta(text)
    assert (d["issuer"], d["issuer_level"], d["province"]) == ("Bộ Nội vụ", "national", None)
    assert (d["signing_mode"], d["signer_title"]) == ("KT.", "Thứ trưởng")
    assert d["scope"] is None


def test_locality_fallback_reads_upper_case_headers() -> None:
    from kehoach.extract.metadata.locality import detect

    text = "UBND TỈNH BÀ RỊA - VŨNG TÀU\nSỞ Y TẾ\n\nKẾ HOẠCH\nHọc tập tại tỉnh Bắc Kạn\n"
    assert detect(text).province == "Bà Rịa - Vũng Tàu"


def test_period_not_taken_from_a_cited_program_in_the_opening() -> None:
    text = (
        "KẾ HOẠCH\nTuyên truyền cải cách hành chính\n\n"
        "Triển khai Nghị quyết số 76/NQ-CP ban hành Chương trình tổng thể cải cách hành chính "
        "nhà nước giai đoạn 2021-2030, Sở Nội vụ ban hành Kế hoạch tuyên truyền năm 2023 như sau:\n"
        + BODY + "\nTrên đây là Kế hoạch tuyên truyền năm 2023 của Sở Nội vụ.\n"
    )
    d = meta(text)
    assert (d["period_start"], d["period_end"]) == (2023, 2023)
    d = meta(text.replace("tuyên truyền năm 2023", "tuyên truyền"))
    assert (d["period_start"], d["period_end"]) == (None, None)


def test_period_from_closing_sentence() -> None:
    text = (
        "KẾ HOẠCH\nThông tin cơ sở\n\n" + BODY
        + "\nTrên đây là Kế hoạch thông tin cơ sở giai đoạn 2021 - 2025 của tỉnh.\n"
    )
    assert (meta(text)["period_start"], meta(text)["period_end"]) == (2021, 2025)


def test_title_stops_before_a_body_paragraph_without_blank_line() -> None:
    text = (
        "KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2024\n"
        "Ủy ban nhân dân huyện ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2024 trên "
        "địa bàn huyện với các nội dung cụ thể như sau:\n" + BODY
    )
    assert meta(text)["title"] == "Tuyên truyền cải cách hành chính năm 2024"


def test_pdf_layout_columns_by_spaces_title_starting_with_thuc_hien() -> None:
    text = (
        "      ỦY BAN NHÂN DÂN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "     TỈNH QUẢNG NGÃI                              Độc lập - Tự do - Hạnh phúc\n\n"
        "     Số: 123 /KH-UBND                         Quảng Ngãi, ngày 12 tháng 5 năm 2023\n\n"
        "                                        KẾ HOẠCH\n"
        "                  Thực hiện Chương trình chuyển đổi số tỉnh Quảng Ngãi\n"
        "                                   năm 2023\n\n"
        "       Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;\n"
        "I. MỤC ĐÍCH\nCác cơ quan thực hiện./.\n\n"
        "Nơi nhận:                                                      TM. ỦY BAN NHÂN DÂN\n"
        "- Bộ Nội vụ;                                                   KT. CHỦ TỊCH\n"
        "- TT Tỉnh ủy;                                                  PHÓ CHỦ TỊCH\n"
        "- Lưu: VT.\n\n                                                               Đặng Văn Minh\n"
    )
    ctx = run_text(text)
    d = ctx.document
    assert d["title"] == "Thực hiện Chương trình chuyển đổi số tỉnh Quảng Ngãi năm 2023"
    assert (d["doc_number"], d["place"], d["issue_date"]) == ("123/KH-UBND", "Quảng Ngãi",
                                                              "2023-05-12")
    assert d["issuer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert (d["signing_mode"], d["signer_title"], d["signer_name"]) == (
        "KT.", "Phó Chủ tịch", "Đặng Văn Minh")
    assert [r["recipient"] for r in ctx.tables["recipients"]] == ["Bộ Nội vụ", "TT Tỉnh ủy", "Lưu: VT"]


def test_opening_clause_about_another_numbered_plan_is_not_the_issuer() -> None:
    text = (
        "KẾ HOẠCH\nPhát triển du lịch năm 2022\n\n"
        "Ngày 23/02/2022, Ủy ban nhân dân thành phố Hải Phòng ban hành Kế hoạch số 38/KH-UBND về "
        "cải cách hành chính; Sở Du lịch xây dựng Kế hoạch phát triển du lịch năm 2022 như sau:\n"
        + BODY
    )
    d = meta(text)
    assert d["issuer"] == "Sở Du lịch thành phố Hải Phòng"


@pytest.mark.parametrize(
    ("title", "period"),
    [
        ("Thực hiện Chương trình tổng thể cải cách hành chính giai đoạn 2021-2030 năm 2022",
         (2022, 2022)),
        ("Cải cách hành chính giai đoạn 2021 - 2025, định hướng đến năm 2030", (2021, 2025)),
        ("Phát triển nguồn nhân lực đến năm 2025 và tầm nhìn đến năm 2030", (None, 2025)),
        ("Chuyển đổi số giai đoạn 2026-2030", (2026, 2030)),
        ("Triển khai Quyết định số 1216/QĐ-BTTTT ngày 13/8/2021", (None, None)),
    ],
)
def test_period_is_the_plans_own(title: str, period: tuple[int | None, int | None]) -> None:
    d = meta("KẾ HOẠCH\n" + title + "\n" + BODY)
    assert (d["period_start"], d["period_end"]) == period


def test_date_line_above_the_signature_when_the_header_has_none() -> None:
    text = (
        "KẾ HOẠCH\nCải cách hành chính năm 2024\n" + BODY
        + "\n                      Hà Nội, ngày 05 tháng 6 năm 2024\n"
        "                      TM. ỦY BAN NHÂN DÂN\n                      CHỦ TỊCH\n\n"
        "                      Trần Sỹ Thanh\n"
    )
    d = meta(text)
    assert (d["place"], d["issue_date"], d["date_precision"]) == ("Hà Nội", "2024-06-05", "day")
    assert d["signer_name"] == "Trần Sỹ Thanh"


def test_type_from_symbol_when_the_type_line_is_missing() -> None:
    text = "Số: 7/KH-UBND\nLong An, ngày 2 tháng 1 năm 2024\n\nCải cách hành chính năm 2024\n" + BODY
    d = meta(text)
    assert (d["doc_type"], d["doc_number"], d["title"]) == ("Kế hoạch", "07/KH-UBND", None)
    assert d["issuer"] == "Ủy ban nhân dân tỉnh Long An"


@pytest.mark.parametrize("text", ["", "abc", "KẾ HOẠCH", "Số: /", "TM. \nKT.\n", "Nơi nhận:",
                                  "DỰ THẢO\nKẾ HOẠCH\nabc"])
def test_degenerate_texts_give_no_invented_issuer(text: str) -> None:
    d = meta(text)
    assert d["issuer"] is None and d["confidence"] == 0.0


PERIOD_HEAD = "ỦY BAN NHÂN DÂN\nTỈNH PHÚ THỌ\nSố: 41/KH-UBND\nPhú Thọ, ngày 3 tháng 11 năm 2025\n\nKẾ HOẠCH\n"


@pytest.mark.parametrize(
    ("title", "time", "period"),
    [
        # "from now" starts in the issue year; a title giving only the end keeps its end
        ("Triển khai Đề án phòng, chống thiên tai đến năm 2030", "1. Thời gian: từ nay đến năm 2030.",
         (2025, 2030)),
        # a heading, the statement in the paragraph after it; until an event: no end year
        ("Đợt thi đua chào mừng Đại hội", "**1. Thời gian thực hiện**\n\nĐợt thi đua được triển "
         "khai từ ngày ban\nhành Kế hoạch đến khi Đại hội thành công.\n\n**2. Trách nhiệm**",
         (2025, None)),
        # the term of an elected body in the title yields to the time statement, whose
        # activity dates (wrapped, after a heading) give earliest and latest year
        ("Phát động thi đua bầu cử đại biểu Hội đồng nhân dân nhiệm kỳ 2026 - 2031",
         "**3. Thời\ngian tổ chức phong trào**: được triển khai từ tháng 10 năm 2025 đến hết\n"
         "tháng 3 năm 2026. Tổng kết vào tháng 4 năm 2026.", (2025, 2026)),
        ("Thi đua chi trả không dùng tiền mặt", "2. Thời gian thi đua\n\na) Chia thành 02 đợt:\n\n"
         "- Đợt 1 (từ ngày 20 tháng 11 năm 2025 đến ngày 03 tháng 12 năm 2025);\n\n"
         "- Đợt 2 trước ngày 25/12/2025.\n\n3. Hình thức", (2025, 2025)),
        # the plan's own term still counts when nothing else states the period
        ("Thực hiện Nghị quyết Đại hội Đảng bộ tỉnh nhiệm kỳ 2025 - 2030", "1. Nội dung.", (2025, 2030)),
        # a dated instrument in the statement is not an activity
        ("Thi đua", "Thời gian thực hiện: theo Kế hoạch số 12/KH-UBND ngày 05/01/2024 của tỉnh.",
         (None, None)),
    ],
)
def test_period_from_the_time_statement(title: str, time: str,
                                        period: tuple[int | None, int | None]) -> None:
    d = meta(PERIOD_HEAD + title + "\n\nI. MỤC ĐÍCH\nNội dung.\n\nII. THỜI GIAN\n" + time + "\n" + BODY)
    assert (d["period_start"], d["period_end"]) == period


def test_a_time_column_header_states_no_period() -> None:
    # web text renders each cell on its own line between pipes
    table = ("|\n**TT**\n|\n**Nhiệm vụ**\n|\n**Thời gian thực hiện**\n|\n|\n1\n|\n"
             "Khảo sát hạ tầng\n|\nQuý III Năm 2026\n|\n")
    d = meta(PERIOD_HEAD + "Phát triển hạ tầng số đến năm 2030\n\nI. NHIỆM VỤ\n" + table + BODY)
    assert (d["period_start"], d["period_end"]) == (None, 2030)
