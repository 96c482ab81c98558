"""One nightly run: crawl every portal in batches of worker processes, run the due service
checks and re-checks, score, and keep the run's findings; a killed run resumes where it was."""

from __future__ import annotations

import fcntl
import logging
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from ..records import registry
from ..crawl.failures import reason_class
from ..crawl.worker import CrawlJob, CrawlOptions, Queue, WorkerResult, finish, start_worker
from ..model.errors import UserError
from ..records import observations, runs
from ..records.findings import history, keep_history, runs_with_history
from ..records.runs import INCOMPLETE, OK, RUNNING
from ..records.workspace import Workspace, dumps, utcnow

STAGES = ("crawl", "services", "score")
# Agencies per crawl process on an incremental night, for portals crawled before, as a
# multiple of --batch (the 40-agency benchmark's incremental night: 58 s in batches of 8,
# 50.5 s in batches of 24; docs/nightly.md)
INCREMENTAL_BATCH_FACTOR = 3
LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"

log = logging.getLogger("inspector.nightly")


@dataclass
class NightlySettings:
    as_of: date
    workers: int = 2                    # crawl processes at once
    # agencies per crawl process: politeness is per portal, so eight portals in flight cost a
    # worker no more waiting than four (the 40-agency benchmark: first night 365 s against
    # 421, the incremental one 160 s against 189)
    batch: int = 8
    crawl: CrawlOptions = field(default_factory=CrawlOptions)
    citizen: Any = None                 # journeys.citizen.Citizen, or None: no service checks
    check_settings: Any = None          # journeys.checker.CheckSettings
    new: bool = False                   # start a new run even if one for the date was killed
    worker_timeout: float = 6 * 3600
    redis_url: str | None = None        # share the crawl through a Redis list (scrapy-redis)


@dataclass
class RunRecord:
    run_id: str
    resumed: bool
    counts: dict[str, Any] = field(default_factory=dict)
    status: str = RUNNING


class Progress:
    """What the caller shows: a stage starts, some of its work is done, a line to say."""

    def stage(self, name: str, total: int) -> None: ...
    def advance(self, done: int) -> None: ...
    def say(self, line: str) -> None: ...
    def end_stage(self) -> None: ...


def open_run(ws: Workspace, as_of: date, new: bool = False) -> RunRecord:
    """The run to work on: the last run for this date if it was killed before its end (unless
    ``new``), else a new one, recorded as running before any work starts."""
    killed = runs.last_running(ws, "nightly", as_of.isoformat())
    if killed and not new:
        return RunRecord(killed.id, resumed=True, counts=killed.counts)
    started = utcnow()
    run_id = f"nightly-{as_of.isoformat()}-{started}"
    if killed:     # --new over a killed run: that one is closed as it stands
        runs.update_run(ws, killed.id, killed.counts, status=INCOMPLETE, finished_at=started)
    with ws.transaction():
        runs.put_run(ws.db, runs.Run(id=run_id, command="nightly", as_of=as_of.isoformat(),
                                     started_at=started))
    return RunRecord(run_id, resumed=False)


def _save(ws: Workspace, run: RunRecord, **fields: Any) -> None:
    runs.update_run(ws, run.run_id, run.counts, **fields)


def crawled(ws: Workspace, run_id: str) -> set[str]:
    return runs.agencies_done(ws, run_id, "crawl")


def _crawl_stage(ws: Workspace, run: RunRecord, settings: NightlySettings, progress: Progress,
                 log_path: Path) -> dict[str, Any]:
    with_portal = [a["id"] for a in registry.agencies(ws) if a["portal"]]
    done = crawled(ws, run.run_id)
    todo = [a for a in with_portal if a not in done]
    progress.stage("crawl", len(with_portal))
    progress.advance(len(with_portal) - len(todo))
    if done:
        progress.say(f"{len(done)} cổng đã thu thập trước khi lượt chạy bị ngắt; còn "
                     f"{len(todo)}.")
    jobs = _crawl_jobs(ws, run, settings, todo, log_path)
    failed_workers = []
    # Workers crawl; what they read is photographed and written here, one batch at a time in a
    # thread of its own, while they crawl the next batches: Chromium off the crawl's path, and
    # one browser for the night whatever the number of workers. A batch read waits in memory
    # for its photographs: a crawl starts only while at most `workers` batches are in hand
    # (being crawled, waiting for the photographer or photographed), so that a photographer
    # slower than the crawl holds the crawl back instead of piling batches up in memory.
    workers = max(1, settings.workers)
    queued = list(jobs)
    with ThreadPoolExecutor(max_workers=workers) as pool, \
            ThreadPoolExecutor(max_workers=1) as photographer:
        pending: dict[Any, str] = {}        # each future → what it does, for the log's timings
        while queued or pending:
            while queued and len(pending) <= workers and \
                    sum(kind == "crawled" for kind in pending.values()) < workers:
                future = pool.submit(_timed, start_worker, queued.pop(0), settings.worker_timeout)
                pending[future] = "crawled"
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                (result, seconds), done_what = future.result(), pending.pop(future)
                log.info("%s %s in %.1f s", done_what if result.ok else "failed",
                         " ".join(result.agency_ids) or "(queue)", seconds)
                if result.batch is not None:
                    pending[photographer.submit(_timed, finish, ws.root, result)] = \
                        "photographed and written"
                    continue
                _crawled_batch(result, progress, failed_workers)
    done = crawled(ws, run.run_id)
    if settings.redis_url:          # the queue's workers report only at their end
        progress.advance(len(done & set(todo)))
    progress.end_stage()
    return {"agencies": len(with_portal), "crawled": len(done & set(with_portal)),
            "not_crawled": sorted(set(with_portal) - done), "failed_workers": failed_workers}


