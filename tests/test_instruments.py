"""The instrument extractor on the forms and messes real plans contain."""

from __future__ import annotations

import pytest
from helpers import by_id, citations

# A Bắc Ninh provincial plan opening: gives the locality that "tỉnh" refers to.
BACNINH = "KẾ HOẠCH\nTuyên truyền cải cách hành chính tỉnh Bắc Ninh năm 2024\n\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nghị định số 61/2018/NĐ-CP", "61/2018/NĐ-CP"),
        ("Quyết định số 07/2018/QĐ-UBND", "07/2018/QĐ-UBND"),
        ("Luật Tổ chức chính quyền địa phương số 80/2015/QH13", "80/2015/QH13"),
        ("Nghị quyết số 55/2022/QH15", "55/2022/QH15"),
        ("Nghị quyết số 1023/2020/UBTVQH14", "1023/2020/UBTVQH14"),
        ("Thông tư liên tịch số 02/2019/TTLT-BTC-BNV", "02/2019/TTLT-BTC-BNV"),
        ("Nghị quyết số 76/NQ-CP", "76/NQ-CP"),
        ("Chỉ thị số 23/CT-TTg", "23/CT-TTg"),
        ("Quyết định số 1216/QĐ-BTTTT", "1216/QĐ-BTTTT"),
        ("Chương trình số 12823/CTr-UBND", "12823/CTr-UBND"),
        ("Công văn số 1234/UBND-KGVX", "1234/UBND-KGVX"),
        ("Nghị quyết số 18-NQ/TW", "18-NQ/TW"),
        ("Kết luận số 91-KL/TU", "91-KL/TU"),
        ("Chương trình số 30-CTr/TU", "30-CTr/TU"),
        ("Quy chế phối hợp số 05-QC/BTCTU-BDVTU", "05-QC/BTCTU-BDVTU"),
        # messes
        ("Nghị quyết số 71/NQ -CP", "71/NQ-CP"),
        ("Kết luận số 132- KL/TW", "132-KL/TW"),
        ("Nghị quyết số 27/NQ- TW", "27-NQ/TW"),
        ("Nghị quyết 76/NQCP", "76/NQ-CP"),
        ("Quyết định số 468/QĐ-TTG", "468/QĐ-TTg"),
        ("Chương trình hành động số 30-Ctr/TU", "30-CTr/TU"),
        ("Nghi dinh so 61/2018/ND-CP", "61/2018/NĐ-CP"),
        ("Quyết định số 0125/QD-UBND", "125/QĐ-UBND"),
        ("Chỉ thị số 007/CT-TTg", "07/CT-TTg"),
        ("Quyết định số 5/QĐ-UBND", "05/QĐ-UBND"),
        ("Nghị định 45/2020/NĐ–CP", "45/2020/NĐ-CP"),
        ("Nghị quyết 09—NQ/TW", "09-NQ/TW"),
        ("Thông tư số -1/2018/TT-VPCP", "01/2018/TT-VPCP"),
        ("Quyết định số 1216/QÐ-BTTTT", "1216/QĐ-BTTTT"),  # U+00D0 for Đ
    ],
)
def test_canonical_id(text: str, expected: str) -> None:
    assert list(by_id(f"Thực hiện {text} về cải cách hành chính.")) == [expected]


def test_type_year_date_issuer_of_full_citation() -> None:
    row = by_id("Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về một cửa;")[
        "61/2018/NĐ-CP"
    ]
    assert (row["type"], row["year"], row["date"], row["issuer"], row["scope"]) == (
        "Nghị định", 2018, "2018-04-23", "Chính phủ", None,
    )
    assert row["mention"] == "Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ"


@pytest.mark.parametrize(
    ("date_text", "iso"),
    [("ngày 15/7/2021", "2021-07-15"), ("ngày 30 tháng 4 năm 2025", "2025-04-30"),
     ("ngày 15-7-2021", "2021-07-15"), (", ngày 02.10.2018", "2018-10-02")],
)
def test_date_forms(date_text: str, iso: str) -> None:
    row = by_id(f"Theo Nghị quyết số 76/NQ-CP {date_text} của Chính phủ.")["76/NQ-CP"]
    assert row["date"] == iso
    assert row["year"] == int(iso[:4])


