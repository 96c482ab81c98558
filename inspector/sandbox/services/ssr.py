"""A server-rendered "Cổng dịch vụ công": own accounts with an e-mailed OTP, a four-step form."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from jinja2 import DictLoader, Environment
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from ..model import Province, Service
from .behaviour import (LEVEL_TEXT, UploadRequest, Fault, MailError, PortalCore, Session,
                        check_upload)
from .clock import SandboxClock

COOKIE = "dvc_phien"
SENDER = "khongtraloi@dichvucong.sandbox.invalid"
OTP_SUBJECT = "Mã xác nhận đăng ký tài khoản Cổng Dịch vụ công"

STEP_TITLES = {1: "Thông tin người nộp hồ sơ", 2: "Nội dung đề nghị", 3: "Đính kèm giấy tờ",
               4: "Xác nhận và nộp hồ sơ"}
RESULT_OPTIONS = ("Nhận kết quả trực tuyến", "Nhận tại Bộ phận Một cửa",
                  "Nhận qua dịch vụ bưu chính công ích")

CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#222;background:#f5f6f8}
.dau-trang{background:#b3261e;color:#fff;padding:10px 24px;display:flex;flex-wrap:wrap;gap:16px;
align-items:center}.dau-trang a{color:#fff;text-decoration:none;margin-right:14px}
.logo{font-weight:bold;font-size:1.2em}main{max-width:980px;margin:20px auto;background:#fff;
padding:20px 28px}table{border-collapse:collapse;width:100%;margin:10px 0}
th,td{border:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}
.truong{margin:10px 0}.truong label{display:block;font-weight:bold;margin-bottom:4px}
.truong input,.truong textarea,.truong select{width:100%;max-width:460px;padding:6px}
button{background:#b3261e;color:#fff;border:0;padding:8px 18px;cursor:pointer}
.loi{background:#fdecea;border:1px solid #e0a19c;padding:6px 12px;color:#8a1c14}
.loi-truong{color:#8a1c14}.thong-bao{background:#e8f4ea;border:1px solid #9cc8a4;padding:8px 12px}
.cac-buoc{display:flex;gap:16px;list-style:none;padding:0}.cac-buoc li[aria-current]{font-weight:bold;
text-decoration:underline}footer{text-align:center;color:#666;padding:16px;font-size:.9em}
"""

