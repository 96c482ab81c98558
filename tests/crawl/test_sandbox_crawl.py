"""The crawl of the whole sandbox province: it finishes, stays within each portal's page budget,
classifies every fault as not assessed (never 0), and comes close to the ground truth."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import date

import pytest

from inspector.sandbox.accuracy import measure
from inspector.records.workspace import Workspace
from tests.conftest import AS_OF

pytestmark = [pytest.mark.slow, pytest.mark.browser]

BUDGET = 1500


@pytest.fixture(scope="module")
def crawled(sandbox, tmp_path_factory):
    ws = tmp_path_factory.mktemp("crawl-ws")
    register = ws / "register.yaml"
    shutil.copy(sandbox.out_dir / "register.yaml", register)
    cli = [sys.executable, "-m", "inspector.cli"]
    reports = sorted(str(p) for p in (sandbox.out_dir / "bao-cao").glob("*.xlsx"))
    for args in (["registry", "import", "-w", str(ws), str(register)],
                 ["survey", "import", "-w", str(ws), *reports],
                 # Scrapy's reactor runs once per process: the crawl is its own process
                 # screenshots are tested on the real portal; 300 of them here add minutes
                 ["crawl", "-w", str(ws), "--as-of", AS_OF.isoformat(), "--delay", "0",
                  "--budget", str(BUDGET), "--no-screenshots"],
                 ["score", "-w", str(ws), "--as-of", AS_OF.isoformat()]):
        run = subprocess.run(cli + args, capture_output=True, text=True, timeout=900)
        assert run.returncode == 0, (args[0], run.stdout[-2000:], run.stderr[-4000:])
    return ws


def _db(ws):
    return sqlite3.connect(ws / "inspector.db")


def test_every_portal_stays_within_its_page_budget(crawled, truth):
    conn = _db(crawled)
    counts = json.loads(conn.execute("select counts from runs where command = 'crawl'").fetchone()[0])
    conn.close()
    pages = {aid: summary["pages"] for aid, summary in counts["agencies"].items()}
    assert all(n <= BUDGET for n in pages.values()), pages
    trapped = [a["id"] for a in truth["agencies"]
               if {"calendar_trap", "language_loop"} & set(a["troubles"])]
    assert trapped and all(pages[aid] > 0 for aid in trapped)


def test_faults_end_as_classified_not_assessed(crawled, truth):
    conn = _db(crawled)
    down = next(a["id"] for a in truth["agencies"] if "down" in a["troubles"])
    statuses = conn.execute("select distinct status, reason from observations where agency_id = ? "
                            "and key like 'posts/%'", [down]).fetchall()
    assert statuses == [("failed", "connection refused: the portal is down")]
    scored = conn.execute("select status, count(*) from findings where agency_id = ? and "
                          "category_id = '1B/III' group by status", [down]).fetchall()
    assert scored == [("not_assessed", 40)]
    for trouble in ("https_self_signed", "intermittent_503", "slow"):
        agency = next(a["id"] for a in truth["agencies"] if trouble in a["troubles"])
        failed = conn.execute("select count(*) from observations where agency_id = ? and "
                              "status = 'failed'", [agency]).fetchone()[0]
        assert failed == 0, (trouble, agency)
    conn.close()


def test_crawl_comes_close_to_the_ground_truth(crawled, truth):
    ws = Workspace(crawled)
    try:
        result = measure(truth, ws, date.fromisoformat(truth["as_of"]))
    finally:
        ws.close()
    shares = {name: right / total for name, (right, total) in
              ((n, result[n]) for n in ("posts", "sections", "points"))}
    assert shares["posts"] >= 0.99, result["misses"].most_common(10)
    assert shares["sections"] >= 0.95, result["details"][:20]
    assert shares["points"] >= 0.95, result["details"][:20]


def test_every_counted_post_is_listed_with_its_date(crawled):
    conn = _db(crawled)
    rows = conn.execute("select metrics from findings where criterion_id like '2B/II/I/%' and "
                        "status = 'auto'").fetchall()
    conn.close()
    listed = [p for (metrics,) in rows for p in json.loads(metrics).get("posts", [])]
    assert listed and all(p["url"].startswith("http://127.0.0.1:") or
                          p["url"].startswith("https://127.0.0.1:") for p in listed)
    assert all(p["published"] for p in listed)
