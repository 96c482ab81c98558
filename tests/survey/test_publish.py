"""Publishing the sandbox province's year: refused while findings wait for a reviewer or an
agency, published after review with the rankings of the ground truth, the report's PDF read
back as pictures and text, the DOCX holding the same tables, the ranking workbook a sheet per
group, and a published year untouched by a later crawl."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from inspector.records import registry
from inspector.model.errors import UserError
from inspector.export.evaluation import evaluation_report
from inspector.export.publication import published
from inspector.export.publishing import PublishRefused, blockers, publish
from inspector.export.rankings import rankings
from inspector.export.results import results_document
from inspector.records.review_state import PENDING, SECOND_LOOK, finding_reviews
from inspector.review.overrides import confirm_category, confirm_finding, respond, set_override
from inspector.scoring.store import score_workspace
from inspector.records.workspace import Workspace
from tests.survey.perfect import perfect_workspace, reviewer_client, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.browser]

REVIEWER = "Trần Thị Duyệt"
GROUP_TABLES = ("Bảng xếp hạng nhóm các cơ quan sở, ngành cấp tỉnh năm 2026",
                "Bảng xếp hạng nhóm ủy ban nhân dân các huyện, thị xã, thành phố năm 2026",
                "Bảng xếp hạng nhóm ủy ban nhân dân các xã, phường, thị trấn năm 2026")


def _review_everything(ws: Workspace) -> None:
    """What the reviewers and the agencies do in Section VII: every automatic finding
    confirmed (a category at once, a flagged one by itself), every finding answered."""
    for agency in registry.agencies(ws):
        aid = agency["id"]
        for (category,) in ws.db.execute("select distinct category_id from findings "
                                         "where agency_id = ?", [aid]).fetchall():
            confirm_category(ws, aid, category, REVIEWER)
        reviews = finding_reviews(ws, aid)
        for row in list(ws.db["findings"].rows_where("agency_id = ? and status = 'auto'",
                                                     [aid])):
            if reviews[row["criterion_id"]]["status"] in (PENDING, SECOND_LOOK):
                confirm_finding(ws, aid, row["criterion_id"], REVIEWER, "đã xem số liệu khai báo")
        for row in list(ws.db["findings"].rows_where("agency_id = ?", [aid])):
            respond(ws, aid, row["criterion_id"], "confirmed", None, f"cb-{aid}")


def _copy(ws: Workspace, target: Path) -> Workspace:
    target.mkdir()
    with sqlite3.connect(target / "inspector.db") as copy:
        ws.db.conn.backup(copy)
    return Workspace(target)


@pytest.fixture(scope="module")
def year(sandbox, truth, tmp_path_factory):
    """The sandbox's year: refused before review, then reviewed, then published with the
    criteria that could not be assessed named as the reason's list."""
    ws, _ = perfect_workspace(sandbox, truth, tmp_path_factory.mktemp("publish-ws"))
    with pytest.raises(PublishRefused) as refused:
        publish(ws, 2026, REVIEWER, pdf=False)
    assert not list(ws.db["publications"].rows)
    assert not (ws.root / "cong-bo" / "2026").exists()
    _review_everything(ws)
    after_review = blockers(ws, results_document(ws))
    spare = _copy(ws, tmp_path_factory.mktemp("publish-copy") / "ws")
    publication = publish(ws, 2026, REVIEWER,
                          force_reason="Hết hạn xác minh, tiêu chí chưa đánh giá được ghi rõ")
    yield ws, refused.value, after_review, publication, spare
    spare.close()
    ws.close()


def test_publish_refuses_naming_what_waits(year):
    _, refused, _, _, _ = year
    text = str(refused)
    assert "năm 2026 chưa công bố được" in text
    kinds = {b.kind for b in refused.blockers}
    assert {"review", "answers"} <= kinds
    assert "Sở Thông tin và Truyền thông: 94 kết quả chờ người đánh giá duyệt" in text
    assert "chưa xác nhận" in text and "--force" in text


