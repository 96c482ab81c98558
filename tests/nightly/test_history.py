"""Comparing an agency's findings between nightly runs and between years, and the run list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inspector.records.workspace import Workspace
from tests.cli import invoke

DATA = Path(__file__).parents[1] / "data"


def _run(ws: Workspace, run_id: str, as_of: str, started: str, findings: dict) -> None:
    ws.db["runs"].insert({"id": run_id, "command": "nightly", "as_of": as_of,
                          "started_at": started, "finished_at": started, "status": "ok",
                          "counts": json.dumps({"stages": {"crawl": {
                              "agencies": 3, "crawled": 3, "not_crawled": [],
                              "failures_by_class": {"timeout": 2}}}})})
    ws.db["finding_history"].insert_all([{
        "run_id": run_id, "agency_id": "so-tttt", "criterion_id": criterion, "as_of": as_of,
        "points": points, "max_points": 5, "status": status, "auto_points": points,
        "posts": posts, "reason": None, "recorded_at": started}
        for criterion, (points, status, posts) in findings.items()])


@pytest.fixture()
def ws_dir(tmp_path: Path) -> Path:
    ws_dir = tmp_path / "ws"
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    ws = Workspace(ws_dir)
    _run(ws, "nightly-2025-11-30-a", "2025-11-30", "2025-11-30T01:30:00+00:00",
         {"1B/III/2": (3, "auto", 7), "1B/III/10": (5, "auto", 0)})
    _run(ws, "nightly-2026-11-25-b", "2026-11-25", "2026-11-25T01:30:00+00:00",
         {"1B/III/2": (4, "auto", 9), "1B/III/10": (5, "auto", 0),
          "1B/III/6.1": (None, "not_assessed", 0)})
    _run(ws, "nightly-2026-11-26-c", "2026-11-26", "2026-11-26T01:30:00+00:00",
         {"1B/III/2": (5, "auto", 12), "1B/III/10": (0.5, "auto", 0),
          "1B/III/6.1": (None, "not_assessed", 0)})
    ws.close()
    return ws_dir


def test_the_last_two_runs_are_compared_by_default(ws_dir):
    out = invoke("history", "so-tttt", "-w", str(ws_dir))
    lines = out.splitlines()
    assert lines[0] == ("so-tttt: nightly-2026-11-25-b → nightly-2026-11-26-c: "
                        "2 tiêu chí thay đổi")
    assert "  1B/III/10: 5 (auto, 0 tin) → 0.5 (auto, 0 tin)" in lines
    assert "  1B/III/2: 4 (auto, 9 tin) → 5 (auto, 12 tin)" in lines


def test_years_compare_each_years_last_run(ws_dir):
    out = invoke("history", "so-tttt", "-w", str(ws_dir), "--before", "2025", "--after", "2026")
    assert out.startswith("so-tttt: nightly-2025-11-30-a → nightly-2026-11-26-c: 3 tiêu chí")
    assert "1B/III/6.1: không có trong lượt này → không đánh giá được (not_assessed, 0 tin)" \
        in out
    bad = invoke("history", "so-tttt", "-w", str(ws_dir), "--before", "2019", code=1)
    assert "không có lượt chạy đêm nào có ngày đánh giá trong năm 2019" in bad


def test_runs_lists_the_records_with_failures_by_class(ws_dir):
    out = invoke("runs", "-w", str(ws_dir))
    first = out.splitlines()[0]
    assert first.startswith("nightly-2026-11-26-c\tnightly\tok\t26/11/2026 01:30")
    assert "3/3 cổng" in first and "lỗi: timeout 2" in first
    records = json.loads(invoke("runs", "-w", str(ws_dir), "--json"))
    assert [r["id"] for r in records][:3] == ["nightly-2026-11-26-c", "nightly-2026-11-25-b",
                                               "nightly-2025-11-30-a"]


def test_runs_names_the_nightly_run_of_each_crawl_worker(ws_dir):
    ws = Workspace(ws_dir)
    ws.db["runs"].insert({"id": "crawl-2026-11-26T01:31:00-4242", "command": "crawl",
                          "as_of": "2026-11-26", "started_at": "2026-11-26T01:31:00+00:00",
                          "finished_at": "2026-11-26T01:40:00+00:00", "status": "ok",
                          "counts": json.dumps({"agencies": {"so-tttt": {}, "so-y-te": {}},
                                                "nightly_run": "nightly-2026-11-26-c"})})
    ws.close()
    first = invoke("runs", "-w", str(ws_dir)).splitlines()[0]
    assert first.startswith("crawl-2026-11-26T01:31:00-4242\tcrawl\tok\t26/11/2026 01:31")
    assert first.endswith(" · 2 cổng · thuộc lượt nightly-2026-11-26-c")
