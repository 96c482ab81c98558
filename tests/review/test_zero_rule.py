"""A declared figure that is not what the inspection saw: flagged on the review page and in the
export, and the zero rule of Section V.3.1.b applied only by a reviewer, audit-logged."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from werkzeug.test import Client

from inspector.review import accounts
from inspector.review.app import ReviewApp
from inspector.review.evidence import EvidenceSigner
from inspector.survey.forms import form_for_level
from inspector.survey.workbook import write_template
from inspector.records.workspace import Workspace
from inspector.records.observations import put as put_observation
from tests.cli import invoke

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"
AS_OF = "2026-11-30"
PASSWORD = "mật-khẩu-đủ-dài-2026"


@pytest.fixture()
def ws_dir(tmp_path: Path) -> Path:
    """so-tttt declares 48 news posts in its report (Phụ lục 1A Mục 4, 1.2 row 2); its portal
    shows 11 in the year."""
    ws_dir = tmp_path / "ws"
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    report = tmp_path / "so-tttt.xlsx"
    write_template([("", form_for_level("province"), "so-tttt", "Sở TTTT")], report,
                   answers=[{"report_year": 2026, "agency_name": "Sở TTTT", "posts_news": 48}])
    invoke("survey", "import", "-w", str(ws_dir), str(report))
    ws = Workspace(ws_dir)
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", {
        "section": {"found": True, "own": True, "how": "register",
                    "urls": ["http://127.0.0.1:8101/tin-tuc"]},
        "posts": [{"url": f"http://127.0.0.1:8101/tin-tuc/{m}", "title": f"Tin tháng {m}",
                   "published": f"2026-{m:02d}-15"} for m in range(1, 12)]})
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER, display_name="Trần Thị Duyệt")
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


def _login(client: Client) -> str:
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    client.post("/dang-nhap", data={"username": "duyet", "password": PASSWORD, "csrf": token})
    return re.search(r'name="csrf" value="([^"]+)"',
                     client.get("/co-quan/so-tttt").text).group(1)


def test_the_flag_is_on_the_finding_and_in_the_export_but_the_points_stand(ws_dir):
    finding = _finding(ws_dir)
    assert json.loads(finding["flags"]) == ["declared_vs_observed"]
    assert (finding["status"], finding["points"]) == ("auto", finding["auto_points"])
    assert finding["points"] > 0
    exported = json.loads(invoke("export", "-w", str(ws_dir), "--format", "json"))
    agency = next(a for a in exported["agencies"] if a["id"] == "so-tttt")
    criterion = next(c for c in agency["criteria"] if c["id"] == "1B/III/2")
    assert criterion["flags"] == ["declared_vs_observed"]
    declared = criterion["metrics"]["declared"][0]
    assert declared["message"].startswith("khai báo 48 tin, bài, kiểm tra thấy 11")
    assert declared["source"] == "so-tttt.xlsx: Mục 4!C" + declared["source"].split("!C")[1]


def test_a_reviewer_applies_the_zero_rule_on_the_page(ws_dir):
    client = Client(ReviewApp(ws_dir, EvidenceSigner(b"k" * 32), "http://127.0.0.1:9001"))
    token = _login(client)
    page = client.get("/co-quan/so-tttt").text
    assert "khai báo khác thực tế" in page and "khai báo 48 tin, bài, kiểm tra thấy 11" in page
    assert "Mục V.3.1.b" in page
    response = client.post("/co-quan/so-tttt/diem-0",
                           data={"csrf": token, "criterion": "1B/III/2", "note": "Đã đếm lại"})
    assert response.status_code in (302, 303)
    finding = _finding(ws_dir)
    assert (finding["status"], finding["points"]) == ("reviewed", 0)
    reason = json.loads(finding["override"])["reason"]
    assert "Mục V.3.1.b" in reason and "khai báo 48" in reason and "Đã đếm lại" in reason
    conn = sqlite3.connect(ws_dir / "inspector.db")
    actions = [r[0] for r in conn.execute("select action from audit_log where subject = "
                                          "'so-tttt/1B/III/2'")]
    conn.close()
    assert actions == ["override.zero_rule"]
    # a criterion whose figures agree cannot take it
    refused = client.post("/co-quan/so-tttt/diem-0", data={"csrf": token,
                                                           "criterion": "1B/III/3.1"})
    assert refused.status_code == 400 and "không áp dụng được điểm 0" in refused.text.lower()


def test_the_command_applies_it_and_clearing_undoes_it(ws_dir):
    out = invoke("override", "zero-rule", "so-tttt", "1B/III/2", "-w", str(ws_dir),
                 "--by", "Trần Thị Duyệt")
    assert "Mục V.3.1.b" in out
    assert _finding(ws_dir)["points"] == 0
    invoke("override", "clear", "so-tttt", "1B/III/2", "-w", str(ws_dir), "--reason",
           "Cơ quan đã sửa số liệu", "--by", "Trần Thị Duyệt")
    assert _finding(ws_dir)["status"] == "auto" and _finding(ws_dir)["points"] > 0


def test_a_category_is_confirmed_at_once_but_a_flagged_finding_is_left(ws_dir):
    from inspector.review.overrides import confirm_category

    ws = Workspace(ws_dir)
    try:
        done = confirm_category(ws, "so-tttt", "1B/III", "Trần Thị Duyệt")
        # 1B/III/2 is automatic but flagged: it waits for the reviewer's own look
        assert "1B/III/2" not in done
        auto = [r["criterion_id"] for r in ws.db["findings"].rows_where(
            "agency_id = 'so-tttt' and category_id = '1B/III' and status = 'auto'")]
        assert set(done) == set(auto) - {"1B/III/2"}
        entries = [r["subject"] for r in ws.db["audit_log"].rows_where(
            "action = 'finding.reviewer_confirmed'")]
        assert sorted(entries) == sorted(f"so-tttt/{c}" for c in done)   # one per finding
        assert confirm_category(ws, "so-tttt", "1B/III", "Trần Thị Duyệt") == []   # idempotent
    finally:
        ws.close()


def test_the_command_confirms_a_category(ws_dir):
    out = invoke("override", "confirm-category", "so-tttt", "1B/IV", "-w", str(ws_dir),
                 "--by", "Trần Thị Duyệt")
    assert out.startswith("Đã xác nhận 1 kết quả tự động của so-tttt 1B/IV: 1B/IV/1.")
    invoke("override", "confirm-category", "so-tttt", "9Z/IX", "-w", str(ws_dir),
           "--by", "Trần Thị Duyệt", code=1)


def test_a_figure_missing_from_the_report_takes_the_zero_rule_and_a_portal_down_does_not(
        ws_dir):
    """V.3.1.b's first case, "không khai báo đủ thông tin, số liệu theo quy định": so-tttt's
    report leaves its staff figures blank, so 1B/I/1.1 is not assessed for want of them; the
    reviewer may give it 0 with that reason. 1B/IV/2, not assessed while its services wait for
    a check, cannot take it."""
    missing = _finding(ws_dir, "1B/I/1.1")
    assert missing["status"] == "not_assessed"
    assert "has not been recorded from the agency's survey" in missing["reason"]
    waiting = _finding(ws_dir, "1B/IV/2")
    assert waiting["status"] == "not_assessed" and "survey" not in waiting["reason"]
    client = Client(ReviewApp(ws_dir, EvidenceSigner(b"k" * 32), "http://127.0.0.1:9001"))
    token = _login(client)
    page = client.get("/co-quan/so-tttt").text
    row = page[page.index('id="tc-1B-I-1.1"'):]
    row = row[:row.index("</tr>")]
    assert "Xác nhận cơ quan không khai báo đủ số liệu: 0 điểm (Mục V.3.1.b)" in row
    other = page[page.index('id="tc-1B-IV-2"'):]
    assert "Mục V.3.1.b" not in other[:other.index("</tr>")]
    client.post("/co-quan/so-tttt/diem-0", data={"csrf": token, "criterion": "1B/I/1.1"})
    finding = _finding(ws_dir, "1B/I/1.1")
    assert (finding["status"], finding["points"]) == ("reviewed", 0)
    reason = json.loads(finding["override"])["reason"]
    assert reason.startswith("Mục V.3.1.b: không khai báo đủ thông tin, số liệu theo quy định")
    assert "survey." in reason                   # which figure was missing
    invoke("override", "zero-rule", "so-tttt", "1B/IV/2", "-w", str(ws_dir), "--by",
           "Trần Thị Duyệt", code=1)
    assert _finding(ws_dir, "1B/IV/2")["status"] == "not_assessed"
