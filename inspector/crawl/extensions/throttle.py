"""AutoThrottle that learns a portal's speed from its 304 answers too (an incremental night's)."""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class RevalidationAwareThrottle(AutoThrottle):
    """Scrapy's AutoThrottle (same settings, same policy: a portal's delay moves towards its
    latency / AUTOTHROTTLE_TARGET_CONCURRENCY), except that a 304 Not Modified lowers the delay
    as a 200 does. Scrapy lowers it on 200 alone, because a quick error page or redirect says
    nothing of how fast the portal serves pages. But a 304 is the portal's answer to the
    conditional GET of a page it holds (crawl/cache.py revalidates listings and home pages that
    way), and on an incremental night nearly every answer is one: with Scrapy's rule every
    portal stayed at AUTOTHROTTLE_START_DELAY all night (0.5 s a request, whatever its speed).
    A portal slower to answer still slows the crawl down: raising the delay is unchanged."""

    def _adjust_delay(self, slot, latency: float, response) -> None:
        if response.status == 304:
            response = response.replace(status=200)     # only the status is read
        super()._adjust_delay(slot, latency, response)
