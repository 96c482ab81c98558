"""Run one attempt of a service check in a fresh Chromium context: a playbook's journey, or the
check by report (V.4.2.c.iii), with a screenshot after every action, a trace, and a video kept
when the attempt does not succeed."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import urlsplit

from .citizen import REQUEST_TEXT, Identity, make_test_document
from .mailbox import CodeNotReceived, MailboxError, wait_for_code
from .playbook import TEMPLATE_FIELD, Action, Playbook, describe_locator
from .redact import scrub_file, scrub_text

log = logging.getLogger(__name__)

OK, FAILED, NEEDS_HUMAN = "ok", "failed", "needs_human"
ERROR = "error"      # the tool or the browser failed, not the service: nothing is concluded
VIEWPORT = {"width": 1280, "height": 900}
SETTLE_SECONDS = 10.0      # how long to wait for a page to settle after an action
QUIET_SECONDS = 0.15       # no request in flight for this long: the page has settled


@dataclass
class JourneySettings:
    step_timeout: float = 30.0        # seconds per action
    mail_timeout: float = 60.0        # seconds to wait for an e-mailed code
    headed: bool = False
    human_timeout: float = 600.0      # seconds an inspector has to finish a step with --headed
    video: bool = True                # False when no ffmpeg is available


@dataclass
class ServiceTarget:
    """What a journey needs to know of the service it checks."""

    id: str
    name: str
    url: str
    procedure: str = ""

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass
class AttemptResult:
    outcome: str                          # ok | failed | needs_human | error
    failed_step: str | None
    reason: str
    started_at: str
    finished_at: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    vars: dict[str, str] = field(default_factory=dict)
    files: dict[str, list[tuple[str, bytes, str | None]]] = field(default_factory=dict)
    # kind → [(name, bytes already scrubbed of secrets, url)]: screenshot, trace, har, video

    @property
    def ok(self) -> bool:
        return self.outcome == OK


class StepFailed(Exception):
    def __init__(self, message: str, phase: str | None = None):
        super().__init__(message)
        self.phase = phase


class NeedsHuman(Exception):
    pass


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class _Run:
    """The state of one attempt while it runs."""

    def __init__(self, page, playbook: Playbook | None, target: ServiceTarget,
                 identity: Identity | None, settings: JourneySettings, mailbox, secrets: list[str],
                 ask_human: Callable[[str, Any], Awaitable[None]] | None):
        self.page = page
        self.playbook = playbook
        self.target = target
        self.identity = identity
        self.settings = settings
        self.mailbox = mailbox
        self.secrets = secrets
        self.ask_human = ask_human
        self.vars: dict[str, str] = {}
        self.steps: list[dict[str, Any]] = []
        self.screenshots: list[tuple[str, bytes, str | None]] = []
        self.used_mail: set[str] = set()
        self.last_document_status: tuple[int, str] | None = None
        self.in_flight: set = set()
        page.on("response", self._on_response)
        page.on("request", lambda request: self.in_flight.add(request))
        page.on("requestfinished", lambda request: self.in_flight.discard(request))
        page.on("requestfailed", lambda request: self.in_flight.discard(request))

    def _on_response(self, response) -> None:
        try:
            if response.request.resource_type == "document" and \
                    response.frame == self.page.main_frame:
                self.last_document_status = (response.status, response.url)
        except Exception:        # a response of a frame already gone
            pass

    # --- templates and locators ---------------------------------------------------------------

    def render(self, template: str) -> str:
        def value(match: re.Match) -> str:
            root, _, leaf = match.group(1).partition(".")
            if root == "vars":
                if leaf not in self.vars:
                    raise StepFailed(f"{{vars.{leaf}}} was never read in this journey")
                return self.vars[leaf]
            if root == "service":
                return {"url": self.target.url, "name": self.target.name,
                        "origin": self.target.origin, "procedure": self.target.procedure}[leaf]
            if root == "text":
                return REQUEST_TEXT
            if self.identity is None:
                raise StepFailed("this check has no test citizen")
            return getattr(self.identity, leaf)
        return TEMPLATE_FIELD.sub(value, template)

    def locate(self, spec: dict[str, Any]):
        root = self.page
        if self.playbook and self.playbook.scope and spec.get("scope") != "page":
            scoped = self.page.locator(self.playbook.scope)
            root = scoped.first
        exact = bool(spec.get("exact", False))
        if "role" in spec:
            kwargs: dict[str, Any] = {}
            if "name" in spec:
                kwargs["name"] = self.render(str(spec["name"]))
                kwargs["exact"] = exact
            if "level" in spec:
                kwargs["level"] = int(spec["level"])
            loc = root.get_by_role(spec["role"], **kwargs)
        elif "label" in spec:
            loc = root.get_by_label(self.render(str(spec["label"])), exact=exact)
        elif "text" in spec:
            loc = root.get_by_text(self.render(str(spec["text"])), exact=exact)
        elif "placeholder" in spec:
            loc = root.get_by_placeholder(self.render(str(spec["placeholder"])), exact=exact)
        else:
            loc = root.locator(spec["selector"])
        return loc, loc.nth(int(spec.get("nth", 0)))

    # --- actions ------------------------------------------------------------------------------

    def timeout_ms(self, action: Action) -> float:
        return (action.timeout or self.settings.step_timeout) * 1000

    async def settle(self) -> None:
        """Wait until the page has loaded and no request has been in flight for a moment (a
        single-page app renders after its API answers); a page that never goes quiet (polling,
        streaming) is taken as it is after SETTLE_SECONDS."""
        deadline = time.monotonic() + SETTLE_SECONDS
        try:
            await self.page.wait_for_load_state("load", timeout=SETTLE_SECONDS * 1000)
        except Exception:
            return
        quiet_since = None
        while time.monotonic() < deadline:
            if self.in_flight:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= QUIET_SECONDS:
                return
            await asyncio.sleep(0.03)

    async def act(self, action: Action) -> str:
        """Do one action; returns a note for the step record (never a typed value)."""
        spec, ms = action.spec, self.timeout_ms(action)
        kind = action.kind
        if kind == "goto":
            self.last_document_status = None
            response = await self.page.goto(self.render(spec["url"]), timeout=ms,
                                            wait_until="load")
            if response is not None:
                self.last_document_status = (response.status, response.url)
            return ""
        if kind == "wait":
            await asyncio.sleep(spec["seconds"])
            return ""
        if kind == "otp":
            return await self.otp(spec, action.timeout or self.settings.mail_timeout)
        _, loc = self.locate(spec)
        if kind == "click":
            await loc.click(timeout=ms)
        elif kind == "fill":
            await loc.fill(self.render(str(spec["value"])), timeout=ms)
        elif kind == "select":
            if "index" in spec:
                await loc.select_option(index=int(spec["index"]), timeout=ms)
            elif "option" in spec:
                await loc.select_option(label=self.render(str(spec["option"])), timeout=ms)
            else:
                await loc.select_option(index=0, timeout=ms)
        elif kind == "check":
            await loc.check(timeout=ms)
        elif kind == "upload":
            name, data, mime = make_test_document(spec["file"], f"{self.target.name[:60]}")
            await loc.set_input_files({"name": name, "mimeType": mime, "buffer": data},
                                      timeout=ms)
            return f"{name} ({len(data)} bytes)"
        elif kind == "expect":
            await loc.wait_for(state="visible", timeout=ms)
        elif kind == "read":
            await loc.wait_for(state="visible", timeout=ms)
            text = (await loc.inner_text(timeout=ms)).strip()
            if "pattern" in spec:
                found = re.search(spec["pattern"], text)
                if not found:
                    raise StepFailed(f"read {describe_locator(spec)}: {text[:80]!r} does not "
                                     f"match {spec['pattern']!r}")
                text = found.group(1) if found.re.groups else found.group(0)
            if not text:
                raise StepFailed(f"read {describe_locator(spec)}: empty")
            self.vars[spec["into"]] = text
            return f"{spec['into']} = {text[:80]}"
        elif kind == "human":
            if await self.visible(loc):
                raise NeedsHuman(spec.get("reason") or "the page asks for a person")
        return ""

    async def otp(self, spec: dict[str, Any], timeout: float) -> str:
        if self.identity is None:
            raise StepFailed("no test citizen to receive the code")
        if self.mailbox is None:
            raise StepFailed("the citizen file has no mailbox to read the code from")
        ms = self.settings.step_timeout * 1000
        try:
            code = await wait_for_code(self.mailbox, self.identity.email, spec["subject"],
                                       spec["pattern"], timeout, self.used_mail)
        except CodeNotReceived as exc:
            raise StepFailed(str(exc)) from None
        if "into" in spec:
            _, loc = self.locate(spec["into"])
            await loc.fill(code, timeout=ms)
        else:
            boxes, _ = self.locate(spec["boxes"])
            count = await boxes.count()
            if count < len(code):
                raise StepFailed(f"{count} code boxes for a {len(code)}-digit code")
            for i, digit in enumerate(code):
                await boxes.nth(i).fill(digit, timeout=ms)
        return f"code from '{spec['subject']}' typed"

    @staticmethod
    async def visible(loc) -> bool:
        try:
            return await loc.first.is_visible()
        except Exception:
            return False

    async def problems(self) -> str | None:
        """Why the page as it stands fails the phase: an HTTP error page or a visible alert."""
        if self.last_document_status and self.last_document_status[0] >= 400:
            status, url = self.last_document_status
            texts = await self.alert_texts()
            return f"HTTP {status} at {url}" + (f": {texts}" if texts else "")
        if self.playbook:
            for spec in self.playbook.fail_on:
                loc, _ = self.locate(spec)
                if await self.visible(loc):
                    text = " ".join((await loc.first.inner_text()).split())
                    return f"the page shows {describe_locator(spec)}: {text[:200]}"
        return None

    async def alert_texts(self) -> str:
        try:
            loc = self.page.get_by_role("alert")
            texts = [" ".join(t.split()) for t in await loc.all_inner_texts()]
            if not texts:
                texts = [" ".join((await self.page.locator("h1").first.inner_text(
                    timeout=1000)).split())]
            return "; ".join(t for t in texts if t)[:200]
        except Exception:
            return ""

    async def human_needed(self) -> str | None:
        if self.playbook:
            for spec in self.playbook.human_on:
                loc, _ = self.locate(spec)
                if await self.visible(loc):
                    return spec.get("reason") or f"the page shows {describe_locator(spec)}"
        return None

    async def screenshot(self, label: str) -> int | None:
        """A full-page screenshot; its index among the attempt's screenshots."""
        try:
            png = await self.page.screenshot(full_page=True, timeout=15000)
        except Exception as exc:
            log.info("no screenshot after %s: %s", label, exc)
            return None
        self.screenshots.append((label, png, self.page.url))
        return len(self.screenshots) - 1

    def record(self, phase: str, action: str, ok: bool, note: str = "",
               shot: int | None = None) -> None:
        self.steps.append({"phase": phase, "action": action, "ok": ok, "at": _now(),
                           "url": self.page.url, "note": scrub_text(note, self.secrets),
                           "screenshot": shot})


