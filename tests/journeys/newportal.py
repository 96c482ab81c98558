"""A DVCTT platform no code of the inspector knows: "Hệ thống một cửa điện tử".

Deliberately unlike the sandbox's two service portals: other wording, other URLs, an eight-digit
activation code instead of a six-digit OTP, a single-page dossier form with a radio group, a
dossier number like ``2026-MC-000123`` and a public status check. It checks what it is given
(ID of 12 digits, password confirmation, the code from the mail, a non-empty PDF/PNG/JPEG by its
magic bytes, a form token), so a wrong journey fails. Every accepted dossier is kept in
``OneStopPortal.dossiers`` for the tests to inspect.

    with serve_portal(tmp_path / "mot-cua") as portal:
        portal.service_url()            # the declared URL of the procedure's service page
        portal.maildir                  # where the activation mail lands (SMTP sink)
        portal.app.dossiers             # what arrived
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import DictLoader, Environment
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import make_server
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from inspector.sandbox.server import LOOPBACK
from inspector.sandbox.services.behaviour import UploadRequest
from inspector.sandbox.services.mail import SmtpSink, send_mail

PREFIX = "/mot-cua"
COOKIE = "MOTCUA_SID"
SENDER = "hethong@motcua.thunghiem.invalid"
ACTIVATION_SUBJECT = "Kích hoạt tài khoản một cửa"
CODE_VALIDITY = timedelta(minutes=15)
CODE_ATTEMPTS = 5
STATUS_NEW = "Mới tiếp nhận"
RESULT_OPTIONS = {"truc-tuyen": "Trực tuyến", "buu-dien": "Bưu điện"}
MAGIC = ((b"%PDF-", "PDF"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"\xff\xd8\xff", "JPEG"))
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str
    agency: str
    level: int = 4


PROCEDURE = Procedure(code="2.001234", name="Xác nhận thông tin về cư trú",
                      field="Đăng ký, quản lý cư trú", agency="Công an xã Thử Nghiệm")


@dataclass
class Account:
    name: str
    id_number: str
    phone: str
    email: str
    password_hash: str
    activation_code: str
    code_expires: datetime
    code_attempts: int = 0
    active: bool = False


@dataclass
class SubmittedDossier:
    """What the portal received: the typed fields, the file and who sent it."""

    code: str
    procedure: str
    applicant: dict[str, str]          # name, id_number, phone, email of the account
    fields: dict[str, str]             # noi_cu_tru, yeu_cau, nhan_ket_qua (the option's label)
    file_name: str
    file_type: str                     # PDF | PNG | JPEG (by magic bytes)
    file_bytes: bytes
    submitted: datetime
    status: str = STATUS_NEW


@dataclass
class _Session:
    token: str
    user: str | None = None            # the account's e-mail when logged in
    form_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    flash: list[str] = field(default_factory=list)


def file_kind(data: bytes) -> str | None:
    """PDF, PNG or JPEG by the first bytes (whatever the file is called), else None."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            return kind
    return None


def _hash(password: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 10_000).hex()


CSS = """
body{font-family:"Times New Roman",serif;margin:0;background:#eef3f8;color:#1d2b3a}
.dau{background:#0b4f8a;color:#fff;padding:8px 20px}.dau h1{font-size:1.3em;margin:4px 0}
.menu{list-style:none;padding:0;margin:6px 0;display:flex;gap:18px}.menu a{color:#fff}
.khung-chinh{max-width:900px;margin:18px auto;background:#fff;padding:16px 24px;
border-top:4px solid #f2a900}.o-nhap{margin:8px 0}.o-nhap label{display:block}
.o-nhap input,.o-nhap textarea{width:100%;max-width:420px;padding:5px}
fieldset{max-width:420px}.nut{background:#f2a900;border:0;padding:7px 16px;font-weight:bold}
.thong-bao-loi{border:1px solid #c0392b;background:#fbeaea;color:#922;padding:6px 10px}
.thong-bao{border:1px solid #2e7d32;background:#eaf6ea;padding:6px 10px}
.so-bien-nhan{font-size:1.2em;font-weight:bold}.chan{font-size:.85em;color:#555;padding:12px}
"""

