"""Hostile input and failure paths (issue 13): no file can hang, exhaust or crash a batch.

Every case builds a small file of its own, runs a batch beside a good plan, and checks that
the batch ends (within a generous bound: the failures it guards against hang for ever or
for many minutes), that the good plan's rows are written and that the bad file's error row
says why.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW
from kehoach.cli import app
from kehoach.export import writer
from kehoach.run import bound_workers, run
from typer.testing import CliRunner

PLAN = RAW / "haiphong-bql-2024-tuyen-truyen-cchc.txt"
BOUND_S = 120  # far below "for ever", far above any normal run of two small documents


def _cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, list(args))
    assert "Traceback" not in res.output, res.output
    return res.exit_code, res.output


def _batch(folder: Path, out: Path, *extra: str) -> tuple[int, str, pd.DataFrame, pd.DataFrame]:
    t0 = time.monotonic()
    code, output = _cli("extract", str(folder), "-o", str(out), *extra)
    assert time.monotonic() - t0 < BOUND_S
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    errors = pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False)
    return code, output, docs, errors


def _good_rows_written(out: Path) -> None:
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    good = docs[docs["source_path"].str.endswith("good.txt")]
    assert list(good["status"]) == ["ok"]
    cit = pd.read_csv(out / "citations.csv", dtype=str, keep_default_na=False)
    assert (cit["doc_id"] == good["doc_id"].iloc[0]).sum() > 5


def _error(errors: pd.DataFrame, name: str) -> dict[str, str]:
    rows = errors[errors["source_path"].str.endswith(name)]
    assert len(rows) == 1, errors.to_dict("records")
    return rows.iloc[0].to_dict()


@pytest.fixture
def src(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PLAN, folder / "good.txt")
    return folder


def _sabotage(monkeypatch: pytest.MonkeyPatch, action) -> None:  # type: ignore[no-untyped-def]
    """Make the channels component run `action` on a document holding the word SABOTAGE
    (forked workers inherit the patch)."""
    import kehoach.extract.assignments.channels as channels

    real = channels.run

    def run_(ctx):  # type: ignore[no-untyped-def]
        if "SABOTAGE" in ctx.text:
            action()
        return real(ctx)

    monkeypatch.setattr(channels, "run", run_)
    import kehoach.components as components

    components._document_components.cache_clear()


BAD_PLAN = "Kế hoạch số 1/KH-UBND\nCăn cứ Nghị quyết số 76/NQ-CP. SABOTAGE\n"


# ---------------------------------------------------------------- workers: death, time, memory

@pytest.mark.parametrize("workers", ["1", "2"])
@pytest.mark.parametrize("sig", [signal.SIGSEGV, signal.SIGKILL])
def test_a_worker_killed_by_a_signal_costs_only_its_document(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str, sig: signal.Signals
) -> None:
    (src / "bad.txt").write_text(BAD_PLAN, encoding="utf-8")
    _sabotage(monkeypatch, lambda: os.kill(os.getpid(), sig))
    code, _, _, errors = _batch(src, tmp_path / "out", "-w", workers)
    assert code == 1
    _good_rows_written(tmp_path / "out")
    err = _error(errors, "bad.txt")
    assert err["reason"] == "worker_killed"
    assert sig.name in err["message"] and "kehoach.extract.assignments.channels:run" in err["message"]
    assert err["stage"] == "kehoach.extract.assignments.channels:run"


def test_wall_time_limit_stops_a_runaway_document(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (src / "bad.txt").write_text(BAD_PLAN, encoding="utf-8")
    _sabotage(monkeypatch, lambda: time.sleep(3600))
    code, _, _, errors = _batch(src, tmp_path / "out", "-w", "2", "--time-limit", "6")
    assert code == 1
    _good_rows_written(tmp_path / "out")
    err = _error(errors, "bad.txt")
    assert err["reason"] == "limit_wall_seconds"
    assert "wall_seconds=6" in err["message"]


def test_memory_limit_stops_a_document_that_grows(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def grow() -> None:
        hog = []
        for _ in range(400):  # up to 4 GB, 10 MB at a time: the watchdog stops it long before
            hog.append(bytearray(10 * 1024 * 1024))
            time.sleep(0.01)

    (src / "bad.txt").write_text(BAD_PLAN, encoding="utf-8")
    _sabotage(monkeypatch, grow)
    code, _, _, errors = _batch(src, tmp_path / "out", "-w", "1", "--memory-limit", "700")
    assert code == 1
    _good_rows_written(tmp_path / "out")
    err = _error(errors, "bad.txt")
    assert err["reason"] in ("limit_memory_mb", "out_of_memory")
    assert "memory" in err["message"]


def test_a_component_bug_is_named_not_internal_error(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom() -> None:
        raise ValueError("unexpected shape")

    (src / "bad.txt").write_text(BAD_PLAN, encoding="utf-8")
    _sabotage(monkeypatch, boom)
    _, _, _, errors = _batch(src, tmp_path / "out", "-w", "1")
    err = _error(errors, "bad.txt")
    assert err["reason"] == "component_failed"
    assert "ValueError in kehoach.extract.assignments.channels:run: unexpected shape" in err["message"]


# ---------------------------------------------------------------- files that are not files

def test_fifo_device_and_links_are_refused_not_read(src: Path, tmp_path: Path) -> None:
    os.mkfifo(src / "pipe.txt")
    os.symlink("/dev/zero", src / "zero.txt")
    os.symlink(PLAN, src / "linked.txt")  # a link to a regular file is read
    fifo = tmp_path / "arg.txt"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    code, _ = _cli("extract", str(src), str(fifo), "-o", str(tmp_path / "out"), "-w", "1")
    assert time.monotonic() - t0 < BOUND_S
    assert code == 1
    out = tmp_path / "out"
    _good_rows_written(out)
    errors = pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False)
    assert _error(errors, "pipe.txt")["reason"] == "not_regular_file"
    assert "named pipe" in _error(errors, "arg.txt")["message"]
    zero = _error(errors, "zero.txt")
    assert zero["reason"] == "not_regular_file" and "/dev/zero" in zero["message"]
    docs = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    linked = docs[docs["source_path"].str.endswith("linked.txt")].iloc[0]
    assert linked["status"] == "duplicate" or linked["status"] == "ok"
    assert f"symbolic link to {PLAN}" in linked["notes"]


def test_unreadable_sub_folder_is_reported(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = src / "locked"
    locked.mkdir()
    shutil.copy(PLAN, locked / "hidden-from-us.txt")
    real = os.scandir

    def scandir(path="."):  # type: ignore[no-untyped-def]
        # what a folder without read permission does (tests may run as root, who reads anything)
        if isinstance(path, str | os.PathLike) and Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    summary = run([src], tmp_path / "out", workers=1)
    assert summary.ok == 1 and summary.errors == 1
    (err,) = summary.error_rows
    assert err["reason"] == "unreadable_folder" and err["source_path"] == str(locked)


# ---------------------------------------------------------------- bombs and limits

def _docx(document_xml: bytes, numbering_xml: bytes | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        zf.writestr("word/document.xml", document_xml)
        if numbering_xml is not None:
            zf.writestr("word/numbering.xml", numbering_xml)
    return buf.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_docx_zip_bomb_is_stopped_by_the_part_size_limit(src: Path, tmp_path: Path) -> None:
    # document.xml of 300 MB of spaces: a few hundred KB compressed
    filler = b" " * (300 * 1024 * 1024)
    body = f'<w:document {W_NS}><w:body><w:p><w:r><w:t>Kế hoạch</w:t></w:r></w:p>'.encode()
    data = _docx(body + filler + b"</w:body></w:document>")
    del filler
    assert len(data) < 3 * 1024 * 1024
    (src / "bomb.docx").write_bytes(data)
    code, _, _, errors = _batch(src, tmp_path / "out", "-w", "1")
    assert code == 1
    _good_rows_written(tmp_path / "out")
    err = _error(errors, "bomb.docx")
    assert err["reason"] == "limit_docx_part_mb" and "word/document.xml" in err["message"]


def test_docx_huge_list_number_is_stopped(src: Path, tmp_path: Path) -> None:
    numbering = (f'<w:numbering {W_NS}><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
                 '<w:start w:val="100000000000"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/>'
                 '</w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                 '</w:numbering>').encode()
    body = (f'<w:document {W_NS}><w:body><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/>'
            '</w:numPr></w:pPr><w:r><w:t>Tuyên truyền</w:t></w:r></w:p></w:body></w:document>').encode()
    (src / "numbers.docx").write_bytes(_docx(body, numbering))
    _, _, _, errors = _batch(src, tmp_path / "out", "-w", "1")
    _good_rows_written(tmp_path / "out")
    err = _error(errors, "numbers.docx")
    assert err["reason"] == "limit_list_number" and "100000000000" in err["message"]


def _pdf(pages: int, width: float, height: float, content: bytes = b"") -> bytes:
    """A minimal PDF: `pages` pages of `width` x `height` points sharing one content stream."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
            + b"] /Count %d >>" % pages,
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    objs += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents 3 0 R >>" % (width, height)
             for _ in range(pages)]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def test_pdf_huge_page_is_not_rendered(src: Path, tmp_path: Path) -> None:
    data = _pdf(1, 14400, 14400, b"0 0 m 100 100 l S")  # a 200-inch page with one line on it
    assert len(data) < 700
    (src / "huge-page.pdf").write_bytes(data)
    _, _, _, errors = _batch(src, tmp_path / "out", "-w", "1")
    _good_rows_written(tmp_path / "out")
    err = _error(errors, "huge-page.pdf")
    assert err["reason"] == "limit_page_mpixels" and "page 1" in err["message"]


