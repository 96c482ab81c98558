"""The sandbox DVCTT portals, their SMTP sink and clock: each behaviour fails at its expected step."""

from __future__ import annotations

import io
import itertools
import json
import mailbox
import re
import threading
import time
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from werkzeug.serving import make_server
from werkzeug.test import Client

from inspector.sandbox.model import SERVICE_BEHAVIOURS, Agency, Procedure, Province, Service
from inspector.sandbox.services.behaviour import (RECHECK_AFTER, STEPS, VERDICTS,
                                                  expected_verdict)
from inspector.sandbox.services.clock import SandboxClock
from inspector.sandbox.services.mail import SmtpSink, extract_otp, read_messages, send_mail
from inspector.sandbox.services.spa import SinglePageAppPortal
from inspector.sandbox.services.ssr import ServerRenderedPortal

START = datetime(2026, 11, 26, 8, 0)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

CATALOGUE = [
    Procedure("1.004194", "Cấp giấy phép xuất bản bản tin", "Xuất bản", 3, "province"),
    Procedure("1.003652", "Cấp giấy phép hoạt động in", "In", 4, "province"),
    Procedure("2.001234", "Cấp phép sử dụng tần số vô tuyến điện", "Tần số vô tuyến điện", 4,
              "province"),
]

_identities = itertools.count(1)


def make_services(portal: str) -> list[Service]:
    """One service per behaviour, plus one covering two procedures and one off the catalogue."""
    base = "/dich-vu" if portal == "ssr" else "/dvc/dich-vu-truc-tuyen"
    services = [Service(f"{portal}-{b}", "so-tt", f"Dịch vụ {b.replace('_', ' ')}", "Xuất bản",
                        3 + i % 2, ["1.004194" if i % 2 else "1.003652"], b, portal,
                        f"{base}/{b.replace('_', '-')}", 10, 20)
                for i, b in enumerate(SERVICE_BEHAVIOURS)]
    services.append(Service(f"{portal}-gop", "so-tt", "Cấp phép in và tần số", "In", 4,
                            ["1.003652", "2.001234"], "works", portal, f"{base}/gop", 1, 2))
    services.append(Service(f"{portal}-ngoai", "so-tt", "Dịch vụ không có trong danh mục", "Khác",
                            3, [], "works", portal, f"{base}/ngoai-danh-muc", 0, 1))
    return services


def make_province(services: list[Service]) -> Province:
    agency = Agency(id="so-tt", name="Sở Thông tin và Truyền thông", level="province",
                    parent=None, platform="liferay", profile="average", site="sotttt",
                    tthc_total=3, procedures=list(CATALOGUE), services=services)
    return Province(name="Tỉnh Thử Nghiệm", seed=7, as_of=date(2026, 11, 20), tthc_total=3,
                    agencies=[agency], catalogue=list(CATALOGUE))


@pytest.fixture
def sink(tmp_path: Path):
    with SmtpSink(tmp_path / "mail") as running:
        yield running


def build(kind: str, sink: SmtpSink, slow: float = 0.05):
    services = make_services(kind)
    clock = SandboxClock(START)
    cls = ServerRenderedPortal if kind == "ssr" else SinglePageAppPortal
    portal = cls(make_province(services), services, clock, smtp=("127.0.0.1", sink.port),
                 slow_seconds=slow)
    return portal, {s.behaviour if s.id.endswith(s.behaviour) else s.id: s for s in services}, clock


def latest_otp(sink: SmtpSink, to: str, subject: str | None = None) -> str | None:
    messages = [m for m in sink.messages(to) if subject is None or m["Subject"] == subject]
    return extract_otp(messages[-1]) if messages else None


def identity() -> dict[str, str]:
    n = next(_identities)
    return {"name": f"Nguyễn Văn Thử {n}", "id": f"0790{n:08d}", "phone": f"09{n:08d}",
            "email": f"nguoi{n}@thu.invalid", "password": "MatKhau@2026"}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- the journeys a perfect checker takes (HTTP only) -------------------------------------------
class Stop(Exception):
    def __init__(self, step: str, status: int, verdict: str = "not_recognised"):
        super().__init__(step)
        self.step, self.status, self.verdict = step, status, verdict


