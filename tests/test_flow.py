"""The coded orchestrator: stages in folder order, each reading only what earlier ones provide."""

from __future__ import annotations

from pathlib import Path

import pytest
from kehoach import components
from kehoach.components import DOCUMENT_STAGES, RUN_STAGES, Stage, check_order, profile_stages


def test_the_coded_flow_follows_the_folders() -> None:
    folders = [s.folder for s in DOCUMENT_STAGES]
    assert folders == sorted(folders, key=components.FOLDERS.index)
    assert folders[0] == "segment" and folders[-1] == "resolve"


def test_a_stage_before_its_provider_is_refused() -> None:
    bodies = next(s for s in DOCUMENT_STAGES if s.name == "extract.bodies")
    sections = next(s for s in DOCUMENT_STAGES if s.name == "segment.sections")
    with pytest.raises(ValueError, match=r"needs .*sections"):
        check_order([bodies])
    with pytest.raises(ValueError, match="runs after a extract stage"):
        check_order([Stage("extract.x", ("text",), ("x",)), sections])


def test_every_stage_is_a_run_function() -> None:
    for stage in DOCUMENT_STAGES + RUN_STAGES:
        assert callable(components._resolve(stage.ref)), stage.ref


def test_profiles_select_stages_in_coded_order(tmp_path: Path) -> None:
    doc, run = profile_stages("pipeline-instruments.yaml")
    assert [s.name for s in doc] == ["extract.locality", "extract.metadata", "extract.instruments",
                                     "extract.named", "resolve.instruments"]
    assert [s.name for s in run] == ["resolve.catalog"]
    # the order written in a profile does not matter; a missing provider or unknown name does
    shuffled = tmp_path / "p.yaml"
    shuffled.write_text("stages: [resolve.catalog, extract.named, extract.instruments, extract.metadata,"
                        " extract.locality, resolve.instruments]\n", encoding="utf-8")
    assert [s.name for s in profile_stages(str(shuffled))[0]] == [s.name for s in doc]
    broken = tmp_path / "b.yaml"
    broken.write_text("stages: [extract.bodies]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"b\.yaml: stage extract\.bodies needs"):
        profile_stages(str(broken))
    unknown = tmp_path / "u.yaml"
    unknown.write_text("stages: [extract.everything]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown stages"):
        profile_stages(str(unknown))
