"""The reviewers' page in Chromium against the real servers: a reviewer logs in, browses,
overrides a finding and finds it in the audit log; agency staff dispute a finding of their own
agency, cannot open another, and log out."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from inspector.browser import chromium
from inspector.records.evidence import store
from inspector.review import accounts
from inspector.review.server import ReviewServer
from inspector.records.workspace import Workspace
from inspector.records.observations import put as put_observation
from tests.cli import invoke

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DATA = Path(__file__).parents[1] / "data"
PASSWORD = "mật-khẩu-đủ-dài-2026"


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (320, 200), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    ws_dir = tmp_path_factory.mktemp("review-browser")
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    ws = Workspace(ws_dir)
    shot = store(ws, _png(), "screenshot", "http://127.0.0.1:8101/tin-tuc")
    posts = [{"url": f"http://127.0.0.1:8101/tin-tuc/{m}", "title": f"Tin tháng {m}",
              "published": f"2026-{m:02d}-15"} for m in range(1, 12)]
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", {
        "section": {"found": True, "own": True, "how": "register",
                    "urls": ["http://127.0.0.1:8101/tin-tuc"]}, "posts": posts,
        "evidence": [shot]})
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER, display_name="Trần Thị Duyệt")
    accounts.create_user(ws, "cb-so-tttt", PASSWORD, accounts.AGENCY, agency_id="so-tttt")
    ws.close()
    invoke("score", "-w", str(ws_dir), "--as-of", "2026-11-30")
    with ReviewServer(ws_dir, port=0) as server, chromium() as browser:
        yield ws_dir, server, browser


@pytest.fixture()
def page(served):
    _, _, browser = served
    context = browser.new_context(locale="vi-VN")
    try:
        yield context.new_page()
    finally:
        context.close()


def _login(page, server, username: str) -> None:
    page.goto(server.url + "/")
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def _audit(ws_dir: Path) -> list[tuple]:
    conn = sqlite3.connect(ws_dir / "inspector.db")
    rows = conn.execute("select actor, action, subject, reason from audit_log order by id").fetchall()
    conn.close()
    return rows


def test_a_reviewer_overrides_a_finding_and_sees_it_in_the_audit_log(served, page):
    ws_dir, server, _ = served
    _login(page, server, "duyet")
    assert page.get_by_role("heading", name="Cơ quan được đánh giá").is_visible()
    page.get_by_label("Cấp", exact=True).select_option("province")
    page.get_by_role("button", name="Lọc").click()
    assert page.locator("a[href='/co-quan/xa-kien-an']").count() == 0
    page.locator("a[href='/co-quan/so-tttt']").click()
    page.wait_for_load_state()
    row = page.locator("#tc-1B-III-2")
    assert "Tin tức sự kiện" in row.inner_text() or "1B/III/2" in row.inner_text()
    # the screenshot comes from the evidence origin and really loads
    image = row.locator("img.anh").first
    image.wait_for()
    assert image.get_attribute("src").startswith(server.evidence_url)
    image.scroll_into_view_if_needed()   # loading="lazy": the row is below the report's items
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    assert page.evaluate("img => img.naturalWidth", image.element_handle()) == 320
    row.get_by_text("Điều chỉnh", exact=True).click()
    row.get_by_label("Điểm").fill("3")
    row.get_by_label("Lý do").fill("Hai tin bị tính trùng")
    row.get_by_role("button", name="Lưu điều chỉnh").click()
    page.wait_for_load_state()
    row = page.locator("#tc-1B-III-2")
    assert "đã điều chỉnh" in row.inner_text() and "Hai tin bị tính trùng" in row.inner_text()
    page.get_by_role("link", name="Nhật ký").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="override.set").count() == 1
    assert ("duyet", "override.set", "so-tttt/1B/III/2", "Hai tin bị tính trùng") in _audit(ws_dir)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    page.goto(server.url + "/nhat-ky")
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()


def test_agency_staff_dispute_their_finding_and_nothing_else(served, page):
    ws_dir, server, _ = served
    _login(page, server, "cb-so-tttt")
    assert page.url.endswith("/co-quan/so-tttt")
    assert page.get_by_role("button", name="Lưu điều chỉnh").count() == 0
    row = page.locator("#tc-1B-III-2")
    row.get_by_label("Ý kiến").fill("Tin tháng 12 đăng ngày 02/12 chưa được tính")
    row.get_by_role("button", name="Không đồng ý").click()
    page.wait_for_load_state()
    assert "không đồng ý" in page.locator("#tc-1B-III-2").inner_text()
    assert ("cb-so-tttt", "finding.disputed", "so-tttt/1B/III/2",
            "Tin tháng 12 đăng ngày 02/12 chưa được tính") in _audit(ws_dir)
    response = page.goto(server.url + "/co-quan/xa-kien-an")
    assert response.status == 403
    response = page.goto(server.url + "/nhat-ky")
    assert response.status == 403
    page.goto(server.url + "/co-quan/so-tttt")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    assert not [c for c in page.context.cookies() if c["name"] == "phien"]


def test_a_reviewer_confirms_a_whole_category_at_once(served, page, tmp_path):
    ws_dir, server, _ = served
    _login(page, server, "duyet")
    page.goto(server.url + "/co-quan/so-tttt")
    before = [row for row in _audit(ws_dir) if row[1] == "finding.reviewer_confirmed"]
    page.get_by_role("button", name="Xác nhận mọi kết quả tự động của hạng mục 1B/IV").click()
    page.wait_for_load_state()
    assert page.url.endswith("/co-quan/so-tttt#tc-1B-IV-1")   # back by GET: a reload is safe
    page.screenshot(path=str(tmp_path / "xac-nhan-hang-muc.png"), full_page=False)
    print(f"screenshot: {tmp_path / 'xac-nhan-hang-muc.png'}")
    after = [row for row in _audit(ws_dir) if row[1] == "finding.reviewer_confirmed"]
    # 1B/IV/1 is automatic (20 points); 1B/IV/2-3 wait for the service checks: not confirmed
    assert after[len(before):] == [("duyet", "finding.reviewer_confirmed", "so-tttt/1B/IV/1",
                                    None)]
    assert "đã duyệt" in page.locator("#tc-1B-IV-1").inner_text()
    assert "chưa duyệt" in page.locator("#tc-1B-IV-2").inner_text()


def test_an_evidence_link_stops_working_at_logout(served, page):
    """An evidence link is a bearer token; bound to the session, a copy of it (a browser's
    history, a forwarded e-mail) opens nothing once the reviewer has logged out."""
    _, server, browser = served
    _login(page, server, "duyet")
    page.goto(server.url + "/co-quan/so-tttt")
    link = page.locator("#tc-1B-III-2 img.anh").first.get_attribute("src")
    assert "&s=" in link
    other = browser.new_context()          # someone else holding a copy of the link
    try:
        assert other.request.get(link).status == 200
        page.get_by_role("button", name="Đăng xuất").click()
        page.wait_for_load_state()
        assert other.request.get(link).status == 403
    finally:
        other.close()


def test_a_reviewer_moves_between_findings_with_the_keyboard(served, page, tmp_path):
    _, server, _ = served
    _login(page, server, "duyet")
    page.goto(server.url + "/co-quan/so-tttt")
    rows = page.locator("tr[id^='tc-']")
    ids = [rows.nth(i).get_attribute("id") for i in range(3)]
    page.locator(f"[id='{ids[0]}'] a.dieu-huong").first.focus()
    page.keyboard.press("Enter")
    assert page.url.endswith(f"#{ids[1]}")
    # the next Tab starts in the finding shown: its own "next" link, then Enter again
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == f"Tiêu chí sau ({ids[1][3:].replace('-', '/')})"
    page.keyboard.press("Enter")
    assert page.url.endswith(f"#{ids[2]}")
    outline = page.evaluate(f"getComputedStyle(document.getElementById('{ids[2]}'))"
                            ".outlineStyle")
    assert outline == "solid"                    # the finding shown is outlined (:target)
    page.screenshot(path=str(tmp_path / "ban-phim.png"))
    print(f"screenshot: {tmp_path / 'ban-phim.png'}")


def test_the_province_view_ranks_each_group_and_says_what_blocks_publishing(served, page,
                                                                           tmp_path):
    ws_dir, server, _ = served
    _login(page, server, "duyet")
    page.get_by_role("link", name="Toàn tỉnh").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Toàn tỉnh", exact=True).is_visible()
    for group in ("Nhóm các cơ quan sở, ngành cấp tỉnh",
                  "Nhóm Ủy ban nhân dân các huyện, thị xã, thành phố",
                  "Nhóm Ủy ban nhân dân các xã, phường, thị trấn"):
        assert page.get_by_role("heading", name=group).is_visible()
    # nothing is fully scored in this workspace: every agency is listed apart, with why
    departments = page.get_by_role("table", name="Xếp hạng Nhóm các cơ quan sở, ngành cấp tỉnh")
    assert "chưa đủ dữ liệu" in departments.inner_text() or "—" in departments.inner_text()
    blocking = page.get_by_role("table", name="Còn chặn việc công bố")
    assert "Sở Thông tin và Truyền thông" in blocking.inner_text()
    assert "Năm 2026 chưa công bố" in page.locator("body").inner_text()
    # each group's charts are drawn and really load (same origin, no script needed)
    charts = page.locator("img.bieu-do")
    assert charts.count() == 6                  # ratings and points lost, three groups
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=chart.element_handle())
    assert page.locator("img[alt^='Xếp loại theo hạng mục — Nhóm các cơ quan sở']").count() == 1
    page.screenshot(path=str(tmp_path / "toan-tinh.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'toan-tinh.png'}")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    _login(page, server, "cb-so-tttt")
    assert page.goto(server.url + "/toan-tinh").status == 403
