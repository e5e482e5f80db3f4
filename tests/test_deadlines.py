from __future__ import annotations

from pathlib import Path

from helpers import run_text
from kehoach.evaluate import evaluate_dir

GOLD = Path(__file__).resolve().parent / "gold"
SECTION = "Assignments (channels, lead bodies, deadlines)"
HEAD = "KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2024\n\nI. TỔ CHỨC THỰC HIỆN\n"


def rows(body: str) -> list[dict]:
    return run_text(HEAD + body + "\n").tables.get("deadlines", [])


def test_date_and_recurrence_floors(dev_out: Path) -> None:
    sec = evaluate_dir(GOLD, dev_out).section(SECTION)
    for name in ("deadline date F1", "recurrence F1"):
        metric = sec.metric(name)
        assert metric.value is not None and metric.value >= 0.85, (name, metric.detail)


def test_day_list_takes_the_trailing_year() -> None:
    got = rows("- Các phòng báo cáo về Văn phòng trước ngày 03/3, 03/6, 03/9 năm 2024 "
               "(đối với báo cáo quý I, II, III), trước ngày 03/11/2024 (đối với báo cáo năm).")
    assert [r["date"] for r in got if r["date"]] == [
        "2024-03-03", "2024-06-03", "2024-09-03", "2024-11-03"]
    assert {r["recurrence"] for r in got if r["recurrence"]} == {"quarterly", "yearly"}
    assert all(r["precision"] == "day" for r in got if r["date"])


def test_quarter_month_and_missing_year() -> None:
    got = rows("- Hoàn thành trong Quý II/2026.\n- Sở Nội vụ tổng hợp trong tháng 3/2026.\n"
               "- Báo cáo trước ngày 15/12.")
    dates = {r["text"]: (r["date"], r["precision"]) for r in got if r["date"]}
    assert dates["Quý II/2026"] == ("2026-06-30", "quarter")
    assert dates["tháng 3/2026"] == ("2026-03-31", "month")
    assert dates["15/12"] == ("2024-12-15", "day")
    body = next(r["body"] for r in got if r["text"] == "tháng 3/2026")
    assert body == "Sở Nội vụ"


def test_recurrences() -> None:
    got = rows("- Định kỳ hằng quý, 6 tháng báo cáo Sở Nội vụ.\n"
               "- Thường xuyên cập nhật thông tin.\n"
               "- Báo cáo theo định kỳ quý, 06 tháng, 09 tháng và năm.\n"
               "- Kinh phí được bố trí hằng năm.\n- Thực hiện chi thường xuyên trong năm.")
    recs = [r["recurrence"] for r in got if r["recurrence"]]
    assert set(recs) == {"quarterly", "continuous", "half-yearly", "nine-monthly", "yearly"}
    assert not any(r["recurrence"] == "yearly" and "bố trí" in r["task"] for r in got)
    assert sum(1 for r in got if r["recurrence"] == "continuous") == 1


def test_cited_dates_are_not_deadlines() -> None:
    got = rows("- Thực hiện Quyết định số 12/QĐ-UBND ngày 15/3/2024 của UBND tỉnh trước "
               "ngày 30/6/2024.")
    assert [r["date"] for r in got if r["date"]] == ["2024-06-30"]


def test_table_time_column() -> None:
    got = rows("""TT
Nội dung
Cơ quan chủ trì
Thời gian thực hiện
1
Tuyên truyền trên báo chí
Sở Văn hóa, Thể thao và Du lịch
Quý III
2
Hội thi
Sở Tư pháp
Hằng quý""")
    q = next(r for r in got if r["date"])
    assert (q["date"], q["body"], q["section"]) == (
        "2024-09-30", "Sở Văn hóa, Thể thao và Du lịch", "I[1]")
    assert any(r["recurrence"] == "quarterly" and r["body"] == "Sở Tư pháp" for r in got)
