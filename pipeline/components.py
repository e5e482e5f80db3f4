"""Loads the component lists of models/pipeline.yaml once."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache
from typing import Any

from pipeline.context import DocContext
from pipeline.tables import load_yaml

DocComponent = Callable[[DocContext], None]
RunComponent = Callable[[dict[str, Any]], dict[str, Any]]


def _resolve(ref: str) -> Callable[..., Any]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@cache
def document_components() -> tuple[tuple[str, DocComponent], ...]:
    return tuple((ref, _resolve(ref)) for ref in load_yaml("pipeline.yaml")["document"])


@cache
def warm_up() -> None:
    """Run every document component once on a small sample plan (models/warmup.txt) so that
    lazily compiled patterns are built before worker processes are forked from this one."""
    import hashlib

    from pipeline.document import SourceText
    from pipeline.tables import model_path

    text = model_path("warmup.txt").read_text(encoding="utf-8")
    ctx = DocContext.from_source(
        SourceText("warmup.txt", hashlib.sha256(text.encode()).hexdigest(), text)
    )
    for _, component in document_components():
        component(ctx)


@cache
def run_components() -> tuple[tuple[str, RunComponent], ...]:
    return tuple((ref, _resolve(ref)) for ref in load_yaml("pipeline.yaml").get("run") or [])