def test_year_from_number_wins_and_from_date_otherwise() -> None:
    rows = by_id("Theo Chỉ thị số 23/CT-TTg ngày 02/9/2021 và Nghị định số 45/2020/NĐ-CP.")
    assert rows["23/CT-TTg"]["year"] == 2021
    assert rows["45/2020/NĐ-CP"]["year"] == 2020
    assert rows["45/2020/NĐ-CP"]["date"] is None


def test_issuer_locality_resolved_from_plan() -> None:
    rows = by_id(
        BACNINH
        + "Thực hiện Kế hoạch số 24/KH-UBND ngày 01/3/2024 của UBND tỉnh; Chỉ thị số 10-CT/TU "
        "ngày 30/8/2021 của Ban Thường vụ Tỉnh ủy; Quyết định số 12/QĐ-UBND ngày 04/3/2021.\n"
        "I. MỤC ĐÍCH\n"
    )
    assert rows["24/KH-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Bắc Ninh"
    assert rows["24/KH-UBND"]["scope"] == "Bắc Ninh"
    assert rows["10-CT/TU"]["issuer"] == "Ban Thường vụ Tỉnh ủy Bắc Ninh"
    # no issuer phrase: from the code UBND and the plan's province
    assert rows["12/QĐ-UBND"]["issuer"] == "Ủy ban nhân dân tỉnh Bắc Ninh"
    assert all(r["basis"] for r in rows.values())


def test_district_issuer_and_scope() -> None:
    text = (
        "KẾ HOẠCH\nTuyên truyền cải cách hành chính thị xã Duyên Hải năm 2022\n"
        "Ủy ban nhân dân thị xã Duyên Hải xây dựng kế hoạch như sau. Căn cứ Quyết định số "
        "1194/QĐ-UBND ngày 30/6/2017 của Ủy ban nhân dân tỉnh Trà Vinh.\nI. MỤC ĐÍCH\n"
        "- Thực hiện Kế hoạch số 84/KH-UBND ngày 07/7/2021 của Ủy ban nhân dân thị xã.\n"
    )
    rows = by_id(text)
    assert rows["84/KH-UBND"]["issuer"] == "Ủy ban nhân dân thị xã Duyên Hải"
    assert rows["84/KH-UBND"]["scope"] == "Trà Vinh / Duyên Hải"
    assert rows["84/KH-UBND"]["basis"] is False
    assert rows["1194/QĐ-UBND"]["scope"] == "Trà Vinh"


def test_list_shares_type_word_and_date() -> None:
    rows = by_id("Quán triệt Nghị quyết số 18-NQ/TW, 19-NQ/TW ngày 25/10/2017 của Ban Chấp hành "
                 "Trung ương Đảng khóa XII.")
    assert set(rows) == {"18-NQ/TW", "19-NQ/TW"}
    for row in rows.values():
        assert (row["type"], row["date"], row["issuer"]) == (
            "Nghị quyết", "2017-10-25", "Ban Chấp hành Trung ương"
        )


def test_list_shares_issuer_but_not_across_codes() -> None:
    rows = by_id("Nghị định số 107/2020/NĐ-CP và Nghị định số 108/2020/NĐ-CP của Chính phủ; "
                 "Nghị quyết số 39-NQ/TW và kết luận số 17-KL/TW của Bộ Chính trị; "
                 "Chỉ thị số 23/CT-TTg, văn bản số 567/BNV-CCHC của Bộ Nội vụ.")
    assert rows["107/2020/NĐ-CP"]["issuer"] == "Chính phủ"
    assert rows["107/2020/NĐ-CP"]["date"] is None  # each item has its own type word
    assert rows["39-NQ/TW"]["issuer"] == "Bộ Chính trị"
    assert rows["17-KL/TW"]["type"] == "Kết luận"
    assert rows["23/CT-TTg"]["issuer"] == "Thủ tướng Chính phủ"
    assert rows["567/BNV-CCHC"]["type"] == "Công văn"


def test_short_form_inherits_full_citation() -> None:
    rows = citations(
        "Căn cứ Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ.\nI. NỘI DUNG\n"
        "- Tuyên truyền Nghị định 61/2018/NĐ-CP về một cửa.\n"
    )
    assert [r["short_form"] for r in rows] == [False, True]
    assert rows[1]["date"] == "2018-04-23"
    assert rows[1]["issuer"] == "Chính phủ"
    assert rows[1]["date_cited"] is None
    assert rows[1]["in_basis"] is False and rows[1]["basis"] is True
    assert rows[0]["instrument_key"] == rows[1]["instrument_key"] == "61/2018/NĐ-CP|2018|"


def test_type_inferred_from_code_when_only_the_number_is_given() -> None:
    rows = by_id("các văn bản 76/NQ-CP, 23/CT-TTg, 18-NQ/TW, 1234/UBND-KGVX đã ban hành")
    assert {k: r["type"] for k, r in rows.items()} == {
        "76/NQ-CP": "Nghị quyết", "23/CT-TTg": "Chỉ thị", "18-NQ/TW": "Nghị quyết",
        "1234/UBND-KGVX": "Công văn",
    }


def test_named_instruments() -> None:
    rows = [r for r in citations(
        "Thực hiện Luật Việc làm, Hiến pháp năm 2013, Nghị quyết Hội nghị lần thứ 6 Ban Chấp "
        "hành Trung ương Đảng khóa XII và hệ thống quản lý chất lượng theo tiêu chuẩn "
        "TCVN ISO 9001:2008; 9001:2015. Tuyên truyền pháp luật về lao động."
    ) if not r["instrument_id"]]
    assert [(r["type"], r["name"]) for r in rows] == [
        ("Luật", "Luật Việc làm"),
        ("Hiến pháp", "Hiến pháp"),  # GUIDELINE: the year is kept in the mention only
        ("Nghị quyết", "Nghị quyết Hội nghị lần thứ 6 Ban Chấp hành Trung ương Đảng khóa XII"),
        ("Tiêu chuẩn", "TCVN ISO 9001:2015"),
    ]
    assert all(r["instrument_key"].startswith("name:") for r in rows)


def test_numbered_law_is_not_also_a_named_instrument() -> None:
    rows = citations("Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19/6/2015;")
    assert [(r["instrument_id"], r["type"]) for r in rows] == [("77/2015/QH13", "Luật")]


def test_never_counted() -> None:
    text = (
        "Số: 24/KH-UBND\nBắc Ninh, ngày 15 tháng 7 năm 2021\nKẾ HOẠCH\nTuyên truyền năm 2021\n"
        "Kế hoạch này thực hiện từ 15/7/2021 đến 31/12/2021, giai đoạn 2021-2025/2030. "
        "Liên hệ 0222.3822.123 hoặc (0225) 3842 345; https://dichvucong.gov.vn/p/12/QD-UBND.html; "
        "kinh phí 50.000.000 đồng, 200.000 đồng/người/ngày; tỷ lệ 95%/năm. "
        "Kế hoạch số 24/KH-UBND được triển khai đến các xã.\n"
    )
    assert citations(text) == []


def test_citation_split_over_lines() -> None:
    text = "Thực hiện Kế hoạch số\n24/KH-UBND ngày 01/3/2022 và Nghị định số 107/2020/NĐ-\nCP của Chính phủ."
    rows = by_id(text)
    assert set(rows) == {"24/KH-UBND", "107/2020/NĐ-CP"}
    row = rows["107/2020/NĐ-CP"]
    assert text[row["start"] : row["end"]] == "Nghị định số 107/2020/NĐ-\nCP của Chính phủ"


def test_offsets_point_into_the_source_through_markdown() -> None:
    text = "## **KẾ HOẠCH**\n\nThực hiện **Nghị quyết số 76/NQ-CP** ngày 15/7/2021 của *Chính phủ*."
    (row,) = citations(text)
    assert text[row["start"] : row["end"]] == "Nghị quyết số 76/NQ-CP** ngày 15/7/2021 của *Chính phủ"
    assert row["issuer"] == "Chính phủ"
    assert "Thực hiện" in row["sentence"] and "**" not in row["sentence"]


def test_sentence_is_the_one_holding_the_mention() -> None:
    (row,) = citations(
        "Năm 2022 tập trung tuyên truyền. Nội dung theo Nghị quyết số 76/NQ-CP của Chính phủ. "
        "Kinh phí do ngân sách bảo đảm."
    )
    assert row["sentence"] == "Nội dung theo Nghị quyết số 76/NQ-CP của Chính phủ."


@pytest.mark.parametrize(
    ("text", "iid", "typ"),
    [
        ("Căn cứ Nghị đinh số 61/2018/NĐ-CP ngày 23/4/2018", "61/2018/NĐ-CP", "Nghị định"),
        ("Căn cứ Quyêt định số 12/QĐ-UBND ngày 04/3/2021", "12/QĐ-UBND", "Quyết định"),
        ("Thực hiện Kê hoạch sô 38/KH-UBND ngày 23/02/2022", "38/KH-UBND", "Kế hoạch"),
        ("theo đúng Chương trinh hành đông số 30-CTr/TU", "30-CTr/TU", "Chương trình hành động"),
    ],
)
def test_ocr_noise_in_type_words(text: str, iid: str, typ: str) -> None:
    row = by_id(text)[iid]
    assert row["type"] == typ
    assert text.endswith(row["mention"])
    assert row["mention"].split()[0] == text.split()[2]  # starts at the noisy type word


def test_fuzzy_type_words_do_not_fire_on_clean_words() -> None:
    """Words near a type word ("Nghị sĩ", "quyết tâm") are not type words."""
    rows = by_id("Các đồng chí quyết tâm số 12/QĐ-UBND; kết quả số 15/BC-UBND; nghị sự số 03/KH-UBND.")
    assert {k: r["type"] for k, r in rows.items()} == {
        "12/QĐ-UBND": "Quyết định", "15/BC-UBND": "Báo cáo", "03/KH-UBND": "Kế hoạch",
    }
    assert all(not r["mention"][0].isalpha() for r in rows.values())


def test_year_written_after_the_number() -> None:
    rows = by_id("Thực hiện Nghị quyết 01/NQ-CP năm 2023 của Chính phủ và Nghị quyết 02/NQ-CP.")
    assert rows["01/NQ-CP"]["year"] == 2023
    assert rows["01/NQ-CP"]["instrument_key"] == "01/NQ-CP|2023|"
    assert rows["02/NQ-CP"]["year"] is None


def test_unknown_type_code_accepted_after_a_named_type_word() -> None:
    rows = by_id("Căn cứ Văn bản hợp nhất số 12/VBHN-VPQH ngày 10/12/2018 của Văn phòng Quốc hội; "
                 "Mẫu số 01/TTHC kèm theo.")
    assert list(rows) == ["12/VBHN-VPQH"]
    assert rows["12/VBHN-VPQH"]["type"] == "Văn bản hợp nhất"


def test_provincial_city_is_a_district_unit() -> None:
    rows = by_id(BACNINH + "Thực hiện Kế hoạch số 15/KH-UBND ngày 02/3/2024 của UBND thành phố Bắc Ninh "
                 "và Kế hoạch số 16/KH-UBND ngày 01/3/2024 của UBND tỉnh Bắc Ninh.\nI. MỤC ĐÍCH\n")
    assert rows["15/KH-UBND"]["issuer"] == "Ủy ban nhân dân thành phố Bắc Ninh"
    assert rows["15/KH-UBND"]["scope"] == "Bắc Ninh / Bắc Ninh"
    assert rows["16/KH-UBND"]["scope"] == "Bắc Ninh"


def test_joint_documents_name_every_issuer() -> None:
    rows = by_id(BACNINH + "Thực hiện Thông tư liên tịch số 09/2014/TTLT-BTP-BTC và Quy chế số "
                 "05-QC/BTCTU-BDVTU; Công văn số 125/STP-PBGDPL.\nI. MỤC ĐÍCH\n")
    assert rows["09/2014/TTLT-BTP-BTC"]["issuer"] == "Bộ Tư pháp - Bộ Tài chính"
    assert rows["05-QC/BTCTU-BDVTU"]["issuer"] == (
        "Ban Tổ chức Tỉnh ủy Bắc Ninh - Ban Dân vận Tỉnh ủy Bắc Ninh"
    )
    assert rows["05-QC/BTCTU-BDVTU"]["scope"] == "Bắc Ninh"
    # an official letter's second code is the drafting unit, not a second issuer
    assert rows["125/STP-PBGDPL"]["issuer"] == "Sở Tư pháp tỉnh Bắc Ninh"


def test_named_law_inside_a_numbered_citation_is_not_listed_twice() -> None:
    rows = citations(
        "Căn cứ Luật Phổ biến, giáo dục pháp luật số 14/2012/QH13 ngày 20/6/2012; Nghị định số "
        "28/2013/NĐ-CP quy định chi tiết Luật Phổ biến, giáo dục pháp luật; tuyên truyền Luật "
        "Hôn nhân và gia đình năm 2014."
    )
    assert [(r["instrument_id"] or r["name"]) for r in rows] == [
        "14/2012/QH13", "28/2013/NĐ-CP", "Luật Hôn nhân và gia đình",
    ]


def test_party_plan_basis_bullets_and_semicolon_lists() -> None:
    rows = by_id(
        "KẾ HOẠCH\nthực hiện Chỉ thị năm 2019\n"
        "- Căn cứ Chỉ thị số 05-CT/TW, ngày 15/5/2016 của Bộ Chính trị;\n"
        "- Căn cứ Kế hoạch số 12-KH/TU ngày 20/3/2019 của Thành ủy Hà Nội;\n"
        "I. MỤC ĐÍCH\n1. Quán triệt Quy định số 101-QĐ/TW ngày 07/6/2012 của Ban Bí thư và Quy định "
        "số 47-QĐ/TW; Hướng dẫn số 03-HD/BTGTW của Ban Tuyên giáo Trung ương.\n"
    )
    assert rows["05-CT/TW"]["basis"] and rows["12-KH/TU"]["basis"]
    assert rows["12-KH/TU"]["issuer"] == "Thành ủy Hà Nội"
    assert rows["47-QĐ/TW"]["issuer"] is None  # TW alone does not say which organ
    assert rows["03-HD/BTGTW"]["issuer"] == "Ban Tuyên giáo Trung ương"


def test_decision_issuing_the_attached_plan_is_not_a_citation() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NAM\nSố: 1234/QĐ-UBND\nQuảng Nam, ngày 05 tháng 4 năm 2023\n"
        "QUYẾT ĐỊNH\nVề việc ban hành Kế hoạch tuyên truyền năm 2023\n"
        "Căn cứ Quyết định số 2345/QĐ-UBND ngày 30/12/2022 của UBND tỉnh;\nQUYẾT ĐỊNH:\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch tuyên truyền năm 2023.\n"
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Văn D\n\nKẾ HOẠCH\nTuyên truyền năm 2023\n"
        "(Ban hành kèm theo Quyết định số 1234/QĐ-UBND ngày 05/4/2023 của UBND tỉnh Quảng Nam)\n"
        "I. MỤC ĐÍCH\n- Tuyên truyền Nghị quyết số 76/NQ-CP; Quyết định số 1234/QĐ-UBND ngày "
        "01/3/2023 của Ủy ban nhân dân huyện Núi Thành.\n"
    )
    rows = citations(text)
    assert [(r["instrument_id"], r["issuer"]) for r in rows] == [
        ("2345/QĐ-UBND", "Ủy ban nhân dân tỉnh Quảng Nam"),
        ("76/NQ-CP", "Chính phủ"),
        # the same number from another issuer is a citation
        ("1234/QĐ-UBND", "Ủy ban nhân dân huyện Núi Thành"),
    ]