def ssr_journey(client: Client, sink: SmtpSink, service: Service) -> dict:
    """Open → register → confirm → login → choose → fill → upload → submit → track on the
    server-rendered portal; raises Stop at the first step that does not work."""
    person = identity()
    page = client.get(service.path)
    if page.status_code != 200:
        raise Stop("open", page.status_code)
    link = soup(page).main.find("a", string="Đăng ký tài khoản")
    form_page = client.get(link["href"])
    form = soup(form_page).find("form", action="/dang-ky")
    hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    assert hidden["dich_vu"] == service.id
    fields = {"Họ và tên": person["name"], "Số CCCD": person["id"],
              "Số điện thoại": person["phone"], "Thư điện tử": person["email"],
              "Mật khẩu": person["password"], "Nhập lại mật khẩu": person["password"]}
    data = dict(hidden)
    for label, value in fields.items():           # locate each input by its <label for>
        target = form.find("label", string=label)["for"]
        data[form.find("input", id=target)["name"]] = value
    answer = client.post("/dang-ky", data=data)
    otp = latest_otp(sink, person["email"])
    if answer.status_code != 303 or otp is None:
        raise Stop("register", answer.status_code)
    confirm_page = client.get(local(answer.headers["Location"]))
    confirm = soup(confirm_page).find("form", action="/xac-nhan")
    data = {i["name"]: i.get("value", "") for i in confirm.find_all("input", type="hidden")}
    data[confirm.find("input", id=confirm.find("label", string="Mã OTP")["for"])["name"]] = otp
    answer = client.post("/xac-nhan", data=data)
    if answer.status_code != 303:
        raise Stop("confirm", answer.status_code)
    login_page = client.get(local(answer.headers["Location"]))
    assert "Kích hoạt tài khoản thành công" in login_page.get_data(as_text=True)
    login = soup(login_page).find("form", action="/dang-nhap")
    answer = client.post("/dang-nhap", data={
        "next": login.find("input", attrs={"name": "next"})["value"],
        "tai_khoan": person["id"], "mat_khau": person["password"]})
    if answer.status_code != 303 or local(answer.headers["Location"]) != service.path:
        raise Stop("login", answer.status_code)
    page = client.get(service.path)
    button = soup(page).find("button", string="Nộp hồ sơ trực tuyến")
    choose = button.find_parent("form")
    params = {i["name"]: i["value"] for i in choose.find_all("input", type="hidden")}
    step = client.get(choose["action"], query_string=params)
    if step.status_code != 200 or "Bước 1/4" not in step.get_data(as_text=True):
        raise Stop("choose", step.status_code)
    base = choose["action"].rsplit("/", 1)[0]
    prefilled = {i["name"]: i.get("value", "") for i in soup(step).find("form").find_all("input")}
    assert prefilled["nguoi_nop"] == person["name"] and prefilled["so_cccd"] == person["id"]
    answer = client.post(f"{base}/buoc-1", data={**prefilled, "dia_chi": "Số 1 Lê Lợi"})
    if answer.status_code != 303:
        raise Stop("fill", answer.status_code)
    answer = client.post(f"{base}/buoc-2", data={"noi_dung": "Đề nghị cấp phép",
                                                 "so_ban": "1",
                                                 "hinh_thuc": "Nhận kết quả trực tuyến"})
    if answer.status_code != 303:
        raise Stop("fill", answer.status_code)
    empty = client.post(f"{base}/buoc-3", data={"tep": (io.BytesIO(b""), "")},
                        content_type="multipart/form-data")
    assert empty.status_code == 400 and "Vui lòng chọn tệp đính kèm" in empty.get_data(as_text=True)
    answer = client.post(f"{base}/buoc-3",
                         data={"tep": (io.BytesIO(PDF), "don-de-nghi.pdf", "application/pdf")},
                         content_type="multipart/form-data")
    if answer.status_code != 303:
        raise Stop("upload", answer.status_code)
    confirm_step = client.get(f"{base}/buoc-4")
    if soup(confirm_step).find("img", alt="Ảnh mã xác nhận") is not None:
        raise Stop("submit", confirm_step.status_code, "needs_human")
    answer = client.post(f"{base}/buoc-4", data={"cam_doan": "1"})
    if answer.status_code != 303:
        raise Stop("submit", answer.status_code)
    receipt = client.get(local(answer.headers["Location"]))
    code = soup(receipt).find(id="ma-ho-so").get_text()
    track_link = soup(receipt).main.find("a", string="Tra cứu hồ sơ")["href"]   # not the menu
    result = client.get(track_link)
    cell = soup(result).find(class_="trang-thai")
    if result.status_code != 200 or cell is None:
        raise Stop("track", result.status_code)
    return {"code": code, "status": cell.get_text()}


