"""Issue 6: a hostile capture corpus, shown to a logged-in reviewer in Chromium against the real
servers, executes nothing and reaches nothing on the reviewer origin.

Each file of ``hostile/`` is one captured page (``{{REVIEW}}``/``{{EVIDENCE}}`` stand for the
two origins): script tags setting ``top.location``, auto-submitting forms and meta refresh,
service-worker registration, cookie and storage writes, fetch/XHR/img to the reviewer origin,
``../`` paths, iframes of the reviewer origin and inline event handlers. Every script, if it ran,
would also set ``document.title='PWNED'``, log ``PWNED``, post ``PWNED`` to its parent and fetch
``/nhat-ky?pwned`` on the reviewer origin. Both servers' WSGI apps are wrapped so that every
request reaching them is recorded on the server side too."""

from __future__ import annotations

import http.client
import sqlite3
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError

from inspector.browser import chromium
from inspector.records.evidence import store
from inspector.review import accounts
from inspector.review.evidence import EvidenceApp
from inspector.review.server import ReviewServer
from inspector.records.workspace import Workspace
from inspector.records.observations import put as put_observation
from tests.cli import invoke

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DATA = Path(__file__).parents[1] / "data"
CORPUS = Path(__file__).parent / "hostile"
CAPTURES = sorted(p.name for p in CORPUS.glob("*.html"))
PASSWORD = "mật-khẩu-đủ-dài-2026"
MARKER = "PWNED"
# Registers a message listener on the top page only (init scripts are injected through the
# DevTools protocol, so the page's own `script-src 'none'` does not stop them).
LISTENER = ("if (window === window.top) { window.__messages = [];"
            " window.addEventListener('message', e => window.__messages.push(String(e.data))); }")


class Recorder:
    """WSGI middleware: (method, path?query, status, Sec-Fetch-Dest, has session cookie)."""

    def __init__(self, app):
        self.app = app
        self.seen: list[tuple[str, str, int, str, bool]] = []

    def __call__(self, environ, start_response):
        entry = {}

        def recording_start(status, headers, exc_info=None):
            entry["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        result = self.app(environ, recording_start)
        query = environ.get("QUERY_STRING")
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or \
            environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        self.seen.append((environ["REQUEST_METHOD"], raw, entry.get("status", 0),
                          environ.get("HTTP_SEC_FETCH_DEST", ""),
                          "phien=" in environ.get("HTTP_COOKIE", "")))
        return result


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    ws_dir = tmp_path_factory.mktemp("hostile")
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    ws = Workspace(ws_dir)
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER, display_name="Trần Thị Duyệt")
    ws.close()
    server = ReviewServer(ws_dir, port=0).start()
    try:
        # The captures name the real origins, which exist only once the servers listen; the
        # page opens the workspace afresh on every request, so storing now is seen at once.
        ws = Workspace(ws_dir)
        paths = {}
        for name in CAPTURES:
            html = (CORPUS / name).read_text(encoding="utf-8") \
                .replace("{{REVIEW}}", server.url).replace("{{EVIDENCE}}", server.evidence_url)
            paths[name] = store(ws, html.encode("utf-8"), "html",
                                f"http://127.0.0.1:8101/{name}")
        put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", {
            "section": {"found": True, "own": True, "how": "register",
                        "urls": ["http://127.0.0.1:8101/tin-tuc"]},
            "posts": [], "evidence": list(paths.values())})
        ws.close()
        invoke("score", "-w", str(ws_dir), "--as-of", "2026-11-30")
        conn = sqlite3.connect(ws_dir / "inspector.db")
        carried = " ".join(r[0] or "" for r in conn.execute(
            "select evidence from findings where agency_id = 'so-tttt'"))
        conn.close()
        assert all(ref["path"] in carried for ref in paths.values())   # the findings carry them

        # waitress servers: each request calls its server's current application
        by_port = {int(s.effective_port): s for s in server._servers}
        review = by_port[urlsplit(server.url).port]
        evidence = by_port[urlsplit(server.evidence_url).port]
        review.application = Recorder(review.application)
        evidence.application = Recorder(evidence.application)

        with chromium() as browser:
            context = browser.new_context(locale="vi-VN")
            context.add_init_script(LISTENER)
            try:
                page = context.new_page()
                page.goto(server.url + "/")
                page.get_by_label("Tên đăng nhập").fill("duyet")
                page.get_by_label("Mật khẩu").fill(PASSWORD)
                page.get_by_role("button", name="Đăng nhập").click()
                page.wait_for_url(server.url + "/")
                page.close()
                assert {c["name"] for c in context.cookies()} == {"phien"}
                yield {"ws": ws_dir, "server": server, "context": context, "paths": paths,
                       "review": review.application, "evidence": evidence.application}
            finally:
                context.close()
    finally:
        server.stop()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize("name", CAPTURES)