def _first_line(exc: BaseException) -> str:
    """An exception as one short line (Playwright's messages go on with a call log)."""
    return " ".join(str(exc).split("\n")[0].split())[:300] or type(exc).__name__


async def _journey(run: _Run) -> tuple[str, str | None, str]:
    assert run.playbook is not None
    for phase, actions in run.playbook.phases:
        for index, action in enumerate(actions, 1):
            label = f"{phase}: {action.describe()}"
            try:
                note = await run.act(action)
                if action.kind not in ("wait", "read", "expect", "human"):
                    await run.settle()
                problem = await run.problems()
                if problem:
                    raise StepFailed(problem)
                human = await run.human_needed()
                if human:
                    raise NeedsHuman(human)
            except NeedsHuman as exc:
                shot = await run.screenshot(label)
                run.record(phase, action.describe(), False, f"needs a person: {exc}", shot)
                if not (run.settings.headed and run.ask_human):
                    return NEEDS_HUMAN, phase, f"{phase}: needs a person ({exc})"
                try:
                    await asyncio.wait_for(run.ask_human(str(exc), run.page),
                                           run.settings.human_timeout)
                except asyncio.TimeoutError:
                    return NEEDS_HUMAN, phase, (f"{phase}: needs a person ({exc}); nobody "
                                                f"finished it in {run.settings.human_timeout:g} s")
                await run.settle()
                run.record(phase, "a person finished the step", True)
                continue
            except MailboxError as exc:       # our setting, not the portal: conclude nothing
                shot = await run.screenshot(label)
                run.record(phase, action.describe(), False, str(exc), shot)
                return ERROR, None, f"{phase}: {action.describe()}: {exc}"
            except Exception as exc:          # StepFailed, or Playwright's own (a timeout…)
                message = _first_line(exc)
                if not isinstance(exc, StepFailed):
                    alerts = await run.alert_texts()
                    if alerts:
                        message += f" (the page says: {alerts})"
                shot = await run.screenshot(label)
                run.record(phase, action.describe(), False, message, shot)
                if action.optional:
                    continue
                failed = action.fails_as or phase
                return FAILED, failed, f"{failed}: {action.describe()}: {message}"
            shot = None
            if index == len(actions):         # the page as the phase leaves it
                shot = await run.screenshot(f"{phase}: done")
            run.record(phase, action.describe(), True, note, shot)
    return OK, None, "registered, submitted and tracked a dossier" + (
        f" (dossier {run.vars['dossier_code']})" if "dossier_code" in run.vars else "")


