"""Name why a page could not be read, in the words a reviewer sees (never scored as 0)."""

from __future__ import annotations

import re
from typing import Iterator

from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.python.failure import Failure

from .settings import SETTINGS

try:  # TLS failures come from OpenSSL through twisted
    from OpenSSL.SSL import Error as TLSError
except ImportError:  # pragma: no cover - pyOpenSSL ships with Scrapy
    TLSError = ()

# Scrapy >= 2.13 wraps Twisted's download errors in its own (scrapy/utils/_download_handlers.py
# wrap_twisted_exceptions); older Scrapy has none of these names, hence the getattr.
_S = scrapy_errors
DOWNLOAD_FAILED = getattr(_S, "DownloadFailedError", ())        # ResponseFailed / NeverReceived
DATA_LOSS = getattr(_S, "ResponseDataLossError", ())            # body cut: reset, bad chunking
CANCELLED = getattr(_S, "DownloadCancelledError", ())           # over DOWNLOAD_MAXSIZE
TIMEOUTS = (net.TimeoutError, net.TCPTimedOutError, getattr(_S, "DownloadTimeoutError", ()))
LOST = (net.ConnectionLost, net.ConnectionDone, net.ConnectionAborted)
_MAXSIZE = re.compile(r"max size \((\d+)\)")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (__cause__, __context__) and the reasons of Twisted's
    ResponseFailed / ResponseNeverReceived (a list of Failures), depth first."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        todo += [r.value if isinstance(r, Failure) else r
                 for r in getattr(item, "reasons", None) or []]
        todo += [item.__cause__, item.__context__]


def _is_tls(exc: BaseException) -> bool:
    return bool(TLSError and isinstance(exc, TLSError)) or "SSL" in type(exc).__name__


def is_transient(exc: BaseException) -> bool:
    """Worth trying again later: a timeout, a connection lost or reset (before the answer or in
    the middle of its body). Not a refused connection, DNS, TLS, a page over the size limit or
    a dropped request (middleware/backoff.py retries only these)."""
    if isinstance(exc, CANCELLED) or any(_is_tls(e) for e in _causes(exc)):
        return False
    if isinstance(exc, TIMEOUTS + LOST) or isinstance(exc, (DOWNLOAD_FAILED, DATA_LOSS)):
        return True
    return "timeout" in type(exc).__name__.lower() or "ConnectionLost" in type(exc).__name__


def too_large(message: str, default_limit: int | None = None) -> str:
    """"page too large (over 16 MB)", the limit read from Scrapy's message when it names it."""
    match = _MAXSIZE.search(message or "")
    limit = int(match.group(1)) if match else default_limit
    if not limit:
        return "page too large (over the download size limit)"
    return f"page too large (over {limit / (1 << 20):g} MB)"


def classify(failure: Failure) -> str:
    """One short reason: DNS, refused, timeout, TLS, HTTP status, blocked, budget, redirect
    loop, too large, connection lost, other."""
    exc = failure.value
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status} at {exc.response.url}"
    # Scrapy ≥ 2.13 wraps Twisted's errors in its own download errors; both are recognised
    if isinstance(exc, (net.DNSLookupError, getattr(scrapy_errors, "CannotResolveHostError", ()))):
        return "DNS lookup failed"
    if isinstance(exc, (net.ConnectionRefusedError,
                        getattr(scrapy_errors, "DownloadConnectionRefusedError", ()))):
        return "connection refused: the portal is down"
    if isinstance(exc, TIMEOUTS) or "timeout" in type(exc).__name__.lower():
        return "timed out"
    tls = next((e for e in _causes(exc) if _is_tls(e)), None)
    if tls is not None:
        return f"TLS error: {tls}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request dropped"
        if "robots" in text.lower() or "Forbidden by robots.txt" in text:
            return "blocked by robots.txt"
        return text
    if isinstance(exc, CANCELLED):
        # the only cancellation of a download in Scrapy's HTTP handler is DOWNLOAD_MAXSIZE:
        # announced by Content-Length ("Expected to receive N bytes … max size (M)") or
        # reached while streaming (a bare CancelledError)
        return too_large(str(exc), SETTINGS.get("DOWNLOAD_MAXSIZE"))
    if isinstance(exc, DATA_LOSS):
        return "connection lost: body incomplete"
    if isinstance(exc, LOST) or isinstance(exc, DOWNLOAD_FAILED):
        # reset or closed before the answer (ResponseNeverReceived) or during it (ResponseFailed)
        return "connection lost"
    return f"{type(exc).__name__}: {exc}"


# A failure's class, from the reason stored with a failed observation (for run records).
_REASON_CLASSES = [
    (re.compile(r"^internal error of the crawler"), "internal"),   # first: it quotes anything
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
    (re.compile(r"too large", re.I), "too_large"),
    (re.compile(r"redirect", re.I), "redirect"),
]


def reason_class(reason: str | None) -> str:
    """internal (a bug of the crawler, not the portal's fault), timeout, refused, dns, tls,
    http_429, http_5xx, http_4xx, robots, budget, connection_lost, too_large, redirect or
    other."""
    for pattern, name in _REASON_CLASSES:
        if reason and pattern.search(reason):
            return name
    return "other"
