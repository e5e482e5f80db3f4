from __future__ import annotations

from pathlib import Path

from kehoach.cli import app
from kehoach.show import segments
from typer.testing import CliRunner

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def test_show_writes_utf8_html(tmp_path: Path) -> None:
    out = tmp_path / "plan.html"
    res = CliRunner().invoke(app, ["show", str(RAW / "haiphong-sdl-2022-tuyen-truyen-cchc.txt"),
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page
    for kind in ("instrument", "channel", "body", "deadline"):
        assert f'<mark class="{kind}' in page, kind
    assert "Văn phòng Sở" in page and "dulichhaiphong.gov.vn" in page


def test_show_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    res = CliRunner().invoke(app, ["show", str(bad)])
    assert res.exit_code == 1


def test_overlapping_spans_are_split() -> None:
    segs = segments("abcdef", [(0, 4, "body", "b"), (2, 6, "channel", "c")])
    assert [(s["text"], s["kinds"]) for s in segs] == [
        ("ab", ["body"]), ("cd", ["channel", "body"]), ("ef", ["channel"])]
