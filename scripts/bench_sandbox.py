"""Benchmark: how long the sandbox province takes to be ready, and its size.

Targets (the sandbox issue): the default province is served within 10 s; 200 agencies can be
generated for crawler benchmarks. Run: python3 scripts/bench_sandbox.py [--agencies 200]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from inspector.sandbox.province import DEFAULT_AGENCIES, generate_province
from inspector.sandbox.server import Sandbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agencies", type=int, default=DEFAULT_AGENCIES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-26")
    args = parser.parse_args()
    started = time.monotonic()
    province = generate_province(args.seed, args.agencies, date.fromisoformat(args.as_of))
    generated = time.monotonic()
    with tempfile.TemporaryDirectory() as out:
        with Sandbox(province, Path(out), base_port=0) as running:
            ready = time.monotonic()
            size = (Path(out) / "ground_truth.json").stat().st_size
            posts = sum(len(s.posts) for a in province.agencies for s in a.sections)
            print(f"agencies {len(province.agencies)}  services {len(province.services)}  "
                  f"posts {posts}  servers {len(running._servers)}")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"generate {generated - started:.1f} s  ready {ready - started:.1f} s (target 10 s for "
          f"the default province)  ground_truth.json {size / 1e6:.1f} MB  peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
