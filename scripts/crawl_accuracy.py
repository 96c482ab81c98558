"""How close the crawl comes to the sandbox's ground truth.

Serves the sandbox province (fixed seed), imports its register, crawls every portal, scores, and
prints three shares (targets of the crawler issue):
  - window posts found with the right date (≥ 99 %),
  - criteria whose section was discovered without register overrides (≥ 95 %),
  - criteria whose points equal the ground truth (≥ 95 %),
then the mismatches, worst first. Run: python3 scripts/crawl_accuracy.py [--seed 1] [--show 30]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date
from pathlib import Path

from inspector.crawl.runner import crawl
from inspector.register.importer import import_register
from inspector.sandbox.accuracy import measure
from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox
from inspector.scoring.store import score_workspace
from inspector.workspace import Workspace

FAST = {"AUTOTHROTTLE_START_DELAY": 0.0, "AUTOTHROTTLE_MAX_DELAY": 1.0,
        "INSPECTOR_RETRY_BASE_DELAY": 0.1, "DOWNLOAD_TIMEOUT": 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument("--show", type=int, default=30, help="mismatches to print")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    province = generate_province(args.seed, as_of=as_of)
    with tempfile.TemporaryDirectory() as tmp:
        with Sandbox(province, Path(tmp) / "sandbox", base_port=0, slow_seconds=0.3) as running:
            ws = Workspace(Path(tmp) / "ws")
            import_register(ws, [running.out_dir / "register.yaml"])
            started = time.monotonic()
            crawl(ws, as_of, settings=FAST)
            took = time.monotonic() - started
            score_workspace(ws, as_of)
            truth = json.loads((running.out_dir / "ground_truth.json").read_text(encoding="utf-8"))
            result = measure(truth, ws, as_of)
            ws.close()
    for name, label, target in (("posts", "window posts found with the right date", 0.99),
                                ("sections", "criteria whose section was discovered", 0.95),
                                ("points", "criteria whose points equal the ground truth", 0.95)):
        right, total = result[name]
        share = right / total if total else 0.0
        print(f"{label}: {right}/{total} = {share:.1%} (target {target:.0%})")
    print(f"crawl took {took:.0f} s")
    for what, count in result["misses"].most_common(args.show):
        print(f"  missed {count:4d}  {what}")
    for line in result["details"][:args.show]:
        print("  " + line)


if __name__ == "__main__":
    main()
