"""The crawl and the score on a real CMS: Debian's WordPress 6.1 (Twenty Twenty-One, in
Vietnamese) set up as a commune portal on loopback (tests/wordpress/site.py, content.py).

What an inspector checks, against the ground truth WordPress itself wrote:
- each category meant for a topic is that topic's section, found from the menu;
- the topic's observation lists every in-window post of the category exactly once, with its
  day (local time), and no post that is not in the category (not the footer's "Bài viết mới",
  not another category's);
- the empty category is found and counted empty (status ok, no post);
- nothing but 127.0.0.1 was asked for;
- `inspector score` gives the criteria fed by those topics the points the scoring engine gives
  on perfect observations built from the truth.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest
from w3lib.url import canonicalize_url

from inspector.model.checklist import load_all
from inspector.scoring.engine import score_agency
from inspector.scoring.quantities import Context
from inspector.scoring.ratings import RatingTables

from ..outside import guarded_env, refusing_proxy
from .content import AS_OF, CATEGORIES, EMPTY_CATEGORY

pytestmark = pytest.mark.slow

AGENCY = "xa-my-hoa-hung"
CLI = [sys.executable, "-m", "inspector.cli"]
ROOT = Path(__file__).resolve().parents[2]
CRAWL_TIMEOUT_S = 600

# (category slug, topic) for every topic a category is meant for
CATEGORY_TOPICS = [(c["slug"], t) for c in CATEGORIES for t in c["topics"]]
TOPICS = sorted({t for _, t in CATEGORY_TOPICS})
# The criteria of the commune checklists fed by those topics (posts inputs).
CRITERIA = [c.id for checklist in load_all() if checklist.level == "commune"
            for c in checklist.criteria
            if c.input.get("kind") == "posts" and c.input.get("topic") in TOPICS]


def canonical(url: str) -> str:
    return canonicalize_url(url)


@pytest.fixture(scope="module")
def outside_guard():
    """A proxy for the crawl process that records any request to a host but 127.0.0.1."""
    with refusing_proxy() as guard:
        yield guard


@pytest.fixture(scope="module")
def crawled(wordpress, outside_guard, tmp_path_factory):
    """Import a register with the commune, crawl it, score it: the observations and findings."""
    proxy, _ = outside_guard
    ws = tmp_path_factory.mktemp("ws-wordpress")
    register = ws / "register.yaml"
    register.write_text(
        "province: {name: An Giang, tthc_total: 1850}\n"
        "agencies:\n"
        f"  - id: {AGENCY}\n"
        f"    name: {wordpress.truth['site']['name']}\n"
        "    level: commune\n"
        "    parent: null\n"
        f"    portal: {wordpress.home}\n"
        "    tthc_total: 90\n", encoding="utf-8")
    env = guarded_env(proxy)
    imported = subprocess.run(CLI + ["registry", "import", "-w", str(ws), str(register)],
                              capture_output=True, text=True, env=env, cwd=ROOT)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    began = time.monotonic()
    crawl = subprocess.run(CLI + ["crawl", "-w", str(ws), "--as-of", AS_OF.isoformat(),
                                  "--no-screenshots"],
                           capture_output=True, text=True, env=env, cwd=ROOT,
                           timeout=CRAWL_TIMEOUT_S)
    crawl_seconds = time.monotonic() - began
    output = ws / "crawl-output.txt"
    output.write_text(f"$ inspector crawl (exit {crawl.returncode}, {crawl_seconds:.1f} s)\n"
                      f"{crawl.stdout}{crawl.stderr}", encoding="utf-8")
    wordpress.extra_logs.append(output)
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    score = subprocess.run(CLI + ["score", "-w", str(ws), "--as-of", AS_OF.isoformat()],
                           capture_output=True, text=True, env=env, cwd=ROOT)
    assert score.returncode == 0, score.stdout + score.stderr
    conn = sqlite3.connect(ws / "inspector.db")
    try:
        observations = {}
        for key, status, reason, value in conn.execute(
                "select key, status, reason, value from observations where agency_id = ?",
                [AGENCY]):
            observations[key] = {"status": status, "reason": reason,
                                 **(json.loads(value) if value else {})}
        findings = {row[0]: {"points": row[1], "status": row[2], "reason": row[3],
                             "metrics": json.loads(row[4]) if row[4] else {}}
                    for row in conn.execute(
                        "select criterion_id, points, status, reason, metrics from findings "
                        "where agency_id = ?", [AGENCY])}
    finally:
        conn.close()
    print(f"\nWordPress site set up in {wordpress.timings.get('total')} s "
          f"({wordpress.timings}); crawl {crawl_seconds:.1f} s")
    return {"workspace": ws, "observations": observations, "findings": findings,
            "crawl_output": crawl.stdout + crawl.stderr, "crawl_seconds": crawl_seconds}


def _category(truth: dict, slug: str) -> dict:
    return next(c for c in truth["categories"] if c["slug"] == slug)


def _where(truth: dict) -> dict[str, str]:
    """Every post URL of the site → its categories (for the messages)."""
    return {canonical(p["url"]): ",".join(p["categories"]) for p in truth["posts"]}


def _listing_page(category: dict, url: str, per_page: int) -> int:
    index = [canonical(p["url"]) for p in category["posts"]].index(canonical(url))
    return index // per_page + 1


# -- the site is what the tests rely on ----------------------------------------------------------
def test_site_is_as_planned(wordpress_truth):
    """The ground truth holds the traps the other tests count on (a guard against the plan
    drifting): later listing pages with in-window posts, window edges, the empty category."""
    truth = wordpress_truth
    assert truth["site"]["language"] == "vi" and truth["site"]["theme"] == "twentytwentyone"
    assert truth["recent_posts_widget"]["title"] == "Bài viết mới"
    per_page = truth["site"]["posts_per_page"]
    news = _category(truth, "tin-tuc-su-kien")
    assert len(news["listing_pages"]) == 3
    assert any(p["in_window"] for p in news["posts"][2 * per_page:]), "page 3 has window posts"
    for slug in ("chi-dao-dieu-hanh", "lich-cong-tac", "an-toan-thuc-pham"):
        posts = _category(truth, slug)["posts"]
        assert any(p["in_window"] for p in posts[per_page:]), f"{slug}: page 2 has window posts"
    days = {p["published"][:10] for p in truth["posts"]}
    assert {"2025-11-01", "2025-10-31", "2026-10-31", "2026-11-01"} <= days
    assert _category(truth, EMPTY_CATEGORY)["posts"] == []
    assert sum(1 for p in truth["posts"] if len(p["categories"]) == 2) == 2
    assert truth["sticky"]


# -- the crawl's observations --------------------------------------------------------------------
def test_crawl_read_the_portal_as_wordpress(crawled, wordpress):
    notes = crawled["observations"]["crawl/notes"]
    assert notes["status"] == "ok"
    assert notes["platform"] == "wordpress", notes
    assert not notes.get("notes"), notes["notes"]


@pytest.mark.parametrize("slug, topic", CATEGORY_TOPICS, ids=[f"{s}:{t}" for s, t in CATEGORY_TOPICS])
def test_category_is_the_topic_section(crawled, wordpress_truth, slug, topic):
    """The category, linked from the menu, is the topic's own section, and every listing page
    holding in-window posts was read."""
    category = _category(wordpress_truth, slug)
    obs = crawled["observations"].get(f"posts/{topic}")
    assert obs is not None, f"no observation posts/{topic}"
    assert obs["status"] == "ok", obs.get("reason")
    section = obs["section"]
    assert section["found"] and section["own"], section
    read = {canonical(u) for u in section["urls"]}
    assert canonical(category["url"]) in read, (category["url"], section)
    per_page = wordpress_truth["site"]["posts_per_page"]
    needed = {canonical(category["listing_pages"][i // per_page])
              for i, p in enumerate(category["posts"]) if p["in_window"]}
    assert needed <= read, f"listing pages with window posts not read: {sorted(needed - read)}"
    foreign = read - {canonical(u) for u in category["listing_pages"]}
    assert not foreign, f"pages of the section that are not this category's listing: {foreign}"


@pytest.mark.parametrize("slug, topic", CATEGORY_TOPICS, ids=[f"{s}:{t}" for s, t in CATEGORY_TOPICS])
def test_every_window_post_counted_once_with_its_day(crawled, wordpress_truth, slug, topic):
    category = _category(wordpress_truth, slug)
    obs = crawled["observations"][f"posts/{topic}"]
    assert obs["status"] == "ok", obs.get("reason")
    listed: dict[str, list[dict]] = {}
    for post in obs["posts"]:
        listed.setdefault(canonical(post["url"]), []).append(post)
    per_page = wordpress_truth["site"]["posts_per_page"]
    missing, twice, wrong_day = [], [], []
    for post in category["posts"]:
        rows = listed.get(canonical(post["url"]), [])
        where = f"page {_listing_page(category, post['url'], per_page)}"
        if len(rows) > 1:
            twice.append((post["url"], len(rows)))
        if not rows:
            if post["in_window"]:
                missing.append((post["published"], post["title"], where))
            continue
        day = (rows[0].get("published") or "")[:10]
        if day != post["published"][:10]:
            wrong_day.append((post["title"], where, f"site {post['published']}",
                              f"crawl {rows[0].get('published')}"))
    assert not missing, f"{len(missing)} in-window posts of '{category['name']}' not counted: {missing}"
    assert not twice, f"posts listed more than once: {twice}"
    assert not wrong_day, f"posts with the wrong day: {wrong_day}"


@pytest.mark.parametrize("slug, topic", CATEGORY_TOPICS, ids=[f"{s}:{t}" for s, t in CATEGORY_TOPICS])
def test_counted_posts_carry_their_titles(crawled, wordpress_truth, slug, topic):
    """The title as the site shows it (criteria pick reports by title words: "quý", "năm")."""
    category = _category(wordpress_truth, slug)
    shown = {canonical(p["url"]): p["title"] for p in category["posts"]}
    wrong = [(post.get("title"), shown[canonical(post["url"])])
             for post in crawled["observations"][f"posts/{topic}"].get("posts", [])
             if canonical(post["url"]) in shown
             and _words(post.get("title")) != _words(shown[canonical(post["url"])])]
    assert not wrong, f"titles (crawl, site): {wrong}"


def _words(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


@pytest.mark.parametrize("slug, topic", CATEGORY_TOPICS, ids=[f"{s}:{t}" for s, t in CATEGORY_TOPICS])
def test_no_post_from_outside_the_category(crawled, wordpress_truth, slug, topic):
    """Not the footer's "Bài viết mới", not another category's posts, not pages or menus."""
    category = _category(wordpress_truth, slug)
    obs = crawled["observations"][f"posts/{topic}"]
    own = {canonical(p["url"]) for p in category["posts"]}
    widget = {canonical(u) for u in wordpress_truth["recent_posts_widget"]["posts"]}
    where = _where(wordpress_truth)
    foreign = []
    for post in obs.get("posts", []):
        url = canonical(post["url"])
        if url in own:
            continue
        origin = where.get(url, "not a post")
        if url in widget:
            origin += "; in the 'Bài viết mới' widget"
        foreign.append((post.get("published"), post.get("title"), url, origin))
    assert not foreign, f"{len(foreign)} posts counted for {topic} that are not in " \
                        f"'{category['name']}': {foreign}"


def test_empty_category_found_and_counted_empty(crawled, wordpress_truth):
    category = _category(wordpress_truth, EMPTY_CATEGORY)
    obs = crawled["observations"][f"posts/{category['topic']}"]
    assert obs["status"] == "ok", obs.get("reason")
    assert obs["section"]["found"] and obs["section"]["own"], obs["section"]
    assert canonical(category["url"]) in {canonical(u) for u in obs["section"]["urls"]}
    assert obs["posts"] == [], obs["posts"]


def test_no_request_left_loopback(crawled, wordpress, outside_guard):
    """Every request the site answered was addressed to 127.0.0.1:PORT (the router logs the
    Host header), the crawler's among them, and none went to any other host."""
    _, outside = outside_guard
    assert not outside, f"requests to other hosts: {outside}"
    requests = wordpress.requests()
    crawler = [r for r in requests if (r.get("agent") or "").startswith("inspector/")]
    assert crawler, "the access log has no request of the crawler"
    own = f"127.0.0.1:{wordpress.port}"
    elsewhere = [r for r in requests if r.get("host") != own or not r["uri"].startswith("/")]
    assert not elsewhere, elsewhere[:10]


