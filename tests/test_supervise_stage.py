"""The stage a worker's document is in reaches the parent through shared memory
(kehoach.supervise): a worker that dies is reported with the stage it died in, without one
pipe message per stage."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from kehoach import process, supervise
from kehoach.limits import current
from kehoach.supervise import STAGES, Supervisor


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    from kehoach.components import warm_up

    warm_up()  # compiled once here: the forked workers inherit it


def _run(files: list[Path]) -> dict[str, process.DocResult]:
    sup = Supervisor(1, current())
    return {Path(r.path).name: r for r in sup.run([str(f) for f in files])}


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    good = tmp_path / "good.txt"
    good.write_text("Kế hoạch số 1/KH-UBND\nCăn cứ Nghị quyết số 76/NQ-CP.\n", encoding="utf-8")
    bad = tmp_path / "zz-bad.txt"  # after good.txt: the worker has run a document before
    bad.write_text("Kế hoạch số 2/KH-UBND\nSABOTAGE\n", encoding="utf-8")
    return [good, bad]


def test_every_shipped_stage_has_a_number() -> None:
    from kehoach.components import DOCUMENT_STAGES

    assert STAGES[:2] == ("read", "normalize")
    assert set(STAGES[2:]) == {s.ref for s in DOCUMENT_STAGES}
    assert len(set(STAGES)) == len(STAGES)


def test_a_worker_killed_in_normalize_is_reported_there(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kehoach.context as context

    real = context.normalize

    def normalize(text: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "SABOTAGE" in text:
            _die()
        return real(text, *args, **kwargs)

    monkeypatch.setattr(context, "normalize", normalize)  # forked workers inherit it
    results = _run(files)
    assert results["good.txt"].error is None
    err = results["zz-bad.txt"].error
    assert err is not None and err["reason"] == "worker_killed"
    assert err["stage"] == "normalize"
    assert "SIGKILL" in err["message"] and "in normalize" in err["message"]


def test_a_worker_killed_while_reading_is_reported_in_read(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = process.read_document

    def read_document(path: str):  # type: ignore[no-untyped-def]
        if "bad" in path:
            _die()
        return real(path)

    monkeypatch.setattr(process, "read_document", read_document)
    results = _run(files)
    assert results["good.txt"].error is None
    err = results["zz-bad.txt"].error
    assert err is not None and err["stage"] == "read"  # not the last stage of good.txt


def test_a_stage_name_not_numbered_goes_over_the_pipe(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = supervise.process_path

    def process_path(path: str, on_stage=None):  # type: ignore[no-untyped-def]
        if "bad" in path and on_stage is not None:
            on_stage("read")
            on_stage("custom.step")
            _die()
        return real(path, on_stage=on_stage)

    monkeypatch.setattr(supervise, "process_path", process_path)
    results = _run(files)
    err = results["zz-bad.txt"].error
    assert err is not None and err["stage"] == "custom.step"


@pytest.fixture
def five(tmp_path: Path) -> list[Path]:
    out = []
    for name in ("a", "b-bad", "c", "d", "e"):
        f = tmp_path / f"{name}.txt"
        body = "SABOTAGE\n" if "bad" in name else "Căn cứ Nghị quyết số 76/NQ-CP.\n"
        f.write_text(f"Kế hoạch số 1/KH-{name.upper()}\n{body}", encoding="utf-8")
        out.append(f)
    return out


@pytest.mark.parametrize("how", ["killed", "wall_time"])
def test_the_next_document_sent_ahead_to_a_lost_worker_is_not_lost(
    five: list[Path], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """With more documents pending than workers, a busy worker is sent its next document
    ahead; when it is killed (or stopped by a limit) that document goes to another worker."""
    import dataclasses
    import time

    real = process.read_document

    def read_document(path: str):  # type: ignore[no-untyped-def]
        if "bad" in path:
            if how == "killed":
                _die()
            time.sleep(60)
        return real(path)

    monkeypatch.setattr(process, "read_document", read_document)
    limits = dataclasses.replace(current(), wall_seconds=2)
    results = {Path(r.path).name: r for r in Supervisor(1, limits).run([str(f) for f in five])}
    assert sorted(results) == ["a.txt", "b-bad.txt", "c.txt", "d.txt", "e.txt"]
    assert all(results[n].error is None for n in ("a.txt", "c.txt", "d.txt", "e.txt"))
    err = results["b-bad.txt"].error
    assert err is not None and err["stage"] == "read"
    assert err["reason"] == ("worker_killed" if how == "killed" else "limit_wall_seconds")


def test_prestarted_workers_are_taken_by_the_next_batch(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers started before the batch compile for themselves: the parent's warm_up then
    does nothing, the Supervisor takes them, and the parent compiles again afterwards."""
    import kehoach.components as components

    supervise.prestart(1)
    try:
        (early,) = supervise._prestarted
        assert components._compiled_by_workers

        def no_compiling(config: str) -> None:
            raise AssertionError("the parent compiled")

        with monkeypatch.context() as m:
            m.setattr(components, "_warm_up", no_compiling)
            components.warm_up()
        sup = Supervisor(1, current())
        results = [r for r in sup.run([str(f) for f in files[:1]], keep=True)]
        assert [r.error for r in results] == [None]
        assert [w.proc.pid for w in sup.workers] == [early.proc.pid]
        assert not supervise._prestarted and not components._compiled_by_workers
        sup.close()
    finally:
        supervise.release()


def test_prestarted_workers_no_batch_took_are_ended() -> None:
    import kehoach.components as components

    supervise.prestart(2)
    procs = [w.proc for w in supervise._prestarted]
    supervise.release()
    assert not supervise._prestarted and not components._compiled_by_workers
    assert all(not p.is_alive() for p in procs)


def test_a_worker_still_starting_does_not_use_up_the_documents_time(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wall-time limit counts from when the worker begins the document, not from when
    it was sent to a worker still compiling the rules."""
    import dataclasses
    import time

    import kehoach.components as components

    parent = os.getpid()
    real = components.warm_up

    def slow_warm_up() -> None:
        if os.getpid() != parent:
            time.sleep(3)  # a worker compiling on a busy machine
        real()

    monkeypatch.setattr(components, "warm_up", slow_warm_up)
    limits = dataclasses.replace(current(), wall_seconds=2)
    results = list(Supervisor(1, limits).run([str(files[0])]))
    assert [r.error for r in results] == [None]
