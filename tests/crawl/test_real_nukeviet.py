"""The crawl on a real NukeViet 4.5 commune portal (its default theme, captured with its truth
in shared/fixtures/real/nukeviet-4.5-commune), served read-only on loopback, as of 31/10/2026:
every category's window posts found once with the dates of truth.json, the empty categories
counted as empty, nothing asked of another host."""

from __future__ import annotations

import functools
import json
import sqlite3
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from w3lib.url import canonicalize_url

from tests.outside import guarded_env, refusing_proxy

FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "real" / \
    "nukeviet-4.5-commune"
AS_OF = "2026-10-31"
AGENCY = "xa-phu-lam"
CLI = [sys.executable, "-m", "inspector.cli"]

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (FIXTURE / "truth.json").is_file(),
                                reason=f"the real NukeViet capture is not beside the checkout: "
                                       f"{FIXTURE}")]


@pytest.fixture(scope="module")
def truth():
    return json.loads((FIXTURE / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def portal():
    """The capture, read-only, as http.server serves it (directory URLs → index.html, a 301
    to the slash as NukeViet does); every request's path is kept."""
    requests: list[str] = []

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(FIXTURE), **kwargs)

        def do_POST(self):
            self.send_error(405)

        def log_message(self, format, *args):
            requests.append(f"{self.command} {self.path} {args[1] if len(args) > 1 else ''}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def crawled(portal, tmp_path_factory):
    base, _ = portal
    ws = tmp_path_factory.mktemp("ws-nukeviet")
    register = ws / "register.yaml"
    register.write_text(
        "province: {name: An Giang, tthc_total: 1850}\n"
        "agencies:\n"
        f"  - id: {AGENCY}\n"
        "    name: UBND xã Phú Lâm\n"
        "    level: commune\n"
        f"    portal: {base}/\n"
        "    tthc_total: 100\n", encoding="utf-8")
    with refusing_proxy() as (proxy, outside):
        env = guarded_env(proxy)
        done = subprocess.run(CLI + ["registry", "import", "-w", str(ws), str(register)],
                              capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
        run = subprocess.run(CLI + ["crawl", "-w", str(ws), "--as-of", AS_OF, "--no-screenshots"],
                             capture_output=True, text=True, env=env, timeout=600)
        assert run.returncode == 0, run.stdout + run.stderr
        elsewhere = list(outside)
    conn = sqlite3.connect(ws / "inspector.db")
    try:
        observations = {key: {"status": status, "reason": reason, **json.loads(value or "{}")}
                        for key, status, reason, value in conn.execute(
                            "select key, status, reason, value from observations")}
    finally:
        conn.close()
    return {"base": base, "observations": observations, "outside": elsewhere,
            "output": run.stdout + run.stderr}


def _url(crawled, path: str) -> str:
    return canonicalize_url(crawled["base"] + path)


@functools.lru_cache(maxsize=None)
def _categories() -> list[str]:
    data = json.loads((FIXTURE / "truth.json").read_text(encoding="utf-8")) \
        if (FIXTURE / "truth.json").is_file() else {"categories": []}
    return [c["url"] for c in data["categories"]]


def _section(crawled, path: str) -> dict:
    sections = crawled["observations"]["crawl/sections"]["sections"]
    found = [s for s in sections if canonicalize_url(s["url"]) == _url(crawled, path)]
    assert found, f"the category {path} was not read as a section " \
                  f"(read: {[s['url'] for s in sections]})"
    return found[0]


@pytest.mark.parametrize("path", _categories())
def test_every_category_counts_its_window_posts_once_with_their_dates(crawled, truth, path):
    category = next(c for c in truth["categories"] if c["url"] == path)
    section = _section(crawled, path)
    listed: dict[str, list[dict]] = {}
    for post in section["posts"]:
        listed.setdefault(canonicalize_url(post["url"]), []).append(post)
    missing, wrong_day = [], []
    for post in category["posts"]:
        rows = listed.get(_url(crawled, post["url"]), [])
        assert len(rows) <= 1, f"listed {len(rows)} times: {post['url']}"
        if not post["in_window"]:
            continue
        if not rows:
            missing.append((post["published"], post["title"]))
        elif (rows[0]["published"] or "")[:10] != post["published_iso"][:10]:
            wrong_day.append((post["title"], post["published"], rows[0]["published"]))
    assert not missing, f"{category['title']}: window posts not found: {missing}"
    assert not wrong_day, f"{category['title']}: wrong dates: {wrong_day}"
    own = {_url(crawled, p["url"]) for p in category["posts"]}
    foreign = [p["url"] for p in section["posts"] if canonicalize_url(p["url"]) not in own]
    assert not foreign, f"{category['title']}: posts of other categories or boxes: {foreign}"


def test_the_listing_pages_holding_window_posts_were_read(crawled, truth):
    for category in truth["categories"]:
        read = {canonicalize_url(u) for u in _section(crawled, category["url"])["pages"]}
        needed = {_url(crawled, p["listing_page"]) for p in category["posts"] if p["in_window"]}
        assert needed <= read, (category["title"], sorted(needed - read))


def test_empty_categories_are_found_and_counted_empty(crawled, truth):
    empty = [c for c in truth["categories"] if not c["posts"]]
    assert len(empty) == 2
    for category in empty:
        section = _section(crawled, category["url"])
        assert section["posts"] == [] and not section["failed"], section
        for topic in section["topics"]:
            obs = crawled["observations"][f"posts/{topic}"]
            # its own section exists and is empty: no "Tin xem nhiều" post, nothing borrowed
            assert obs["status"] == "ok" and obs["section"]["own"] and obs["posts"] == [], obs


def test_topics_take_their_categories_posts(crawled, truth):
    """The method's topics get the categories an inspector would give them, and only those."""
    expected = {"pbgdpl": ["/tuyen-truyen-phap-luat/"], "lich-cong-tac": ["/lich-lam-viec/"],
                "chi-dao-dieu-hanh": ["/chi-dao-dieu-hanh/"],
                "an-toan-thuc-pham": ["/an-toan-thuc-pham/"],
                "khieu-nai-to-cao": ["/thong-bao-giay-moi/", "/tiep-cong-dan/"],
                "ngan-sach": ["/cong-khai-ngan-sach/"],
                "su-co-khan-cap": ["/phong-chong-thien-tai/"],
                "guong-dien-hinh": ["/guong-nguoi-tot-viec-tot/"]}
    for topic, paths in expected.items():
        obs = crawled["observations"][f"posts/{topic}"]
        assert obs["status"] == "ok" and obs["section"]["own"], (topic, obs)
        want = {_url(crawled, p["url"]) for c in truth["categories"] if c["url"] in paths
                for p in c["posts"]}
        got = {canonicalize_url(p["url"]) for p in obs["posts"]}
        assert got == want, (topic, sorted(got ^ want)[:5])
        assert obs["section"]["why"], obs["section"]


def test_nothing_was_asked_of_another_host(crawled, portal):
    """The capture links facebook.com, youtube.com, twitter.com (share buttons on every
    article), nukeviet.vn and vinades.vn: none was requested, by Scrapy or by Chromium."""
    assert crawled["outside"] == [], crawled["outside"]
    _, requests = portal
    assert requests and all(r.split()[1].startswith("/") for r in requests)
