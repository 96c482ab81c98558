"""A crawl worker process: a typed job in, a typed result out (what `inspector nightly` starts)."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..records.workspace import Workspace, keep_traceback


@dataclass(frozen=True)
class CrawlOptions:
    """How a crawl reads the portals (the options of `inspector crawl` and `nightly`)."""

    screenshots: bool = True        # a screenshot of each section's first listing page
    incremental: bool = False       # unchanged pages from the HTTP cache, captures reused
    delay: float | None = None      # seconds between two requests to a portal at the start
    budget: int | None = None       # pages per portal at most (Scrapy's default otherwise)

    def scrapy_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = {}
        if self.budget:
            settings["INSPECTOR_PAGE_BUDGET"] = self.budget
        if self.delay is not None:
            settings["AUTOTHROTTLE_START_DELAY"] = self.delay
        return settings


@dataclass(frozen=True)
class Queue:
    """A Redis list of agency ids shared by crawl processes (crawl/queued.py)."""

    redis_url: str
    key: str
    batch: int = 2


@dataclass(frozen=True)
class CrawlJob:
    workspace: Path
    as_of: date
    agency_ids: tuple[str, ...] = ()     # empty with a queue: the agencies come from it
    options: CrawlOptions = field(default_factory=CrawlOptions)
    nightly_run: str | None = None       # the nightly run the crawl works for
    queue: Queue | None = None
    log_path: Path | None = None         # where the worker's own output goes
    # the worker only crawls and sends what it read back (WorkerResult.batch): the caller
    # photographs and writes it (`finish`) while workers crawl the next agencies
    crawl_only: bool = False


@dataclass
class WorkerResult:
    """A worker's end: each agency's summary when it ran, or what failed (the exception's
    class and message, and the file holding its traceback)."""

    agency_ids: tuple[str, ...]
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    error_class: str | None = None
    error: str | None = None
    traceback_path: str | None = None    # relative to the workspace
    exit_code: int | None = None
    batch: Any = None                    # runner.CrawledBatch of a crawl_only job, till written

    @property
    def ok(self) -> bool:
        return self.error_class is None

    def agency_lines(self) -> list[tuple[str, str]]:
        """(kind, line) for each agency in id order, kind being ``read``, ``unreadable`` (its
        portal) or ``tool_error`` (a bug of ours): the line `inspector crawl` and the nightly
        show (Vietnamese, as every message)."""
        lines = []
        for agency_id, summary in sorted(self.agencies.items()):
            if summary.get("failure"):
                lines.append(("unreadable",
                              f"{agency_id}: không đánh giá được ({summary['failure']})"))
            elif summary.get("internal_errors"):
                lines.append(("tool_error", f"{agency_id}: không đánh giá được — lỗi nội bộ "
                              f"của công cụ ({summary['internal_errors'][0]}); xem nhật ký "
                              "thu thập"))
            else:
                lines.append(("read", f"{agency_id}: {summary['platform']}, "
                              f"{summary['sections']} chuyên mục, {summary['posts']} tin bài; "
                              f"{summary['failed_observations']} mục không đánh giá được"
                              + (" (hết hạn mức trang)" if summary["budget_hit"] else "")))
        return lines

    def describe(self) -> dict[str, Any]:
        """For the run record."""
        return {"agencies": list(self.agency_ids), "error_class": self.error_class,
                "error": self.error, "traceback": self.traceback_path,
                "exit": self.exit_code}


def run_job(job: CrawlJob) -> WorkerResult:
    """The job's crawl in this process (once per process: Twisted's reactor cannot restart)."""
    from .runner import crawl, read_portals

    ws = Workspace(job.workspace)
    try:
        queue = (job.queue.redis_url, job.queue.key, job.queue.batch) if job.queue else None
        arguments = (ws, job.as_of, list(job.agency_ids) or None,
                     job.options.scrapy_settings())
        options = {"screenshots": job.options.screenshots, "nightly_run": job.nightly_run,
                   "incremental": job.options.incremental, "queue": queue}
        if job.crawl_only and queue is None:
            return WorkerResult(job.agency_ids, batch=read_portals(*arguments, **options))
        report = crawl(*arguments, **options)
    finally:
        ws.close()
    return WorkerResult(job.agency_ids, agencies=report.agencies)


def finish(workspace: Path, result: WorkerResult) -> WorkerResult:
    """Photograph and write what a crawl_only worker read (in the caller's process, in a thread
    of its own: one browser at a time whatever the number of crawl workers); the result with
    each agency's summary, or what failed, with its traceback."""
    import asyncio

    from .runner import photograph, store_batch

    batch, result.batch = result.batch, None       # the states are not kept past their write
    ws = Workspace(workspace)
    try:
        report = store_batch(ws, batch, asyncio.run(photograph(ws, batch)))
    except Exception as exc:  # noqa: BLE001 - a failure is this batch's result, as a worker's
        path = keep_traceback(workspace, f"crawl-photographer-{os.getpid()}", exc)
        return WorkerResult(result.agency_ids, error_class=type(exc).__name__,
                            error=str(exc), traceback_path=path, exit_code=result.exit_code)
    finally:
        ws.close()
    return WorkerResult(result.agency_ids, agencies=report.agencies,
                        exit_code=result.exit_code)


