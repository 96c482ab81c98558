"""The per-agency confirmation report as HTML: every finding with its points, basis, counted posts,
evidence thumbnails and review state; hostile text stays text; evidence paths stay inside."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image

from inspector.records.evidence import store
from inspector.evidence import crops
from inspector.export.report import embedded_thumbnail, metric_lines, render_report
from inspector.review.overrides import confirm_finding, respond, set_override
from inspector.records.workspace import Workspace
from inspector.records.observations import put as put_observation
from tests.cli import invoke

DATA = Path(__file__).parent / "data"
AS_OF = "2026-11-30"
HOSTILE_TITLE = "<script>alert('x')</script><img src=x onerror=alert(1)> Tin tháng 3"


def _png(colour: tuple[int, int, int], size=(1280, 3000)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture()
def ws_dir(tmp_path: Path) -> Path:
    ws_dir = tmp_path / "ws"
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    ws = Workspace(ws_dir)
    shot = store(ws, _png((0, 90, 200)), "screenshot", "http://127.0.0.1:8101/tin-tuc")
    crop = store(ws, _png((230, 0, 126), (700, 400)), "crop", "http://127.0.0.1:8101/tin-tuc")
    page = store(ws, b"<html><body>tin</body></html>", "html", "http://127.0.0.1:8101/tin-tuc")
    outside = {"kind": "screenshot", "path": "screenshots/../../../etc/passwd", "sha256": "00"}
    posts = [{"url": f"http://127.0.0.1:8101/tin-tuc/{m}", "title": f"Tin tháng {m}",
              "published": f"2026-{m:02d}-15"} for m in range(1, 12)]
    posts[2]["title"] = HOSTILE_TITLE
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", {
        "section": {"found": True, "own": True, "how": "register",
                    "urls": ["http://127.0.0.1:8101/tin-tuc"]},
        "posts": posts, "evidence": [shot, crop, page, outside]})
    put_observation(ws, "so-tttt", "fields/lien-he",
                       {"present": ["dia_chi", "dien_thoai", "email"], "url": "http://x/lien-he"})
    put_observation(ws, "so-tttt", "posts/van-ban-qppl", status="failed",
                       reason="timeout: http://127.0.0.1:8101/van-ban did not answer in 30 s")
    ws.close()
    invoke("score", "-w", str(ws_dir), "--as-of", AS_OF)
    return ws_dir


def _findings(ws: Workspace, agency: str) -> list[dict]:
    return list(ws.db["findings"].rows_where("agency_id = ?", [agency], order_by="rowid"))


def test_every_finding_is_in_the_report_with_its_points_and_basis(ws_dir):
    ws = Workspace(ws_dir)
    page = lxml_html.fromstring(render_report(ws, "so-tttt"))
    findings = _findings(ws, "so-tttt")
    ws.close()
    sections = {s.get("id"): s for s in page.xpath("//section[contains(@class, 'tc')]")}
    for finding in findings:
        section = sections.pop("tc-" + finding["criterion_id"].replace("/", "-"))
        text = section.text_content()
        assert finding["title"] in text
        points = "—" if finding["points"] is None else f"{finding['points']:g}".replace(".", ",")
        assert f"{points}/{finding['max_points']:g}".replace(".", ",") in text
        assert "Ý kiến của cơ quan" in text
    assert not [k for k in sections if k]                         # nothing but the findings
    news = page.get_element_by_id("tc-1B-III-2").text_content()
    assert "11 tin bài được tính" in news and "15/01/2026 — Tin tháng 1" in news
    assert "Số kỳ có tin: 11/12" in news
    legal = page.get_element_by_id("tc-1B-III-6.1").text_content()
    assert "chưa đánh giá được" in legal and "did not answer in 30 s" in legal
    contact = page.get_element_by_id("tc-1B-III-10").text_content()
    assert "Thiếu: fax" in contact


def test_hostile_titles_stay_text_and_pictures_stay_inside_the_workspace(ws_dir):
    ws = Workspace(ws_dir)
    text = render_report(ws, "so-tttt")
    ws.close()
    page = lxml_html.fromstring(text)
    assert not page.xpath("//script") and not page.xpath("//*[@onerror]")
    assert HOSTILE_TITLE in page.get_element_by_id("tc-1B-III-2").text_content()
    sources = [img.get("src") for img in page.get_element_by_id("tc-1B-III-2").xpath(".//img")]
    assert len(sources) == 2 and all(s.startswith("data:image/jpeg;base64,") for s in sources)
    crop, shot = (Image.open(io.BytesIO(base64.b64decode(s.split(",", 1)[1]))) for s in sources)
    assert crop.getpixel((5, 5))[0] > 200 and crop.size == (640, 366)   # the whole crop, first
    assert shot.getpixel((5, 5))[2] > 150 and shot.size == (640, 480)   # a page's first screen
    assert "(không đọc được ảnh)" in page.get_element_by_id("tc-1B-III-2").text_content()
    assert "http-equiv" in text and "img-src data:" in text            # nothing else loads


def test_a_crop_drawn_from_its_screenshot_is_printed_with_its_outlines(tmp_path):
    """Since 0.8 a crop is its screenshot's path with the boxes: the report draws it."""
    ws = Workspace(tmp_path / "ws")
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 2000), (255, 255, 255)).save(buffer, "WEBP", quality=75)
    shot = store(ws, buffer.getvalue(), "screenshot", "http://127.0.0.1:8101/tin-tuc")
    crop = crops.crop_ref(shot, [(40, 1200, 900, 1230), (40, 1300, 900, 1330)],
                          ["Chuyên mục “Tin tức”"])
    source = embedded_thumbnail(ws.root)
    ws.close()
    drawn = Image.open(io.BytesIO(base64.b64decode(source(crop, True).split(",", 1)[1])))
    whole = Image.open(io.BytesIO(base64.b64decode(source(shot).split(",", 1)[1])))
    # the region around the two boxes (with margins and the caption), not the page's top
    assert drawn.size[0] == 640 and drawn.size[1] < 250 and whole.size == (640, 480)
    magenta = [c for _, c in drawn.convert("RGB").getcolors(1 << 20)
               if c[0] > 180 and c[1] < 80 and c[2] > 60]
    assert magenta                                  # the outlines survive the thumbnail
    assert source(dict(crop, path="screenshots/../../etc/passwd"), True) is None


