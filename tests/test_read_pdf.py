"""PDF with a text layer: same instruments as the clean text, header columns, running
headers/footers, hyphens, tables, page numbers of extractions, bad PDFs."""

from __future__ import annotations

import difflib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from kehoach.errors import DocumentError
from kehoach.read import read_document
from read_helpers import FIX, PLAN, instrument_ids, tables, words

PDF = FIX / "plan-text.pdf"


@pytest.fixture(scope="module")
def source():
    return read_document(PDF)


def test_same_instruments_as_clean_text() -> None:
    clean = instrument_ids(PLAN)
    assert len(clean) >= 5
    assert instrument_ids(PDF) == clean


def test_body_text_equals_clean_text(source) -> None:
    clean, got = words(PLAN.read_text(encoding="utf-8")), words(source.text)
    ops = difflib.SequenceMatcher(a=clean, b=got, autojunk=False).get_opcodes()
    changed = [(op, " ".join(clean[i1:i2]), " ".join(got[j1:j2]))
               for op, i1, i2, j1, j2 in ops if op != "equal"]
    # only the issuer/motto lines (not in the development text) and the appendix are added
    assert all(op == "insert" for op, _, _ in changed), changed
    added = " ".join(new for _, _, new in changed)
    assert added.startswith("UBND THÀNH PHỐ HẢI PHÒNG")
    assert "PHỤ LỤC" in added


def test_two_column_header_left_block_then_right_block(source) -> None:
    lines = source.text.split("\n")
    assert lines[:6] == [
        "UBND THÀNH PHỐ HẢI PHÒNG",
        "BAN QUẢN LÝ KHU KINH TẾ",
        "Số: 431/KH-BQL",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hải Phòng, ngày 30 tháng 01 năm 2024",
    ]


def test_signature_block_after_recipients(source) -> None:
    lines = source.text.split("\n")
    assert lines.index("Nơi nhận:") < lines.index("- Lưu: VP/BQL.") < lines.index(
        "KT. TRƯỞNG BAN") < lines.index("Bùi Ngọc Hải")
    # the paragraph before the columns keeps its last line
    assert any(ln.endswith("chỉ đạo giải quyết kịp thời./.") and len(ln) > 60 for ln in lines)


def test_running_footer_and_page_numbers_removed(source) -> None:
    assert "Kế hoạch tuyên truyền cải cách hành chính\n" not in source.text
    assert "Ban Quản lý Khu kinh tế Hải Phòng - Kế hoạch" not in source.text
    assert not [ln for ln in source.text.split("\n") if ln.strip().isdigit()]


def test_line_end_hyphen_rejoined_and_paragraphs_unwrapped(source) -> None:
    # the PDF breaks the line after "61/2018/NĐ-"
    assert "Nghị định 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế" in source.text
    assert "đối với công tác cải cách hành chính từ đó nâng cao chất lượng quản lý nhà nước" \
        in source.text


def test_table_rows_keep_cells(source) -> None:
    lines = source.text.split("\n")
    assert "TT | Loại văn bản | Số, ký hiệu | Ngày ban hành" in lines
    assert "4 | Nghị định | 61/2018/NĐ-CP | 23/4/2018" in lines


def test_pages_and_page_of_every_citation(source) -> None:
    assert len(source.pages) == 5
    assert source.pages[0][0] == 0 and source.pages[-1][1] == len(source.text)
    assert all(a[1] == b[0] for a, b in zip(source.pages, source.pages[1:], strict=False))
    assert source.text[slice(*source.pages[4])].startswith("PHỤ LỤC")
    cit = tables(str(PDF))["citations"]
    assert cit["page"].notna().all()
    for _, row in cit.iterrows():
        start, end = source.pages[int(row["page"]) - 1]
        assert start <= int(row["start"]) < end, row["mention"]
    assert set(cit[cit["mention"].str.contains("34/CT-UBND")]["page"].astype(int)) == {2, 5}


def _error(path: Path) -> DocumentError:
    with pytest.raises(DocumentError) as info:
        read_document(path)
    return info.value


def test_corrupt_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n this is not a PDF body \n%%EOF\n")
    err = _error(bad)
    assert err.reason == "corrupt" and "not a readable PDF" in err.message


def test_truncated_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(PDF.read_bytes()[:3000])
    assert _error(bad).reason in ("corrupt", "no_text")


def test_encrypted_pdf(tmp_path: Path) -> None:
    canvas = pytest.importorskip("reportlab.pdfgen.canvas", reason="reportlab (dev extra) missing")
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="secret")
    c.drawString(100, 700, "Ke hoach so 12/KH-UBND")
    c.save()
    err = _error(path)
    assert err.reason == "encrypted" and "password" in err.message


def test_zero_page_pdf(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    pdfium.PdfDocument.new().save(str(path))
    err = _error(path)
    assert err.reason == "no_pages" and "no pages" in err.message
