"""How close the crawl comes to the sandbox's ground truth.

Serves the sandbox province (fixed seed), imports its register, crawls every portal, scores, and
prints three shares (targets of the crawler issue):
  - window posts found with the right date (≥ 99 %),
  - criteria whose section was discovered without register overrides (≥ 95 %),
  - criteria whose points equal the ground truth (≥ 95 %),
then the mismatches, worst first. Run: python3 scripts/crawl_accuracy.py [--seed 1] [--show 30]

With --variants it serves the generality corpus instead (inspector/sandbox/variants/: the same
kind of content in page templates drawn from each seed; develop on --seeds 1-50, report on the
held-out 101-150) and prints window posts found with the right date (≥ 99 %), posts counted that
do not belong (≤ 1 %), criteria whose points equal the ground truth (≥ 97 %), the theme choices
worst first and each template dimension's breakdown.
Run: python3 scripts/crawl_accuracy.py --variants --seeds 1-50 [--show 30]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

from inspector.crawl.runner import crawl
from inspector.register.importer import import_register
from inspector.survey.importer import import_reports
from inspector.sandbox.accuracy import measure
from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox
from inspector.scoring.store import score_workspace
from inspector.records.workspace import Workspace

FAST = {"AUTOTHROTTLE_START_DELAY": 0.0, "AUTOTHROTTLE_MAX_DELAY": 1.0,
        "INSPECTOR_RETRY_BASE_DELAY": 0.1, "DOWNLOAD_TIMEOUT": 10}


def run(province, as_of: date) -> tuple[dict, dict, float]:
    """Serve the province, crawl and score it; (measure, ground truth, crawl seconds)."""
    with tempfile.TemporaryDirectory() as tmp:
        with Sandbox(province, Path(tmp) / "sandbox", base_port=0, slow_seconds=0.3) as running:
            ws = Workspace(Path(tmp) / "ws")
            import_register(ws, [running.out_dir / "register.yaml"])
            import_reports(ws, sorted((running.out_dir / "bao-cao").glob("*.xlsx")))
            started = time.monotonic()
            crawl(ws, as_of, settings=FAST)
            took = time.monotonic() - started
            score_workspace(ws, as_of)
            truth = json.loads((running.out_dir / "ground_truth.json").read_text(encoding="utf-8"))
            result = measure(truth, ws, as_of)
            ws.close()
    return result, truth, took


def fraction(right: int, total: int) -> str:
    return f"{right}/{total} = {right / total if total else 0.0:.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument("--show", type=int, default=30, help="mismatches to print")
    parser.add_argument("--variants", action="store_true",
                        help="serve the generality corpus (page templates drawn per seed)")
    parser.add_argument("--seeds", default="1-50",
                        help="the corpus's seeds: ranges and lists, e.g. 1-50 or 101-150 or 3,7")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    if args.variants:
        variants(args, as_of)
        return
    province = generate_province(args.seed, as_of=as_of)
    result, _, took = run(province, as_of)
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


# -- the generality corpus ------------------------------------------------------------------------
class Tally:
    """Per theme choice: window posts right/total, posts counted that do not belong, criteria
    whose points are the truth's, and a few examples of what went wrong."""

    def __init__(self):
        self.posts = [0, 0]
        self.foreign = 0
        self.points = [0, 0]
        self.examples: list[str] = []

    def misses(self) -> int:
        return (self.posts[1] - self.posts[0]) + self.foreign + (self.points[1] - self.points[0])

    def badness(self) -> float:
        """The share of this choice's checks that failed (posts, criteria; foreign posts count
        against the posts)."""
        checks = self.posts[1] + self.points[1]
        return self.misses() / checks if checks else 0.0

    def example(self, text: str) -> None:
        if len(self.examples) < 3:
            self.examples.append(text)


