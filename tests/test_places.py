"""The table of administrative units (models/admin_units.csv) and its accessors."""

from kehoach.extract.grammar.bodies import find_unit
from kehoach.places import (
    LEVELS,
    current_provinces,
    province_current,
    provinces,
    unit_level,
    unit_of,
    units,
)
from kehoach.rules import load_csv


def test_table_examples_run():
    rows = [r for r in load_csv("admin_units.csv") if r["example"]]
    assert len(rows) >= 10
    for row in rows:
        if row["kind"] == "unit":
            found = find_unit(row["example"])
            assert found is not None, row["example"]
            assert found[0].name == row["name"], row["example"]
        else:
            m = provinces().pattern.search(row["example"])
            assert m is not None, row["example"]
            assert provinces().lookup(m.group()).name == row["name"], row["example"]


def test_merger_63_to_34():
    table = provinces()
    former = {p.name for p in table.by_key.values()}
    assert len(former) == 63
    assert len(current_provinces()) == 34
    assert set(current_provinces()) <= former
    assert province_current("Bắc Giang") == "Bắc Ninh"
    assert province_current("Bà Rịa-Vũng Tàu") == "Hồ Chí Minh"
    assert province_current("Thừa Thiên Huế") == "Huế"
    assert province_current("Duyên Hải") is None


def test_one_level_vocabulary():
    assert {u.level for u in units().values()} <= set(LEVELS)
    assert unit_of("TP.").name == "thành phố"
    assert unit_of("THỊ XÃ").name == "thị xã"
    assert unit_level("tỉnh") == "province"
    assert unit_level("huyện") == "district"
    assert unit_level("phường") == "commune"
    assert unit_level("đặc khu") == "commune"
    assert unit_level("thành phố", "Hà Nội") == "province"
    assert unit_level("TP", "Hồ Chí Minh") == "province"
    assert unit_level("thành phố", "Thủ Dầu Một") == "district"
    assert unit_level("tỉnh", "Hà Nội") == "province"
    assert unit_level("Sở") is None


def test_find_unit_place():
    unit, place = find_unit("Ủy ban nhân dân TX. Sơn Tây ban hành")
    assert (unit.name, place) == ("thị xã", "Sơn Tây")
    unit, place = find_unit("UBND THÀNH PHỐ HẢI PHÒNG")
    assert (unit.name, place) == ("thành phố", "HẢI PHÒNG")
    assert find_unit("Sở Xây dựng") is None
