"""A batch: find files, process them over worker processes, resolve across documents, export."""

from __future__ import annotations

import contextlib
import heapq
import inspect
import itertools
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from kehoach.cache import Inputs, ResultCache, file_sha256, outputs_intact, read_manifest, write_manifest
from kehoach.components import RUN_STAGES, run_components, use_profile, warm_up
from kehoach.export.parts import Derived, Source, Spill, Staged, spilling
from kehoach.export.schema import SCHEMA_FINGERPRINT, schemas
from kehoach.export.stream import Stream
from kehoach.export.writer import Output, OutputError, release_memory
from kehoach.limits import Limits
from kehoach.limits import current as current_limits
from kehoach.pathlist import PathList
from kehoach.process import DocResult, failed
from kehoach.read import supported_suffixes
from kehoach.supervise import Supervisor


@dataclass
class Found:
    """What `discover` found: files to process (sorted, held compactly: kehoach.pathlist),
    files of other types left out, and problems (unreadable folders, links to what is not a
    regular file) as error rows."""

    files: Sequence[str] = field(default_factory=PathList)
    skipped: list[str] = field(default_factory=list)
    problems: list[DocResult] = field(default_factory=list)


def find(paths: Iterable[str | os.PathLike[str]]) -> Found:
    """Files to process: given files as they are (so a bad one is reported), folders searched
    recursively for supported formats (hidden files and folders left out; other files listed in
    `skipped`). Symbolic links inside folders are followed only to regular files (their target
    is checked by the reader); links to folders are not followed. A sub-folder that cannot be
    read is an error row, not a silent gap. Sorted, each once.

    The paths come out of the folders already in order (`_walk`) and go straight into a
    PathList: a corpus of 100,000 files is never a list of 100,000 strings (that took 37 MB
    at the start of a run, of which the C heap kept a third)."""
    suffixes = frozenset(supported_suffixes())
    found = Found()
    streams: list[Iterator[str]] = []
    for raw in paths:
        p = Path(raw)
        streams.append(_walk(p, suffixes, found) if p.is_dir() else iter([str(p)]))
    merged = heapq.merge(*streams)
    found.files = PathList(f for f, _ in itertools.groupby(merged))
    return found


def _walk(folder: Path, suffixes: frozenset[str], found: Found) -> Iterator[str]:
    """The files under `folder` in the order of their paths as strings. All paths in a folder
    begin with the folder and a separator; what follows decides their order, and for all of a
    sub-folder's paths it is decided by the sub-folder's name and the separator: so the
    entries of each folder, sorted by their name (a sub-folder's with "/" after it), give the
    sorted order of every path below it, one folder listed at a time."""
    top = str(folder)
    try:
        with os.scandir(top) as it:
            entries = []
            for e in it:
                if e.name.startswith("."):
                    continue
                try:
                    is_dir = e.is_dir()
                except OSError:
                    is_dir = False
                if not is_dir:
                    entries.append((e.name, False))
                elif not e.is_symlink():  # a link to a folder is not followed
                    entries.append((e.name + "/", True))
    except OSError as exc:
        found.problems.append(failed(str(exc.filename or top), "discover", "unreadable_folder",
                                     f"folder not searched: {exc.strerror or exc}"))
        return
    entries.sort()
    for key, is_dir in entries:
        path = folder / (key[:-1] if is_dir else key)
        if is_dir:
            yield from _walk(path, suffixes, found)
            continue
        f = str(path)
        if path.suffix.lower() not in suffixes:
            found.skipped.append(f)
        elif os.path.islink(f) and os.path.exists(f) and not os.path.isfile(f):
            found.problems.append(failed(f, "discover", "not_regular_file",
                                         f"symbolic link to {os.path.realpath(f)}, which is not a "
                                         "regular file: not read"))
        else:
            yield f


def discover(paths: Iterable[str | os.PathLike[str]], skipped: list[str] | None = None) -> list[str]:
    """The files `find` would process (other files appended to `skipped`)."""
    found = find(paths)
    if skipped is not None:
        skipped += found.skipped
    return list(found.files)


def init_worker() -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    warm_up()  # import components and compile their patterns (inherited when forked)


def bound_workers(workers: int | None, n_files: int) -> int:
    """Worker processes for `n_files` documents: at least 1, at most one per file; 0 or None
    means one per core."""
    wanted = workers or os.cpu_count() or 1
    return max(1, min(wanted, max(1, n_files)))


