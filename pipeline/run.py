"""A batch: find files, process them over worker processes, resolve across documents, export."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from kehoach.cache import ResultCache
from kehoach.components import run_components, use_profile, warm_up
from kehoach.export.parts import LazyTables, Spill, spilling
from kehoach.export.writer import Output
from kehoach.limits import Limits
from kehoach.limits import current as current_limits
from kehoach.process import DocResult, failed
from kehoach.read import supported_suffixes
from kehoach.supervise import Supervisor


@dataclass
class Found:
    """What `discover` found: files to process, files of other types left out, and problems
    (unreadable folders, links to what is not a regular file) as error rows."""

    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[DocResult] = field(default_factory=list)


def find(paths: Iterable[str | os.PathLike[str]]) -> Found:
    """Files to process: given files as they are (so a bad one is reported), folders searched
    recursively for supported formats (hidden files and folders left out; other files listed in
    `skipped`). Symbolic links inside folders are followed only to regular files (their target
    is checked by the reader); links to folders are not followed. A sub-folder that cannot be
    read is an error row, not a silent gap. Sorted, each once."""
    suffixes = set(supported_suffixes())
    found = Found()
    files: list[str] = []
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            files.append(str(p))
            continue

        def unreadable(exc: OSError, top: Path = p) -> None:
            where = exc.filename or str(top)
            found.problems.append(failed(str(where), "discover", "unreadable_folder",
                                         f"folder not searched: {exc.strerror or exc}"))

        for root, dirs, names in os.walk(p, onerror=unreadable):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                f = Path(root) / name
                if f.suffix.lower() not in suffixes:
                    found.skipped.append(str(f))
                elif f.is_symlink() and os.path.exists(f) and not os.path.isfile(f):
                    found.problems.append(failed(str(f), "discover", "not_regular_file",
                                                 f"symbolic link to {os.path.realpath(f)}, which is not a "
                                                 "regular file: not read"))
                else:
                    files.append(str(f))
    seen: set[str] = set()
    found.files = sorted(f for f in files if not (f in seen or seen.add(f)))
    return found


def discover(paths: Iterable[str | os.PathLike[str]], skipped: list[str] | None = None) -> list[str]:
    """The files `find` would process (other files appended to `skipped`)."""
    found = find(paths)
    if skipped is not None:
        skipped += found.skipped
    return found.files


def init_worker() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    warm_up()  # import components and compile their patterns (inherited when forked)


def bound_workers(workers: int | None, n_files: int) -> int:
    """Worker processes for `n_files` documents: at least 1, at most one per file; 0 or None
    means one per core."""
    wanted = workers or os.cpu_count() or 1
    return max(1, min(wanted, max(1, n_files)))


def iter_results(files: list[str], workers: int, limits: Limits | None = None) -> Iterator[DocResult]:
    """Results of `files` in the order they finish; each document in a watched worker process."""
    if not files:
        return
    init_worker()  # compile once here: forked workers inherit the compiled patterns
    yield from Supervisor(bound_workers(workers, len(files)), limits or current_limits()).run(files)


@dataclass
class RunSummary:
    documents: int = 0
    ok: int = 0
    errors: int = 0
    duplicates: int = 0
    cached: int = 0
    citations: int = 0
    instruments: int = 0
    seconds: float = 0.0
    error_rows: list[dict[str, object]] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def line(self) -> str:
        return (
            f"{self.documents} documents ({self.ok} ok, {self.errors} errors"
            + (f", {self.duplicates} duplicates" if self.duplicates else "")
            + (f", {self.cached} from cache" if self.cached else "")
            + f"), {self.instruments} instruments in {self.citations} citations, "
            f"{self.errors} errors, {self.seconds:.1f} s"
        )


def run(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: Path | None,
    workers: int | None = None,
    excel: bool = False,
    on_result: Callable[[DocResult], None] | None = None,
    found: Found | None = None,
    use_cache: bool = True,
    force: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    profile: str | None = None,
) -> RunSummary:
    """Process `paths`; write the tables to `out_dir` (None: keep them in memory only).
    The output folder is checked and locked before any document is processed
    (OutputError when it cannot be used). With an output folder, results of unchanged files
    come from its cache (kehoach.cache) unless `use_cache` is off; `force` recomputes them."""
    t0 = time.perf_counter()
    use_profile(profile)  # which stages run (models/pipeline.yaml unless a profile is named)
    found = found or find(paths)
    with (Output(out_dir) if out_dir is not None else contextlib.nullcontext()) as output, \
            (spilling(output) if output is not None else contextlib.nullcontext()) as spill:
        cache = ResultCache(out_dir, force) if out_dir is not None and use_cache else None
        results: list[DocResult] = []

        def take(res: DocResult) -> None:
            if spill is not None:  # rows go to disk as they arrive (kehoach.export.parts)
                spill.add(res.path, res.document, res.error, res.tables)
            else:
                results.append(res)
            if on_result:
                on_result(res)

        for res in found.problems:
            take(res)
        todo: list[str] = []
        for f in found.files:
            hit = cache.get(f) if cache is not None else None
            if hit is None:
                todo.append(f)
            else:
                take(hit)
        if executor == "dask":
            from kehoach.distributed import iter_results_dask

            stream = iter_results_dask(todo, workers, scheduler)
        else:
            stream = iter_results(todo, bound_workers(workers, len(todo)))
        for res in stream:
            if cache is not None:
                cache.put(res)
            take(res)
        summary = _combine_spilled(spill) if spill is not None else _combine(results)
        summary.cached = cache.hits if cache is not None else 0
        if cache is not None:
            cache.prune()
        if output is not None:
            output.write(summary.tables, excel=excel)
        if isinstance(summary.tables, LazyTables):
            summary.tables = dict(summary.tables.loaded)  # the spill is removed next
    summary.seconds = time.perf_counter() - t0
    return summary


def _combine_spilled(spill: Spill) -> RunSummary:
    """`_combine` over spilled results: the same tables, built one at a time."""
    entries = spill.documents()
    summary = RunSummary(documents=len(entries))
    docs, errors = [], []
    first_path: dict[str, str] = {}
    keep: set[str] = set()
    for path, document, error, n_citations in entries:
        doc = dict(document)
        sha = doc.get("sha256")
        if error is None and sha in first_path:
            doc.update(status="duplicate", error=f"duplicate: same content as {first_path[sha]}")
            summary.duplicates += 1
        elif error is None:
            first_path[str(sha)] = path
            summary.ok += 1
            keep.add(path)
            doc["n_citations"] = n_citations
        else:
            errors.append(error)
        if error is None or error.get("stage") != "discover":
            docs.append(doc)
    del entries
    summary.errors = len(errors)
    summary.error_rows = errors
    tables = LazyTables(spill, keep, spill.tables(),
                        {"documents": pd.DataFrame(docs), "errors": pd.DataFrame(errors)})
    for _, component in run_components():
        tables.update(component(tables))  # type: ignore[arg-type]
    tables.sticky = False  # from here each table is built for one use (writing it)
    summary.citations = len(tables.get("citations", []))
    summary.instruments = len(tables.get("instruments", []))
    summary.tables = tables  # type: ignore[assignment]
    return summary


def _combine(results: list[DocResult]) -> RunSummary:
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
        if res.error is None or res.error.get("stage") != "discover":
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
    summary.tables = tables
    return summary
