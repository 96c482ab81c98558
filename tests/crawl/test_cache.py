"""The incremental HTTP cache: SQLite storage, the policy by page kind, the sandbox's ETags and
content hook, and cached crawls of the sandbox that find what uncached ones find."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.http import FormRequest, HtmlResponse, Request
from scrapy.utils.test import get_crawler
from werkzeug.serving import make_server
from werkzeug.test import Client
from werkzeug.wrappers import Request as WRequest, Response as WResponse

from inspector.crawl.cache import DB_NAME, IncrementalCacheMiddleware, cache_settings
from inspector.crawl.settings import SETTINGS
from inspector.register.importer import import_register
from inspector.sandbox.trouble import TroublePortal
from inspector.records.workspace import Workspace
from tests.conftest import AS_OF, running_sandbox

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
MONTH = 31 * 86400


# -- a tiny portal on 127.0.0.1 --------------------------------------------------------------
class TinyPortal:
    """Named routes: an article without validators, one with an ETag, listing pages (page 1
    with an ETag, page 2 without), a 503 and a 500. Counts what it answers per path."""

    def __init__(self):
        self.page1 = "<html><body><a href='/p/1'>Tin 1</a></body></html>"
        self.hits: dict[str, int] = {}
        self.conditional: dict[str, int] = {}
        self.not_modified: dict[str, int] = {}

    def __call__(self, environ, start_response):
        request = WRequest(environ)
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        if request.headers.get("If-None-Match") or request.headers.get("If-Modified-Since"):
            self.conditional[path] = self.conditional.get(path, 0) + 1
        bodies = {"/article": "<html><body>Bài viết</body></html>",
                  "/etag-article": "<html><body>Bài có ETag</body></html>",
                  "/listing": self.page1,
                  "/listing/2": f"<html><body>Trang 2 sau {len(self.page1)}</body></html>"}
        if path == "/503":
            response = WResponse("bận", status=503, headers={"Retry-After": "1"})
        elif path == "/500":
            response = WResponse("lỗi", status=500)
        elif path in bodies:
            response = WResponse(bodies[path], mimetype="text/html")
            if path in ("/etag-article", "/listing"):
                response.add_etag()
                response.make_conditional(request)
        else:
            response = WResponse("không có", status=404)
        if response.status_code == 304:
            self.not_modified[path] = self.not_modified.get(path, 0) + 1
        return response(environ, start_response)


@pytest.fixture()
def portal():
    app = TinyPortal()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.base = f"http://127.0.0.1:{server.port}"
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()


class Crawl:
    """One crawl's cache middleware (policy and storage as Scrapy builds them), driven by hand:
    a request goes through process_request, then over the network, then process_response."""

    def __init__(self, root: Path, **overrides):
        settings = {**SETTINGS, **cache_settings(root), **overrides}
        self.crawler = get_crawler(Spider, settings)
        self.crawler.spider = self.crawler._create_spider("t")
        self.mw = IncrementalCacheMiddleware.from_crawler(self.crawler)
        self.mw.spider_opened(self.crawler.spider)

    def get(self, url: str, kind: str, **meta) -> tuple[HtmlResponse, bool]:
        return self.send(Request(url, meta={"agency": "a", "kind": kind, **meta}))

    def send(self, request: Request):
        """The response the spider gets, and whether the network was used."""
        cached = self.mw.process_request(request)
        if cached is not None:
            return cached, False
        wire = urllib.request.Request(request.url, data=request.body or None,
                                      method=request.method,
                                      headers={k.decode(): v[0].decode()
                                               for k, v in request.headers.items()})
        try:
            with urllib.request.urlopen(wire) as answer:
                status, headers, body = answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        response = HtmlResponse(request.url, status=status, headers=dict(headers.items()),
                                body=body, request=request)
        return self.mw.process_response(request, response), True

    def close(self):
        self.mw.spider_closed(self.crawler.spider)

    def stat(self, name: str) -> int:
        return self.crawler.stats.get_value(f"httpcache/{name}", 0)


def _age(root: Path, seconds: float) -> None:
    """Make every stored page older (the clock of a later night)."""
    with sqlite3.connect(root / "httpcache" / DB_NAME) as db:
        db.execute("UPDATE responses SET stored_at = stored_at - ?", [seconds])


def _rows(root: Path) -> list[tuple]:
    with sqlite3.connect(root / "httpcache" / DB_NAME) as db:
        return db.execute("SELECT url, status, kind FROM responses ORDER BY url").fetchall()


# -- settings and storage ------------------------------------------------------------------------
def test_cache_settings_name_the_storage_policy_and_an_absolute_folder(tmp_path):
    settings = cache_settings(tmp_path / "ws", max_age_days=7)
    assert settings["HTTPCACHE_ENABLED"] is True
    assert Path(settings["HTTPCACHE_DIR"]).is_absolute()
    assert settings["HTTPCACHE_DIR"].endswith("/ws/httpcache")
    assert settings["HTTPCACHE_STORAGE"] == "inspector.crawl.cache.SqliteCacheStorage"
    assert settings["HTTPCACHE_POLICY"] == "inspector.crawl.cache.IncrementalPolicy"
    assert {429, 500, 503} <= set(settings["HTTPCACHE_IGNORE_HTTP_CODES"])
    assert settings["INSPECTOR_CACHE_MAX_AGE_DAYS"] == 7
    middlewares = settings["DOWNLOADER_MIDDLEWARES"]
    assert middlewares["scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware"] is None
    assert middlewares["inspector.crawl.cache.IncrementalCacheMiddleware"] == 900
    assert set(SETTINGS["DOWNLOADER_MIDDLEWARES"]) <= set(middlewares)  # ours are all kept
    assert cache_settings(tmp_path, enabled=False) == {"HTTPCACHE_ENABLED": False}


def test_storage_keeps_a_page_whole_and_shares_it_with_another_process(tmp_path, portal):
    crawl = Crawl(tmp_path)
    first, network = crawl.get(f"{portal.base}/article", "article")
    assert network and first.status == 200
    crawl.close()
    other = Crawl(tmp_path)   # a second crawler process opening the same file
    again, network = other.get(f"{portal.base}/article", "article")
    assert not network and "cached" in again.flags
    assert (again.url, again.status, again.body) == (first.url, first.status, first.body)
    assert again.headers.get("Content-Type") == first.headers.get("Content-Type")
    assert type(again) is HtmlResponse and again.text == first.text
    with sqlite3.connect(tmp_path / "httpcache" / DB_NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


WRITER = r"""
import hashlib, os, sys, time
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from inspector.crawl.cache import SqliteCacheStorage, cache_settings
from inspector.crawl.settings import SETTINGS

