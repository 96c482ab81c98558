"""Name why a page could not be read, in the words a reviewer sees (never scored as 0)."""

from __future__ import annotations

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.python.failure import Failure

try:  # TLS failures come from OpenSSL through twisted
    from OpenSSL.SSL import Error as TLSError
except ImportError:  # pragma: no cover - pyOpenSSL ships with Scrapy
    TLSError = ()


def classify(failure: Failure) -> str:
    """One short reason: DNS, refused, timeout, TLS, HTTP status, blocked, budget, other."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status} at {exc.response.url}"
    # Scrapy ≥ 2.13 wraps Twisted's errors in its own download errors; both are recognised
    if isinstance(exc, (net.DNSLookupError, getattr(scrapy_errors, "CannotResolveHostError", ()))):
        return "DNS lookup failed"
    if isinstance(exc, (net.ConnectionRefusedError,
                        getattr(scrapy_errors, "DownloadConnectionRefusedError", ()))):
        return "connection refused: the portal is down"
    if isinstance(exc, (net.TimeoutError, net.TCPTimedOutError,
                        getattr(scrapy_errors, "DownloadTimeoutError", ()))) \
            or "timeout" in type(exc).__name__.lower():
        return "timed out"
    if TLSError and isinstance(exc, TLSError) or "SSL" in type(exc).__name__:
        return f"TLS error: {exc}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request dropped"
        if "robots" in text.lower() or "Forbidden by robots.txt" in text:
            return "blocked by robots.txt"
        return text
    if isinstance(exc, (net.ConnectionLost, net.ConnectionDone)):
        return "connection lost"
    return f"{type(exc).__name__}: {exc}"
