"""Where the collecting (parent) process's memory goes during `kehoach extract`, by phase.

    .venv/bin/python benchmarks/bench_memory.py CORPUS [--workers 2] [--every 2] [--log FILE]

Runs the batch in this process (no result cache) and samples every 20 ms: resident memory,
glibc's main heap (`mallinfo2`: its size, what is in use, what is free but kept), Arrow's
memory pool, SQLite's memory (every connection of the process) and Python's allocated
blocks. Every `--every` seconds it prints the sample with the highest resident memory,
labelled with the phase of the run it fell in (the folder search, the documents, the closing
of the streamed tables, the catalog, links, each table written at the end, kehoach.sqlite's
indexes). At the end: the highest sample of each phase and the process's peak (VmHWM).

A corpus from benchmarks/bench_scale.py (`/tmp/kehoach-bench-scale/corpus-N`) compared at two
sizes shows what grows with the corpus. Linux (glibc) only. Not a test.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                "fsmblks", "uordblks", "fordblks", "keepcost")]


def _libs() -> tuple[Any, Any]:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    try:
        sqlite = ctypes.CDLL("libsqlite3.so.0")
        sqlite.sqlite3_memory_used.restype = ctypes.c_int64
    except OSError:
        sqlite = None
    return libc, sqlite


def _status(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    return 0.0


MB = 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--every", type=float, default=2.0, help="seconds between printed samples")
    ap.add_argument("--log", type=Path, help="also write every printed sample to this file (JSON lines)")
    args = ap.parse_args()

    import kehoach.export.parts as parts
    import kehoach.export.sqlite as sqlite_export
    import kehoach.export.stream as stream
    import kehoach.export.writer as writer
    import kehoach.resolve.catalog as catalog
    import kehoach.resolve.links as links
    import kehoach.run as run

    libc, sqlite = _libs()
    phase = ["start"]
    peaks: dict[str, dict[str, Any]] = {}
    stop = threading.Event()

    def sample() -> dict[str, Any]:
        m = libc.mallinfo2()
        return {"rss_mb": round(_status("VmRSS"), 1), "phase": phase[-1],
                "heap_mb": round(m.arena / MB, 1), "heap_used_mb": round(m.uordblks / MB, 1),
                "heap_free_mb": round(m.fordblks / MB, 1), "mmapped_mb": round(m.hblkhd / MB, 1),
                "arrow_mb": round(pa.total_allocated_bytes() / MB, 1),
                "sqlite_mb": round(sqlite.sqlite3_memory_used() / MB, 1) if sqlite else None,
                "py_blocks": sys.getallocatedblocks()}

    def watch() -> None:
        t0 = last = time.monotonic()
        best: dict[str, Any] | None = None
        while not stop.is_set():
            s = sample()
            if best is None or s["rss_mb"] > best["rss_mb"]:
                best = {"t": round(time.monotonic() - t0, 1), **s}
            p = peaks.get(s["phase"])
            if p is None or s["rss_mb"] > p["rss_mb"]:
                peaks[s["phase"]] = {"t": round(time.monotonic() - t0, 1), **s}
            if time.monotonic() - last >= args.every:
                line = json.dumps(best, ensure_ascii=False)
                print(line, flush=True)
                if args.log:
                    with args.log.open("a", encoding="utf-8") as fh:
                        fh.write(line + "\n")
                best, last = None, time.monotonic()
            time.sleep(0.02)

    def label(owner: Any, name: str, text: Callable[..., str]) -> None:
        fn = getattr(owner, name)

        def wrapped(*a: Any, **k: Any) -> Any:
            phase.append(text(*a, **k))
            try:
                return fn(*a, **k)
            finally:
                phase.pop()

        setattr(owner, name, wrapped)

    label(run, "find", lambda *a, **k: "find")
    label(run, "_process", lambda *a, **k: "documents")
    label(stream.Stream, "close", lambda *a, **k: "close streamed tables")
    label(parts.Spill, "finish", lambda *a, **k: "staging indexes")
    label(catalog, "catalog_staged", lambda *a, **k: "catalog")
    label(links, "links_staged", lambda *a, **k: "links")
    label(writer, "write_table", lambda folder, name, *a, **k: f"write {name}")
    label(sqlite_export.Database, "finish", lambda *a, **k: "kehoach.sqlite indexes")

    out = Path(tempfile.mkdtemp(prefix="kehoach-bench-memory-"))
    threading.Thread(target=watch, daemon=True).start()
    try:
        summary = run.run([args.corpus], out / "out", workers=args.workers, use_cache=False)
    finally:
        time.sleep(0.1)
        stop.set()
        shutil.rmtree(out, ignore_errors=True)
    print(f"# {summary.line()}")
    print("# highest sample of each phase:")
    for name, p in sorted(peaks.items(), key=lambda kv: kv[1]["t"]):
        print(f"#   {name:28s} {p['rss_mb']:7.1f} MB at {p['t']:7.1f} s  (heap used {p['heap_used_mb']}, free "
              f"{p['heap_free_mb']}, arrow {p['arrow_mb']}, sqlite {p['sqlite_mb']})")
    print(f"# peak resident memory (VmHWM): {_status('VmHWM'):.0f} MB")


if __name__ == "__main__":
    main()