def spa_journey(client: Client, sink: SmtpSink, service: Service) -> dict:
    """The same journey through the single-page portal's JSON API (what its JS does)."""
    person = identity()
    shell = client.get(service.path)
    if shell.status_code != 200:
        raise Stop("open", shell.status_code)
    init = json.loads(soup(shell).find("script", id="dvc-khoi-tao").string)
    assert init["dich_vu"] == service.id
    detail = client.get(f"/api/dich-vu/{init['dich_vu']}")
    if detail.status_code != 200:
        raise Stop("open", detail.status_code)
    answer = client.post("/api/tai-khoan/dang-ky", json={
        "ho_ten": person["name"], "so_dinh_danh": person["id"], "dien_thoai": person["phone"],
        "email": person["email"], "mat_khau": person["password"],
        "nhap_lai_mat_khau": person["password"], "dich_vu": service.id})
    otp = latest_otp(sink, person["email"], "Xác thực đăng ký tài khoản định danh")
    if answer.status_code != 201 or otp is None:
        raise Stop("register", answer.status_code)
    answer = client.post("/api/tai-khoan/xac-thuc",
                         json={"ma_xac_thuc": answer.json["ma_xac_thuc"], "otp": otp})
    if answer.status_code != 200:
        raise Stop("confirm", answer.status_code)
    answer = client.post("/api/sso/dang-nhap", json={
        "ten_dang_nhap": person["id"], "mat_khau": person["password"], "dich_vu": service.id})
    otp = latest_otp(sink, person["email"], "Mã OTP đăng nhập tài khoản định danh")
    if answer.status_code != 200 or otp is None:
        raise Stop("login", answer.status_code)
    answer = client.post("/api/sso/xac-thuc",
                         json={"ma_xac_thuc": answer.json["ma_xac_thuc"], "otp": otp})
    if answer.status_code != 200 or not client.get("/api/toi").json["nguoi_dung"]:
        raise Stop("login", answer.status_code)
    code = service.procedures[0]
    found = client.get("/api/thu-tuc", query_string={"q": code}).json
    procedure = client.get(f"/api/thu-tuc/{code}")
    if (code not in [t["ma"] for g in found["linh_vuc"] for t in g["thu_tuc"]]
            or service.id not in [d["id"] for d in procedure.json["dich_vu"]]):
        raise Stop("choose", procedure.status_code)
    answer = client.post("/api/ho-so", json={
        "dich_vu": service.id, "thu_tuc": code,
        "nguoi_yeu_cau": {"ho_ten": person["name"], "so_dinh_danh": person["id"],
                          "dien_thoai": person["phone"], "dia_chi": "Số 1 Lê Lợi"},
        "noi_dung": "Đề nghị cấp phép", "hinh_thuc_nhan": "Nhận kết quả trực tuyến"})
    if answer.status_code != 201:
        raise Stop("fill", answer.status_code)
    draft = answer.json
    empty = client.post(f"/api/nhap/{draft['ma_nhap']}/tep", data={"tep": (io.BytesIO(b""), "")},
                        content_type="multipart/form-data")
    assert empty.status_code == 400 and empty.json["loi"] == "Vui lòng chọn tệp đính kèm."
    answer = client.post(f"/api/nhap/{draft['ma_nhap']}/tep",
                         data={"tep": (io.BytesIO(PNG), "giay-to.png", "image/png")},
                         content_type="multipart/form-data")
    if answer.status_code != 200:
        raise Stop("upload", answer.status_code)
    if draft["ma_kiem_tra"]:
        raise Stop("submit", 200, "needs_human")
    answer = client.post(f"/api/nhap/{draft['ma_nhap']}/nop", json={})
    if answer.status_code != 201:
        raise Stop("submit", answer.status_code)
    number = answer.json["so_bien_nhan"]
    result = client.get(f"/api/ho-so/{number}")
    if result.status_code != 200:
        raise Stop("track", result.status_code)
    return {"code": number, "status": result.json["trang_thai"]}


JOURNEYS = {"ssr": ssr_journey, "spa": spa_journey}


def check(kind: str, client: Client, sink: SmtpSink, service: Service) -> dict:
    """A first attempt as the ground truth sees it: verdict, failed step, result."""
    try:
        result = JOURNEYS[kind](client, sink, service)
    except Stop as stop:
        return {"verdict": stop.verdict, "failed_step": stop.step, "http": stop.status}
    return {"verdict": "recognised", "failed_step": None, **result}


