"""Shared fixtures: the sandbox province, served in-process on free loopback ports, once per
test session (any test may ask for `sandbox` or its `truth`)."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest

from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox

AS_OF = date(2026, 11, 26)
SEED = 1


@contextmanager
def running_sandbox(out: Path, slow_seconds: float = 0.2) -> Iterator[Sandbox]:
    """The default province served from ``out`` on free ports until the block ends."""
    province = generate_province(SEED, as_of=AS_OF)
    running = Sandbox(province, out, base_port=0, slow_seconds=slow_seconds,
                      service_slow_seconds=0.2).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    with running_sandbox(tmp_path_factory.mktemp("sandbox")) as running:
        yield running


@pytest.fixture(scope="session")
def truth(sandbox):
    return json.loads((sandbox.out_dir / "ground_truth.json").read_text(encoding="utf-8"))