def test_after_review_only_what_could_not_be_assessed_is_left(year, truth):
    ws, _, after_review, publication, _ = year
    assert {b.kind for b in after_review} == {"not_assessed"}
    unknown = {a["id"] for a in truth["agencies"]
               if any(c["status"] == "not_assessed" for c in a["expected"]["criteria"])}
    assert {b.agency_id for b in after_review} == unknown
    assert publication.forced_reason.startswith("Hết hạn xác minh")
    assert [b.message for b in publication.blockers] == [b.message for b in after_review]
    audit = ws.db.execute("select actor, action, subject, reason from audit_log "
                          "where action = 'publish'").fetchall()
    assert audit == [(REVIEWER, "publish", "year/2026", publication.forced_reason)]


def test_the_published_rankings_equal_the_ground_truth(year, truth):
    ws, _, _, publication, _ = year
    again = published(ws, 2026)
    assert [r.as_dict() for r in again.rankings] == truth["rankings"]
    assert {r.group for r in again.rankings} == {"province", "district", "commune"}
    # the frozen results are the agencies' whole findings, with their evidence and reviews
    assert [a["id"] for a in again.document["agencies"]] == sorted(
        a["id"] for a in truth["agencies"])
    criteria = [c for a in again.document["agencies"] for c in a["criteria"]]
    assert criteria and all(c["review"]["status"] in ("confirmed", "pending")
                            for c in criteria)
    assert {f["path"].rsplit("/", 1)[1] for f in again.files} == {
        "bao-cao-danh-gia-2026.html", "bao-cao-danh-gia-2026.pdf",
        "bao-cao-danh-gia-2026.docx", "xep-hang-2026.xlsx", "ket-qua-2026.json"}


def test_the_pdf_report_shows_vietnamese_text_charts_and_a_ranking_table_per_group(year):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    ws, _, _, publication, _ = year
    pdf = pdfium.PdfDocument(ws.root / "cong-bo" / "2026" / "bao-cao-danh-gia-2026.pdf")
    try:
        texts, pictures, pages_with_charts, colourful = [], 0, 0, 0
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            assert abs(width - 595.3) < 1.5 and abs(height - 841.9) < 1.5   # A4 in points
            texts.append(page.get_textpage().get_text_range())
            charts = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
            pictures += len(charts)
            if charts:
                pages_with_charts += 1
                image = page.render(scale=1).to_pil().convert("RGB")
                # the ratings' colours are there, not a blank box
                raw = image.tobytes()
                colourful += sum(1 for i in range(0, len(raw), 3)
                                 if max(raw[i:i + 3]) - min(raw[i:i + 3]) > 80) > 2000
    finally:
        pdf.close()
    text = "\n".join(texts)
    flat = " ".join(text.split())
    assert "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ MỨC ĐỘ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN" in flat
    assert "Kết quả xếp hạng theo nhóm (Mục VI)" in flat
    for caption in GROUP_TABLES:
        assert flat.count(caption) == 1, caption
    # two charts per group (ratings, points lost), printed and coloured
    assert pictures == 6 and colourful == pages_with_charts >= 3
    # every agency's table, the services and the readings' annex
    for agency in publication.document["agencies"]:
        assert f"Kết quả của {agency['name']}" in flat
    assert "Dịch vụ công trực tuyến được công nhận, không công nhận" in flat
    assert "Phụ lục. Cách hiểu phương pháp đánh giá" in flat
    first = publication.ranking("province").places[0]
    assert first.name in flat


def test_the_docx_opens_and_holds_the_same_tables(year):
    from docx import Document

    ws, _, _, publication, _ = year
    document = Document(ws.root / "cong-bo" / "2026" / "bao-cao-danh-gia-2026.docx")
    want = [[t.header, *t.rows] for t in evaluation_report(publication, None).tables()]
    got = [[[cell.text for cell in row.cells] for row in table.rows]
           for table in document.tables[1:]]          # the first is the heading's two columns
    assert got == want
    assert len(document.inline_shapes) == 6
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "II. Kết quả xếp hạng theo nhóm (Mục VI)" in headings
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_ranking_workbook_has_a_sheet_per_group_in_rank_order(year):
    from openpyxl import load_workbook

    ws, _, _, publication, _ = year
    book = load_workbook(ws.root / "cong-bo" / "2026" / "xep-hang-2026.xlsx")
    assert book.sheetnames == ["Sở, ngành", "Huyện, thị xã, TP", "Xã, phường, thị trấn"]
    for sheet, group in zip(book.worksheets, ("province", "district", "commune")):
        overall = publication.ranking(group)
        rows = [r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1]]
        assert [r[1] for r in rows] == [p.name for p in overall.places + overall.not_ranked]
        assert [r[0] for r in rows] == [p.rank for p in overall.places + overall.not_ranked]
        assert "NĂM 2026" in sheet["A1"].value


