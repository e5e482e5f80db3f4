"""Command-line program `kehoach`.

Exit codes (README "Exit codes"): 0 done; 1 some documents failed (extract) or a score is
below its floor / a gold document has no output (evaluate); 2 usage error (bad option, no
input, nothing to evaluate); 3 the output could not be written; 4 internal error (a bug);
130 interrupted. Every failure ends with one line on stderr, never a traceback (set
KEHOACH_DEBUG=1 to see one). Messages never go through rich markup: paths are printed as
they are, brackets included.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from kehoach.process import DocResult
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_OUTPUT = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

app = typer.Typer(
    help="Turn Vietnamese government plans (Kế hoạch, Quyết định) into a research-grade dataset.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True, markup=False, highlight=False, emoji=False)

F = TypeVar("F", bound=Callable[..., Any])


def say(message: str, label: str = "", style: str = "red") -> None:
    """One line on stderr; `label` ("error", "note") styled, the message printed as it is."""
    line = Text(f"{label} ", style=style) if label else Text()
    line.append(message)
    err.print(line, soft_wrap=True)


def fail(message: str, code: int) -> typer.Exit:
    say(message, "error")
    return typer.Exit(code)


def guarded(fn: F) -> F:
    """Turn anything unexpected into one line and an exit code instead of a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kehoach.export.writer import OutputError

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except OutputError as exc:
            raise fail(str(exc), EXIT_OUTPUT) from None
        except KeyboardInterrupt:
            raise fail("interrupted: no tables were written", EXIT_INTERRUPTED) from None
        except Exception as exc:
            if os.environ.get("KEHOACH_DEBUG"):
                raise
            where = ""
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                where = f" ({tb.tb_frame.f_code.co_filename.rsplit('/', 1)[-1]}:{tb.tb_lineno})"
            raise fail(f"internal error: {type(exc).__name__}: {exc}{where} "
                       "(a bug: please report it; KEHOACH_DEBUG=1 shows the traceback)",
                       EXIT_INTERNAL) from None

    return wrapper  # type: ignore[return-value]


@app.command()
@guarded
def extract(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (searched recursively). Default: data/raw"),
    ] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path(
        "data/processed"
    ),
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=0,
                          help="Worker processes (default 0: one per core; never more than files).")
    ] = 0,
    excel: Annotated[
        bool, typer.Option("--excel", help="Write CSV with a UTF-8 BOM so Excel shows Vietnamese.")
    ] = False,
    pipeline_config: Annotated[
        str | None,
        typer.Option("--pipeline", help="Pipeline configuration under models/ or a path "
                     "(default pipeline.yaml; pipeline-instruments.yaml: cited instruments only)."),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.001,
                                   help="Wall-time limit per document in seconds (models/limits.yaml).")
    ] = None,
    memory_limit: Annotated[
        float | None, typer.Option("--memory-limit", min=1,
                                   help="Memory limit per document (worker process) in MB.")
    ] = None,
    limit: Annotated[
        list[str] | None, typer.Option("--limit", help="Another per-document limit, NAME=VALUE "
                                       "(repeatable; names in models/limits.yaml).")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Process every file again, ignoring the cache of "
                           "unchanged files (OUT/.kehoach-cache).")
    ] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
    ] = False,
    executor: Annotated[
        str, typer.Option("--executor", help="local (watched worker processes) or dask.")
    ] = "local",
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="With --executor dask: address of a Dask "
                                 "scheduler (tcp://HOST:8786); default: a LocalCluster.")
    ] = None,
) -> None:
    """Extract cited instruments (and everything else the pipeline knows) into OUT."""
    from kehoach import limits as limits_mod
    from kehoach import supervise
    from kehoach.components import use_profile
    from kehoach.rules import model_path

    if pipeline_config:
        if not model_path(pipeline_config).is_file():
            raise fail(f"--pipeline {pipeline_config}: no such configuration "
                       "(a file under models/ or a path)", EXIT_USAGE)
        try:
            use_profile(pipeline_config)
        except ValueError as exc:
            raise fail(f"--pipeline {exc}", EXIT_USAGE) from None
    try:
        overrides = limits_mod.parse_overrides(limit or [])
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    if time_limit is not None:
        overrides["wall_seconds"] = time_limit
    if memory_limit is not None:
        overrides["memory_mb"] = memory_limit
    limits_mod.set_overrides(overrides)

    if executor not in ("local", "dask"):
        raise fail(f"--executor {executor}: expected local or dask", EXIT_USAGE)
    if scheduler and executor != "dask":
        raise fail("--scheduler needs --executor dask", EXIT_USAGE)
    if executor == "dask":
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise fail("--executor dask needs dask.distributed: pip install 'dask[distributed]'",
                       EXIT_USAGE) from None

    # the workers start now and compile while this process imports the batch machinery
    # (pandas, pyarrow) and lists the files; not when there are more workers than cores
    # (they would all compile at once on too few cores)
    if executor == "local" and 0 < (workers or os.cpu_count() or 1) <= (os.cpu_count() or 1):
        supervise.prestart(workers or os.cpu_count() or 1)
    try:
        _extract(paths, out, workers, excel, pipeline_config, force, no_cache, executor, scheduler)
    finally:
        supervise.release()  # those no batch took (every file from the cache, an error...)


