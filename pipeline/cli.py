"""Command-line program `kehoach`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from kehoach.process import DocResult
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

app = typer.Typer(
    help="Turn Vietnamese government plans (Kế hoạch, Quyết định) into a research-grade dataset.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


@app.command()
def extract(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (searched recursively). Default: data/raw"),
    ] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path(
        "data/processed"
    ),
    workers: Annotated[
        int, typer.Option("--workers", "-w", help="Worker processes (default: all cores).")
    ] = 0,
    excel: Annotated[
        bool, typer.Option("--excel", help="Write CSV with a UTF-8 BOM so Excel shows Vietnamese.")
    ] = False,
    pipeline_config: Annotated[
        str | None,
        typer.Option("--pipeline", help="Pipeline configuration under models/ or a path "
                     "(default pipeline.yaml; pipeline-instruments.yaml: cited instruments only)."),
    ] = None,
) -> None:
    """Extract cited instruments (and everything else the pipeline knows) into OUT."""
    from kehoach.components import PIPELINE_ENV
    from kehoach.run import discover, run
    from kehoach.tables import model_path

    if pipeline_config:
        if not model_path(pipeline_config).is_file():
            err.print(f"[red]error[/red] --pipeline {pipeline_config}: no such configuration "
                      "(a file under models/ or a path)")
            raise typer.Exit(2)
        os.environ[PIPELINE_ENV] = pipeline_config  # worker processes inherit it

    inputs = paths or [Path("data/raw")]
    skipped: list[str] = []
    n_files = len(discover(inputs, skipped))
    if skipped:
        kinds = sorted({Path(f).suffix.lower() or "(no suffix)" for f in skipped})
        err.print(f"note: {len(skipped)} file(s) in the folders are not documents kehoach reads "
                  f"({', '.join(kinds)}) and were left out", highlight=False)
    workers = workers or os.cpu_count() or 1
    show_bar = err.is_terminal

    def report(res: DocResult) -> None:
        if res.error is not None:
            err.print(f"[red]error[/red] {res.error['source_path']}: {res.error['message']}",
                      highlight=False, markup=True)

    if show_bar:
        with Progress(
            TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True,
        ) as progress:
            task = progress.add_task("extract", total=n_files)

            def tick(res: DocResult) -> None:
                report(res)
                progress.advance(task)

            summary = run(inputs, out, workers=workers, excel=excel, on_result=tick)
    else:
        summary = run(inputs, out, workers=workers, excel=excel, on_result=report)
    err.print(f"{summary.line()} -> {out}", highlight=False)
    if summary.errors:
        raise typer.Exit(1)


@app.command()
def evaluate(
    out: Annotated[Path, typer.Argument(help="Output folder of `kehoach extract`.")] = Path(
        "data/processed"
    ),
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold JSON files.")] = Path(
        "tests/gold"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Scores only, without the list of misses.")] = False,
) -> None:
    """Score an output folder against gold annotations (GUIDELINE format)."""
    from kehoach.evaluate import evaluate_dir

    report = evaluate_dir(gold, out)
    sys.stdout.write(report.render(verbose=not quiet))
    if report.n_documents == 0:
        err.print(f"no document in {out} matches a gold file in {gold}")
        raise typer.Exit(2)


def main() -> None:  # pragma: no cover
    app()


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="One plan (any supported format).")],
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="HTML file to write (default: FILE.html).")
    ] = None,
) -> None:
    """Render one plan as HTML with every extracted span highlighted by kind."""
    from kehoach.errors import DocumentError
    from kehoach.show import render

    try:
        page = render(file)
    except DocumentError as exc:
        err.print(f"[red]error[/red] {exc.path}: {exc.message}", highlight=False)
        raise typer.Exit(1) from None
    target = out or file.with_suffix(".html")
    target.write_text(page, encoding="utf-8")
    err.print(f"{file} -> {target}", highlight=False)


@app.command()
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
        err.print(f"[red]error[/red] {exc}", highlight=False)
        raise typer.Exit(2) from None
    err.print(f"{summary.line()} -> {summary.workbook}", highlight=False)
    if summary.errors:
        raise typer.Exit(1)


registry_app = typer.Typer(help="Registry of instruments (truth for `check`).", no_args_is_help=True)
app.add_typer(registry_app, name="registry")


@registry_app.command("build")
def registry_build(
    paths: Annotated[list[Path], typer.Argument(help="Plans (files, folders) or one output folder of extract.")],
    out: Annotated[Path, typer.Option("-o", "--out", help="Registry CSV to write.")] = Path("registry.csv"),
) -> None:
    """Build a registry from a corpus: each instrument's own document, else the consensus of its citations."""
    from kehoach.resolve.registry import build

    reg = build(paths, out)
    err.print(f"{len(reg)} instruments ({(reg['truth_source'] == 'document').sum()} from their own document) "
              f"-> {out}", highlight=False)


@app.command()
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
        err.print(f"[red]error[/red] {out}: no documents.csv (run `kehoach extract -o {out}` first)")
        raise typer.Exit(2)
    path, failed = build_report(out, target, with_pages=with_pages)
    for src in failed:
        err.print(f"note: no page for {src} (source file not readable from here)", highlight=False)
    err.print(f"{out} -> {path} ({path.stat().st_size / 1e6:.1f} MB)", highlight=False)
