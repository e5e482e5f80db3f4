"""Scanned PDF and image files: OCR with Tesseract (skipped when it is not installed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from kehoach.errors import DocumentError
from kehoach.read import read_document
from read_helpers import FIX, instrument_ids, tables, tesseract_ready

SCAN = FIX / "plan-scan.pdf"
TEXT_PDF = FIX / "plan-text.pdf"
NO_OCR = tesseract_ready()
needs_ocr = pytest.mark.skipif(NO_OCR is not None, reason=f"OCR test skipped: {NO_OCR}")


@pytest.fixture(scope="module")
def scan():
    return read_document(SCAN)


@needs_ocr
def test_scan_instruments_f1_against_text_layer(tmp_path_factory) -> None:
    # the scan shows pages 1-3 of the text PDF: compare with the text of those pages
    source = read_document(TEXT_PDF)
    ref = tmp_path_factory.mktemp("ref") / "pages-1-3.txt"
    ref.write_text(source.text[: source.pages[2][1]], encoding="utf-8")
    want, got = instrument_ids(ref), instrument_ids(SCAN)
    assert len(want) >= 5
    tp = len(want & got)
    f1 = 2 * tp / (len(want) + len(got))
    assert f1 >= 0.97, (sorted(want - got), sorted(got - want))


@needs_ocr
def test_scan_header_and_info(scan) -> None:
    lines = scan.text.split("\n")
    assert lines.index("Số: 431/KH-BQL") < lines.index("Hải Phòng, ngày 30 tháng 01 năm 2024")
    assert "UBND THÀNH PHỐ HẢI PHÒNG" in lines[:3]
    assert scan.info["ocr_pages"] == 3 and scan.info["ocr_confidence"] > 80
    assert len(scan.pages) == 3
    cit = tables(str(SCAN))["citations"]
    assert cit["page"].notna().all() and set(cit["page"].astype(int)) <= {1, 2, 3}


@needs_ocr
@pytest.mark.parametrize("fmt", ["JPEG", "TIFF"])
def test_image_files(tmp_path: Path, fmt: str) -> None:
    from PIL import Image

    path = tmp_path / f"page.{fmt.lower()}"
    Image.open(FIX / "plan-page1.png").convert("L").save(path, fmt, dpi=(200, 200))
    src = read_document(path)
    assert src.info["reader"] == "image" and src.info["ocr_pages"] == 1
    assert any(ln.startswith("Số: 431/KH-BQL") for ln in src.text.split("\n")[:4])
    assert "Tuyên truyền cải cách hành chính nhà nước của" in src.text.split("\n")


def test_missing_tesseract_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEHOACH_TESSERACT", "/nonexistent/tesseract")
    with pytest.raises(DocumentError) as info:
        read_document(SCAN)
    assert info.value.reason == "ocr_unavailable"
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in info.value.message
    assert "scripts/setup.sh" in info.value.message
    # PDFs with a text layer do not need it
    assert "Số: 431/KH-BQL" in read_document(TEXT_PDF).text


def test_corrupt_image(tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    if NO_OCR is None:
        with pytest.raises(DocumentError) as info:
            read_document(bad)
        assert info.value.reason == "corrupt" and "not a readable image" in info.value.message


@needs_ocr
def test_scan_metadata_meets_the_floor() -> None:
    """The scanned fixture (pages 1-3 of the Hải Phòng BQL plan, 200 dpi, 1-bit, skewed): its
    header metadata against the plan's gold; the signer is on a later page, so not scored."""
    import json

    gold = json.loads((FIX.parent / "gold" / "haiphong-bql-2024-tuyen-truyen-cchc.json")
                      .read_text(encoding="utf-8"))["metadata"]
    doc = tables(str(SCAN))["documents"].iloc[0].to_dict()
    fields = ["doc_type", "doc_number", "doc_symbol", "issuer", "issuer_level", "province", "place",
              "issue_date", "title", "period_start", "period_end"]
    wrong = {f: (doc.get(f), gold.get(f)) for f in fields if str(doc.get(f)) != str(gold.get(f))}
    assert (len(fields) - len(wrong)) / len(fields) >= 0.93, wrong