# -- the score -------------------------------------------------------------------------------------
def perfect_observations(truth: dict) -> dict[str, dict]:
    """What a perfect crawl stores for the categories' topics: the category as the topic's own
    section, every post with its local time."""
    obs = {}
    for category in truth["categories"]:
        for topic in category["topics"]:
            obs[f"posts/{topic}"] = {
                "status": "ok",
                "section": {"found": True, "own": True,
                            "how": ["submenu" if category["menu_parent"] else "menu"],
                            "names": [category["name"]], "urls": category["listing_pages"]},
                "posts": [{"url": p["url"], "title": p["title"], "published": p["published"]}
                          for p in category["posts"]]}
    return obs


@pytest.fixture(scope="module")
def expected_findings(wordpress_truth):
    ctx = Context(agency_id=AGENCY, level="commune", tthc_total=90, province_tthc_total=1850,
                  observations=perfect_observations(wordpress_truth))
    result = score_agency(load_all(), ctx, AS_OF, RatingTables.load())
    return {f.criterion_id: f for f in result.findings}


@pytest.mark.parametrize("criterion", CRITERIA)
def test_criterion_points_match_a_perfect_crawl(crawled, expected_findings, criterion):
    want = expected_findings[criterion]
    got = crawled["findings"][criterion]
    counted = [(p["published"], p["title"]) for p in got["metrics"].get("posts", [])]
    perfect = [(p["published"], p["title"]) for p in want.metrics.get("posts", [])]
    assert got["points"] == want.points, (
        f"{criterion}: {got['points']} points ({got['status']}"
        f"{', ' + got['reason'] if got['reason'] else ''}), a perfect crawl gives "
        f"{want.points}; counted {len(counted)} window posts, perfect {len(perfect)}; "
        f"extra {sorted(set(counted) - set(perfect))}; missing {sorted(set(perfect) - set(counted))}")
