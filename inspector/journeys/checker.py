"""`inspector check-services`: match, plan and check every declared service of the selected
agencies in Chromium, store each attempt with its evidence, and keep the verdicts the scoring
reads (`service/<id>` observations)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from ..records import registry
from ..browser import CHROMIUM_ARGS, chromium_path, video_ready
from ..model.errors import UserError
from ..model.labels import OUTCOME_NAMES, PHASE_NAMES, PURPOSE_NAMES, SERVICE_STATUS
from ..records.evidence import store
from ..records.runs import Run, put_run
from ..records.workspace import Workspace, dumps, keep_traceback, loads, utcnow
from . import rules
from .catalogue import Catalogue
from .citizen import Citizen
from .ledger import (check_state, insert_attempt, observe_service, parse_time,
                     state_counts, write_state)
from .journey import ERROR, AttemptResult, JourneySettings, ServiceTarget, run_attempt
from .mailbox import open_mailbox
from .playbook import Playbook, choose_playbook, load_playbooks

log = logging.getLogger(__name__)
ACTOR = "inspector check-services"


@dataclass
class CheckSettings:
    journey: JourneySettings = field(default_factory=JourneySettings)
    contexts: int = 3
    recheck_after_hours: float = 4.0
    sampling: rules.Sampling = field(default_factory=rules.Sampling)
    threshold: float | None = None
    again: bool = False
    playbook_dirs: list = field(default_factory=list)
    now: datetime | None = None          # the clock, for replays and tests of re-check gaps


@dataclass
class Summary:
    services: int = 0
    attempts: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)      # one line each, English
    changed: list[str] = field(default_factory=list)     # agencies whose verdicts moved
    tool_errors: int = 0        # attempts where the tool or the browser failed, not the service
    # the run itself broke (the browser could not start or crashed): class, message, traceback
    failure: dict[str, str] | None = None

    @property
    def status(self) -> str:
        """"failed" when the checks could not run (a crash, or every attempt a tool error):
        the services' verdicts did not move and the checks stay due; else "ok"."""
        if self.failure or (self.attempts and self.tool_errors == self.attempts):
            return "failed"
        return "ok"

    def failure_line(self) -> str | None:
        """What failed, in Vietnamese, for the terminal and the run record."""
        if self.failure:
            return (f"kiểm tra DVCTT bị dừng vì lỗi công cụ: {self.failure['class']}: "
                    f"{self.failure['message']} (chi tiết: {self.failure['traceback']})")
        if self.status == "failed":
            return (f"cả {self.attempts} lượt kiểm tra DVCTT đều lỗi công cụ (trình duyệt), "
                    "không kết luận được; sẽ kiểm tra lại")
        return None


@dataclass
class _Job:
    service: dict[str, Any]
    plan: rules.Plan
    playbook: Playbook | None
    playbook_reason: str
    match: dict[str, Any]
    purpose: str
    state: rules.State


