"""Measure the whole job on the sandbox province against its ground truth: every category, every
agency's total, every district's and commune's Mức, and every group's rankings.

Serves the sandbox in-process on loopback, imports its register and its agencies' reports
(`inspector survey import`), runs `inspector nightly` with the test citizen, moves the sandbox
clock four hours on and checks the services again as four hours later (`check-services --now`:
the re-checks of Section V.4.2.c.ii), scores, then compares
every agency's categories (points, rating, complete), total and Mức with ground_truth.json and
prints the differences. Nothing leaves 127.0.0.1.

    python3 scripts/province_accuracy.py [--seed 1] [--as-of 2026-11-30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from inspector.export.rankings import rankings  # noqa: E402
from inspector.export.results import results_document  # noqa: E402
from inspector.sandbox.province import generate_province  # noqa: E402
from inspector.sandbox.server import Sandbox  # noqa: E402
from inspector.records.workspace import Workspace  # noqa: E402


def _cli(*args: str) -> None:
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "inspector.cli", *args], capture_output=True,
                         text=True)
    print(f"  {' '.join(args[:2])}: rc {run.returncode} in {time.monotonic() - started:.0f} s",
          flush=True)
    if run.returncode != 0:
        sys.exit(f"{args}: {run.stderr[-2000:]}")


def compare(truth: dict, ws: Workspace) -> dict:
    """Per agency: categories equal (points, rating, complete), total equal, Mức equal."""
    result = {"categories": [0, 0], "totals": [0, 0], "levels": [0, 0], "differences": []}
    for agency in truth["agencies"]:
        aid = agency["id"]
        got = {r["category_id"]: r for r in ws.db["categories"].rows_where("agency_id = ?",
                                                                           [aid])}
        for want in agency["expected"]["categories"]:
            row = got.get(want["id"])
            same = row is not None and (row["points"], row["rating"], bool(row["complete"])) \
                == (want["points"], want["rating"], want["complete"])
            result["categories"][0] += same
            result["categories"][1] += 1
            if not same:
                result["differences"].append(
                    f"{aid} {want['id']}: want {want['points']} {want['rating']} got "
                    f"{row and row['points']} {row and row['rating']}")
        overall = json.loads(ws.db["overall"].get(aid)["value"])
        want_total = agency["expected"]["overall"]["total"]
        result["totals"][0] += overall["total"] == want_total
        result["totals"][1] += 1
        if agency["level"] != "province":
            same = overall.get("level") == agency["expected"]["overall"].get("level")
            result["levels"][0] += same
            result["levels"][1] += 1
            if not same:
                result["differences"].append(
                    f"{aid} Mức: want {agency['expected']['overall'].get('level')} got "
                    f"{overall.get('level')} (missing {overall.get('missing')})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default=date.today().isoformat())
    parser.add_argument("--keep", type=Path, help="Keep the sandbox and workspace here.")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        province = generate_province(args.seed, as_of=as_of)
        with Sandbox(province, root / "sandbox", base_port=0) as running:
            ws_dir, out = root / "ws", running.out_dir
            _cli("registry", "import", "-w", str(ws_dir), str(out / "register.yaml"))
            _cli("survey", "import", "-w", str(ws_dir),
                 *sorted(str(p) for p in (out / "bao-cao").glob("*.xlsx")))
            started = datetime.now(timezone.utc).replace(tzinfo=None)
            _cli("nightly", "-w", str(ws_dir), "--as-of", as_of.isoformat(), "--citizen",
                 str(out / "citizen.yaml"), "--no-screenshots")
            # the next night, four hours later on both clocks: the re-checks of V.4.2.c.ii
            request = urllib.request.Request(running.urls["control"] + "/clock?advance_hours=4",
                                             method="POST")
            urllib.request.urlopen(request, timeout=10).read()
            later = started + timedelta(hours=4, minutes=30)
            _cli("check-services", "-w", str(ws_dir), "--citizen", str(out / "citizen.yaml"),
                 "--now", later.strftime("%Y-%m-%dT%H:%M"))
            _cli("score", "-w", str(ws_dir), "--as-of", as_of.isoformat())
            truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
            ws = Workspace(ws_dir)
            try:
                result = compare(truth, ws)
                got = [r.as_dict() for r in rankings(results_document(ws))]
            finally:
                ws.close()
            same = [g == w for g, w in zip(got, truth["rankings"])]
            result["rankings"] = [sum(same), len(truth["rankings"])]
            result["differences"] += [f"ranking {w['group']} {w['category_id']} differs"
                                      for g, w, ok in zip(got, truth["rankings"], same) if not ok]
    for name in ("categories", "totals", "levels", "rankings"):
        right, total = result[name]
        print(f"{name}: {right}/{total} equal to the ground truth")
    for line in result["differences"]:
        print("  " + line)


if __name__ == "__main__":
    main()