def test_pdf_page_count_limit_and_blank_pages(src: Path, tmp_path: Path) -> None:
    (src / "many.pdf").write_bytes(_pdf(30, 595, 842, b"0 0 m 100 100 l S"))
    (src / "blank.pdf").write_bytes(_pdf(1400, 595, 842))  # 1,400 blank pages: nothing to OCR
    _, _, _, errors = _batch(src, tmp_path / "out", "-w", "1", "--limit", "pages=20")
    _good_rows_written(tmp_path / "out")
    many = _error(errors, "many.pdf")
    assert many["reason"] == "limit_pages" and "30 pages" in many["message"]
    assert _error(errors, "blank.pdf")["reason"] == "limit_pages"
    (src / "many.pdf").unlink()  # its pages would go to OCR
    _, _, _, errors = _batch(src, tmp_path / "out2", "-w", "1")
    assert _error(errors, "blank.pdf")["reason"] == "no_text"  # blank pages are not sent to OCR


def test_input_bytes_limit(src: Path, tmp_path: Path) -> None:
    (src / "big.txt").write_text(PLAN.read_text(encoding="utf-8") * 12, encoding="utf-8")
    assert (src / "big.txt").stat().st_size > 0.1 * 1048576 > PLAN.stat().st_size
    _, _, _, errors = _batch(src, tmp_path / "out", "-w", "1", "--limit", "input_mb=0.1")
    _good_rows_written(tmp_path / "out")
    err = _error(errors, "big.txt")
    assert err["reason"] == "limit_input_mb" and "input_mb=0.1" in err["message"]


