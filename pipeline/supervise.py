"""Worker processes watched from outside: wall time, memory, and death by any signal.

Each document runs in a worker process (its own process group, so OCR and converter
subprocesses go with it). The parent hands out one document at a time and watches every busy
worker: past the wall-time or memory limit (models/limits.yaml) the whole group is killed with
SIGKILL; a worker that dies for any reason (the out-of-memory killer, a crash in a C library)
is noticed through its process sentinel. Either way that document alone becomes an error row
naming the limit or the signal and the stage it was in, and a fresh worker takes its place.

Where a document is (the stage it is in) is not sent over the pipe: the worker writes the
stage's number into a shared-memory integer of its own as each stage starts, and the parent
reads it only when it has to name the stage (a limit, a death). The pipe carries one
message per document (its result).
"""

from __future__ import annotations

import contextlib
import faulthandler
import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from kehoach.components import DOCUMENT_STAGES, compile_in_workers
from kehoach.limits import Limits
from kehoach.pathlist import Pending
from kehoach.patterns import code_cache
from kehoach.process import DocResult, failed, process_path

POLL_S = 0.1  # how often busy workers are checked
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


# Every place a document can be in a worker, by number: what a worker writes into its shared
# integer (a name not listed, which no shipped stage has, goes over the pipe instead).
STAGES: tuple[str, ...] = ("read", "normalize", *(s.ref for s in DOCUMENT_STAGES))
_STAGE_NUMBER = {name: i for i, name in enumerate(STAGES)}
_NAMED = -1  # the stage is the last name sent over the pipe
_WAITING = -2  # sent, not begun: the worker is still starting (compiling the rules)
STARTUP_S = 300.0  # how long a worker may take to begin its first document


def _worker_main(conn: Connection, where: Any) -> None:
    faulthandler.disable()  # a crash is reported by the parent (signal and stage), not dumped
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # a group of its own: a kill takes its tesseract/soffice children too
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; Ctrl-C goes to it
    from kehoach.components import warm_up
    from kehoach.limits import current

    # what kehoach.run.init_worker does, without importing kehoach.run (pandas): a worker
    # started before its parent imported them need not
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    compile_in_workers(False)  # this is a worker: it compiles (unless inherited)
    # patterns compiled at document time (the bodies gazetteer's, per leading word) reuse
    # the regex code kept by earlier workers too; this one's is kept when it ends normally
    with code_cache():
        warm_up()
        _address_space_backstop(current().memory_mb)
        _serve(conn, where)


def _serve(conn: Connection, where: Any) -> None:
    """Documents from the pipe, results back, until told to stop (None) or the pipe closes."""
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        res = process_path(path, on_stage=_stage_writer(conn, where))
        conn.send(("done", res))
        where.value = 0  # the next document starts in "read" (it may be waiting in the pipe)


def _stage_writer(conn: Connection, where: Any) -> Callable[[str], None]:
    """`on_stage` of a worker: the stage's number into the shared integer `where`."""
    number = _STAGE_NUMBER.get

    def enter(name: str) -> None:
        i = number(name)
        if i is None:  # not a known stage: its name goes to the parent first
            conn.send(("stage", name))
            i = _NAMED
        where.value = i

    return enter


def _address_space_backstop(memory_mb: float) -> None:
    """A hard ceiling on address space, well above the watched memory limit: one huge
    allocation (faster than the watchdog polls) fails with MemoryError in the worker instead
    of pushing the machine into the out-of-memory killer."""
    try:
        import resource

        with open("/proc/self/statm", "rb") as fh:
            vsize = int(fh.read().split()[0]) * _PAGE
        ceiling = int(vsize + 2 * memory_mb * 1048576)
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    except (ImportError, OSError, ValueError):
        pass


def rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and its descendants (Linux /proc; 0 elsewhere)."""
    total = 0
    todo = [pid]
    seen: set[int] = set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * _PAGE
            with open(f"/proc/{p}/task/{p}/children", "rb") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


_WHY = {
    "SIGKILL": "killed by SIGKILL (most likely the system's out-of-memory killer)",
    "SIGSEGV": "crashed with SIGSEGV (a segmentation fault in a library reading the file)",
    "SIGBUS": "crashed with SIGBUS (a bus error in a library reading the file)",
    "SIGABRT": "aborted (SIGABRT: a library gave up on the file)",
}


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    where: Any  # shared integer: the number (in STAGES) of the stage the document is in
    path: str | None = None
    queued: str | None = None  # the next document, already sent: started as this one ends
    named: str = "read"  # the last stage name sent over the pipe (a stage not in STAGES)
    started: float = 0.0  # when the document began (its wall time is counted from there)
    sent: float = 0.0  # when it was sent to this idle worker

    @property
    def stage(self) -> str:
        """The stage the worker's document is in now."""
        i = self.where.value
        if i == _WAITING:
            return STAGES[0]
        return STAGES[i] if 0 <= i < len(STAGES) else self.named


def _context() -> Any:
    return mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")


def _new_worker(ctx: Any) -> _Worker:
    parent, child = ctx.Pipe()
    where = ctx.RawValue("i", 0)  # written by the worker only, read here
    proc = ctx.Process(target=_worker_main, args=(child, where), daemon=True)
    proc.start()
    child.close()
    return _Worker(proc, parent, where)


_prestarted: list[_Worker] = []  # started by `prestart`, taken by the next Supervisor


def prestart(n: int) -> None:
    """Start `n` workers now, before this process has compiled the rules, while it goes on
    importing what the batch needs (pandas, pyarrow) and listing the files: each worker
    compiles for itself meanwhile (on another core), and this process does not compile at
    all (kehoach.components.compile_in_workers). The next Supervisor takes them; `release`
    ends those it did not take."""
    ctx = _context()
    for _ in range(max(0, n)):
        _prestarted.append(_new_worker(ctx))
    if _prestarted:
        compile_in_workers(True)


def release() -> None:
    """End the prestarted workers no Supervisor took; this process compiles again."""
    while _prestarted:
        w = _prestarted.pop()
        for target in (-w.proc.pid, w.proc.pid) if w.proc.pid else ():
            with contextlib.suppress(OSError):
                os.kill(target, signal.SIGKILL)
        w.proc.join(5)
        w.conn.close()
    compile_in_workers(False)


