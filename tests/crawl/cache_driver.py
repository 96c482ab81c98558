"""Run one crawl of a workspace with the incremental cache, in its own process (test driver)."""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

from scrapy import signals

# The politeness of the sandbox tests: no start delay, short back-off (scripts/bench_crawl.py).
FAST = {"AUTOTHROTTLE_START_DELAY": 0.0, "AUTOTHROTTLE_MAX_DELAY": 1.0,
        "INSPECTOR_RETRY_BASE_DELAY": 0.1, "DOWNLOAD_TIMEOUT": 10}


class StatsDump:
    """Writes the crawl's Scrapy stats to INSPECTOR_TEST_STATS when the spider closes (the
    runner keeps its crawler to itself)."""

    def __init__(self, path: str):
        self.path = path

    @classmethod
    def from_crawler(cls, crawler):
        dump = cls(crawler.settings.get("INSPECTOR_TEST_STATS"))
        crawler.signals.connect(lambda spider: dump.write(crawler.stats.get_stats()),
                                signal=signals.spider_closed, weak=False)
        return dump

    def write(self, stats) -> None:
        if self.path:
            Path(self.path).write_text(json.dumps(stats, default=str), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workspace")
    parser.add_argument("as_of")
    parser.add_argument("--agency", action="append", default=None)
    parser.add_argument("--stats", help="write Scrapy's stats and the wall time here (JSON)")
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--fast", action="store_true", help="the tests' politeness (FAST)")
    parser.add_argument("--no-anchor", action="store_true",
                        help="re-read a section's later listing pages every time")
    args = parser.parse_args()

    from inspector.crawl.cache import cache_settings
    from inspector.crawl.runner import crawl
    from inspector.records.workspace import Workspace

    ws = Workspace(Path(args.workspace))
    settings = {} if args.no_cache else cache_settings(ws.root)
    if args.no_anchor:
        settings["INSPECTOR_CACHE_LISTING_ANCHOR"] = False
    if args.fast:
        settings.update(FAST)
    stats_path = Path(args.stats) if args.stats else None
    if stats_path:
        settings["EXTENSIONS"] = {"tests.crawl.cache_driver.StatsDump": 0}
        settings["INSPECTOR_TEST_STATS"] = str(stats_path.with_suffix(".scrapy.json"))
    started = time.monotonic()
    report = crawl(ws, date.fromisoformat(args.as_of), args.agency, settings=settings,
                   screenshots=False)
    seconds = time.monotonic() - started
    ws.close()
    if stats_path:
        scrapy_stats = json.loads(stats_path.with_suffix(".scrapy.json").read_text())
        stats_path.write_text(json.dumps({"seconds": seconds, "run_id": report.run_id,
                                          "scrapy": scrapy_stats}, default=str))


if __name__ == "__main__":
    main()
