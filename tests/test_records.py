"""The typed records crossing packages: a service's verdict is written once by the checker and
read back equal by scoring, the review page and the exports (one serialiser)."""

from __future__ import annotations

from pathlib import Path

from inspector.records.services import AttemptRecord, ServiceVerdict, put_verdict, verdicts
from inspector.records.workspace import Workspace, loads
from tests.cli import invoke

DATA = Path(__file__).parent / "data"

VERDICT = ServiceVerdict(
    recognised=False, status="not_recognised", check="journey", check_reason="level 4",
    playbook="dvc-chuan", catalog_code="1.005644", procedures=["1.005644", "1.004822"],
    match={"code": "1.005644", "name": "Cấp giấy phép", "score": 96.5, "threshold": 85,
           "matched": True},
    next_check_at=None, review=["needs_human"],
    attempts=[AttemptRecord(at="2026-11-26T01:10:00+00:00", started_at="2026-11-26T01:09:00+00:00",
                            kind="journey", purpose="first", playbook="dvc-chuan",
                            outcome="failed", failed_step="submit", reason="HTTP 500",
                            steps=[{"name": "submit", "screenshot": "screenshots/ab/ab.png"}],
                            evidence=[{"kind": "screenshot", "path": "screenshots/ab/ab.png",
                                       "sha256": "ab", "url": "http://127.0.0.1:1/x"}])],
    reopened={"at": "2026-11-20T08:00:00+00:00", "by": "duyet", "reason": "phản ánh"},
    reason="failed at submit, confirmed by its re-check")


def test_a_verdict_reads_back_equal(tmp_path: Path):
    invoke("registry", "import", "-w", str(tmp_path / "ws"), str(DATA / "register.yaml"))
    ws = Workspace(tmp_path / "ws")
    try:
        put_verdict(ws, "so-tttt", "so-tttt:abc", VERDICT, run_id="test")
        assert verdicts(ws, "so-tttt") == {"so-tttt:abc": VERDICT}
        assert verdicts(ws, "huyen-cho-moi") == {}
        row = ws.db.execute("select value, reason from observations where key = "
                            "'service/so-tttt:abc'").fetchone()
    finally:
        ws.close()
    stored = loads(row[0])
    # the reason lives in the observation's own column; attempts say whether they succeeded
    assert row[1] == VERDICT.reason and "reason" not in stored
    assert stored["attempts"][0]["ok"] is False and stored["reopened"]["by"] == "duyet"


def test_a_verdict_stored_before_procedures_were_recorded_says_so():
    legacy = ServiceVerdict.from_json({"recognised": True, "status": "recognised"})
    assert legacy.procedures is None and legacy.attempts == [] and legacy.last_attempt is None
