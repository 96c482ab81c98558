"""Politeness per host:port: portals on one address but different ports are different hosts."""

from __future__ import annotations

from urllib.parse import urlsplit


class HostSlotMiddleware:
    """Put each request in the download slot of its host and port, so that
    CONCURRENT_REQUESTS_PER_DOMAIN and AutoThrottle apply per portal (Scrapy keys slots by host
    name alone, which would make every loopback portal one slow queue)."""

    def process_request(self, request, spider=None):
        request.meta.setdefault("download_slot", urlsplit(request.url).netloc)
        return None
