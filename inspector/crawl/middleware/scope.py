"""Keep each portal's crawl on its own site: a request outside the agency's scope (another host,
a share button, another agency's sub-site) is never sent, only recorded."""

from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

# The start of the reason a request outside the scope fails with (spider.py and failures.py
# tell it apart from a page that could not be read).
OUTSIDE = "outside the portal"


class ScopeMiddleware:
    """A request whose meta carries a ``scope`` (crawl/scope.py) is dropped, before anything
    else sees it, when its URL is outside that scope: "outside the portal: URL (another
    site)". Redirects pass here again (Scrapy's RedirectMiddleware makes a new request with the
    same meta), so a portal that redirects to another host is not followed there either,
    except to the addresses the scope allows (the same host under www., https, or the
    register's aliases). Counted in the stats as inspector/dropped/outside."""

    def __init__(self, stats=None):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_request(self, request, spider=None):
        scope = request.meta.get("scope")
        if scope is None or scope.allows(request.url):
            return None
        if self.stats is not None:
            self.stats.inc_value("inspector/dropped/outside")
        raise IgnoreRequest(f"{OUTSIDE}: {request.url} ({scope.why_not(request.url)})")