@pytest.mark.parametrize(
    ("text", "iid", "issuer"),
    [
        # the subject of the next clause is not the issuer
        ("Thực hiện Nghị quyết số 76/NQ-CP, Ủy ban nhân dân tỉnh Bắc Ninh ban hành Kế hoạch.",
         "76/NQ-CP", "Chính phủ"),
        ("Thực hiện Thông tư số 01/2021/TT-BNV\nSở Nội vụ hướng dẫn các cơ quan.", "01/2021/TT-BNV",
         "Bộ Nội vụ"),
        ("Thực hiện Chỉ thị số 23/CT-TTg, Chính phủ yêu cầu các bộ.", "23/CT-TTg", "Thủ tướng Chính phủ"),
        ("| Tuyên truyền Nghị định 61/2018/NĐ-CP | Sở Nội vụ | Quý II |", "61/2018/NĐ-CP", "Chính phủ"),
        # a local body named for a national code is not taken
        ("Thực hiện Thông tư số 01/2021/TT-BNV của Sở Nội vụ.", "01/2021/TT-BNV", "Bộ Nội vụ"),
    ],
)
def test_issuer_phrase_needs_its_lead_word(text: str, iid: str, issuer: str) -> None:
    row = by_id(text)[iid]
    assert row["issuer"] == issuer
    assert row["scope"] is None


