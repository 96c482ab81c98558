"""`pip install .` (not editable) gives a working tool: the wheel carries the checklists,
playbooks, templates and the sandbox's assets, and from a folder far from the source tree it
lists the checklists and runs a 3-agency demo whose scores are those of the demo before the
packages moved (tests/data/demo-scores-3-agencies-2026-11-30.json, written by version 0.6.0's
layout on the same seed and date)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.demo_scores import scores_of

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = Path(__file__).parent / "data" / "demo-scores-3-agencies-2026-11-30.json"

pytestmark = pytest.mark.slow


# The installed tool alone: no PYTHONPATH pointing back at a source tree.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def _run(*command: str | Path, cwd: Path, timeout: float = 900) -> str:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=ENV)
    assert done.returncode == 0, (command, done.stdout[-3000:], done.stderr[-3000:])
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel built from a copy of the source (the venv sees the
    system's packages for the dependencies, never the source tree for inspector)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "inspector", source / "inspector",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", root / "dist", source, cwd=root)
    wheel = next((root / "dist").glob("inspector-*.whl"))
    shutil.rmtree(source)                       # nothing of the tree is left to fall back on
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=root)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index",
         "--ignore-installed", wheel, cwd=root)
    return venv


def test_the_installed_package_is_the_wheel_not_the_source(installed: Path, tmp_path: Path):
    where = _run(installed / "bin" / "python", "-c",
                 "import inspector; print(inspector.__file__)", cwd=tmp_path).strip()
    assert Path(where).is_relative_to(installed), where


def test_the_wheel_lists_the_checklists(installed: Path, tmp_path: Path):
    out = _run(installed / "bin" / "inspector", "checklist", "list", cwd=tmp_path)
    lines = out.splitlines()
    assert any(line.startswith("1B/I ") for line in lines), out
    assert sum(line[:2] in ("1B", "2B", "3B") for line in lines) == 20, out


def test_the_wheel_runs_the_demo_with_the_scores_of_before(installed: Path, tmp_path: Path):
    out = tmp_path / "demo"
    inspector = installed / "bin" / "inspector"
    try:
        said = _run(inspector, "demo", "--out", out, "--agencies", "3", "--no-serve",
                    "--sandbox-port", "0", "--as-of", "2026-11-30", cwd=tmp_path, timeout=1500)
    finally:
        subprocess.run([str(inspector), "sandbox", "stop", "--out", str(out / "sandbox")],
                       capture_output=True, timeout=60, env=ENV)
    assert "Xong lượt chạy" in said and "3/3 cổng đã thu thập" in said, said[-3000:]
    assert (out / "cong-bo" / "2026" / "bao-cao-danh-gia-2026.pdf").exists()
    exported = json.loads(_run(inspector, "export", "-w", out / "ws", cwd=tmp_path))
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    got = scores_of(exported)
    assert got["as_of"] == expected["as_of"]
    for agency_id, scores in expected["agencies"].items():
        assert got["agencies"][agency_id] == scores, agency_id
    assert got == expected