def test_a_later_crawl_leaves_the_published_year_as_it_was(year, truth):
    ws, _, _, publication, _ = year
    folder = ws.root / "cong-bo" / "2026"
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    frozen = ws.db["publications"].get(2026)
    agency = "so-tttt"
    crawled = run_cli("crawl", "-w", str(ws.root), "--agency", agency, "--as-of",
                      truth["as_of"], "--no-screenshots", "--delay", "0")
    assert crawled.returncode == 0, crawled.stderr
    score_workspace(ws, date.fromisoformat(truth["as_of"]))
    now = results_document(ws)
    assert now["agencies"] != publication.document["agencies"]     # the crawl changed things
    assert ws.db["publications"].get(2026) == frozen
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir()} == digests
    assert [r.as_dict() for r in published(ws, 2026).rankings] == truth["rankings"]
    with pytest.raises(UserError, match="năm 2026 đã công bố"):
        publish(ws, 2026, REVIEWER, force_reason="lần hai")
    rankings(now)   # the live rankings still work beside the frozen year


def test_a_year_with_nothing_waiting_publishes_without_force_and_compares_with_the_last(
        year, truth, tmp_path):
    _, _, after_review, _, ws = year
    # the year before, published as it stood (forced), then this year reviewed to the end
    score_workspace(ws, date(2025, 11, 26))
    last = publish(ws, 2025, REVIEWER, force_reason="năm trước", pdf=False,
                   out_dir=tmp_path / "2025")
    assert last.year == 2025
    score_workspace(ws, date.fromisoformat(truth["as_of"]))
    _review_everything(ws)
    for blocker in blockers(ws, results_document(ws)):
        assert blocker.kind == "not_assessed"
        for row in list(ws.db["findings"].rows_where(
                "agency_id = ? and status = 'not_assessed'", [blocker.agency_id])):
            set_override(ws, blocker.agency_id, row["criterion_id"], 0,
                         "Cơ quan không cung cấp số liệu khi được yêu cầu", REVIEWER)
            respond(ws, blocker.agency_id, row["criterion_id"], "confirmed", None, "cb")
    assert blockers(ws, results_document(ws)) == []
    done = publish(ws, 2026, REVIEWER, pdf=False, out_dir=tmp_path / "2026")
    assert done.forced_reason is None and done.blockers == []
    assert all(not r.not_ranked or all("chưa đủ dữ liệu" not in (p.why_not or "")
                                       for p in r.not_ranked) for r in done.rankings)
    html = (tmp_path / "2026" / "bao-cao-danh-gia-2026.html").read_text(encoding="utf-8")
    assert "So với năm 2025" in html and "Năm 2025" in html
    shown = run_cli("history", "-w", str(ws.root), "--year", "2026")
    assert shown.returncode == 0, shown.stderr
    assert "Năm 2025 → năm 2026" in shown.stdout
    assert len([line for line in shown.stdout.splitlines() if line.startswith("  ")]) == len(
        truth["agencies"])
    # the province view puts the year before beside this one, in a column and a chart
    client = reviewer_client(ws)
    view = client.get("/toan-tinh").text
    assert "<th>Năm 2025</th>" in view and "Năm 2026: đã công bố" in view
    chart = client.get("/toan-tinh/bieu-do/district/nam-truoc.png")
    assert chart.status_code == 200 and chart.data.startswith(b"\x89PNG")
    # the page's own links draw from the scores it showed: the same picture, no re-reading
    linked = view[view.index('src="/toan-tinh/bieu-do/district/nam-truoc.png?v='):]
    linked = linked[len('src="'):linked.index('"', len('src="'))]
    assert client.get(linked).data == chart.data
    listed = json.loads((tmp_path / "2026" / "ket-qua-2026.json").read_text(encoding="utf-8"))
    assert listed["as_of"] == truth["as_of"]
