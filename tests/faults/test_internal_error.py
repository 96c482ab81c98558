"""A bug of the crawler's own code while it reads one portal (an exception in a callback, which
Scrapy only logs) makes that portal's results not assessed, with a reason that says so, and is
counted as `internal` in the nightly run record; the other portals of the crawl are untouched.

Without this, the page's work stops half way: here the second listing page of a section is
never parsed, and the section would be scored on its first page's posts alone."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from inspector.crawl.failures import reason_class
from tests.conftest import AS_OF
from tests.faults.server import FaultServer, Site

pytestmark = pytest.mark.slow

SECTIONS = [("Tin tức sự kiện", "tin-tuc-su-kien", None),
            ("Chỉ đạo điều hành", "chi-dao-dieu-hanh", None)]
BUGGY_PAGE = "/chuyen-muc/chi-dao-dieu-hanh?page=2"

# Loaded by every Python process of the run (PYTHONPATH), nightly's crawl workers included:
# the listing parser raises on one page of one portal, as a bug of ours would.
SITECUSTOMIZE = '''
import os
_url = os.environ.get("INSPECTOR_TEST_BUGGY_URL")
if _url:
    from inspector.crawl import listings
    _read = listings.read_listing

    def read_listing(html, url, *args, **kwargs):
        if url == _url:
            raise RuntimeError("injected bug in the listing parser")
        return _read(html, url, *args, **kwargs)

    listings.read_listing = read_listing
'''


@pytest.fixture(scope="module")
def nightly(tmp_path_factory):
    root = tmp_path_factory.mktemp("internal-error")
    ws, hook = root / "ws", root / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    server = FaultServer().start()
    try:
        portals = {"xa-loi": server.serve(Site("xa-loi", "UBND xã Có Lỗi", SECTIONS)),
                   "xa-lanh": server.serve(Site("xa-lanh", "UBND xã Lành", SECTIONS))}
        register = root / "register.yaml"
        register.write_text(yaml.safe_dump({
            "province": {"name": "An Giang", "tthc_total": 1850},
            "agencies": [{"id": aid, "name": aid, "level": "commune", "portal": url,
                          "tthc_total": 100} for aid, url in portals.items()]},
            allow_unicode=True), encoding="utf-8")
        buggy = portals["xa-loi"].rstrip("/") + BUGGY_PAGE
        env = {**os.environ, "INSPECTOR_TEST_BUGGY_URL": buggy,
               "PYTHONPATH": os.pathsep.join([str(hook), os.environ.get("PYTHONPATH", "")])}
        cli = [sys.executable, "-m", "inspector.cli"]
        done = subprocess.run(cli + ["registry", "import", "-w", str(ws), str(register)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        done = subprocess.run(cli + ["nightly", "-w", str(ws), "--as-of", AS_OF.isoformat(),
                                     "--no-screenshots", "--delay", "0", "--full"],
                              capture_output=True, text=True, timeout=300, env=env)
        assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-3000:])
        yield ws, buggy, done.stdout + done.stderr
    finally:
        server.stop()


def _observations(ws: Path, agency: str) -> dict[str, dict]:
    conn = sqlite3.connect(ws / "inspector.db")
    try:
        return {key: {"status": status, "reason": reason, "value": json.loads(value or "{}")}
                for key, status, reason, value in conn.execute(
                    "select key, status, reason, value from observations where agency_id = ?",
                    [agency])}
    finally:
        conn.close()


def test_the_buggy_portal_is_not_assessed_and_says_why(nightly):
    ws, buggy, _ = nightly
    observations = _observations(ws, "xa-loi")
    read = {k: v for k, v in observations.items() if k not in ("crawl/notes", "feature/mobile")}
    assert read and all(v["status"] == "failed" for v in read.values()), read
    reason = read["posts/chi-dao-dieu-hanh"]["reason"]
    assert reason.startswith(f"internal error of the crawler at {buggy}: RuntimeError: "
                             "injected bug in the listing parser"), reason
    assert reason_class(reason) == "internal"
    conn = sqlite3.connect(ws / "inspector.db")
    try:
        statuses = {s for (s,) in conn.execute(
            "select distinct status from findings where agency_id = 'xa-loi' and criterion_id in "
            "(select criterion_id from findings where agency_id = 'xa-lanh' and status = 'auto'"
            " and points > 0)")}
    finally:
        conn.close()
    # nothing the healthy twin scores from its pages is scored for the buggy one
    assert statuses == {"not_assessed"}, statuses


def test_the_other_portal_is_read_whole(nightly):
    ws, _, _ = nightly
    observations = _observations(ws, "xa-lanh")
    section = observations["posts/chi-dao-dieu-hanh"]
    assert section["status"] == "ok"
    assert sum("chi-dao-dieu-hanh-2-" in p["url"] for p in section["value"]["posts"]) >= 1
    assert not any(v["status"] == "failed" and "internal" in (v["reason"] or "")
                   for v in observations.values())


def test_the_run_record_counts_it_and_the_log_has_the_traceback(nightly):
    ws, buggy, output = nightly
    conn = sqlite3.connect(ws / "inspector.db")
    try:
        (counts,) = conn.execute("select counts from runs where command = 'nightly'").fetchone()
    finally:
        conn.close()
    by_class = json.loads(counts)["stages"]["crawl"]["failures_by_class"]
    assert by_class.get("internal", 0) >= 1, by_class
    log = "".join(p.read_text(encoding="utf-8") for p in (ws / "logs").glob("nightly-*.log"))
    assert "RuntimeError: injected bug in the listing parser" in log
    assert "Traceback" in log
    assert "lỗi nội bộ" in log + output
