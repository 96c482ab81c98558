"""Isolation by host name: a reviewer who clicks a counted post's link sends the page's session
cookie to a portal on the page's host name (another port is no separation), and none to a
portal on another loopback address, where the sandbox and the demo serve theirs; the page warns
of register addresses on its host name; behind a proxy, public names and __Host- cookies."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from inspector.browser import chromium
from inspector.model.errors import UserError
from inspector.review import accounts
from inspector.review.server import ReviewServer
from inspector.records.workspace import Workspace
from inspector.records.observations import put as put_observation
from tests.cli import invoke

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DATA = Path(__file__).parents[1] / "data"
PASSWORD = "mật-khẩu-đủ-dài-2026"


class Portal:
    """A portal on ``host`` that records the cookies each request brings."""

    def __init__(self, host: str):
        self.cookies: list[dict[str, str]] = []

        @Request.application
        def app(request):
            self.cookies.append(dict(request.cookies))
            return Response("<html><body><h1>Tin</h1></body></html>", mimetype="text/html")
        self.server = make_server(host, 0, app, threaded=True)
        self.url = f"http://{host}:{self.server.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """so-tttt's news counted from two portals: one on the review page's host name (127.0.0.1,
    another port), one on another loopback address (127.0.0.2)."""
    same, other = Portal("127.0.0.1"), Portal("127.0.0.2")
    ws_dir = tmp_path_factory.mktemp("isolation") / "ws"
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    ws = Workspace(ws_dir)
    posts = [{"url": f"{same.url}/tin/1", "title": "Tin cùng tên máy", "published": "2026-10-02"},
             {"url": f"{other.url}/tin/2", "title": "Tin ở địa chỉ khác",
              "published": "2026-10-03"}]
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", {
        "section": {"found": True, "own": True, "how": "register", "urls": [other.url]},
        "posts": posts})
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER)
    ws.close()
    invoke("score", "-w", str(ws_dir), "--as-of", "2026-11-30")
    try:
        yield ws_dir, same, other
    finally:
        same.close()
        other.close()


def _click_post(page, context, title: str) -> None:
    with context.expect_page() as opened:
        page.get_by_role("link", name=title).click()
    opened.value.wait_for_load_state()
    opened.value.close()


def test_the_session_cookie_reaches_only_a_portal_on_the_pages_host_name(province):
    ws_dir, same, other = province
    with ReviewServer(ws_dir, port=0) as server, chromium() as browser:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(server.url + "/dang-nhap")
            page.get_by_label("Tên đăng nhập").fill("duyet")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_load_state()
            page.goto(server.url + "/co-quan/so-tttt")
            page.locator("#tc-1B-III-2 summary").first.click()
            _click_post(page, context, "Tin ở địa chỉ khác")
            _click_post(page, context, "Tin cùng tên máy")
        finally:
            context.close()
    assert other.cookies and all("phien" not in c for c in other.cookies)
    # the attack the separation prevents: another port of the same host name gets the cookie
    assert any("phien" in c for c in same.cookies)
    # which is why the page warns of such an address in the register
    shared = ReviewServer(ws_dir, port=0).start()
    try:
        # agencies by id, then their services by id
        assert shared.shared_host_names() == [
            "huyen-cho-moi: http://127.0.0.1:8102/", "so-tttt: http://127.0.0.1:8101/",
            "xa-kien-an: http://127.0.0.1:8103/",
            "so-tttt: http://127.0.0.1:8201/thu-tuc/1.004194",
            "so-tttt: http://127.0.0.1:8201/thu-tuc/1.003652"]
    finally:
        shared.stop()


def test_behind_a_proxy_only_the_public_names_answer_and_cookies_are_host_bound(tmp_path):
    import http.client

    ws = Workspace(tmp_path / "ws")
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER)
    ws.close()
    server = ReviewServer(tmp_path / "ws", port=0,
                          public_url="https://danhgia.example.gov.vn",
                          evidence_url="https://bangchung.example.gov.vn").start()
    try:
        port = int(server._servers[1].effective_port)

        def get(host: str, path: str = "/dang-nhap"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", path, headers={"Host": host})
                response = conn.getresponse()
                return response.status, response.getheaders(), response.read()
            finally:
                conn.close()
        status, headers, _ = get("danhgia.example.gov.vn")
        assert status == 200
        cookies = [v for k, v in headers if k.lower() == "set-cookie"]
        assert cookies and cookies[0].startswith("__Secure-dang_nhap_csrf=") and \
            "Secure" in cookies[0]
        # a forged Host header is refused, never reflected into a redirect
        status, headers, body = get("evil.example", "/co-quan//x")
        assert status == 400 and b"evil" not in body
        assert b"https://danhgia.example.gov.vn/" in body          # where to open it instead
        assert not any(k.lower() == "location" for k, _ in headers)
        assert get(f"127.0.0.1:{port}")[0] == 400          # behind the proxy: public names only
        assert server.url == "https://danhgia.example.gov.vn"
        assert server.evidence_url == "https://bangchung.example.gov.vn"
    finally:
        server.stop()


def test_the_page_refuses_a_shared_host_name(tmp_path):
    Workspace(tmp_path / "ws").close()
    with pytest.raises(UserError, match="hai tên máy khác nhau"):
        ReviewServer(tmp_path / "ws", public_url="https://danhgia.example.gov.vn",
                     evidence_url="https://danhgia.example.gov.vn:8443")
    with pytest.raises(UserError, match="chung tên máy"):
        ReviewServer(tmp_path / "ws", host="0.0.0.0")
    with pytest.raises(UserError, match="phải dùng cùng nhau"):
        ReviewServer(tmp_path / "ws", public_url="https://danhgia.example.gov.vn")


def test_behind_the_proxy_the_throttle_counts_each_client(tmp_path):
    """With --public-url the proxy's X-Forwarded-For is the client's address: 40 failures
    from one client do not lock the others out."""
    import http.client
    import re

    ws = Workspace(tmp_path / "ws")
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER)
    ws.close()
    server = ReviewServer(tmp_path / "ws", port=0, public_url="https://danhgia.example.gov.vn",
                          evidence_url="https://bangchung.example.gov.vn").start()
    port = int(server._servers[1].effective_port)

    def login(client: str, username: str, password: str) -> int:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            headers = {"Host": "danhgia.example.gov.vn", "X-Forwarded-For": client}
            conn.request("GET", "/dang-nhap", headers=headers)
            response = conn.getresponse()
            form = response.read().decode()
            cookie = response.getheader("Set-Cookie").split(";", 1)[0]
            token = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
            body = f"username={username}&password={password}&csrf={token}"
            conn.request("POST", "/dang-nhap", body=body.encode(), headers={
                **headers, "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded"})
            answer = conn.getresponse()
            answer.read()
            return answer.status
        finally:
            conn.close()
    try:
        for index in range(40):
            assert login("203.0.113.9", f"khach{index}", "sai-mat-khau-123") == 401
        assert login("203.0.113.9", "khach99", "sai-mat-khau-123") == 429
        assert login("198.51.100.4", "duyet", "sai-mat-khau-123") == 401   # not throttled
    finally:
        server.stop()
    ws = Workspace(tmp_path / "ws")
    addresses = {r[0] for r in ws.db.execute("select distinct address from login_attempts")}
    ws.close()
    assert addresses == {"203.0.113.9", "198.51.100.4"}