def variants(args, as_of: date) -> None:
    from inspector.sandbox.variants import generate_variant_province, parse_seeds

    seeds = parse_seeds(args.seeds)
    started = time.monotonic()
    province = generate_variant_province(seeds, as_of)
    result, truth, took = run(province, as_of)
    total = time.monotonic() - started
    print(f"Generality corpus, seeds {args.seeds} ({len(seeds)} seeds, {len(province.agencies)} "
          f"portals, {len(province.mounts)} sub-sites; as of {as_of}): crawl {took:.0f} s, "
          f"{took / len(seeds):.1f} s per seed; whole run {total:.0f} s")
    right, count = result["posts"]
    print(f"window posts found with the right date: {fraction(right, count)} (target ≥ 99 %)")
    wrong, listed = result["foreign"]
    print(f"posts counted that do not belong: {fraction(wrong, listed)} (target ≤ 1 %)")
    right, count = result["points"]
    print(f"criteria whose points equal the ground truth: {fraction(right, count)} (target ≥ 97 %)")
    right, count = result["sections"]
    print(f"criteria whose section was discovered: {fraction(right, count)}")

    agencies = {a["id"]: a for a in truth["agencies"]}
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)

    def choices(aid: str, section_key: str | None) -> list[tuple[str, str]]:
        theme = agencies[aid].get("theme") or {}
        out = list((theme.get("dimensions") or {}).items())
        out.append(("level", agencies[aid]["level"]))
        if section_key is not None:
            section = next(s for s in agencies[aid]["sections"] if s["key"] == section_key)
            out.append(("section_form", theme.get("sections", {}).get(section_key, "?")))
            out.append(("section_dates", "yes" if section["listing_dates"] else "no"))
            out.append(("section_placement", section["placement"]))
            out.append(("section_pages", "1" if len(section["listing_pages"]) == 1 else "2+"))
        return out

    for item in result["post_results"]:
        for choice in choices(item["agency"], item["section"]):
            tally = tallies[choice]
            tally.posts[1] += 1
            tally.posts[0] += item["ok"]
            if not item["ok"]:
                tally.example(f"{item['key']} {item['url']} got {item['got']}")
    for item in result["foreign_posts"]:
        for choice in choices(item["agency"], item["read_from"]):
            tallies[choice].foreign += 1
            tallies[choice].example(f"{item['key']} counted {item['url']} ({item['lives']})")
    for item in result["criteria_results"]:
        for choice in choices(item["agency"], None):
            tally = tallies[choice]
            tally.points[1] += 1
            tally.points[0] += item["same"]
            if not item["same"]:
                tally.example(f"{item['agency']} {item['criterion']} want {item['want']} "
                              f"got {item['got']}")

    print("\nTheme choices worst first (posts right/total, posts that do not belong, "
          "criteria right/total):")
    ranked = sorted(((k, t) for k, t in tallies.items() if t.misses()),
                    key=lambda kt: (-kt[1].badness(), -kt[1].misses()))
    for (dimension, option), tally in ranked[:args.show]:
        print(f"  {dimension}={option}: posts {fraction(*tally.posts)}, foreign {tally.foreign}, "
              f"criteria {fraction(*tally.points)}")
        for text in tally.examples[:2]:
            print(f"      e.g. {text}")

    print("\nPer dimension (option: window posts right/total; +N posts that do not belong):")
    dimensions: dict[str, list[tuple[str, Tally]]] = defaultdict(list)
    for (dimension, option), tally in tallies.items():
        dimensions[dimension].append((option, tally))
    for dimension in sorted(dimensions):
        options = sorted(dimensions[dimension],
                         key=lambda ot: (ot[1].posts[0] / ot[1].posts[1] if ot[1].posts[1] else 1.0))
        cells = [f"{option} {tally.posts[0]}/{tally.posts[1]}"
                 f" {tally.posts[0] / tally.posts[1] if tally.posts[1] else 0:.0%}"
                 + (f" +{tally.foreign}" if tally.foreign else "") for option, tally in options]
        print(f"  {dimension:<18} " + " · ".join(cells))

    print("\nMismatches:")
    for line in result["details"][:args.show]:
        print("  " + line)
    lives = defaultdict(int)
    for item in result["foreign_posts"]:
        lives[item["lives"].split(" (")[0] if "another agency" in item["lives"] else
              "post of another section" if item["lives"].startswith("post of") else item["lives"]] += 1
    if lives:
        print("  posts that do not belong, by where they live: "
              + ", ".join(f"{k} {v}" for k, v in sorted(lives.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