def test_last_years_plan_with_the_same_number_is_cited() -> None:
    rows = by_id(
        "ỦY BAN NHÂN DÂN\nTỈNH BẮC NINH\nSố: 24/KH-UBND\nBắc Ninh, ngày 10 tháng 02 năm 2023\n"
        "KẾ HOẠCH\nTuyên truyền năm 2023\nCăn cứ Kế hoạch số 24/KH-UBND ngày 15/01/2022 của UBND "
        "tỉnh về tuyên truyền năm 2022;\nI. MỤC ĐÍCH\n- Kế hoạch số 24/KH-UBND này được phổ biến.\n"
    )
    assert rows["24/KH-UBND"]["date"] == "2022-01-15"
    assert rows["24/KH-UBND"]["instrument_key"] == "24/KH-UBND|2022|Bắc Ninh"


def test_list_date_not_shared_across_years() -> None:
    rows = by_id("Theo Quyết định số 05/2019/QĐ-TTg, 06/2020/QĐ-TTg ngày 02/3/2020 của Thủ tướng Chính phủ.")
    assert rows["06/2020/QĐ-TTg"]["date"] == "2020-03-02"
    assert rows["05/2019/QĐ-TTg"]["date"] is None
    assert rows["05/2019/QĐ-TTg"]["year"] == 2019
    assert rows["05/2019/QĐ-TTg"]["short_form"] is False  # nothing fuller to inherit from


