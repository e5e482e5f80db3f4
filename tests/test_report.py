"""`kehoach report`: a self-contained comparison page; rendered in headless Chromium when installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from kehoach.cli import app
from kehoach.report import charts, current_province, current_provinces, render_report
from typer.testing import CliRunner


def test_provinces_after_the_2025_merger() -> None:
    provinces = current_provinces()
    assert len(provinces) == 34
    assert current_province("Bạc Liêu") == "Cà Mau"  # merged into Cà Mau
    assert current_province("BR-VT") == "Hồ Chí Minh"  # an alias of Bà Rịa - Vũng Tàu
    assert current_province("Cà Mau") == "Cà Mau"
    assert current_province("Atlantis") == ""


def test_charts_escape_and_scale() -> None:
    svg = charts.hbar([("Sở <Nội vụ>", 4), ("Sở Tư pháp", 2)], "x")
    assert "Sở &lt;Nội vụ&gt;" in svg and "<Nội" not in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert charts.hbar([], "x").startswith('<p class="empty">')
    heat = charts.heatmap(["A"], ["P", "Q"], [[0, 3]], "x")
    assert "A × Q: 3" in heat and "A × P" not in heat


@pytest.fixture(scope="module")
def report_file(dev_out: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("report") / "report.html"
    res = CliRunner().invoke(app, ["report", str(dev_out), "-o", str(target), "--with-pages"])
    assert res.exit_code == 0, res.output
    return target


def test_report_is_self_contained(report_file: Path) -> None:
    page = report_file.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page and "default-src 'none'" in page
    # nothing fetched: no script, no external stylesheet, image or font; only relative links
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", page)
    assert "url(" not in page
    for heading in ("Kế hoạch theo tỉnh, cấp, năm và loại", "Văn bản được trích dẫn", "Kênh truyền thông",
                    "Cơ quan chủ trì", "Thời hạn", "Danh sách văn bản"):
        assert heading in page
    assert page.count("<svg") >= 8
    # the five development plans: Cao Bằng, Trà Vinh (Duyên Hải, now Vĩnh Long), Hải Phòng x2, Khánh Hòa
    assert "76/NQ-CP" in page
    rows = re.findall(r'<a href="(report_pages/[0-9a-f]{16}\.html)">', page)
    assert len(rows) == 5
    for link in rows:
        assert (report_file.parent / link).is_file()


def test_report_shows_check_flags_when_present(dev_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(dev_out, out)
    assert "Cảnh báo kiểm tra" not in render_report(out)
    (out / "flags.csv").write_text(
        "doc_id,instrument_key,kind,cited,expected\n"
        "abc,76/NQ-CP|2021|,date_mismatch,2021-07-15,2021-07-25\n"
        "abc,61/2018/NĐ-CP|2018|,issuer_mismatch,Bộ Nội vụ,Chính phủ\n", encoding="utf-8")
    page = render_report(out)
    assert "Cảnh báo kiểm tra" in page and "date_mismatch" in page and "2021-07-25" in page


def test_report_needs_an_output_folder(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(tmp_path), "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and not (tmp_path / "r.html").exists()


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if path := shutil.which(name):
            return path
    return None


def _render(browser: str, page: Path, shot: Path, height: int) -> list[str]:
    """Screenshot `page` in headless Chromium; return the console messages it logged."""
    proc = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
         "--enable-logging=stderr", "--v=0", f"--window-size=1280,{height}", f"--screenshot={shot}",
         page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert shot.is_file(), proc.stderr[-2000:]
    return [line for line in proc.stderr.splitlines() if "CONSOLE" in line]


def test_report_renders_in_chromium(report_file: Path, tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        pytest.skip("chromium not installed (apt-get install chromium; scripts/setup.sh does it)")
    # the console check can fail: a page that logs an error is caught
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><p>x</p><script>console.error('kehoach-probe')</script></body></html>")
    assert any("kehoach-probe" in line for line in _render(browser, bad, tmp_path / "bad.png", 300))

    shot = tmp_path / "report.png"
    console = _render(browser, report_file, shot, 3000)
    assert console == [], console

    from PIL import Image

    img = Image.open(shot).convert("RGB")
    assert img.size == (1280, 3000)
    small = img.resize((160, 375))
    colours = small.getcolors(maxcolors=160 * 375)  # [(count, (r, g, b))]
    ink = sum(n for n, rgb in colours if sum(rgb) < 600)  # not white / near-white
    assert ink / (160 * 375) > 0.03, "screenshot is (almost) blank"
    assert len(colours) > 50, "screenshot has almost no colours: charts not drawn"


def test_report_of_a_run_without_plans(tmp_path: Path) -> None:
    import pandas as pd
    from kehoach.export.writer import write_tables

    write_tables(tmp_path, {"documents": pd.DataFrame([{"source_path": "x.pdf", "status": "error",
                                                         "error": "corrupt: broken"}])})
    page = render_report(tmp_path)
    assert re.search(r"<b>0</b> kế hoạch", page) and re.search(r"<b>1</b> tệp lỗi", page)
    assert "Không có dữ liệu" in page and "<svg" not in page


def test_every_code_has_a_vietnamese_label() -> None:
    """models/report_labels.yaml labels every channel code of the lexicon, every recurrence
    and role the extractors write, and every issuer level of the units table."""
    import json

    from kehoach import report
    from kehoach.rules import load_csv, model_path

    lexicon = {json.loads(line)["label"] for line in model_path("channels.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()} - {"-"}  # "-": a phrase that is no channel
    assert lexicon <= set(report.CHANNELS), lexicon - set(report.CHANNELS)
    assert {"daily", "weekly", "monthly", "quarterly", "half-yearly", "nine-monthly", "yearly",
            "continuous"} <= set(report.RECURRENCES)
    assert {"lead", "support", "requested", "report_to", "approve"} <= set(report.ROLES)
    levels = {r["level"] for r in load_csv("admin_units.csv") if r.get("level")}
    assert levels <= set(report.LEVELS) | {""}, levels - set(report.LEVELS)
