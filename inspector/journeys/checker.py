"""`inspector check-services`: match, plan and check every declared service of the selected
agencies in Chromium, store each attempt with its evidence, and keep the verdicts the scoring
reads (`service/<id>` observations)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable

from ..browser import CHROMIUM_ARGS, chromium_path, video_ready
from ..model.errors import UserError
from ..model.labels import OUTCOME_NAMES, PHASE_NAMES, PURPOSE_NAMES, SERVICE_STATUS
from ..evidence.store import store
from ..records.services import AttemptRecord, ServiceVerdict, put_verdict
from ..records.workspace import Workspace, dumps, keep_traceback, loads, utcnow
from . import rules
from .catalogue import Catalogue
from .citizen import Citizen
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


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _state(row: dict[str, Any] | None) -> rules.State:
    if not row:
        return rules.State()
    recognised = row["recognised"]
    return rules.State(row["status"], None if recognised is None else bool(recognised),
                       _parse(row["first_failure_at"]), _parse(row["next_check_at"]),
                       _parse(row["reopened_at"]))


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
            raise UserError("the approved TTHC catalogue is empty: import it first "
                            "('inspector catalog import FILE' or a register with catalog:)")
        jobs = []
        now = self.now()
        for agency in agencies:
            services = [dict(r, procedures=loads(r["procedures"], []))
                        for r in self.ws.db["services"].rows_where(
                            "agency_id = ? and withdrawn_at is null", [agency["id"]],
                            order_by="id")]
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
                state = _state(next(self.ws.db["service_checks"].rows_where(
                    "service_id = ?", [sid]), None))
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
            self._write_state(agency_id, service, plan, playbook, match, state)
            self._observe(agency_id, service)

    def _write_state(self, agency_id, service, plan, playbook, match, state: rules.State,
                     reopened: dict[str, Any] | None = None) -> None:
        existing = self.ws.db.execute(
            "select reopened_by, reopen_reason from service_checks where service_id = ?",
            [service["id"]]).fetchone()
        by, why = (reopened or {}).get("by"), (reopened or {}).get("reason")
        if existing and state.reopened_at and not reopened:
            by, why = existing
        self.ws.db["service_checks"].upsert({
            "service_id": service["id"], "agency_id": agency_id, "plan": plan.check,
            "plan_reason": plan.reason, "playbook": playbook.name if playbook else None,
            "match": dumps(match), "status": state.status,
            "recognised": None if state.recognised is None else int(state.recognised),
            "first_failure_at": _iso(state.first_failure_at),
            "next_check_at": _iso(state.next_check_at), "reopened_at": _iso(state.reopened_at),
            "reopened_by": by if state.reopened_at else None,
            "reopen_reason": why if state.reopened_at else None, "updated_at": utcnow(),
        }, pk="service_id")

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
                raise UserError("no test citizen: pass --citizen FILE or set INSPECTOR_CITIZEN "
                                "(format: docs/playbooks.md)")
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
        at = _parse(result.finished_at) or self.now()
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
            self.ws.db["service_attempts"].insert({
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
            self._write_state(service["agency_id"], service, job.plan, job.playbook, job.match,
                              new_state)
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


def observe_service(ws: Workspace, agency_id: str, service_id: str, run_id: str | None) -> None:
    """Write `service/<id>` from the service's check state and attempts (inside the caller's
    transaction): what the scoring and the export read."""
    row = ws.db.execute("select plan, plan_reason, playbook, match, status, recognised, "
                        "next_check_at, reopened_at, reopened_by, reopen_reason "
                        "from service_checks where service_id = ?", [service_id]).fetchone()
    if row is None:
        return
    plan, plan_reason, playbook, match, status, recognised, next_check, reopened_at, \
        reopened_by, reopen_reason = row
    match = loads(match, {})
    attempts = []
    for a in ws.db["service_attempts"].rows_where("service_id = ?", [service_id], order_by="id"):
        refs = loads(a["evidence"], {})
        variables = loads(a["vars"], {})
        attempts.append(AttemptRecord(
            at=a["finished_at"], started_at=a["started_at"], kind=a["kind"],
            purpose=a["purpose"], playbook=a["playbook"], outcome=a["outcome"],
            failed_step=a["failed_step"], reason=a["reason"],
            dossier_code=variables.get("dossier_code"), dossier_status=variables.get("status"),
            steps=loads(a["steps"], []),
            evidence=[ref for kind in ("screenshot", "trace", "har", "video")
                      for ref in refs.get(kind, [])]))
    review = []
    if status == rules.UNMATCHED:
        review.append("name_not_in_catalogue")
    if plan == rules.REPORT and recognised:
        review.append("recognised_by_report: the reviewer's impression is needed (V.4.2.c.iii)")
    if status == rules.NEEDS_HUMAN:
        review.append("needs_human")
    reason = {
        rules.UNMATCHED: "its name matches no procedure of the approved catalogue (V.4.2.c.i)",
        rules.AWAITING_RECHECK: f"failed; re-check due at {next_check} before a verdict "
                                "(V.4.2.c.ii)",
        rules.NEEDS_HUMAN: "a step needs a person (captcha or SMS code): run "
                           "'inspector check-services --headed'",
        rules.UNCHECKED: "not checked yet",
    }.get(status)
    if status == rules.AWAITING_RECHECK and recognised:
        reason = None        # a reopened service keeps its recognition until the re-check
    put_verdict(ws, agency_id, service_id, ServiceVerdict(
        recognised=None if recognised is None else bool(recognised), status=status,
        check=plan, check_reason=plan_reason, playbook=playbook,
        catalog_code=match.get("code") if match.get("matched") else None,
        procedures=match.get("procedures", []), match=match, next_check_at=next_check,
        review=review, attempts=attempts,
        reopened={"at": reopened_at, "by": reopened_by, "reason": reopen_reason}
        if reopened_at else None, reason=reason), run_id)


def reopen_service(ws: Workspace, service_id: str, reviewer: str, reason: str,
                   now: datetime | None = None) -> None:
    """Hậu kiểm: a reviewer reopens a recognised service after feedback; the next
    check-services checks it again, and a failure confirmed by its re-check revokes it."""
    if not reason.strip():
        raise UserError("a reason is required to reopen a service (the feedback received)")
    row = next(ws.db["service_checks"].rows_where("service_id = ?", [service_id]), None)
    if row is None:
        raise UserError(f"service {service_id!r} has not been checked yet "
                        "(see 'inspector check-services')")
    at = now or datetime.now(timezone.utc).replace(microsecond=0)
    try:
        state = rules.reopen(_state(row), at)
    except ValueError:
        raise UserError(f"service {service_id!r} is {row['status']}, not recognised: only a "
                        "recognised service can be reopened") from None
    agency_id = row["agency_id"]
    with ws.transaction():
        ws.db["service_checks"].update(service_id, {
            "status": state.status, "reopened_at": at.isoformat(), "reopened_by": reviewer,
            "reopen_reason": reason, "first_failure_at": None, "next_check_at": None,
            "updated_at": utcnow()})
        ws.audit(reviewer, "service.reopened", f"{agency_id}/service/{service_id}",
                 old=row["status"], new=state.status, reason=reason)
        observe_service(ws, agency_id, service_id, None)


def check_services(ws: Workspace, agency_ids: list[str] | None, as_of: date | None,
                   citizen: Citizen | None, settings: CheckSettings,
                   echo: Callable[[str], None] | None = None) -> Summary:
    """Plan and run the due attempts; the summary names the agencies whose verdicts changed
    (the caller re-scores them) and whether the checks could run at all."""
    agencies = ws.agencies(agency_ids)
    checker = ServiceChecker(ws, citizen, settings, echo)
    jobs = checker.plan(agencies)
    checker.summary.services = ws.db.execute(
        "select count(*) from service_checks where agency_id in (%s)"
        % ",".join("?" * len(agencies)), [a["id"] for a in agencies]).fetchone()[0]
    if echo:
        echo(f"{len(jobs)} lượt kiểm tra đến hạn trên {checker.summary.services} dịch vụ.")
    try:
        asyncio.run(checker.run(jobs))
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - the browser or the tool broke: said, not hidden
        checker.summary.failure = {
            "class": type(exc).__name__, "message": str(exc)[:500],
            "traceback": keep_traceback(ws.root, "check-services", "".join(
                traceback.format_exception(type(exc), exc, exc.__traceback__)))}
    for status, count in ws.db.execute(
            "select status, count(*) from service_checks where agency_id in (%s) group by status"
            % ",".join("?" * len(agencies)), [a["id"] for a in agencies]):
        checker.summary.by_status[status] = count
    # The agency's results follow its services' verdicts (a revoked recognition, V.4.2.c.ii):
    # the caller re-scores these.
    checker.summary.changed = sorted(checker.changed_agencies)
    ws.db["runs"].insert({"id": checker.run_id, "command": "check-services",
                          "as_of": (as_of or date.today()).isoformat(),
                          "started_at": checker.run_id.split("-", 2)[2],
                          "finished_at": utcnow(), "status": checker.summary.status,
                          "counts": dumps({"attempts": checker.summary.attempts,
                                           "tool_errors": checker.summary.tool_errors,
                                           **({"failure": checker.summary.failure}
                                              if checker.summary.failure else {}),
                                           **checker.summary.by_status})}, replace=True)
    return checker.summary


def service_rows(ws: Workspace, agency_ids: list[str] | None) -> list[dict[str, Any]]:
    """Every declared service of the agencies with its check state and last attempt."""
    rows = []
    for agency in ws.agencies(agency_ids):
        for service in ws.db["services"].rows_where("agency_id = ? and withdrawn_at is null",
                                                    [agency["id"]], order_by="id"):
            check = next(ws.db["service_checks"].rows_where("service_id = ?", [service["id"]]),
                         {})
            last = next(ws.db["service_attempts"].rows_where(
                "service_id = ?", [service["id"]], order_by="id desc", limit=1), None)
            rows.append({
                "id": service["id"], "agency_id": agency["id"], "name": service["name"],
                "url": service["url"], "level": service["level"],
                "status": check.get("status"), "check": check.get("plan"),
                "check_reason": check.get("plan_reason"), "playbook": check.get("playbook"),
                "recognised": None if check.get("recognised") is None
                else bool(check["recognised"]),
                "match": loads(check.get("match"), None),
                "next_check_at": check.get("next_check_at"),
                "last_attempt": {k: last[k] for k in ("finished_at", "kind", "purpose",
                                                      "outcome", "failed_step", "reason")}
                if last else None})
    return rows


def plan_services(ws: Workspace, agency_ids: list[str] | None,
                  settings: CheckSettings) -> list[dict[str, Any]]:
    """What check-services would do now, changing nothing: each service's check and why, its
    catalogue match, its playbook, and whether an attempt is due."""
    checker = ServiceChecker(ws, None, settings)
    checker.plan(ws.agencies(agency_ids), save=False)
    return checker.planned
