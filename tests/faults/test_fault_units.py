"""The pieces behind the fault-injection crawl, without a crawl: how classify names Scrapy's
download errors, which failures are retried, the redirect-loop guard, and how observe reports a
failed information page or a listing read only in part."""

from __future__ import annotations

from datetime import date

import pytest
from scrapy import exceptions as scrapy_errors
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web.client import ResponseFailed, ResponseNeverReceived

from inspector.crawl.failures import classify, is_transient, reason_class
from inspector.crawl.middleware.redirects import RedirectLoopMiddleware
from inspector.crawl.observe import observations
from inspector.crawl.settings import SETTINGS
from inspector.crawl.state import AgencyState, SectionState
from inspector.model.checklist import load_topics


def _wrapped(outer: type[Exception], inner: Exception) -> Exception:
    """What Scrapy >= 2.13's wrap_twisted_exceptions raises: its error from Twisted's."""
    exc = outer(str(inner))
    exc.__cause__ = inner
    return exc


RESET = ResponseNeverReceived([Failure(net.ConnectionLost("Connection to the other side was "
                                                          "lost in a non-clean fashion."))])
CUT = ResponseFailed([Failure(net.ConnectionLost("cut"))])

CASES = [
    (_wrapped(scrapy_errors.DownloadFailedError, RESET), "connection lost"),
    (_wrapped(scrapy_errors.DownloadFailedError, CUT), "connection lost"),
    (scrapy_errors.ResponseDataLossError(), "connection lost: body incomplete"),
    (net.ConnectionLost(), "connection lost"),
    (scrapy_errors.DownloadCancelledError(
        "Expected to receive 5368709120 bytes which is larger than download max size "
        "(16777216) in request <GET http://127.0.0.1:8101/x>."), "page too large (over 16 MB)"),
    (scrapy_errors.DownloadCancelledError(""), "page too large (over 16 MB)"),
    (IgnoreRequest("redirect loop: http://a/ → http://a/b → http://a/"),
     "redirect loop: http://a/ → http://a/b → http://a/"),
]


@pytest.mark.parametrize("exc,reason", CASES, ids=[f"{type(c[0]).__name__}{i}"
                                                   for i, c in enumerate(CASES)])
def test_scrapy_download_errors_are_named(exc, reason):
    assert classify(Failure(exc)) == reason


def test_size_limit_is_set():
    assert SETTINGS["DOWNLOAD_MAXSIZE"] == 16 * 1024 * 1024
    assert SETTINGS["DOWNLOAD_WARNSIZE"] == 4 * 1024 * 1024


def test_tls_error_inside_a_download_failure_is_tls():
    from OpenSSL.SSL import Error as TLSError
    exc = _wrapped(scrapy_errors.DownloadFailedError,
                   ResponseNeverReceived([Failure(TLSError([("SSL routines", "", "bad cert")]))]))
    assert classify(Failure(exc)).startswith("TLS error")
    assert not is_transient(exc)


@pytest.mark.parametrize("exc,retried", [
    (_wrapped(scrapy_errors.DownloadFailedError, RESET), True),
    (scrapy_errors.ResponseDataLossError(), True),
    (scrapy_errors.DownloadTimeoutError("took longer than 30 s"), True),
    (net.TimeoutError(), True),
    (net.ConnectionLost(), True),
    (scrapy_errors.DownloadCancelledError("max size (16777216)"), False),
    (scrapy_errors.DownloadConnectionRefusedError("111"), False),
    (scrapy_errors.CannotResolveHostError("x"), False),
    (IgnoreRequest("Forbidden by robots.txt"), False),
])
def test_what_is_retried(exc, retried):
    assert is_transient(exc) is retried


@pytest.mark.parametrize("reason,name", [
    ("connection lost: body incomplete", "connection_lost"),
    ("page too large (over 16 MB)", "too_large"),
    ("redirect loop: http://a/ → http://b/ → http://a/", "redirect"),
    ("max redirections reached", "redirect"),
    ("HTTP 500 at http://a/redirect", "http_5xx"),
    ("timed out", "timeout"),
    # a bug of ours quotes whatever it met ("timeout", "HTTP 500" …): it is still internal
    ("internal error of the crawler at http://a/?page=2: KeyError: 'HTTP 500 timeout' (and 2 "
     "more): this portal's results are not trusted; the traceback is in the crawl log (a bug "
     "to report)", "internal"),
])
def test_reason_classes(reason, name):
    assert reason_class(reason) == name


# -- the redirect-loop guard --------------------------------------------------------------------
def _redirect(url: str, location: str, chain: list[str], cookie: bool = False):
    request = Request(url, meta={"redirect_urls": chain} if chain else {})
    headers = {"Location": location, **({"Set-Cookie": "s=1"} if cookie else {})}
    return request, Response(url, status=302, headers=headers, request=request)


