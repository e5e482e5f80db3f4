"""The date grammar (pipeline/extract/grammar/dates.py) runs the examples of models/dates.yaml."""

from __future__ import annotations

from datetime import date

import pytest
from kehoach.extract.grammar import dates
from kehoach.rules import load_yaml

EXAMPLES = load_yaml("dates.yaml")["examples"]


@pytest.mark.parametrize("ex", EXAMPLES, ids=[e["text"] for e in EXAMPLES])
def test_table_example(ex: dict) -> None:
    text = ex["text"]
    found = dates.find_dates(text, bare=ex.get("form") == "bare_year")
    want = ex.get("found", text)
    if want is None:
        assert found == [], found
        return
    assert len(found) == 1, found
    dm = found[0]
    s = text.index(want)
    assert (dm.start, dm.end, dm.text) == (s, s + len(want), want)
    assert (dm.form, dm.precision) == (ex["form"], ex["precision"])
    assert dm.last(ex.get("year")) == date.fromisoformat(ex["last"])


def test_spans_inside_a_sentence() -> None:
    text = "Các đơn vị báo cáo trước ngày 15 tháng 7, năm 2021 và hoàn thành trong Quý IV/2021."
    got = dates.find_dates(text)
    assert [(text[d.start:d.end], d.last().isoformat()) for d in got] == [
        ("ngày 15 tháng 7, năm 2021", "2021-07-15"), ("Quý IV/2021", "2021-12-31")]
    assert dates.find_dates(text, text.index("và")) == got[1:]


def test_date_at_and_parse() -> None:
    text = "Quyết định số 35/QĐ-UBND ngay 15/7/2021 của UBND huyện"
    pos = text.index("ngay")
    dm = dates.date_at(text, pos)
    assert dm is not None and (dm.end, dm.iso()) == (pos + len("ngay 15/7/2021"), "2021-07-15")
    assert dates.date_at(text, pos - 1) is None
    assert dates.parse_date("ngày 15 tháng 7, năm 2021") == date(2021, 7, 15)
    assert dates.parse_date(" 15.7.2021 ") == date(2021, 7, 15)
    assert dates.parse_date("ngày 15/11", year=2026) == date(2026, 11, 15)
    assert dates.parse_date("tháng 7/2021") is None
    assert dates.parse_date("15/7/2021 và 16/7/2021") is None


def test_quarter_list_items() -> None:
    text = "Quý II, III/2026"
    head = dates.find_dates(text)[0]
    item = dates.quarter_item_at(text, text.index("III"))
    assert (head.text, head.year, head.quarter) == ("Quý II", None, 2)
    assert item is not None and (item.text, item.last().isoformat()) == ("III/2026", "2026-09-30")
    assert dates.quarter_item_at(text, text.index("/")) is None


def test_blank_date_line_keeps_what_is_written() -> None:
    assert dates.parse("ngày   tháng 02 năm 2022").iso() == "2022-02"
    assert dates.parse("ngày ... tháng ... năm 2023").iso() == "2023"
    assert dates.parse("ngày 11 tháng 02 năm 2022").iso() == "2022-02-11"


def test_bare_day_lists_and_years_only_when_asked() -> None:
    text = "trước ngày 03/3, 03/6, 03/9 năm 2024"
    assert [d.text for d in dates.find_dates(text)] == ["ngày 03/3", "03/9 năm 2024"]
    assert [d.text for d in dates.find_dates(text, bare=True)] == [
        "ngày 03/3", "03/6", "03/9 năm 2024"]
    assert dates.find_dates("Năm 2025 và các năm tiếp theo 2026") == [
        dates.find_dates("Năm 2025")[0]]
    assert [d.year for d in dates.find_dates("2025; 2026", bare=True)] == [2025, 2026]


def test_day_word_and_the_citation_switch() -> None:
    text = "Nghị định số 61/2018/NĐ-CP, ngày 15 tháng 7, năm 2021 của Chính phủ; số 12/2020 15/7/2021"
    pos = text.index("ngày")
    dm = dates.date_at(text, pos)
    assert dm is not None and dm.day_word and (dm.iso(), text[dm.end:dm.end + 4]) == (
        "2021-07-15", " của")
    bare = dates.date_at(text, text.rindex("15/7"))
    assert bare is not None and not bare.day_word
    header = "Hà Nội, ngày\n19 tháng 11 năm 2025"
    line = next(d for d in dates.find_dates(header) if d.day_word and d.year)
    assert (line.iso(), header[:line.start]) == ("2025-11-19", "Hà Nội, ")