TEMPLATES = {
    "base.html": """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} | Cổng Dịch vụ công {{ province }}</title><style>{{ css }}</style></head>
<body><header class="dau-trang"><a class="logo" href="/">Cổng Dịch vụ công {{ province }}</a>
<nav aria-label="Điều hướng chính"><a href="/">Trang chủ</a><a href="/thu-tuc">Thủ tục hành chính</a>
<a href="/tra-cuu">Tra cứu hồ sơ</a>{% if user %}<span>Xin chào, {{ user.name }}</span>
<a href="/dang-xuat">Đăng xuất</a>{% else %}<a href="/dang-nhap">Đăng nhập</a>
<a href="/dang-ky">Đăng ký</a>{% endif %}</nav></header>
<main>{% for message in flash %}<p class="thong-bao" role="status">{{ message }}</p>{% endfor %}
{% if errors %}<div class="loi" role="alert"><ul>{% for e in errors.values() %}<li>{{ e }}</li>
{% endfor %}</ul></div>{% endif %}
{% block content %}{% endblock %}</main>
<footer>Cổng Dịch vụ công {{ province }} — Hệ thống thông tin giải quyết thủ tục hành chính
(môi trường thử nghiệm)</footer></body></html>""",

    "macros.html": """{% macro field(name, label, value="", errors={}, type="text", required=True,
attrs="") -%}
<div class="truong"><label for="{{ name }}">{{ label }}</label>
<input id="{{ name }}" name="{{ name }}" type="{{ type }}"
{%- if type != "password" %} value="{{ value }}"{% endif %}{% if required %} required{% endif %}
{%- if errors.get(name) %} aria-invalid="true" aria-describedby="{{ name }}-loi"{% endif %} {{ attrs|safe }}>
{% if errors.get(name) %}<span class="loi-truong" id="{{ name }}-loi">{{ errors[name] }}</span>
{% endif %}</div>
{%- endmacro %}""",

    "catalogue.html": """{% for field_name, rows in groups %}<section class="linh-vuc">
<h3>Lĩnh vực: {{ field_name }}</h3><table><thead><tr><th>Mã thủ tục</th><th>Tên thủ tục</th>
<th>Cơ quan thực hiện</th><th>Mức độ</th><th></th></tr></thead><tbody>
{% for procedure, service in rows %}<tr><td class="ma-thu-tuc">{{ procedure.code or "—" }}</td>
<td>{{ procedure.name }}</td><td>{{ agency(service) }}</td><td>{{ level(service) }}</td>
<td><a href="{{ service.path }}">Xem dịch vụ</a></td></tr>
{% endfor %}</tbody></table></section>
{% else %}<p>Không tìm thấy thủ tục phù hợp.</p>{% endfor %}""",

    "home.html": """{% extends "base.html" %}{% block content %}
<h1>Cổng Dịch vụ công {{ province }}</h1>
<p>Tra cứu thủ tục hành chính, nộp hồ sơ trực tuyến và theo dõi kết quả giải quyết.</p>
<form action="/thu-tuc" method="get" role="search"><label for="q">Tìm thủ tục (mã hoặc tên)</label>
<input id="q" name="q" type="search"> <button type="submit">Tìm kiếm</button></form>
<h2>Danh mục thủ tục hành chính</h2>{% include "catalogue.html" %}{% endblock %}""",

    "catalogue_page.html": """{% extends "base.html" %}{% block content %}
<h1>Thủ tục hành chính</h1>
<form action="/thu-tuc" method="get" role="search"><label for="q">Tìm thủ tục (mã hoặc tên)</label>
<input id="q" name="q" type="search" value="{{ q }}"> <button type="submit">Tìm kiếm</button></form>
{% include "catalogue.html" %}{% endblock %}""",

    "service.html": """{% extends "base.html" %}{% block content %}
<p class="duong-dan"><a href="/">Trang chủ</a> › Dịch vụ công trực tuyến</p>
<h1>{{ service.name }}</h1>
<table class="thong-tin"><tr><th>Cơ quan thực hiện</th><td>{{ agency(service) }}</td></tr>
<tr><th>Mức độ</th><td>{{ level(service) }}</td></tr>
<tr><th>Nhóm dịch vụ</th><td>{{ service.group }}</td></tr></table>
<h2>Thủ tục hành chính</h2>
<table><thead><tr><th>Mã thủ tục</th><th>Tên thủ tục</th><th>Lĩnh vực</th><th></th></tr></thead>
<tbody>{% for procedure in procedures %}<tr><td class="ma-thu-tuc">{{ procedure.code }}</td>
<td>{{ procedure.name }}</td><td>{{ procedure.field }}</td>
<td><form method="get" action="/nop-ho-so/{{ service.id }}/buoc-1">
<input type="hidden" name="thu_tuc" value="{{ procedure.code }}">
<button type="submit">Nộp hồ sơ trực tuyến</button></form></td></tr>
{% else %}<tr><td>—</td><td>{{ service.name }}</td><td>—</td>
<td><form method="get" action="/nop-ho-so/{{ service.id }}/buoc-1">
<button type="submit">Nộp hồ sơ trực tuyến</button></form></td></tr>{% endfor %}</tbody></table>
{% if not user %}<p class="can-dang-nhap">Bạn cần có tài khoản và đăng nhập để nộp hồ sơ trực
tuyến. <a href="{{ login_url }}">Đăng nhập</a> · <a href="{{ register_url }}">Đăng ký tài khoản</a>
</p>{% endif %}
<p><a href="/tra-cuu">Tra cứu hồ sơ</a></p>{% endblock %}""",

    "register.html": """{% extends "base.html" %}{% from "macros.html" import field %}
{% block content %}<h1>Đăng ký tài khoản</h1>
<p>Tài khoản dùng để nộp và theo dõi hồ sơ trực tuyến. Mã xác nhận (OTP) sẽ được gửi tới thư
điện tử của bạn.</p>
<form method="post" action="/dang-ky">
<input type="hidden" name="next" value="{{ next }}"><input type="hidden" name="dich_vu" value="{{ dich_vu }}">
{{ field("ho_ten", "Họ và tên", values.ho_ten, errors, attrs='autocomplete="name"') }}
{{ field("so_cccd", "Số CCCD", values.so_cccd, errors, attrs='inputmode="numeric" maxlength="12"') }}
{{ field("dien_thoai", "Số điện thoại", values.dien_thoai, errors, type="tel") }}
{{ field("email", "Thư điện tử", values.email, errors, type="email") }}
{{ field("mat_khau", "Mật khẩu", "", errors, type="password") }}
{{ field("nhap_lai_mat_khau", "Nhập lại mật khẩu", "", errors, type="password") }}
<button type="submit">Đăng ký</button></form>
<p>Đã có tài khoản? <a href="{{ login_url }}">Đăng nhập</a></p>{% endblock %}""",

    "confirm.html": """{% extends "base.html" %}{% block content %}<h1>Xác nhận tài khoản</h1>
<p>Mã OTP gồm 6 chữ số đã được gửi tới thư điện tử <strong>{{ masked }}</strong>. Mã có hiệu lực
trong 10 phút.</p>
<form method="post" action="/xac-nhan"><input type="hidden" name="ma_phien" value="{{ challenge }}">
<input type="hidden" name="next" value="{{ next }}">
<div class="truong"><label for="otp">Mã OTP</label><input id="otp" name="otp" inputmode="numeric"
maxlength="6" autocomplete="one-time-code" required></div>
<button type="submit">Xác nhận</button></form>{% endblock %}""",

    "login.html": """{% extends "base.html" %}{% from "macros.html" import field %}
{% block content %}<h1>Đăng nhập</h1>
<form method="post" action="/dang-nhap"><input type="hidden" name="next" value="{{ next }}">
{{ field("tai_khoan", "Số CCCD hoặc thư điện tử", values.tai_khoan, errors,
   attrs='autocomplete="username"') }}
{{ field("mat_khau", "Mật khẩu", "", errors, type="password") }}
<button type="submit">Đăng nhập</button></form>
<p>Chưa có tài khoản? <a href="{{ register_url }}">Đăng ký tài khoản</a></p>{% endblock %}""",

    "step.html": """{% extends "base.html" %}{% from "macros.html" import field %}
{% block content %}<p class="duong-dan"><a href="{{ service.path }}">{{ service.name }}</a></p>
<h1>Nộp hồ sơ trực tuyến</h1>
<p>Thủ tục: <strong>{{ procedure_name }}</strong>{% if draft.thu_tuc %} (mã thủ tục
<span class="ma-thu-tuc">{{ draft.thu_tuc }}</span>){% endif %}</p>
<ol class="cac-buoc">{% for n, name in step_titles.items() %}<li{% if n == step %}
aria-current="step"{% endif %}>Bước {{ n }}: {{ name }}</li>{% endfor %}</ol>
<h2>Bước {{ step }}/4: {{ step_titles[step] }}</h2>
<form method="post" action="/nop-ho-so/{{ service.id }}/buoc-{{ step }}"
{%- if step == 3 %} enctype="multipart/form-data"{% endif %}>
{% if step == 1 %}
{{ field("nguoi_nop", "Họ và tên người nộp", values.nguoi_nop, errors) }}
{{ field("so_cccd", "Số CCCD", values.so_cccd, errors, attrs='inputmode="numeric"') }}
{{ field("dien_thoai", "Số điện thoại", values.dien_thoai, errors, type="tel") }}
{{ field("email", "Thư điện tử", values.email, errors, type="email") }}
{{ field("dia_chi", "Địa chỉ liên hệ", values.dia_chi, errors) }}
{% elif step == 2 %}
<div class="truong"><label for="noi_dung">Nội dung đề nghị</label>
<textarea id="noi_dung" name="noi_dung" rows="4" required>{{ values.noi_dung }}</textarea>
{% if errors.noi_dung %}<span class="loi-truong">{{ errors.noi_dung }}</span>{% endif %}</div>
{{ field("so_ban", "Số lượng bản", values.so_ban or "1", errors, type="number", attrs='min="1" max="20"') }}
<div class="truong"><label for="hinh_thuc">Hình thức nhận kết quả</label>
<select id="hinh_thuc" name="hinh_thuc">{% for option in result_options %}<option
{%- if option == values.hinh_thuc %} selected{% endif %}>{{ option }}</option>{% endfor %}</select></div>
{% elif step == 3 %}
<div class="truong"><label for="tep">Tệp đính kèm</label>
<input id="tep" name="tep" type="file" accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
aria-describedby="tep-huong-dan"><span id="tep-huong-dan">Đơn đề nghị và giấy tờ kèm theo: tệp PDF
hoặc ảnh JPG, PNG; tối đa 10 MB.</span></div>
{% if draft.file %}<p>Tệp đã tải lên: <strong>{{ draft.file[0] }}</strong></p>{% endif %}
{% else %}
<table class="tom-tat"><tr><th>Người nộp</th><td>{{ draft.applicant.nguoi_nop }}</td></tr>
<tr><th>Số CCCD</th><td>{{ draft.applicant.so_cccd }}</td></tr>
<tr><th>Địa chỉ liên hệ</th><td>{{ draft.applicant.dia_chi }}</td></tr>
<tr><th>Nội dung đề nghị</th><td>{{ draft.details.noi_dung }}</td></tr>
<tr><th>Hình thức nhận kết quả</th><td>{{ draft.details.hinh_thuc }}</td></tr>
<tr><th>Tệp đính kèm</th><td>{{ draft.file[0] }}</td></tr></table>
<div class="truong"><input id="cam_doan" name="cam_doan" type="checkbox" value="1">
<label for="cam_doan" style="display:inline">Tôi xin cam đoan các thông tin khai trên là đúng sự
thật</label></div>
{% if captcha %}<div class="truong"><img src="/nop-ho-so/{{ service.id }}/ma-xac-nhan.png?lan={{ captcha }}"
alt="Ảnh mã xác nhận" width="170" height="56">
<a href="?doi_ma={{ captcha }}">Đổi mã khác</a>
<label for="ma_xac_nhan">Mã xác nhận</label><input id="ma_xac_nhan" name="ma_xac_nhan"
autocomplete="off" required></div>{% endif %}
{% endif %}
<p>{% if step > 1 %}<a href="/nop-ho-so/{{ service.id }}/buoc-{{ step - 1 }}">Quay lại</a> {% endif %}
<button type="submit">{% if step == 4 %}Nộp hồ sơ{% else %}Tiếp tục{% endif %}</button></p>
</form>{% endblock %}""",

    "receipt.html": """{% extends "base.html" %}{% block content %}<h1>Nộp hồ sơ thành công</h1>
<p>Hồ sơ của bạn đã được gửi tới {{ agency(service) }}. Vui lòng lưu lại mã hồ sơ để tra cứu.</p>
<table><tr><th>Mã hồ sơ</th><td><strong id="ma-ho-so">{{ dossier.code }}</strong></td></tr>
<tr><th>Thủ tục</th><td>{{ procedure_name }}</td></tr>
<tr><th>Ngày nộp</th><td>{{ dossier.submitted.strftime("%d/%m/%Y %H:%M") }}</td></tr>
<tr><th>Trạng thái</th><td class="trang-thai">{{ state }}</td></tr></table>
<p><a href="/tra-cuu?{{ lookup_query }}">Tra cứu hồ sơ</a></p>{% endblock %}""",

    "track.html": """{% extends "base.html" %}{% block content %}<h1>Tra cứu hồ sơ</h1>
<form method="get" action="/tra-cuu"><div class="truong"><label for="ma_ho_so">Mã hồ sơ</label>
<input id="ma_ho_so" name="ma_ho_so" value="{{ code }}" required></div>
<button type="submit">Tra cứu</button></form>
{% if not_found %}<p class="loi" role="alert">Không tìm thấy hồ sơ có mã {{ code }}.</p>{% endif %}
{% if dossier %}<h2>Kết quả tra cứu</h2><table class="ket-qua">
<tr><th>Mã hồ sơ</th><td>{{ dossier.code }}</td></tr>
<tr><th>Thủ tục</th><td>{{ procedure_name }}</td></tr>
<tr><th>Cơ quan giải quyết</th><td>{{ agency(service) }}</td></tr>
<tr><th>Người nộp</th><td>{{ dossier.applicant.nguoi_nop }}</td></tr>
<tr><th>Ngày nộp</th><td>{{ dossier.submitted.strftime("%d/%m/%Y %H:%M") }}</td></tr>
<tr><th>Trạng thái</th><td class="trang-thai">{{ state }}</td></tr></table>{% endif %}
{% endblock %}""",

    "error.html": """{% extends "base.html" %}{% block content %}<h1>{{ heading }}</h1>
<p class="loi" role="alert">{{ message }}</p><p><a href="/">Về trang chủ</a></p>{% endblock %}""",
}