crawler = get_crawler(Spider, {**SETTINGS, **cache_settings(sys.argv[1])})
spider = crawler._create_spider("t")
storage = SqliteCacheStorage(crawler.settings)
storage.open_spider(spider)
print("ready", flush=True)
i = 0
while True:
    payload = os.urandom(200_000)
    body = hashlib.sha256(payload).hexdigest().encode() + payload
    url = f"http://127.0.0.1:9/p/{i % 50}"
    storage.store_response(spider, Request(url, meta={"agency": "a", "kind": "article"}),
                           HtmlResponse(url, body=body))
    i += 1
"""


def test_a_crawler_killed_while_writing_leaves_no_half_page(tmp_path):
    """kill -9 in the middle of writes: every row read back is a whole body (its first 64
    bytes are the SHA-256 of the rest), never a truncated one served as valid."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(1.5)
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
    with sqlite3.connect(tmp_path / "httpcache" / DB_NAME) as db:
        bodies = [zlib.decompress(b) for (b,) in db.execute("SELECT body FROM responses")]
    assert bodies
    for body in bodies:
        assert hashlib.sha256(body[64:]).hexdigest().encode() == body[:64]


def test_a_cache_that_cannot_be_opened_ends_the_crawl_with_its_error(tmp_path):
    """Not a half-open cache whose every page then fails with an obscure error, nor an empty
    crawl stored over the last good one: the crawl stops and says why, and stores nothing."""
    ws = tmp_path / "ws"
    cli = [sys.executable, "-m", "inspector.cli"]
    subprocess.run(cli + ["registry", "import", "-w", str(ws), str(REPO / "tests" / "data" /
                                                                  "register.yaml")],
                   check=True, capture_output=True, cwd=REPO)
    (ws / "httpcache").mkdir()
    (ws / "httpcache" / DB_NAME).write_bytes(b"this is not a database" * 100)
    run = subprocess.run(cli + ["crawl", "-w", str(ws), "--incremental", "--agency", "so-tttt",
                                "--no-screenshots", "--as-of", "2026-11-26"],
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == \
        "Lỗi: không khởi động được lượt thu thập: DatabaseError: file is not a database"
    with sqlite3.connect(ws / "inspector.db") as db:
        assert db.execute("select count(*) from observations").fetchone()[0] == 0
        assert db.execute("select count(*) from runs").fetchone()[0] == 0


def test_a_cache_locked_by_another_worker_at_open_is_waited_for(tmp_path):
    """Nightly starts its crawl workers at once: one may hold the file while another opens
    it; the other waits for it."""
    from inspector.crawl.cache import SqliteCacheStorage

    (tmp_path / "httpcache").mkdir()
    holder = sqlite3.connect(tmp_path / "httpcache" / DB_NAME, isolation_level=None,
                             check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(1.5, holder.rollback).start()
    crawler = get_crawler(Spider, {**SETTINGS, **cache_settings(tmp_path)})
    spider = crawler._create_spider("t")
    storage = SqliteCacheStorage(crawler.settings)
    storage.open_spider(spider)
    url = "http://127.0.0.1:9/p/1"
    request = Request(url, meta={"agency": "a", "kind": "article"})
    storage.store_response(spider, request, HtmlResponse(url, body=b"<p>ok</p>"))
    assert storage.retrieve_response(spider, request).body == b"<p>ok</p>"
    storage.close_spider(spider)
    holder.close()


# -- the policy ----------------------------------------------------------------------------------
def test_an_article_without_validators_is_fresh_for_the_maximum_age(tmp_path, portal):
    url = f"{portal.base}/article"
    Crawl(tmp_path).get(url, "article")
    response, network = Crawl(tmp_path).get(url, "article")
    assert not network and response.status == 200 and portal.hits["/article"] == 1
    _age(tmp_path, MONTH)                  # older than 30 days: read again, no validator to send
    response, network = Crawl(tmp_path).get(url, "article")
    assert network and response.status == 200 and portal.hits["/article"] == 2
    assert portal.conditional.get("/article", 0) == 0


def test_an_article_with_an_etag_is_revalidated_once_stale(tmp_path, portal):
    url = f"{portal.base}/etag-article"
    first, _ = Crawl(tmp_path).get(url, "article")
    _, network = Crawl(tmp_path).get(url, "article")
    assert not network
    _age(tmp_path, MONTH)
    crawl = Crawl(tmp_path)
    response, network = crawl.get(url, "article")
    assert network and portal.not_modified["/etag-article"] == 1
    assert response.status == 200 and response.body == first.body   # the stored copy
    assert crawl.stat("revalidate") == 1
    _, network = Crawl(tmp_path).get(url, "article")   # the 304 made it fresh again
    assert not network


def test_home_listing_and_robots_are_always_revalidated(tmp_path, portal):
    url = f"{portal.base}/listing"
    first, _ = Crawl(tmp_path).get(url, "listing", section=url)
    response, network = Crawl(tmp_path).get(url, "listing", section=url)
    assert network and portal.conditional["/listing"] == 1 and portal.not_modified["/listing"] == 1
    assert response.body == first.body
    portal.page1 = "<html><body><a href='/p/2'>Tin mới</a><a href='/p/1'>Tin 1</a></body></html>"
    response, network = Crawl(tmp_path).get(url, "listing", section=url)
    assert network and b"Tin m" in response.body
    for kind in ("home", None):            # robots.txt requests carry no kind
        _, network = Crawl(tmp_path).get(f"{portal.base}/article", kind)
        assert network
    # a page read as a listing stays revalidated when an information page links it too
    _, network = Crawl(tmp_path).get(url, "du-an")
    assert network


def test_errors_are_never_stored_nor_stand_in_for_a_stored_page(tmp_path, portal):
    crawl = Crawl(tmp_path)
    for path in ("/503", "/500", "/missing"):
        response, _ = crawl.get(f"{portal.base}{path}", "article")
        assert response.status in (503, 500, 404)
    assert _rows(tmp_path) == []
    url = f"{portal.base}/listing"
    crawl.get(url, "listing", section=url)
    # the server fails this time: the spider sees the failure (retried by the back-off
    # middleware), not yesterday's page
    request = Request(url, meta={"agency": "a", "kind": "listing", "section": url})
    assert crawl.mw.process_request(request) is None
    failure = HtmlResponse(url, status=503, body=b"busy", request=request)
    assert crawl.mw.process_response(request, failure).status == 503
    request = Request(url, meta={"agency": "a", "kind": "listing", "section": url})
    assert crawl.mw.process_request(request) is None
    assert crawl.mw.process_exception(request, ConnectionRefusedError(), None) is None


def test_later_listing_pages_are_read_again_when_the_first_page_changed(tmp_path, portal):
    page1, page2 = f"{portal.base}/listing", f"{portal.base}/listing/2"

    def night():
        crawl = Crawl(tmp_path)
        crawl.get(page1, "listing", section=page1)
        return crawl.get(page2, "listing", section=page1)[1]

    assert night() is True                 # first crawl: everything over the network
    assert night() is False                # page 1 unchanged (304): page 2 from the cache
    assert portal.hits["/listing/2"] == 1
    portal.page1 = "<html><body><a href='/p/2'>Tin mới</a><a href='/p/1'>Tin 1</a></body></html>"
    assert night() is True                 # a new post shifts every later page
    assert night() is False
    _age(tmp_path, MONTH)                  # within the maximum age only
    assert night() is True
    assert night() is False
    crawl = Crawl(tmp_path, INSPECTOR_CACHE_LISTING_ANCHOR=False)   # the rule turned off
    crawl.get(page1, "listing", section=page1)
    assert crawl.get(page2, "listing", section=page1)[1] is True


def test_a_post_back_page_is_cached_only_under_its_first_page(tmp_path, portal):
    page1 = f"{portal.base}/listing"

    def postback(crawl):
        return crawl.send(FormRequest(page1, formdata={"__EVENTARGUMENT": "Page$2"},
                                      meta={"agency": "a", "kind": "listing", "section": page1,
                                            "postback": "Page$2"}))[1]

    crawl = Crawl(tmp_path)
    assert postback(crawl) is True         # page 1 not read in this crawl: nothing to anchor to
    for network in (True, False):
        crawl = Crawl(tmp_path)
        crawl.get(page1, "listing", section=page1)
        assert postback(crawl) is network
    # another form body is another page
    other = FormRequest(page1, formdata={"__EVENTARGUMENT": "Page$3"},
                        meta={"agency": "a", "kind": "listing", "section": page1,
                              "postback": "Page$3"})
    assert crawl.send(other)[1] is True


# -- the sandbox's validators and content hook -----------------------------------------------------
def test_sandbox_pages_carry_an_etag_and_answer_304(sites):
    agency, portal, _ = next(s for s in sites if not s[0].has("slow"))
    client = Client(TroublePortal(portal, agency, slow_seconds=0))
    first = client.get(portal.home_path())
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    again = client.get(portal.home_path(), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(portal.home_path(), headers={"If-None-Match": '"other"'}).status_code == 200
    flaky, flaky_portal, _ = next(s for s in sites if s[0].has("intermittent_503"))
    client = Client(TroublePortal(flaky_portal, flaky, slow_seconds=0))
    failed = client.get(flaky_portal.home_path(), headers={"If-None-Match": etag})
    assert failed.status_code == 503 and "ETag" not in failed.headers


# -- cached crawls of the sandbox ------------------------------------------------------------------
# An ASP.NET portal (post-backs), a SharePoint one and a Liferay one, all with undated listings.
AGENCIES = ["huyen-phu-tan", "xa-tan-tuyen", "huyen-tinh-bien"]
IGNORED = ("crawl/notes", "feature/mobile")    # pages counted with retries; Chromium's bytes


def _normal(value):
    """An observation without what depends on the order pages arrive in (feature 'where',
    the order of evidence and page lists)."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items() if k != "where"}
    if isinstance(value, list):
        return sorted((_normal(v) for v in value),
                      key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _observations(ws: Path) -> dict:
    with sqlite3.connect(ws / "inspector.db") as db:
        rows = db.execute("SELECT agency_id, key, status, reason, value "
                          "FROM observations").fetchall()
    return {(a, k): (s, r, _normal(json.loads(v))) for a, k, s, r, v in rows if k not in IGNORED}


def _crawl(ws: Path, *extra: str) -> dict:
    stats = ws / f"stats-{time.monotonic_ns()}.json"
    args = [sys.executable, "-m", "tests.crawl.cache_driver", str(ws), AS_OF.isoformat(),
            "--fast", "--stats", str(stats), *extra]
    for agency in AGENCIES:
        args += ["--agency", agency]
    run = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    return json.loads(stats.read_text())["scrapy"]


@pytest.fixture(scope="module")
def cached_nights(tmp_path_factory):
    """Three cached crawls (first, unchanged, after new posts) and uncached crawls of the same
    content, with what the sandbox answered during each."""
    root = tmp_path_factory.mktemp("cache-nights")
    with running_sandbox(root / "sandbox") as sandbox:
        workspaces = {}
        for name in ("cached", "plain", "plain-after"):
            ws = Workspace(root / name)
            import_register(ws, [sandbox.out_dir / "register.yaml"])
            ws.close()
            workspaces[name] = root / name

        def answered(run):
            for app in sandbox.trouble_apps.values():
                app.answered.clear()
            stats = run()
            counts: dict[int, int] = {}
            for app in sandbox.trouble_apps.values():
                for status, n in app.answered.items():
                    counts[status] = counts.get(status, 0) + n
            return counts, stats

        nights = {"first": answered(lambda: _crawl(workspaces["cached"]))}
        nights["plain"] = answered(lambda: _crawl(workspaces["plain"], "--no-cache"))
        nights["second"] = answered(lambda: _crawl(workspaces["cached"]))
        nights["second_obs"] = _observations(workspaces["cached"])
        changed = sandbox.change_content(0.5, seed=2, agency_ids=AGENCIES)
        truth = json.loads((sandbox.out_dir / "ground_truth.json").read_text(encoding="utf-8"))
        nights["third"] = answered(lambda: _crawl(workspaces["cached"]))
        nights["plain-after"] = answered(lambda: _crawl(workspaces["plain-after"], "--no-cache"))
        yield {"nights": nights, "changed": changed, "truth": truth, "ws": workspaces}


def test_a_second_night_reads_few_pages_and_finds_the_same(cached_nights):
    nights = cached_nights["nights"]
    first, first_stats = nights["first"]
    second, second_stats = nights["second"]
    assert second_stats["httpcache/hit"] > 0 and second_stats["httpcache/revalidate"] > 0
    # full pages over the network: a handful (robots.txt and pages without validators)
    assert second.get(200, 0) <= 0.15 * first.get(200, 0), (first, second)
    assert second.get(304, 0) > 0
    assert nights["second_obs"] == _observations(cached_nights["ws"]["plain"])


def test_a_night_after_new_posts_finds_them_and_equals_an_uncached_crawl(cached_nights):
    nights, changed = cached_nights["nights"], cached_nights["changed"]
    new = {s["post"]["url"] for a in changed["agencies"] for s in a["sections"]}
    # the new posts a perfect crawl counts (a general section's post counts only when its
    # title names a topic), after the ground truth was rewritten
    counted = {post["url"] for agency in cached_nights["truth"]["agencies"]
               for key, value in agency["observations"].items() if key.startswith("posts/")
               for post in value.get("posts", [])}
    assert new & counted
    cached = _observations(cached_nights["ws"]["cached"])
    found = {post["url"] for (_, key), (_, _, value) in cached.items() if key.startswith("posts/")
             for post in value.get("posts", [])}
    assert new & counted <= found
    assert cached == _observations(cached_nights["ws"]["plain-after"])
    first, _ = nights["first"]
    third, _ = nights["third"]
    assert third.get(200, 0) <= 0.5 * first.get(200, 0), (first, third)


def test_the_extraction_memo_parses_a_page_once_per_url_and_body(tmp_path):
    from inspector.crawl.cache import ExtractionMemo

    calls = []

    def detect(html):
        calls.append(html)
        return {"hotline": {"present": "nóng" in html, "where": "http://x/"}}

    memo = ExtractionMemo(tmp_path)
    page = "<p>Đường dây nóng: 1900</p>"
    first = memo.remember("features", "http://x/", page, lambda: detect(page))
    assert memo.remember("features", "http://x/", page, lambda: detect(page)) == first
    memo.close()
    again = ExtractionMemo(tmp_path)                    # the next night, another process
    assert again.remember("features", "http://x/", page, lambda: detect(page)) == first
    changed = "<p>Liên hệ</p>"
    assert again.remember("features", "http://x/", changed, lambda: detect(changed)) == \
        {"hotline": {"present": False, "where": "http://x/"}}
    again.remember("features", "http://y/", page, lambda: detect(page))   # another URL
    assert calls == [page, changed, page] and (again.hits, again.misses) == (1, 2)
    again.close()


def test_a_posts_date_does_not_hang_on_the_order_pages_came_in():
    """An information page read as a section opens no article; an article another section
    opened (before or after it was read) neither dates its post nor leaves it undated with a
    reason, so a cached crawl (pages in another order) finds exactly what an uncached one does."""
    from inspector.crawl.listings import PostLink
    from inspector.crawl.state import SectionState

    link = PostLink("http://x/phan-anh.aspx", "Phản ánh, kiến nghị")
    opened = {"http://x/phan-anh.aspx": {"value": None, "reason": "no date printed"}}
    rows = []
    for dates in ({}, opened):
        info = SectionState("http://x/gioi-thieu.aspx", "Giới thiệu", [], "menu",
                            info_page="gioi-thieu", pages=["http://x/gioi-thieu.aspx"],
                            chosen={"http://x/gioi-thieu.aspx": [link]})
        info.refresh(dates)
        rows.append(info.posts)
    assert rows[0] == rows[1]
    assert rows[0]["http://x/phan-anh.aspx"]["published"] is None
    assert "information page" in rows[0]["http://x/phan-anh.aspx"]["undated"]
    # a section that feeds a topic is dated by the article it waited for
    news = SectionState("http://x/tin.aspx", "Tin tức", ["tin-hoat-dong"], "menu",
                        pages=["http://x/tin.aspx"], chosen={"http://x/tin.aspx": [link]})
    news.refresh(opened)
    assert news.posts["http://x/phan-anh.aspx"]["undated"] == "no date printed"