class ServiceChecker:
    def __init__(self, ws: Workspace, citizen: Citizen | None, settings: CheckSettings,
                 echo: Callable[[str], None] | None = None):
        self.ws = ws
        self.citizen = citizen
        self.settings = settings
        self.echo = echo or (lambda line: None)
        self.books = load_playbooks(settings.playbook_dirs)
        self.catalogue = Catalogue.from_workspace(ws)
        self.run_id = f"check-services-{utcnow()}"
        self.summary = Summary()
        self.changed_agencies: set[str] = set()
        self.mailbox = None
        self.planned: list[dict[str, Any]] = []     # every service's plan, for --dry-run

    def now(self) -> datetime:
        return self.settings.now or datetime.now(timezone.utc).replace(microsecond=0)

    # --- planning -----------------------------------------------------------------------------

    def plan(self, agencies: list[dict[str, Any]], save: bool = True) -> list[_Job]:
        if not len(self.catalogue):
            raise UserError("danh mục TTHC được phê duyệt đang trống: hãy nhập trước "
                            "('inspector catalog import FILE' hoặc sổ đăng ký có mục catalog:)")
        jobs = []
        now = self.now()
        for agency in agencies:
            services = [dict(r, procedures=loads(r["procedures"], []))
                        for r in registry.services(self.ws, agency["id"])]
            matches = {}
            for service in services:
                kwargs = {} if self.settings.threshold is None else \
                    {"threshold": self.settings.threshold}
                matches[service["id"]] = self.catalogue.match(
                    service["name"], service["procedures"] or None, **kwargs)
            plans = rules.plan_checks(agency["id"], services,
                                      {k: m.matched for k, m in matches.items()},
                                      self.settings.sampling)
            for service in services:
                sid = service["id"]
                match, plan = matches[sid], plans[sid]
                state = check_state(self.ws, sid)
                playbook, playbook_reason = choose_playbook(self.books, service["url"],
                                                            service.get("playbook"))
                if plan.check == rules.JOURNEY and playbook is None:
                    plan = rules.Plan(rules.REPORT, f"{plan.reason}; but {playbook_reason}: "
                                      "checked by report and flagged for review", plan.group)
                if not match.matched:
                    state = rules.State(rules.UNMATCHED, False)
                elif state.status == rules.UNMATCHED:
                    state = rules.State()     # the catalogue now holds it: check it afresh
                if save:
                    self._save_plan(agency["id"], service, plan, playbook, match.as_dict(), state)
                purpose, why = rules.due(state, now, headed=self.settings.journey.headed,
                                         again=self.settings.again)
                if plan.check == rules.NONE:
                    purpose = None
                self.planned.append({
                    "service_id": sid, "agency_id": agency["id"], "name": service["name"],
                    "check": plan.check, "reason": plan.reason, "group": plan.group,
                    "playbook": playbook.name if playbook else None,
                    "playbook_reason": playbook_reason, "match": match.as_dict(),
                    "status": state.status, "due": purpose, "why": why})
                if purpose and plan.check != rules.NONE:
                    jobs.append(_Job(service, plan, playbook, playbook_reason, match.as_dict(),
                                     purpose, state))
                else:
                    log.info("%s: no attempt now (%s)", sid, why)
        return jobs

    def _save_plan(self, agency_id: str, service: dict[str, Any], plan: rules.Plan,
                   playbook: Playbook | None, match: dict[str, Any], state: rules.State) -> None:
        with self.ws.transaction():
            write_state(self.ws, agency_id, service, plan, playbook, match, state)
            self._observe(agency_id, service)

    # --- the observation the scoring reads ----------------------------------------------------

    def _observe(self, agency_id: str, service: dict[str, Any]) -> None:
        observe_service(self.ws, agency_id, service["id"], self.run_id)

    # --- running ------------------------------------------------------------------------------

    async def run(self, jobs: list[_Job]) -> None:
        from playwright.async_api import async_playwright

        if not jobs:
            return
        if any(job.plan.check == rules.JOURNEY for job in jobs):
            if self.citizen is None:
                raise UserError("chưa có công dân thử nghiệm: dùng --citizen FILE hoặc đặt "
                                "INSPECTOR_CITIZEN (định dạng: docs/playbooks.md)")
            if self.citizen.mailbox:
                self.mailbox = open_mailbox(self.citizen.mailbox, self.citizen.mailbox_password)
        self.settings.journey.video = self.settings.journey.video and video_ready()
        if not self.settings.journey.video:
            self.echo("Không có ffmpeg: các lượt kiểm tra lỗi sẽ không có video "
                      "(apt-get install ffmpeg, hoặc INSPECTOR_FFMPEG).")
        contexts = 1 if self.settings.journey.headed else max(1, self.settings.contexts)
        gate = asyncio.Semaphore(contexts)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_path(), headless=not self.settings.journey.headed,
                args=CHROMIUM_ARGS)
            try:
                async def one(job: _Job) -> None:
                    async with gate:
                        await self._attempt(browser, job)
                await asyncio.gather(*(one(job) for job in jobs))
            finally:
                await browser.close()

    async def _attempt(self, browser, job: _Job) -> None:
        service = job.service
        by_report = job.plan.check == rules.REPORT
        identity = None
        if not by_report:
            # Portals remember every account ever made: a workspace's identities start at a
            # random point, so that two workspaces checking one portal do not collide.
            identity = self.citizen.identity(self.ws.next_serial(
                "test-identity", start=secrets.randbelow(900_000) * 1000))
        target = ServiceTarget(service["id"], service["name"], service["url"],
                               (job.match.get("procedures") or [""])[0])
        result = await run_attempt(
            browser, target=target, playbook=job.playbook, identity=identity,
            settings=self.settings.journey, mailbox=self.mailbox,
            secrets=self.citizen.secrets() if self.citizen else [], by_report=by_report,
            ask_human=_ask_human if self.settings.journey.headed else None)
        self._record(job, result, identity.public() if identity else None)

    def _record(self, job: _Job, result: AttemptResult, identity: dict[str, str] | None) -> None:
        service = job.service
        at = parse_time(result.finished_at) or self.now()
        if self.settings.now:
            at = self.settings.now
        if result.outcome == ERROR:
            # The tool failed, not the service: the attempt is kept for the record, the
            # service's state does not move and the check stays due.
            new_state = job.state
            new_state.events = ["tool_error"]
        else:
            new_state = rules.after_attempt(job.state, result.outcome, at,
                                            timedelta(hours=self.settings.recheck_after_hours))
        # One transaction: the attempt, its evidence rows and the new state land together or
        # not at all (a run killed here leaves at most unreferenced files, never half a record).
        with self.ws.transaction():
            refs: dict[str, list[dict[str, Any]]] = {}
            for kind, items in result.files.items():
                refs[kind] = [store(self.ws, data, kind, url) for _, data, url in items]
            shots = refs.get("screenshot", [])
            steps = [dict(step, screenshot=shots[step["screenshot"]]["path"]
                          if step.get("screenshot") is not None
                          and step["screenshot"] < len(shots) else None)
                     for step in result.steps]
            insert_attempt(self.ws, {
                "service_id": service["id"], "agency_id": service["agency_id"],
                "run_id": self.run_id, "kind": job.plan.check, "purpose": job.purpose,
                "playbook": job.playbook.name if job.playbook and job.plan.check == rules.JOURNEY
                else None,
                "started_at": self.settings.now.isoformat() if self.settings.now
                else result.started_at,
                "finished_at": at.isoformat(), "outcome": result.outcome,
                "failed_step": result.failed_step, "reason": result.reason,
                "steps": dumps(steps), "vars": dumps(result.vars),
                "identity": dumps(identity) if identity else None,
                "evidence": dumps(refs)})
            write_state(self.ws, service["agency_id"], service, job.plan, job.playbook,
                        job.match, new_state)
            for event in new_state.events:
                if event in ("revoked", "confirmed", "not_recognised", "recognised"):
                    self.ws.audit(ACTOR, f"service.{event}", f"{service['agency_id']}/service/"
                                  f"{service['id']}", old=job.state.status, new=new_state.status,
                                  reason=result.reason)
            self._observe(service["agency_id"], service)
        self.summary.attempts += 1
        self.summary.tool_errors += result.outcome == ERROR
        if new_state.status != job.state.status or new_state.recognised != job.state.recognised:
            self.changed_agencies.add(service["agency_id"])
        line = f"{service['agency_id']}/{service['name'][:60]}: {result.outcome}" + (
            f" at {result.failed_step}" if result.failed_step else "") + f" → {new_state.status}"
        self.summary.events.append(line)
        self.echo(f"  {service['agency_id']}: {service['name'][:60]} — "
                  f"{'theo báo cáo' if job.plan.check == rules.REPORT else 'hành trình'} "
                  f"({PURPOSE_NAMES.get(job.purpose, job.purpose)}): "
                  f"{OUTCOME_NAMES.get(result.outcome, result.outcome)}"
                  + (f" ở bước {PHASE_NAMES.get(result.failed_step, result.failed_step)}"
                     if result.failed_step else "")
                  + f" → {SERVICE_STATUS.get(new_state.status, new_state.status)}")




