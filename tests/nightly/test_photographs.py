"""Chromium off the crawl's path: a nightly crawl worker only crawls and sends back what it
read; the nightly photographs and writes each batch (one browser, whatever the number of
workers) while the workers crawl the next ones. Nothing a reviewer relies on is lost."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from inspector.crawl.worker import CrawlJob, CrawlOptions, finish, run_job
from inspector.records.workspace import Workspace
from tests.conftest import AS_OF

CLI = [sys.executable, "-m", "inspector.cli"]
AGENCIES = ("so-tttt", "huyen-an-phu")

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _register(sandbox, tmp_path: Path, ids) -> Path:
    data = yaml.safe_load((sandbox.out_dir / "register.yaml").read_text(encoding="utf-8"))
    data["agencies"] = [a for a in data["agencies"] if a["id"] in ids]
    register = tmp_path / "register.yaml"
    register.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    ws = tmp_path / "ws"
    subprocess.run(CLI + ["registry", "import", "-w", str(ws), str(register)], check=True,
                   capture_output=True)
    return ws


def _observation(db, agency: str, key: str) -> tuple[str, dict]:
    status, value = db.execute("select status, value from observations where agency_id = ? "
                               "and key = ?", [agency, key]).fetchone()
    return status, json.loads(value)


def _photographed_sections(db, agency: str) -> dict[str, set[str]]:
    """Each alive section's first listing page → the kinds of evidence its posts carry."""
    kinds: dict[str, set[str]] = {}
    for (value,) in db.execute("select value from observations where agency_id = ? and key "
                               "like 'posts/%' and status = 'ok'", [agency]):
        for ref in json.loads(value).get("evidence", []):
            kinds.setdefault(ref.get("url"), set()).add(ref["kind"])
    return kinds


def test_a_crawl_only_worker_stores_nothing_and_the_caller_photographs_and_writes(
        sandbox, tmp_path: Path):
    ws = _register(sandbox, tmp_path, AGENCIES[:1])
    job = CrawlJob(ws, AS_OF, AGENCIES[:1], CrawlOptions(delay=0.0), crawl_only=True)
    read = run_job(job)
    assert read.ok and read.batch is not None and not read.agencies
    db = sqlite3.connect(ws / "inspector.db")
    # what the crawl read is not written yet: no observation, no screenshot, no run record
    assert db.execute("select count(*) from observations").fetchone() == (0,)
    assert db.execute("select count(*) from evidence where kind = 'screenshot'"
                      ).fetchone() == (0,)
    assert db.execute("select count(*) from runs where command = 'crawl'").fetchone() == (0,)

    written = finish(ws, read)
    assert written.ok and read.batch is None          # the states are let go once written
    summary = written.agencies["so-tttt"]
    assert summary["posts"] > 0 and summary["failure"] is None
    status, mobile = _observation(db, "so-tttt", "feature/mobile")
    assert status == "ok" and mobile["evidence"][0]["path"].endswith(".webp")
    photographed = _photographed_sections(db, "so-tttt")
    assert photographed and all({"html", "screenshot", "crop"} <= kinds
                                for kinds in photographed.values()), photographed
    assert db.execute("select count(*) from runs where command = 'crawl' and status = 'ok'"
                      ).fetchone() == (1,)


def test_a_nightly_photographs_every_batch_its_workers_read(sandbox, tmp_path: Path):
    ws = _register(sandbox, tmp_path, AGENCIES)
    run = subprocess.run(CLI + ["nightly", "-w", str(ws), "--as-of", AS_OF.isoformat(),
                                "--delay", "0", "--workers", "2", "--batch", "1"],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    db = sqlite3.connect(ws / "inspector.db")
    assert db.execute("select status from runs where command = 'nightly'").fetchone() == ("ok",)
    crawls = db.execute("select counts from runs where command = 'crawl'").fetchall()
    assert sorted(a for (c,) in crawls for a in json.loads(c)["agencies"]) == sorted(AGENCIES)
    for agency in AGENCIES:
        assert _observation(db, agency, "feature/mobile")[0] == "ok"
        photographed = _photographed_sections(db, agency)
        assert photographed and all("crop" in kinds for kinds in photographed.values())
    workspace = Workspace(ws)
    try:
        from inspector.records.evidence import verify

        checked = verify(workspace)
    finally:
        workspace.close()
    assert not checked["missing"] and not checked["mismatch"]


def test_a_browser_that_cannot_start_leaves_the_crawl_written_and_the_pictures_not_assessed(
        sandbox, tmp_path: Path):
    ws = _register(sandbox, tmp_path, AGENCIES[:1])
    env = dict(os.environ, INSPECTOR_CHROMIUM="/bin/false")
    run = subprocess.run(CLI + ["nightly", "-w", str(ws), "--as-of", AS_OF.isoformat(),
                                "--delay", "0"], capture_output=True, text=True, timeout=900,
                         env=env)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    db = sqlite3.connect(ws / "inspector.db")
    status, _ = _observation(db, "so-tttt", "feature/mobile")
    assert status == "failed"
    reason = db.execute("select reason from observations where agency_id = 'so-tttt' and "
                        "key = 'feature/mobile'").fetchone()[0]
    assert reason.startswith("Chromium:"), reason
    assert db.execute("select count(*) from observations where agency_id = 'so-tttt' and key "
                      "like 'posts/%' and status = 'ok'").fetchone()[0] > 0
    # the criterion fed by the mobile check waits for a reviewer; it is not scored 0
    mobile = db.execute("select status, points from findings where agency_id = 'so-tttt' "
                        "and reason like '%Chromium%'").fetchall()
    assert mobile and all(row == ("not_assessed", None) for row in mobile), mobile


def test_an_unchanged_portal_keeps_its_photographs_without_a_browser(sandbox, tmp_path: Path):
    ws = _register(sandbox, tmp_path, AGENCIES[:1])
    nightly = CLI + ["nightly", "-w", str(ws), "--as-of", AS_OF.isoformat(), "--delay", "0"]
    first = subprocess.run(nightly, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, (first.stdout + first.stderr)[-3000:]
    db = sqlite3.connect(ws / "inspector.db")
    before = _observation(db, "so-tttt", "feature/mobile")[1]["evidence"]
    shots = db.execute("select count(*) from evidence where kind = 'screenshot'").fetchone()
    # the next night, no page changed: Chromium could not even start, and need not
    env = dict(os.environ, INSPECTOR_CHROMIUM="/bin/false")
    second = subprocess.run(nightly, capture_output=True, text=True, timeout=900, env=env)
    assert second.returncode == 0, (second.stdout + second.stderr)[-3000:]
    assert db.execute("select count(*) from runs where command = 'nightly' and status = 'ok'"
                      ).fetchone() == (2,)
    status, mobile = _observation(db, "so-tttt", "feature/mobile")
    assert status == "ok" and mobile["evidence"] == before
    photographed = _photographed_sections(db, "so-tttt")
    assert photographed and all({"screenshot", "crop"} <= kinds
                                for kinds in photographed.values()), photographed
    assert db.execute("select count(*) from evidence where kind = 'screenshot'"
                      ).fetchone() == shots
