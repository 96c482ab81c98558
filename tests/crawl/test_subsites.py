"""A commune published as a folder of its district's host (http://huyen…/xa-…/), as many are:
the commune's crawl stays in its folder, the district's crawl does not take the commune's
sections for its own; and posts the crawl cannot date (article pages without a date, or that
fail) make their criteria not assessed with the reason, never 0.

One loopback server holds both portals (tests/crawl: a werkzeug app written here)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from datetime import date

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

pytestmark = pytest.mark.slow

AS_OF = "2026-10-31"
CLI = [sys.executable, "-m", "inspector.cli"]
COMMUNE = "/xa-phu-lam/"


def _page(title: str, menu: list[tuple[str, str]], main: str) -> str:
    items = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in menu)
    return (f"<!doctype html><html lang=vi><head><meta charset=utf-8><title>{title}</title>"
            f"</head><body><nav class=menu><ul>{items}</ul></nav><main>{main}</main>"
            "</body></html>")


def _posts(prefix: str, titles: list[str]) -> list[tuple[str, str, date]]:
    return [(f"{prefix}bai-{i}.html", title, date(2026, 10 - i, 5))
            for i, title in enumerate(titles)]


SITE = {
    # the district
    "district_menu": [("/", "Trang chủ"), ("/tin-tuc/", "Tin tức"),
                      ("/lich-cong-tac/", "Lịch công tác"), (COMMUNE, "Xã Phú Lâm")],
    "/tin-tuc/": _posts("/tin-tuc/", ["Hội nghị giao ban tháng 9 của UBND huyện",
                                       "Huyện tổ chức ngày hội văn hóa các dân tộc"]),
    "/lich-cong-tac/": _posts("/lich-cong-tac/", ["Lịch công tác tuần 40 của UBND huyện",
                                                   "Lịch công tác tuần 36 của UBND huyện"]),
    # the commune, in its folder
    "commune_menu": [(COMMUNE, "Trang chủ xã"), (COMMUNE + "tin-tuc/", "Tin tức"),
                     (COMMUNE + "an-toan-thuc-pham/", "An toàn thực phẩm"),
                     (COMMUNE + "thong-bao/", "Thông báo"),
                     (COMMUNE + "lich-cong-tac/", "Lịch công tác"),
                     ("/", "Cổng thông tin huyện"), ("/lich-cong-tac/", "Lịch công tác huyện")],
    COMMUNE + "tin-tuc/": _posts(COMMUNE + "tin-tuc/", ["Xã Phú Lâm ra quân làm sạch kênh",
                                                        "Đại hội chi hội nông dân ấp Phú Quới"]),
    COMMUNE + "an-toan-thuc-pham/": _posts(COMMUNE + "an-toan-thuc-pham/", [
        "Kiểm tra an toàn thực phẩm tại các quán ăn ấp Phú Xương",
        "Tập huấn an toàn thực phẩm cho bếp ăn trường học"]),
}
# listed without dates: their articles answer 404 (Thông báo) or print no date (Lịch công tác)
UNDATED = {COMMUNE + "thong-bao/": ["Thông báo lịch tiếp công dân tháng 10 của Chủ tịch xã",
                                    "Thông báo tạm ngưng cung cấp điện ấp Phú Hữu"],
           COMMUNE + "lich-cong-tac/": ["Lịch làm việc tháng 10/2026 của lãnh đạo xã",
                                        "Lịch làm việc tháng 9/2026 của lãnh đạo xã"]}


def _app(environ, start_response):
    path = Request(environ).path
    commune = path.startswith(COMMUNE)
    menu = SITE["commune_menu"] if commune else SITE["district_menu"]
    body = None
    if path == "/":
        body = _page("UBND huyện Phú Tân", menu, '<h2>Tin các xã</h2><ul><li><a href="'
                     f'{COMMUNE}an-toan-thuc-pham/">An toàn thực phẩm xã Phú Lâm</a></li></ul>')
    elif path == COMMUNE:
        body = _page("UBND xã Phú Lâm", menu, "<p>Chào mừng</p>")
    elif path in SITE:
        rows = "".join(f'<li><a href="{href}">{title}</a> <span>{day:%d/%m/%Y}</span></li>'
                       for href, title, day in SITE[path])
        body = _page(path, menu, f"<ul>{rows}</ul>")
    elif path in UNDATED:
        rows = "".join(f'<li><a href="{path}bai-{i}.html">{title}</a></li>'
                       for i, title in enumerate(UNDATED[path]))
        body = _page(path, menu, f"<ul>{rows}</ul>")
    else:
        for listing, posts in SITE.items():
            for href, title, day in (posts if listing.startswith("/") else []):
                if href == path:
                    body = _page(title, menu, f"<h1>{title}</h1><p>Ngày đăng: {day:%d/%m/%Y}</p>")
        for listing, titles in UNDATED.items():
            for i, title in enumerate(titles):
                if path == f"{listing}bai-{i}.html" and "lich-cong-tac" in listing:
                    body = _page(title, menu, f"<h1>{title}</h1><p>Nội dung lịch làm việc.</p>")
    response = Response(body or "<h1>Không tìm thấy</h1>", status=200 if body else 404,
                        mimetype="text/html")
    return response(environ, start_response)


class _Quiet(WSGIRequestHandler):
    log: list[tuple[str, str]] = []

    def log_request(self, code="-", size="-"):
        self.log.append((self.headers.get("User-Agent", ""), self.path))


@pytest.fixture(scope="module")
def site():
    server = make_server("127.0.0.1", 0, _app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def _run(*args: str) -> None:
    done = subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    ws = tmp_path_factory.mktemp("subsites")
    register = ws / "register.yaml"
    register.write_text(
        "province: {name: An Giang, tthc_total: 1850}\nagencies:\n"
        f"  - {{id: huyen-phu-tan, name: UBND huyện Phú Tân, level: district, portal: '{site}/'}}\n"
        f"  - {{id: xa-phu-lam, name: UBND xã Phú Lâm, level: commune, parent: huyen-phu-tan, "
        f"portal: '{site}{COMMUNE}'}}\n", encoding="utf-8")
    _run("registry", "import", "-w", str(ws), str(register))
    requests: dict[str, list[str]] = {}
    for agency in ("xa-phu-lam", "huyen-phu-tan"):
        start = len(_Quiet.log)
        _run("crawl", "-w", str(ws), "--as-of", AS_OF, "--no-screenshots", "--agency", agency)
        requests[agency] = [path for agent, path in _Quiet.log[start:]
                            if agent.startswith("inspector/")]
    _run("score", "-w", str(ws), "--as-of", AS_OF)
    conn = sqlite3.connect(ws / "inspector.db")
    try:
        obs = {(a, k): {"status": s, "reason": r, **json.loads(v or "{}")}
               for a, k, s, r, v in conn.execute(
                   "select agency_id, key, status, reason, value from observations")}
        findings = {(a, c): (p, s, r) for a, c, p, s, r in conn.execute(
            "select agency_id, criterion_id, points, status, reason from findings")}
    finally:
        conn.close()
    return {"site": site, "obs": obs, "findings": findings, "requests": requests}


def _sections(crawled, agency: str) -> list[dict]:
    return crawled["obs"][(agency, "crawl/sections")]["sections"]


def test_the_communes_crawl_stays_in_its_folder(crawled):
    site = crawled["site"]
    urls = [s["url"] for s in _sections(crawled, "xa-phu-lam")]
    assert urls and all(u.startswith(site + COMMUNE) for u in urls), urls
    outside = [p for p in crawled["requests"]["xa-phu-lam"]
               if not p.startswith(COMMUNE) and p != "/robots.txt"]
    assert not outside, f"the commune's crawl asked for the district's pages: {outside}"
    # its work schedule is its own, not the district's ("Lịch công tác huyện" in its menu)
    obs = crawled["obs"][("xa-phu-lam", "posts/an-toan-thuc-pham")]
    assert obs["section"]["sections"] == [site + COMMUNE + "an-toan-thuc-pham/"]
    assert len(obs["posts"]) == 2


def test_the_districts_crawl_does_not_take_the_communes_sections(crawled):
    site = crawled["site"]
    urls = [s["url"] for s in _sections(crawled, "huyen-phu-tan")]
    assert urls and not [u for u in urls if u.startswith(site + COMMUNE)], urls
    assert not [p for p in crawled["requests"]["huyen-phu-tan"] if p.startswith(COMMUNE)]
    obs = crawled["obs"][("huyen-phu-tan", "posts/an-toan-thuc-pham")]
    assert obs["section"]["own"] is False and obs["posts"] == [], obs


@pytest.mark.parametrize("topic, criterion, why", [
    ("khieu-nai-to-cao", "3B/II/I/27", "HTTP 404"),
    ("lich-cong-tac", "3B/II/I/4", "no publication date"),
])
def test_posts_that_cannot_be_dated_are_not_assessed_never_zero(crawled, topic, criterion, why):
    obs = crawled["obs"][("xa-phu-lam", f"posts/{topic}")]
    assert obs["status"] == "failed", obs
    assert "2 posts found" in obs["reason"] and "none could be dated" in obs["reason"]
    assert why in obs["reason"], obs["reason"]
    points, status, reason = crawled["findings"][("xa-phu-lam", criterion)]
    assert points is None and status == "not_assessed" and "none could be dated" in reason