class ServerRenderedPortal:
    """The WSGI app of a server-rendered DVCTT portal hosting ``services`` (portal "ssr")."""

    platform = "ssr"

    def __init__(self, province: Province, services: list[Service], clock: SandboxClock,
                 smtp: tuple[str, int] | None = None, slow_seconds: float = 2.0):
        self.core = PortalCore(self.platform, province, services, clock, smtp, slow_seconds,
                               SENDER)
        self.province = province
        self.env = Environment(loader=DictLoader(TEMPLATES), autoescape=True)
        self.env.globals.update(css=CSS, province=province.name, step_titles=STEP_TITLES,
                                result_options=RESULT_OPTIONS, agency=self.core.agency_name,
                                level=lambda s: LEVEL_TEXT.get(s.level, f"Mức độ {s.level}"))
        self.url_map = Map([
            Rule("/", endpoint="home"),
            Rule("/thu-tuc", endpoint="catalogue"),
            Rule("/dang-ky", endpoint="register", methods=["GET", "POST"]),
            Rule("/xac-nhan", endpoint="confirm", methods=["GET", "POST"]),
            Rule("/dang-nhap", endpoint="login", methods=["GET", "POST"]),
            Rule("/dang-xuat", endpoint="logout"),
            Rule("/nop-ho-so/<sid>/buoc-<int:step>", endpoint="step", methods=["GET", "POST"]),
            Rule("/nop-ho-so/<sid>/ma-xac-nhan.png", endpoint="captcha"),
            Rule("/bien-nhan/<code>", endpoint="receipt"),
            Rule("/tra-cuu", endpoint="track"),
            Rule("/favicon.ico", endpoint="favicon"),
        ])

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        return self.handle(UploadRequest(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        session = self.core.session(request.cookies.get(COOKIE))
        try:
            service = self.core.service_at(request.path)
            if service is not None and request.method in ("GET", "HEAD"):
                response = self.on_service(request, session, service)
            else:
                endpoint, args = self.url_map.bind_to_environ(request.environ).match()
                response = getattr(self, f"on_{endpoint}")(request, session, **args)
        except RequestRedirect as moved:
            response = moved.get_response()
        except NotFound:
            response = self.error(session, 404, "Không tìm thấy trang",
                                  "Trang bạn yêu cầu không tồn tại hoặc đã bị gỡ bỏ.")
        except MethodNotAllowed:
            response = self.error(session, 405, "Phương thức không được hỗ trợ",
                                  "Yêu cầu không hợp lệ.")
        except HTTPException as error:      # e.g. 413 for an oversized upload
            response = self.error(session, error.code or 400, "Yêu cầu không hợp lệ",
                                  "Yêu cầu không hợp lệ hoặc tệp quá lớn.")
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="Lax", path="/")
        return response

    # -- helpers -----------------------------------------------------------------------------
    def render(self, session: Session, template: str, http_status: int = 200,
               **context) -> Response:
        flash, session.flash = session.flash, []
        context.setdefault("errors", {})
        context.setdefault("values", {})
        body = self.env.get_template(template).render(user=self.core.user(session), flash=flash,
                                                      **context)
        return Response(body, status=http_status, mimetype="text/html")

    def error(self, session: Session, status: int, heading: str, message: str) -> Response:
        return self.render(session, "error.html", status, title=heading, heading=heading,
                           message=message)

    def fault(self, session: Session, fault: Fault) -> Response:
        headings = {404: "Không tìm thấy trang", 500: "Lỗi hệ thống",
                    503: "Dịch vụ tạm thời không khả dụng"}
        response = self.error(session, fault.status, headings.get(fault.status, "Lỗi"),
                              fault.message)
        if fault.status == 503:
            response.headers["Retry-After"] = "3600"
        return response

    @staticmethod
    def safe_next(value: str | None) -> str:
        if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
            return value
        return ""

    def service_of_next(self, next_url: str) -> Service | None:
        path = urlsplit(next_url).path if next_url else ""
        service = self.core.service_at(path) if path else None
        if service is None and path.startswith("/nop-ho-so/"):
            service = self.core.by_id.get(path.split("/")[2])
        return service

    @staticmethod
    def with_query(path: str, **params: str) -> str:
        params = {k: v for k, v in params.items() if v}
        return f"{path}?{urlencode(params)}" if params else path

    # -- pages -------------------------------------------------------------------------------
    def on_favicon(self, request, session):
        return Response(status=204)

    def on_home(self, request, session):
        return self.render(session, "home.html", title="Trang chủ",
                           groups=self.core.catalogue())

    def on_catalogue(self, request, session):
        q = request.args.get("q", "")
        return self.render(session, "catalogue_page.html", title="Thủ tục hành chính", q=q,
                           groups=self.core.catalogue(q))

    def on_service(self, request, session, service: Service):
        self.core.pace(service)
        fault = self.core.fault_open(service)
        if fault:
            return self.fault(session, fault)
        return self.render(
            session, "service.html", title=service.name, service=service,
            procedures=self.core.procedures_of(service),
            login_url=self.with_query("/dang-nhap", next=service.path),
            register_url=self.with_query("/dang-ky", dich_vu=service.id, next=service.path))

    def on_register(self, request, session):
        source = request.form if request.method == "POST" else request.args
        next_url = self.safe_next(source.get("next"))
        service = self.core.by_id.get(source.get("dich_vu", "")) or self.service_of_next(next_url)
        self.core.pace(service)
        context = dict(title="Đăng ký tài khoản", next=next_url,
                       dich_vu=service.id if service else "",
                       login_url=self.with_query("/dang-nhap", next=next_url))
        if request.method == "GET":
            return self.render(session, "register.html", **context)
        values = {k: request.form.get(k, "").strip() for k in
                  ("ho_ten", "so_cccd", "dien_thoai", "email")}
        errors = self.core.validate_registration(
            values["ho_ten"], values["so_cccd"], values["dien_thoai"], values["email"],
            request.form.get("mat_khau", ""), request.form.get("nhap_lai_mat_khau", ""))
        if errors:
            return self.render(session, "register.html", 400, values=values, errors=errors,
                               **context)
        fault = self.core.fault_register(service)
        if fault:
            return self.fault(session, fault)
        account, problem = self.core.create_account(
            values["ho_ten"], values["so_cccd"], values["dien_thoai"], values["email"],
            request.form.get("mat_khau", ""), service)
        if account is None:
            return self.render(session, "register.html", 400, values=values,
                               errors={"so_cccd": problem}, **context)
        challenge = self.core.challenge("register", account, service)
        if not self.core.registration_mail_lost(service):
            try:
                self.core.mail(account.email, OTP_SUBJECT, otp_body(
                    account.name, challenge.otp, f"Cổng Dịch vụ công {self.province.name}"))
            except MailError:
                return self.error(session, 502, "Không gửi được thư xác nhận",
                                  "Hệ thống không gửi được mã OTP. Vui lòng thử lại sau.")
        return redirect(self.with_query("/xac-nhan", ma_phien=challenge.id, next=next_url), 303)

    def on_confirm(self, request, session):
        source = request.form if request.method == "POST" else request.args
        challenge_id = source.get("ma_phien", "")
        next_url = self.safe_next(source.get("next"))
        pending = self.core.challenges.get(challenge_id)
        if pending is None or pending.purpose != "register":
            return self.error(session, 404, "Phiên xác nhận không tồn tại",
                              "Phiên xác nhận không tồn tại hoặc đã kết thúc. "
                              "Vui lòng đăng ký lại.")
        service = self.core.by_id.get(pending.service_id or "")
        self.core.pace(service)
        account = self.core.accounts[pending.account]
        context = dict(title="Xác nhận tài khoản", challenge=challenge_id, next=next_url,
                       masked=mask_email(account.email))
        if request.method == "GET":
            return self.render(session, "confirm.html", **context)
        found, problem = self.core.verify(challenge_id, request.form.get("otp", ""), "register")
        if found is None:
            if challenge_id not in self.core.challenges:
                return self.error(session, 400, "Xác nhận không thành công", problem)
            return self.render(session, "confirm.html", 400, errors={"otp": problem}, **context)
        account.active = True
        session.flash.append("Kích hoạt tài khoản thành công. Vui lòng đăng nhập.")
        return redirect(self.with_query("/dang-nhap", next=next_url), 303)

    def on_login(self, request, session):
        source = request.form if request.method == "POST" else request.args
        next_url = self.safe_next(source.get("next"))
        service = self.service_of_next(next_url)
        self.core.pace(service)
        context = dict(title="Đăng nhập", next=next_url, register_url=self.with_query(
            "/dang-ky", dich_vu=service.id if service else "", next=next_url))
        if request.method == "GET":
            return self.render(session, "login.html", **context)
        username = request.form.get("tai_khoan", "").strip()
        account = self.core.authenticate(username, request.form.get("mat_khau", ""))
        if account is None:
            problem = "Tài khoản hoặc mật khẩu không đúng."
        elif not account.active:
            problem = "Tài khoản chưa được kích hoạt. Vui lòng nhập mã OTP đã gửi qua thư điện tử."
        else:
            session.user = account.id_no
            return redirect(next_url or "/", 303)
        return self.render(session, "login.html", 400, values={"tai_khoan": username},
                           errors={"tai_khoan": problem}, **context)

    def on_logout(self, request, session):
        session.user = None
        session.data.clear()
        return redirect("/", 302)

    def _service(self, sid: str) -> Service:
        service = self.core.by_id.get(sid)
        if service is None:
            raise NotFound()
        return service

    def on_step(self, request, session, sid: str, step: int):
        service = self._service(sid)
        if step not in STEP_TITLES:
            raise NotFound()
        self.core.pace(service)
        fault = self.core.fault_open(service)
        if fault:
            return self.fault(session, fault)
        account = self.core.user(session)
        if account is None:
            return redirect(self.with_query("/dang-nhap", next=request.full_path.rstrip("?")), 302)
        drafts = session.data.setdefault("drafts", {})
        if step == 1 and request.method == "GET" and ("thu_tuc" in request.args
                                                      or sid not in drafts):
            code = request.args.get("thu_tuc", "")
            if code and code not in service.procedures:
                raise NotFound()
            if not code and len(service.procedures) > 1:
                session.flash.append("Vui lòng chọn thủ tục cần nộp hồ sơ.")
                return redirect(service.path, 302)
            code = code or (service.procedures[0] if service.procedures else "")
            if sid not in drafts or drafts[sid]["thu_tuc"] != code:
                drafts[sid] = {"thu_tuc": code, "done": 0, "applicant": {
                    "nguoi_nop": account.name, "so_cccd": account.id_no,
                    "dien_thoai": account.phone, "email": account.email, "dia_chi": ""},
                    "details": {}, "file": None}
        draft = drafts.get(sid)
        if draft is None:
            return redirect(f"/nop-ho-so/{sid}/buoc-1", 302)
        if step > draft["done"] + 1:
            return redirect(f"/nop-ho-so/{sid}/buoc-{draft['done'] + 1}", 302)
        code = draft["thu_tuc"]
        context = dict(title=f"Nộp hồ sơ - Bước {step}", service=service, step=step, draft=draft,
                       procedure_name=self.core.procedure(code, service).name if code
                       else service.name, captcha=None)
        if step == 4 and self.core.needs_captcha(service):
            context["captcha"] = self.next_captcha_round(session)
        if request.method == "GET":
            values = {1: draft["applicant"], 2: draft["details"]}.get(step, {})
            return self.render(session, "step.html", values=values, **context)
        return getattr(self, f"post_step{step}")(request, session, service, draft, context)

    def post_step1(self, request, session, service, draft, context):
        values = {k: request.form.get(k, "").strip() for k in
                  ("nguoi_nop", "so_cccd", "dien_thoai", "email", "dia_chi")}
        labels = {"nguoi_nop": "Họ và tên người nộp", "so_cccd": "Số CCCD",
                  "dien_thoai": "Số điện thoại", "email": "Thư điện tử",
                  "dia_chi": "Địa chỉ liên hệ"}
        errors = {k: f"Vui lòng nhập {labels[k].lower()}." for k, v in values.items() if not v}
        if errors:
            return self.render(session, "step.html", 400, values=values, errors=errors, **context)
        draft["applicant"] = values
        draft["done"] = max(draft["done"], 1)
        return redirect(f"/nop-ho-so/{service.id}/buoc-2", 303)

    def post_step2(self, request, session, service, draft, context):
        values = {"noi_dung": request.form.get("noi_dung", "").strip(),
                  "so_ban": request.form.get("so_ban", "1").strip() or "1",
                  "hinh_thuc": request.form.get("hinh_thuc", RESULT_OPTIONS[0])}
        errors = {}
        if not values["noi_dung"]:
            errors["noi_dung"] = "Vui lòng nhập nội dung đề nghị."
        if not values["so_ban"].isdigit() or not 1 <= int(values["so_ban"]) <= 20:
            errors["so_ban"] = "Số lượng bản từ 1 đến 20."
        if values["hinh_thuc"] not in RESULT_OPTIONS:
            errors["hinh_thuc"] = "Vui lòng chọn hình thức nhận kết quả."
        if errors:
            return self.render(session, "step.html", 400, values=values, errors=errors, **context)
        draft["details"] = values
        draft["done"] = max(draft["done"], 2)
        return redirect(f"/nop-ho-so/{service.id}/buoc-3", 303)

    def post_step3(self, request, session, service, draft, context):
        upload = request.files.get("tep")
        name = upload.filename if upload is not None else ""
        data = upload.read() if upload is not None and name else b""
        problem = check_upload(name or "", data)
        if problem:
            return self.render(session, "step.html", 400, errors={"tep": problem}, **context)
        draft["file"] = (name, len(data), upload.mimetype or "application/octet-stream")
        draft["done"] = max(draft["done"], 3)
        return redirect(f"/nop-ho-so/{service.id}/buoc-4", 303)

    def post_step4(self, request, session, service, draft, context):
        errors = {}
        if not request.form.get("cam_doan"):
            errors["cam_doan"] = "Bạn cần xác nhận cam đoan trước khi nộp hồ sơ."
        if self.core.needs_captcha(service) and not self.core.check_captcha(
                (session.token, service.id), request.form.get("ma_xac_nhan", "")):
            errors["ma_xac_nhan"] = "Mã xác nhận không đúng."
        if errors:
            if context["captcha"]:
                context["captcha"] = self.next_captcha_round(session)
            return self.render(session, "step.html", 400, errors=errors, **context)
        fault = self.core.fault_submit(service)
        if fault:
            return self.fault(session, fault)
        account = self.core.user(session)
        dossier = self.core.new_dossier(service, draft["thu_tuc"] or None, account.id_no,
                                        draft["applicant"], draft["details"], [draft["file"]])
        session.data["drafts"].pop(service.id, None)
        return redirect(f"/bien-nhan/{dossier.code}", 303)

    def on_captcha(self, request, session, sid: str):
        service = self._service(sid)
        self.core.pace(service)
        if not self.core.needs_captcha(service):
            raise NotFound()
        png = self.core.new_captcha((session.token, service.id))
        return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})

    @staticmethod
    def next_captcha_round(session: Session) -> int:
        """A new number for the captcha image's URL, so that a browser fetches a fresh image."""
        session.data["captcha_round"] = session.data.get("captcha_round", 0) + 1
        return session.data["captcha_round"]

    def on_receipt(self, request, session, code: str):
        dossier = self.core.find_dossier(code)
        if dossier is None or dossier.owner != session.user:
            raise NotFound()
        service = self.core.by_id[dossier.service_id]
        self.core.pace(service)
        return self.render(session, "receipt.html", title="Nộp hồ sơ thành công", dossier=dossier,
                           service=service, state=self.core.status(dossier),
                           procedure_name=self.procedure_name(dossier, service),
                           lookup_query=urlencode({"ma_ho_so": dossier.code}))

    def on_track(self, request, session):
        code = request.args.get("ma_ho_so", "").strip()
        context = dict(title="Tra cứu hồ sơ", code=code)
        if not code:
            return self.render(session, "track.html", **context)
        dossier = self.core.find_dossier(code)
        service = self.core.by_id[dossier.service_id] if dossier else None
        self.core.pace(service)
        if dossier is None or self.core.fault_track(service):
            return self.render(session, "track.html", 404, not_found=True, **context)
        return self.render(session, "track.html", dossier=dossier, service=service,
                           state=self.core.status(dossier),
                           procedure_name=self.procedure_name(dossier, service), **context)

    def procedure_name(self, dossier, service: Service) -> str:
        return (self.core.procedure(dossier.procedure, service).name if dossier.procedure
                else service.name)


def otp_body(name: str, otp: str, signature: str) -> str:
    return (f"Xin chào {name},\n\n"
            f"Mã OTP xác nhận đăng ký tài khoản của bạn là: {otp}\n"
            "Mã có hiệu lực trong 10 phút. Tuyệt đối không cung cấp mã này cho người khác.\n\n"
            f"{signature}\n")


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"
