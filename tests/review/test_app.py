"""The reviewers' page over HTTP (werkzeug's client against the real WSGI app): login, CSRF,
per-agency access, overrides and answers reaching the audit log, evidence links signed for the
other origin."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from werkzeug.test import Client

from inspector.records.evidence import store
from inspector.review import accounts
from inspector.review.app import LOGIN_COOKIE, SESSION_COOKIE, ReviewApp
from inspector.review.evidence import EvidenceApp, EvidenceSigner
from inspector.records.workspace import Workspace
from inspector.records.observations import put as put_observation
from tests.cli import invoke

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data"
AS_OF = "2026-11-30"
EVIDENCE_ORIGIN = "http://127.0.0.1:9001"
PASSWORD = "mật-khẩu-đủ-dài-2026"
HOSTILE = (b"<html><body><script>top.location='http://127.0.0.1:9/';document.cookie='x=1'"
           b"</script><form action='/co-quan/so-tttt/dieu-chinh' method=post></form></body></html>")


@pytest.fixture()
def ws_dir(tmp_path: Path) -> Path:
    ws_dir = tmp_path / "ws"
    invoke("registry", "import", "-w", str(ws_dir), str(DATA / "register.yaml"))
    ws = Workspace(ws_dir)
    html = store(ws, HOSTILE, "html", "http://127.0.0.1:8101/tin-tuc")
    png = store(ws, b"\x89PNG\r\n\x1a\n" + b"0" * 64, "screenshot", "http://127.0.0.1:8101/tin-tuc")
    posts = [{"url": f"http://127.0.0.1:8101/tin-tuc/{m}", "title": f"Tin tháng {m}",
              "published": f"2026-{m:02d}-15"} for m in range(1, 12)]
    put_observation(ws, "so-tttt", "posts/tin-tuc-su-kien", {
        "section": {"found": True, "own": True, "how": "register",
                    "urls": ["http://127.0.0.1:8101/tin-tuc"]},
        "posts": posts, "evidence": [png, html]})
    other = store(ws, b"<p>xa</p>", "html", "http://127.0.0.1:8103/")
    put_observation(ws, "xa-kien-an", "posts/tin-tuc-su-kien", {
        "section": {"found": True, "own": True, "how": "register", "urls": []},
        "posts": [], "evidence": [other]})
    accounts.create_user(ws, "duyet", PASSWORD, accounts.REVIEWER, display_name="Trần Thị Duyệt")
    accounts.create_user(ws, "cb-so-tttt", PASSWORD, accounts.AGENCY, agency_id="so-tttt")
    ws.close()
    invoke("score", "-w", str(ws_dir), "--as-of", AS_OF)
    return ws_dir


@pytest.fixture()
def client(ws_dir: Path) -> Client:
    signer = EvidenceSigner(b"k" * 32)
    return Client(ReviewApp(ws_dir, signer, EVIDENCE_ORIGIN))


def login(client: Client, username: str, password: str = PASSWORD):
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/dang-nhap", data={"username": username, "password": password,
                                           "csrf": token})


def csrf_of(client: Client, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path, follow_redirects=True).text
                     ).group(1)


@pytest.mark.parametrize("path", ["/", "/co-quan/so-tttt", "/nhat-ky", "/co-quan/so-tttt/bao-cao",
                                  "/xem?path=evidence/aa/x.html"])
def test_without_a_session_every_page_is_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 303 and response.headers["Location"].endswith("/dang-nhap")


def test_without_a_session_a_change_is_refused(client):
    response = client.post("/co-quan/so-tttt/dieu-chinh",
                           data={"criterion": "1B/III/2", "points": "0", "reason": "x"})
    assert response.status_code == 401


def test_login_checks_password_and_its_own_form_token(client):
    assert login(client, "duyet", "sai-mat-khau-roi").status_code == 401
    assert login(client, "khong-co-ai").status_code == 401
    client.get("/dang-nhap")
    forged = client.post("/dang-nhap", data={"username": "duyet", "password": PASSWORD,
                                             "csrf": "doan-bua"})
    assert forged.status_code == 403
    response = login(client, "duyet")
    assert response.status_code == 303
    cookie = client.get_cookie(SESSION_COOKIE)
    assert cookie.http_only and cookie.same_site == "Strict"
    assert client.get_cookie(LOGIN_COOKIE, path="/dang-nhap") is None


def test_a_reviewer_browses_overrides_and_sees_the_audit_entry(client, ws_dir):
    login(client, "duyet")
    home = client.get("/")
    assert home.status_code == 200 and "so-tttt" in home.text and "xa-kien-an" in home.text
    assert "xa-kien-an" not in client.get("/?cap=province").text
    page = client.get("/co-quan/so-tttt")
    assert page.status_code == 200
    assert "15/01/2026" in page.text and "Tin tháng 1" in page.text      # posts, dd/mm/yyyy
    images = re.findall(r'<img class="anh" src="([^"]+)"', page.text)
    assert images and all(src.startswith(EVIDENCE_ORIGIN + "/e/screenshots/") for src in images)
    assert "sig=" in images[0]
    assert "/xem?path=evidence" in page.text
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "script-src 'none'" in page.headers["Content-Security-Policy"]
    token = csrf_of(client, "/co-quan/so-tttt")
    refused = client.post("/co-quan/so-tttt/dieu-chinh",
                          data={"criterion": "1B/III/2", "points": "2", "reason": "x"})
    assert refused.status_code == 403                                   # no CSRF token
    bad = client.post("/co-quan/so-tttt/dieu-chinh", data={
        "criterion": "1B/III/2", "points": "9", "reason": "quá", "csrf": token})
    assert bad.status_code == 400 and "điểm phải từ 0 đến 5" in bad.text
    done = client.post("/co-quan/so-tttt/dieu-chinh", data={
        "criterion": "1B/III/2", "points": "2,5", "reason": "Tin trùng lặp", "csrf": token})
    assert done.status_code == 303
    page = client.get("/co-quan/so-tttt")
    assert "đã điều chỉnh" in page.text and "Tin trùng lặp" in page.text
    audit = client.get("/nhat-ky")
    assert "override.set" in audit.text and "so-tttt/1B/III/2" in audit.text
    assert "duyet" in audit.text


def test_agency_staff_see_only_their_agency_and_answer(client):
    assert login(client, "cb-so-tttt").headers["Location"].endswith("/co-quan/so-tttt")
    assert client.get("/").headers["Location"].endswith("/co-quan/so-tttt")
    assert client.get("/co-quan/xa-kien-an").status_code == 403
    assert client.get("/nhat-ky").status_code == 403
    page = client.get("/co-quan/so-tttt")
    assert page.status_code == 200 and "Lưu điều chỉnh" not in page.text
    token = csrf_of(client, "/co-quan/so-tttt")
    assert client.post("/co-quan/so-tttt/dieu-chinh", data={
        "criterion": "1B/III/2", "points": "5", "reason": "x", "csrf": token}).status_code == 403
    assert client.post("/co-quan/xa-kien-an/tra-loi", data={
        "criterion": "1B/III/2", "state": "confirmed", "csrf": token}).status_code == 403
    answered = client.post("/co-quan/so-tttt/tra-loi", data={
        "criterion": "1B/III/2", "state": "disputed", "comment": "Thiếu tin tháng 12",
        "csrf": token})
    assert answered.status_code == 303
    assert "không đồng ý" in client.get("/co-quan/so-tttt").text
    # evidence of another agency is not shown to them, even by its path
    other = client.get("/co-quan/so-tttt")
    assert other.status_code == 200
    ws = Workspace(client.application.root)
    path = next(ws.db["evidence"].rows_where("url = ?", ["http://127.0.0.1:8103/"]))["path"]
    own = next(ws.db["evidence"].rows_where("kind = 'html' and url = ?",
                                            ["http://127.0.0.1:8101/tin-tuc"]))["path"]
    ws.close()
    assert client.get(f"/xem?path={path}").status_code == 403
    viewer = client.get(f"/xem?path={own}")
    assert viewer.status_code == 200
    frame = re.search(r'<iframe class="html" sandbox src="([^"]+)"', viewer.text)
    assert frame and frame.group(1).startswith(EVIDENCE_ORIGIN)


def test_logout_ends_the_session(client):
    login(client, "duyet")
    token = csrf_of(client)
    old = client.get_cookie(SESSION_COOKIE).value
    response = client.post("/dang-xuat", data={"csrf": token})
    assert response.status_code == 303
    client.set_cookie(SESSION_COOKIE, old)
    assert client.get("/").status_code == 303                          # the old token is dead


def test_signed_links_open_on_the_evidence_origin_only_for_their_user(client, ws_dir):
    login(client, "duyet")
    page = client.get("/co-quan/so-tttt")
    src = re.findall(r'<img class="anh" src="([^"]+)"', page.text)[0].replace("&amp;", "&")
    parts = urlsplit(src)
    evidence = Client(EvidenceApp(ws_dir, client.application.signer,
                                  frame_ancestor="http://127.0.0.1:9000"))
    assert evidence.get(f"{parts.path}?{parts.query}").status_code == 200
    query = parse_qs(parts.query)
    forged = f"{parts.path}?u=cb-so-tttt&exp={query['exp'][0]}&sig={query['sig'][0]}"
    assert evidence.get(forged).status_code == 403
    assert unquote(parts.path).startswith("/e/screenshots/")


def test_a_reviewer_confirms_a_finding_and_the_list_shows_progress(client):
    login(client, "duyet")
    assert "so-tttt" in client.get("/?trang_thai=pending").text
    token = csrf_of(client, "/co-quan/so-tttt")
    assert client.post("/co-quan/so-tttt/xac-nhan", data={"criterion": "1B/III/2"}
                       ).status_code == 403                                  # no CSRF token
    refused = client.post("/co-quan/so-tttt/xac-nhan", data={"criterion": "1B/III/6.1",
                                                             "csrf": token})
    assert refused.status_code == 400 and "không có điểm tự động để xác nhận" in refused.text
    done = client.post("/co-quan/so-tttt/xac-nhan", data={
        "criterion": "1B/III/2", "note": "Đã xem 11 tin", "csrf": token})
    assert done.status_code == 303 and done.headers["Location"].endswith("#tc-1B-III-2")
    row = re.search(r'<tr id="tc-1B-III-2">(.*?)</tr>', client.get("/co-quan/so-tttt").text,
                    re.S).group(1)
    assert "đã duyệt" in row and "Duyệt bởi duyet" in row and "Đã xem 11 tin" in row
    assert "Xác nhận kết quả" not in row                    # nothing left to confirm there
    ws = Workspace(client.application.root)
    total = ws.db["findings"].count_where("agency_id = 'so-tttt'")
    ws.close()
    listing = client.get("/").text
    assert re.search(rf"<td class=\"so\">1/{total}</td>", listing)
    assert "finding.reviewer_confirmed" in client.get("/nhat-ky").text


def test_agency_staff_cannot_confirm_for_the_reviewer(client):
    login(client, "cb-so-tttt")
    token = csrf_of(client, "/co-quan/so-tttt")
    assert client.post("/co-quan/so-tttt/xac-nhan", data={
        "criterion": "1B/III/2", "csrf": token}).status_code == 403
    assert "Xác nhận kết quả" not in client.get("/co-quan/so-tttt").text


def test_an_expired_session_is_the_login_page_again(client):
    login(client, "duyet")
    assert client.get("/").status_code == 200
    ws = Workspace(client.application.root)
    ws.db.execute("update sessions set expires_at = '2000-01-01T00:00:00Z'")
    ws.db.conn.commit()
    ws.close()
    response = client.get("/co-quan/so-tttt")
    assert response.status_code == 303 and response.headers["Location"].endswith("/dang-nhap")
    assert client.post("/co-quan/so-tttt/xac-nhan", data={"criterion": "1B/III/2"}
                       ).status_code == 401


def test_the_confirmation_report_page_shows_signed_pictures_to_whom_may_see_it(client):
    login(client, "duyet")
    report = client.get("/co-quan/so-tttt/bao-cao")
    assert report.status_code == 200 and "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ" in report.text
    assert "script-src 'none'" in report.headers["Content-Security-Policy"]
    images = re.findall(r'<img src="([^"]+)"', report.text)
    assert images and all(src.startswith(EVIDENCE_ORIGIN + "/e/screenshots/") for src in images)
    assert "http-equiv" not in report.text
    assert "/co-quan/so-tttt/bao-cao" in client.get("/co-quan/so-tttt").text
    client.post("/dang-xuat", data={"csrf": csrf_of(client)})
    login(client, "cb-so-tttt")
    assert client.get("/co-quan/so-tttt/bao-cao").status_code == 200
    assert client.get("/co-quan/xa-kien-an/bao-cao").status_code == 403


def test_agency_staff_confirm_every_unanswered_finding_at_once(client):
    """Section VII: the agency answers its figures; one button confirms those it has not
    answered, one audit entry each, and a dispute already sent stays a dispute."""
    login(client, "cb-so-tttt")
    token = csrf_of(client, "/co-quan/so-tttt")
    client.post("/co-quan/so-tttt/tra-loi", data={
        "criterion": "1B/III/2", "state": "disputed", "comment": "Thiếu tin tháng 12",
        "csrf": token})
    ws = Workspace(client.application.root)
    total = ws.db["findings"].count_where("agency_id = 'so-tttt'")
    ws.close()
    page = client.get("/co-quan/so-tttt").text
    assert f"Xác nhận tất cả {total - 1} kết quả chưa có ý kiến" in page
    assert client.post("/co-quan/xa-kien-an/xac-nhan-tat-ca",
                       data={"csrf": token}).status_code == 403
    done = client.post("/co-quan/so-tttt/xac-nhan-tat-ca", data={"csrf": token})
    assert done.status_code == 303
    ws = Workspace(client.application.root)
    answers = {r["criterion_id"]: r["state"] for r in ws.db["responses"].rows_where(
        "agency_id = 'so-tttt'")}
    audit = [r["subject"] for r in ws.db["audit_log"].rows_where("action = 'finding.confirmed'")]
    ws.close()
    assert len(answers) == total and answers["1B/III/2"] == "disputed"
    assert sorted(audit) == sorted(f"so-tttt/{c}" for c, s in answers.items()
                                   if s == "confirmed")
    assert "Xác nhận tất cả" not in client.get("/co-quan/so-tttt").text
    # a reviewer cannot answer for the agency
    client.post("/dang-xuat", data={"csrf": token})
    login(client, "duyet")
    assert client.post("/co-quan/so-tttt/xac-nhan-tat-ca",
                       data={"csrf": csrf_of(client)}).status_code == 403


def test_another_agencys_evidence_path_in_a_post_title_does_not_open_it(client):
    """A portal controls its posts' titles: one titled with another agency's evidence path
    gave its agency's staff that agency's saved page while access searched observation text.
    Access now follows the evidence's recorded owner."""
    ws = Workspace(client.application.root)
    theirs = next(ws.db["evidence"].rows_where("url = ?", ["http://127.0.0.1:8103/"]))["path"]
    put_observation(ws, "so-tttt", "posts/thong-bao", {
        "section": {"found": True, "own": True, "how": "menu", "urls": []},
        "posts": [{"url": "http://127.0.0.1:8101/tb/1", "title": theirs,
                   "published": "2026-10-01", "evidence": theirs}]})
    owners = {r[0] for r in ws.db.execute(
        "select o.agency_id from evidence_owners o join evidence e on e.sha256 = o.sha256 "
        "where e.path = ?", [theirs]).fetchall()}
    ws.close()
    assert owners == {"xa-kien-an"}
    login(client, "cb-so-tttt")
    assert client.get(f"/xem?path={theirs}").status_code == 403


