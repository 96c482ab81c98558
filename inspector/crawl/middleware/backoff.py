"""Retry a page that answered 503/429/5xx, timed out or lost its connection, waiting longer each
time (Retry-After wins)."""

from __future__ import annotations

import asyncio

from scrapy.downloadermiddlewares.retry import get_retry_request

from ..failures import is_transient

RETRY_STATUSES = {429, 500, 502, 503, 504}


class BackoffRetryMiddleware:
    """Settings: INSPECTOR_RETRY_TIMES (default 3), INSPECTOR_RETRY_BASE_DELAY (seconds, default
    1.0; the n-th retry waits base × 2^(n-1), or the server's Retry-After up to 30 s). Replaces
    Scrapy's RetryMiddleware, which retries at once."""

    def __init__(self, crawler, times: int, base_delay: float):
        self.crawler = crawler
        self.times = times
        self.base_delay = base_delay

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.getint("INSPECTOR_RETRY_TIMES", 3),
                   crawler.settings.getfloat("INSPECTOR_RETRY_BASE_DELAY", 1.0))

    async def process_response(self, request, response, spider=None):
        if response.status not in RETRY_STATUSES:
            return response
        retry = get_retry_request(request, spider=spider or self.crawler.spider,
                                  reason=f"HTTP {response.status}",
                                  max_retry_times=self.times)
        if retry is None:
            return response
        await self._wait(retry, response.headers.get(b"Retry-After"))
        return retry

    async def process_exception(self, request, exception, spider=None):
        # timeouts and connections lost or reset, before the answer or in its body (Twisted's
        # errors and Scrapy >= 2.13's DownloadFailedError / ResponseDataLossError); never a
        # refused connection, DNS, TLS or a page over DOWNLOAD_MAXSIZE (failures.is_transient)
        if not is_transient(exception):
            return None
        retry = get_retry_request(request, spider=spider or self.crawler.spider,
                                  reason=type(exception).__name__, max_retry_times=self.times)
        if retry is not None:
            await self._wait(retry, None)
        return retry

    async def _wait(self, retry, retry_after: bytes | None) -> None:
        attempt = retry.meta.get("retry_times", 1)
        delay = self.base_delay * 2 ** (attempt - 1)
        if retry_after and retry_after.strip().isdigit():
            delay = min(30.0, float(retry_after))
        if delay > 0:  # Scrapy runs on the asyncio reactor: a plain asyncio sleep waits
            await asyncio.sleep(delay)
