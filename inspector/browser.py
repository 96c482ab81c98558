"""Chromium (Debian's, through Playwright) for what HTML alone cannot tell: the mobile layout,
and screenshots of the pages behind findings."""

from __future__ import annotations

import asyncio
import base64
import os
import shutil
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

PHONE = {"width": 375, "height": 740}
# Chromium hands screenshots over as JPEG at this quality: it encodes one in half a PNG's time,
# and at 90 the text loses nothing that the stored image (evidence/screenshots.py) would keep.
JPEG_QUALITY = 90
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]
# The crawl's photographs (async_chromium) show public pages, one portal per context and no
# credentials in any: site isolation protects nothing there, and with two tabs at work it made
# Chromium start a renderer process for nearly every page (the spare renderer it keeps ready is
# for one context; each page the other tab loads throws it away and starts another): 272
# renderers for the 340 photographs of 15 sandbox portals, 30 without it. The first night of
# 40 sandbox agencies: 328 s instead of 436, 569 CPU-s instead of 740 (docs/nightly.md). A
# citizen's journey (logged in) keeps site isolation.
PHOTOGRAPHER_ARGS = [*CHROMIUM_ARGS, "--disable-site-isolation-trials"]
# A page that answers one of these may answer the next request (portals behind an overloaded
# proxy); a photo of the error page is no evidence of the page.
TRANSIENT_STATUSES = {429, 500, 502, 503, 504}
PAGE_ATTEMPTS = 3
RETRY_WAIT_S = 1.0
MAX_RETRY_AFTER_S = 10.0


class PageError(RuntimeError):
    """The page kept answering a transient error (429, 5xx) through every attempt."""


async def open_page(page, url: str, timeout_ms: int) -> None:
    """Load ``url`` in ``page`` (Playwright's async API); a transient error is tried again
    (after its Retry-After, at most MAX_RETRY_AFTER_S) and raises PageError if it stays. Other
    statuses, a 404 too, are what a visitor sees and are left on the page."""
    target = url
    for attempt in range(1, PAGE_ATTEMPTS + 1):
        response = await page.goto(target, wait_until="load", timeout=timeout_ms)
        status = response.status if response is not None else None
        if status not in TRANSIENT_STATUSES:
            return
        if attempt == PAGE_ATTEMPTS:
            raise PageError(f"{response.url} answered HTTP {status} after {attempt} attempts")
        # Ask again where the error came from: a redirect already followed need not be.
        target = response.url
        wait = RETRY_WAIT_S * attempt
        retry_after = (response.headers.get("retry-after") or "").strip()
        if retry_after.isdigit():
            wait = min(float(retry_after), MAX_RETRY_AFTER_S)
        await page.wait_for_timeout(wait * 1000)


def chromium_path() -> str:
    """Debian's chromium, or INSPECTOR_CHROMIUM (playwright install cannot download here)."""
    path = os.environ.get("INSPECTOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise RuntimeError(f"Chromium not found at {path}: install Debian's 'chromium' package "
                           "or set INSPECTOR_CHROMIUM")
    return path


def video_ready() -> bool:
    """Playwright records video with an ffmpeg of its own, which `playwright install` cannot
    download here; point it at Debian's (or INSPECTOR_FFMPEG) through a private browsers folder.
    False when there is no ffmpeg: journeys then run without video."""
    import json

    import playwright

    ffmpeg = os.environ.get("INSPECTOR_FFMPEG") or shutil.which("ffmpeg")
    driver = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    try:
        revision = next(b["revision"] for b in json.loads(driver.read_text())["browsers"]
                        if b["name"] == "ffmpeg")
    except (OSError, ValueError, StopIteration, KeyError):
        return False
    default = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
                   or Path.home() / ".cache" / "ms-playwright")
    if (default / f"ffmpeg-{revision}" / "ffmpeg-linux").exists():
        return True
    if not ffmpeg or not os.path.exists(ffmpeg):
        return False
    private = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "inspector" / \
        "playwright"
    link = private / f"ffmpeg-{revision}" / "ffmpeg-linux"
    try:
        link.parent.mkdir(parents=True, exist_ok=True)
        if not link.exists():
            link.symlink_to(ffmpeg)
    except OSError:
        return False
    # Only ffmpeg is looked up there: Chromium is always launched by executable_path.
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(private)
    return True


# Where Chromium's own traffic goes when only some hosts may be reached: a port on loopback
# that nothing serves, so a request there fails at once on this machine.
NOWHERE = "http://127.0.0.1:9"


def _launch_options(only_hosts: list[str] | None, args: list[str] = CHROMIUM_ARGS
                    ) -> dict[str, Any]:
    options: dict[str, Any] = {"executable_path": chromium_path(), "headless": True,
                               "args": list(args)}
    if only_hosts is not None:
        # "<-loopback>" removes Chromium's implicit bypass of loopback: 127.0.0.1 is
        # reached only when it is one of the hosts
        options["proxy"] = {"server": NOWHERE,
                            "bypass": ",".join(["<-loopback>", *sorted(set(only_hosts))])}
    return options


@contextmanager
def chromium(only_hosts: list[str] | None = None) -> Iterator[Any]:
    """Debian's Chromium, headless. With ``only_hosts`` (host or host:port), it reaches those
    hosts and nothing else: every other request, Chromium's own background calls included
    (accounts.google.com, autofill), goes to a proxy that is not there (``NOWHERE``) and fails
    on this machine, instead of leaving it on an inspector's behalf. An empty list reaches
    nothing (a report printed from local files)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**_launch_options(only_hosts))
        try:
            yield browser
        finally:
            browser.close()


@asynccontextmanager
async def async_chromium(only_hosts: list[str] | None = None) -> AsyncIterator[Any]:
    """``chromium`` for Playwright's async API, where several tabs work at once (the crawl's
    photographs: PHOTOGRAPHER_ARGS). Chromium's own zygote processes are kept: without them
    each tab's renderer starts from nothing, which cost the crawl's photographs half their CPU
    again (measured: --no-zygote, --in-process-gpu)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**_launch_options(only_hosts,
                                                                    PHOTOGRAPHER_ARGS))
        try:
            yield browser
        finally:
            await browser.close()


