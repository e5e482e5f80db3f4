"""Where the document proper lies in a scraped text (kehoach.segment.boundary)."""

from kehoach.extract.metadata import header as meta_header
from kehoach.segment.boundary import document_span

HEADER = (
    "ỦY BAN NHÂN DÂN\nTỈNH TÂY NINH\n\t\nCỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n\t\nSố: 57/KH-UBND\n\t\nTây Ninh, ngày 03 tháng 3 năm 2025\n\n"
    "KẾ HOẠCH\nPhát triển du lịch cộng đồng năm 2025\n\n"
    "I. MỤC ĐÍCH, YÊU CẦU\nNội dung kế hoạch.\n"
    "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nTrần Văn Bình\n"
)
SITE_TOP = (
    "Trang chủ > Văn bản > Kế hoạch\nĐang tải văn bản...\nSố hiệu:\n\t\n57/KH-UBND\n"
    "Loại văn bản:\n\t\nKế hoạch\n\t\nNơi ban hành:\n\t\nTỉnh Tây Ninh\nTình trạng: Đã biết\n\t\n"
)
SITE_BOTTOM = (
    "Văn bản liên quan\nQuyết định 12/2024/QĐ-UBND về du lịch\nBan hành: 01/02/2024\n"
    "Bản quyền thuộc Công ty ABC\n"
)


def test_plain_document_is_whole_text():
    start, end = document_span(HEADER)
    assert start == 0 and end == len(HEADER)


def test_scraped_page_menu_and_trailer_cut():
    text = SITE_TOP + HEADER + SITE_BOTTOM
    start, end = document_span(text)
    assert text[start:].startswith("ỦY BAN NHÂN DÂN\nTỈNH TÂY NINH")
    assert text[:end].endswith("Trần Văn Bình\n")


def test_header_reader_skips_the_site_attribute_table():
    text = SITE_TOP + HEADER + SITE_BOTTOM
    h = meta_header.parse(text)
    assert h.doc_type == "Kế hoạch"
    assert h.doc_number == "57/KH-UBND"
    assert h.place == "Tây Ninh"
    assert h.issue_date == "2025-03-03"
    assert "ỦY BAN NHÂN DÂN" in " ".join(c.text for c in h.issuer_lines)


def test_one_line_header_starts_at_its_line():
    text = "Menu chính\nỦY BAN NHÂN DÂN XÃ AN PHÚ   CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 5/KH-UBND\n"
    start, _ = document_span(text)
    assert text[start:].startswith("ỦY BAN NHÂN DÂN XÃ AN PHÚ")


def test_without_motto_the_number_line_opens_the_header():
    text = "Tin tức mới\nSỞ Y TẾ\nSố: 12/KH-SYT\nHà Giang, ngày 2 tháng 5 năm 2024\nKẾ HOẠCH\n"
    start, _ = document_span(text)
    assert text[start:].startswith("SỞ Y TẾ")


def test_annex_after_signature_stays_in():
    text = HEADER + "PHỤ LỤC\nDanh mục nhiệm vụ\n" + SITE_BOTTOM
    _, end = document_span(text)
    assert "PHỤ LỤC" in text[:end]
    assert "Văn bản liên quan" not in text[:end]


def test_site_type_label_without_motto_is_not_the_type_line() -> None:
    text = (
        "Trang chủ\nSố hiệu:\n\t\n12/KH-UBND\n\t\nLoại văn bản:\n\t\nKế hoạch\n\t\nNơi ban hành:\n"
        "\t\nTỉnh Gia Lai\n\nỦY BAN NHÂN DÂN TỈNH GIA LAI\n\nKẾ HOẠCH\n"
        "Phòng chống thiên tai năm 2025\n\nI. MỤC ĐÍCH\nNội dung.\n"
    )
    h = meta_header.parse(text)
    assert h.doc_type == "Kế hoạch"
    assert text[h.type_cell.start:h.type_cell.end] == "KẾ HOẠCH"