class Supervisor:
    """Runs `process_path` over worker processes within `limits`; yields results as they come."""

    def __init__(self, workers: int, limits: Limits) -> None:
        self.n = max(1, workers)
        self.limits = limits
        self.ctx = _context()
        self.workers: list[_Worker] = []
        self._pending = Pending(())  # documents not sent to a worker yet

    def _start(self) -> _Worker:
        """A new worker: one of the prestarted ones if any is left, else a fresh one."""
        w = None
        while _prestarted and w is None:
            w = _prestarted.pop(0)
            if not w.proc.is_alive():
                w.proc.join(1)
                w.conn.close()
                w = None
        if w is None:
            w = _new_worker(self.ctx)
        self.workers.append(w)
        return w

    def _kill(self, w: _Worker) -> None:
        pid = w.proc.pid
        if pid:
            for target in (-pid, pid):  # the group (children included), then the process
                with contextlib.suppress(OSError):
                    os.kill(target, signal.SIGKILL)
        w.proc.join(5)
        w.conn.close()
        self.workers.remove(w)

    def _lost(self, w: _Worker, reason: str, message: str) -> DocResult:
        assert w.path is not None
        res = failed(w.path, w.stage, reason, message, time.monotonic() - w.started)
        if w.queued is not None:  # sent but not started: back to the front of the queue
            self._pending.appendleft(w.queued)
            w.queued = None
        self._kill(w)
        return res

    def run(self, files: Sequence[str], keep: bool = False) -> Iterator[DocResult]:
        """Results of `files` as they finish. With `keep`, idle workers stay for the next call
        (a Dask task runs one document per call; `close` ends them)."""
        pending = self._pending = Pending(files)
        last_check = time.monotonic()
        try:
            while len(self.workers) < min(self.n, len(files)):
                self._start()
            release()  # prestarted workers not needed here
            while pending or any(w.path for w in self.workers):
                self._dispatch(pending)
                busy = [w for w in self.workers if w.path is not None]
                by_handle: dict[Any, _Worker] = {}
                for w in busy:
                    by_handle[w.conn] = w
                    by_handle[w.proc.sentinel] = w
                done: list[DocResult] = []
                for handle in wait(list(by_handle), timeout=POLL_S):
                    w = by_handle[handle]
                    if w not in self.workers or w.path is None:
                        continue  # already handled through its other handle
                    done.extend(self._drain(w))
                if done:
                    # the workers that finished start their next document before the results
                    # are handed on (their caller writes them meanwhile)
                    self._dispatch(pending)
                    yield from done
                now = time.monotonic()
                if now - last_check >= POLL_S:  # limits are checked at most every POLL_S
                    last_check = now
                    for w in [w for w in self.workers if w.path is not None]:
                        res = self._check(w)
                        if res is not None:
                            yield res
                # keep the pool full: replace workers that were killed or died
                while len(self.workers) < min(self.n, len(pending) + sum(1 for w in self.workers if w.path)):
                    self._start()
        finally:
            if keep:
                for w in [w for w in self.workers if w.path is not None]:
                    self._kill(w)  # interrupted while a document was running
            else:
                self.close()

    def _dispatch(self, pending: Pending) -> None:
        """The next pending documents to the idle workers; and, while more documents are
        pending than there are workers, each busy worker's next one too, so that it starts it
        as soon as it sends a result instead of waiting for this process to read that result
        and answer (not near the end: a document queued behind a long one would wait while
        another worker has nothing to do)."""
        for w in list(self.workers):
            if w.path is None and pending:
                path = pending.popleft()
                w.where.value = _WAITING  # until the worker begins it ("read")
                try:
                    w.conn.send(path)
                except OSError:  # the idle worker died: replace it, keep the document
                    pending.appendleft(path)
                    self._kill(w)
                    continue
                w.path = path
                w.started = w.sent = time.monotonic()
        for w in list(self.workers):
            if len(pending) <= len(self.workers):
                break
            if w.path is not None and w.queued is None:
                path = pending.popleft()
                try:
                    w.conn.send(path)
                except OSError:  # it died: its sentinel says so; the document stays pending
                    pending.appendleft(path)
                    continue
                w.queued = path

    def close(self) -> None:
        """End every worker."""
        for w in list(self.workers):
            if w.path is None:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
        for w in list(self.workers):
            if w.path is None:
                w.proc.join(1)
            self._kill(w)

    def one(self, path: str) -> DocResult:
        """One document in a watched worker kept for the next call."""
        (res,) = list(self.run([path], keep=True))
        return res

    def _drain(self, w: _Worker) -> Iterator[DocResult]:
        """Messages of one worker: its result (or the name of a stage not in STAGES); or its
        death."""
        try:
            while w.conn.poll():
                kind, value = w.conn.recv()
                if kind == "stage":
                    w.named = value
                else:
                    w.path, w.queued = w.queued, None  # the worker starts its queued document
                    w.started = time.monotonic()
                    yield value
                    return
        except (EOFError, OSError):
            pass
        if not w.proc.is_alive():
            w.proc.join(1)
            code = w.proc.exitcode
            if code is not None and code < 0:
                name = signal_name(-code)
                why = _WHY.get(name, f"killed by {name}")
                yield self._lost(w, "worker_killed", f"the worker process was {why} in {w.stage}; "
                                 "only this document was lost")
            else:
                yield self._lost(w, "worker_died", f"the worker process exited (status {code}) in "
                                 f"{w.stage}; only this document was lost")

    def _check(self, w: _Worker) -> DocResult | None:
        """Stop a worker past its wall-time or memory limit."""
        now = time.monotonic()
        lim = self.limits
        if w.where.value == _WAITING:  # the worker is still starting: not the document's time
            w.started = now
            if now - w.sent > STARTUP_S:
                return self._lost(w, "limit_wall_seconds",
                                  f"the worker did not begin the document within {STARTUP_S:g} s of "
                                  "starting: it was stopped")
        elapsed = now - w.started
        if elapsed > lim.wall_seconds:
            return self._lost(w, "limit_wall_seconds",
                              f"still running after {elapsed:.0f} s in {w.stage}: the worker was stopped "
                              f"(limit wall_seconds={lim.wall_seconds:g}; raise it with --time-limit)")
        rss = rss_bytes(w.proc.pid)
        if rss > lim.memory_mb * 1048576:
            return self._lost(w, "limit_memory_mb",
                              f"used {rss / 1048576:.0f} MB in {w.stage}: the worker was stopped "
                              f"(limit memory_mb={lim.memory_mb:g}; raise it with --memory-limit)")
        return None