# -- clock and mail ----------------------------------------------------------------------------
def test_clock_is_frozen_until_advanced_or_set():
    clock = SandboxClock(START)
    time.sleep(0.01)
    assert clock.now() == START and clock.start == START
    assert clock.advance(timedelta(hours=4)) == START + timedelta(hours=4)
    assert clock.elapsed() == timedelta(hours=4)
    with pytest.raises(ValueError):
        clock.advance(timedelta(seconds=-1))
    clock.set(START - timedelta(days=1))
    assert clock.now() == START - timedelta(days=1) and clock.start == START


def test_clock_advances_atomically_across_threads():
    clock = SandboxClock(START)
    workers = [threading.Thread(target=lambda: [clock.advance(timedelta(seconds=1))
                                                for _ in range(500)]) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert clock.now() == START + timedelta(seconds=4000)


def test_sink_binds_loopback_and_stores_a_maildir(tmp_path: Path):
    with pytest.raises(ValueError):
        SmtpSink(tmp_path / "m", host="0.0.0.0")
    with SmtpSink(tmp_path / "mail") as sink:
        host, port = sink.address
        assert host == "127.0.0.1" and port == sink.port and port > 0
        send_mail("127.0.0.1", sink.port, "a@sandbox.invalid", "b@sandbox.invalid",
                  "Mã xác nhận", "Mã OTP của bạn là: 042917.")
        send_mail("127.0.0.1", sink.port, "a@sandbox.invalid", "c@sandbox.invalid", "Khác",
                  "Không có mã.")
        box = mailbox.Maildir(tmp_path / "mail", create=False)     # as another process would
        assert len(box) == 2
        mine = read_messages(tmp_path / "mail", "b@sandbox.invalid")
        assert [m["Subject"] for m in mine] == ["Mã xác nhận"]
        assert extract_otp(mine[0]) == "042917"
        assert extract_otp(read_messages(tmp_path / "mail", "c@sandbox.invalid")[0]) is None
    with pytest.raises(ValueError):
        send_mail("192.0.2.1", 25, "a@sandbox.invalid", "b@sandbox.invalid", "x", "y")


def test_sink_picks_a_new_port_each_start(tmp_path: Path):
    sink = SmtpSink(tmp_path / "mail")
    sink.start()
    first = sink.port
    sink.stop()
    with pytest.raises(RuntimeError):
        _ = sink.port
    with sink:
        assert sink.port > 0
        send_mail("127.0.0.1", sink.port, "a@x.invalid", "b@x.invalid", "s", "b")
    assert first > 0 and len(read_messages(tmp_path / "mail")) == 1


# -- expected verdicts -------------------------------------------------------------------------
@pytest.mark.parametrize("portal", ["ssr", "spa"])
def test_expected_verdict_covers_every_behaviour(portal: str):
    for service in make_services(portal):
        verdict = expected_verdict(service)
        assert set(verdict) == {"verdict", "failed_step", "reason", "recheck"}
        assert verdict["verdict"] in VERDICTS and verdict["reason"]
        assert verdict["failed_step"] in (None, *STEPS)
    by = {s.behaviour: expected_verdict(s) for s in make_services(portal)[:len(SERVICE_BEHAVIOURS)]}
    assert by["works"] == {"verdict": "recognised", "failed_step": None,
                           "reason": by["works"]["reason"], "recheck": False}
    assert by["dead_link"]["failed_step"] == "open"
    assert by["registration_broken"]["failed_step"] == "register"
    assert by["submission_fails"]["failed_step"] == "submit"
    assert by["no_status_lookup"]["failed_step"] == "track"
    assert by["captcha"]["verdict"] == "needs_human"
    assert by["flaky"]["verdict"] == "recognised" and by["flaky"]["recheck"] is True
    assert [b for b, v in by.items() if v["recheck"]] == ["flaky"]
    off = expected_verdict(make_services(portal)[-1])
    assert off["verdict"] == "not_recognised" and off["failed_step"] is None


# -- both portals: every behaviour shows up where expected_verdict says ------------------------
@pytest.mark.parametrize("kind", ["ssr", "spa"])
@pytest.mark.parametrize("behaviour", SERVICE_BEHAVIOURS)
def test_behaviour_fails_at_the_expected_step(kind: str, behaviour: str, sink: SmtpSink):
    portal, services, clock = build(kind, sink)
    service = services[behaviour]
    expected = expected_verdict(service)
    client = Client(portal)
    first = check(kind, client, sink, service)
    assert first["failed_step"] == expected["failed_step"], first
    if expected["recheck"]:
        assert first["verdict"] == "not_recognised" and first["http"] == 503
        clock.advance(RECHECK_AFTER - timedelta(minutes=1))
        assert check(kind, Client(portal), sink, service)["failed_step"] == expected["failed_step"]
        clock.advance(timedelta(minutes=1))                   # exactly start + 4 h
        second = check(kind, Client(portal), sink, service)
        assert second["verdict"] == expected["verdict"] == "recognised", second
    else:
        assert first["verdict"] == expected["verdict"], first
    if first["verdict"] == "recognised":
        assert first["status"] == "Đã tiếp nhận" and first["code"]


@pytest.mark.parametrize("kind", ["ssr", "spa"])
def test_failures_answer_the_documented_status(kind: str, sink: SmtpSink):
    portal, services, _ = build(kind, sink)
    statuses = {b: check(kind, Client(portal), sink, services[b]).get("http")
                for b in ("dead_link", "submission_fails", "no_status_lookup", "flaky")}
    assert statuses == {"dead_link": 404, "submission_fails": 500, "no_status_lookup": 404,
                        "flaky": 503}


@pytest.mark.parametrize("kind", ["ssr", "spa"])
def test_registration_is_tied_to_the_service_journey(kind: str, sink: SmtpSink):
    """Registering outside the broken service's journey works: the fault is per service."""
    portal, services, _ = build(kind, sink)
    client = Client(portal)
    person = identity()
    if kind == "ssr":
        answer = client.post("/dang-ky", data={
            "ho_ten": person["name"], "so_cccd": person["id"], "dien_thoai": person["phone"],
            "email": person["email"], "mat_khau": person["password"],
            "nhap_lai_mat_khau": person["password"], "next": "/", "dich_vu": ""})
        assert answer.status_code == 303
        broken = client.post("/dang-ky", data={
            "ho_ten": "Trần Thị B", "so_cccd": "079000000999", "dien_thoai": "0900000999",
            "email": "b999@thu.invalid", "mat_khau": "MatKhau@2026",
            "nhap_lai_mat_khau": "MatKhau@2026",
            "next": services["registration_broken"].path})       # the service from `next`
        assert broken.status_code == 500 and "không thể tạo tài khoản" in broken.get_data(as_text=True)
    else:
        answer = client.post("/api/tai-khoan/dang-ky", json={
            "ho_ten": person["name"], "so_dinh_danh": person["id"],
            "dien_thoai": person["phone"], "email": person["email"],
            "mat_khau": person["password"], "nhap_lai_mat_khau": person["password"]})
        assert answer.status_code == 201
        broken = client.post("/api/tai-khoan/dang-ky", json={
            "ho_ten": "Trần Thị B", "so_dinh_danh": "079000000999", "dien_thoai": "0900000999",
            "email": "b999@thu.invalid", "mat_khau": "MatKhau@2026",
            "nhap_lai_mat_khau": "MatKhau@2026", "dich_vu": services["registration_broken"].id})
        assert broken.status_code == 201 and sink.messages("b999@thu.invalid") == []
    assert latest_otp(sink, person["email"]) is not None


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ssr", "spa"])
def test_slow_service_sleeps_on_every_step(kind: str, sink: SmtpSink):
    portal, services, _ = build(kind, sink, slow=0.3)
    client = Client(portal)
    began = time.monotonic()
    client.get(services["works"].path)
    fast = time.monotonic() - began
    began = time.monotonic()
    result = check(kind, client, sink, services["slow"])
    elapsed = time.monotonic() - began
    assert result["verdict"] == "recognised"
    assert fast < 0.3 and elapsed >= 0.3 * 8


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["ssr", "spa"])
def test_same_inputs_give_the_same_codes_and_otps(kind: str, tmp_path: Path):
    global _identities
    outcomes = []
    for run in range(2):
        _identities = itertools.count(500)
        with SmtpSink(tmp_path / f"mail{run}") as sink:
            portal, services, _ = build(kind, sink)
            codes = [check(kind, Client(portal), sink, services[b])["code"]
                     for b in ("works", "slow", "works")]
            otps = [extract_otp(m) for m in sink.messages()]
        outcomes.append((codes, otps))
    assert outcomes[0] == outcomes[1]
    codes = outcomes[0][0]
    pattern = (r"H\d\d\.01-261126-000[123]" if kind == "ssr"
               else r"000\.00\.01\.H\d\d-261126-000[123]")
    assert all(re.fullmatch(pattern, c) for c in codes) and len(set(codes)) == 3


