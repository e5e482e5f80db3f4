"""A batch: find files, process them over worker processes, resolve across documents, export."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from kehoach.components import run_components, warm_up
from kehoach.export.writer import write_tables
from kehoach.process import DocResult, process_path
from kehoach.read import supported_suffixes


def discover(paths: Iterable[str | os.PathLike[str]], skipped: list[str] | None = None) -> list[str]:
    """Files to process: given files as they are (so a bad one is reported), folders
    searched recursively for supported formats (hidden files and folders left out; other
    files are appended to `skipped`). Sorted, each once."""
    suffixes = set(supported_suffixes())
    found: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if any(part.startswith(".") for part in f.relative_to(p).parts):
                    continue
                if not (f.is_file() or f.is_symlink()):
                    continue
                if f.suffix.lower() in suffixes:
                    found.append(str(f))
                elif skipped is not None:
                    skipped.append(str(f))
        else:
            found.append(str(p))
    seen: set[str] = set()
    return [f for f in found if not (f in seen or seen.add(f))]


def _init_worker() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    warm_up()  # import components and compile their patterns (inherited when forked)


def iter_results(files: list[str], workers: int) -> Iterator[DocResult]:
    if workers <= 1 or len(files) <= 1:
        _init_worker()
        for f in files:
            yield process_path(f)
        return
    ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    _init_worker()  # compile once here: forked workers inherit the compiled patterns
    chunksize = max(1, min(16, len(files) // (workers * 8)))
    with ctx.Pool(workers, initializer=_init_worker) as pool:
        yield from pool.imap_unordered(process_path, files, chunksize=chunksize)


@dataclass
class RunSummary:
    documents: int = 0
    ok: int = 0
    errors: int = 0
    duplicates: int = 0
    citations: int = 0
    instruments: int = 0
    seconds: float = 0.0
    error_rows: list[dict[str, object]] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.documents} documents ({self.ok} ok, {self.errors} errors"
            + (f", {self.duplicates} duplicates" if self.duplicates else "")
            + f"), {self.instruments} instruments in {self.citations} citations, "
            f"{self.errors} errors, {self.seconds:.1f} s"
        )


def run(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: Path | None,
    workers: int | None = None,
    excel: bool = False,
    on_result: Callable[[DocResult], None] | None = None,
) -> RunSummary:
    """Process `paths`; write the tables to `out_dir` (None: keep them in memory only)."""
    t0 = time.perf_counter()
    files = discover(paths)
    workers = workers or os.cpu_count() or 1
    results: list[DocResult] = []
    for res in iter_results(files, workers):
        results.append(res)
        if on_result:
            on_result(res)
    results.sort(key=lambda r: r.path)

    summary = RunSummary(documents=len(results))
    docs, errors = [], []
    rows: dict[str, list[dict[str, object]]] = {}
    first_path: dict[str, str] = {}
    for res in results:
        doc = dict(res.document)
        sha = doc.get("sha256")
        if res.error is None and sha in first_path:
            doc.update(status="duplicate", error=f"duplicate: same content as {first_path[sha]}")
            summary.duplicates += 1
        elif res.error is None:
            first_path[str(sha)] = res.path
            summary.ok += 1
            for table, trows in res.tables.items():
                rows.setdefault(table, []).extend(trows)
            doc["n_citations"] = len(res.tables.get("citations", []))
        else:
            errors.append(res.error)
        docs.append(doc)
    summary.errors = len(errors)
    summary.error_rows = errors
    tables = {name: pd.DataFrame(trows) for name, trows in rows.items()}
    tables["documents"] = pd.DataFrame(docs)
    tables["errors"] = pd.DataFrame(errors)
    for _, component in run_components():
        tables.update(component(tables))
    summary.citations = len(tables.get("citations", []))
    summary.instruments = len(tables.get("instruments", []))
    if out_dir is not None:
        write_tables(out_dir, tables, excel=excel)
    summary.tables = tables
    summary.seconds = time.perf_counter() - t0
    return summary
