"""Benchmark of `kehoach extract` on text: the development plans replicated to N documents.

    .venv/bin/python benchmarks/bench_extract.py [--docs 1000] [--workers 1 2]

Prints a per-step breakdown (ms per document), then documents/s and MB/s for the whole run
(discover, read, extract, resolve, export) with one worker process and with all cores, for
every extractor (models/pipeline.yaml) and for the text-to-instruments path
(models/pipeline-instruments.yaml). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import collections
import os
import tempfile
import time
from pathlib import Path

from kehoach.components import analyse, document_components
from kehoach.context import DocContext
from kehoach.read import read_document
from kehoach.run import run

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def make_corpus(folder: Path, n_docs: int) -> int:
    plans = sorted(RAW.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in plans]
    total = 0
    for i in range(n_docs):
        # each copy differs by one line so none is skipped as a duplicate
        text = texts[i % len(texts)] + f"\nBản sao số {i}\n"
        data = text.encode("utf-8")
        (folder / f"{i:05d}_{plans[i % len(plans)].name}").write_bytes(data)
        total += len(data)
    return total


INSTRUMENT_PATH = ("locality", "metadata", "instruments", "named", "resolve.instruments")


def breakdown(files: list[Path]) -> None:
    """Steady-state ms per document of each step, in this process (after a warm-up), and
    the rate of the text-to-instruments path alone (read, normalize, locality, metadata,
    instruments, named instruments, resolution: models/pipeline-instruments.yaml)."""
    comps = document_components()
    for f in files[:10]:  # warm-up: compile every pattern, import every module
        analyse(DocContext.from_source(read_document(f)))
    acc: collections.Counter[str] = collections.Counter()
    for f in files:
        t = time.perf_counter()
        src = read_document(f)
        acc["read"] += time.perf_counter() - t
        t = time.perf_counter()
        ctx = DocContext.from_source(src)
        acc["normalize"] += time.perf_counter() - t
        for ref, c in comps:
            t = time.perf_counter()
            c(ctx)
            acc[ref.split(":")[0].removeprefix("kehoach.")] += time.perf_counter() - t
    n = len(files)
    print(f"per document, steady state, one process ({n} documents):")
    for name, secs in acc.most_common():
        print(f"  {name:32s} {secs / n * 1000:6.2f} ms")
    total = sum(acc.values())
    path = sum(v for k, v in acc.items() if k in ("read", "normalize") or k.endswith(INSTRUMENT_PATH))
    print(f"  {'all components':32s} {total / n * 1000:6.2f} ms  -> {n / total:6.1f} docs/s")
    print(f"  {'text-to-instruments path':32s} {path / n * 1000:6.2f} ms  -> {n / path:6.1f} docs/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--workers", type=int, nargs="*", default=[1, os.cpu_count() or 1])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        n_bytes = make_corpus(corpus, args.docs)
        print(f"corpus: {args.docs} documents, {n_bytes / 1e6:.1f} MB "
              f"(mean {n_bytes / args.docs / 1e3:.1f} KB), {os.cpu_count()} cores")
        breakdown(sorted(corpus.iterdir())[: min(args.docs, 300)])
        for config in ("pipeline.yaml", "pipeline-instruments.yaml"):
            print(f"models/{config}:")
            for workers in args.workers:
                out = Path(tmp) / f"{config}-{workers}"
                last = [0.0]

                def arrived(_res: object, last: list[float] = last) -> None:
                    last[0] = time.perf_counter()

                t0, cpu0 = time.perf_counter(), time.process_time()
                summary = run([corpus], out, workers=workers, profile=config, on_result=arrived)
                dt, cpu = time.perf_counter() - t0, time.process_time() - cpu0
                print(f"  workers={workers}: {dt:6.2f} s  {args.docs / dt:7.1f} docs/s  "
                      f"{n_bytes / 1e6 / dt:5.2f} MB/s  ({args.docs / dt / workers:6.1f} docs/s per core;"
                      f" {summary.citations} citations, {summary.errors} errors)")
                # the parent's share: its CPU (start-up, storing and writing the results, the end)
                # and the time from the last result to the end (cross-document tables, indexes)
                print(f"  {'':10s} parent CPU {cpu / args.docs * 1000:5.2f} ms/doc, "
                      f"after the last result {t0 + dt - last[0]:5.2f} s")

if __name__ == "__main__":
    main()