class _Unread:
    """A request body that must not be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_post_over_the_size_cap_is_refused_unread(client):
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path="/dang-nhap", method="POST").get_environ()
    environ.update({"CONTENT_LENGTH": str(30 * 1024 * 1024),
                    "CONTENT_TYPE": "application/x-www-form-urlencoded",
                    "wsgi.input": _Unread()})
    status = []
    body = b"".join(client.application(environ, lambda s, h: status.append(s)))
    assert status == ["413 REQUEST ENTITY TOO LARGE"] and "quá lớn" in body.decode()


def test_a_comment_over_the_length_cap_is_refused_and_nothing_is_stored(client):
    login(client, "cb-so-tttt")
    token = csrf_of(client, "/co-quan/so-tttt")
    refused = client.post("/co-quan/so-tttt/tra-loi", data={
        "criterion": "1B/III/2", "state": "disputed", "comment": "x" * 2001, "csrf": token})
    assert refused.status_code == 400 and "ý kiến quá dài: 2.001 ký tự, tối đa 2.000" in \
        refused.text
    ws = Workspace(client.application.root)
    assert ws.db["responses"].count == 0
    ws.close()
    too_many = {f"f{i}": "1" for i in range(150)} | {"csrf": token, "criterion": "1B/III/2",
                                                     "state": "confirmed"}
    assert client.post("/co-quan/so-tttt/tra-loi", data=too_many).status_code == 413


def test_the_audit_log_is_paged(client):
    ws = Workspace(client.application.root)
    for index in range(250):
        ws.audit("duyet", "override.set", f"so-tttt/1B/III/{index}", reason=f"lần {index}")
    ws.close()
    login(client, "duyet")
    first = client.get("/nhat-ky").text
    assert "trang 1/3" in first and "lần 249" in first and "lần 149" not in first
    assert 'href="/nhat-ky?trang=2"' in first
    last = client.get("/nhat-ky?trang=3").text
    assert "lần 0<" in last and "Mới hơn" in last and "Cũ hơn" not in last
    assert client.get("/nhat-ky?trang=abc").status_code == 200