@pytest.mark.parametrize("kind", ["ssr", "spa"])
def test_status_moves_to_processing_later(kind: str, sink: SmtpSink):
    portal, services, clock = build(kind, sink)
    client = Client(portal)
    code = check(kind, client, sink, services["works"])["code"]
    clock.advance(timedelta(hours=2))
    if kind == "ssr":
        text = client.get("/tra-cuu", query_string={"ma_ho_so": code}).get_data(as_text=True)
        assert "Đang xử lý" in text
        assert client.get("/tra-cuu", query_string={"ma_ho_so": "H00.00-000000-0000"}
                          ).status_code == 404
    else:
        assert client.get(f"/api/ho-so/{code}").json["trang_thai"] == "Đang xử lý"


# -- server-rendered portal details -----------------------------------------------------------
def test_ssr_home_lists_procedures_by_field(sink: SmtpSink):
    portal, services, _ = build("ssr", sink)
    page = soup(Client(portal).get("/"))
    headings = [h.get_text() for h in page.find_all("h3")]
    assert headings == ["Lĩnh vực: In", "Lĩnh vực: Tần số vô tuyến điện", "Lĩnh vực: Xuất bản",
                        "Lĩnh vực: Khác"]
    codes = {td.get_text() for td in page.find_all("td", class_="ma-thu-tuc")}
    assert {"1.004194", "1.003652", "2.001234"} <= codes
    assert page.find("a", href=services["works"].path) is not None
    found = soup(Client(portal).get("/thu-tuc", query_string={"q": "2.001234"}))
    assert [td.get_text() for td in found.find_all("td", class_="ma-thu-tuc")] == ["2.001234"]


