"""The portal crawl's incremental HTTP cache: SQLite storage, a policy by page kind, settings."""

from __future__ import annotations

import hashlib
import sqlite3
import time
import zlib
from pathlib import Path
from typing import Any

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.http import Request, Response
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_from_dict
from w3lib.http import headers_dict_to_raw, headers_raw_to_dict

from .discovery import STATIC_KINDS
from .listings import canonical
from .settings import SETTINGS

DB_NAME = "httpcache.db"
DAY = 86400.0
# Pages whose content does not move once published (an article's date, a procedure's fields)
# or seldom moves (the information pages): served from the cache while younger than the
# maximum age, validators or not. Every other kind (home, listing, site map, robots.txt, any
# kind added later) is re-fetched on every crawl, conditionally when the server gave a validator.
FRESH_KINDS = frozenset({"article", "procedure"} | (set(STATIC_KINDS) - {"so-do"}))
# Only a full page is worth keeping: a redirect, an error, a 429 or a 5xx says nothing about
# tomorrow (a cached 503 would be "retried" from the cache for ever).
IGNORE_HTTP_CODES = [301, 302, 303, 307, 308, 400, 401, 403, 404, 410, 429,
                     500, 502, 503, 504]

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    fingerprint BLOB PRIMARY KEY,   -- the request fingerprint (per agency, fingerprint.py)
    url TEXT NOT NULL,              -- the response's URL
    status INTEGER NOT NULL,
    headers BLOB NOT NULL,          -- raw header lines
    body BLOB NOT NULL,             -- zlib-compressed
    class TEXT NOT NULL,            -- the Scrapy response class
    kind TEXT,                      -- the page kind of the request that stored it
    revalidate INTEGER NOT NULL,    -- 1 once the URL was read as a home or listing page
    anchor TEXT,                    -- a later listing page: SHA-256 of its section's first page
    stored_at REAL NOT NULL         -- stored or last revalidated (epoch seconds)
)"""


def open_shared(path: Path, schema: str) -> sqlite3.Connection:
    """A SQLite file several crawl processes share (WAL, busy timeout), its table created.
    Workers starting together race to create the file and switch it to WAL; that switch may
    answer "locked" at once instead of waiting, so it is tried again for up to a minute."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    deadline = time.monotonic() + 60
    while True:
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA journal_mode = WAL")
            # WAL with NORMAL survives a killed process (not a power cut): enough for a cache
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute(schema)
            return db
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                db.close()
                raise
            time.sleep(0.2)


def cache_settings(root: Path, enabled: bool = True, max_age_days: int = 30) -> dict[str, Any]:
    """The Scrapy settings of the incremental cache, in `root`/httpcache/httpcache.db.

    DOWNLOADER_MIDDLEWARES is the crawl's own dict with the built-in cache middleware swapped
    for ours: merge it over settings.SETTINGS (a shallow merge keeps every other middleware).
    Custom settings: INSPECTOR_CACHE_MAX_AGE_DAYS (how long articles, procedure and information
    pages stay fresh) and INSPECTOR_CACHE_LISTING_ANCHOR (serve a section's later listing pages
    from the cache while its first page is byte for byte the one they were read under)."""
    if not enabled:
        return {"HTTPCACHE_ENABLED": False}
    return {
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_DIR": str((Path(root) / "httpcache").resolve()),
        "HTTPCACHE_STORAGE": "inspector.crawl.cache.SqliteCacheStorage",
        "HTTPCACHE_POLICY": "inspector.crawl.cache.IncrementalPolicy",
        "HTTPCACHE_IGNORE_HTTP_CODES": list(IGNORE_HTTP_CODES),
        # rows nobody read or revalidated for three maximum ages are misses, then pruned
        "HTTPCACHE_EXPIRATION_SECS": int(3 * max_age_days * DAY),
        "INSPECTOR_CACHE_MAX_AGE_DAYS": max_age_days,
        "INSPECTOR_CACHE_LISTING_ANCHOR": True,
        "DOWNLOADER_MIDDLEWARES": {
            **SETTINGS["DOWNLOADER_MIDDLEWARES"],
            "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
            "inspector.crawl.cache.IncrementalCacheMiddleware": 900,
        },
    }


class IncrementalCacheMiddleware(HttpCacheMiddleware):
    """Scrapy's cache middleware without its error recovery: when a download fails, Scrapy
    serves the stored copy instead, so a portal that went down would look as it was. Here the
    failure goes on to the back-off retries and the spider's errback, as without a cache."""

    def process_exception(self, request, exception, spider=None):
        if request.meta.pop("cached_response", None) is not None:
            self.stats.inc_value("httpcache/error_not_recovered")
        return None


