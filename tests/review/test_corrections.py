"""A reviewer corrects which section is a topic's, through the page in Chromium: the topic is
derived again from what the crawl already read, the agency re-scored, the correction in the
audit log; the next crawl follows it; withdrawn, the crawl's own finding stands again.

The portal (served here on loopback) keeps its food-safety posts in a section named
"Chuyên đề", a name no topic's keywords carry: the crawl reads it (it is in the menu) but cannot
know it is the an-toan-thuc-pham section, and counts only the one food-safety post of the
general news. The reviewer knows better."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from inspector.browser import chromium
from inspector.review import accounts
from inspector.review.corrections import withdraw_correction
from inspector.review.server import ReviewServer
from inspector.records.workspace import Workspace

pytestmark = [pytest.mark.slow, pytest.mark.browser]

AS_OF = "2026-10-31"
AGENCY = "xa-hoa-binh"
TOPIC = "an-toan-thuc-pham"
CRITERION = "3B/II/I/12"            # >= 10 posts: 10; 3-9: 5; < 3: 0
PASSWORD = "mật-khẩu-đủ-dài-2026"
CLI = [sys.executable, "-m", "inspector.cli"]

NEWS = [(date(2026, 10, 20), "Hội nghị giao ban tháng 10/2026 của UBND xã"),
        (date(2026, 9, 12), "Kiểm tra an toàn thực phẩm dịp Tết Trung thu"),
        (date(2026, 7, 2), "Ra mắt mô hình dân vận khéo tại ấp Hòa Lợi"),
        (date(2026, 3, 15), "Đại hội chi hội nông dân ấp Hòa Thạnh")]
SPECIAL = [(date(2026 if m <= 10 else 2025, m, 10), f"Tuyên truyền an toàn thực phẩm tháng {m}")
           for m in (10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 12)]


def _page(title: str, main: str) -> str:
    menu = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in (
        ("/", "Trang chủ"), ("/tin-tuc/", "Tin tức - Sự kiện"), ("/chuyen-de/", "Chuyên đề"),
        ("/lien-he/", "Liên hệ")))
    return (f"<!doctype html><html lang=vi><head><meta charset=utf-8><title>{title}</title>"
            f"</head><body><header><h1>UBND xã Hòa Bình</h1><nav><ul>{menu}</ul></nav></header>"
            f"<main>{main}</main><footer>Cổng thông tin điện tử xã Hòa Bình</footer></body></html>")


def _listing(name: str, posts: list[tuple[date, str]], prefix: str) -> str:
    rows = "".join(f'<li><a href="/bai/{prefix}-{i}.html">{title}</a> '
                   f'<span>{day:%d/%m/%Y}</span></li>' for i, (day, title) in enumerate(posts))
    return _page(name, f"<h2>{name}</h2><ul>{rows}</ul>")


def _portal(environ, start_response):
    path = Request(environ).path
    pages = {"/": _page("Trang chủ", "<p>Chào mừng</p>"),
             "/tin-tuc/": _listing("Tin tức - Sự kiện", NEWS, "tin"),
             "/chuyen-de/": _listing("Chuyên đề", SPECIAL, "cd"),
             "/lien-he/": _page("Liên hệ", "<p>Địa chỉ: ấp Hòa Lợi. Điện thoại: 0296 3800 000</p>")}
    for prefix, posts in (("tin", NEWS), ("cd", SPECIAL)):
        for i, (day, title) in enumerate(posts):
            pages[f"/bai/{prefix}-{i}.html"] = _page(title, f"<h2>{title}</h2><p>Ngày đăng: "
                                                             f"{day:%d/%m/%Y}</p><p>Nội dung.</p>")
    body = pages.get(path)
    response = Response(body or "<h1>404</h1>", status=200 if body else 404,
                        mimetype="text/html")
    return response(environ, start_response)


def _cli(*args: str) -> str:
    done = subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _crawl_and_score(ws_dir: Path) -> None:
    # Scrapy's reactor runs once per process: each crawl is its own process, as from a shell
    _cli("crawl", "-w", str(ws_dir), "--as-of", AS_OF, "--no-screenshots")
    _cli("score", "-w", str(ws_dir), "--as-of", AS_OF)


def _db(ws_dir: Path, sql: str, args=()) -> list[tuple]:
    conn = sqlite3.connect(ws_dir / "inspector.db")
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def _finding(ws_dir: Path) -> tuple:
    return _db(ws_dir, "select points, status from findings where agency_id = ? and "
                       "criterion_id = ?", [AGENCY, CRITERION])[0]


def _observation(ws_dir: Path) -> dict:
    status, value = _db(ws_dir, "select status, value from observations where agency_id = ? "
                                "and key = ?", [AGENCY, f"posts/{TOPIC}"])[0]
    return {"status": status, **json.loads(value)}


@pytest.fixture(scope="module")
def portal():
    server = make_server("127.0.0.1", 0, _portal, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def workspace(portal, tmp_path_factory):
    ws_dir = tmp_path_factory.mktemp("corrections")
    register = ws_dir / "register.yaml"
    register.write_text("province: {name: An Giang, tthc_total: 1850}\nagencies:\n"
                        f"  - {{id: {AGENCY}, name: UBND xã Hòa Bình, level: commune, "
                        f"portal: '{portal}/', tthc_total: 80}}\n", encoding="utf-8")
    _cli("registry", "import", "-w", str(ws_dir), str(register))
    _crawl_and_score(ws_dir)
    ws = Workspace(ws_dir)
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER, display_name="Trần Thị Duyệt")
    ws.close()
    return ws_dir


def test_before_the_correction_the_topic_borrows_from_the_general_news(workspace, portal):
    obs = _observation(workspace)
    assert obs["status"] == "ok" and obs["section"]["own"] is False
    assert [p["title"] for p in obs["posts"]] == ["Kiểm tra an toàn thực phẩm dịp Tết Trung thu"]
    assert _finding(workspace) == (0.0, "auto")
    # the section with the posts was read all the same (it is in the menu)
    sections = json.loads(_db(workspace, "select value from observations where key = "
                                         "'crawl/sections'")[0][0])["sections"]
    special = next(s for s in sections if s["url"] == f"{portal}/chuyen-de/")
    assert len(special["posts"]) == len(SPECIAL) and special["topics"] == []


def test_a_reviewer_names_the_section_through_the_page(workspace, portal):
    with ReviewServer(workspace, port=0) as server, chromium() as browser:
        context = browser.new_context(locale="vi-VN")
        try:
            page = context.new_page()
            page.goto(server.url + "/")
            page.get_by_label("Tên đăng nhập").fill("duyet")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_load_state()
            page.goto(f"{server.url}/co-quan/{AGENCY}")
            row = page.locator(f"#cd-{TOPIC}")
            assert "tin tức chung" in row.inner_text()
            row.get_by_text("Chỉ ra chuyên mục của chủ đề").click()
            row.get_by_label("Địa chỉ chuyên mục").fill(f"{portal}/chuyen-de/")
            row.get_by_label("Lý do").fill("Chuyên mục Chuyên đề đăng tin an toàn thực phẩm")
            row.get_by_role("button", name="Lưu chuyên mục").click()
            page.wait_for_load_state()
            row = page.locator(f"#cd-{TOPIC}")
            text = row.inner_text()
            assert "Chuyên đề" in text and "named by a reviewer" in text, text
            assert "Chỉ định bởi duyet" in text and f"{len(SPECIAL)} tin bài" in text
            finding = page.locator(f"#tc-{CRITERION.replace('/', '-')}").inner_text()
            assert "10/10" in finding, finding
        finally:
            context.close()
    # re-scored from what was read, without crawling again
    assert _finding(workspace) == (10.0, "auto")
    obs = _observation(workspace)
    assert obs["section"]["own"] and obs["section"]["sections"] == [f"{portal}/chuyen-de/"]
    assert ("duyet", "section.is", f"{AGENCY}/{TOPIC}",
            "Chuyên mục Chuyên đề đăng tin an toàn thực phẩm") in _db(
        workspace, "select actor, action, subject, reason from audit_log")


def test_the_next_crawl_follows_the_correction(workspace, portal):
    _crawl_and_score(workspace)
    obs = _observation(workspace)
    assert obs["status"] == "ok" and obs["section"]["own"], obs
    assert obs["section"]["sections"] == [f"{portal}/chuyen-de/"]
    assert len(obs["posts"]) == len(SPECIAL)
    assert "named by a reviewer" in json.dumps(obs["section"]["why"], ensure_ascii=False)
    assert _finding(workspace) == (10.0, "auto")


def test_a_withdrawn_correction_gives_the_crawls_own_finding_back(workspace, portal):
    ws = Workspace(workspace)
    try:
        changed = withdraw_correction(ws, AGENCY, TOPIC, f"{portal}/chuyen-de/", "duyet",
                                      "Nhầm chuyên mục")
    finally:
        ws.close()
    assert f"posts/{TOPIC}" in changed
    assert _finding(workspace) == (0.0, "auto")
    assert ("duyet", "section.withdrawn", f"{AGENCY}/{TOPIC}", "Nhầm chuyên mục") in _db(
        workspace, "select actor, action, subject, reason from audit_log")


def test_a_section_that_is_not_the_topics_is_left_out(workspace, portal):
    """'Tin tức - Sự kiện' feeds the locality's information (3B/II/I/34) by its name; the
    reviewer says it does not: the topic then borrows by keywords from general news."""
    from inspector.review.corrections import correct_section

    ws = Workspace(workspace)
    try:
        before = json.loads(_db(workspace, "select value from observations where key = "
                                           "'posts/chinh-tri-xa-hoi'")[0][0])
        assert before["section"]["own"] and before["section"]["sections"] == [
            f"{portal}/tin-tuc/"]
        correct_section(ws, AGENCY, "chinh-tri-xa-hoi", f"{portal}/tin-tuc/", "is_not",
                        "duyet", "Tin tức chung không phải thông tin chính trị - xã hội")
        with pytest.raises(Exception, match="không tiêu chí nào của cấp này đếm tin bài"):
            correct_section(ws, AGENCY, "uu-dai-dau-tu", f"{portal}/tin-tuc/", "is", "duyet",
                            "x")
    finally:
        ws.close()
    after = json.loads(_db(workspace, "select value from observations where key = "
                                      "'posts/chinh-tri-xa-hoi'")[0][0])
    assert after["section"]["own"] is False