def test_ssr_every_input_has_a_label(sink: SmtpSink):
    portal, services, _ = build("ssr", sink)
    client = Client(portal)
    person = identity()
    client.post("/dang-ky", data={"ho_ten": person["name"], "so_cccd": person["id"],
                                  "dien_thoai": person["phone"], "email": person["email"],
                                  "mat_khau": person["password"],
                                  "nhap_lai_mat_khau": person["password"]})
    pages = ["/dang-ky", "/dang-nhap", "/tra-cuu", "/"]
    for path in pages:
        page = soup(client.get(path))
        for control in page.select("main input:not([type=hidden]), main select, main textarea"):
            assert page.find("label", attrs={"for": control["id"]}) is not None, (path, control)


def test_ssr_rejects_bad_uploads_and_needs_login(sink: SmtpSink):
    portal, services, _ = build("ssr", sink)
    client = Client(portal)
    service = services["works"]
    step = client.get(f"/nop-ho-so/{service.id}/buoc-1")
    assert step.status_code == 302 and step.headers["Location"].startswith("/dang-nhap?next=")
    with pytest.raises(Stop):                       # a captcha service stops at the submit
        ssr_journey(client, sink, services["captcha"])
    base = f"/nop-ho-so/{services['captcha'].id}"
    for name, data, message in [("x.exe", b"MZ", "Chỉ chấp nhận tệp PDF hoặc ảnh"),
                                ("gia.pdf", b"not a pdf", "không đúng định dạng"),
                                ("rong.pdf", b"", "Tệp đính kèm rỗng")]:
        answer = client.post(f"{base}/buoc-3", data={"tep": (io.BytesIO(data), name)},
                             content_type="multipart/form-data")
        assert answer.status_code == 400 and message in answer.get_data(as_text=True), name