def _extract(paths: list[Path] | None, out: Path, workers: int, excel: bool,
             pipeline_config: str | None, force: bool, no_cache: bool, executor: str,
             scheduler: str | None) -> None:
    from kehoach.run import bound_workers, find, run

    inputs = paths or [Path("data/raw")]
    found = find(inputs)
    if found.skipped:
        kinds = sorted({Path(f).suffix.lower() or "(no suffix)" for f in found.skipped})
        say(f"{len(found.skipped)} file(s) in the folders are not documents kehoach reads "
            f"({', '.join(kinds)}) and were left out", "note", "yellow")
    n_files = len(found.files)
    workers = bound_workers(workers, n_files)
    show_bar = err.is_terminal

    def report(res: DocResult) -> None:
        if res.error is not None:
            say(f"{res.error['source_path']}: {res.error['message']}", "error")

    if show_bar:
        with Progress(
            TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        ) as progress:
            task = progress.add_task("extract", total=n_files + len(found.problems))

            def tick(res: DocResult) -> None:
                report(res)
                progress.advance(task)

            summary = run(inputs, out, workers=workers, excel=excel, on_result=tick, found=found,
                          use_cache=not no_cache, force=force, executor=executor, scheduler=scheduler,
                          profile=pipeline_config)
    else:
        summary = run(inputs, out, workers=workers, excel=excel, on_result=report, found=found,
                      use_cache=not no_cache, force=force, executor=executor, scheduler=scheduler,
                      profile=pipeline_config)
    say(f"{summary.line()} -> {out}")
    if summary.errors:
        raise typer.Exit(EXIT_FAILED)


@app.command()
@guarded
def evaluate(
    out: Annotated[Path, typer.Argument(help="Output folder of `kehoach extract`.")] = Path(
        "data/processed"
    ),
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold JSON files.")] = Path(
        "tests/gold"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Scores only, without the list of misses.")] = False,
) -> None:
    """Score an output folder against gold annotations (GUIDELINE format).

    Exit 0 when every score reaches its floor, 1 when one is below (a gold document with no
    output counts as all misses), 2 when nothing can be evaluated."""
    from kehoach.evaluate import evaluate_dir

    if not (out / "documents.csv").is_file() and not (out / "documents.parquet").is_file():
        raise fail(f"{out} holds no kehoach output (no documents table)", EXIT_USAGE)
    if not gold.is_dir() or not any(gold.glob("*.json")):
        raise fail(f"{gold}: no gold JSON files", EXIT_USAGE)
    report = evaluate_dir(gold, out)
    sys.stdout.write(report.render(verbose=not quiet))
    if report.n_documents == 0:
        raise fail(f"no document in {out} matches a gold file in {gold}", EXIT_USAGE)
    if report.unmatched:
        raise fail(f"{len(report.unmatched)} gold document(s) have no output (counted as all misses): "
                   f"{', '.join(report.unmatched)}", EXIT_FAILED)
    if not report.ok:
        below = [m.name for s in report.sections for m in s.metrics if not m.ok]
        raise fail(f"below the floor: {', '.join(below)}", EXIT_FAILED)