def failed(job: CrawlJob, exc: BaseException) -> WorkerResult:
    """The result of a job whose crawl raised: class, message, traceback kept in the logs."""
    label = f"crawl-worker-{os.getpid()}"
    path = keep_traceback(job.workspace, label, exc)
    return WorkerResult(job.agency_ids, error_class=type(exc).__name__, error=str(exc),
                        traceback_path=path)


try:    # loaded before any process starts
    _LIBC = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:     # not Linux/glibc: workers are still ended by the process group
    _LIBC = None


def _worker_main(job: CrawlJob, connection) -> None:
    """In the worker process: end with the parent, write to the run's log, send the result."""
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL)      # PR_SET_PDEATHSIG: die with the nightly (kill -9)
    if job.log_path is not None:
        stream = open(job.log_path, "a", encoding="utf-8")  # noqa: SIM115 - the process's own
        stream.write(f"--- crawl worker {os.getpid()}: {' '.join(job.agency_ids) or '(queue)'}\n")
        stream.flush()
        os.dup2(stream.fileno(), 1)
        os.dup2(stream.fileno(), 2)
    try:
        result = run_job(job)
    except BaseException as exc:  # noqa: BLE001 - every failure goes back as a result
        result = failed(job, exc)
    connection.send(result)
    connection.close()


def start_worker(job: CrawlJob, timeout: float) -> WorkerResult:
    """Run the job in a new Python process and wait for its result; a worker that runs past
    ``timeout`` seconds is killed, one that dies without a result (killed, crashed) says so."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no reactor, no locks
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_worker_main, args=(job, send), daemon=False)
    process.start()
    send.close()
    result: WorkerResult | None = None
    try:
        if receive.poll(timeout):
            result = receive.recv()
    except (EOFError, OSError):     # the worker ended without sending
        result = None
    finally:
        receive.close()
    if result is None and process.is_alive():
        process.kill()
        process.join(10)
        result = WorkerResult(job.agency_ids, error_class="Timeout", exit_code=process.exitcode,
                              error=f"the crawl worker ran longer than {timeout:g} s and was "
                                    "stopped")
    process.join(60)
    if process.is_alive():          # sent its result but hangs on its way out
        process.kill()
        process.join(10)
    if result is None:
        result = WorkerResult(job.agency_ids, error_class="WorkerDied",
                              exit_code=process.exitcode,
                              error=f"the crawl worker ended (exit code {process.exitcode}) "
                                    "without a result")
    result.exit_code = process.exitcode
    return result