def test_ssr_captcha_is_an_image_a_human_can_pass(sink: SmtpSink):
    portal, services, _ = build("ssr", sink)
    client = Client(portal)
    service = services["captcha"]
    with pytest.raises(Stop) as stop:
        ssr_journey(client, sink, service)
    assert stop.value.verdict == "needs_human"
    base = f"/nop-ho-so/{service.id}"
    page = client.get(f"{base}/buoc-4")
    image = soup(page).find("img", alt="Ảnh mã xác nhận")
    png = client.get(image["src"])
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    text = portal.core.captchas[(client.get_cookie("dvc_phien").value, service.id)]
    assert text not in page.get_data(as_text=True)              # only in the image
    wrong = client.post(f"{base}/buoc-4", data={"cam_doan": "1", "ma_xac_nhan": "00000"})
    assert wrong.status_code == 400 and "Mã xác nhận không đúng" in wrong.get_data(as_text=True)
    client.get(soup(wrong).find("img", alt="Ảnh mã xác nhận")["src"])   # a fresh image
    text = portal.core.captchas[(client.get_cookie("dvc_phien").value, service.id)]
    right = client.post(f"{base}/buoc-4", data={"cam_doan": "1", "ma_xac_nhan": text.lower()})
    assert right.status_code == 303 and right.headers["Location"].startswith("/bien-nhan/")


def test_ssr_service_with_two_procedures_lets_the_citizen_choose(sink: SmtpSink):
    portal, services, _ = build("ssr", sink)
    client = Client(portal)
    service = services["ssr-gop"]
    page = soup(client.get(service.path))
    choices = [f.find("input", attrs={"name": "thu_tuc"})["value"]
               for f in page.find_all("form", action=f"/nop-ho-so/{service.id}/buoc-1")]
    assert choices == ["1.003652", "2.001234"]
    result = check("ssr", client, sink, service)
    assert result["verdict"] == "recognised"
    dossier = portal.core.find_dossier(result["code"])
    assert dossier.procedure == "1.003652" and dossier.files[0][0] == "don-de-nghi.pdf"
    assert client.get(f"/nop-ho-so/{service.id}/buoc-1",
                      query_string={"thu_tuc": "9.999999"}).status_code == 404


def test_ssr_wrong_otp_and_password_are_refused(sink: SmtpSink):
    portal, services, _ = build("ssr", sink)
    client = Client(portal)
    person = identity()
    answer = client.post("/dang-ky", data={
        "ho_ten": person["name"], "so_cccd": "123", "dien_thoai": person["phone"],
        "email": person["email"], "mat_khau": "ngan", "nhap_lai_mat_khau": "ngan"})
    assert answer.status_code == 400 and "12 chữ số" in answer.get_data(as_text=True)
    answer = client.post("/dang-ky", data={
        "ho_ten": person["name"], "so_cccd": person["id"], "dien_thoai": person["phone"],
        "email": person["email"], "mat_khau": person["password"],
        "nhap_lai_mat_khau": person["password"]})
    challenge = parse_qs(urlsplit(answer.headers["Location"]).query)["ma_phien"][0]
    otp = latest_otp(sink, person["email"])
    wrong = "000000" if otp != "000000" else "111111"
    assert client.post("/xac-nhan", data={"ma_phien": challenge, "otp": wrong}).status_code == 400
    inactive = client.post("/dang-nhap", data={"tai_khoan": person["id"],
                                               "mat_khau": person["password"]})
    assert inactive.status_code == 400 and "chưa được kích hoạt" in inactive.get_data(as_text=True)
    assert client.post("/xac-nhan", data={"ma_phien": challenge, "otp": otp}).status_code == 303
    bad = client.post("/dang-nhap", data={"tai_khoan": person["email"], "mat_khau": "sai-mat-khau"})
    assert bad.status_code == 400
    good = client.post("/dang-nhap", data={"tai_khoan": person["email"],
                                           "mat_khau": person["password"]})
    assert good.status_code == 303


# -- single-page portal details ----------------------------------------------------------------
def test_spa_shell_is_self_contained_and_deep_links_work(sink: SmtpSink):
    portal, services, _ = build("spa", sink)
    client = Client(portal)
    shell = client.get("/")
    text = shell.get_data(as_text=True)
    assert shell.status_code == 200 and '<script src="/static/app.js">' in text
    assert not re.search(r'(src|href)="(https?:)?//', text)          # no CDN
    script = client.get("/static/app.js")
    assert script.mimetype == "application/javascript"
    js = script.get_data(as_text=True)
    for wording in ("Đăng nhập bằng tài khoản định danh", "Số biên nhận", "Theo dõi hồ sơ",
                    'maxlength: "1"', "/api/ho-so/", "#/thu-tuc/"):
        assert wording in js
    assert client.get("/static/app.css").mimetype == "text/css"
    deep = client.get(services["works"].path)
    assert deep.status_code == 200
    assert json.loads(soup(deep).find("script", id="dvc-khoi-tao").string)["dich_vu"] == \
        services["works"].id
    dead = client.get(services["dead_link"].path)
    assert dead.status_code == 404
    assert json.loads(soup(dead).find("script", id="dvc-khoi-tao").string)["khong_tim_thay"]
    assert client.get("/khong-co-trang-nay").status_code == 404
    assert client.get("/api/khong-co").json["loi"]


