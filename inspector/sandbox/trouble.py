"""Trouble where real portals have it, wrapped around any platform: slow pages, intermittent 503,
one page under several URLs, an endless calendar and a language-switch loop. (The dead menu
link is drawn by the platforms' menus: see Portal.dead_menu_link.)"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from urllib.parse import parse_qsl, urlencode

from werkzeug.wrappers import Request, Response

from .model import Agency
from .portal import Portal, esc

CALENDAR = "/lich-su-kien"                   # ?thang=YYYY-MM, previous/next months without end
LANGUAGE = "/en"                             # /en/en/en/… each page links one level deeper
# Parameters and path suffixes that give the same page another URL.
ALIAS_PARAMS = ("lang", "utm_source", "jsessionid")
_SESSION = re.compile(r";jsessionid=[A-Za-z0-9]+$")


def _validated(request: Request, response: Response) -> bool:
    """Whether an answer gets an ETag: a whole HTML or XML page read by GET, which nothing marks
    as private to this request (no-store: captchas)."""
    mimetype = response.mimetype or ""
    return (request.method in ("GET", "HEAD") and response.status_code == 200
            and (mimetype == "text/html" or mimetype.endswith("xml"))
            and response.is_sequence and "no-store" not in response.cache_control)


def home_aliases(portal: Portal) -> list[str]:
    """Other URLs of the home page on a portal with duplicate URLs (paths)."""
    home = portal.home_path().split("?")[0]
    return ["/index.html", f"{home}?lang=vi", f"{home};jsessionid=A1B2C3D4"]


class TroublePortal:
    """WSGI app: the agency's troubles around its platform's portal."""

    def __init__(self, portal: Portal, agency: Agency, slow_seconds: float = 1.5):
        self.portal = portal
        self.agency = agency
        self.slow_seconds = slow_seconds
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self.answered: Counter[int] = Counter()     # status → answers (304s: revalidated)

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.respond(request)
        with self._lock:
            self.answered[response.status_code] += 1
        return response(environ, start_response)

    def respond(self, request: Request) -> Response:
        agency = self.agency
        if agency.has("slow"):
            time.sleep(self.slow_seconds)
        path = request.path
        if agency.has("intermittent_503") and request.method == "GET":
            with self._lock:  # every other request of a page fails, the first one included
                hits = self._hits[request.full_path] = self._hits.get(request.full_path, 0) + 1
            if hits % 2 == 1 and path != "/robots.txt":
                return Response("<h1>503 Service Unavailable</h1>", status=503,
                                headers={"Retry-After": "1"}, mimetype="text/html")
        if agency.has("calendar_trap") and path == CALENDAR:
            return self._calendar(request.args.get("thang", "2026-01"))
        if agency.has("language_loop") and (path == LANGUAGE or path.startswith(LANGUAGE + "/")):
            return self._language(path)
        if agency.has("duplicate_urls"):
            request = self._canonical(request)
        response = self.portal.handle(request)
        if response.mimetype == "text/html" and response.status_code == 200:
            self._add_links(response)
        if _validated(request, response):
            # a strong ETag of the page as served, and 304 to a client that holds it: what an
            # incremental crawl revalidates against (pages are the same for every request)
            response.add_etag()
            response.make_conditional(request)
        return response

    # -- the traps ---------------------------------------------------------------------------
    def _calendar(self, month: str) -> Response:
        match = re.fullmatch(r"(\d{4})-(\d{2})", month)
        year, mon = (int(match.group(1)), int(match.group(2))) if match else (2026, 1)
        prev_y, prev_m = (year, mon - 1) if mon > 1 else (year - 1, 12)
        next_y, next_m = (year, mon + 1) if mon < 12 else (year + 1, 1)
        body = (f"<html><head><meta charset='utf-8'><title>Lịch sự kiện tháng {mon:02d}/{year}</title>"
                f"</head><body><h1>Lịch sự kiện tháng {mon:02d}/{year}</h1>"
                f"<p>Không có sự kiện.</p>"
                f"<a href='{CALENDAR}?thang={prev_y}-{prev_m:02d}'>« Tháng trước</a> "
                f"<a href='{CALENDAR}?thang={next_y}-{next_m:02d}'>Tháng sau »</a></body></html>")
        return Response(body, mimetype="text/html")

    def _language(self, path: str) -> Response:
        depth = path.rstrip("/").count("/en") + path.rstrip("/").count("/vi")
        deeper = path.rstrip("/") + "/en/"
        back = path.rstrip("/") + "/vi/"
        body = (f"<html><head><meta charset='utf-8'><title>English</title></head><body>"
                f"<h1>Department portal (English)</h1><p>Level {depth}</p>"
                f"<a href='{esc(deeper)}'>English</a> <a href='{esc(back)}'>Tiếng Việt</a>"
                f"</body></html>")
        return Response(body, mimetype="text/html")

    def _canonical(self, request: Request) -> Request:
        """Serve the page behind an alias URL: a session id, a tracking or language parameter,
        or /index.html for the home page."""
        environ = dict(request.environ)
        path = _SESSION.sub("", environ.get("PATH_INFO", "/"))
        if path in ("/index.html", "/trang-chu"):
            path = self.portal.home_path().split("?")[0]
        query = [(k, v) for k, v in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
                 if k not in ALIAS_PARAMS]
        if path == self.portal.home_path().split("?")[0] and not query and "?" in self.portal.home_path():
            query = parse_qsl(self.portal.home_path().split("?", 1)[1])
        environ["PATH_INFO"] = path
        environ["QUERY_STRING"] = urlencode(query)
        return Request(environ)

    def _add_links(self, response: Response) -> None:
        agency, links = self.agency, []
        if agency.has("calendar_trap"):
            links.append(f"<a href='{CALENDAR}?thang=2026-01'>Lịch sự kiện</a>")
        if agency.has("language_loop"):
            links.append(f"<a href='{LANGUAGE}/'>English</a>")
        if agency.has("duplicate_urls"):
            labels = ("Trang chủ", "Tiếng Việt", "Trang chủ (phiên)")
            links += [f"<a href='{esc(url)}'>{label}</a>"
                      for url, label in zip(home_aliases(self.portal), labels)]
        if not links:
            return
        block = "<div class='tien-ich-ngoai'>" + " | ".join(links) + "</div>"
        text = response.get_data(as_text=True)
        marker = text.lower().rfind("</body>")
        text = text[:marker] + block + text[marker:] if marker >= 0 else text + block
        response.set_data(text)