def test_review_states_and_agency_answers_are_printed(ws_dir):
    ws = Workspace(ws_dir)
    confirm_finding(ws, "so-tttt", "1B/III/2", "Trần Thị Duyệt", "Đã xem 11 tin")
    set_override(ws, "so-tttt", "1B/III/10", 3, "Số fax có ở chân trang", "Trần Thị Duyệt")
    respond(ws, "so-tttt", "1B/III/10", "disputed", "Fax 0296 3 000 000 ở trang Liên hệ",
            "cb-so-tttt")
    respond(ws, "so-tttt", "1B/III/2", "confirmed", None, "cb-so-tttt")
    page = lxml_html.fromstring(render_report(ws, "so-tttt"))
    total = len(_findings(ws, "so-tttt"))
    ws.close()
    news = page.get_element_by_id("tc-1B-III-2").text_content()
    assert "đã duyệt" in news and "Duyệt bởi Trần Thị Duyệt" in news and "xác nhận" in news
    contact = page.get_element_by_id("tc-1B-III-10").text_content()
    assert "3/5" in contact and "điểm tự động: 0,5" in contact
    assert "Số fax có ở chân trang" in contact
    assert "không đồng ý" in contact and "Fax 0296 3 000 000" in contact
    summary = page.text_content()
    assert f"2/{total} tiêu chí đã được người đánh giá duyệt" in summary
    assert "cơ quan đã xác nhận 1, không đồng ý 1" in summary


@pytest.mark.parametrize("metrics, lines", [
    # 1B/III/2 on a SharePoint portal (sandbox seed 1, so-tu-phap)
    ({"covered": 12, "of": 12, "newest": "2026-11-25", "ratio": 1.0, "periods": [],
      "section": {"found": True, "how": ["menu"], "own": True,
                  "urls": ["http://127.0.0.1:9302/Pages/tin.aspx?ChuyenMucID=12",
                           "http://127.0.0.1:9302/Pages/tin.aspx?ChuyenMucID=12&Page=2"]}},
     ["Số kỳ có tin: 12/12", "Tin mới nhất: 25/11/2026",
      "Chuyên mục: http://127.0.0.1:9302/Pages/tin.aspx?ChuyenMucID=12 và 1 trang tiếp",
      "Tỉ lệ: 100 %"]),
    # 1B/III/1.1 (introduction fields)
    ({"fields_missing": ["co_cau_to_chuc"], "fields_present": ["chuc_nang_nhiem_vu", "lich_su"],
      "ratio": 0.6666, "step": 0.25},
     ["Có: chức năng nhiệm vụ, lịch sử", "Thiếu: cơ cấu tổ chức", "Tỉ lệ: 66,7 %"]),
    # 1B/III/12 (hotline)
    ({"feature": "hotline", "present": True, "where": "http://127.0.0.1:9302/"},
     ["Đường dây nóng: có (tại http://127.0.0.1:9302/)"]),
    # 1B/III/6.2 (legal documents classified)
    ({"features": {"legal_by_date": True, "legal_by_type": False}},
     ["Có: Phân loại văn bản theo ngày ban hành; không: Phân loại văn bản theo hình thức văn bản"]),
    # 1B/III/4.x (an update cadence)
    ({"cadence": "1m", "newest": None, "timely": False, "undated": 2, "topic_matched": False,
      "section": {"found": False, "own": False, "urls": []}},
     ["Tin mới nhất: không có", "Chu kỳ cập nhật yêu cầu: 1 tháng", "Cập nhật đúng hạn: không",
      "Tin không xác định được ngày: 2", "Không tìm thấy chuyên mục riêng"]),
    # 1B/IV/1 (declared figures)
    ({"declared": {"declared.tthc_total": 29.0, "declared.services_level4": 6.0},
      "not_declared": []},
     ["Đã khai báo: tổng số TTHC 29, số DVCTT mức 4 6"]),
    # something the report does not know is shown as it is
    ({"observed.qa_answered": 60.0}, ["observed.qa_answered: 60.0"]),
])
def test_metric_lines(metrics, lines):
    assert metric_lines(metrics) == lines


def test_report_command_writes_html_only_when_asked_and_names_bad_agencies(ws_dir, tmp_path):
    out = tmp_path / "bao-cao"
    printed = invoke("report", "-w", str(ws_dir), "--agency", "so-tttt", "--format", "html",
                     "--out", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["so-tttt.html"]
    assert "so-tttt.html" in printed
    bad = invoke("report", "-w", str(ws_dir), "--agency", "so-khong-co", "--out", str(out), code=1)
    assert "không có cơ quan 'so-khong-co'" in bad and bad.count("\n") == 1
