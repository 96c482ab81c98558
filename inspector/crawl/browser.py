"""Chromium (Debian's, through Playwright) for what HTML alone cannot tell: the mobile layout,
and screenshots of the pages behind findings."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from typing import Any, Iterator
from urllib.parse import urlsplit

PHONE = {"width": 375, "height": 740}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]


def chromium_path() -> str:
    """Debian's chromium, or INSPECTOR_CHROMIUM (playwright install cannot download here)."""
    path = os.environ.get("INSPECTOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        raise RuntimeError(f"Chromium not found at {path}: install Debian's 'chromium' package "
                           "or set INSPECTOR_CHROMIUM")
    return path


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


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


def mobile_layout(browser, url: str, timeout_ms: int = 30000) -> dict[str, Any]:
    """At a phone's width: does the page declare a device-width viewport, and does it fit
    without scrolling sideways? Returns {present, viewport_meta, scroll_width, width, png}."""
    context = browser.new_context(viewport=PHONE, ignore_https_errors=True)
    try:
        page = context.new_page()
        page.route("**/*", own_host_only(url))
        page.goto(url, wait_until="load", timeout=timeout_ms)
        meta = page.evaluate(
            "() => { const m = document.querySelector('meta[name=viewport]');"
            " return m ? m.getAttribute('content') : null; }")
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        width = page.evaluate("() => window.innerWidth")
        png = page.screenshot(full_page=False)
    finally:
        context.close()
    fits = scroll_width <= width + 1
    has_meta = bool(meta and "device-width" in meta)
    return {"present": has_meta and fits, "viewport_meta": meta, "scroll_width": scroll_width,
            "width": width, "png": png}
