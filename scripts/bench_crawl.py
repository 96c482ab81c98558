"""Benchmark: pages per second of the full crawl pipeline against a bare Scrapy spider that only
follows links, over the same sandbox province, and their ratio.

Each crawl runs in its own process (Twisted's reactor starts once per process); both get the
same politeness settings and page budget. The two sides are interleaved, A B then B A, for
--repeat rounds, each full crawl into a fresh workspace: whatever else the machine does falls on
both sides alike, and the spread of the ratio over the rounds says how much to trust it.
Run: python3 scripts/bench_crawl.py [--agencies 17] [--repeat 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from inspector.register.importer import import_register
from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox
from inspector.records.workspace import Workspace

# Issue 18's measure: the ratio as 0.7.0 began (one side after the other) and its target
BEFORE_RATIO, TARGET_RATIO = 0.44, 0.7

FAST = {"AUTOTHROTTLE_START_DELAY": 0.0, "AUTOTHROTTLE_MAX_DELAY": 1.0,
        "INSPECTOR_RETRY_BASE_DELAY": 0.1, "DOWNLOAD_TIMEOUT": 10}

BARE = r'''
import json, sys, time
from urllib.parse import urlsplit
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor
from inspector.crawl.settings import SETTINGS

portals, budget, fast = json.loads(sys.argv[1]), int(sys.argv[2]), json.loads(sys.argv[3])
hosts = {urlsplit(p).netloc for p in portals}

class Bare(scrapy.Spider):
    name = "bare"
    links = LinkExtractor()
    async def start(self):
        for url in portals:
            yield scrapy.Request(url)
    def parse(self, response):
        if not hasattr(response, "text"):
            return
        for link in self.links.extract_links(response):
            if urlsplit(link.url).netloc in hosts:
                yield scrapy.Request(link.url)

settings = {**SETTINGS, **fast, "INSPECTOR_PAGE_BUDGET": budget}
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
started = time.monotonic()
process.crawl(crawler)
process.start()
pages = sum(v for k, v in crawler.stats.get_stats().items() if k.startswith("inspector/pages/"))
print(json.dumps({"pages": pages, "seconds": time.monotonic() - started}))
'''

FULL = r'''
import json, sys, time
from datetime import date
from pathlib import Path
from inspector.crawl.runner import crawl
from inspector.records.workspace import Workspace

ws, as_of, fast = Workspace(Path(sys.argv[1])), date.fromisoformat(sys.argv[2]), json.loads(sys.argv[3])
started = time.monotonic()
report = crawl(ws, as_of, settings=fast)
pages = sum(a["pages"] for a in report.agencies.values())
print(json.dumps({"pages": pages, "seconds": time.monotonic() - started}))
'''


def run(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rate(side: dict) -> float:
    return side["pages"] / side["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=17)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument("--budget", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of A B / B A")
    parser.add_argument("--json", type=Path, help="also write the rounds to this file")
    args = parser.parse_args()
    as_of = date.fromisoformat(args.as_of)
    province = generate_province(args.seed, args.agencies, as_of)
    rounds = []
    with tempfile.TemporaryDirectory() as tmp, \
            Sandbox(province, Path(tmp) / "sandbox", base_port=0, slow_seconds=0.3) as running:
        portals = [a.base_url for a in province.agencies if not a.has("down")]
        fast = json.dumps({**FAST, "INSPECTOR_PAGE_BUDGET": args.budget})

        def full() -> dict:
            folder = Path(tempfile.mkdtemp(dir=tmp))
            ws = Workspace(folder)
            import_register(ws, [running.out_dir / "register.yaml"])
            ws.close()
            return run(FULL, str(folder), args.as_of, fast)

        def bare() -> dict:
            return run(BARE, json.dumps(portals), str(args.budget), fast)

        for index in range(args.repeat):
            order = (("full", full), ("bare", bare))
            measured = {name: side() for name, side in (order if index % 2 == 0
                                                        else order[::-1])}
            measured["ratio"] = _rate(measured["full"]) / _rate(measured["bare"])
            rounds.append(measured)
            print(f"round {index + 1}: full {measured['full']['pages']} pages in "
                  f"{measured['full']['seconds']:.1f} s = {_rate(measured['full']):.1f} pages/s; "
                  f"bare {measured['bare']['pages']} pages in {measured['bare']['seconds']:.1f} s"
                  f" = {_rate(measured['bare']):.1f} pages/s; ratio {measured['ratio']:.2f}",
                  flush=True)
    ratios = sorted(r["ratio"] for r in rounds)
    median = statistics.median(ratios)
    print(f"ratio full/bare over {len(ratios)} rounds: median {median:.2f}, "
          f"min {ratios[0]:.2f}, max {ratios[-1]:.2f}")
    print(f"\nissue 18 ({args.agencies} agencies)\n{'':44} {'0.7.0':>8} {'this run':>9} "
          f"{'target':>8}  met\n{'full pipeline / bare link-follower, pages/s':44} "
          f"{BEFORE_RATIO:>8.2f} {median:>9.2f} {TARGET_RATIO:>8.2f}  "
          f"{'yes' if median >= TARGET_RATIO else 'NO'}")
    if args.json:
        args.json.write_text(json.dumps({"agencies": args.agencies, "rounds": rounds,
                                         "median_ratio": median}, indent=1))


if __name__ == "__main__":
    main()
