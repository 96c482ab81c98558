"""Benchmark: where a section screenshot's time goes (issue 18). Crawls a sandbox province
without screenshots, then photographs each section's first listing page as the crawl does
(evidence/screenshots.capture) and times its phases: the page's load (context, navigation,
network), Chromium's full-page screenshot, decoding it in Pillow, encoding the stored image
and the annotated crop; and the bytes stored. Not a test; it measures this machine as it is.

Run: python3 scripts/bench_capture.py [--agencies 8] [--seed 1] [--limit 60] [--modes now,both]
"""

from __future__ import annotations

import argparse
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from inspector.browser import chromium, open_page, own_host_only
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


def _from_bytes(url: str, body: bytes, content_type: str):
    """A route handler answering the page itself with bytes already fetched (as the crawl has
    them), the page's own host for the rest, nothing else."""
    own = own_host_only(url)

    def handler(route) -> None:
        if route.request.is_navigation_request() and route.request.url == url:
            route.fulfill(status=200, body=body, headers={"content-type": content_type})
        else:
            own(route)
    return handler


def _photograph(browser, url: str, posts: list[str], timings: dict[str, list[float]],
                sizes: dict[str, list[int]], shared=None, fetched=None) -> None:
    started = time.perf_counter()
    reuse_page = isinstance(shared, tuple)          # (context, page): one tab for the host
    if reuse_page:
        context, page = shared
        page.unroute("**/*")
    else:
        context = shared or browser.new_context(viewport=shots.VIEWPORT,
                                                ignore_https_errors=True)
        page = context.new_page()
    opened = time.perf_counter()
    page.route("**/*", _from_bytes(url, *fetched) if fetched else own_host_only(url))
    open_page(page, url, 30000)
    loaded = time.perf_counter()
    timings["context"].append(opened - started)
    width, height = page.evaluate(shots._PAGE_SIZE_JS)
    clip = {"x": 0, "y": 0, "width": min(width, shots.MAX_WIDTH),
            "height": min(height, shots.MAX_HEIGHT)}
    raw = page.screenshot(full_page=True, clip=clip)
    links = page.evaluate(shots._LINK_BOXES_JS)
    if shared is None:
        context.close()
    elif not reuse_page:
        page.close()
    taken = time.perf_counter()
    image = shots._clean_image(raw)
    decoded = time.perf_counter()
    stored = shots._png_bytes(image)
    encoded = time.perf_counter()
    boxes = shots._boxes_to_outline(links, posts, image.size)
    crop = b""
    if boxes:
        crop = shots._png_bytes(shots._annotated_crop(image, boxes, ["bench", url]))
    cropped = time.perf_counter()
    for name, seconds in (("load", loaded - opened), ("screenshot", taken - loaded),
                          ("decode", decoded - taken), ("encode", encoded - decoded),
                          ("crop", cropped - encoded), ("total", cropped - started)):
        timings[name].append(seconds)
    sizes["screenshot"].append(len(stored))
    sizes["crop"].append(len(crop))
    sizes["height"].append(image.size[1])


MODES = ("now", "shared-context", "from-bytes", "both", "one-page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument("--limit", type=int, default=60, help="pages to photograph")
    parser.add_argument("--modes", default=",".join(MODES),
                        help="comma-separated, measured interleaved page by page: now (a "
                        "context and a visit per page, as the crawl does), shared-context (one "
                        "context per host), from-bytes (the page answered from bytes fetched "
                        "beforehand, as the crawl holds them), both, one-page (one tab per "
                        "host, from bytes, navigated page after page)")
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
        if {"from-bytes", "both", "one-page"} & set(modes):
            for url, _ in targets:
                # the sandbox's https portals have a self-signed certificate (loopback only)
                with urllib.request.urlopen(url, timeout=30,
                                            context=ssl._create_unverified_context()) as answer:
                    fetched[url] = (answer.read(), answer.headers.get("content-type",
                                                                      "text/html"))
        timings = {m: defaultdict(list) for m in modes}
        sizes: dict[str, list[int]] = defaultdict(list)
        with chromium(only_hosts=hosts) as browser:
            contexts: dict[tuple[str, str], object] = {}
            pages: dict[tuple[str, str], object] = {}
            for index, (url, posts) in enumerate(targets):
                # each page in every mode, the order turning page by page: load falls alike
                for mode in modes[index % len(modes):] + modes[:index % len(modes)]:
                    shared = None
                    if mode in ("shared-context", "both", "one-page"):
                        key = (mode, url.split("/")[2])
                        if key not in contexts:
                            contexts[key] = browser.new_context(viewport=shots.VIEWPORT,
                                                                ignore_https_errors=True)
                            if mode == "one-page":
                                pages[key] = contexts[key].new_page()
                        shared = (contexts[key], pages[key]) if mode == "one-page" \
                            else contexts[key]
                    _photograph(browser, url, posts, timings[mode], sizes, shared,
                                fetched.get(url) if mode in ("from-bytes", "both", "one-page")
                                else None)
            for context in contexts.values():
                context.close()
        ws.close()
    print(f"{len(targets)} pages photographed in each mode ({args.agencies} agencies, seed "
          f"{args.seed}); seconds per page, mean (median)")
    phases = ["context", "load", "screenshot", "decode", "encode", "crop", "total"]
    print("  " + "mode".ljust(16) + "".join(p.rjust(16) for p in phases))
    for mode, measured in timings.items():
        print("  " + mode.ljust(16) + "".join(
            f"{statistics.mean(measured[p]):.3f} ({statistics.median(measured[p]):.3f})".rjust(16)
            for p in phases))
    print(f"  stored per page: screenshot {statistics.mean(sizes['screenshot']) / 1024:.0f} KB, "
          f"crop {statistics.mean(sizes['crop']) / 1024:.0f} KB, height "
          f"{statistics.mean(sizes['height']):.0f} px")


if __name__ == "__main__":
    main()
