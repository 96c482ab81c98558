"""Shared fixtures: the sandbox province, served in-process on free loopback ports, once per
test session (any test may ask for `sandbox` or its `truth`)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox

AS_OF = date(2026, 11, 26)
SEED = 1


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory):
    province = generate_province(SEED, as_of=AS_OF)
    out = tmp_path_factory.mktemp("sandbox")
    running = Sandbox(province, out, base_port=0, slow_seconds=0.2,
                      service_slow_seconds=0.2).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def truth(sandbox):
    return json.loads((sandbox.out_dir / "ground_truth.json").read_text(encoding="utf-8"))