def test_unknown_locality_is_not_the_national_scope() -> None:
    rows = by_id("Căn cứ Quyết định số 100/QĐ-UBND ngày 01/3/2023 của UBND tỉnh; Kế hoạch số 7/KH-UBND.")
    assert rows["100/QĐ-UBND"]["scope"] == "?"
    assert rows["100/QĐ-UBND"]["instrument_key"] == "100/QĐ-UBND|2023|?"
    assert rows["07/KH-UBND"]["scope"] == "?"


def test_sentence_of_a_text_without_punctuation_is_cut_around_the_mention() -> None:
    filler = " ".join(["tuyên truyền cải cách hành chính"] * 400)
    (row,) = citations(f"{filler} theo Nghị quyết số 76/NQ-CP của Chính phủ {filler}")
    assert "76/NQ-CP" in row["sentence"]
    assert len(row["sentence"]) <= 1010


def test_number_with_a_letter_suffix() -> None:
    rows = by_id("Thực hiện Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ và Kế hoạch số "
                 "05a-KH/TU; giai đoạn 2011-2020.")
    assert rows["30c/NQ-CP"]["date"] == "2011-11-08"
    assert rows["30c/NQ-CP"]["issuer"] == "Chính phủ"
    assert "05a-KH/TU" in rows


def test_codes_with_an_ampersand() -> None:
    rows = by_id("KẾ HOẠCH\nTuyên truyền tỉnh Bắc Ninh\nTheo Công văn số 123/SKH&ĐT-TH ngày 02/3/2020.\n")
    assert list(rows) == ["123/SKH&ĐT-TH"]
    assert rows["123/SKH&ĐT-TH"]["issuer"] == "Sở Kế hoạch và Đầu tư tỉnh Bắc Ninh"