def main() -> None:  # pragma: no cover
    app()


@app.command()
@guarded
def show(
    file: Annotated[Path, typer.Argument(help="One plan (any supported format).")],
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="HTML file to write (default: FILE.html).")
    ] = None,
) -> None:
    """Render one plan as HTML with every extracted span highlighted by kind."""
    from kehoach.errors import DocumentError
    from kehoach.show import render

    target = out or file.with_suffix(".html")
    if os.path.realpath(target) == os.path.realpath(file) or (
        target.exists() and file.exists() and os.path.samefile(target, file)
    ):
        raise fail(f"-o {target} is the input file itself: choose another output file", EXIT_USAGE)
    if target.is_dir():
        raise fail(f"-o {target} is a folder: give an HTML file name", EXIT_USAGE)
    try:
        page = render(file)
    except DocumentError as exc:
        raise fail(f"{exc.path}: {exc.message}", EXIT_FAILED) from None
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {target}: {exc.strerror or exc}", EXIT_OUTPUT) from None
    say(f"{file} -> {target}")


@app.command()
@guarded
def check(
    paths: Annotated[list[Path], typer.Argument(help="Plans (files, folders) or one output folder of extract.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("data/check"),
    registry: Annotated[
        list[Path] | None, typer.Option("--registry", help="Registry CSV to trust (repeatable).")
    ] = None,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Required-instrument rules (default models/check_rules.yaml).")
    ] = None,
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes for extraction.")] = 1,
) -> None:
    """Flag wrong citations, list missing ones, and write flags/matrix/missing CSV and check.xlsx."""
    from kehoach.resolve.check import run_check

    try:
        summary = run_check(paths, out, registry or [], rules, workers=workers)
    except (ValueError, OSError) as exc:  # a registry or rules file that cannot be used
        raise fail(str(exc), EXIT_USAGE) from None
    say(f"{summary.line()} -> {summary.workbook}")
    if summary.errors:
        raise typer.Exit(EXIT_FAILED)


registry_app = typer.Typer(help="Registry of instruments (truth for `check`).", no_args_is_help=True)
app.add_typer(registry_app, name="registry")


@registry_app.command("build")
@guarded
def registry_build(
    paths: Annotated[list[Path], typer.Argument(help="Plans (files, folders) or one output folder of extract.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Registry CSV to write.")] = Path("registry.csv"),
) -> None:
    """Build a registry from a corpus: each instrument's own document, else the consensus of its citations."""
    from kehoach.resolve.registry import build

    reg = build(paths, out)
    say(f"{len(reg)} instruments ({(reg['truth_source'] == 'document').sum()} from their own document) -> {out}")


@app.command()
@guarded
def report(
    out: Annotated[Path, typer.Argument(help="Output folder of `kehoach extract`.")] = Path("data/processed"),
    target: Annotated[Path, typer.Option("-o", "--output", help="HTML file to write.")] = Path("report.html"),
    with_pages: Annotated[
        bool, typer.Option("--with-pages", help="Also write each plan's `kehoach show` page beside it, linked.")
    ] = False,
) -> None:
    """One self-contained HTML page comparing the plans of an output folder (works offline)."""
    from kehoach.report import build_report

    if not (out / "documents.csv").is_file():
        raise fail(f"{out}: no documents.csv (run `kehoach extract -o {out}` first)", EXIT_USAGE)
    path, failed = build_report(out, target, with_pages=with_pages)
    for src in failed:
        say(f"no page for {src} (source file not readable from here)", "note", "yellow")
    say(f"{out} -> {path} ({path.stat().st_size / 1e6:.1f} MB)")