def test_redirect_back_into_the_chain_is_a_named_loop():
    request, response = _redirect("http://a/vong/b", "/vong/a",
                                  ["http://a/chuyen-muc", "http://a/vong/a"])
    with pytest.raises(IgnoreRequest, match=r"^redirect loop: http://a/chuyen-muc → "
                                            r"http://a/vong/a → http://a/vong/b → http://a/vong/a$"):
        RedirectLoopMiddleware().process_response(request, response)


def test_redirect_forward_is_left_to_scrapy():
    request, response = _redirect("http://a/1", "/2", ["http://a/0"])
    assert RedirectLoopMiddleware().process_response(request, response) is response
    assert not request.dont_filter


def test_cookie_check_bounce_is_followed_once():
    request, response = _redirect("http://a/check", "/tin-tuc", ["http://a/tin-tuc"], cookie=True)
    assert RedirectLoopMiddleware().process_response(request, response) is response
    assert request.dont_filter                     # past the duplicate filter, this once
    request, response = _redirect("http://a/check", "/tin-tuc",
                                  ["http://a/tin-tuc", "http://a/check", "http://a/tin-tuc"],
                                  cookie=True)
    with pytest.raises(IgnoreRequest, match="redirect loop"):
        RedirectLoopMiddleware().process_response(request, response)


# -- observe: failed information pages, listings read in part -----------------------------------
def _state() -> AgencyState:
    state = AgencyState("xa", "commune", "http://a/")
    state.stop_before = date(2025, 11, 1)          # window 2025-12-01 … 2026-11-26, minus a month
    return state


def _section(state: AgencyState, posts: dict[str, date], lost_after: str | None = None,
             reason: str = "HTTP 500 at http://a/pbgdpl?page=2") -> SectionState:
    section = SectionState("http://a/pbgdpl", "Phổ biến giáo dục pháp luật", ["pbgdpl"], "menu")
    section.pages = ["http://a/pbgdpl"]
    section.posts = {url: {"title": f"Bài {url}", "published": day} for url, day in posts.items()}
    section.page_posts = {"http://a/pbgdpl": list(posts)}
    if lost_after:
        section.lost_pages.append({"url": "http://a/pbgdpl?page=2", "reason": reason,
                                   "after": lost_after})
    state.sections[section.url] = section
    return section


def test_failed_contact_page_is_a_failed_field_set():
    state = _state()
    state.failed_pages["lien-he"] = [("http://a/lien-he", "HTTP 500 at http://a/lien-he")]
    obs = observations(state, [], load_topics())
    assert obs["fields/lien-he"]["status"] == "failed"
    assert "HTTP 500 at http://a/lien-he" in obs["fields/lien-he"]["reason"]
    assert obs["fields/gioi-thieu"] == {"status": "ok", "present": [], "pages": [],
                                        "evidence": []}   # absent from the portal: a finding


def test_one_page_of_a_field_set_read_is_enough():
    state = _state()
    state.failed_pages["co-cau-to-chuc"] = [("http://a/co-cau", "timed out")]
    state.fields["gioi-thieu"] = {"chuc-nang"}
    state.field_pages["gioi-thieu"] = ["http://a/gioi-thieu"]
    obs = observations(state, [], load_topics())
    assert obs["fields/gioi-thieu"]["status"] == "ok"


def test_procedure_pages_all_failed_is_a_failed_field_set():
    state = _state()
    state.failed_pages["procedure"] = [("http://a/thu-tuc/1.004194", "timed out")]
    obs = observations(state, [], load_topics())
    assert obs["fields/thu-tuc"]["status"] == "failed"


def test_listing_read_in_part_is_not_assessed_when_lost_posts_may_count():
    state = _state()
    _section(state, {"http://a/1": date(2026, 11, 20), "http://a/2": date(2026, 2, 2)},
             lost_after="http://a/pbgdpl")
    obs = observations(state, ["pbgdpl"], load_topics())["posts/pbgdpl"]
    assert obs["status"] == "failed"
    assert "read only in part" in obs["reason"] and "pbgdpl?page=2" in obs["reason"]
    assert [p["url"] for p in obs["posts"]] == ["http://a/1", "http://a/2"]  # kept for review


def test_listing_lost_past_the_window_is_complete():
    state = _state()
    _section(state, {"http://a/1": date(2026, 11, 20), "http://a/2": date(2025, 6, 1)},
             lost_after="http://a/pbgdpl")           # the page before reached past the window
    obs = observations(state, ["pbgdpl"], load_topics())["posts/pbgdpl"]
    assert obs["status"] == "ok" and len(obs["posts"]) == 2