class SqliteCacheStorage:
    """HTTPCACHE_STORAGE in one SQLite file, `<HTTPCACHE_DIR>/httpcache.db`, one row per request
    fingerprint written by a single statement: a crawl killed at any moment leaves each page
    whole or absent, never a truncated body served later as valid. WAL and a busy timeout let
    several crawler processes share the file."""

    def __init__(self, settings):
        self.path = Path(settings["HTTPCACHE_DIR"]) / DB_NAME
        self.expiration_secs = settings.getint("HTTPCACHE_EXPIRATION_SECS")
        self._fingerprinter = None
        # Opened here, not when the spider opens: a failure then ends the crawl process with
        # its error (a signal handler's exception would only be logged, and every page would
        # fail later with an obscure one).
        self.db: sqlite3.Connection | None = open_shared(self.path, SCHEMA)

    def open_spider(self, spider) -> None:
        self._fingerprinter = spider.crawler.request_fingerprinter
        if self.db is None:         # opened again after a close (one storage, two spiders)
            self.db = open_shared(self.path, SCHEMA)
        if self.expiration_secs > 0:
            self.db.execute("DELETE FROM responses WHERE stored_at < ?",
                            [time.time() - self.expiration_secs])

    def close_spider(self, spider) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def retrieve_response(self, spider, request: Request) -> Response | None:
        row = self.db.execute(
            "SELECT url, status, headers, body, class, revalidate, anchor, stored_at "
            "FROM responses WHERE fingerprint = ?", [self._key(request)]).fetchone()
        if row is None:
            return None
        url, status, headers, body, cls, revalidate, anchor, stored_at = row
        if 0 < self.expiration_secs < time.time() - stored_at:
            return None
        request.meta["cache_timestamp"] = stored_at
        # what the policy needs to know of the stored copy
        request.meta["_cache_row"] = {"revalidate": bool(revalidate), "anchor": anchor}
        return response_from_dict({"_class": cls, "url": url, "status": status,
                                   "headers": headers_raw_to_dict(headers),
                                   "body": zlib.decompress(body)})

    def store_response(self, spider, request: Request, response: Response) -> None:
        kind = request.meta.get("kind")
        cls = f"{type(response).__module__}.{type(response).__name__}"
        # once a URL was read as a page that changes (a listing also linked as an information
        # page), it stays revalidated whichever kind asks for it next
        self.db.execute(
            "INSERT INTO responses (fingerprint, url, status, headers, body, class, kind,"
            " revalidate, anchor, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (fingerprint) DO UPDATE SET url = excluded.url,"
            " status = excluded.status, headers = excluded.headers, body = excluded.body,"
            " class = excluded.class, kind = excluded.kind,"
            " revalidate = max(revalidate, excluded.revalidate), anchor = excluded.anchor,"
            " stored_at = excluded.stored_at",
            [self._key(request), response.url, response.status,
             headers_dict_to_raw(response.headers), zlib.compress(response.body, 6), cls, kind,
             int(kind not in FRESH_KINDS), request.meta.get("_cache_anchor"), time.time()])

    def _key(self, request: Request) -> bytes:
        return self._fingerprinter.fingerprint(request)