async def _report(run: _Run) -> tuple[str, str | None, str]:
    """V.4.2.c.iii by report: the declared link opens; the screenshot is for the reviewer."""
    label = "open: the declared link"
    try:
        response = await run.page.goto(run.target.url, wait_until="load",
                                       timeout=run.settings.step_timeout * 1000)
        if response is not None:
            run.last_document_status = (response.status, response.url)
        await run.settle()
        problem = await run.problems()
        if problem is None:
            alerts = await run.alert_texts() if await run.visible(
                run.page.get_by_role("alert")) else ""
            if alerts:
                problem = f"the page shows an alert: {alerts}"
        if problem:
            raise StepFailed(problem)
    except Exception as exc:
        message = _first_line(exc)
        shot = await run.screenshot(label)
        run.record("open", "goto the declared link", False, message, shot)
        return FAILED, "open", f"open: {message}"
    shot = await run.screenshot(label)
    run.record("open", "goto the declared link", True, shot=shot)
    return OK, None, "the declared link opens (check by report; the reviewer judges the page)"


async def run_attempt(browser, *, target: ServiceTarget, playbook: Playbook | None,
                      identity: Identity | None, settings: JourneySettings, mailbox=None,
                      secrets: list[str] | None = None, by_report: bool = False,
                      ask_human: Callable[[str, Any], Awaitable[None]] | None = None
                      ) -> AttemptResult:
    """One attempt in a fresh context, closed whatever happens. The files returned are already
    scrubbed of ``secrets``."""
    secrets = [s for s in (secrets or []) if s]
    started = _now()
    workdir = Path(tempfile.mkdtemp(prefix="inspector-journey-"))
    context = None
    outcome, failed_step, reason = FAILED, "open", "the attempt did not start"
    run = None
    files: dict[str, list[tuple[str, bytes, str | None]]] = {}
    try:
        video_options = {"record_video_dir": str(workdir / "video"),
                         "record_video_size": VIEWPORT} if settings.video else {}
        context = await browser.new_context(
            viewport=VIEWPORT, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
            record_har_path=str(workdir / "network.har"), record_har_content="omit",
            accept_downloads=False, **video_options)
        context.set_default_timeout(settings.step_timeout * 1000)
        # DOM snapshots make the trace viewable action by action; the screencast would add some
        # 3 MB per attempt and repeat the screenshots and video already kept.
        await context.tracing.start(screenshots=False, snapshots=True, sources=False,
                                    title=f"{target.id}")
        page = await context.new_page()
        run = _Run(page, playbook, target, identity, settings, mailbox, secrets, ask_human)
        clock = time.monotonic()
        if by_report or playbook is None:
            outcome, failed_step, reason = await _report(run)
        else:
            outcome, failed_step, reason = await _journey(run)
        log.info("%s: %s in %.1f s (%s)", target.id, outcome, time.monotonic() - clock, reason)
        await context.tracing.stop(path=str(workdir / "trace.zip"))
        video = page.video
        await context.close()
        context = None
        files["trace"] = [("trace.zip", scrub_file(workdir / "trace.zip", secrets), None)]
        files["har"] = [("network.har", scrub_file(workdir / "network.har", secrets), None)]
        if outcome != OK and video is not None:
            path = Path(await video.path())
            if path.exists():
                files["video"] = [(path.name, path.read_bytes(), None)]
    except Exception as exc:           # the browser itself failed: not the service's fault
        outcome, failed_step = ERROR, None
        reason = f"the browser failed: {' '.join(str(exc).split())[:300]}"
    finally:
        if context is not None:
            try:
                await context.close()
            except Exception:
                pass
        shutil.rmtree(workdir, ignore_errors=True)
    if run is not None:
        files["screenshot"] = [(label, png, url) for label, png, url in run.screenshots]
    return AttemptResult(outcome=outcome, failed_step=None if outcome == OK else failed_step,
                         reason=scrub_text(reason, secrets), started_at=started,
                         finished_at=_now(), steps=run.steps if run else [],
                         vars=dict(run.vars) if run else {}, files=files)
