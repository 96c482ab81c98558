"""Every way a page can fail is named for the reviewer (it is then not assessed, never 0)."""

from __future__ import annotations

import pytest
from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net
from twisted.python.failure import Failure

from inspector.crawl.failures import classify

CASES = [
    (net.DNSLookupError("cong.example"), "DNS lookup failed"),
    (scrapy_errors.CannotResolveHostError("cong.example"), "DNS lookup failed"),
    (net.ConnectionRefusedError(), "connection refused: the portal is down"),
    (scrapy_errors.DownloadConnectionRefusedError("111"), "connection refused: the portal is down"),
    (net.TCPTimedOutError(), "timed out"),
    (scrapy_errors.DownloadTimeoutError("took longer than 30 s"), "timed out"),
    (IgnoreRequest("Forbidden by robots.txt"), "blocked by robots.txt"),
    (IgnoreRequest("page budget of 10 hit on 127.0.0.1:8101"), "page budget of 10 hit on 127.0.0.1:8101"),
    (IgnoreRequest("URL trap: http://127.0.0.1:8101/en/en/en/ (path repeats)"),
     "URL trap: http://127.0.0.1:8101/en/en/en/ (path repeats)"),
]


@pytest.mark.parametrize("exc,reason", CASES, ids=[type(c[0]).__name__ + str(i) for i, c in enumerate(CASES)])
def test_failure_reasons(exc, reason):
    assert classify(Failure(exc)) == reason


def test_http_status_names_status_and_page():
    response = Response("http://127.0.0.1:8101/tin-tuc-su-kien.html", status=404,
                        request=Request("http://127.0.0.1:8101/tin-tuc-su-kien.html"))
    assert classify(Failure(HttpError(response))) == "HTTP 404 at http://127.0.0.1:8101/tin-tuc-su-kien.html"
