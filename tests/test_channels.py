from __future__ import annotations

from pathlib import Path

from helpers import run_text
from kehoach.evaluate import evaluate_dir

GOLD = Path(__file__).resolve().parent / "gold"
SECTION = "Assignments (channels, lead bodies, deadlines)"


def channels(title: str, body: str) -> list[dict]:
    return run_text(f"KẾ HOẠCH\n{title}\n\nI. HÌNH THỨC\n{body}\n").tables.get("channels", [])


def test_channel_floor(dev_out: Path) -> None:
    metric = evaluate_dir(GOLD, dev_out).section(SECTION).metric("channel-set F1")
    assert metric.value is not None and metric.value >= 0.90, metric.detail


def test_codes_platforms_urls() -> None:
    rows = channels(
        "Tuyên truyền phổ biến pháp luật năm 2026",
        "- Đăng tải trên Cổng thông tin điện tử tỉnh (https://pakn.khanhhoa.gov.vn/), trang "
        "dulichhaiphong.gov.vn; fanpage, Zalo và TikTok.\n"
        "- Phát trên hệ thống loa truyền thanh cơ sở, tổ chức hội thi, phát tờ gấp, "
        "tuyên truyền miệng qua báo cáo viên; đường dây nóng; sân khấu hóa.",
    )
    codes = {r["channel"] for r in rows}
    assert {"web_portal", "social_media", "radio", "contest", "print", "oral", "hotline",
            "performance"} <= codes
    assert {r["url"] for r in rows if r["url"]} == {
        "https://pakn.khanhhoa.gov.vn/", "dulichhaiphong.gov.vn"}
    assert {r["platform"] for r in rows if r["platform"]} == {"Zalo", "TikTok"}
    assert all(r["section"] == "I" for r in rows)


def test_non_channels_and_other_subjects() -> None:
    rows = channels("Tuyên truyền năm 2026",
                    "- Ứng dụng công nghệ thông tin; các báo cáo định kỳ; chính sách mới.")
    assert rows == []
    rows = channels("Phát triển nông nghiệp năm 2026", "- Tổ chức hội nghị, tập huấn.")
    assert rows == []


def test_offsets_point_at_the_source() -> None:
    text = "KẾ HOẠCH\n**Tuyên truyền** năm 2026\n\nI. HÌNH THỨC\n- Treo **băng rôn**, khẩu hiệu.\n"
    ctx = run_text(text)
    row = next(r for r in ctx.tables["channels"] if r["channel"] == "visual")
    assert text[row["start"] : row["end"]] == "băng rôn"


def test_awareness_raising_is_a_communication_subject() -> None:
    rows = channels(
        "Triển khai Đề án “Nâng cao nhận thức cộng đồng về an toàn giao thông đến năm 2030”",
        "- Tổ chức tập huấn cho tuyên truyền viên; xây dựng phòng triển lãm, trưng bày hình "
        "ảnh phục vụ tham quan, học tập của học sinh.",
    )
    codes = {r["channel"] for r in rows}
    assert codes == {"training", "oral", "visual"}
    rows = channels("Đoàn cán bộ đi tham quan học tập năm 2026", "- Tổ chức hội nghị.")
    assert rows == []


def test_a_topical_talk_is_oral() -> None:
    rows = channels("Tuyên truyền phòng, chống ma túy năm 2026",
                    "- Tổ chức nói chuyện chuyên đề tại các trường học.")
    assert {r["channel"] for r in rows} == {"oral"}
