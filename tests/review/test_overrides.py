"""A reviewer's override stands through re-scoring until cleared, is flagged when the automatic
value moves beneath it, and every change and every agency answer is in the audit log."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest

from inspector.model.errors import UserError
from inspector.review.overrides import confirm_finding, respond, set_override
from inspector.records.workspace import Workspace
from inspector.records.observations import put as put_observation
from tests.cli import invoke

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"
AS_OF = "2026-11-30"
REVIEWER = "Trần Thị Duyệt"


def _news(months: range) -> dict:
    """News posted in these months of 2026, and in December 2025 (the window's first month)."""
    posts = [{"url": f"http://127.0.0.1:8101/tin-tuc/{m}", "title": f"Tin tháng {m}",
              "published": f"2026-{m:02d}-15"} for m in months]
    posts.append({"url": "http://127.0.0.1:8101/tin-tuc/12", "title": "Tin tháng 12",
                  "published": "2025-12-20"})
    return {"section": {"found": True, "own": True, "how": "register",
                        "urls": ["http://127.0.0.1:8101/tin-tuc"]}, "posts": posts}


@pytest.fixture()
def ws_dir(tmp_path: Path) -> Path:
    ws_dir = tmp_path / "ws"
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    ws = Workspace(ws_dir)
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", _news(range(1, 12)))
    ws.close()
    invoke("score", "-w", str(ws_dir), "--as-of", AS_OF)
    return ws_dir


def _finding(ws_dir: Path, criterion: str = "1B/III/2") -> dict:
    conn = sqlite3.connect(ws_dir / "inspector.db")
    conn.row_factory = sqlite3.Row
    row = dict(conn.execute("select * from findings where agency_id = 'so-tttt' and "
                            "criterion_id = ?", [criterion]).fetchone())
    conn.close()
    return row


def _audit(ws_dir: Path) -> list[dict]:
    conn = sqlite3.connect(ws_dir / "inspector.db")
    conn.row_factory = sqlite3.Row
    rows = [dict(r) for r in conn.execute("select * from audit_log where subject like 'so-tttt/%' "
                                          "order by id")]
    conn.close()
    return rows


def test_an_override_stands_through_rescoring_until_cleared(ws_dir):
    auto = _finding(ws_dir)
    assert auto["status"] == "auto" and auto["points"] == 5
    out = invoke("override", "set", "so-tttt", "1B/III/2", "-w", str(ws_dir), "--points", "3.5",
                 "--reason", "Hai tin bị tính trùng", "--by", REVIEWER)
    assert "3.5/5" in out
    reviewed = _finding(ws_dir)
    assert (reviewed["status"], reviewed["points"], reviewed["auto_points"]) == ("reviewed", 3.5, 5)
    assert json.loads(reviewed["override"])["reviewer"] == REVIEWER
    invoke("score", "-w", str(ws_dir), "--as-of", AS_OF)          # a later re-scoring
    assert (_finding(ws_dir)["status"], _finding(ws_dir)["points"]) == ("reviewed", 3.5)
    entry = _audit(ws_dir)[-1]
    assert (entry["actor"], entry["action"], entry["reason"]) == (REVIEWER, "override.set",
                                                                  "Hai tin bị tính trùng")
    assert json.loads(entry["old"])["points"] == 5 and json.loads(entry["new"])["points"] == 3.5
    invoke("override", "clear", "so-tttt", "1B/III/2", "-w", str(ws_dir),
           "--reason", "Đã kiểm tra lại", "--by", REVIEWER)
    assert (_finding(ws_dir)["status"], _finding(ws_dir)["points"]) == ("auto", 5)
    assert [e["action"] for e in _audit(ws_dir)][-2:] == ["override.set", "override.clear"]


def test_a_moved_automatic_value_flags_the_override(ws_dir):
    ws = Workspace(ws_dir)
    set_override(ws, "so-tttt", "1B/III/2", 4, "Một tin không thuộc chuyên mục", REVIEWER)
    assert _finding(ws_dir)["flags"] is None
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", _news(range(1, 4)))  # a new crawl
    ws.close()
    invoke("score", "-w", str(ws_dir), "--as-of", AS_OF)
    finding = _finding(ws_dir)
    assert (finding["status"], finding["points"]) == ("reviewed", 4)
    assert finding["auto_points"] < 5
    assert json.loads(finding["flags"]) == ["auto_changed_since_review"]


@pytest.mark.parametrize("points, reason, who, message", [
    (6, "quá điểm", REVIEWER, "từ 0 đến 5"),
    (-1, "âm", REVIEWER, "từ 0 đến 5"),
    (3, "  ", REVIEWER, "lý do"),
    (3, "lý do", "", "người thẩm định"),
])
def test_a_bad_override_changes_nothing(ws_dir, points, reason, who, message):
    ws = Workspace(ws_dir)
    with pytest.raises(UserError, match=message):
        set_override(ws, "so-tttt", "1B/III/2", points, reason, who)
    assert ws.db["overrides"].count == 0
    ws.close()
    assert _finding(ws_dir)["status"] == "auto"
    assert _audit(ws_dir) == []


def test_unknown_agency_or_criterion_is_one_clear_line(ws_dir):
    out = invoke("override", "set", "so-khong-co", "1B/III/2", "-w", str(ws_dir), "--points", "1",
                 "--reason", "x", "--by", REVIEWER, code=1)
    assert out.startswith("Lỗi: ") and "so-khong-co" in out and out.count("\n") == 1
    out = invoke("override", "set", "so-tttt", "9Z/1", "-w", str(ws_dir), "--points", "1",
                 "--reason", "x", "--by", REVIEWER, code=1)
    assert "9Z/1" in out and out.count("\n") == 1
    out = invoke("override", "clear", "so-tttt", "1B/III/2", "-w", str(ws_dir), "--reason", "x",
                 "--by", REVIEWER, code=1)
    assert "không có điều chỉnh nào để bỏ" in out


def test_agency_answers_are_kept_and_logged(ws_dir):
    ws = Workspace(ws_dir)
    respond(ws, "so-tttt", "1B/III/2", "confirmed", None, "can-bo-so-tttt")
    with pytest.raises(UserError, match="ghi rõ"):
        respond(ws, "so-tttt", "1B/III/2", "disputed", " ", "can-bo-so-tttt")
    respond(ws, "so-tttt", "1B/III/2", "disputed", "Thiếu tin tháng 12 đăng ngày 02/12",
            "can-bo-so-tttt")
    with pytest.raises(UserError):
        respond(ws, "so-tttt", "1B/III/2", "maybe", "x", "can-bo-so-tttt")
    answer = ws.db["responses"].get(("so-tttt", "1B/III/2"))
    ws.close()
    assert (answer["state"], answer["comment"]) == ("disputed", "Thiếu tin tháng 12 đăng ngày 02/12")
    assert [e["action"] for e in _audit(ws_dir)] == ["finding.confirmed", "finding.disputed"]
    doc = json.loads(invoke("export", "-w", str(ws_dir), "--format", "json"))
    sotttt = next(a for a in doc["agencies"] if a["id"] == "so-tttt")
    assert sotttt["audit_entries"] == 2


def _exported(ws_dir: Path, criterion: str = "1B/III/2") -> tuple[dict, dict]:
    doc = json.loads(invoke("export", "-w", str(ws_dir), "--format", "json"))
    sotttt = next(a for a in doc["agencies"] if a["id"] == "so-tttt")
    return sotttt, next(c for c in sotttt["criteria"] if c["id"] == criterion)


def test_a_reviewer_confirms_the_automatic_value_until_it_moves(ws_dir):
    agency, news = _exported(ws_dir)
    assert news["review"] == {"status": "pending", "by": None, "at": None, "note": None,
                              "agency_answer": None, "audit_entries": 0}
    pending_before = agency["review"]["pending"]
    out = invoke("override", "confirm", "so-tttt", "1B/III/2", "-w", str(ws_dir),
                 "--by", REVIEWER, "--note", "Đã xem 12 tin")
    assert "5/5" in out
    agency, news = _exported(ws_dir)
    assert (news["status"], news["points"]) == ("auto", 5)          # no change of points
    assert (news["review"]["status"], news["review"]["by"], news["review"]["note"]) == \
        ("confirmed", REVIEWER, "Đã xem 12 tin")
    assert news["review"]["audit_entries"] == 1
    assert agency["review"]["confirmed"] == 1 and agency["review"]["pending"] == pending_before - 1
    invoke("score", "-w", str(ws_dir), "--as-of", AS_OF)          # same captures: still confirmed
    assert _exported(ws_dir)[1]["review"]["status"] == "confirmed"
    ws = Workspace(ws_dir)
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", _news(range(1, 4)))  # a new crawl
    ws.close()
    invoke("score", "-w", str(ws_dir), "--as-of", AS_OF)
    agency, news = _exported(ws_dir)
    assert news["points"] < 5 and news["review"]["status"] == "second_look"
    assert agency["review"]["second_look"] == 1
    rows = list(csv.DictReader(io.StringIO(invoke("export", "-w", str(ws_dir), "--format",
                                                  "csv"))))
    row = next(r for r in rows if r["agency_id"] == "so-tttt" and r["criterion_id"] == "1B/III/2")
    assert (row["reviewer_status"], row["reviewed_by"], row["audit_entries"]) == \
        ("second_look", REVIEWER, "1")


def test_an_override_supersedes_a_confirmation_and_counts_in_the_audit(ws_dir):
    ws = Workspace(ws_dir)
    confirm_finding(ws, "so-tttt", "1B/III/2", REVIEWER)
    set_override(ws, "so-tttt", "1B/III/2", 4, "Một tin không thuộc chuyên mục", REVIEWER)
    respond(ws, "so-tttt", "1B/III/2", "disputed", "Tin đó thuộc chuyên mục", "cb-so-tttt")
    assert ws.db["confirmations"].count == 0
    with pytest.raises(UserError, match="đang có điều chỉnh"):
        confirm_finding(ws, "so-tttt", "1B/III/2", REVIEWER)
    ws.close()
    agency, news = _exported(ws_dir)
    assert news["review"]["status"] == "overridden"
    assert news["review"]["note"] == "Một tin không thuộc chuyên mục"
    assert news["review"]["agency_answer"]["state"] == "disputed"
    assert news["review"]["agency_answer"]["comment"] == "Tin đó thuộc chuyên mục"
    assert news["review"]["audit_entries"] == 3
    assert agency["review"]["agency_disputed"] == 1 and agency["review"]["overridden"] == 1
    # Other findings of the agency are untouched by this finding's entries.
    others = [c for c in agency["criteria"] if c["id"] != "1B/III/2"]
    assert all(c["review"]["audit_entries"] == 0 for c in others)


def test_a_finding_not_assessed_cannot_be_confirmed(ws_dir):
    ws = Workspace(ws_dir)
    with pytest.raises(UserError, match="không có điểm tự động để xác nhận"):
        confirm_finding(ws, "so-tttt", "1B/III/6.1", REVIEWER)
    with pytest.raises(UserError, match="người thẩm định"):
        confirm_finding(ws, "so-tttt", "1B/III/2", " ")
    assert ws.db["confirmations"].count == 0
    ws.close()
    assert _audit(ws_dir) == []
