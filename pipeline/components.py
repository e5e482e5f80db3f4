"""Loads the component lists of a pipeline configuration once.

The configuration is models/pipeline.yaml (every component), or the file named by the
environment variable KEHOACH_PIPELINE (a name under models/ or a path), e.g.
`pipeline-instruments.yaml`: only the text-to-instruments components.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import cache
from typing import Any

from kehoach.context import DocContext
from kehoach.tables import load_yaml

DocComponent = Callable[[DocContext], None]
RunComponent = Callable[[dict[str, Any]], dict[str, Any]]


def _resolve(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


PIPELINE_ENV = "KEHOACH_PIPELINE"


def config_name() -> str:
    return os.environ.get(PIPELINE_ENV) or "pipeline.yaml"


def document_components() -> tuple[tuple[str, DocComponent], ...]:
    return _document_components(config_name())


@cache
def _document_components(config: str) -> tuple[tuple[str, DocComponent], ...]:
    return tuple((ref, _resolve(ref)) for ref in load_yaml(config)["document"])


def warm_up() -> None:
    _warm_up(config_name())


@cache
def _warm_up(config: str) -> None:
    """Run every document component once on a small sample plan (models/warmup.txt) so that
    lazily compiled patterns are built before worker processes are forked from this one."""
    import hashlib

    from kehoach.document import SourceText
    from kehoach.tables import model_path

    text = model_path("warmup.txt").read_text(encoding="utf-8")
    ctx = DocContext.from_source(
        SourceText("warmup.txt", hashlib.sha256(text.encode()).hexdigest(), text)
    )
    analyse(ctx)


def analyse(ctx: DocContext) -> DocContext:
    """Run the document components on one document's context: the one place that does."""
    for _, component in document_components():
        component(ctx)
    return ctx


def run_components() -> tuple[tuple[str, RunComponent], ...]:
    return _run_components(config_name())


@cache
def _run_components(config: str) -> tuple[tuple[str, RunComponent], ...]:
    return tuple((ref, _resolve(ref)) for ref in load_yaml(config).get("run") or [])
