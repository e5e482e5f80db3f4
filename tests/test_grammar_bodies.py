"""The one body-phrase grammar (kehoach.extract.grammar.bodies): its parts, and that the
three extractors of body phrases (header issuer, issuer after a citation, responsible
bodies) read one vocabulary: a department added to one table is named whole by all three."""

from __future__ import annotations

from pathlib import Path

import kehoach
import pytest
import regex
from kehoach.extract.grammar.bodies import find_unit, grammar
from kehoach.rules import Rules


def _full(pattern: str, text: str) -> bool:
    return regex.fullmatch(pattern, text) is not None


def test_unit_word_cases() -> None:
    g = grammar()
    assert _full(g.unit(), "thị xã") and _full(g.unit(), "TP.")
    assert not _full(g.unit(), "Thị xã")
    assert _full(g.unit("first"), "Thị xã") and _full(g.unit("first"), "thành phố")
    assert not _full(g.unit("first"), "THÀNH PHỐ")
    assert _full(g.unit("any"), "THÀNH PHỐ") and _full(g.unit("any"), "đặc khu")
    with pytest.raises(ValueError):
        g.unit("title")


def test_place_options() -> None:
    g = grammar()
    header = g.place()  # capitals on one line, a province of the table in any case
    assert _full(header, "HÒA AN") and _full(header, "khánh hòa")
    assert not _full(header, "Hòa\nAn")
    wrapped = g.place(words=3, sep=r"\s+", province="as written")
    assert _full(wrapped, "Hòa\nAn")
    assert not _full(g.place(province="no"), "TP.HCM")
    with pytest.raises(ValueError):
        g.place(province="sometimes")


def test_locality_and_find_unit() -> None:
    g = grammar()
    m = regex.search(g.locality(), "ỦY BAN NHÂN DÂN HUYỆN HÒA AN")
    assert m is not None and (m.group("unit"), m.group("place")) == ("HUYỆN", "HÒA AN")
    unit, place = find_unit("Ủy ban nhân dân TX. Sơn Tây ban hành")
    assert (unit.name, place) == ("thị xã", "Sơn Tây")
    assert find_unit("Sở Xây dựng") is None


def test_slots_fill_a_template() -> None:
    g = grammar()
    pattern = g.fill(r"Sở\s+(?P<dept>{department})", g.slots())
    m = regex.fullmatch(pattern, "Sở Giáo dục và Đào tạo")
    assert m is not None and m.group("dept") == "Giáo dục và Đào tạo"
    committee = g.fill("Ban Thường vụ (?P<pc>{party_committee})", g.slots())
    assert _full(committee, "Ban Thường vụ Tỉnh ủy")


def test_vocabulary_is_read_from_the_tables() -> None:
    names = grammar().names
    assert names.committees["Tỉnh ủy"] == "tỉnh"
    assert "TU" in names.committee_abbreviations
    assert "Giáo dục và Đào tạo" in names.departments
    assert "Bộ Y tế" in names.ministries
    assert names.ministry_names["Bộ GD&ĐT"] == "Bộ Giáo dục và Đào tạo"
    assert names.councils["hđnd"] == ("Hội đồng nhân dân", "hdnd")


# An invented department in an invented plan: its name has lower-case words, so only a
# table that knows it names it whole in running text.
DEPARTMENT = "Sở Quản lý tài nguyên biển và hải đảo"
PLAN = (
    "ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "SỞ QUẢN LÝ TÀI NGUYÊN BIỂN VÀ HẢI ĐẢO\tĐộc lập - Tự do - Hạnh phúc\n"
    "Số: 15/KH-SQLTNB\tKhánh Hòa, ngày 03 tháng 4 năm 2025\n\n"
    "KẾ HOẠCH\nTuyên truyền về biển đảo năm 2025\n\n"
    "Căn cứ Kế hoạch số 12/KH-SQLTNB ngày 5/3/2025 của Sở Quản lý tài nguyên biển và hải đảo"
    " tỉnh Khánh Hòa;\n\n"
    "III. TỔ CHỨC THỰC HIỆN\n"
    "1. Sở Quản lý tài nguyên biển và hải đảo chủ trì tổ chức tuyên truyền.\n"
)


def _with_department(tmp_path: Path) -> Path:
    folder = Rules.default().save(tmp_path / "rules")
    table = folder / "issuers_departments.csv"
    table.write_text(table.read_text(encoding="utf-8")
                     + f"{DEPARTMENT},SQLTNB,,full,invented for a test\n", encoding="utf-8")
    return folder


def test_one_table_feeds_all_three_body_readers(tmp_path: Path) -> None:
    full = f"{DEPARTMENT} tỉnh Khánh Hòa"
    shipped = kehoach.extract(PLAN, name="plan.txt")
    assert [c.issuer for c in shipped.citations] == [None]
    assert [b.body for b in shipped.bodies if b.role == "lead"] != [DEPARTMENT]

    doc = kehoach.extract(PLAN, name="plan.txt", rules=_with_department(tmp_path))
    assert doc.metadata.issuer == full
    assert [c.issuer for c in doc.citations] == [full]
    assert [b.body for b in doc.bodies if b.role == "lead"] == [DEPARTMENT]
