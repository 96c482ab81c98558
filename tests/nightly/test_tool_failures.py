"""When the tool itself fails, the run says so: a crawl worker's failure comes back as its class
and the path of its traceback, and a service stage that could not run (the browser does not
start, every attempt a tool error) leaves the run incomplete with exit status 3, the services'
verdicts unmoved and their checks still due."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from inspector.crawl.worker import CrawlJob, start_worker
from inspector.journeys.checker import Summary
from tests.conftest import AS_OF

CLI = [sys.executable, "-m", "inspector.cli"]


def test_a_worker_whose_crawl_raises_returns_the_class_and_its_traceback(tmp_path: Path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "inspector.db").write_bytes(b"this is not a database" * 100)
    result = start_worker(CrawlJob(ws, date(2026, 11, 30), ("so-tttt",)), timeout=120)
    assert not result.ok
    assert result.error_class == "UserError", result
    assert "file is not a database" in result.error
    assert result.agency_ids == ("so-tttt",) and result.exit_code == 0
    text = (ws / result.traceback_path).read_text(encoding="utf-8")
    assert result.traceback_path.startswith("logs/") and "Traceback" in text
    assert "file is not a database" in text
    assert result.describe()["traceback"] == result.traceback_path


def test_a_worker_past_its_time_is_stopped_and_says_so(tmp_path: Path):
    result = start_worker(CrawlJob(tmp_path / "ws", date(2026, 11, 30), ("so-tttt",)),
                          timeout=0.01)
    assert result.error_class == "Timeout"
    assert "longer than 0.01 s" in result.error
    assert result.exit_code is not None          # the process is gone, not left running


@pytest.mark.parametrize("attempts, tool_errors, failure, status", [
    (0, 0, None, "ok"),               # nothing was due
    (4, 1, None, "ok"),               # one tool error: that service is checked again later
    (4, 4, None, "failed"),           # every attempt a tool error: nothing concluded
    (2, 0, {"class": "TargetClosedError", "message": "browser closed",
            "traceback": "logs/x.traceback.txt"}, "failed"),
])
def test_a_service_stage_fails_when_nothing_could_be_concluded(attempts, tool_errors, failure,
                                                               status):
    summary = Summary(attempts=attempts, tool_errors=tool_errors, failure=failure)
    assert summary.status == status
    assert (summary.failure_line() is None) == (status == "ok")


@pytest.mark.slow
def test_a_nightly_whose_browser_cannot_start_is_not_done(sandbox, tmp_path: Path):
    ws = tmp_path / "ws"
    register = tmp_path / "register.yaml"
    # one agency of the sandbox, with its declared services
    import yaml

    data = yaml.safe_load((sandbox.out_dir / "register.yaml").read_text(encoding="utf-8"))
    data["agencies"] = [a for a in data["agencies"] if a["id"] == "so-tttt"]
    register.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    subprocess.run(CLI + ["registry", "import", "-w", str(ws), str(register)], check=True,
                   capture_output=True)
    # a "browser" that exits at once: Playwright cannot launch it
    env = dict(os.environ, INSPECTOR_CHROMIUM="/bin/false")
    run = subprocess.run(CLI + ["nightly", "-w", str(ws), "--as-of", AS_OF.isoformat(),
                                "--citizen", str(sandbox.out_dir / "citizen.yaml"),
                                "--delay", "0", "--no-screenshots"],
                         capture_output=True, text=True, timeout=900, env=env)
    output = run.stdout + run.stderr
    assert run.returncode == 3, output[-3000:]
    assert "kiểm tra DVCTT bị dừng vì lỗi công cụ" in output
    assert "Chưa trọn" in output and "Xong lượt chạy" not in output
    db = sqlite3.connect(ws / "inspector.db")
    status, counts = db.execute("select status, counts from runs where command = 'nightly'"
                                ).fetchone()
    services = json.loads(counts)["stages"]["services"]
    assert status == "incomplete" and services["status"] == "failed"
    assert (ws / services["failure"]["traceback"]).exists()
    checks = db.execute("select status, recognised from service_checks").fetchall()
    assert checks and all(recognised is None for _, recognised in checks), checks
    failed_check = db.execute("select status from runs where command = 'check-services'"
                              ).fetchone()
    assert failed_check == ("failed",)
