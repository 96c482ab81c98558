"""Politeness per host:port: portals on one address but different ports are different hosts,
for the downloader's slots and for the scheduler's queues alike."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.pqueues import DownloaderAwarePriorityQueue


def host_slot(request) -> str:
    """The download slot of a request: the one it was given, else its host and port."""
    return request.meta.get("download_slot") or urlsplit(request.url).netloc


class HostSlotMiddleware:
    """Put each request in the download slot of its host and port, so that
    CONCURRENT_REQUESTS_PER_DOMAIN and AutoThrottle apply per portal (Scrapy keys slots by host
    name alone, which would make every loopback portal one slow queue)."""

    def process_request(self, request, spider=None):
        request.meta["download_slot"] = host_slot(request)
        return None


class HostSlotPriorityQueue(DownloaderAwarePriorityQueue):
    """Scrapy's scheduler queue that sends first the requests of the slot with the fewest
    downloads under way, its queues keyed by host:port like the downloader's slots.

    Keyed by host name alone (Scrapy's key before HostSlotMiddleware has run), the portals of
    one address share a single last-in-first-out queue, in which a portal's first page waits
    behind every page the others keep adding: on loopback, two of seventeen portals were only
    started after 107 s of a 127 s crawl. Keyed by host:port, a portal not started has no
    download under way and is served first."""

    def push(self, request) -> None:
        slot = host_slot(request)
        if slot not in self.pqueues:
            self.pqueues[slot] = self.pqfactory(slot)
        self.pqueues[slot].push(request)