def iter_results(files: Sequence[str], workers: int, limits: Limits | None = None) -> Iterator[DocResult]:
    """Results of `files` in the order they finish; each document in a watched worker process."""
    if not files:
        return
    init_worker()  # compile once here: forked workers inherit the compiled patterns
    yield from Supervisor(bound_workers(workers, len(files)), limits or current_limits()).run(files)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Columns with the plain types an in-memory run gives (as pandas infers them from the
    rows): integers without gaps int64, with gaps float64; booleans without gaps bool; text
    and the rest object, a missing value None."""
    out = {}
    for name in df.columns:
        col = df[name]
        gaps = bool(col.isna().any())
        kind = str(col.dtype)
        if kind == "Int64":
            out[name] = col.astype("float64") if gaps else col.astype("int64")
        elif kind == "Float64":
            out[name] = col.astype("float64")
        elif kind == "boolean" and not gaps:
            out[name] = col.astype(bool)
        else:
            out[name] = col.astype(object).where(col.notna(), None)
    return pd.DataFrame(out, columns=df.columns)


class Written(Mapping[str, pd.DataFrame]):
    """The tables of a run with an output folder, read from its Parquet files when asked."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __getitem__(self, name: str) -> pd.DataFrame:
        path = self.folder / f"{name}.parquet"
        if name not in schemas() or not path.is_file():
            raise KeyError(name)
        return _plain(pd.read_parquet(path))

    def __iter__(self) -> Iterator[str]:
        return iter(n for n in sorted(schemas()) if (self.folder / f"{n}.parquet").is_file())

    def __len__(self) -> int:
        return sum(1 for _ in self)


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
    reused: bool = False  # nothing changed since the last run: its tables were kept

    _COUNTS = ("documents", "ok", "errors", "duplicates", "cached", "citations", "instruments")

    def line(self) -> str:
        return (
            f"{self.documents} documents ({self.ok} ok, {self.errors} errors"
            + (f", {self.duplicates} duplicates" if self.duplicates else "")
            + (f", {self.cached} from cache" if self.cached else "")
            + f"), {self.instruments} instruments in {self.citations} citations, "
            f"{self.errors} errors, {self.seconds:.1f} s"
            + (" (inputs unchanged since the last run: its tables kept, not rebuilt)" if self.reused else "")
        )

    def record(self) -> dict[str, object]:
        """The counts and error rows, for the manifest (kehoach.cache)."""
        return {**{k: getattr(self, k) for k in self._COUNTS}, "error_rows": self.error_rows}

    @classmethod
    def from_record(cls, data: object) -> RunSummary | None:
        """The summary of the last run; every document counts as from the cache (failures
        excepted: they were reported again)."""
        if not isinstance(data, dict) or not all(isinstance(data.get(k), int) for k in cls._COUNTS) \
                or not isinstance(data.get("error_rows"), list) \
                or not all(isinstance(e, dict) for e in data["error_rows"]):
            return None
        summary = cls(**{k: data[k] for k in cls._COUNTS if k != "cached"})
        summary.error_rows = data["error_rows"]
        summary.cached = summary.ok + summary.duplicates
        return summary


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
    come from its cache (kehoach.cache) unless `use_cache` is off; `force` recomputes them.
    When the inputs, rules and options are those of the last run and the files it wrote are
    intact (its manifest), nothing is processed or rewritten (`summary.reused`). With an
    output folder the rows are staged on disk (kehoach.export.parts) and `summary.tables`
    reads the written Parquet files when asked."""
    t0 = time.perf_counter()
    use_profile(profile)  # which stages run (models/pipeline.yaml unless a profile is named)
    found = found or find(paths)
    with (Output(out_dir) if out_dir is not None else contextlib.nullcontext()) as output:
        cache = ResultCache(out_dir, force) if out_dir is not None and use_cache else None
        inputs = None
        if cache is not None:
            inputs = _inputs(found, excel)
            if not force:
                reused = _unchanged(output, inputs, on_result)
                if reused is not None:
                    reused.seconds = time.perf_counter() - t0
                    return reused
        if output is None:
            summary = _process(found, None, None, cache, on_result, workers, executor, scheduler)
        else:
            stage = output.begin()  # the new set is written there while the results arrive
            try:
                with spilling(output) as spill:
                    stream = _stream(output, stage, spill, found, excel)
                    try:
                        summary = _process(found, spill, stream, cache, on_result, workers, executor, scheduler)
                        if cache is not None:
                            cache.close()  # before the output folder (holding the cache) is switched
                            cache.prune()
                        written = output.write(summary.tables, excel=excel, stage=stage)
                    finally:
                        stream.abort()
                    if cache is not None:
                        write_manifest(output.path, inputs if _retry_none(summary) else None, written,
                                       summary.record())
                    if isinstance(summary.tables, Staged):  # the staging database is removed next
                        summary.tables = Written(output.path)  # type: ignore[assignment]
            finally:
                output.discard(stage)
    summary.seconds = time.perf_counter() - t0
    return summary


def _stream(output: Output, stage: Path, spill: Spill, found: Found, excel: bool) -> Stream:
    """The writer of the tables of one document each into `stage` (kehoach.export.stream):
    every table of the schema but those the run stages make across documents."""
    across = {t for s in RUN_STAGES for t in s.provides}
    order = found.files
    if found.problems:
        order = PathList(sorted([*(r.path for r in found.problems), *found.files]))  # stable: problems first
    try:
        stream = Stream(stage, spill, order, [n for n in schemas() if n not in across], excel)
    except OSError as exc:
        raise OutputError(f"cannot write the tables to {output.shown}: {exc.strerror or exc}") from None
    stream.shown = str(output.shown)
    return stream


def _process(found: Found, spill: Spill | None, stream: Stream | None, cache: ResultCache | None,
             on_result: Callable[[DocResult], None] | None, workers: int | None, executor: str,
             scheduler: str | None) -> RunSummary:
    """Every document from the cache or a worker, into the spill (or memory); with `stream`,
    the tables of one document each written as the results come; the tables."""
    results: list[DocResult] = []
    if spill is not None:  # what the run stages make of each document, made as it is stored
        for _, component in run_components():
            spec = getattr(inspect.getmodule(component), "PER_DOCUMENT", None)
            if isinstance(spec, Derived):
                spill.derive(spec)

    if stream is not None:
        spill.keep_rows = False  # type: ignore[union-attr]

    def keep(res: DocResult) -> None:
        if spill is not None:  # rows go to disk as they arrive (kehoach.export.parts)
            seq = spill.add(res.path, res.document, res.error, res.tables)
            if stream is not None:  # and into the output tables (kehoach.export.stream)
                try:
                    stream.add(seq, res.path, res.document, res.error, res.tables)
                except OSError as exc:
                    raise OutputError(f"cannot write the tables to {stream.shown}: {exc.strerror or exc}; "
                                      "the previous tables are unchanged") from None
        else:
            results.append(res)

    def take(res: DocResult) -> None:
        keep(res)
        if on_result:
            on_result(res)

    for res in found.problems:
        take(res)
    def misses(files: Sequence[str], cache: ResultCache) -> Iterator[str]:
        for f in files:
            hit = cache.get(f)
            if hit is None:
                yield f
            else:
                take(hit)

    todo = found.files if cache is None else PathList(misses(found.files, cache))
    if executor == "dask":
        from kehoach.distributed import iter_results_dask

        arriving = iter_results_dask(todo, workers, scheduler)
    else:
        arriving = iter_results(todo, bound_workers(workers, len(todo)))

    def store(res: DocResult) -> None:
        if cache is not None:
            cache.put(res)
        keep(res)

    with Storing(store) as storing:
        for res in arriving:
            storing.put(res)
            if on_result:
                on_result(res)
    if stream is not None:
        summary = _combine_streamed(spill, stream)  # type: ignore[arg-type]
    else:
        summary = _combine_spilled(spill) if spill is not None else _combine(results)
    summary.cached = cache.hits if cache is not None else 0
    return summary


class Storing:
    """`store(result)` for each result in a thread of its own, in the order given, so that the
    parent is back waiting for the next result at once: with one worker, the worker gets its
    next document (kehoach.supervise sends it when the parent asks for the next result) while
    the last one is written to the staging database and the result cache. At most `depth`
    results wait. An error while storing is raised in the parent at the next result or at the
    end; leaving the block early (an error, Ctrl-C) drops what is still waiting."""

    def __init__(self, store: Callable[[DocResult], None], depth: int = 64) -> None:
        self.store = store
        self.queue: queue.Queue[DocResult | None] = queue.Queue(depth)
        self.error: BaseException | None = None
        self.failed = False  # nothing more is stored after an error
        self.dropping = False
        self.thread = threading.Thread(target=self._loop, name="kehoach-store", daemon=True)

    def _loop(self) -> None:
        while (res := self.queue.get()) is not None:
            if not self.failed and not self.dropping:
                try:
                    self.store(res)
                except BaseException as exc:  # raised in the parent
                    self.error, self.failed = exc, True

    def put(self, res: DocResult) -> None:
        self._raise()
        self.queue.put(res)

    def _raise(self) -> None:
        if self.error is not None:
            error, self.error = self.error, None
            raise error

    def __enter__(self) -> Storing:
        self.thread.start()
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is not None:
            self.dropping = True
        self.queue.put(None)
        self.thread.join()
        if kind is None:
            self._raise()


# errors a second try may not repeat (the watcher stopped the worker): a run that had one is
# never skipped, so that the document is tried again
RETRY_REASONS = ("worker_killed", "worker_died", "out_of_memory", "limit_")


def _retry_none(summary: RunSummary) -> bool:
    return not any(str(e.get("reason") or "").startswith(RETRY_REASONS) for e in summary.error_rows)


def _inputs(found: Found, excel: bool) -> str | None:
    """Digest of the inputs of a run (kehoach.cache.Inputs)."""
    digest = Inputs({"excel": excel, "schema": SCHEMA_FINGERPRINT})
    for f in found.files:
        digest.add(f, file_sha256(f))
    for res in found.problems:
        digest.add_problem(res.error or {})
    return digest.digest()


def _unchanged(output: Output | None, inputs: str | None,
               on_result: Callable[[DocResult], None] | None) -> RunSummary | None:
    """The summary of the last run when its inputs were these and the files it wrote are
    intact: the tables are then not rebuilt."""
    if output is None or inputs is None:
        return None
    manifest = read_manifest(output.path)
    if not manifest or manifest.get("inputs") != inputs or not outputs_intact(output.path, manifest.get("outputs")):
        return None
    summary = RunSummary.from_record(manifest.get("summary"))
    if summary is None:
        return None
    summary.reused = True
    summary.tables = Written(output.path)  # type: ignore[assignment]
    if on_result:  # the failures are reported again (a progress bar counts them)
        for err in summary.error_rows:
            on_result(DocResult(str(err.get("source_path")), {}, {}, err))
    return summary


def _combine_spilled(spill: Spill) -> RunSummary:
    """`_combine` over the staged results: the same tables, as Sources read back from the
    staging database (kehoach.export.parts), so memory does not grow with the corpus."""
    documents, ok, duplicates, errors = spill.counts()
    summary = RunSummary(documents=documents, ok=ok, duplicates=duplicates, errors=errors)
    summary.error_rows = list(spill.error_rows())

    def document_rows() -> Iterator[dict[str, object]]:
        for _, document, error, n_citations, first in spill.entries():
            doc = dict(document)
            if first is not None:
                doc.update(status="duplicate", error=f"duplicate: same content as {first}")
            elif error is None:
                doc["n_citations"] = n_citations
            if error is None or error.get("stage") != "discover":
                yield doc

    tables = Staged(spill, {"documents": Source(spill, document_rows, spill.n_listed),
                            "errors": Source(spill, spill.error_rows, lambda: errors)})
    return _run_stages(summary, tables)


def _run_stages(summary: RunSummary, tables: Staged) -> RunSummary:
    """The run stages (catalog, links, ...) over the staged tables, and their counts."""
    for _, component in run_components():
        tables.update(component(tables))  # type: ignore[arg-type]
        release_memory()  # what the stage freed, before the next one
    summary.citations = len(tables.get("citations", []))
    summary.instruments = len(tables.get("instruments", []))
    summary.tables = tables  # type: ignore[assignment]
    return summary


def _combine_streamed(spill: Spill, stream: Stream) -> RunSummary:
    """`_combine_spilled` when the tables of one document each were written as the results
    came (kehoach.export.stream): the counts, and the tables the run stages make across
    documents from what was staged."""
    documents, ok, duplicates, errors = spill.counts()
    summary = RunSummary(documents=documents, ok=ok, duplicates=duplicates, errors=errors)
    summary.error_rows = list(spill.error_rows())
    done = stream.close()
    tables = Staged(spill, {name: stream.source(name) for name in done})
    tables.done, tables.db = done, stream.db
    return _run_stages(summary, tables)


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
