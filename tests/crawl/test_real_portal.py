"""The crawl on a real government portal (Liferay, HTTrack mirror of sotttt.hanoi.gov.vn, 2022),
served on loopback: its legal-dissemination section is found from the home page and its 21
distinct posts (41 listing rows under three URLs) are counted once each with their dates."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.middleware.shared_data import SharedDataMiddleware
from werkzeug.serving import make_server
from werkzeug.wrappers import Response

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "real" / "sotttt-hanoi-2022"
AS_OF = "2014-08-31"  # the section's posts run from 08/2013 to 03/2016: the window takes both pages


def _not_found(environ, start_response):
    return Response("<h1>404</h1>", status=404, mimetype="text/html")(environ, start_response)


@pytest.fixture(scope="module")
def real_portal():
    if not FIXTURE.is_dir():
        pytest.skip(f"the real portal fixture is not here (no ../shared beside the "
                    f"checkout): {FIXTURE}")
    app = SharedDataMiddleware(_not_found, {"/": str(FIXTURE)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}/"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def crawled(real_portal, tmp_path_factory):
    ws = tmp_path_factory.mktemp("ws")
    register = ws / "register.yaml"
    register.write_text(
        "province: {name: Hà Nội, tthc_total: 1850}\n"
        "agencies:\n"
        "  - id: so-tttt-ha-noi\n"
        "    name: Sở Thông tin và Truyền thông Hà Nội\n"
        "    level: province\n"
        f"    portal: {real_portal}index.html\n"
        "    tthc_total: 120\n"
        # the same portal again, its legal-dissemination section named by the register
        "  - id: so-tttt-ha-noi-chi-dinh\n"
        "    name: Sở Thông tin và Truyền thông Hà Nội (chuyên mục chỉ định)\n"
        "    level: province\n"
        f"    portal: {real_portal}index.html\n"
        f"    sections: {{'1B/III/4.1': ['{real_portal}pctn.html']}}\n", encoding="utf-8")
    cli = [sys.executable, "-m", "inspector.cli"]
    imported = subprocess.run(cli + ["registry", "import", "-w", str(ws), str(register)],
                              capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    # Scrapy's reactor runs once per process: each crawl is its own process, as from a shell
    run = subprocess.run(cli + ["crawl", "-w", str(ws), "--as-of", AS_OF], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    conn = sqlite3.connect(ws / "inspector.db")
    rows = conn.execute("select agency_id, key, status, reason, value from observations").fetchall()
    conn.close()
    by_agency: dict[str, dict] = {}
    for agency, key, status, reason, value in rows:
        by_agency.setdefault(agency, {})[key] = {"status": status, "reason": reason,
                                                 **json.loads(value)}
    return by_agency


def test_legal_dissemination_section_found_and_each_post_counted_once(crawled):
    obs = crawled["so-tttt-ha-noi"]["posts/pbgdpl"]
    assert obs["status"] == "ok"
    assert obs["section"]["own"] is True
    assert any("Phổ biến, giáo dục pháp luật" in name or "luatthudo" in url
               for name in obs["section"]["names"] for url in obs["section"]["urls"])
    urls = [p["url"] for p in obs["posts"]]
    assert len(urls) == len(set(urls)) == 21
    assert all(p["published"] for p in obs["posts"])
    days = sorted(p["published"][:10] for p in obs["posts"])
    assert days[0] == "2013-08-26" and days[-1] == "2016-03-23"


def test_dead_menu_link_is_a_classified_failure_not_a_zero(crawled):
    # the menu's "Tin tức sự kiện" points to a page the mirror never had
    news = crawled["so-tttt-ha-noi"]["posts/tin-tuc-su-kien"]
    assert news["status"] == "failed"
    assert "404" in news["reason"]


def test_register_section_overrides_discovery(crawled):
    """The register names another section (anti-corruption news, 29 posts) for 1B/III/4.1's
    topic: it replaces the discovered one."""
    obs = crawled["so-tttt-ha-noi-chi-dinh"]["posts/pbgdpl"]
    assert obs["status"] == "ok" and obs["section"]["how"] == ["register"]
    assert all("pctn" in url for url in obs["section"]["urls"])
    assert len({p["url"] for p in obs["posts"]}) == 29


def test_counted_posts_carry_their_evidence(crawled, real_portal):
    """The section's first listing page backs the count: its HTML as fetched, a screenshot and
    a crop with the counted posts outlined, each stored under its SHA-256."""
    evidence = crawled["so-tttt-ha-noi"]["posts/pbgdpl"]["evidence"]
    kinds = {e["kind"] for e in evidence}
    assert {"html", "screenshot", "crop"} <= kinds
    crop = next(e for e in evidence if e["kind"] == "crop")
    assert crop["outlined"] == 20  # page 1 of the listing shows 20 of the 21 posts
    for ref in evidence:
        assert ref["path"].split("/")[-1].startswith(ref["sha256"])
