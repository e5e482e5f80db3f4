"""Legacy encodings: TCVN3 (ABC), VNI, Windows-1258 and legacy glyphs in UTF-8 files."""

from __future__ import annotations

import difflib
import unicodedata
from pathlib import Path

import pytest
from kehoach.errors import DocumentError
from kehoach.read import legacy, read_document
from read_helpers import FIX, RAW, TCVN3_PLAN, instrument_ids, words

SAMPLE = ("Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. Nghị định số "
          "61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ được ban hành; tỉnh Khánh Hòa.")


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(a=words(a), b=words(b), autojunk=False).ratio()


@pytest.mark.parametrize(("name", "encoding"), [("plan-tcvn3.txt", "tcvn3"),
                                                ("plan-vni.txt", "vni")])
def test_legacy_txt_fixture(name: str, encoding: str) -> None:
    src = read_document(FIX / name)
    assert src.info["encoding"] == encoding
    clean = TCVN3_PLAN.read_text(encoding="utf-8")
    assert _similar(src.text, clean) > 0.99
    lines = src.text.split("\n")
    assert "Số: /KH-SDL" in lines and "Hải Phòng, ngày 25 tháng 02 năm 2022" in lines
    assert "KẾ HOẠCH" in lines  # TCVN3 capitals restored
    assert instrument_ids(FIX / name) == instrument_ids(TCVN3_PLAN)


def _cp1258(text: str) -> bytes:
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            marks = [c for c in unicodedata.normalize("NFD", ch) if c in "\u0300\u0301\u0303\u0309\u0323"]
            base = "".join(c for c in unicodedata.normalize("NFD", ch) if c not in marks)
            out += unicodedata.normalize("NFC", base).encode("cp1258") + "".join(marks).encode("cp1258")
    return out


def test_cp1258(tmp_path: Path) -> None:
    path = tmp_path / "cp1258.txt"
    path.write_bytes(_cp1258(SAMPLE))
    src = read_document(path)
    assert src.info["encoding"] == "cp1258" and src.text == SAMPLE


def test_vni_and_tcvn3_strings() -> None:
    assert legacy.vni_to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == \
        "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert legacy.tcvn3_to_unicode("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == \
        "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert legacy.tcvn3_to_unicode("KÕ HO¹CH") == "KẾ HOẠCH"


def test_legacy_glyph_lines_in_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text("Céng hoµ x· héi chñ nghÜa ViÖt Nam\n" + SAMPLE + "\n", encoding="utf-8")
    src = read_document(path)
    assert src.info["encoding"] == "utf-8+tcvn3"
    assert src.text.split("\n")[:2] == ["Cộng hoà xã hội chủ nghĩa Việt Nam", SAMPLE]


@pytest.mark.parametrize("path", sorted(RAW.glob("*.txt")), ids=lambda p: p.stem)
def test_clean_unicode_untouched(path: Path) -> None:
    src = read_document(path)
    assert src.info["encoding"] == "utf-8"
    assert src.text == path.read_text(encoding="utf-8").replace("\r\n", "\n")


def test_undecodable_binary(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert info.value.reason == "binary"


def test_not_vietnamese_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Größe ½ µ · ¸ ¹ Ö Ë § ¶ ¤ ¥\n".encode("latin-1") * 20)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert info.value.reason == "encoding" and "TCVN3, VNI or Windows-1258" in info.value.message
