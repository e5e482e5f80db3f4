"""The built wheel works on its own: installed into a fresh virtual environment outside the
repository, `import kehoach` and `kehoach extract` run with the rule tables shipped inside."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
from conftest import RAW, ROOT


def _run(cmd: list[str], cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "KEHOACH_MODELS")}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, **kw)


def test_wheel_installs_and_runs_outside_the_repository(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                  "-q", "-w", str(dist), str(ROOT)], cwd=tmp_path)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(dist.glob("kehoach-*.whl"))

    env_dir = tmp_path / "fresh"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    # the dependencies come from this environment's site-packages (no network); the editable
    # install of the repository is not seen there, since a .pth path's own .pth files are not run
    site = Path(_run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=tmp_path).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    inst = _run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], cwd=tmp_path)
    assert inst.returncode == 0, inst.stderr[-2000:]

    where = _run([str(py), "-c", "import kehoach, kehoach.rules as t; print(kehoach.__file__); "
                  "print(t.MODELS_DIR)"], cwd=tmp_path)
    assert where.returncode == 0, where.stderr[-2000:]
    module_file, models_dir = where.stdout.split()
    assert module_file.startswith(str(env_dir)), module_file
    assert models_dir.startswith(str(env_dir)) and (Path(models_dir) / "pipeline.yaml").exists()

    sample = tmp_path / "in"
    sample.mkdir()
    shutil.copy(RAW / "haiphong-bql-2024-tuyen-truyen-cchc.txt", sample)
    out = tmp_path / "out"
    cli = _run([str(env_dir / "bin" / "kehoach"), "extract", str(sample), "-o", str(out), "-w", "1"],
               cwd=tmp_path)
    assert cli.returncode == 0, cli.stdout[-2000:] + cli.stderr[-2000:]
    citations = (out / "citations.csv").read_text(encoding="utf-8")
    assert citations.count("\n") > 5 and "NQ-CP" in citations

    api = _run([str(py), "-c", "import kehoach; d = kehoach.extract_file('in/"
                "haiphong-bql-2024-tuyen-truyen-cchc.txt'); print(len(d.citations), d.metadata.doc_type)"],
               cwd=tmp_path)
    assert api.returncode == 0, api.stderr[-2000:]
    n, doc_type = api.stdout.split(maxsplit=1)
    assert int(n) > 5 and doc_type.strip() == "Kế hoạch"


@pytest.fixture(autouse=True, scope="module")
def _needs_setuptools() -> None:
    import setuptools

    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.fail(f"setuptools {setuptools.__version__} cannot build the wheel: "
                    "run `bash scripts/setup.sh --dev` (installs setuptools>=77)")
