"""Benchmark: `inspector nightly` on a sandbox province of N agencies (default 200) on this
machine — a full run, then an incremental run after 5 % of the content changed: wall time, pages
per second (over the network and processed), peak memory of the nightly process tree, and what
the second run found of the change.

Not a test (nothing here is timed inside pytest); it measures this machine as it is, load
included (the load average before and after each run is in the output). Run:

    nice -n 19 python3 scripts/bench_nightly.py [--agencies 200] [--slow-seconds 0.3] \
        [--workers 2] [--batch 8] [--no-screenshots] [--delay S] [--seed 1] [--out DIR] [--keep]

What it does:
1. serves the sandbox province in a child process on free ports of 127.0.0.1 (portals of the
   'slow' agencies wait --slow-seconds per request; `inspector sandbox serve` waits 1.5 s);
2. imports its register into a fresh workspace (`inspector registry import`);
3. run 1: `inspector nightly -w WS --as-of D` with its defaults (incremental, but the HTTP cache
   is empty: a full run; screenshots on unless --no-screenshots). No --citizen: the service
   checks are measured by scripts/bench_services.py, so the services stage is skipped;
4. POST <control>/content?share=0.05&seed=SEED: one new post at the top of about a third of
   the news sections of 5 % of the portals;
5. run 2: `inspector nightly` again (a new run, run 1 having finished): the incremental run.

For each run: wall time of the nightly process, pages (sum of the crawl workers' per-agency
page counts, which include pages served from the HTTP cache, and the cache's hit / miss /
revalidate / invalidate counts; pages over the network = processed − cache hits), pages per
second, the stage seconds of the run record, the crawl workers' durations, screenshots taken,
CPU seconds (user + system) of the nightly's process tree (of the processes waited for, and
summed over every process sampled) and of the sandbox, and memory: VmRSS of the nightly
process and all its descendants sampled every 0.5 s (peak of the sum — Chromium's processes
share pages, so the sum overstates — and peak of the largest single process; also the peak of
the summed proportional set size, PSS, which counts a shared page once), the sandbox's process
apart. Both CPU seconds and the peak's RSS are also given by kind of process (the nightly, its
crawl workers, Playwright's driver, Chromium's browser, renderers, GPU process…). Then what
changed between the runs: posts found per agency against the sandbox's list of changes, and
findings (finding_history) that differ.

Prints a table and writes scripts/results/bench_nightly-<agencies>-<date>.json (written after
each run, so an interrupted benchmark leaves what it measured). SIGTERM/Ctrl-C stop the nightly
process group and the sandbox; the run in progress is reported as far as it got
("interrupted": true, agencies crawled so far; its pages per second are over its wall time,
batches in flight included).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from proctree import cpu_seconds, descendants, processes  # scripts/proctree.py (run as a script)

RESULTS = Path(__file__).resolve().parent / "results"
SAMPLE_SECONDS = 0.5

# The sandbox in its own process: print one JSON line when every server listens, then serve
# until SIGTERM (or until the benchmark dies: PR_SET_PDEATHSIG).
SANDBOX = r'''
import ctypes, json, signal, sys, threading, time
from datetime import date
from pathlib import Path
try:
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)    # PR_SET_PDEATHSIG
except OSError:
    pass
from inspector.sandbox.province import generate_province
from inspector.sandbox.server import Sandbox

seed, count, as_of, out, slow = (int(sys.argv[1]), int(sys.argv[2]),
                                 date.fromisoformat(sys.argv[3]), Path(sys.argv[4]),
                                 float(sys.argv[5]))
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
started = time.monotonic()
province = generate_province(seed, count, as_of)
generated = time.monotonic() - started
running = Sandbox(province, out, base_port=0, slow_seconds=slow, service_slow_seconds=slow).start()
print(json.dumps({"urls": running.urls, "agencies": len(province.agencies),
                  "down": [a.id for a in province.agencies if a.has("down")],
                  "slow": [a.id for a in province.agencies if a.has("slow")],
                  "troubles": {a.id: sorted(a.troubles) for a in province.agencies if a.troubles},
                  "generate_seconds": round(generated, 1),
                  "ready_seconds": round(time.monotonic() - started, 1)}), flush=True)
try:
    while not stop.wait(0.5):
        pass
finally:
    running.stop()
'''


class Stopped(Exception):
    """SIGTERM or SIGINT reached the benchmark."""


def _raise_stopped(*_: Any) -> None:
    raise Stopped()


# -- processes and memory ----------------------------------------------------------------------
def _parents() -> dict[int, int]:
    """pid → ppid of every process we may read."""
    return {pid: ppid for pid, (ppid, _) in processes().items()}


def _tree(root: int, procs: dict[int, int]) -> list[int]:
    """``root`` and every process below it."""
    return [root] + descendants(root, {pid: (ppid, []) for pid, ppid in procs.items()})


def _kb(pid: int, file: str, field: str) -> int:
    """A field in kB of /proc/<pid>/<file>, 0 when the process is gone (or a zombie)."""
    try:
        for line in Path(f"/proc/{pid}/{file}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _kb(pid, "status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    """Proportional set size: each page shared by n processes counted 1/n in each (Chromium's
    processes share much of their memory, which a sum of RSS counts again in each)."""
    return _kb(pid, "smaps_rollup", "Pss:")


def _name(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = " ".join(a.decode(errors="replace") for a in argv[:6] if a)
    # Chromium's children rewrite their command line as one string: split it again
    tokens = [t for a in argv for t in a.decode(errors="replace").split(" ") if t]
    chromium_type = next((t[7:] for t in tokens if t.startswith("--type=")), None)
    if chromium_type is not None:           # a child of Chromium's: renderer, gpu-process…
        if chromium_type == "utility":      # the network service, storage…: say which
            service = next((t.rpartition(".")[2] for t in tokens
                            if t.startswith("--utility-sub-type=")), "")
            chromium_type = f"utility {service}".strip()
        return f"chromium {chromium_type}"
    if "inspector.cli crawl" in words or "multiprocessing" in words:  # nightly spawns them
        return "crawl worker"
    if "inspector.cli nightly" in words:
        return "nightly"
    if "playwright" in words.lower() or "node" in os.path.basename(words.split(" ")[0]):
        return "playwright driver"
    if "chrom" in words.lower():
        return "chromium browser"
    return os.path.basename(words.split(" ")[0]) or "?"


class MemoryWatch(threading.Thread):
    """Every SAMPLE_SECONDS: VmRSS of `root` and its descendants (sum, largest, count) and of
    the sandbox process; keeps the peaks. Also the CPU seconds each process of the tree had
    used when last seen, summed: Chromium's renderers are not always waited for by a process
    of the tree, so RUSAGE_CHILDREN misses theirs (a process's last half second is missed)."""

    def __init__(self, root: int, sandbox: int):
        super().__init__(daemon=True)
        self.root, self.sandbox = root, sandbox
        self.done = threading.Event()
        self.peak_sum_kb = self.peak_single_kb = self.peak_processes = self.peak_pss_kb = 0
        self.peak_single_name = ""
        self.peak_sandbox_kb = 0
        self.samples = 0
        self.timeline: list[tuple[float, int, int]] = []     # (s, tree MB, processes) each 10 s
        self.started = time.monotonic()
        self.cpu: dict[int, float] = {}       # pid → CPU seconds when last seen
        self.kinds: dict[int, str] = {}       # pid → _name, read once
        self.peak_by_kind_kb: dict[str, int] = {}   # the peak's sum, by kind of process

    def run(self) -> None:
        last_kept = -10.0
        while not self.done.is_set():
            procs = _parents()
            pids = _tree(self.root, procs)
            sizes = [(_rss_kb(pid), pid) for pid in pids]
            total = sum(kb for kb, _ in sizes)
            largest, largest_pid = max(sizes, default=(0, 0))
            live = sum(1 for kb, _ in sizes if kb)
            for pid in pids:
                if pid not in self.kinds:
                    self.kinds[pid] = _name(pid)
            if total > self.peak_sum_kb:
                self.peak_sum_kb = total
                self.peak_by_kind_kb = {}
                for kb, pid in sizes:
                    kind = self.kinds[pid]
                    self.peak_by_kind_kb[kind] = self.peak_by_kind_kb.get(kind, 0) + kb
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(pid) for pid in pids))
            if largest > self.peak_single_kb:
                self.peak_single_kb = largest
                self.peak_single_name = self.kinds.get(largest_pid, "?")
            self.peak_processes = max(self.peak_processes, live)
            for pid in pids:
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu_seconds(pid))
            self.peak_sandbox_kb = max(self.peak_sandbox_kb, _rss_kb(self.sandbox))
            self.samples += 1
            now = time.monotonic() - self.started
            if now - last_kept >= 10:
                self.timeline.append((round(now), round(total / 1024), live))
                last_kept = now
            self.done.wait(SAMPLE_SECONDS)

    def _by_kind(self, per_pid: dict[int, float]) -> dict[str, float]:
        summed: dict[str, float] = {}
        for pid, value in per_pid.items():
            kind = self.kinds.get(pid, "?")
            summed[kind] = summed.get(kind, 0.0) + value
        return {kind: round(value, 1)
                for kind, value in sorted(summed.items(), key=lambda item: -item[1])}

    def result(self) -> dict[str, Any]:
        return {"peak_tree_rss_mb": round(self.peak_sum_kb / 1024, 1),
                "peak_tree_pss_mb": round(self.peak_pss_kb / 1024, 1),
                "peak_single_rss_mb": round(self.peak_single_kb / 1024, 1),
                "peak_single_process": self.peak_single_name,
                "peak_processes": self.peak_processes,
                "peak_sandbox_rss_mb": round(self.peak_sandbox_kb / 1024, 1),
                "cpu_seconds_sampled": round(sum(self.cpu.values()), 1),
                "cpu_seconds_by_process": self._by_kind(self.cpu),
                "peak_tree_rss_mb_by_process": {
                    kind: round(kb / 1024, 1) for kind, kb in sorted(
                        self.peak_by_kind_kb.items(), key=lambda item: -item[1])},
                "samples": self.samples,
                "timeline_s_mb_processes": self.timeline}