def test_bad_limit_option_is_a_usage_error(src: Path, tmp_path: Path) -> None:
    code, output = _cli("extract", str(src), "-o", str(tmp_path / "out"), "--limit", "pagez=3")
    assert code == 2 and "pagez=3" in output and not (tmp_path / "out").exists()


# ---------------------------------------------------------------- decoding

def test_utf16_invalid_bytes_and_nul_are_decoded_and_noted(src: Path, tmp_path: Path) -> None:
    text = PLAN.read_text(encoding="utf-8")
    (src / "utf16.txt").write_bytes(b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le"))
    raw = text.encode("utf-8")
    cut = raw.index(b"\n", 9000)
    (src / "damaged.txt").write_bytes(raw[:100] + b"\xff" + raw[100:cut] + b"\x00\x00" + raw[cut:] + b"\n")
    _, _, docs, errors = _batch(src, tmp_path / "out", "-w", "1")
    assert errors.empty
    docs = docs.set_index(docs["source_path"].map(lambda p: Path(p).name))
    assert docs.loc["utf16.txt", "encoding"] == "utf-16"
    assert docs.loc["utf16.txt", "status"] == "duplicate" or docs.loc["utf16.txt", "status"] == "ok"
    assert docs.loc["damaged.txt", "status"] == "ok"
    notes = docs.loc["damaged.txt", "notes"]
    assert "1 invalid UTF-8 bytes replaced" in notes and "2 NUL bytes removed" in notes
    cit = pd.read_csv(tmp_path / "out" / "citations.csv", dtype=str, keep_default_na=False)
    assert not cit.apply(lambda col: col.str.contains("\x00")).any().any()


# ---------------------------------------------------------------- output and messages

def test_brackets_in_paths_are_printed_as_they_are(tmp_path: Path) -> None:
    src = tmp_path / "in[/]put [red]x"  # a folder "in[" holding a folder "]put [red]x"
    src.mkdir(parents=True)
    shutil.copy(PLAN, src / "good.txt")
    (src / "empty [red].txt").write_bytes(b"")
    out = tmp_path / "o[/]x"
    code, output = _cli("extract", str(src), "-o", str(out), "-w", "1")
    assert code == 1
    assert "empty [red].txt: file is empty" in output and f"-> {out}" in output
    _good_rows_written(out)
    code, output = _cli("show", str(src / "empty [red].txt"), "-o", str(tmp_path / "x[/].html"))
    assert code == 1 and "empty [red].txt" in output


def test_output_that_cannot_be_written_is_exit_3_before_any_work(src: Path, tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x", encoding="utf-8")
    code, output = _cli("extract", str(src), "-o", str(target), "-w", "1")
    assert code == 3 and "is a file, not a folder" in output
    assert len(output.strip().splitlines()) == 1


def test_full_disk_at_the_end_is_exit_3_and_keeps_the_old_tables(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert _cli("extract", str(src), "-o", str(out), "-w", "1")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    real = writer.write_files

    def full(folder, tables, excel=False):  # type: ignore[no-untyped-def]
        real(folder, tables, excel)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write_files", full)
    (src / "more.txt").write_text(BAD_PLAN.replace("SABOTAGE", ""), encoding="utf-8")
    code, output = _cli("extract", str(src), "-o", str(out), "-w", "1")
    assert code == 3 and "No space left on device" in output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not [p for p in tmp_path.iterdir() if ".kehoach-tmp-" in p.name]


def test_a_second_run_into_a_locked_folder_stops(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with writer.Output(out):
        code, output = _cli("extract", str(src), "-o", str(out), "-w", "1")
    assert code == 3 and "in use by another kehoach run" in output
    assert not (out / "documents.csv").exists()


def test_set_switch_is_one_step_and_stale_staging_is_cleaned(src: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = tmp_path / ".out.kehoach-tmp-killed"  # what a killed run leaves
    stale.mkdir()
    (stale / "citations.csv").write_text("stale", encoding="utf-8")
    out.mkdir()
    (out / "README.txt").write_text("mine", encoding="utf-8")  # not written by kehoach: kept
    old_inode = out.stat().st_ino
    run([src], out, workers=1)
    assert not stale.exists()
    assert (out / "README.txt").read_text(encoding="utf-8") == "mine"
    assert out.stat().st_ino != old_inode  # the folder itself was switched, not file by file
    docs = pd.read_parquet(out / "documents.parquet")
    cit = pd.read_parquet(out / "citations.parquet")
    assert set(cit["doc_id"]) <= set(docs["doc_id"])


def test_formula_cells_are_neutralized_in_csv_not_parquet(tmp_path: Path) -> None:
    evil = ["=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1:A9)", "+1", "-2+3", "\tx", "\rx", "Kế hoạch"]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(evil))],
                         "source_path": [f"p{i}.txt" for i in range(len(evil))], "title": evil})
    for excel in (False, True):
        out = tmp_path / f"out{excel}"
        writer.write_tables(out, {"documents": docs}, excel=excel)
        with open(out / "documents.csv", encoding="utf-8-sig", newline="") as fh:
            titles = [row["title"] for row in csv.DictReader(fh)]
        # a bare CR would end the CSV row in most readers: written as a line feed (quoted)
        assert titles == ["'" + v.replace("\r", "\n") for v in evil[:-1]] + ["Kế hoạch"]
        assert list(pd.read_parquet(out / "documents.parquet")["title"]) == evil
        with sqlite3.connect(out / "kehoach.sqlite") as db:  # SQLite keeps the text as it is
            assert [r[0] for r in db.execute("SELECT title FROM documents ORDER BY doc_id")] == evil


def test_workers_are_bounded(src: Path, tmp_path: Path) -> None:
    assert bound_workers(400, 5) == 5
    assert bound_workers(0, 3) >= 1
    assert bound_workers(2, 0) == 1
    code, _ = _cli("extract", str(src), "-o", str(tmp_path / "out"), "-w", "-1")
    assert code == 2


def test_show_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    plan = tmp_path / "a.txt"
    shutil.copy(PLAN, plan)
    code, output = _cli("show", str(plan), "-o", str(plan))
    assert code == 2 and "is the input file itself" in output
    assert plan.read_bytes() == PLAN.read_bytes()


# ---------------------------------------------------------------- evaluate

def _gold(folder: Path, stem: str) -> None:
    folder.mkdir(exist_ok=True)
    gold = {"file": f"{stem}.txt", "instruments": [{"id": "76/NQ-CP", "mentions": ["Nghị quyết số 76/NQ-CP"]}]}
    (folder / f"{stem}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")


def test_evaluate_counts_a_failed_gold_document_as_misses(src: Path, tmp_path: Path) -> None:
    (src / "bad.txt").write_bytes(b"")
    out = tmp_path / "out"
    _cli("extract", str(src), "-o", str(out), "-w", "1")
    gold = tmp_path / "gold"
    _gold(gold, "bad")
    code, output = _cli("evaluate", str(out), "--gold", str(gold))
    assert code == 2 and "no document" in output  # nothing matched at all
    assert "1.000" not in output and "n/a" in output
    _gold(gold, "good")
    code, output = _cli("evaluate", str(out), "--gold", str(gold))
    assert code == 1
    assert "bad: MISS 76/NQ-CP" in output and "have no output (counted as all misses): bad" in output


def test_output_folder_that_cannot_be_switched_is_written_file_by_file(
    src: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A mount point (or a folder whose parent is read-only) cannot be swapped with a sibling:
    the tables are then staged inside it and moved into place one by one."""
    out = tmp_path / "mounted"
    out.mkdir()
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if Path(p) == tmp_path else real(p, mode, **kw))
    inode = out.stat().st_ino
    summary = run([src], out, workers=1)
    assert summary.ok == 1 and out.stat().st_ino == inode
    _good_rows_written(out)
    assert not [p for p in tmp_path.iterdir() if ".kehoach-tmp-" in p.name]
    assert not [p for p in out.iterdir() if ".kehoach-tmp-" in p.name]


def test_long_blank_runs_after_citations_are_no_longer_slow(src: Path, tmp_path: Path) -> None:
    """Citations each followed by a long run of spaces: the instrument grammar's trailing
    date/year patterns used to backtrack over every split of the run (quadratic per citation);
    the gaps are now bounded, so the document is processed well inside its time limit, with
    all its citations (were it slow again, it would end as limit_wall_seconds)."""
    gap = " " * 30000
    text = "KẾ HOẠCH\n" + "".join(f"Căn cứ Nghị định số {i}/2020/NĐ-CP{gap}\n" for i in range(1, 40))
    (src / "slow.txt").write_text(text, encoding="utf-8")
    code, _, _, errors = _batch(src, tmp_path / "out", "-w", "2", "--time-limit", "20")
    assert code == 0, errors
    _good_rows_written(tmp_path / "out")
    cit = pd.read_parquet(tmp_path / "out" / "citations.parquet")
    assert {f"{i:02d}/2020/NĐ-CP" for i in range(1, 40)} <= set(cit["instrument_id"])


def test_pdf_with_a_huge_compressed_content_stream_is_stopped_by_the_memory_limit(
    src: Path, tmp_path: Path
) -> None:
    """A 300 KB PDF whose content stream inflates to 300 MB: the worker's memory passes the
    limit while the PDF library parses it; the watchdog stops it."""
    import zlib

    z = zlib.compressobj(9)
    comp = z.compress(b"0 0 m 100 100 l S\n")
    chunk = b" " * (1024 * 1024)
    comp += b"".join(z.compress(chunk) for _ in range(300)) + z.flush()
    assert len(comp) < 400_000
    pdf = _pdf(1, 595, 842).replace(
        b"<< /Length 0 >>\nstream\n\nendstream",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp + b"\nendstream")
    (src / "inflating.pdf").write_bytes(pdf)
    _, _, _, errors = _batch(src, tmp_path / "out", "-w", "1", "--memory-limit", "400")
    _good_rows_written(tmp_path / "out")
    err = _error(errors, "inflating.pdf")
    assert err["reason"] in ("limit_memory_mb", "out_of_memory"), err
