"""`extract --executor dask`: documents processed on a dask.distributed cluster.

Without a scheduler address a LocalCluster is started (one single-threaded worker process per
core or per `--workers`). With `--scheduler tcp://HOST:8786` the documents go to that cluster;
every worker needs kehoach installed (and Tesseract for scans), and must see the input files at
the same paths (a shared file system). The parent collects results as they finish and builds
the tables exactly as a local run does (results are ordered by path before the tables are
made), so the output is the same as a local run's.

Limits: the pipeline configuration and the limits (models/limits.yaml and overrides) travel
with each task. On the Dask worker each document runs in the same watched subprocess as the
local executor's (kehoach.supervise.Supervisor, one kept per Dask worker process): past the
wall-time or memory limit it is stopped and that document is an error row
(`limit_wall_seconds`, `limit_memory_mb`), as locally. Dask's own memory limit (the
LocalCluster worker memory limit is the memory_mb limit; the nanny restarts a worker past it)
stays as a backstop. A Dask worker lost while running a document makes that document an error
row (`worker_killed`); the document is not retried on another worker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from kehoach.process import DocResult, failed

IN_FLIGHT_PER_SLOT = 4  # tasks sent ahead per worker thread of the cluster
IN_FLIGHT_MIN = 16

_supervisor: Any = None  # per Dask worker process: the watched subprocess, kept between tasks


def _process(path: str, env: dict[str, str], profile: str) -> DocResult:
    """Runs on a Dask worker: the document in a watched subprocess (kehoach.supervise)."""
    global _supervisor
    for key, value in env.items():
        os.environ[key] = value
    from kehoach.components import DEFAULT_PROFILE, config_name, use_profile
    from kehoach.limits import current
    from kehoach.run import init_worker
    from kehoach.supervise import Supervisor

    changed = config_name() != (profile or DEFAULT_PROFILE)
    use_profile(profile)
    init_worker()  # once per worker process (cached): forked subprocesses inherit it
    limits = current()
    if _supervisor is not None and (changed or _supervisor.limits != limits):
        _supervisor.close()  # another profile or other limits: a fresh subprocess
        _supervisor = None
    if _supervisor is None:
        _supervisor = Supervisor(1, limits)
    return _supervisor.one(path)


def _env() -> dict[str, str]:
    from kehoach.limits import LIMITS_ENV

    return {k: os.environ[k] for k in (LIMITS_ENV,) if k in os.environ}


def iter_results_dask(files: Sequence[str], workers: int | None, scheduler: str | None) -> Iterator[DocResult]:
    if not files:
        return
    import dask
    from distributed import Client, LocalCluster, as_completed
    from kehoach.limits import current

    cluster: Any = None
    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.worker.daemon": False}):
        if scheduler:
            client = Client(scheduler)
        else:
            n = max(1, min(workers or os.cpu_count() or 1, len(files)))
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR,
                                   memory_limit=int(current().memory_mb * 1048576))
            client = Client(cluster)
        try:
            env = _env()
            from kehoach.components import config_name

            profile = config_name()
            # a bounded window of tasks in flight (not one future per file of the corpus: the
            # client's memory would grow with it); a new one is sent as each finishes
            slots = sum((client.nthreads() or {}).values()) or (workers or os.cpu_count() or 1)
            window = max(IN_FLIGHT_MIN, IN_FLIGHT_PER_SLOT * slots)
            todo = iter(files)
            path_of: dict[str, str] = {}
            done = as_completed()

            def send(path: str) -> None:
                fut = client.submit(_process, path, env=env, profile=profile, pure=False)
                path_of[fut.key] = path
                done.add(fut)

            for path in islice(todo, window):
                send(path)
            for fut in done:
                path = path_of.pop(fut.key)
                try:
                    res = fut.result()
                except Exception as exc:  # KilledWorker, a lost connection...
                    res = failed(path, "dask", "worker_killed",
                                 f"the Dask worker running this document was lost ({type(exc).__name__}: "
                                 f"{exc}); only this document was lost")
                fut.release()
                following = next(todo, None)
                if following is not None:
                    send(following)
                yield res
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
