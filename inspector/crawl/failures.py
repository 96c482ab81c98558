"""Name why a page could not be read, in the words a reviewer sees (never scored as 0)."""

from __future__ import annotations

import re

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


# A failure's class, from the reason stored with a failed observation (for run records).
_REASON_CLASSES = [
    (re.compile(r"\btimed? ?out\b|\btimeout\b", re.I), "timeout"),
    (re.compile(r"connection refused|portal is down", re.I), "refused"),
    (re.compile(r"\bdns\b", re.I), "dns"),
    (re.compile(r"\btls\b|\bssl\b|certificate", re.I), "tls"),
    (re.compile(r"\bHTTP 429\b"), "http_429"),
    (re.compile(r"\bHTTP 5\d\d\b"), "http_5xx"),
    (re.compile(r"\bHTTP 4\d\d\b"), "http_4xx"),
    (re.compile(r"robots", re.I), "robots"),
    (re.compile(r"budget", re.I), "budget"),
    (re.compile(r"connection lost|reset", re.I), "connection_lost"),
]


def reason_class(reason: str | None) -> str:
    """timeout, refused, dns, tls, http_429, http_5xx, http_4xx, robots, budget,
    connection_lost or other."""
    for pattern, name in _REASON_CLASSES:
        if reason and pattern.search(reason):
            return name
    return "other"
