"""Name a redirect loop: a 3xx back to a URL of the request's own redirect chain."""

from __future__ import annotations

from urllib.parse import urljoin, urldefrag

from scrapy.exceptions import IgnoreRequest

REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class RedirectLoopMiddleware:
    """Runs before Scrapy's RedirectMiddleware (a higher number: process_response goes from
    high to low). A redirect to a URL already in the request's chain (A → B → A) would be built
    by RedirectMiddleware and then dropped by the scheduler's duplicate filter, silently: no
    errback, the section ending "no listing page read". Here it fails the request instead
    (IgnoreRequest reaches the request's errback) with "redirect loop: A → B → A".

    One exception: a redirect back that sets a cookie (a cookie check, A → B with Set-Cookie →
    A) is followed once more, past the duplicate filter; the same URL a third time is a loop."""

    def process_response(self, request, response, spider=None):
        if response.status not in REDIRECT_STATUSES or b"Location" not in response.headers:
            return response
        meta = request.meta
        if meta.get("dont_redirect") or meta.get("handle_httpstatus_all") \
                or response.status in meta.get("handle_httpstatus_list", ()):
            return response     # RedirectMiddleware leaves these alone too
        location = response.headers[b"Location"].decode("latin-1").strip()
        target = urldefrag(urljoin(request.url, location))[0]
        chain = [urldefrag(u)[0] for u in meta.get("redirect_urls", [])] + \
            [urldefrag(request.url)[0]]
        seen = chain.count(target)
        if not seen:
            return response
        if seen == 1 and b"Set-Cookie" in response.headers:
            request.dont_filter = True     # RedirectMiddleware copies it to the redirect
            return response
        raise IgnoreRequest("redirect loop: " + " → ".join(chain + [target]))