TEMPLATES = {
    "khung.html": """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - Hệ thống một cửa điện tử</title><style>{{ css }}</style></head><body>
<div class="dau"><h1>Hệ thống một cửa điện tử</h1><ul class="menu">
<li><a href="{{ p }}/">Trang chủ</a></li>
<li><a href="{{ p }}/tra-cuu">Kiểm tra tình trạng hồ sơ</a></li>
{% if user %}<li>Công dân: {{ user.name }}</li><li><a href="{{ p }}/thoat">Thoát</a></li>
{% else %}<li><a href="{{ p }}/tao-tai-khoan">Tạo tài khoản</a></li>
<li><a href="{{ p }}/vao-he-thong">Vào hệ thống</a></li>{% endif %}</ul></div>
<div class="khung-chinh" id="noi-dung">
{% for m in flash %}<div class="thong-bao">{{ m }}</div>{% endfor %}
{% if errors %}<div class="thong-bao-loi"><b>Chưa hợp lệ:</b><ul>{% for e in errors %}<li>{{ e }}</li>
{% endfor %}</ul></div>{% endif %}
{% block noi_dung %}{% endblock %}</div>
<div class="chan">Hệ thống một cửa điện tử (môi trường kiểm thử, không xử lý hồ sơ thật)</div>
</body></html>""",

    "trang_chu.html": """{% extends "khung.html" %}{% block noi_dung %}
<h2>Danh sách thủ tục tiếp nhận trực tuyến</h2><ul>{% for pr in procedures %}
<li><a href="{{ p }}/thu-tuc/{{ pr.code }}">{{ pr.code }} — {{ pr.name }}</a></li>{% endfor %}</ul>
{% endblock %}""",

    "thu_tuc.html": """{% extends "khung.html" %}{% block noi_dung %}
<h2>{{ pr.name }}</h2><table>
<tr><td>Mã thủ tục</td><td>{{ pr.code }}</td></tr><tr><td>Lĩnh vực</td><td>{{ pr.field }}</td></tr>
<tr><td>Cơ quan giải quyết</td><td>{{ pr.agency }}</td></tr>
<tr><td>Mức độ</td><td>Dịch vụ công trực tuyến toàn trình</td></tr></table>
<p>Công dân cần có tài khoản trên hệ thống để lập hồ sơ.</p>
<p><a class="nut" href="{{ p }}/lap-ho-so/{{ pr.code }}">Lập hồ sơ</a></p>{% endblock %}""",

    "tao_tai_khoan.html": """{% extends "khung.html" %}{% block noi_dung %}
<h2>Tạo tài khoản công dân</h2><form method="post" action="{{ p }}/tao-tai-khoan">
{% for name, label, type in inputs %}<div class="o-nhap"><label for="{{ name }}">{{ label }}</label>
<input id="{{ name }}" name="{{ name }}" type="{{ type }}"{% if type != "password" %}
value="{{ values.get(name, "") }}"{% endif %}></div>{% endfor %}
<button class="nut" type="submit">Tạo tài khoản</button></form>{% endblock %}""",

    "kich_hoat.html": """{% extends "khung.html" %}{% block noi_dung %}
<h2>Kích hoạt tài khoản</h2>
<p>Hệ thống đã gửi mã kích hoạt (8 chữ số) tới địa chỉ email {{ email }}.</p>
<form method="post" action="{{ p }}/kich-hoat"><input type="hidden" name="email" value="{{ email }}">
<div class="o-nhap"><label for="ma_kich_hoat">Mã kích hoạt</label>
<input id="ma_kich_hoat" name="ma_kich_hoat" inputmode="numeric" maxlength="8"></div>
<button class="nut" type="submit">Kích hoạt</button></form>{% endblock %}""",

    "vao_he_thong.html": """{% extends "khung.html" %}{% block noi_dung %}
<h2>Đăng nhập hệ thống một cửa</h2><form method="post" action="{{ p }}/vao-he-thong">
<input type="hidden" name="tiep" value="{{ tiep }}">
<div class="o-nhap"><label for="tai_khoan">Tài khoản</label><input id="tai_khoan" name="tai_khoan"
value="{{ values.get("tai_khoan", "") }}"><small>Địa chỉ email đã đăng ký</small></div>
<div class="o-nhap"><label for="mat_khau_dn">Mật khẩu đăng nhập</label>
<input id="mat_khau_dn" name="mat_khau" type="password"></div>
<button class="nut" type="submit">Vào hệ thống</button></form>
<p>Chưa có tài khoản? <a href="{{ p }}/tao-tai-khoan">Tạo tài khoản công dân</a></p>{% endblock %}""",

    "lap_ho_so.html": """{% extends "khung.html" %}{% block noi_dung %}
<h2>Lập hồ sơ: {{ pr.name }}</h2>
<p>Người nộp: <b>{{ user.name }}</b> — Mã số định danh: {{ user.id_number }}</p>
<form method="post" action="{{ p }}/lap-ho-so/{{ pr.code }}" enctype="multipart/form-data">
<input type="hidden" name="ma_phieu" value="{{ form_token }}">
<div class="o-nhap"><label for="noi_cu_tru">Nơi cư trú</label>
<input id="noi_cu_tru" name="noi_cu_tru" value="{{ values.get("noi_cu_tru", "") }}"></div>
<div class="o-nhap"><label for="yeu_cau">Yêu cầu cụ thể</label>
<textarea id="yeu_cau" name="yeu_cau" rows="4">{{ values.get("yeu_cau", "") }}</textarea></div>
<fieldset><legend>Nhận kết quả</legend>{% for value, label in options.items() %}
<input type="radio" id="nkq-{{ value }}" name="nhan_ket_qua" value="{{ value }}"
{%- if values.get("nhan_ket_qua") == value %} checked{% endif %}>
<label for="nkq-{{ value }}">{{ label }}</label>{% endfor %}</fieldset>
<div class="o-nhap"><label for="giay_to">Giấy tờ kèm theo</label>
<input id="giay_to" name="giay_to" type="file"><small>PDF, PNG hoặc JPEG</small></div>
<button class="nut" type="submit">Gửi hồ sơ</button></form>{% endblock %}""",

    "bien_nhan.html": """{% extends "khung.html" %}{% block noi_dung %}
<h2>Đã gửi hồ sơ</h2><p>Hồ sơ đã được chuyển tới {{ pr.agency }}.</p>
<p class="so-bien-nhan">Số hồ sơ: {{ dossier.code }}</p><p>Tình trạng: {{ dossier.status }}</p>
<p><a href="{{ p }}/tra-cuu?{{ query }}">Kiểm tra tình trạng hồ sơ</a></p>{% endblock %}""",

    "tra_cuu.html": """{% extends "khung.html" %}{% block noi_dung %}
<h2>Kiểm tra tình trạng hồ sơ</h2><form method="get" action="{{ p }}/tra-cuu">
<input name="so" aria-label="Số hồ sơ" placeholder="Nhập số hồ sơ" value="{{ so }}">
<button class="nut" type="submit">Kiểm tra</button></form>
{% if dossier %}<div class="ket-qua-kiem-tra"><p>Số hồ sơ: {{ dossier.code }}</p>
<p>Thủ tục: {{ pr.name }}</p><p class="tinh-trang">Tình trạng: {{ dossier.status }}</p></div>
{% endif %}{% endblock %}""",

    "loi.html": """{% extends "khung.html" %}{% block noi_dung %}<h2>{{ heading }}</h2>
<p><a href="{{ p }}/">Về trang chủ</a></p>{% endblock %}""",
}

