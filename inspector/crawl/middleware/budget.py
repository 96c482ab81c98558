"""A page budget per host and a guard against URL traps (endless calendars, language loops)."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest


class PageBudgetMiddleware:
    """Settings: INSPECTOR_PAGE_BUDGET (requests per host:port, default 3000) and
    INSPECTOR_MAX_PATH_DEPTH (default 12). A request past either is dropped with a reason the
    spider records (its section or page is then not assessed, never scored 0)."""

    def __init__(self, budget: int, max_depth: int, stats=None):
        self.budget = budget
        self.max_depth = max_depth
        self.counts: Counter[str] = Counter()
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.getint("INSPECTOR_PAGE_BUDGET", 3000),
                   settings.getint("INSPECTOR_MAX_PATH_DEPTH", 12), crawler.stats)

    def process_request(self, request, spider=None):
        parts = urlsplit(request.url)
        segments = [s for s in parts.path.split("/") if s]
        if len(segments) > self.max_depth or _repeats(segments):
            self._count("trap")
            raise IgnoreRequest(f"URL trap: {request.url} (path repeats or is deeper than "
                                f"{self.max_depth})")
        self.counts[parts.netloc] += 1
        if self.stats is not None:
            self.stats.set_value(f"inspector/pages/{parts.netloc}", self.counts[parts.netloc])
        if self.counts[parts.netloc] > self.budget:
            self._count("budget")
            raise IgnoreRequest(f"page budget of {self.budget} hit on {parts.netloc}")
        return None

    def _count(self, what: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"inspector/dropped/{what}")


def _repeats(segments: list[str]) -> bool:
    """The same segment three times in a row (/en/en/en/…): a loop, not a site's structure."""
    return any(segments[i] == segments[i + 1] == segments[i + 2] for i in range(len(segments) - 2))