def own_host_only(url: str):
    """A route handler that lets the page load what its own host serves and nothing else: no
    third-party trackers or CDNs are contacted on an inspector's behalf."""
    own = urlsplit(url).netloc

    def handler(route) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            route.abort()
    return handler


class PortalTab:
    """One tab for one portal's pages, visited one after the other (a context and a tab cost
    about as much as a visit; a portal's pages share them), in Playwright's async API. A page
    the crawl already fetched is answered from its bytes, so a photo costs no second visit of
    the portal: only the page's own assets (styles, images) come from the network, where the
    browser reaches the crawled portals' hosts and nothing else (``async_chromium(only_hosts)``).
    Only documents are intercepted, through a DevTools session of the tab's own: a Playwright
    route would turn the browser's cache off, and every page would fetch the portal's styles,
    scripts and images again (twenty section pages, twenty downloads of each). ``await
    PortalTab.open(...)``, then ``await tab.close()``."""

    def __init__(self, context, page, viewport: dict[str, int], timeout_ms: int):
        self.context, self.page = context, page
        self.viewport = dict(viewport)
        self.timeout_ms = timeout_ms
        self._devtools = None                 # opened for the first page given as bytes
        self._answer: tuple[str, bytes, str] | None = None   # (canonical URL, body, type)
        self._sending: set[asyncio.Future] = set()

    @classmethod
    async def open(cls, browser, viewport: dict[str, int],
                   timeout_ms: int = 30000) -> "PortalTab":
        context = await browser.new_context(viewport=dict(viewport), ignore_https_errors=True)
        context.set_default_timeout(timeout_ms)
        return cls(context, await context.new_page(), viewport, timeout_ms)

    async def close(self) -> None:
        await self.context.close()

    async def visit(self, url: str, body: bytes | None = None, content_type: str | None = None,
                    viewport: dict[str, int] | None = None) -> None:
        """Load ``url`` (open_page: a transient error is tried again, PageError if it stays),
        answered from ``body`` when given, at ``viewport`` (the tab's own by default)."""
        wanted = dict(viewport or self.viewport)
        if self.page.viewport_size != wanted:
            await self.page.set_viewport_size(wanted)
        if body is not None:
            await self._intercept_documents()
            self._answer = (canonicalize_url(url), body, content_type or "text/html")
        try:
            await open_page(self.page, url, self.timeout_ms)
        finally:
            self._answer = None

    async def _intercept_documents(self) -> None:
        if self._devtools is None:
            self._devtools = await self.context.new_cdp_session(self.page)
            self._devtools.on("Fetch.requestPaused", self._paused)
            # documents only (the page's and its frames'): styles, scripts and images never
            # pause, and come from the browser's cache as for any visitor
            try:
                await self._devtools.send("Fetch.enable", {"patterns": [
                    {"urlPattern": "*", "resourceType": "Document", "requestStage": "Request"}]})
            except Exception:
                self._devtools = None           # the next page tries again
                raise

    def _paused(self, event: dict[str, Any]) -> None:
        answer, request_id = self._answer, event["requestId"]
        if answer is not None and canonicalize_url(event["request"]["url"]) == answer[0]:
            # answered once: the same URL asked again (a frame, a reload) goes to the portal
            self._answer = None
            sent = self._devtools.send("Fetch.fulfillRequest", {
                "requestId": request_id, "responseCode": 200,
                "responseHeaders": [{"name": "Content-Type", "value": answer[2]}],
                "body": base64.b64encode(answer[1]).decode("ascii")})
        else:
            sent = self._devtools.send("Fetch.continueRequest", {"requestId": request_id})
        task = asyncio.ensure_future(sent)
        self._sending.add(task)         # kept until done: a task nobody holds may be collected
        # a tab closed meanwhile fails the command: nothing is waiting for it
        task.add_done_callback(lambda done: (self._sending.discard(done),
                                             done.cancelled() or done.exception()))


async def mobile_layout(tab: PortalTab, url: str, body: bytes | None = None,
                        content_type: str | None = None) -> dict[str, Any]:
    """At a phone's width: does the page declare a device-width viewport, and does it fit
    without scrolling sideways? Returns {present, viewport_meta, scroll_width, width, image}
    (a JPEG of the phone's screen). The tab goes back to its own width afterwards."""
    try:
        await tab.visit(url, body, content_type, viewport=PHONE)
        page = tab.page
        meta = await page.evaluate(
            "() => { const m = document.querySelector('meta[name=viewport]');"
            " return m ? m.getAttribute('content') : null; }")
        scroll_width = await page.evaluate("() => document.documentElement.scrollWidth")
        width = await page.evaluate("() => window.innerWidth")
        image = await page.screenshot(full_page=False, type="jpeg", quality=JPEG_QUALITY)
    finally:
        if tab.page.viewport_size != tab.viewport:
            await tab.page.set_viewport_size(tab.viewport)
    fits = scroll_width <= width + 1
    has_meta = bool(meta and "device-width" in meta)
    return {"present": has_meta and fits, "viewport_meta": meta, "scroll_width": scroll_width,
            "width": width, "image": image}
