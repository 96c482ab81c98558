"""Scrapy settings of the portal crawl (each one documented; `inspector crawl` may override)."""

from __future__ import annotations

import os

from .. import __version__

# Where a portal's webmaster can read who crawls and why (the User-Agent carries it).
CONTACT_URL = os.environ.get("INSPECTOR_CONTACT_URL", "https://example.gov.vn/kiem-tra-cong-ttdt")

SETTINGS = {
    # An identifying User-Agent with a contact URL, as a public-sector crawler owes its hosts.
    "USER_AGENT": f"inspector/{__version__} (+{CONTACT_URL}; kiem tra cong thong tin dien tu)",
    # robots.txt is obeyed unless the register says otherwise for an agency (obey_robots: false).
    "ROBOTSTXT_OBEY": True,
    # Many portals at once, at most 2 requests at a time per portal (host:port, see
    # middleware/host_slot.py), slowed down further by AutoThrottle when a portal is slow.
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    # The scheduler's queues per host:port too: the portal with the fewest downloads under
    # way is served first, so no portal waits for the others to finish (middleware/host_slot.py)
    "SCHEDULER_PRIORITY_QUEUE": "inspector.crawl.middleware.host_slot.HostSlotPriorityQueue",
    # What a callback yields is requests, never items: Scrapy's default (100) starts a hundred
    # asyncio tasks for each page's output to process items in parallel that never come
    "CONCURRENT_ITEMS": 1,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.5,
    "AUTOTHROTTLE_MAX_DELAY": 10.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    # Scrapy's AutoThrottle, except that a 304 (an incremental night's revalidations) teaches
    # it a portal's speed as a 200 does (extensions/throttle.py)
    "EXTENSIONS": {"scrapy.extensions.throttle.AutoThrottle": None,
                   "inspector.crawl.extensions.throttle.RevalidationAwareThrottle": 0},
    "DOWNLOAD_TIMEOUT": 30,
    # A portal page is tens or hundreds of kilobytes; a page over 16 MB (an endless log, a
    # misconfigured download behind a menu link) is cut off as it streams, or refused at once
    # when its Content-Length says so, instead of Scrapy's 1 GiB default read whole into
    # memory. failures.py names it "page too large (over 16 MB)": its section or page is then
    # not assessed, never scored 0. Over 4 MB Scrapy logs a warning and reads on.
    "DOWNLOAD_MAXSIZE": 16 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 4 * 1024 * 1024,
    # Retries with back-off replace Scrapy's immediate retries (middleware/backoff.py).
    "RETRY_ENABLED": False,
    "INSPECTOR_RETRY_TIMES": 3,
    "INSPECTOR_RETRY_BASE_DELAY": 1.0,
    # Pages per portal, and the URL-trap guard (middleware/budget.py).
    "INSPECTOR_PAGE_BUDGET": 3000,
    "INSPECTOR_MAX_PATH_DEPTH": 12,
    "DOWNLOADER_MIDDLEWARES": {
        # first: a request outside the agency's portal (another host, a share button, another
        # agency's sub-site) is never sent (middleware/scope.py)
        "inspector.crawl.middleware.scope.ScopeMiddleware": 40,
        "inspector.crawl.middleware.host_slot.HostSlotMiddleware": 50,
        "inspector.crawl.middleware.budget.PageBudgetMiddleware": 60,
        "inspector.crawl.middleware.backoff.BackoffRetryMiddleware": 550,
        # before Scrapy's RedirectMiddleware (600) sees a 3xx: a redirect back to a URL of its
        # own chain (A → B → A) fails the request as "redirect loop" (the duplicate filter
        # would drop it without a word)
        "inspector.crawl.middleware.redirects.RedirectLoopMiddleware": 650,
    },
    "COOKIES_ENABLED": True,           # ASP.NET portals keep their session in a cookie
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    # Duplicates are judged per agency (fingerprint.py).
    "REQUEST_FINGERPRINTER_CLASS": "inspector.crawl.fingerprint.AgencyFingerprinter",
}