def test_a_hostile_capture_executes_nothing_and_reaches_nothing(served, name):
    server, context = served["server"], served["context"]
    review_log, evidence_log = served["review"].seen, served["evidence"].seen
    path = served["paths"][name]["path"]
    viewer = f"{server.url}/xem?path={quote(path, safe='/')}"
    requests, responses, consoles, errors, popups = [], [], [], [], []

    def on_request(request):
        try:
            frame = request.frame
        except Exception:  # noqa: BLE001 - a service worker's request has no frame
            frame = None
        requests.append((request.url, request.method, frame, request))

    def on_response(response):
        responses.append(response)

    def on_page(extra):
        popups.append(extra)

    context.on("request", on_request)
    context.on("response", on_response)
    page = context.new_page()
    context.on("page", on_page)
    page.on("console", lambda m: consoles.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    navigations = []
    page.on("framenavigated",
            lambda f: navigations.append(f.url) if f == page.main_frame else None)
    review_before, evidence_before = len(review_log), len(evidence_log)
    try:
        page.goto(viewer, wait_until="load")
        page.wait_for_timeout(1000)

        frame_el = page.locator("iframe.html")
        assert frame_el.count() == 1
        assert frame_el.get_attribute("sandbox") == ""     # present, and grants nothing
        capture = frame_el.element_handle().content_frame()
        assert capture is not None and capture.url.startswith(
            f"{server.evidence_url}/e/{path}?")
        if name.startswith("6-"):
            # Even by a user's click: a ../ link stays on the evidence origin (and is refused
            # there), a target=_top or _blank link to the reviewer origin goes nowhere.
            for link in ("#top", "#blank"):
                capture.click(link, timeout=2000)
            page.wait_for_timeout(300)
            with page.expect_response(lambda r: "inspector.db" in r.url, timeout=3000):
                capture.click("#up", timeout=2000)
            page.wait_for_timeout(300)
        if name.startswith("8-"):
            capture.click("#js", timeout=2000)
            page.wait_for_timeout(300)

        # The capture's own answer: sandboxing CSP, framed only by the page's origin.
        own = [r for r in responses if r.url == capture.url or
               r.url.startswith(f"{server.evidence_url}/e/{path}?")]
        assert own and own[0].status == 200
        csp = own[0].headers["content-security-policy"]
        assert csp.split(";")[0].strip() == "sandbox" and "default-src 'none'" in csp
        assert f"frame-ancestors {server.url}" in csp
        assert own[0].headers["x-content-type-options"] == "nosniff"
        assert "set-cookie" not in own[0].headers

        # No top navigation: the page is still the viewer, navigated exactly once.
        assert page.url == viewer
        assert navigations == [viewer]
        assert page.main_frame.title() != MARKER
        assert popups == []

        # Whatever the capture's frames attempted towards the reviewer origin, the browser
        # blocked (Playwright reports CSP-blocked loads as requests that failed, never sent)…
        reviewer = _origin(server.url)
        from_capture = [(u, m, r) for u, m, f, r in requests
                        if f is not page.main_frame and _origin(u) == reviewer]
        for url, method, request in from_capture:
            assert request.failure is not None, (url, method)
            assert request.response() is None, (url, method)
        from_top = [(u, m) for u, m, f, r in requests
                    if f is page.main_frame and _origin(u) == reviewer]
        assert from_top == [(viewer, "GET")]
        assert all(_origin(u) in (reviewer, _origin(server.evidence_url)) for u, *_ in requests)
        # …and nothing reached the reviewer server but the viewer page itself.
        # (The browser's own /favicon.ico for the top page is no capture's doing.)
        reached = [r for r in review_log[review_before:] if r[1] != "/favicon.ico"]
        assert [(m, p, s) for m, p, s, _, _ in reached] == \
            [("GET", viewer[len(server.url):], 200)], reached

        # No script ran in any frame.
        assert not any(MARKER in text for text in consoles), consoles
        assert errors == []
        assert page.evaluate("window.__messages") == []
        for frame in page.frames:
            if frame is page.main_frame:
                continue
            assert _origin(frame.url) != reviewer or frame.url == "about:blank"
            try:
                title, content = frame.title(), frame.content()
            except PlaywrightError:     # a detached or blocked frame holds no document
                continue
            assert title != MARKER and f"<title>{MARKER}" not in content

        # Whatever reached the evidence origin besides the capture was refused.
        for method, raw, status, dest, _ in evidence_log[evidence_before:]:
            if raw.startswith(f"/e/{quote(path, safe='/')}?"):
                assert (method, status) == ("GET", 200)
            else:
                assert status in (403, 404, 405), (method, raw, status, dest)
        if name.startswith(("5-", "6-")):
            db = [(raw, status) for _, raw, status, _, _ in evidence_log[evidence_before:]
                  if "inspector.db" in raw]
            assert db and all(status in (403, 404) for _, status in db), db
            assert all(r.status in (403, 404) for r in responses if "inspector.db" in r.url)

        assert context.service_workers == []
        assert {c["name"] for c in context.cookies()} == {"phien"}
    finally:
        context.remove_listener("request", on_request)
        context.remove_listener("response", on_response)
        context.remove_listener("page", on_page)
        for extra in popups:
            extra.close()
        page.close()


def test_traversal_is_refused_on_the_evidence_origin_even_when_signed(served):
    """Raw requests (not normalised by a browser) for ../ and encoded paths, each signed for
    exactly that path for the reviewer: still 404, never the database."""
    server = served["server"]
    assert isinstance(server.evidence_app, EvidenceApp)
    signer = server.evidence_app.signer
    netloc = urlsplit(server.evidence_url).netloc
    for relative, raw in [
        ("evidence/../inspector.db", "/e/evidence/../inspector.db"),
        ("evidence/../inspector.db", "/e/evidence/%2e%2e/inspector.db"),
        ("evidence/../inspector.db", "/e/evidence%2f..%2finspector.db"),
        ("../inspector.db", "/e/../inspector.db"),
        ("screenshots/../../inspector.db", "/e/screenshots/../../inspector.db"),
        ("evidence/..\\inspector.db", "/e/evidence/..%5cinspector.db"),
        ("inspector.db", "/e/inspector.db"),
    ]:
        conn = http.client.HTTPConnection(netloc, timeout=5)
        try:
            conn.request("GET", f"{raw}?{signer.sign(relative, 'duyet')}")
            response = conn.getresponse()
            body = response.read()
        finally:
            conn.close()
        assert response.status in (403, 404), (raw, response.status)
        assert b"SQLite format" not in body
        assert response.headers["Content-Security-Policy"].startswith("sandbox")


def test_afterwards_no_override_and_the_session_still_works(served):
    ws_dir, server, context = served["ws"], served["server"], served["context"]
    conn = sqlite3.connect(ws_dir / "inspector.db")
    actions = [r[0] for r in conn.execute("select action from audit_log")]
    overridden = conn.execute("select count(*) from findings where override is not null "
                              "and override != 'null'").fetchone()[0]
    conn.close()
    assert not any(a.startswith("override") for a in actions), actions
    assert overridden == 0
    # No request carrying the session reached the reviewer origin from anywhere but the page.
    assert all(p.startswith("/xem?") or p in ("/", "/dang-nhap", "/favicon.ico")
               for _, p, _, _, _ in served["review"].seen), served["review"].seen
    assert context.service_workers == []
    assert {c["name"] for c in context.cookies()} == {"phien"}
    page = context.new_page()
    try:
        response = page.goto(server.url + "/")
        assert response.status == 200 and page.url == server.url + "/"
        assert page.get_by_role("heading", name="Đăng nhập").count() == 0
        assert "so-tttt" in page.content()
    finally:
        page.close()


def test_the_session_cookie_never_travels_to_the_evidence_origin(served):
    server, context = served["server"], served["context"]
    log = served["evidence"].seen
    before = len(log)
    path = served["paths"][CAPTURES[-1]]["path"]
    page = context.new_page()
    try:
        page.goto(f"{server.url}/xem?path={quote(path, safe='/')}", wait_until="load")
    finally:
        page.close()
    seen = log[before:]
    assert seen, "the viewer loaded nothing from the evidence origin"
    assert [(m, p, dest) for m, p, _, dest, cookie in seen if cookie] == []
