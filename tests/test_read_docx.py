"""DOCX and DOC: Word numbering, header table, legacy-font runs, same instruments."""

from __future__ import annotations

from pathlib import Path

import pytest
from kehoach.errors import DocumentError
from kehoach.read import read_document
from kehoach.read.doc import soffice_cmd
from kehoach.read.docx import format_number, legacy_font
from read_helpers import FIX, PLAN, instrument_ids

DOCX = FIX / "plan.docx"
DOC = FIX / "plan.doc"


@pytest.fixture(scope="module")
def docx():
    return read_document(DOCX)


def test_same_instruments_as_clean_text() -> None:
    assert instrument_ids(DOCX) == instrument_ids(PLAN)


def test_word_numbering_rendered(docx) -> None:
    lines = docx.text.split("\n")
    assert "I. MỤC ĐÍCH, YÊU CẦU." in lines
    assert "II. NỘI DUNG, HÌNH THỨC TUYÊN TRUYỀN." in lines
    assert "III. TỔ CHỨC THỰC HIỆN." in lines
    assert "2. Yêu cầu." in lines  # level 1 restarts under each level-0 item
    assert any(ln.startswith("b) Tuyên truyền về tầm quan trọng") for ln in lines)


def test_header_table_columns(docx) -> None:
    lines = docx.text.split("\n")
    assert lines[:6] == [
        "UBND THÀNH PHỐ HẢI PHÒNG", "BAN QUẢN LÝ KHU KINH TẾ", "Số: 431/KH-BQL",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Hải Phòng, ngày 30 tháng 01 năm 2024",
    ]


def test_legacy_font_runs_converted(docx) -> None:
    assert docx.info["encoding"] == "utf-8+tcvn3+vni"
    text = " ".join(docx.text.split())
    assert "Nghị quyết số 76/NQCP ngày 15/7/2021 của Chính phủ" in text  # .VnTime run
    assert "Nghị định 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ" in text  # VNI-Times run
    assert "footer" not in text and "Ban Quản lý Khu kinh tế Hải Phòng - Kế hoạch" in text


def test_font_names_and_number_formats() -> None:
    assert legacy_font(".VnTime") == ("tcvn3", False)
    assert legacy_font(".VnTimeH") == ("tcvn3", True)
    assert legacy_font("VNI-Times") == ("vni", False)
    assert legacy_font("Times New Roman") is None
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert format_number(2, "lowerLetter") == "b" and format_number(27, "lowerLetter") == "aa"


def test_docx_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "old.docx"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(DocumentError) as info:
        read_document(bad)
    assert info.value.reason == "corrupt" and "not a zip archive" in info.value.message


@pytest.mark.skipif(soffice_cmd() is None,
                    reason="LibreOffice (soffice) is not installed: .doc conversion not tested")
def test_doc_via_libreoffice() -> None:
    src = read_document(DOC)
    assert src.info["converted_by"] == "libreoffice"
    assert "I. MỤC ĐÍCH, YÊU CẦU." in src.text.split("\n")
    assert instrument_ids(DOC) == instrument_ids(PLAN)


def test_doc_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEHOACH_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(DocumentError) as info:
        read_document(DOC)
    assert info.value.reason == "converter_unavailable"
    assert "LibreOffice is needed" in info.value.message