def _kill_group(proc: subprocess.Popen | None, grace: float = 10) -> None:
    """SIGTERM then SIGKILL to the process group of a child started in its own session."""
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# -- the workspace's records -------------------------------------------------------------------
def _db(ws: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{ws / 'inspector.db'}?mode=ro", uri=True, timeout=30)
    db.row_factory = sqlite3.Row
    return db


def _last_nightly(ws: Path) -> dict[str, Any] | None:
    with _db(ws) as db:
        row = db.execute("select * from runs where command = 'nightly' order by started_at desc "
                         "limit 1").fetchone()
    return dict(row, counts=json.loads(row["counts"] or "{}")) if row else None


def _between(ws: Path, table: str, column: str, start: str, end: str, where: str = "1"
             ) -> list[sqlite3.Row]:
    with _db(ws) as db:
        return db.execute(f"select * from {table} where {column} >= ? and {column} <= ? and "
                          f"{where}", [start, end]).fetchall()


def _cpu_seconds_of_children() -> float:
    """User + system CPU seconds of this process's children that have ended and been waited
    for, with theirs (a nightly's workers, Playwright's driver, Chromium's processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _crawl_figures(ws: Path, run: dict[str, Any], wall: float) -> dict[str, Any]:
    """Pages and cache counts of the crawl workers of one nightly run, and their durations."""
    start, end = run["started_at"], run["finished_at"] or _now()
    crawls = _between(ws, "runs", "started_at", start, end, "command = 'crawl'")
    pages = 0
    cache: dict[str, int] = {}
    durations = []
    per_agency: dict[str, dict[str, Any]] = {}
    for row in crawls:
        counts = json.loads(row["counts"] or "{}")
        for agency_id, summary in counts.get("agencies", {}).items():
            pages += summary.get("pages", 0)
            per_agency[agency_id] = {"pages": summary.get("pages", 0),
                                     "posts": summary.get("posts", 0),
                                     "sections": summary.get("sections", 0),
                                     "failure": summary.get("failure"),
                                     "budget_hit": summary.get("budget_hit")}
        for name, value in counts.get("cache", {}).items():
            cache[name] = cache.get(name, 0) + value
        if row["finished_at"]:
            durations.append((_epoch(row["finished_at"]) - _epoch(row["started_at"])))
    network = pages - cache.get("hit", 0)
    stages = run["counts"].get("stages", {})
    crawl_seconds = stages.get("crawl", {}).get("seconds") or 0
    evidence = _between(ws, "evidence", "captured_at", start, end)
    kinds: dict[str, int] = {}
    for row in evidence:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    captures = _between(ws, "captures", "captured_at", start, end)
    shots: dict[str, int] = {}
    for row in captures:
        shots[row["kind"]] = shots.get(row["kind"], 0) + 1
    return {
        "pages_processed": pages, "pages_network": network, "cache": cache,
        "pages_per_second_network": round(network / wall, 2) if wall else None,
        "pages_per_second_processed": round(pages / wall, 2) if wall else None,
        "crawl_stage_pages_per_second_network":
            round(network / crawl_seconds, 2) if crawl_seconds else None,
        "crawl_workers": len(crawls),
        "crawl_worker_seconds": {"sum": round(sum(durations)),
                                 "mean": round(sum(durations) / len(durations), 1)
                                 if durations else None,
                                 "max": max(durations, default=None)},
        "new_evidence_files": dict(sorted(kinds.items())),
        "new_captures": dict(sorted(shots.items())),
        "per_agency": per_agency,
    }


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _findings(ws: Path, run_id: str) -> dict[tuple[str, str], tuple]:
    with _db(ws) as db:
        return {(r["agency_id"], r["criterion_id"]): (r["points"], r["status"], r["posts"])
                for r in db.execute("select * from finding_history where run_id = ?", [run_id])}


def _compare(ws: Path, run1: dict, run2: dict, crawl1: dict, crawl2: dict,
             change: dict[str, Any]) -> dict[str, Any]:
    """What the incremental run found of the change: posts per agency, and findings."""
    expected = {a["id"]: len(a["sections"]) for a in change.get("agencies", [])}
    a1, a2 = crawl1["per_agency"], crawl2["per_agency"]
    deltas = {aid: a2[aid]["posts"] - a1[aid]["posts"] for aid in a2 if aid in a1}
    changed_seen = {aid: d for aid, d in deltas.items() if d}
    found = {aid: deltas.get(aid) for aid in expected}
    # the new posts' URLs in the second run's observations (their sections' listings)
    urls = [(a["id"], s["post"]["url"]) for a in change.get("agencies", []) for s in a["sections"]]
    with _db(ws) as db:
        in_obs = sum(1 for aid, url in urls if db.execute(
            "select 1 from observations where agency_id = ? and instr(value, ?) > 0 limit 1",
            [aid, url]).fetchone())
    f1, f2 = _findings(ws, run1["id"]), _findings(ws, run2["id"])
    diff = sorted(k for k in set(f1) | set(f2) if f1.get(k) != f2.get(k))
    diff_agencies = sorted({aid for aid, _ in diff})
    posts1 = sum(v[2] or 0 for v in f1.values())
    posts2 = sum(v[2] or 0 for v in f2.values())
    return {
        "changed_agencies": sorted(expected), "new_posts_published": sum(expected.values()),
        "posts_delta_on_changed_agencies": found,
        "new_posts_found": sum(max(0, d or 0) for d in found.values()),
        "new_post_urls_in_observations": in_obs,
        "agencies_whose_post_count_moved": changed_seen,
        "unexpected_post_count_moves": {aid: d for aid, d in changed_seen.items()
                                        if aid not in expected},
        "findings_run1": len(f1), "findings_run2": len(f2),
        "findings_changed": len(diff),
        "findings_changed_list": [
            {"agency": aid, "criterion": cid, "before": f1.get((aid, cid)),
             "after": f2.get((aid, cid))} for aid, cid in diff],
        "agencies_with_changed_findings": diff_agencies,
        "changed_findings_outside_changed_agencies":
            sorted(set(diff_agencies) - set(expected)),
        "posts_counted_in_findings": {"run1": posts1, "run2": posts2},
        "agencies_failed": {"run1": sorted(a for a, v in a1.items() if v["failure"]),
                            "run2": sorted(a for a, v in a2.items() if v["failure"])},
    }


# -- one nightly run ---------------------------------------------------------------------------
def nightly_run(args, ws: Path, as_of: str, sandbox_pid: int, label: str, log_dir: Path,
                state: dict[str, Any]) -> dict[str, Any]:
    command = [sys.executable, "-m", "inspector.cli", "nightly", "-w", str(ws),
               "--as-of", as_of]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.batch:
        command += ["--batch", str(args.batch)]
    if args.no_screenshots:
        command.append("--no-screenshots")
    if args.delay is not None:
        command += ["--delay", str(args.delay)]
    log_path = log_dir / f"{label}.out"
    load_before = os.getloadavg()
    print(f"[{_clock()}] {label}: {' '.join(command[1:])}", flush=True)
    with open(log_path, "w", encoding="utf-8") as out:
        cpu_before, sandbox_cpu_before = _cpu_seconds_of_children(), cpu_seconds(sandbox_pid)
        started = time.monotonic()
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)     # its own group: stopped as one
        state["nightly"] = proc
        watch = MemoryWatch(proc.pid, sandbox_pid)
        watch.start()
        stopped = None
        try:
            code = proc.wait()
        except Stopped as exc:     # the figures so far are kept, marked interrupted
            stopped, code = exc, None
        finally:
            wall = time.monotonic() - started
            watch.done.set()
            watch.join()
            _kill_group(proc)       # anything the run left behind
            cpu = _cpu_seconds_of_children() - cpu_before
            sandbox_cpu = cpu_seconds(sandbox_pid) - sandbox_cpu_before
            state["nightly"] = None
    run = _last_nightly(ws)
    if run is None:
        if stopped:
            raise stopped
        raise SystemExit(f"{label}: no nightly run recorded (see {log_path})")
    crawl = _crawl_figures(ws, run, wall)
    stages = run["counts"].get("stages", {})
    with _db(ws) as db:
        done = db.execute("select count(*) from run_agencies where run_id = ? and stage = "
                          "'crawl' and status = 'done'", [run["id"]]).fetchone()[0]
        portals = db.execute("select count(*) from agencies where portal is not null and "
                             "portal != ''").fetchone()[0]
    result = {
        "interrupted": stopped is not None,
        "agencies_crawled_so_far": done, "agencies_with_portal": portals,
        "command": " ".join(command[1:]), "exit": code, "run_id": run["id"],
        "status": run["status"], "wall_seconds": round(wall, 1),
        "stage_seconds": {name: stage.get("seconds") for name, stage in stages.items()},
        "crawled": f"{stages.get('crawl', {}).get('crawled')}/"
                   f"{stages.get('crawl', {}).get('agencies')}",
        "not_crawled": stages.get("crawl", {}).get("not_crawled"),
        "failed_workers": stages.get("crawl", {}).get("failed_workers"),
        "failures_by_class": stages.get("crawl", {}).get("failures_by_class"),
        "services": stages.get("services"), "findings": stages.get("score", {}).get("findings"),
        **crawl, "memory": watch.result(),
        "cpu_seconds": {"nightly_tree": round(cpu, 1), "sandbox": round(sandbox_cpu, 1)},
        "screenshots_mb": round(_folder_bytes(ws / "screenshots") / 1e6, 1),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "output": str(log_path),
        "nightly_log": str(next(iter(sorted((ws / "logs").glob("nightly-*.log"),
                                            key=lambda p: p.stat().st_mtime, reverse=True)),
                                "")),
    }
    print(f"[{_clock()}] {label}: exit {code}, {result['wall_seconds']} s, "
          f"{result['pages_processed']} pages ({result['pages_network']} over the network), "
          f"{done}/{portals} agencies, peak tree RSS {result['memory']['peak_tree_rss_mb']} MB"
          + (" (interrupted)" if stopped else ""), flush=True)
    if stopped:
        raise Stopped(label, result)
    return result


def _folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) \
        if folder.is_dir() else 0


# Issue 18's table: 0.7.0 as measured at 200 agencies on this 2-core machine, and the targets.
# Wall time and storage grow with the province: at N agencies they are scaled by N / 200.
ISSUE_18 = (
    ("first night (min)", lambda f, i: f["wall_seconds"] / 60, 51.6, 20.0, True),
    ("incremental night / first night", lambda f, i: i["wall_seconds"] / f["wall_seconds"],
     0.179, 0.10, False),
    ("peak RSS, nightly tree (GB)",
     lambda f, i: max(f["memory"]["peak_tree_rss_mb"], i["memory"]["peak_tree_rss_mb"]) / 1024,
     2.7, 1.5, False),
    ("screenshots stored (MB)", lambda f, i: i["screenshots_mb"], 894.0, 250.0, True),
)


def _targets(report: dict[str, Any]) -> str:
    """Issue 18's measures: 0.7.0, this run, the target (scaled to this province's size)."""
    full, incr = report.get("full"), report.get("incremental")
    agencies = report["settings"]["agencies"]
    scale = agencies / 200
    lines = [f"issue 18 at {agencies} agencies (0.7.0 and targets measured at 200; wall time "
             "and storage scaled by agencies / 200)",
             f"{'':34} {'0.7.0':>10} {'this run':>10} {'target':>10}  met"]
    for title, measure, before, target, scaled in ISSUE_18:
        factor = scale if scaled else 1.0
        try:
            value = measure(full, incr)
        except (KeyError, TypeError, ZeroDivisionError):
            lines.append(f"{title:34} {before * factor:>10.3g} {'-':>10} "
                         f"{target * factor:>10.3g}")
            continue
        lines.append(f"{title:34} {before * factor:>10.3g} {value:>10.3g} "
                     f"{target * factor:>10.3g}  {'yes' if value <= target * factor else 'NO'}")
    return "\n".join(lines)


def _clock() -> str:
    return datetime.now(timezone.utc).strftime("%H:%M:%S")


def _start_sandbox(args, out: Path, as_of: str, log_dir: Path) -> tuple[subprocess.Popen, dict]:
    log = open(log_dir / "sandbox.err", "w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-c", SANDBOX, str(args.seed), str(args.agencies),
                             as_of, str(out), str(args.slow_seconds)],
                            stdout=subprocess.PIPE, stderr=log, text=True,
                            start_new_session=True)
    line = proc.stdout.readline()
    if not line:
        proc.wait()
        raise SystemExit(f"the sandbox did not start (see {log_dir / 'sandbox.err'})")
    return proc, json.loads(line)


def _post(url: str) -> dict[str, Any]:
    request = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=120) as answer:
        return json.loads(answer.read())


def _write(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n",
                    encoding="utf-8")


def _table(report: dict[str, Any]) -> str:
    full, incr = report.get("full"), report.get("incremental")
    rows = [("wall time (s)", "wall_seconds"),
            ("  crawl stage (s)", lambda r: r["stage_seconds"].get("crawl")),
            ("  services stage (s)", lambda r: r["stage_seconds"].get("services")),
            ("  score stage (s)", lambda r: r["stage_seconds"].get("score")),
            ("crawl workers (sum of their s)", lambda r: r["crawl_worker_seconds"]["sum"]),
            ("CPU seconds, nightly tree (waited)", lambda r: r["cpu_seconds"]["nightly_tree"]),
            ("CPU seconds, nightly tree (sampled)",
             lambda r: r["memory"]["cpu_seconds_sampled"]),
            ("  per page over the network",
             lambda r: round(r["memory"]["cpu_seconds_sampled"] / r["pages_network"], 3)),
            ("  cores busy on average",
             lambda r: round(r["memory"]["cpu_seconds_sampled"] / r["wall_seconds"], 2)),
            ("CPU seconds, sandbox", lambda r: r["cpu_seconds"]["sandbox"]),
            ("agencies crawled", lambda r: f"{r['agencies_crawled_so_far']}/"
                                            f"{r['agencies_with_portal']}"),
            ("interrupted", "interrupted"),
            ("pages processed", "pages_processed"),
            ("pages over the network", "pages_network"),
            ("  cache hit", lambda r: r["cache"].get("hit", "-")),
            ("  cache revalidate (304)", lambda r: r["cache"].get("revalidate", "-")),
            ("  cache miss", lambda r: r["cache"].get("miss", "-")),
            ("  cache invalidate", lambda r: r["cache"].get("invalidate", "-")),
            ("pages/s over the network", "pages_per_second_network"),
            ("pages/s processed", "pages_per_second_processed"),
            ("new screenshots/mobile checks", lambda r: sum(r["new_captures"].values())),
            ("new evidence files", lambda r: sum(r["new_evidence_files"].values())),
            ("screenshots stored after the run (MB)", "screenshots_mb"),
            ("peak RSS, nightly tree (MB)", lambda r: r["memory"]["peak_tree_rss_mb"]),
            ("peak PSS, nightly tree (MB)", lambda r: r["memory"].get("peak_tree_pss_mb", "-")),
            ("peak RSS, largest process (MB)",
             lambda r: f"{r['memory']['peak_single_rss_mb']} ({r['memory']['peak_single_process']})"),
            ("peak processes in the tree", lambda r: r["memory"]["peak_processes"]),
            ("peak RSS, sandbox (MB)", lambda r: r["memory"]["peak_sandbox_rss_mb"]),
            ("load average before", lambda r: r["load_average_before"][0]),
            ("load average after", lambda r: r["load_average_after"][0]),
            ("status (exit)", lambda r: f"{r['status']} ({r['exit']})")]
    lines = [f"{'':34} {'full':>22} {'incremental':>22}"]
    for title, key in rows:
        cells = []
        for run in (full, incr):
            if run is None:
                cells.append("-")
                continue
            try:
                cells.append(str(key(run) if callable(key) else run[key]))
            except (KeyError, TypeError):
                cells.append("-")
        lines.append(f"{title:34} {cells[0]:>22} {cells[1]:>22}")
    if full and incr:
        lines.append(f"{'incremental / full wall time':34} "
                     f"{incr['wall_seconds'] / full['wall_seconds']:>45.3f}   (target ≤ 0.10)")
    return "\n".join(lines)


def _breakdown(report: dict[str, Any]) -> str:
    """CPU seconds and the peak's RSS by kind of process, for each run: where the time and the
    memory go (the nightly, its crawl workers, Chromium's browser, renderers, GPU…)."""
    lines = []
    for label in ("full", "incremental"):
        memory = (report.get(label) or {}).get("memory") or {}
        cpu = memory.get("cpu_seconds_by_process")
        rss = memory.get("peak_tree_rss_mb_by_process") or {}
        if not cpu:
            continue
        lines.append(f"{label}: {'CPU s':>8} {'RSS at peak (MB)':>18}")
        for kind in sorted(set(cpu) | set(rss), key=lambda k: -cpu.get(k, 0)):
            lines.append(f"  {kind:31} {cpu.get(kind, 0):>8} {rss.get(kind, '-'):>12}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--slow-seconds", type=float, default=0.3,
                        help="Wait per request of the 'slow' portals (inspector sandbox serve: "
                             "1.5).")
    parser.add_argument("--workers", type=int, help="nightly --workers (its default: 2)")
    parser.add_argument("--batch", type=int, help="nightly --batch (its default: 8)")
    parser.add_argument("--no-screenshots", action="store_true")
    parser.add_argument("--delay", type=float, help="nightly --delay (its default: 0.5)")
    parser.add_argument("--seed", type=int, default=1,
                        help="Seed of the province and of the content change.")
    parser.add_argument("--share", type=float, default=0.05, help="Share of portals changed.")
    parser.add_argument("--as-of", default=date.today().isoformat())
    parser.add_argument("--out", type=Path,
                        help="Folder for the sandbox, workspace and outputs (default: a "
                             "temporary folder).")
    parser.add_argument("--keep", action="store_true",
                        help="Keep the sandbox folder and the workspace.")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, _raise_stopped)
    signal.signal(signal.SIGINT, _raise_stopped)
    root = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="bench-nightly-"))
    sandbox_dir, ws, log_dir = root / "sandbox", root / "ws", root / "out"
    for folder in (sandbox_dir, ws):
        if folder.exists():
            raise SystemExit(f"{folder} exists: choose another --out")
    log_dir.mkdir(parents=True, exist_ok=True)
    result_path = RESULTS / f"bench_nightly-{args.agencies}-{date.today().isoformat()}.json"
    report: dict[str, Any] = {
        "benchmark": "scripts/bench_nightly.py", "started_at": _now(),
        "settings": {"agencies": args.agencies, "seed": args.seed, "as_of": args.as_of,
                     "share_changed": args.share,
                     "sandbox": f"child process Sandbox(base_port=0, slow_seconds="
                                f"{args.slow_seconds}, service_slow_seconds={args.slow_seconds})"
                                " (inspector sandbox serve: 1.5 s)",
                     "slow_seconds": args.slow_seconds,
                     "workers": args.workers or "default (2)",
                     "batch": args.batch or "default (8)",
                     "screenshots": not args.no_screenshots,
                     "delay": args.delay if args.delay is not None else "default (0.5)",
                     "citizen": None, "services_note": "no --citizen: the services stage is "
                     "skipped; service journeys are measured by scripts/bench_services.py",
                     "folder": str(root), "niceness": os.nice(0)},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(),
                    "load_average_start": [round(x, 2) for x in os.getloadavg()],
                    "memory_total_mb": _mem_total_mb()},
    }
    state: dict[str, Any] = {"nightly": None}
    sandbox = None
    try:
        print(f"[{_clock()}] sandbox: {args.agencies} agencies, slow portals wait "
              f"{args.slow_seconds} s per request; folder {root}", flush=True)
        sandbox, ready = _start_sandbox(args, sandbox_dir, args.as_of, log_dir)
        report["sandbox"] = {"pid": sandbox.pid, "ready_seconds": ready["ready_seconds"],
                             "generate_seconds": ready["generate_seconds"],
                             "agencies": ready["agencies"], "down": ready["down"],
                             "slow": ready["slow"], "control": ready["urls"]["control"],
                             "troubles": _trouble_counts(ready["troubles"])}
        print(f"[{_clock()}] sandbox ready in {ready['ready_seconds']} s (pid {sandbox.pid}, "
              f"{len(ready['slow'])} slow, {len(ready['down'])} down); control "
              f"{ready['urls']['control']}", flush=True)
        subprocess.run([sys.executable, "-m", "inspector.cli", "registry", "import", "-w",
                        str(ws), str(sandbox_dir / "register.yaml")], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, "-m", "inspector.cli", "survey", "import", "-w",
                        str(ws), *sorted(str(p) for p in (sandbox_dir / "bao-cao").glob("*.xlsx"))],
                       check=True, stdout=subprocess.DEVNULL)

        report["full"] = nightly_run(args, ws, args.as_of, sandbox.pid, "run1-full", log_dir,
                                     state)
        _write(result_path, report)

        url = f"{ready['urls']['control']}/content?share={args.share}&seed={args.seed}"
        change = _post(url)
        report["change"] = {"url": url, "agencies": len(change["agencies"]),
                            "sections": sum(len(a["sections"]) for a in change["agencies"]),
                            "detail": change}
        print(f"[{_clock()}] content changed: {report['change']['sections']} new posts on "
              f"{report['change']['agencies']} portals", flush=True)

        report["incremental"] = nightly_run(args, ws, args.as_of, sandbox.pid,
                                            "run2-incremental", log_dir, state)
        report["comparison"] = _compare(ws, _run(ws, report["full"]["run_id"]),
                                        _run(ws, report["incremental"]["run_id"]),
                                        report["full"], report["incremental"], change)
        full, incr = report["full"], report["incremental"]
        report["ratio_incremental_to_full_wall"] = round(
            incr["wall_seconds"] / full["wall_seconds"], 3)
    except Stopped as exc:
        report["interrupted"] = _now()
        if exc.args:                          # the run in progress, as far as it got
            label, partial = exc.args
            report["full" if label.startswith("run1") else "incremental"] = partial
        print(f"[{_clock()}] stopped", flush=True)
    finally:
        _kill_group(state.get("nightly"))
        if sandbox is not None:
            _kill_group(sandbox)
        report["finished_at"] = _now()
        report["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        for run in ("full", "incremental"):
            if run in report:
                report[run]["per_agency"] = {k: v for k, v in report[run]["per_agency"].items()
                                             if v["failure"] or v["budget_hit"]} or \
                    "(only agencies with a failure or a budget hit are kept here)"
        _write(result_path, report)
        if not args.keep:
            shutil.rmtree(sandbox_dir, ignore_errors=True)
            shutil.rmtree(ws, ignore_errors=True)
    print()
    print(_table(report))
    print()
    print(_breakdown(report))
    print()
    print(_targets(report))
    if "comparison" in report:
        c = report["comparison"]
        print(f"\nchange: {c['new_posts_published']} new posts on {len(c['changed_agencies'])} "
              f"portals; the incremental run's post counts moved by "
              f"{c['posts_delta_on_changed_agencies']} on those portals, "
              f"{len(c['unexpected_post_count_moves'])} other portals moved "
              f"{c['unexpected_post_count_moves'] or ''}; new post URLs in observations "
              f"{c['new_post_urls_in_observations']}/{c['new_posts_published']}")
        print(f"findings: {c['findings_changed']} of {c['findings_run2']} changed, on "
              f"{len(c['agencies_with_changed_findings'])} agencies "
              f"({len(c['changed_findings_outside_changed_agencies'])} outside the changed "
              f"portals: {c['changed_findings_outside_changed_agencies'][:10]}); posts counted "
              f"in findings {c['posts_counted_in_findings']}")
    print(f"\nsandbox: slow portals wait {args.slow_seconds} s per request (child process; "
          "`inspector sandbox serve` uses 1.5 s). No --citizen: services not checked "
          "(scripts/bench_services.py measures them).")
    print(f"written {result_path}" + (f"; kept {root}" if args.keep else ""))


def _run(ws: Path, run_id: str) -> dict[str, Any]:
    with _db(ws) as db:
        return dict(db.execute("select * from runs where id = ?", [run_id]).fetchone())


def _trouble_counts(troubles: dict[str, list[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for names in troubles.values():
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items()))


def _mem_total_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


if __name__ == "__main__":
    main()
