"""Benchmark: where a section screenshot's time goes (issue 18). Crawls a sandbox province
without screenshots, then photographs each section's first listing page as the crawl does
(evidence/screenshots.capture) and times its phases: the page's load (context, navigation,
network), Chromium's full-page screenshot, decoding it in Pillow, encoding the stored image
and the annotated crop; and the bytes stored: as 0.7 did it ("before") and as the crawl does it
now ("after": one tab per portal, the page from the crawl's bytes, Chromium's JPEG, the crop drawn
on demand). Not a test; it measures this machine as it is.

Run: python3 scripts/bench_capture.py [--agencies 8] [--seed 1] [--limit 60] [--modes before,after]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from PIL import Image

from inspector.browser import PortalTab, async_chromium, chromium, own_host_only
from inspector.evidence import crops
from inspector.evidence import screenshots as shots
from inspector.model.sections import SectionRecord
from inspector.records import observations, registry
from inspector.register.importer import import_register
from inspector.records.workspace import Workspace
from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox

CRAWL = r'''
import sys
from datetime import date
from pathlib import Path
from inspector.crawl.runner import crawl
from inspector.records.workspace import Workspace
crawl(Workspace(Path(sys.argv[1])), date.fromisoformat(sys.argv[2]), screenshots=False,
      settings={"AUTOTHROTTLE_START_DELAY": 0.0, "AUTOTHROTTLE_MAX_DELAY": 1.0,
                "INSPECTOR_RETRY_BASE_DELAY": 0.1, "DOWNLOAD_TIMEOUT": 10})
'''


def _targets(ws: Workspace, limit: int) -> list[tuple[str, list[str]]]:
    """(first listing page, post URLs) of each section read, as the crawl would photograph."""
    found = []
    for agency in registry.all_agencies(ws):
        read = observations.get(ws, agency["id"], "crawl/sections")
        if read is None or read.status != observations.OK:
            continue
        for value in read.value.get("sections", []):
            section = SectionRecord.from_json(value)
            if section.alive() and not section.article and section.pages \
                    and "#" not in section.pages[0]:
                found.append((section.pages[0], [p["url"] for p in section.posts]))
    return found[:limit]


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _before(browser, url: str, posts: list[str], timings, sizes) -> None:
    """As 0.7 photographed a page: a context of its own, the page fetched from the portal again,
    Chromium's PNG decoded and stored again as PNG, the annotated crop drawn and stored."""
    started = time.perf_counter()
    context = browser.new_context(viewport=shots.VIEWPORT, ignore_https_errors=True)
    page = context.new_page()
    opened = time.perf_counter()
    page.route("**/*", own_host_only(url))
    page.goto(url, wait_until="load", timeout=30000)
    loaded = time.perf_counter()
    width, height = page.evaluate(shots._PAGE_SIZE_JS)
    clip = {"x": 0, "y": 0, "width": min(width, shots.MAX_WIDTH),
            "height": min(height, shots.MAX_HEIGHT)}
    raw = page.screenshot(full_page=True, clip=clip)
    links = page.evaluate(shots._LINK_BOXES_JS)
    context.close()
    taken = time.perf_counter()
    with Image.open(io.BytesIO(raw)) as decoded:
        image = decoded.convert("RGB")
    decoded_at = time.perf_counter()
    stored = _png(image)
    encoded = time.perf_counter()
    boxes = shots._boxes_to_outline(links, posts, image.size)
    crop = _png(crops.draw_crop(image, boxes, ["bench", url])) if boxes else b""
    cropped = time.perf_counter()
    for name, seconds in (("context", opened - started), ("load", loaded - opened),
                          ("screenshot", taken - loaded), ("decode", decoded_at - taken),
                          ("encode", encoded - decoded_at), ("crop", cropped - encoded),
                          ("total", cropped - started)):
        timings[name].append(seconds)
    sizes["before"].append(len(stored) + len(crop))