REGISTER_INPUTS = (("ho_ten", "Họ tên đầy đủ", "text"), ("ma_dinh_danh", "Mã số định danh", "text"),
                   ("dien_thoai", "Điện thoại di động", "tel"), ("email", "Địa chỉ email", "email"),
                   ("mat_khau", "Mật khẩu đăng nhập", "password"),
                   ("xac_nhan_mat_khau", "Xác nhận mật khẩu", "password"))


class OneStopPortal:
    """The WSGI app. ``smtp`` is the (host, port) of the mail sink on loopback."""

    def __init__(self, smtp: tuple[str, int], procedures: tuple[Procedure, ...] = (PROCEDURE,)):
        self.smtp = smtp
        self.procedures = {p.code: p for p in procedures}
        self.accounts: dict[str, Account] = {}          # by e-mail (lower case)
        self.sessions: dict[str, _Session] = {}
        self.dossiers: list[SubmittedDossier] = []
        self.mails_sent = 0
        self._next_number = 123
        self._lock = threading.RLock()
        self.env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
        self.env.globals.update(css=CSS, p=PREFIX, options=RESULT_OPTIONS)
        self.url_map = Map([
            Rule(f"{PREFIX}/", endpoint="home"),
            Rule(f"{PREFIX}/thu-tuc/<code>", endpoint="procedure"),
            Rule(f"{PREFIX}/tao-tai-khoan", endpoint="create_account", methods=["GET", "POST"]),
            Rule(f"{PREFIX}/kich-hoat", endpoint="activate", methods=["GET", "POST"]),
            Rule(f"{PREFIX}/vao-he-thong", endpoint="login", methods=["GET", "POST"]),
            Rule(f"{PREFIX}/thoat", endpoint="logout"),
            Rule(f"{PREFIX}/lap-ho-so/<code>", endpoint="dossier_form", methods=["GET", "POST"]),
            Rule(f"{PREFIX}/ho-so/<code>/bien-nhan", endpoint="receipt"),
            Rule(f"{PREFIX}/tra-cuu", endpoint="track"),
        ])

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = UploadRequest(environ)
        with self._lock:
            session = self.sessions.get(request.cookies.get(COOKIE, ""))
            if session is None:
                session = _Session(secrets.token_urlsafe(18))
                self.sessions[session.token] = session
        try:
            endpoint, args = self.url_map.bind_to_environ(environ).match()
            response = getattr(self, f"on_{endpoint}")(request, session, **args)
        except NotFound:
            response = self.page(session, "loi.html", 404, title="Không tìm thấy",
                                 heading="Không tìm thấy trang", errors=["Trang không tồn tại."])
        except HTTPException as error:
            response = error.get_response(environ)
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="Lax", path="/")
        return response(environ, start_response)

    def page(self, session: _Session, template: str, status: int = 200, **context) -> Response:
        flash, session.flash = session.flash, []
        context.setdefault("errors", [])
        context.setdefault("values", {})
        body = self.env.get_template(template).render(user=self.user(session), flash=flash,
                                                      **context)
        return Response(body, status=status, mimetype="text/html")

    def user(self, session: _Session) -> Account | None:
        return self.accounts.get(session.user or "")

    def _procedure(self, code: str) -> Procedure:
        if code not in self.procedures:
            raise NotFound()
        return self.procedures[code]

    def service_path(self, code: str = PROCEDURE.code) -> str:
        return f"{PREFIX}/thu-tuc/{code}"

    # -- pages -------------------------------------------------------------------------------
    def on_home(self, request, session):
        return self.page(session, "trang_chu.html", title="Trang chủ",
                         procedures=list(self.procedures.values()))

    def on_procedure(self, request, session, code):
        pr = self._procedure(code)
        return self.page(session, "thu_tuc.html", title=pr.name, pr=pr)

    def on_create_account(self, request, session):
        context = dict(title="Tạo tài khoản công dân", inputs=REGISTER_INPUTS)
        if request.method == "GET":
            return self.page(session, "tao_tai_khoan.html", **context)
        values = {name: request.form.get(name, "").strip() for name, _, _ in REGISTER_INPUTS[:4]}
        password = request.form.get("mat_khau", "")
        errors = []
        if not values["ho_ten"]:
            errors.append("Họ tên đầy đủ không được để trống.")
        if not re.fullmatch(r"\d{12}", values["ma_dinh_danh"]):
            errors.append("Mã số định danh phải gồm đúng 12 chữ số.")
        if not re.fullmatch(r"0\d{9}", values["dien_thoai"]):
            errors.append("Điện thoại di động phải gồm 10 chữ số, bắt đầu bằng 0.")
        if not EMAIL.match(values["email"]):
            errors.append("Địa chỉ email không hợp lệ.")
        if len(password) < 8:
            errors.append("Mật khẩu đăng nhập phải có ít nhất 8 ký tự.")
        if password != request.form.get("xac_nhan_mat_khau", ""):
            errors.append("Xác nhận mật khẩu không khớp với mật khẩu đăng nhập.")
        key = values["email"].lower()
        with self._lock:
            if key in self.accounts:
                errors.append("Địa chỉ email đã được dùng cho một tài khoản khác.")
            if any(a.id_number == values["ma_dinh_danh"] for a in self.accounts.values()):
                errors.append("Mã số định danh đã có tài khoản.")
            if errors:
                return self.page(session, "tao_tai_khoan.html", 400, values=values, errors=errors,
                                 **context)
            code = f"{secrets.randbelow(10**8):08d}"
            self.accounts[key] = Account(
                name=values["ho_ten"], id_number=values["ma_dinh_danh"],
                phone=values["dien_thoai"], email=values["email"],
                password_hash=_hash(password, key), activation_code=code,
                code_expires=datetime.now() + CODE_VALIDITY)
        send_mail(*self.smtp, SENDER, values["email"], ACTIVATION_SUBJECT, (
            f"Kính gửi Ông/Bà {values['ho_ten']},\n\n"
            f"Mã kích hoạt tài khoản một cửa của Ông/Bà là: {code}\n"
            "Mã có hiệu lực trong 15 phút, chỉ dùng một lần.\n"
            "Tổng đài hỗ trợ: 1900 1234 (giờ hành chính).\n\n"
            "Hệ thống một cửa điện tử\n"))
        self.mails_sent += 1
        return redirect(f"{PREFIX}/kich-hoat?{urlencode({'email': values['email']})}", 303)

    def on_activate(self, request, session):
        source = request.form if request.method == "POST" else request.args
        email = source.get("email", "").strip()
        account = self.accounts.get(email.lower())
        context = dict(title="Kích hoạt tài khoản", email=email)
        if account is None or account.active:
            return self.page(session, "loi.html", 404, heading="Không có tài khoản chờ kích hoạt",
                             errors=["Không có tài khoản chờ kích hoạt với địa chỉ email này."],
                             **context)
        if request.method == "GET":
            return self.page(session, "kich_hoat.html", **context)
        typed = request.form.get("ma_kich_hoat", "").strip()
        with self._lock:
            account.code_attempts += 1
            if account.code_attempts > CODE_ATTEMPTS or datetime.now() > account.code_expires:
                problem = "Mã kích hoạt đã hết hiệu lực. Vui lòng tạo lại tài khoản."
            elif not secrets.compare_digest(typed, account.activation_code):
                problem = "Mã kích hoạt không đúng."
            else:
                account.active = True
                session.flash.append("Tài khoản đã được kích hoạt. Mời Ông/Bà vào hệ thống.")
                return redirect(f"{PREFIX}/vao-he-thong", 303)
        return self.page(session, "kich_hoat.html", 400, errors=[problem], **context)

    @staticmethod
    def _safe_next(value: str) -> str:
        return value if value.startswith(f"{PREFIX}/") and "//" not in value else f"{PREFIX}/"

    def on_login(self, request, session):
        source = request.form if request.method == "POST" else request.args
        context = dict(title="Vào hệ thống", tiep=self._safe_next(source.get("tiep", "")))
        if request.method == "GET":
            return self.page(session, "vao_he_thong.html", **context)
        username = request.form.get("tai_khoan", "").strip()
        account = self.accounts.get(username.lower())
        if account is None or not secrets.compare_digest(
                account.password_hash, _hash(request.form.get("mat_khau", ""), username.lower())):
            problem = "Tài khoản hoặc mật khẩu đăng nhập không đúng."
        elif not account.active:
            problem = "Tài khoản chưa được kích hoạt."
        else:
            session.user = account.email.lower()
            return redirect(context["tiep"], 303)
        return self.page(session, "vao_he_thong.html", 400, values={"tai_khoan": username},
                         errors=[problem], **context)

    def on_logout(self, request, session):
        session.user = None
        return redirect(f"{PREFIX}/", 302)

    def on_dossier_form(self, request, session, code):
        pr = self._procedure(code)
        account = self.user(session)
        if account is None:
            return redirect(f"{PREFIX}/vao-he-thong?tiep={quote(request.path)}", 302)
        context = dict(title=f"Lập hồ sơ {pr.code}", pr=pr, form_token=session.form_token)
        if request.method == "GET":
            return self.page(session, "lap_ho_so.html", **context)
        values = {k: request.form.get(k, "").strip() for k in
                  ("noi_cu_tru", "yeu_cau", "nhan_ket_qua")}
        upload = request.files.get("giay_to")
        data = upload.read() if upload is not None else b""
        errors = []
        if not secrets.compare_digest(request.form.get("ma_phieu", ""), session.form_token):
            errors.append("Phiên lập hồ sơ không hợp lệ. Vui lòng tải lại trang.")
        if not values["noi_cu_tru"]:
            errors.append("Nơi cư trú không được để trống.")
        if len(values["yeu_cau"]) < 10:
            errors.append("Yêu cầu cụ thể phải có ít nhất 10 ký tự.")
        if values["nhan_ket_qua"] not in RESULT_OPTIONS:
            errors.append("Vui lòng chọn cách nhận kết quả.")
        kind = file_kind(data)
        if upload is None or not upload.filename or not data:
            errors.append("Vui lòng đính kèm giấy tờ (tệp không được rỗng).")
        elif kind is None:
            errors.append("Giấy tờ kèm theo phải là tệp PDF, PNG hoặc JPEG.")
        if errors:
            return self.page(session, "lap_ho_so.html", 400, values=values, errors=errors,
                             **context)
        with self._lock:
            number = f"{datetime.now().year}-MC-{self._next_number:06d}"
            self._next_number += 1
            dossier = SubmittedDossier(
                code=number, procedure=pr.code,
                applicant={"name": account.name, "id_number": account.id_number,
                           "phone": account.phone, "email": account.email},
                fields={"noi_cu_tru": values["noi_cu_tru"], "yeu_cau": values["yeu_cau"],
                        "nhan_ket_qua": RESULT_OPTIONS[values["nhan_ket_qua"]]},
                file_name=upload.filename, file_type=kind, file_bytes=data,
                submitted=datetime.now())
            self.dossiers.append(dossier)
            session.form_token = secrets.token_urlsafe(16)     # one dossier per form
        return redirect(f"{PREFIX}/ho-so/{number}/bien-nhan", 303)

    def find(self, number: str) -> SubmittedDossier | None:
        return next((d for d in self.dossiers if d.code == number.strip()), None)

    def on_receipt(self, request, session, code):
        dossier = self.find(code)
        account = self.user(session)
        if dossier is None or account is None or dossier.applicant["email"] != account.email:
            raise NotFound()
        return self.page(session, "bien_nhan.html", title="Đã gửi hồ sơ", dossier=dossier,
                         pr=self.procedures[dossier.procedure], query=urlencode({"so": code}))

    def on_track(self, request, session):
        number = request.args.get("so", "").strip()
        context = dict(title="Kiểm tra tình trạng hồ sơ", so=number)
        if not number:
            return self.page(session, "tra_cuu.html", **context)
        dossier = self.find(number)
        if dossier is None:
            return self.page(session, "tra_cuu.html", 404,
                             errors=[f"Không tìm thấy hồ sơ số {number}."], **context)
        return self.page(session, "tra_cuu.html", dossier=dossier,
                         pr=self.procedures[dossier.procedure], **context)


class RunningPortal:
    """The app served on 127.0.0.1 (a free port, a thread), with the sandbox's SMTP sink."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.maildir = self.folder / "Maildir"
        self.sink: SmtpSink | None = None
        self.app: OneStopPortal | None = None
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://{LOOPBACK}:{self._server.port}"

    def service_url(self, code: str = PROCEDURE.code) -> str:
        return self.origin + self.app.service_path(code)

    def start(self) -> "RunningPortal":
        logging.getLogger("werkzeug").setLevel(logging.ERROR)     # as the sandbox does
        self.sink = SmtpSink(self.maildir, host=LOOPBACK).start()
        self.app = OneStopPortal(self.sink.address)
        self._server = make_server(LOOPBACK, 0, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name=f"mot-cua:{self._server.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None
        if self.sink is not None:
            self.sink.stop()
            self.sink = None

    def __enter__(self) -> "RunningPortal":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def serve_portal(folder: Path) -> RunningPortal:
    """``with serve_portal(dir) as portal:`` — started on entry, stopped on exit."""
    return RunningPortal(folder)