@pytest.mark.parametrize(
    ("text", "iid", "issuer"),
    [
        # hard-wrapped and lower-case issuer phrases
        ("Thực hiện Kết luận số 45-KL/TW ngày 10/4/2025 của Bộ\nChính trị về dân số.", "45-KL/TW", "Bộ Chính trị"),
        ("Theo Nghị quyết số 12/NQ- TW ngày 09/11/2022 của Ban Chấp hành Trung ương đảng khóa XIII.",
         "12-NQ/TW", "Ban Chấp hành Trung ương"),
        ("Quyết định số 88/QĐ-BYT ngày 20/01/2021 của Bộ Trưởng Bộ\nY tế về kế hoạch.", "88/QĐ-BYT",
         "Bộ trưởng Bộ Y tế"),
        (BACNINH + "Căn cứ Kế hoạch số 09-KH/TU ngày 25/7/2025 của Ban thường\nvụ Tỉnh ủy về chuyển đổi số.",
         "09-KH/TU", "Ban Thường vụ Tỉnh ủy Bắc Ninh"),
        # the title of the cited decision is no place name
        (BACNINH + "Theo Quyết định số 10/2024/QĐ-UBND ngày 13/6/2024 của Ủy ban nhân dân tỉnh Quy\n"
                   "định về khen thưởng.",
         "10/2024/QĐ-UBND", "Ủy ban nhân dân tỉnh Bắc Ninh"),
        # an issuer written before the citation it issued
        ("Quán triệt chỉ đạo của Bộ Chính trị tại Kết luận số 77-KL/TW về phòng, chống ma túy.",
         "77-KL/TW", "Bộ Chính trị"),
        (BACNINH + "Theo đề nghị của Sở Nông nghiệp và Môi trường tại Tờ trình số 95/TTr-SNN ngày 02/10/2025.",
         "95/TTr-SNN", "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh"),
    ],
)
def test_issuer_phrases_as_written(text: str, iid: str, issuer: str) -> None:
    assert by_id(text)[iid]["issuer"] == issuer


