"""Benchmark: full service journeys per hour on the sandbox, and Chromium's memory over them."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from inspector.browser import CHROMIUM_ARGS, chromium_path
from inspector.journeys.citizen import load_citizen
from inspector.journeys.journey import OK, JourneySettings, ServiceTarget, run_attempt
from inspector.journeys.mailbox import open_mailbox
from inspector.journeys.playbook import load_playbooks
from inspector.sandbox.files import SERVICE_PLAYBOOKS
from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox
from proctree import descendants, processes  # scripts/proctree.py (run as a script)

SAMPLE_EVERY = 10


def _memory_kb(pid: int) -> tuple[int, str]:
    """PSS when smaps_rollup is readable (shared pages counted once across Chromium's
    processes), else RSS."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]), "PSS"
    except OSError:
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]), "RSS"
    except OSError:
        pass
    return 0, "RSS"


class MemoryProbe:
    """Chromium's processes (argv[0] is the Chromium used, or the binary Debian's wrapper script
    execs) descended from this Python process, and the Playwright driver apart."""

    def __init__(self, chromium: str):
        self.binaries = {chromium, os.path.realpath(chromium)}
        self.name = os.path.basename(chromium)
        self.metric = "RSS"

    def is_chromium(self, argv: list[str]) -> bool:
        # Chromium's child processes rewrite their command line as one space-separated string
        first = argv[0] if argv and os.path.exists(argv[0]) else (argv or [""])[0].split(" ")[0]
        return first in self.binaries or os.path.basename(first) == self.name

    def sample(self) -> dict[str, float]:
        procs = processes()
        browser_kb = driver_kb = count = 0
        for pid in descendants(os.getpid(), procs):
            argv = procs[pid][1]
            kb, self.metric = _memory_kb(pid)
            if self.is_chromium(argv):
                browser_kb += kb
                count += 1
            elif argv and "playwright" in " ".join(argv[:3]).lower():
                driver_kb += kb
        return {"browser_mb": round(browser_kb / 1024, 1), "driver_mb": round(driver_kb / 1024, 1),
                "processes": count}


def _slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of MB against journeys done, per 100 journeys."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    return 100 * sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0


async def bench(args, running: Sandbox) -> dict:
    from playwright.async_api import async_playwright

    province = running.province
    services = [s for s in province.services if s.behaviour == "works"]
    if not services:
        raise SystemExit("the sandbox province has no service that works")
    citizen = load_citizen(running.out_dir / "citizen.yaml")
    mailbox = open_mailbox(citizen.mailbox, citizen.mailbox_password)
    books = load_playbooks()
    settings = JourneySettings(step_timeout=30, mail_timeout=30, video=False)
    chromium = chromium_path()
    probe = MemoryProbe(chromium)
    gate = asyncio.Semaphore(args.contexts)
    outcomes: dict[str, int] = {}
    failures: list[str] = []
    samples: list[dict] = []
    durations: list[float] = []
    done = 0

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True,
                                                   args=CHROMIUM_ARGS)
        try:
            samples.append({"journeys": 0, **probe.sample()})

            async def one(serial: int) -> None:
                nonlocal done
                service = services[(serial - 1) % len(services)]
                target = ServiceTarget(service.id, service.name,
                                       running.urls[service.portal] + service.path,
                                       (service.procedures or [""])[0])
                async with gate:
                    clock = time.monotonic()
                    result = await run_attempt(
                        browser, target=target, playbook=books[SERVICE_PLAYBOOKS[service.portal]],
                        identity=citizen.identity(serial), settings=settings, mailbox=mailbox,
                        secrets=citizen.secrets())
                    durations.append(time.monotonic() - clock)
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
                if result.outcome != OK:
                    failures.append(f"#{serial} {service.id}: {result.outcome}: {result.reason}")
                done += 1

            async def watch(peak: list[float]) -> None:
                while True:          # the browser while journeys run, every 2 s
                    peak[0] = max(peak[0], probe.sample()["browser_mb"])
                    await asyncio.sleep(2)

            # Waves of SAMPLE_EVERY journeys: after each, every context is closed, so the idle
            # browser's memory is comparable from wave to wave (a leak shows as a slope); the
            # busy peak of the wave is kept beside it.
            started = time.monotonic()
            for first in range(1, args.journeys + 1, SAMPLE_EVERY):
                last = min(args.journeys, first + SAMPLE_EVERY - 1)
                peak = [0.0]
                watcher = asyncio.create_task(watch(peak))
                try:
                    await asyncio.gather(*(one(serial) for serial in range(first, last + 1)))
                finally:
                    watcher.cancel()
                samples.append({"journeys": done, **probe.sample(), "busy_peak_mb": peak[0]})
                if not args.json:
                    print(f"  {done} journeys, {time.monotonic() - started:.0f} s, idle browser "
                          f"{samples[-1]['browser_mb']:.0f} MB, busy peak {peak[0]:.0f} MB",
                          flush=True)
            seconds = time.monotonic() - started
        finally:
            await browser.close()

    # the launch sample (no page open yet) is shown but kept out of the fit
    points = [(s["journeys"], s["browser_mb"]) for s in samples if s["journeys"]] or \
        [(s["journeys"], s["browser_mb"]) for s in samples]
    mbs = [mb for _, mb in points]
    return {
        "journeys": args.journeys, "contexts": args.contexts, "seed": args.seed,
        "services": [s.id for s in services], "outcomes": outcomes, "failures": failures,
        "seconds": round(seconds, 1),
        "journeys_per_hour": round(args.journeys / seconds * 3600, 1),
        "mean_seconds_per_journey": round(sum(durations) / len(durations), 2),
        "memory_metric": probe.metric, "launch_mb": samples[0]["browser_mb"],
        "samples": samples,
        "slope_mb_per_100_journeys": round(_slope(points), 2),
        "first_mb": mbs[0], "last_mb": mbs[-1],
        "peak_mb": max(s.get("busy_peak_mb", s["browser_mb"]) for s in samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journeys", type=int, default=200)
    parser.add_argument("--contexts", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args()
    province = generate_province(args.seed, as_of=date.fromisoformat(args.as_of))
    with tempfile.TemporaryDirectory() as tmp, \
            Sandbox(province, Path(tmp) / "sandbox", base_port=0, slow_seconds=0,
                    service_slow_seconds=0) as running:
        report = asyncio.run(bench(args, running))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    print(f"journeys {report['journeys']}  contexts {report['contexts']}  "
          f"services that work {len(report['services'])}  outcomes {report['outcomes']}")
    for line in report["failures"]:
        print(f"  failed {line}")
    print(f"total {report['seconds']:.1f} s  {report['journeys_per_hour']:.0f} journeys/hour  "
          f"mean {report['mean_seconds_per_journey']:.2f} s per journey (in its context)")
    print(f"browser memory ({report['memory_metric']}, Chromium processes) with no context open, "
          f"after each wave of {SAMPLE_EVERY} journeys (journeys → MB):")
    print("  " + "  ".join(f"{s['journeys']}→{s['browser_mb']:.0f}" for s in report["samples"]))
    print(f"slope {report['slope_mb_per_100_journeys']:+.1f} MB per 100 journeys (fit from "
          f"journey {SAMPLE_EVERY} on; {report['launch_mb']:.0f} MB at launch)  "
          f"first {report['first_mb']:.0f} MB  last {report['last_mb']:.0f} MB  "
          f"busy peak {report['peak_mb']:.0f} MB  (driver {report['samples'][-1]['driver_mb']:.0f} MB "
          "at the end)")


if __name__ == "__main__":
    main()