async def _ask_human(reason: str, page) -> None:
    """--headed: the inspector completes the step in the visible window (``page``), then says so
    here."""
    print(f"Cần người kiểm tra: {reason}. Hoàn tất bước này trong cửa sổ trình duyệt (không bấm "
          "nộp), rồi nhấn Enter tại đây để công cụ tiếp tục.", file=sys.stderr, flush=True)
    await asyncio.to_thread(sys.stdin.readline)


def check_services(ws: Workspace, agency_ids: list[str] | None, as_of: date | None,
                   citizen: Citizen | None, settings: CheckSettings,
                   echo: Callable[[str], None] | None = None) -> Summary:
    """Plan and run the due attempts; the summary names the agencies whose verdicts changed
    (the caller re-scores them) and whether the checks could run at all."""
    agencies = registry.agencies(ws, agency_ids)
    checker = ServiceChecker(ws, citizen, settings, echo)
    jobs = checker.plan(agencies)
    counts = state_counts(ws, [a["id"] for a in agencies])
    checker.summary.services = sum(counts.values())
    if echo:
        echo(f"{len(jobs)} lượt kiểm tra đến hạn trên {checker.summary.services} dịch vụ.")
    try:
        asyncio.run(checker.run(jobs))
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - the browser or the tool broke: said, not hidden
        checker.summary.failure = {
            "class": type(exc).__name__, "message": str(exc)[:500],
            "traceback": keep_traceback(ws.root, "check-services", exc)}
    checker.summary.by_status.update(state_counts(ws, [a["id"] for a in agencies]))
    # The agency's results follow its services' verdicts (a revoked recognition, V.4.2.c.ii):
    # the caller re-scores these.
    checker.summary.changed = sorted(checker.changed_agencies)
    put_run(ws.db, Run(id=checker.run_id, command="check-services",
                       as_of=(as_of or date.today()).isoformat(),
                       started_at=checker.run_id.split("-", 2)[2], finished_at=utcnow(),
                       status=checker.summary.status,
                       counts={"attempts": checker.summary.attempts,
                               "tool_errors": checker.summary.tool_errors,
                               **({"failure": checker.summary.failure}
                                  if checker.summary.failure else {}),
                               **checker.summary.by_status}))
    return checker.summary


def plan_services(ws: Workspace, agency_ids: list[str] | None,
                  settings: CheckSettings) -> list[dict[str, Any]]:
    """What check-services would do now, changing nothing: each service's check and why, its
    catalogue match, its playbook, and whether an attempt is due."""
    checker = ServiceChecker(ws, None, settings)
    checker.plan(registry.agencies(ws, agency_ids), save=False)
    return checker.planned