class IncrementalPolicy:
    """HTTPCACHE_POLICY of the nightly crawl.

    - Only 200 answers to GET are stored (and POST pages of a listing, see below).
    - Home, listing, site-map and robots.txt requests (and any kind not in FRESH_KINDS) are
      always sent: with If-None-Match / If-Modified-Since when the stored copy had an ETag /
      Last-Modified; a 304 means the stored copy is used.
    - Articles, procedure pages and information pages are fresh for INSPECTOR_CACHE_MAX_AGE_DAYS
      (default 30) even without validators, as many portals send none; then revalidated.
    - A later page of a section's listing (page 2…, or an ASP.NET post-back, whose fingerprint
      holds the form body) is served from the cache, within the same age, when it was stored
      under the very first page read in this crawl (SHA-256 of the body): a new post on page 1
      shifts every later page, and then they are all read again (INSPECTOR_CACHE_LISTING_ANCHOR).
    - A 5xx never stands in for the stored copy: it goes to the back-off retries, as without
      a cache, so that a cached crawl finds what an uncached one finds.
    """

    def __init__(self, settings):
        self.max_age = settings.getfloat("INSPECTOR_CACHE_MAX_AGE_DAYS", 30) * DAY
        self.anchor_listings = settings.getbool("INSPECTOR_CACHE_LISTING_ANCHOR", True)
        self.ignore_schemes = settings.getlist("HTTPCACHE_IGNORE_SCHEMES")
        self._first_pages: dict[tuple[str, str], str] = {}   # (agency, section) → body SHA-256

    # -- which requests and responses ---------------------------------------------------------
    def should_cache_request(self, request: Request) -> bool:
        if urlparse_cached(request).scheme in self.ignore_schemes:
            return False
        if request.method == "GET":
            return True
        # a post-back's fingerprint holds its body (view state, page argument): only as a
        # later listing page, which is never served without its anchor
        return self.anchor_listings and request.method == "POST" and _later_page(request)

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if response.status != 200:
            return False
        # the middleware stores through here after every read of a page (first-hand, changed
        # or 304), so this is where a section's first page of this crawl is known
        if _first_page(request):
            self._first_pages[_section_key(request)] = _sha256(response.body)
        elif _later_page(request):
            request.meta["_cache_anchor"] = self._first_pages.get(_section_key(request))
        return True

    # -- freshness ------------------------------------------------------------------------------
    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        row = request.meta.get("_cache_row") or {}
        age = time.time() - float(request.meta.get("cache_timestamp") or 0)
        young = age < self.max_age
        kind = request.meta.get("kind")
        if young and kind in FRESH_KINDS and not row.get("revalidate"):
            return True
        if young and self.anchor_listings and _later_page(request):
            anchor = row.get("anchor")
            if anchor and anchor == self._first_pages.get(_section_key(request)):
                return True
        if request.method == "GET":
            _set_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse: Response, response: Response,
                                 request: Request) -> bool:
        return response.status == 304


def _section_key(request: Request) -> tuple[str, str]:
    return str(request.meta.get("agency", "")), str(request.meta.get("section", ""))


def _first_page(request: Request) -> bool:
    """The request that opened a section (the spider keys a section by its first page's
    canonical URL), followed through redirects."""
    meta = request.meta
    if meta.get("kind") != "listing" or meta.get("postback") or not meta.get("section"):
        return False
    first = (meta.get("redirect_urls") or [request.url])[0]
    return canonical(first) == meta["section"]


def _later_page(request: Request) -> bool:
    meta = request.meta
    return meta.get("kind") == "listing" and bool(meta.get("section")) and not _first_page(request)


def _set_validators(request: Request, cachedresponse: Response) -> None:
    if b"Last-Modified" in cachedresponse.headers:
        request.headers[b"If-Modified-Since"] = cachedresponse.headers[b"Last-Modified"]
    if b"ETag" in cachedresponse.headers:
        request.headers[b"If-None-Match"] = cachedresponse.headers[b"ETag"]


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def cache_summary(stats: dict[str, Any]) -> dict[str, int]:
    """The cache's counts in a crawl's Scrapy stats: pages served without the network (hit),
    confirmed by a 304 (revalidate), read again (invalidate), read for the first time (miss)."""
    return {name: int(stats.get(f"httpcache/{name}", 0))
            for name in ("hit", "miss", "revalidate", "invalidate", "firsthand", "store")}



class ExtractionMemo:
    """What the spider extracted from a page, by (URL, body): a page served from the cache,
    or unchanged since last night, is not parsed again for it. One SQLite file beside the
    cache (`memo.db`); a row is written by one statement, so a kill leaves it whole or absent.
    The extraction functions are pure: the same page gives the same result."""

    def __init__(self, root: Path):
        self.db = open_shared(Path(root) / "httpcache" / "memo.db",
                              "CREATE TABLE IF NOT EXISTS memo (key BLOB PRIMARY KEY, "
                              "value TEXT NOT NULL, stored_at REAL NOT NULL)")
        self.hits = self.misses = 0

    @staticmethod
    def key(name: str, url: str, body: str) -> bytes:
        return hashlib.sha256(f"{name}\0{url}\0".encode() + body.encode("utf-8",
                                                                         "surrogatepass")).digest()

    def remember(self, name: str, url: str, body: str, compute):
        """compute() once per (name, URL, body); JSON-able results only."""
        import json

        key = self.key(name, url, body)
        row = self.db.execute("SELECT value FROM memo WHERE key = ?", [key]).fetchone()
        if row is not None:
            self.hits += 1
            return json.loads(row[0])
        self.misses += 1
        value = compute()
        self.db.execute("INSERT OR REPLACE INTO memo (key, value, stored_at) VALUES (?, ?, ?)",
                        [key, json.dumps(value, ensure_ascii=False), time.time()])
        return value

    def close(self) -> None:
        self.db.close()