def test_amending_law_title_with_one_or_several_numbered_laws() -> None:
    one = by_id("Căn cứ Luật Xây dựng số 50/2014/QH13, được sửa đổi, bổ sung tại Luật sửa đổi, bổ sung một "
                "số điều của Luật Xây dựng số 62/2020/QH14 ngày 17/6/2020;")
    # one inner law: the number is the amending law's
    assert one["62/2020/QH14"]["mention"].startswith("Luật sửa đổi, bổ sung")
    assert one["50/2014/QH13"]["mention"].startswith("Luật Xây dựng số 50")
    several = by_id("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Đất đai số 31/2024/QH15, Luật Nhà ở "
                    "số 27/2023/QH15 và Luật Đầu tư số 61/2020/QH14;")
    # several: the numbers are the inner laws'; the amending law is a named instrument
    assert several["31/2024/QH15"]["mention"] == "Luật Đất đai số 31/2024/QH15"
    assert [r["name"] for r in citations(
        "Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Đất đai số 31/2024/QH15, Luật Nhà ở "
        "số 27/2023/QH15 và Luật Đầu tư số 61/2020/QH14;") if not r["instrument_id"]] == [
        "Luật sửa đổi, bổ sung một số điều của Luật Đất đai, Luật Nhà ở và Luật Đầu tư"]


def test_steering_committee_named_by_its_subject() -> None:
    rows = by_id(BACNINH + "Căn cứ Quyết định số 05-QĐ/BCĐ ngày 13/8/2025 của Ban Chỉ đạo về phát triển kinh tế - "
                 "xã hội và chuyển đổi số tỉnh ban hành Chương trình công tác năm 2025;")
    assert rows["05-QĐ/BCĐ"]["issuer"] == "Ban Chỉ đạo về phát triển kinh tế - xã hội và chuyển đổi số tỉnh Bắc Ninh"
    assert rows["05-QĐ/BCĐ"]["scope"] == "Bắc Ninh"


def test_annex_citing_the_decision_of_the_chair_is_the_document_itself() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NAM\nSố: 1234/QĐ-UBND\nQuảng Nam, ngày 05 tháng 4 năm 2023\n"
        "QUYẾT ĐỊNH\nVề việc ban hành Kế hoạch kiểm kê tài sản năm 2023\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM\n"
        "Căn cứ Quyết định số 2345/QĐ-UBND ngày 30/12/2022 của UBND tỉnh;\nQUYẾT ĐỊNH:\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm kê tài sản năm 2023.\n"
        "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Văn D\n\nKẾ HOẠCH\nKiểm kê tài sản năm 2023\n"
        "(Kèm theo Quyết định số: 1234/QĐ-UBND ngày 05/4/2023 của Chủ tịch Ủy ban nhân dân tỉnh)\n"
        "I. MỤC ĐÍCH\n- Kiểm kê đúng quy định.\n"
    )
    assert "1234/QĐ-UBND" not in by_id(text)


def test_citation_date_read_by_the_one_date_grammar() -> None:
    """The date after a citation is read by kehoach.extract.grammar.dates: the forms it knows (comma
    before "năm", unaccented "ngay", upper-case titles) work in citations too."""
    text = ("Căn cứ Nghị quyết số 52/NQ-CP ngày 22 tháng 4, năm 2022 của Chính phủ;\n"
            "Căn cứ Quyết định số 411/QĐ-TTg ngay 31/3/2022 của Thủ tướng Chính phủ;\n"
            "THỰC HIỆN CHỈ THỊ SỐ 07/CT-TTG NGÀY 14/3/2024 CỦA THỦ TƯỚNG CHÍNH PHỦ\n")
    got = by_id(text)
    assert got["52/NQ-CP"]["date"] == "2022-04-22"
    assert got["411/QĐ-TTg"]["date"] == "2022-03-31"
    assert got["07/CT-TTg"]["date"] == "2024-03-14"

