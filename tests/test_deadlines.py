from __future__ import annotations

from pathlib import Path

from helpers import run_text
from kehoach.evaluate import evaluate_dir

GOLD = Path(__file__).resolve().parent / "gold"
SECTION = "Assignments (channels, lead bodies, deadlines)"
HEAD = "KẾ HOẠCH\nTuyên truyền cải cách hành chính năm 2024\n\nI. TỔ CHỨC THỰC HIỆN\n"
# an invented plan with its own date and a multi-year period
MULTI = ("ỦY BAN NHÂN DÂN\nTỈNH AN PHÚ\nSố: 45/KH-UBND\nAn Phú, ngày 10 tháng 3 năm 2026\n\n"
         "KẾ HOẠCH\nPhát triển thư viện số tỉnh An Phú giai đoạn 2026 - 2030\n\n")


def rows(body: str, head: str = HEAD) -> list[dict]:
    return run_text(head + body + "\n").tables.get("deadlines", [])


def found(got: list[dict]) -> tuple[set[str], set[str]]:
    return ({r["date"] for r in got if r["date"]}, {r["recurrence"] for r in got if r["recurrence"]})


def test_date_and_recurrence_floors(dev_out: Path) -> None:
    sec = evaluate_dir(GOLD, dev_out).section(SECTION)
    for name in ("deadline date F1", "recurrence F1"):
        metric = sec.metric(name)
        assert metric.value is not None and metric.value >= 0.9, (name, metric.detail)


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
    assert dates["ngày 15/12"] == ("2024-12-15", "day")
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


def test_targets_but_not_orientations() -> None:
    got = rows("I. MỤC TIÊU\n1. Mục tiêu chung\nPhấn đấu đến năm 2030, 100% xã có điểm thư viện số; "
               "định hướng đến năm 2035 phủ khắp các thôn. Xây dựng hệ thống thư viện hiện đại "
               "đến năm 2029, tầm nhìn đến năm 2045.\n2. Mục tiêu cụ thể\n"
               "a) Đến hết năm 2028: 60% trường học kết nối.\n"
               "II. NHIỆM VỤ\n1. Rà soát theo Chiến lược phát triển văn hóa đến năm 2040, tầm nhìn "
               "đến năm 2045.\n", MULTI)
    assert found(got)[0] == {"2030-12-31", "2029-12-31", "2028-12-31"}


def test_plan_period_end_and_ranges_by_their_end() -> None:
    got = rows("I. NHIỆM VỤ\n1. Số hóa tài liệu\n- Thời gian thực hiện: Từ\nquý III/2026 đến "
               "quý II/2027.\n2. Hội sách\nThời gian: từ ngày 15/4/2026 đến ngày 30/4/2026.\n"
               "II. THỜI GIAN THỰC HIỆN\n\nTừ năm 2026 đến năm 2030.\n", MULTI)
    assert found(got)[0] == {"2027-06-30", "2026-04-30", "2030-12-31"}


def test_yearly_dates_of_a_multi_year_plan_are_recurrences() -> None:
    got = rows("I. TỔ CHỨC THỰC HIỆN\nCác sở báo cáo kết quả trước ngày 01/6 và 15/11 hằng năm."
               "\nSở Văn hóa tổng hợp báo cáo UBND tỉnh trước ngày 30 tháng 11 hàng năm.\n", MULTI)
    assert found(got) == (set(), {"half-yearly", "yearly"})
    got = rows("I. TỔ CHỨC THỰC HIỆN\nCác sở gửi báo cáo sơ kết trước ngày 20/6.\n", MULTI)
    assert found(got) == (set(), {"yearly"})


def test_single_year_plan_completes_days_without_year() -> None:
    got = rows("- Tổ chức hưởng ứng Ngày Sách (ngày 21/4) tại các trường học.\n")
    assert found(got)[0] == {"2024-04-21"}


def test_past_dates_and_own_date_are_not_deadlines() -> None:
    got = rows("I. TÌNH HÌNH\nNgày 15/01/2026, Sở Văn hóa đã tổ chức hội nghị sơ kết.\n"
               "II. NHIỆM VỤ\n- Hoàn thành kho dữ liệu trước ngày 30/9/2026.\n"
               "- Gửi báo cáo kèm Kế hoạch ngày 10/3/2026 về Sở.\n", MULTI)
    assert found(got)[0] == {"2026-09-30"}


