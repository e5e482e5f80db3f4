"""Scale benchmark of `kehoach extract`: peak memory and documents/s as the corpus grows.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000 10000 100000] [--workers 1 2]
                                                [--executor local dask] [--cached] [--rebuild]
                                                [--no-cache] [--keep]

For each size N a corpus of N generated plans is written (once, under --work): each plan is
one of the five seed plans (data/raw) with variations, so that no two are copies: the
province of the plan is swapped for another one (models/admin_units.csv), document numbers,
dates and years are shifted, some paragraphs are dropped or repeated, a few lines are
hard-wrapped as web pages do. Then `kehoach extract` runs in a fresh process for each
worker count and executor, and the script prints documents/s, the peak resident memory of
the collecting (parent) process and of the largest worker, and, with --cached, the time of
a second run over the unchanged files (nothing changed: the tables of the first run are kept)
and, with --rebuild, of a run that rebuilds every table from the result cache.

Not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SEED_PROVINCES = ("Hải Phòng", "Cao Bằng", "Khánh Hòa", "Trà Vinh")


def _provinces() -> list[str]:
    """Province names of the admin-unit table (models/admin_units.csv, via kehoach.places)."""
    from kehoach.places import provinces

    return sorted({p.name for p in provinces().by_key.values()})


def vary(text: str, rng: random.Random, provinces: list[str], i: int) -> str:
    """One realistic variation of a seed plan."""
    target = rng.choice(provinces)
    for p in SEED_PROVINCES:
        text = text.replace(p, target)
    shift = rng.randint(-3, 2)
    text = re.sub(r"\b(20[12]\d)\b", lambda m: str(int(m.group(1)) + shift), text)
    text = re.sub(r"(Số:\s*)(\d+)", lambda m: f"{m.group(1)}{rng.randint(1, 2999)}", text, count=1)
    text = re.sub(r"ngày (\d{1,2}) tháng", lambda m: f"ngày {rng.randint(1, 28):02d} tháng", text)
    paragraphs = text.split("\n\n")
    head, body = paragraphs[:8], paragraphs[8:]
    out = []
    for para in body:
        r = rng.random()
        if r < 0.05:
            continue  # dropped
        out.append(para)
        if r > 0.97:
            out.append(para)  # repeated (a copy-paste slip)
    if rng.random() < 0.3:  # web rendering: hard-wrapped long lines
        out = ["\n".join(re.findall(r".{1,78}(?:\s|$)", p)) if len(p) > 200 else p for p in out]
    return "\n\n".join(head + out) + f"\n\nMã tài liệu: {i}\n"


def make_corpus(folder: Path, n: int, seed: int = 12) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if sum(1 for _ in folder.rglob("*.txt")) == n:
        return
    rng = random.Random(seed)
    provinces = _provinces()
    plans = sorted(RAW.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in plans]
    for i in range(n):
        k = i % len(texts)
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:06d}-{plans[k].stem}.txt").write_text(vary(texts[k], rng, provinces, i), encoding="utf-8")


_RUNNER = r"""
import json, resource, sys, time
from pathlib import Path
from kehoach.run import run
src, out, workers, executor = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
use_cache = sys.argv[5] == "1"
t0 = time.perf_counter()
s = run([src], out, workers=workers, executor=executor, use_cache=use_cache)
dt = time.perf_counter() - t0
print(json.dumps({"docs": s.documents, "ok": s.ok, "cached": s.cached, "seconds": dt,
                  "parent_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(src: Path, out: Path, workers: int, executor: str, use_cache: bool) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-c", _RUNNER, str(src), str(out), str(workers), executor,
                           "1" if use_cache else "0"], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    ap.add_argument("--executor", nargs="+", default=["local"], choices=["local", "dask"])
    ap.add_argument("--cached", action="store_true", help="also time a re-run over unchanged files")
    ap.add_argument("--no-cache", action="store_true",
                    help="first run without the result cache (no cache written: less disk at 100k)")
    ap.add_argument("--rebuild", action="store_true",
                    help="also time a re-run that rebuilds the tables from the cache (manifest removed)")
    ap.add_argument("--keep", action="store_true", help="keep the output folders")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kehoach-bench-scale")
    args = ap.parse_args()
    print(f"{'docs':>7} {'executor':>8} {'workers':>7} {'docs/s':>8} {'parent MB':>10} {'worker MB':>10}"
          f"{'  cached re-run':>16}")
    for n in args.sizes:
        src = args.work / f"corpus-{n}"
        t0 = time.perf_counter()
        make_corpus(src, n)
        print(f"# corpus of {n} plans ready in {time.perf_counter() - t0:.0f} s", flush=True)
        for executor in args.executor:
            for w in args.workers:
                out = args.work / f"out-{n}-{executor}-{w}"
                shutil.rmtree(out, ignore_errors=True)
                first = measure(src, out, w, executor, use_cache=not args.no_cache)
                line = (f"{n:>7} {executor:>8} {w:>7} {first['docs'] / first['seconds']:>8.1f} "
                        f"{first['parent_mb']:>10.0f} {first['worker_mb']:>10.0f}")
                if args.cached:
                    again = measure(src, out, w, executor, use_cache=True)
                    line += (f"  {again['seconds']:.1f} s = {100 * again['seconds'] / first['seconds']:.0f} % "
                             f"({again['cached']} cached)")
                if args.rebuild:  # the tables rebuilt from the cache: no record of the last run
                    (out / ".kehoach-cache" / "manifest.json").unlink(missing_ok=True)
                    again = measure(src, out, w, executor, use_cache=True)
                    line += (f"  rebuilt: {again['seconds']:.1f} s = "
                             f"{100 * again['seconds'] / first['seconds']:.0f} %, parent {again['parent_mb']:.0f} MB")
                print(line, flush=True)
                if not args.keep:
                    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