class _After:
    """As the crawl photographs a page now: Playwright's async API (on a loop of its own
    thread, so that both sides alternate page by page), a tab per portal, the page from the
    bytes the crawl fetched, stored as WebP, the crop's boxes kept (drawn on demand)."""

    def __init__(self, root: Path, hosts: list[str]):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.chromium = async_chromium(only_hosts=hosts)
        self.browser = self._call(self.chromium.__aenter__())
        self.ws = self._call(self._workspace(root))   # SQLite: opened in the loop's thread
        self.tabs: dict[str, PortalTab] = {}

    @staticmethod
    async def _workspace(root: Path) -> Workspace:
        return Workspace(root)

    async def _close_workspace(self) -> None:
        self.ws.close()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def photograph(self, url: str, posts: list[str], fetched, timings, sizes) -> None:
        started = time.perf_counter()
        host = url.split("/")[2]
        if host not in self.tabs:
            self.tabs[host] = self._call(PortalTab.open(self.browser, shots.VIEWPORT))
        body, content_type = fetched
        refs = self._call(shots.capture(self.ws, self.tabs[host], url, posts, label="bench",
                                        body=body, content_type=content_type))
        timings["total"].append(time.perf_counter() - started)
        sizes["after"].append((self.ws.root / refs[0]["path"]).stat().st_size)

    def close(self) -> None:
        for tab in self.tabs.values():
            self._call(tab.close())
        self._call(self.chromium.__aexit__(None, None, None))
        self._call(self._close_workspace())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()


MODES = ("before", "after")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument("--limit", type=int, default=60, help="pages to photograph")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="comma-separated, measured interleaved page by page: before (0.7: "
                        "a context and a visit per page, PNG, crop stored), after (a tab per "
                        "portal, the crawl's bytes, JPEG, crop drawn on demand)")
    args = parser.parse_args()
    from datetime import date

    province = generate_province(args.seed, args.agencies, date.fromisoformat(args.as_of))
    with tempfile.TemporaryDirectory() as tmp, \
            Sandbox(province, Path(tmp) / "sandbox", base_port=0, slow_seconds=0.3) as running:
        ws = Workspace(Path(tmp) / "ws")
        import_register(ws, [running.out_dir / "register.yaml"])
        subprocess.run([sys.executable, "-c", CRAWL, str(ws.root), args.as_of], check=True,
                       capture_output=True)
        targets = _targets(ws, args.limit)
        hosts = sorted({url.split("/")[2] for url, _ in targets})
        modes = [m for m in args.modes.split(",") if m]
        fetched = {}
        if "after" in modes:
            for url, _ in targets:
                # the sandbox's https portals have a self-signed certificate (loopback only)
                with urllib.request.urlopen(url, timeout=30,
                                            context=ssl._create_unverified_context()) as answer:
                    fetched[url] = (answer.read(), answer.headers.get("content-type",
                                                                      "text/html"))
        timings = {m: defaultdict(list) for m in modes}
        sizes: dict[str, list[int]] = defaultdict(list)
        after = _After(ws.root, hosts) if "after" in modes else None
        with chromium(only_hosts=hosts) as browser:
            for index, (url, posts) in enumerate(targets):
                # each page in both modes, the order turning page by page: load falls alike
                for mode in modes[index % len(modes):] + modes[:index % len(modes)]:
                    if mode == "before":
                        _before(browser, url, posts, timings[mode], sizes)
                    else:
                        after.photograph(url, posts, fetched[url], timings[mode], sizes)
        if after is not None:
            after.close()
        ws.close()
    print(f"{len(targets)} pages photographed in each mode ({args.agencies} agencies, seed "
          f"{args.seed}); seconds per page, mean (median)")
    phases = ["context", "load", "screenshot", "decode", "encode", "crop", "total"]
    print("  " + "mode".ljust(10) + "".join(p.rjust(16) for p in phases))
    for mode, measured in timings.items():
        print("  " + mode.ljust(10) + "".join(
            (f"{statistics.mean(measured[p]):.3f} ({statistics.median(measured[p]):.3f})"
             if measured[p] else "-").rjust(16) for p in phases))
    for mode in modes:
        print(f"  {mode}: {statistics.mean(sizes[mode]) / 1024:.0f} KB stored per page "
              "(screenshot and crop)")


if __name__ == "__main__":
    main()