def test_no_recurrence_in_requirements_targets_or_payments() -> None:
    got = rows("I. MỤC ĐÍCH, YÊU CẦU\n2. Yêu cầu\n- Phối hợp chặt chẽ, thường xuyên giữa các sở.\n"
               "II. NHIỆM VỤ\n- Phấn đấu mỗi năm tăng 10% bạn đọc.\n"
               "- Chi trả phụ cấp hằng tháng cho cộng tác viên.\n"
               "- Cập nhật dữ liệu hằng ngày; tổ chức đọc sách 2 lần/tháng.\n", MULTI)
    assert found(got)[1] == {"daily", "monthly"}
    assert not any(r["recurrence"] == "monthly" and "phụ cấp" in r["task"] for r in got)


def test_year_after_a_year_cue_or_an_inline_label() -> None:
    got = rows("I. NHIỆM VỤ\n1. Số hóa sách cổ; cơ quan chủ trì: Thư viện tỉnh; thời gian hoàn thành: "
               "năm 2027.\n2. Sở Văn hóa hoàn thành trước năm 2029. Sở Tài chính bố trí vốn năm "
               "2031.\n", MULTI)
    assert found(got)[0] == {"2027-12-31", "2029-12-31"}


def test_recurrence_lists_and_single_reports() -> None:
    got = rows("I. NHIỆM VỤ\n1. Các sở thực hiện chế độ báo cáo định kỳ (6 tháng, năm) về Sở Văn hóa.\n"
               "2. Gửi báo cáo tháng 3/2026 và tổng kết năm 2026 về Sở.\n", MULTI)
    assert found(got) == ({"2026-03-31"}, {"half-yearly", "yearly"})
    assert all("định kỳ" in r["task"] for r in got if r["recurrence"])


def test_a_time_cell_is_judged_alone() -> None:
    # a one-line markdown row: the task's "kinh phí" does not cancel the time cell
    table = ("| TT | Nhiệm vụ | Cơ quan chủ trì | Thời gian thực hiện |\n|---|---|---|---|\n"
             "| 1 | Bố trí kinh phí nâng cấp thư viện số | Sở Tài chính | Thường xuyên |\n"
             "| 2 | Chi trả phụ cấp hằng tháng cho cộng tác viên | Sở Nội vụ | Quý III/2026 |\n")
    got = rows(table, MULTI + "I. NHIỆM VỤ\n")
    assert found(got) == ({"2026-09-30"}, {"continuous"})


def test_recurrence_words_that_are_not_duties() -> None:
    got = rows("- Đưa nội dung phòng, chống thiên tai vào chương trình giáo dục thường xuyên; "
               "ưu tiên các xã thường xuyên chịu tác động của bão.\n"
               "- Tuyên truyền lợi ích của thanh toán điện tử trong đời sống hằng ngày.\n"
               "- Đánh giá mức độ hoàn thành nhiệm vụ so với kế hoạch hằng năm.\n"
               "- Sở Nội vụ thường xuyên theo dõi, báo cáo hằng quý.")
    assert found(got)[1] == {"continuous", "quarterly"}
    assert {r["text"] for r in got if r["recurrence"] == "continuous"} == {"thường xuyên"}
    assert len([r for r in got if r["recurrence"] == "continuous"]) == 1


def test_no_recurrence_in_award_standards() -> None:
    head = "KẾ HOẠCH\nPhát động phong trào thi đua năm 2026\n\n"
    got = rows("I. TIÊU CHUẨN KHEN THƯỞNG\n+ Thường xuyên chỉ đạo, đôn đốc các đơn vị.\n\n"
               "II. TỔ CHỨC THỰC HIỆN\n1. Sở Nội vụ thường xuyên theo dõi, báo cáo hằng tháng.", head)
    assert found(got)[1] == {"continuous", "monthly"}
    assert [r["section"] for r in got if r["recurrence"]] == ["II.1", "II.1"]


def test_spans_that_are_not_deadlines() -> None:
    got = rows("- Thi đua hoàn thành Kế hoạch 5 năm (2026 - 2030) của tỉnh; chào mừng 85 năm "
               "Ngày thành lập tỉnh (12/02/1946 - 12/02/2031).\n"
               "- Kiểm kê tài sản tại thời điểm 0h00 ngày 01/01/2027.\n"
               "- Thời hạn thực hiện: Từ tháng 4/2026 đến khi kết thúc kiểm kê.\n"
               "- Số hóa tài liệu thư viện (2026 - 2027); báo cáo trước ngày 15/6/2026.",
               MULTI + "I. NHIỆM VỤ\n")
    assert found(got)[0] == {"2027-12-31", "2026-06-15"}


def test_payment_words_count_near_the_cue_only() -> None:
    got = rows("- Chi trả trợ cấp hằng tháng qua tài khoản ngân hàng.\n"
               "- Thường xuyên rà soát, cập nhật cơ sở dữ liệu đối tượng và lập danh sách chi trả.")
    assert found(got)[1] == {"continuous"}