def _timed(work, *arguments) -> tuple[Any, float]:
    """``work(*arguments)`` and the seconds it took (the run's log tells where the night went)."""
    started = time.monotonic()
    return work(*arguments), time.monotonic() - started


def _crawled_batch(result: WorkerResult, progress: Progress,
                   failed_workers: list[dict[str, Any]]) -> None:
    """A batch written (or failed): the progress, its agencies' lines, its failure."""
    progress.advance(len(result.agency_ids))
    _tell_agencies(result, progress)
    if not result.ok:
        failed_workers.append(result.describe())
        where = f"; chi tiết: {result.traceback_path}" if result.traceback_path else ""
        progress.say(f"Lỗi khi thu thập {', '.join(result.agency_ids) or '(hàng đợi)'}: "
                     f"{result.error_class}: {result.error}{where}")
        log.error("crawl worker for %s failed: %s", result.agency_ids,
                  dumps(result.describe()))


def _tell_agencies(result: WorkerResult, progress: Progress) -> None:
    """Each agency the worker could not read, in the log; a bug of ours also on the terminal."""
    for kind, line in result.agency_lines():
        if kind == "unreadable":
            log.info(line)
        elif kind == "tool_error":
            progress.say(line)


def _crawl_jobs(ws: Workspace, run: RunRecord, settings: NightlySettings, todo: list[str],
                log_path: Path) -> list[CrawlJob]:
    """Batches of agencies, or with Redis one job per worker taking agencies from a shared list."""
    job = CrawlJob(ws.root, settings.as_of, options=settings.crawl, nightly_run=run.run_id,
                   log_path=log_path)
    if settings.redis_url:
        # The workers share one list of agency ids; each takes the next when it has room.
        from ..crawl.queued import push_agencies

        key = f"inspector:{run.run_id}:agencies"
        push_agencies(settings.redis_url, key, todo)
        shared = replace(job, queue=Queue(settings.redis_url, key, settings.batch))
        return [shared] * min(settings.workers, len(todo))
    # An incremental night reads most pages of a portal crawled before from the cache: its
    # crawl is mostly waiting for revalidations, so a worker takes INCREMENTAL_BATCH_FACTOR
    # times as many of those portals at once (their waits overlap; fewer processes start).
    seen = observations.agencies_with(ws, "crawl/") if settings.crawl.incremental else set()
    batches = []
    for agencies, size in (([a for a in todo if a not in seen], settings.batch),
                           ([a for a in todo if a in seen],
                            settings.batch * INCREMENTAL_BATCH_FACTOR)):
        batches += [tuple(agencies[i:i + size]) for i in range(0, len(agencies), size)]
    return [replace(job, agency_ids=batch, crawl_only=True) for batch in batches]


def _failures_by_class(ws: Workspace) -> dict[str, int]:
    counts = Counter(reason_class(reason) for reason in observations.failure_reasons(ws))
    return dict(sorted(counts.items()))


def _services_stage(ws: Workspace, settings: NightlySettings, progress: Progress
                    ) -> dict[str, Any]:
    if settings.citizen is None:
        progress.say("Bỏ qua kiểm tra DVCTT: chưa có công dân kiểm thử (--citizen hoặc "
                     "INSPECTOR_CITIZEN).")
        return {"skipped": "no test citizen"}
    from ..journeys.checker import CheckSettings, check_services

    progress.stage("services", 0)
    summary = check_services(ws, None, settings.as_of, settings.citizen,
                             settings.check_settings or CheckSettings(), echo=progress.say)
    progress.end_stage()
    # the score stage that follows scores every agency: the changed ones need nothing more
    result = {"attempts": summary.attempts, "services": summary.services,
              "by_status": dict(sorted(summary.by_status.items())),
              "tool_errors": summary.tool_errors, "status": summary.status}
    if summary.failure_line():
        result["failure"] = summary.failure or {"class": "ToolErrors"}
        result["failure_line"] = summary.failure_line()
        progress.say(f"Lỗi: {summary.failure_line()}")
    return result