def test_spa_catalogue_search_and_procedure_view(sink: SmtpSink):
    portal, services, _ = build("spa", sink)
    client = Client(portal)
    everything = client.get("/api/thu-tuc").json["linh_vuc"]
    assert [g["ten"] for g in everything] == ["In", "Tần số vô tuyến điện", "Xuất bản", "Khác"]
    by_code = client.get("/api/thu-tuc", query_string={"q": "1.004194"}).json["linh_vuc"]
    assert [t["ma"] for g in by_code for t in g["thu_tuc"]] == ["1.004194"]
    by_name = client.get("/api/thu-tuc", query_string={"q": "tan so vo tuyen"}).json["linh_vuc"]
    assert [t["ma"] for g in by_name for t in g["thu_tuc"]] == ["2.001234"]
    detail = client.get("/api/thu-tuc/2.001234").json
    assert detail["linh_vuc"] == "Tần số vô tuyến điện"
    assert [d["duong_dan"] for d in detail["dich_vu"]] == [services["spa-gop"].path]
    assert client.get("/api/thu-tuc/9.999999").status_code == 404


def test_spa_captcha_and_login_otp(sink: SmtpSink):
    portal, services, _ = build("spa", sink)
    client = Client(portal)
    service = services["captcha"]
    assert client.post("/api/ho-so", json={"dich_vu": service.id}).status_code == 401
    with pytest.raises(Stop) as stop:
        spa_journey(client, sink, service)
    assert stop.value.verdict == "needs_human"
    session = next(s for s in portal.core.sessions.values() if s.user)
    draft = next(iter(session.data["drafts"]))
    png = client.get(f"/api/nhap/{draft}/ma-kiem-tra.png")
    assert png.mimetype == "image/png"
    wrong = client.post(f"/api/nhap/{draft}/nop", json={"ma_kiem_tra": "00000"})
    assert wrong.status_code == 400 and wrong.json["loi"] == "Mã kiểm tra không đúng."
    client.get(f"/api/nhap/{draft}/ma-kiem-tra.png")
    right = client.post(f"/api/nhap/{draft}/nop", json={"ma_kiem_tra": portal.core.captchas[draft]})
    assert right.status_code == 201 and right.json["so_bien_nhan"]
    # a wrong login OTP is refused and the session stays anonymous
    other = Client(portal)
    person = identity()
    reg = other.post("/api/tai-khoan/dang-ky", json={
        "ho_ten": person["name"], "so_dinh_danh": person["id"], "dien_thoai": person["phone"],
        "email": person["email"], "mat_khau": person["password"],
        "nhap_lai_mat_khau": person["password"]})
    other.post("/api/tai-khoan/xac-thuc", json={"ma_xac_thuc": reg.json["ma_xac_thuc"],
                                                "otp": latest_otp(sink, person["email"])})
    login = other.post("/api/sso/dang-nhap", json={"ten_dang_nhap": person["email"],
                                                   "mat_khau": person["password"]})
    otp = latest_otp(sink, person["email"], "Mã OTP đăng nhập tài khoản định danh")
    bad = other.post("/api/sso/xac-thuc", json={"ma_xac_thuc": login.json["ma_xac_thuc"],
                                                "otp": "000000" if otp != "000000" else "1"})
    assert bad.status_code == 400 and other.get("/api/toi").json == {"nguoi_dung": None}


# -- over real sockets -------------------------------------------------------------------------
def test_portals_serve_over_loopback_http(sink: SmtpSink):
    for kind in ("ssr", "spa"):
        portal, services, _ = build(kind, sink)
        server = make_server("127.0.0.1", 0, portal, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            assert server.server_address[0] == "127.0.0.1"
            url = f"http://127.0.0.1:{server.server_port}{services['works'].path}"
            with urllib.request.urlopen(url, timeout=10) as answer:
                assert answer.status == 200 and "text/html" in answer.headers["Content-Type"]
                assert "dvc_phien" in answer.headers["Set-Cookie"] or kind == "spa"
        finally:
            server.shutdown()
            thread.join()
