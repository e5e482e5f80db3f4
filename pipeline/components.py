"""The coded orchestrator: which stages run on a document, in which order, and what each
needs and provides.

Stages run in the order of the folders (read -> normalize -> segment -> extract -> resolve ->
export); a stage only reads what an earlier stage provides, and `check_order` proves it when
the module is imported. A profile picks a subset of stages by name (models/pipeline.yaml: every
stage; models/pipeline-instruments.yaml: the text-to-instruments path); the order is always the
one below, whatever the profile lists. Like spaCy components, each stage declares what it
assigns (`provides`) and what it reads (`needs`).

Document stages are `run(ctx: DocContext)`; run stages take every table of the batch (pandas
DataFrames) after the documents are done and return the tables they add or replace.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from kehoach.context import DocContext
from kehoach.rules import Rules, using

DocComponent = Callable[[DocContext], None]
RunComponent = Callable[[dict[str, Any]], dict[str, Any]]

FOLDERS = ("read", "normalize", "segment", "extract", "resolve", "export")


@dataclass(frozen=True)
class Stage:
    """One step of the flow. `name` is folder.step (what profiles list); `module` the module
    under kehoach that holds its `run` (default: the name; extract/ is split by family);
    `ref` the callable ("module:function")."""

    name: str
    needs: tuple[str, ...]
    provides: tuple[str, ...]
    doc: str = ""
    module: str = ""

    @property
    def folder(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def ref(self) -> str:
        return f"kehoach.{self.module or self.name}:run"


# What a document stage can read before any stage has run.
GIVEN = ("text", "source")

DOCUMENT_STAGES: tuple[Stage, ...] = (
    Stage("segment.sections", ("text",), ("sections",),
          "section tree and task tables"),
    Stage("extract.locality", ("text",), ("locality",),
          "the plan's own province / district, to resolve 'tỉnh', 'thị xã'",
          module="extract.metadata.locality"),
    Stage("extract.metadata", ("text", "locality"), ("metadata", "locality"),
          "type, number, issuer, date, title, signer, period; refines locality",
          module="extract.metadata.fields"),
    Stage("extract.recipients", ("text",), ("recipients",),
          "'Nơi nhận' lines",
          module="extract.metadata.recipients"),
    Stage("extract.instruments", ("text", "locality", "metadata"), ("instrument_mentions",),
          "cited numbered instruments (the plan's own number left out)",
          module="extract.citations.instruments"),
    Stage("extract.named", ("text", "instrument_mentions"), ("named_instruments",),
          "instruments cited by name only",
          module="extract.citations.named"),
    Stage("extract.channels", ("sections", "metadata", "instrument_mentions", "named_instruments"),
          ("channels",), "communication channels",
          module="extract.assignments.channels"),
    Stage("extract.bodies", ("sections", "locality", "instrument_mentions", "named_instruments"),
          ("bodies",), "responsible bodies and their roles",
          module="extract.assignments.bodies"),
    Stage("extract.deadlines", ("sections", "bodies", "instrument_mentions", "named_instruments"),
          ("deadlines",), "deadline dates and recurrences",
          module="extract.assignments.deadlines"),
    Stage("resolve.instruments", ("instrument_mentions", "named_instruments", "locality"),
          ("citations",), "short forms, issuers and keys inside one document -> citations"),
)

RUN_STAGES: tuple[Stage, ...] = (
    Stage("resolve.catalog", ("citations",), ("instruments",),
          "distinct instruments across the run"),
    Stage("resolve.links", ("citations", "documents"), ("links",),
          "plans implementing / citing plans of the corpus"),
)


def check_order(stages: Iterable[Stage], given: Iterable[str] = GIVEN) -> None:
    """Raise ValueError unless the stages follow the folder order and each one's needs are
    provided by an earlier stage (or given)."""
    have = set(given)
    last = 0
    for stage in stages:
        index = FOLDERS.index(stage.folder)
        if index < last:
            raise ValueError(f"stage {stage.name} ({stage.folder}) runs after a {FOLDERS[last]} stage")
        last = index
        missing = [n for n in stage.needs if n not in have]
        if missing:
            raise ValueError(f"stage {stage.name} needs {missing}, which no earlier stage provides")
        have.update(stage.provides)


check_order(DOCUMENT_STAGES)
check_order(RUN_STAGES, given=("documents", "citations", "bodies", "deadlines", "channels"))


def _resolve(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


DEFAULT_PROFILE = "pipeline.yaml"
_profile = DEFAULT_PROFILE


def use_profile(name: str | None) -> None:
    """Make `name` (a profile under models/ or a path; None: every stage) the profile this
    process runs. `kehoach.run.run(profile=...)` calls it before its workers start (forked
    workers inherit it; Dask workers get the name with each task). A profile that names an
    unknown stage or leaves out a needed one raises ValueError here, before any document."""
    global _profile
    name = name or DEFAULT_PROFILE
    profile_stages(name)
    _profile = name


def config_name() -> str:
    """The profile this process runs."""
    return _profile


def profile_stages(config: str) -> tuple[tuple[Stage, ...], tuple[Stage, ...]]:
    """The document and run stages a profile selects, in the coded order; a profile naming
    an unknown stage, or leaving out a stage that a selected one needs, is an error."""
    spec = Rules.default().yaml(config) or {}  # a run setting: never a document's copy
    names = set(spec.get("stages") or [])
    known = {s.name for s in DOCUMENT_STAGES + RUN_STAGES}
    unknown = sorted(names - known)
    if unknown:
        raise ValueError(f"{config}: unknown stages {unknown}; known: {sorted(known)}")
    doc = tuple(s for s in DOCUMENT_STAGES if s.name in names)
    run = tuple(s for s in RUN_STAGES if s.name in names)
    try:
        check_order(doc)
    except ValueError as exc:
        raise ValueError(f"{config}: {exc}") from None
    return doc, run


def document_components() -> tuple[tuple[str, DocComponent], ...]:
    return _document_components(config_name())


@cache
def _document_components(config: str) -> tuple[tuple[str, DocComponent], ...]:
    return tuple((s.ref, _resolve(s.ref)) for s in profile_stages(config)[0])


def analyse(ctx: DocContext, on_stage: Callable[[str], None] | None = None) -> DocContext:
    """Run the document stages on one document's context: the one place that does. Each
    stage compiles what it runs from `ctx.rules` (the spaCy component's saved tables, a
    user's folder, or the shipped ones). `on_stage(ref)` is called as each stage starts (the
    batch says where a document was when it failed or had to be stopped). `ctx.rules` are
    the rules in force meanwhile (kehoach.rules.using), for the grammars deep in a stage."""
    stages = document_components()  # the run's profile, not the document's rules
    with using(ctx.rules):
        for ref, component in stages:
            if on_stage is not None:
                on_stage(ref)
            component(ctx)
    return ctx


_compiled_by_workers = False


def compile_in_workers(on: bool) -> None:
    """With `on`, `warm_up` leaves the compiling to worker processes already started (they
    were forked before this process compiled: each compiles for itself, so this one need not;
    kehoach.supervise.prestart)."""
    global _compiled_by_workers
    _compiled_by_workers = on


def warm_up() -> None:
    if not _compiled_by_workers:
        _warm_up(config_name())


@cache
def _warm_up(config: str) -> None:
    """Run every document stage once on a small sample plan (models/warmup.txt) so that
    lazily compiled patterns are built before worker processes are forked from this one.
    The regex code of those patterns is kept between processes (kehoach.patterns.code_cache:
    most of the time a start-up spent compiling)."""
    import hashlib

    from kehoach.document import SourceText
    from kehoach.patterns import code_cache
    from kehoach.rules import model_path

    text = model_path("warmup.txt").read_text(encoding="utf-8")
    with code_cache():
        analyse(DocContext.from_source(SourceText("warmup.txt", hashlib.sha256(text.encode()).hexdigest(), text)))


def run_components() -> tuple[tuple[str, RunComponent], ...]:
    return _run_components(config_name())


@cache
def _run_components(config: str) -> tuple[tuple[str, RunComponent], ...]:
    return tuple((s.ref, _resolve(s.ref)) for s in profile_stages(config)[1])