def _score_stage(ws: Workspace, run: RunRecord, settings: NightlySettings) -> dict[str, Any]:
    from ..scoring.store import score_workspace

    results = score_workspace(ws, settings.as_of)
    kept = keep_history(ws, run.run_id, utcnow())
    statuses = Counter(entry.status for entry in kept)
    return {"agencies": len(results), "findings": dict(sorted(statuses.items()))}


def nightly(ws: Workspace, settings: NightlySettings, progress: Progress | None = None
            ) -> RunRecord:
    """Run (or resume) the night's work. Each stage is safe to kill: a crawl batch lands in one
    transaction per worker, a service attempt in one transaction, the scores in one; running
    again with the same date picks up the run where it stopped."""
    progress = progress or Progress()
    lock = _exclusive(ws.root / "nightly.lock")
    try:
        return _nightly(ws, settings, progress)
    finally:
        lock.close()


def _exclusive(path: Path):
    """Hold the workspace's nightly lock (released by the system even after kill -9): two
    nightly jobs on one workspace would crawl the same agencies twice."""
    stream = path.open("a+")
    try:
        fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        stream.close()
        raise UserError(f"một lượt 'inspector nightly' khác đang chạy trên workspace này ({path} "
                        "đang bị khoá); hãy chờ lượt đó xong") from None
    return stream


def _nightly(ws: Workspace, settings: NightlySettings, progress: Progress) -> RunRecord:
    run = open_run(ws, settings.as_of, settings.new)
    log_path = ws.root / "logs" / f"{run.run_id.replace(':', '')}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    say = progress.say

    def tell(line: str) -> None:
        log.info(line)
        say(line)
    progress.say = tell                          # every line shown is also in the log
    try:
        tell(("Tiếp tục" if run.resumed else "Bắt đầu") + f" lượt chạy {run.run_id} "
             f"(ngày đánh giá {settings.as_of:%d/%m/%Y}); nhật ký: {log_path}")
        stages = run.counts.setdefault("stages", {})
        run.counts.setdefault("resumes", 0)
        if run.resumed:
            run.counts["resumes"] += 1
            _save(ws, run)
        for stage in STAGES:
            started = time.monotonic()
            log.info("stage %s begins", stage)
            if stage == "crawl":
                result = _crawl_stage(ws, run, settings, progress, log_path)
                result["failures_by_class"] = _failures_by_class(ws)
            elif stage == "services":
                result = _services_stage(ws, settings, progress)
            else:
                result = _score_stage(ws, run, settings)
            result["seconds"] = round(time.monotonic() - started, 1)   # of this pass
            stages[stage] = result
            _save(ws, run)
            log.info("stage %s ends: %s", stage, dumps(result))
        failed = stages["crawl"]["not_crawled"] or stages["services"].get("failure")
        run.status = INCOMPLETE if failed else OK
        _save(ws, run, status=run.status, finished_at=utcnow())
        tell(_summary_line(run))
        return run
    finally:
        log.removeHandler(handler)
        handler.close()
        progress.say = say


def _summary_line(run: RunRecord) -> str:
    stages = run.counts["stages"]
    crawl, services, score = stages["crawl"], stages["services"], stages["score"]
    parts = [f"{crawl['crawled']}/{crawl['agencies']} cổng đã thu thập"]
    if crawl["failures_by_class"]:
        parts.append("mục lỗi theo loại: " + ", ".join(
            f"{name} {count}" for name, count in crawl["failures_by_class"].items()))
    if "skipped" in services:
        parts.append("không kiểm tra DVCTT")
    else:
        parts.append(f"{services['attempts']} lượt kiểm tra DVCTT")
    parts.append("tiêu chí: " + ", ".join(f"{k} {v}" for k, v in score["findings"].items()))
    if services.get("tool_errors"):
        parts.append(f"{services['tool_errors']} lượt lỗi công cụ (kiểm tra lại sau)")
    missing = [f"thiếu {', '.join(crawl['not_crawled'])}"] if crawl["not_crawled"] else []
    missing += [services["failure_line"]] if services.get("failure_line") else []
    head = "Xong" if run.status == OK else f"Chưa trọn ({'; '.join(missing)})"
    return f"{head} lượt chạy {run.run_id}: " + "; ".join(parts) + "."


def compare_runs(ws: Workspace, agency_id: str, before: str, after: str
                 ) -> list[dict[str, Any]]:
    """Findings of one agency that differ between two runs (points, status or posts)."""
    old, new = history(ws, before, agency_id), history(ws, after, agency_id)
    changes = []
    for criterion in sorted(set(old) | set(new)):
        a = old[criterion].compared() if criterion in old else None
        b = new[criterion].compared() if criterion in new else None
        if a != b:
            changes.append({"criterion_id": criterion, "before": a, "after": b})
    return changes


def runs_of(ws: Workspace, agency_id: str | None = None) -> list[runs.Run]:
    """Nightly runs, newest first (only those with findings of the agency, if named)."""
    found = runs.runs(ws, command="nightly")
    if agency_id:
        kept = runs_with_history(ws, agency_id)
        found = [r for r in found if r.id in kept]
    return found
