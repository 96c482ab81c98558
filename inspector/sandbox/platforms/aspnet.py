"""Classic ASP.NET WebForms portal: GridView listings paged only by __doPostBack('…','Page$N')."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jinja2 import DictLoader, Environment
from werkzeug.wrappers import Response

from ..content import MIME_TYPES, MP4, STAGES, png_1x1
from ..model import Post, Section
from ..portal import (FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES, ListingPage, Portal,
                      answered_on, contact_values, document_values, facet_value, fmt_dmy,
                      fmt_rfc822, fmt_sa_ch, person_values)

HOME_PATH = "/vn/Trang-chu.aspx"
REDIRECT_TO_HOME = ("/", "/vn", "/vn/", "/Default.aspx", "/default.aspx")
SECTION_BASE = 1100                    # section number = SECTION_BASE + index in agency.sections

# Static page kind → the file name under /vn/.
STATIC_SLUGS = {
    "gioi-thieu": "Gioi-thieu.aspx",
    "co-cau-to-chuc": "Co-cau-to-chuc.aspx",
    "lanh-dao": "Lanh-dao.aspx",
    "lien-he": "Lien-he.aspx",
    "duong-day-nong": "Duong-day-nong.aspx",
    "danh-ba": "Danh-ba-can-bo.aspx",
    "thu-tuc": "Thu-tuc-hanh-chinh.aspx",
    "du-an": "Du-an-dau-tu.aspx",
    "gop-y": "Lay-y-kien-du-thao.aspx",
    "tro-giup": "Tro-giup.aspx",
    "so-do": "So-do-cong.aspx",
}
# Feedback pages (feature → file name under /vn/).
PAKN_SLUGS = {"administrative_feedback": "Phan-anh-kien-nghi-quy-dinh.aspx",
              "tthc_feedback": "Phan-anh-kien-nghi-thu-tuc.aspx"}

# WebForms control names (UniqueID with '$', ClientID with '_').
CPH = "ctl00$ContentPlaceHolder1$"
GRID = CPH + "gvNews"
SEARCH_BOX = CPH + "txtTuKhoa"
SEARCH_BUTTON = CPH + "btnTimKiem"
SEND_BUTTON = CPH + "btnGui"
FORM_NAME = CPH + "txtHoTen"
FORM_MAIL = CPH + "txtHopThu"
FORM_TEXT = CPH + "txtNoiDung"
PAGE_BUTTONS = 10                      # GridView PagerSettings.PageButtonCount

# Documents facets: feature → query parameter.
FACET_PARAMS = {"legal_by_field": "linhvuc", "legal_by_date": "nam", "legal_by_issuer": "coquan",
                "legal_by_type": "loai"}

# Neutral wording for procedure details: each text holds its own label's vocabulary only.
PROCEDURE_TEXT = {
    "trinh_tu": "Bước 1: Tổ chức, cá nhân chuẩn bị giấy tờ theo quy định. Bước 2: Nộp trực tiếp "
                "hoặc trực tuyến. Bước 3: Nhận kết quả.",
    "thanh_phan_ho_so": "Đơn đề nghị theo mẫu; bản sao các giấy tờ liên quan. Số lượng: 01 bộ.",
    "noi_tiep_nhan": "Bộ phận Một cửa, {agency}.",
    "nguoi_xu_ly": "Chuyên viên được phân công của bộ phận chuyên môn.",
    "thoi_han": "10 ngày làm việc kể từ ngày nhận đủ giấy tờ hợp lệ.",
    "phi_le_phi": "50.000 đồng/lần.",
}

# -- ASP.NET error pages --------------------------------------------------------------------
ERROR_MESSAGES = {
    "missing": ("System.Web.HttpException", "The state information is invalid for this page and "
                "might be corrupted."),
    "mac": ("System.Web.HttpException", "Validation of viewstate MAC failed. If this application "
            "is hosted by a Web Farm or cluster, ensure that <machineKey> configuration "
            "specifies the same validationKey and validation algorithm. AutoGenerate cannot be "
            "used in a cluster."),
    "event": ("System.ArgumentException", "Invalid postback or callback argument.  Event "
              "validation is enabled using <pages enableEventValidation=\"true\"/> in "
              "configuration or <%@ Page EnableEventValidation=\"true\" %> in a page."),
}


class PostbackError(Exception):
    """A post-back that ASP.NET would reject with a yellow error page (HTTP 500)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# -- an opaque, MAC-protected view state ------------------------------------------------------
# A tiny subset of ObjectStateFormatter's tokens, enough to look (and fail) like the real thing.
_T_INT, _T_STR, _T_PAIR, _T_LIST = 0x02, 0x05, 0x0F, 0x16
_T_NULL, _T_TRUE, _T_FALSE = 0x64, 0x67, 0x68
_HEADER = b"\xff\x01"
_MAC_LEN = 20


def _varint(number: int, out: bytearray) -> None:
    while True:
        byte = number & 0x7F
        number >>= 7
        out.append(byte | (0x80 if number else 0))
        if not number:
            return


def _serialize(obj: Any, out: bytearray) -> None:
    if obj is None:
        out.append(_T_NULL)
    elif obj is True:
        out.append(_T_TRUE)
    elif obj is False:
        out.append(_T_FALSE)
    elif isinstance(obj, int) and obj >= 0:
        out.append(_T_INT)
        _varint(obj, out)
    elif isinstance(obj, str):
        data = obj.encode("utf-8")
        out.append(_T_STR)
        _varint(len(data), out)
        out += data
    elif isinstance(obj, tuple) and len(obj) == 2:
        out.append(_T_PAIR)
        _serialize(obj[0], out)
        _serialize(obj[1], out)
    elif isinstance(obj, (list, tuple)):
        out.append(_T_LIST)
        _varint(len(obj), out)
        for item in obj:
            _serialize(item, out)
    else:
        raise TypeError(f"cannot serialise {obj!r}")


def _deserialize(data: bytes) -> Any:
    pos = 0

    def read_varint() -> int:
        nonlocal pos
        number = shift = 0
        while True:
            if pos >= len(data) or shift > 35:
                raise ValueError("truncated")
            byte = data[pos]
            pos += 1
            number |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return number

    def read() -> Any:
        nonlocal pos
        if pos >= len(data):
            raise ValueError("truncated")
        token = data[pos]
        pos += 1
        if token == _T_NULL:
            return None
        if token == _T_TRUE:
            return True
        if token == _T_FALSE:
            return False
        if token == _T_INT:
            return read_varint()
        if token == _T_STR:
            length = read_varint()
            if pos + length > len(data):
                raise ValueError("truncated")
            text = data[pos:pos + length].decode("utf-8")
            pos += length
            return text
        if token == _T_PAIR:
            return (read(), read())
        if token == _T_LIST:
            return [read() for _ in range(read_varint())]
        raise ValueError(f"bad token {token:#x}")

    value = read()
    if pos != len(data):
        raise ValueError("trailing bytes")
    return value


# -- small helpers -----------------------------------------------------------------------------
def fold(text: str) -> str:
    """Lower-case ASCII folding (Đ/đ mapped explicitly) for slugs and search."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def grid_date(style: str, moment: datetime) -> str:
    if style == "paren":
        return f"({fmt_dmy(moment)})"
    return f"Ngày {moment.day:02d} tháng {moment.month:02d} năm {moment.year}"


def article_date(style: str, moment: datetime, place: str) -> str:
    if style == "long":
        return f"{place}, ngày {moment.day} tháng {moment.month} năm {moment.year}"
    return fmt_sa_ch(moment)


def _pdf(title: str) -> bytes:
    return ("%PDF-1.4\n% " + fold(title) + "\n1 0 obj << /Type /Catalog >> endobj\n"
            "trailer << /Root 1 0 R >>\n%%EOF\n").encode("ascii", "replace")


def _resource(name: str) -> tuple[str, bytes]:
    ext = name[name.rfind(".") + 1:].lower() if "." in name else ""
    ctype = MIME_TYPES.get(ext, "application/octet-stream")
    if ext == "png":
        return ctype, png_1x1(hashlib.sha256(name.encode()).digest()[:3])  # colour by name
    if ext == "mp4":
        return ctype, MP4
    if ext == "pdf":
        return ctype, _pdf(name)
    return ctype, ("Tệp đính kèm: " + name).encode("utf-8")


@dataclass
class View:
    """What one .aspx page shows: its content template, its view state and allowed events."""

    template: str
    title: str
    state: list
    events: list[tuple[str, str]] = field(default_factory=list)
    ctx: dict[str, Any] = field(default_factory=dict)


# -- templates -----------------------------------------------------------------------------------
BASE = """\
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="vi" xml:lang="vi">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
{% if f.mobile %}
<meta name="viewport" content="width=device-width, initial-scale=1" />
{% endif %}
<title>{{ title }} - {{ agency.name }}</title>
{% if feed %}
<link rel="alternate" type="application/rss+xml" title="{{ feed.title }}" href="{{ feed.href }}" />
{% endif %}
<style type="text/css">
body{font-family:Arial,Helvetica,sans-serif;font-size:13px;margin:0;color:#222;background:#fff}
a{color:#0b4a8b;text-decoration:none}
#header{background:#a50000;color:#fff;padding:8px}
#header .ten-don-vi{font-size:20px;font-weight:bold}
#menu ul{list-style:none;margin:0;padding:0}
#menu>ul>li{display:inline-block;position:relative;padding:6px 10px}
#menu ul.sub{display:none;position:absolute;background:#fff;border:1px solid #ccc}
#menu li:hover ul.sub{display:block}
.gv{border-color:#ccc}.gv .hdr{background:#eee}.gv .pgr td{padding:2px 4px}
#footer{clear:both;border-top:3px solid #a50000;padding:8px;font-size:12px}
{% if f.mobile %}
#wrapper{max-width:1200px;width:100%;margin:0 auto;box-sizing:border-box}
#content{float:left;width:70%}#sidebar{float:right;width:28%}
img,video{max-width:100%;height:auto}
@media (max-width:768px){ #content,#sidebar{float:none;width:auto} #menu>ul>li{display:block} }
{% else %}
body{min-width:1100px}
#wrapper{width:1100px;margin:0 auto}
#content{float:left;width:780px}#sidebar{float:right;width:300px}
{% endif %}
{% if f.contrast %}
body.tuong-phan-cao{background:#000;color:#ff0}body.tuong-phan-cao a{color:#0ff}
{% endif %}
</style>
</head>
<body>
<form method="post" action="{{ action }}" id="aspnetForm">
<div class="aspNetHidden">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="" />
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="" />
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{{ viewstate }}" />
</div>

<script type="text/javascript">
//<![CDATA[
var theForm = document.forms['aspnetForm'];
if (!theForm) {
    theForm = document.aspnetForm;
}
function __doPostBack(eventTarget, eventArgument) {
    if (!theForm.onsubmit || (theForm.onsubmit() != false)) {
        theForm.__EVENTTARGET.value = eventTarget;
        theForm.__EVENTARGUMENT.value = eventArgument;
        theForm.submit();
    }
}
//]]>
</script>

<div id="wrapper">
<div id="header">
<a href="{{ home }}"><img src="/Images/logo.png" alt="{{ agency.name if f.alt_text else '' }}" \
class="logo" /></a>
<span class="ten-don-vi">{{ agency.name }}</span>
{% if f.font_size or f.contrast %}
<div class="tien-ich">
{% if f.font_size %}
<a href="javascript:void(0)" title="Tăng cỡ chữ" onclick="doiCoChu(1)">A+</a>
<a href="javascript:void(0)" title="Giảm cỡ chữ" onclick="doiCoChu(-1)">A-</a>
{% endif %}
{% if f.contrast %}
<a href="javascript:void(0)" onclick="document.body.className=(document.body.className=='tuong-phan-cao'?'':'tuong-phan-cao')">Tương phản cao</a>
{% endif %}
</div>
{% endif %}
</div>
<div id="menu">
<ul class="menu">
{% for item in menu %}
<li><a href="{{ item.href }}"{% if item.accesskey %} accesskey="{{ item.accesskey }}"{% endif %}>{{ item.text }}</a>
{% if item.children %}
<ul class="sub">
{% for child in item.children %}
<li><a href="{{ child.href }}">{{ child.text }}</a></li>
{% endfor %}
</ul>
{% endif %}
</li>
{% endfor %}
</ul>
</div>
<div id="main">
<div id="content">
<div id="ctl00_ContentPlaceHolder1_pnlNoiDung">
{% include content %}
</div>
</div>
<div id="sidebar">
{% if banners %}
<div class="banner-list">
{% for banner in banners %}
<a href="{{ banner.href }}"><img src="{{ banner.src }}" alt="" class="banner" /></a>
{% endfor %}
</div>
{% endif %}
<div class="box lien-ket">
<h3>Liên kết</h3>
<ul>
<li><a href="https://dichvucong.gov.vn/" target="_blank">Cổng Dịch vụ công quốc gia</a></li>
{% if pakn_admin %}
<li><a href="{{ pakn_admin }}">{{ text.administrative_feedback }}</a></li>
{% endif %}
</ul>
</div>
</div>
</div>
<div id="footer">
<ul class="footer-links">
{% for link in footer %}
<li><a href="{{ link.href }}">{{ link.text }}</a></li>
{% endfor %}
</ul>
<p>© Bản quyền thuộc {{ agency.name }}.</p>
<p>Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p>
</div>
</div>
{% if f.font_size %}
<script type="text/javascript">
function doiCoChu(d){var s=parseInt(document.body.style.fontSize||'13',10)+d;document.body.style.fontSize=s+'px';}
</script>
{% endif %}

<div class="aspNetHidden">
<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="{{ generator }}" />
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{{ eventvalidation }}" />
</div>
</form>
</body>
</html>
"""

HOME = """\
<div class="tin-moi">
<h2>Tin mới</h2>
{% if newest %}
<ul>
{% for row in newest %}
<li>
{% if row.img %}
<a href="{{ row.href }}"><img src="{{ row.img }}" alt="{{ row.alt }}" class="thumb" /></a>
{% endif %}
<a class="tieu-de" href="{{ row.href }}">{{ row.title }}</a>{% if row.date %} <span class="ngay">{{ row.date }}</span>{% endif %}

<p class="tom-tat">{{ row.lead }}</p>
</li>
{% endfor %}
</ul>
{% else %}
<p>Chưa có tin bài.</p>
{% endif %}
{% if more %}
<p class="xem-tiep"><a href="{{ more }}">Xem tiếp</a></p>
{% endif %}
</div>
{% if f.multimedia %}
<div class="video">
<h2>{{ text.multimedia }}</h2>
<video controls="controls" preload="none" width="480">
<source src="/Uploads/Video/gioi-thieu.mp4" type="video/mp4" />
Trình duyệt không hỗ trợ phát video.
</video>
</div>
{% endif %}
"""

LISTING = """\
<div class="breadcrumb"><a href="{{ home }}">Trang chủ</a> › <span>{{ section.name }}</span></div>
<h1 class="tieu-de-chuyen-muc">{{ section.name }}</h1>
{% if facets %}
<div class="facets">
{% for facet in facets %}
<div class="facet">
<h3>{{ facet.title }}</h3>
<ul>
{% for value in facet.options %}
<li><a href="{{ value.href }}">{{ value.text }}</a></li>
{% endfor %}
</ul>
</div>
{% endfor %}
</div>
{% endif %}
{% if search %}
<fieldset class="tim-kiem">
<legend>{{ text.document_search }}</legend>
<input name="{{ search_box }}" type="text" id="ctl00_ContentPlaceHolder1_txtTuKhoa" value="{{ keyword }}" />
<input type="submit" name="{{ search_button }}" value="Tìm kiếm" id="ctl00_ContentPlaceHolder1_btnTimKiem" />
</fieldset>
{% endif %}
{% if db_link %}
<p class="csdl"><a href="{{ text.legal_db_href }}" target="_blank">{{ text.legal_db_link }}</a></p>
{% endif %}
{% if filter_text %}
<p class="dang-loc">{{ filter_text }}</p>
{% endif %}
<div>
<table class="gv gv-{{ section.layout }}" cellspacing="0" rules="all" border="1" \
id="ctl00_ContentPlaceHolder1_gvNews" style="width:100%;border-collapse:collapse;">
{% if rows %}
{% if headers %}
<tr class="hdr">
{% for header in headers %}
<th scope="col">{{ header }}</th>
{% endfor %}
</tr>
{% endif %}
{% for row in rows %}
<tr class="{{ 'row' if loop.index is odd else 'altrow' }}">
{% if section.layout == 'news' %}
<td>
{% if row.img %}
<a href="{{ row.href }}"><img src="{{ row.img }}" alt="{{ row.alt }}" class="thumb" /></a>
{% endif %}
<a class="tieu-de" href="{{ row.href }}">{{ row.title }}</a>{% if row.date %} <span class="ngay">{{ row.date }}</span>{% endif %}

<p class="tom-tat">{{ row.lead }}</p>
</td>
{% else %}
{% for cell in row.cells %}
<td{% if cell.cls %} class="{{ cell.cls }}"{% endif %}>\
{% if cell.href %}<a href="{{ cell.href }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}\
{% if cell.file %} <a class="file" href="{{ cell.file.href }}">{{ cell.file.text }}</a>{% endif %}\
{% if cell.note %}<div class="tra-loi">{{ cell.note }}</div>{% endif %}</td>
{% endfor %}
{% endif %}
</tr>
{% endfor %}
{% if pager %}
<tr class="pgr">
<td colspan="{{ columns }}"><table>
<tr>
{% for item in pager %}
<td>{% if item.href %}<a href="{{ item.href }}">{{ item.text }}</a>{% else %}<span>{{ item.text }}</span>{% endif %}</td>
{% endfor %}
</tr>
</table></td>
</tr>
{% endif %}
{% else %}
<tr>
<td>{{ empty_text }}</td>
</tr>
{% endif %}
</table>
</div>
"""

ARTICLE = """\
<div class="breadcrumb"><a href="{{ home }}">Trang chủ</a> › \
{% if section_href %}<a href="{{ section_href }}">{{ section.name }}</a>\
{% else %}<span>{{ section.name }}</span>{% endif %}</div>
<h1 class="tieu-de">{{ post.title }}</h1>
<div class="ngay-dang">{{ date }}</div>
{% if f.text_to_speech %}
<div class="doc-bai"><a href="javascript:void(0)" onclick="docBaiViet()">{{ text.text_to_speech }}</a></div>
<script type="text/javascript">
function docBaiViet(){var t=document.getElementById('noi-dung').innerText;var u=new SpeechSynthesisUtterance(t);u.lang='vi-VN';window.speechSynthesis.speak(u);}
</script>
{% endif %}
{% if asker %}
<p class="nguoi-hoi">Người hỏi: {{ asker }}</p>
{% endif %}
{% if doc_rows %}
<table class="thuoc-tinh" cellspacing="0" border="1">
{% for label, value, href in doc_rows %}
<tr><th>{{ label }}</th><td>{% if href %}<a href="{{ href }}">{{ value }}</a>{% else %}{{ value }}{% endif %}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if attachment %}
<p class="dinh-kem"><a href="{{ attachment.href }}">{{ attachment.text }}</a></p>
{% endif %}
<div id="noi-dung">
<p class="sapo"><strong>{{ post.lead }}</strong></p>
{% if img %}
<div class="anh"><img src="{{ img }}" alt="{{ alt }}" /></div>
{% endif %}
{% for paragraph in post.body %}
<p>{{ paragraph }}</p>
{% endfor %}
</div>
{% if qa %}
{% if answer %}
<div class="tra-loi">
<h3>Trả lời</h3>
<p>{{ answer }}</p>
{% if answered_on %}
<p class="ngay-tra-loi">Ngày trả lời: {{ answered_on }}</p>
{% endif %}
</div>
{% else %}
<p class="cho-tra-loi">Câu hỏi đang được xem xét, trả lời.</p>
{% endif %}
{% endif %}
"""

STATIC = """\
<h1 class="tieu-de">{{ heading }}</h1>
{% if kind in ('gioi-thieu', 'co-cau-to-chuc') %}
{% for item in blocks %}
<div class="muc">
<h3>{{ item.label }}</h3>
{% if item.img %}
<img src="{{ item.img }}" alt="{{ item.alt }}" />
{% endif %}
<p>{{ item.text }}</p>
</div>
{% else %}
<p>Thông tin đang được cập nhật.</p>
{% endfor %}
{% elif kind in ('lanh-dao', 'danh-ba') %}
{% if headers and people %}
<table class="gv" cellspacing="0" rules="all" border="1" style="border-collapse:collapse;">
<tr class="hdr">
{% for header in headers %}
<th scope="col">{{ header }}</th>
{% endfor %}
</tr>
{% for person in people %}
<tr>
{% for value in person %}
<td>{{ value }}</td>
{% endfor %}
</tr>
{% endfor %}
</table>
{% else %}
<p>Thông tin đang được cập nhật.</p>
{% endif %}
{% for label, value in extra_rows %}
<p class="phat-ngon"><strong>{{ label }}:</strong> {{ value }}</p>
{% endfor %}
{% elif kind == 'lien-he' %}
<p class="ten">{{ agency.name }}</p>
{% if rows %}
<table class="lien-he" cellspacing="0" border="0">
{% for label, value in rows %}
<tr><th>{{ label }}:</th><td>{{ value }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if f.feedback_form %}
{% with legend=text.feedback_form, button=text.feedback_form %}{% include 'form.html' %}{% endwith %}
{% endif %}
{% elif kind == 'duong-day-nong' %}
<p class="hotline">{{ text.hotline }}: <strong>{{ hotline }}</strong></p>
<p>Tiếp nhận phản ánh của tổ chức, công dân 24/7.</p>
{% elif kind == 'thu-tuc' %}
{% if f.tthc_announcement_download %}
<p class="cong-bo"><a href="{{ announcement }}">{{ text.tthc_announcement_download }}</a> (PDF)</p>
{% endif %}
{% for group in groups %}
{% if group.title %}
<h3 class="linh-vuc">Lĩnh vực: {{ group.title }}</h3>
{% endif %}
<table class="gv" cellspacing="0" rules="all" border="1" style="border-collapse:collapse;">
<tr class="hdr"><th scope="col">STT</th><th scope="col">Mã thủ tục</th><th scope="col">Tên thủ tục</th>\
<th scope="col">Mức độ</th></tr>
{% for proc in group.procedures %}
<tr><td>{{ loop.index }}</td><td>{{ proc.code }}</td><td><a href="{{ proc.href }}">{{ proc.name }}</a></td>\
<td>Mức độ {{ proc.level }}</td></tr>
{% endfor %}
</table>
{% else %}
<p>Thông tin đang được cập nhật.</p>
{% endfor %}
{% if pakn_tthc %}
<p class="pakn"><a href="{{ pakn_tthc }}">{{ text.tthc_feedback }}</a></p>
{% endif %}
{% elif kind == 'thu-tuc-chi-tiet' %}
<p class="ma">Mã thủ tục: {{ procedure.code }}</p>
<p class="muc-do">Mức độ: {{ procedure.level }}</p>
{% if field_title %}
<p class="linh-vuc">Lĩnh vực: {{ field_title }}</p>
{% endif %}
{% for label, value in rows %}
<div class="muc"><h3>{{ label }}</h3><p>{{ value }}</p></div>
{% endfor %}
<p><a href="{{ back }}">Quay lại danh sách</a></p>
{% elif kind == 'du-an' %}
{% for group in groups %}
{% if group.title %}
<h2 class="giai-doan">{{ group.title }}</h2>
{% endif %}
{% for project in group.projects %}
<div class="du-an">
<h3>{{ project.name }}</h3>
<table cellspacing="0" border="1">
{% for label, value in project.rows %}
<tr><th>{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}
</table>
<p class="cap-nhat">Cập nhật: {{ project.updated }}</p>
</div>
{% endfor %}
{% else %}
<p>Thông tin đang được cập nhật.</p>
{% endfor %}
{% elif kind == 'gop-y' %}
<div class="du-thao">
<h3>{{ draft }}</h3>
{% if rows %}
<table cellspacing="0" border="1">
{% for label, value, href in rows %}
<tr><th>{{ label }}</th><td>{% if href %}<a href="{{ href }}">{{ value }}</a>{% else %}{{ value }}{% endif %}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if show_comments %}
<div id="cac-y-kien"><p>Chưa có ý kiến nào.</p></div>
{% endif %}
{% if send_label %}
{% with legend=send_label, button=send_label %}{% include 'form.html' %}{% endwith %}
{% endif %}
</div>
{% elif kind == 'pakn' %}
{% with legend='Nội dung phản ánh', button='Gửi phản ánh' %}{% include 'form.html' %}{% endwith %}
{% elif kind == 'tro-giup' %}
<h3>Văn bản thay thế cho hình ảnh</h3>
<p>Mỗi hình ảnh minh họa trên cổng thông tin có một đoạn văn bản thay thế (thuộc tính alt) mô tả ngắn \
gọn nội dung của hình, để trình đọc màn hình đọc cho người khiếm thị.</p>
<p>Khi hình ảnh không hiển thị được, trình duyệt sẽ hiện đoạn văn bản thay thế ở vị trí của hình.</p>
{% elif kind == 'so-do' %}
<ul class="so-do">
<li><a href="{{ home }}">Trang chủ</a></li>
<li>Chuyên mục
<ul>
{% for link in section_links %}
<li><a href="{{ link.href }}">{{ link.text }}</a></li>
{% endfor %}
</ul>
</li>
<li>Trang thông tin
<ul>
{% for link in page_links %}
<li><a href="{{ link.href }}">{{ link.text }}</a></li>
{% endfor %}
</ul>
</li>
</ul>
{% endif %}
"""

FORM = """\
<fieldset class="bieu-mau">
<legend>{{ legend }}</legend>
{% if message %}
<p class="thong-bao">{{ message }}</p>
{% endif %}
<p><label for="ctl00_ContentPlaceHolder1_txtHoTen">Họ tên người gửi</label><br />
<input name="{{ form_name }}" type="text" id="ctl00_ContentPlaceHolder1_txtHoTen" /></p>
<p><label for="ctl00_ContentPlaceHolder1_txtHopThu">Hộp thư của bạn</label><br />
<input name="{{ form_mail }}" type="text" id="ctl00_ContentPlaceHolder1_txtHopThu" /></p>
<p><label for="ctl00_ContentPlaceHolder1_txtNoiDung">Nội dung</label><br />
<textarea name="{{ form_text }}" rows="5" cols="50" id="ctl00_ContentPlaceHolder1_txtNoiDung"></textarea></p>
<p><input type="submit" name="{{ send_button }}" value="{{ button }}" id="ctl00_ContentPlaceHolder1_btnGui" /></p>
</fieldset>
"""

ERROR = """\
<!DOCTYPE html>
<html>
<head>
<title>{{ message }}</title>
<meta name="viewport" content="width=device-width" />
<style>
body {font-family:"Verdana";font-weight:normal;font-size:.7em;color:black;}
h1 {font-family:"Verdana";font-weight:normal;font-size:18pt;color:red }
h2 {font-family:"Verdana";font-weight:normal;font-size:14pt;color:maroon }
</style>
</head>
<body bgcolor="white">
<span><h1>Server Error in '/' Application.<hr width="100%" size="1" color="silver"></h1>
<h2> <i>{{ message }}</i> </h2></span>
<font face="Arial, Helvetica, Geneva, SunSans-Regular, sans-serif ">
<b> Description: </b>{{ description }}
<br><br>
{% if exception %}
<b> Exception Details: </b>{{ exception }}: {{ message }}<br><br>
{% endif %}
<b> Requested URL: </b>{{ path }}<br><br>
<hr width="100%" size="1" color="silver">
<b>Version Information:</b>&nbsp;Microsoft .NET Framework Version:4.0.30319; ASP.NET Version:4.8.4797.0
</font>
</body>
</html>
"""

RSS = """\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
<channel>
<title>{{ section.name }} - {{ agency.name }}</title>
<link>{{ link }}</link>
<description>{{ section.name }}</description>
<language>vi-VN</language>
{% for item in items %}
<item>
<title>{{ item.title }}</title>
<link>{{ item.link }}</link>
<guid isPermaLink="false">{{ item.guid }}</guid>
<description>{{ item.lead }}</description>
<pubDate>{{ item.date }}</pubDate>
</item>
{% endfor %}
</channel>
</rss>
"""

ENV = Environment(loader=DictLoader({"base.html": BASE, "home.html": HOME, "listing.html": LISTING,
                                     "article.html": ARTICLE, "static.html": STATIC,
                                     "form.html": FORM, "error.html": ERROR, "rss.xml": RSS}),
                  autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

REDIRECT_BODY = ('<html><head><title>Object moved</title></head><body>\n'
                 f'<h2>Object moved to <a href="{HOME_PATH}">here</a>.</h2>\n</body></html>\n')

HEADERS = {"Server": "Microsoft-IIS/10.0", "X-AspNet-Version": "4.0.30319",
           "X-Powered-By": "ASP.NET", "Cache-Control": "private"}


class AspNetPortal(Portal):
    """An agency portal on a WebForms CMS: .aspx URLs, one server form per page, GridViews."""

    platform = "aspnet"

    def __init__(self, agency, province):
        super().__init__(agency, province)
        self._number = {s.key: SECTION_BASE + i for i, s in enumerate(agency.sections)}
        self._index = {s.key: i for i, s in enumerate(agency.sections)}
        self._posts: dict[int, tuple[Section, Post]] = {}
        for section in agency.sections:
            for post in section.posts:
                self._posts.setdefault(post.id, (section, post))
        self._procedures = {p.code: p for p in agency.procedures}
        self._machine_key = hashlib.sha256(
            f"machineKey|{agency.id}|{agency.site}".encode("utf-8")).digest()
        place = province.name
        for prefix in ("Tỉnh ", "Thành phố "):
            if place.startswith(prefix):
                place = place[len(prefix):]
        self._place = place

    # -- URLs -------------------------------------------------------------------------------------
    def home_path(self) -> str:
        return HOME_PATH

    def section_path(self, section: Section) -> str:
        return f"/vn/chuyen-muc/{self._number[section.key]}/{section.key}.aspx"

    def listing_pages(self, section: Section) -> list[ListingPage]:
        path = self.section_path(section)
        pages = []
        for number, posts in enumerate(self.chunks(section), start=1):
            postback = None if number == 1 else (GRID, f"Page${number}")
            pages.append(ListingPage(url=path, posts=posts, postback=postback))
        return pages

    def post_path(self, section: Section, post: Post) -> str:
        return f"/vn/tin-tuc/{post.id}/{post.slug}.aspx"

    def page_path(self, kind: str) -> str:
        return "/vn/" + STATIC_SLUGS[kind]

    def procedure_path(self, code: str) -> str:
        return f"/vn/thu-tuc/{code}.aspx"

    def rss_path(self, section: Section) -> str | None:
        if not self.feature("rss"):
            return None
        return f"/vn/rss/{self._number[section.key]}/{section.key}.rss"

    # -- per-section choices (deterministic by the section's index) -------------------------------
    def grid_style(self, section: Section) -> str:
        return ("paren", "ngay")[self._index[section.key] % 2]

    def article_style(self, section: Section) -> str:
        return ("long", "12h")[(self._index[section.key] // 2) % 2]

    def _linked(self, section: Section) -> bool:
        """Whether the section may be linked by its name (outside the site map)."""
        return section.placement in ("menu", "submenu", "footer")

    # -- serving ----------------------------------------------------------------------------------
    def handle(self, request):
        path = request.path
        if request.method not in ("GET", "HEAD", "POST"):
            return self._error(405, path, "The HTTP verb used to access this page is not allowed.",
                               "HTTP 405. The page you are looking for cannot be displayed because "
                               "an invalid method (HTTP verb) is being used.")
        if path in REDIRECT_TO_HOME:
            return Response(REDIRECT_BODY, status=302, content_type="text/html; charset=utf-8",
                            headers={**HEADERS, "Location": HOME_PATH})
        route = self._route(path)
        if route is None:
            return self._not_found(path)
        kind, arg = route
        if kind == "resource":
            if request.method == "POST":
                return self._error(405, path, "The HTTP verb used to access this page is not "
                                   "allowed.", "HTTP 405.")
            ctype, data = arg
            return Response(data, content_type=ctype, headers=HEADERS)
        try:
            if request.method == "POST":
                view = self._postback(path, kind, arg, request.form)
            else:
                view = self._view(kind, arg, request.args)
        except PostbackError as exc:
            exception, message = ERROR_MESSAGES[exc.reason]
            return self._error(500, path, message, "An unhandled exception occurred during the "
                               "execution of the current web request.", exception)
        return self._render(view, path)

    def _route(self, path: str):
        if path == HOME_PATH:
            return "home", None
        match = re.fullmatch(r"/vn/chuyen-muc/(\d+)/([A-Za-z0-9-]+)\.aspx", path)
        if match:
            number, key = int(match[1]), match[2]
            index = number - SECTION_BASE
            if 0 <= index < len(self.agency.sections) and self.agency.sections[index].key == key:
                return "listing", self.agency.sections[index]
            return None
        match = re.fullmatch(r"/vn/tin-tuc/(\d+)/([A-Za-z0-9-]+)\.aspx", path)
        if match:
            found = self._posts.get(int(match[1]))
            if found and found[1].slug == match[2]:
                return "article", found
            return None
        match = re.fullmatch(r"/vn/rss/(\d+)/([A-Za-z0-9-]+)\.rss", path)
        if match:
            index = int(match[1]) - SECTION_BASE
            if (self.feature("rss") and 0 <= index < len(self.agency.sections)
                    and self.agency.sections[index].key == match[2]):
                return "resource", ("application/rss+xml; charset=utf-8",
                                    self._rss(self.agency.sections[index]))
            return None
        match = re.fullmatch(r"/vn/thu-tuc/([0-9.]+)\.aspx", path)
        if match:
            procedure = self._procedures.get(match[1])
            return ("procedure", procedure) if procedure else None
        if path.startswith("/vn/"):
            name = path[len("/vn/"):]
            for kind, slug in STATIC_SLUGS.items():
                if name == slug:
                    return ("static", kind) if self.page_available(kind) else None
            for feature, slug in PAKN_SLUGS.items():
                if name == slug:
                    return ("pakn", feature) if self.feature(feature) else None
            return None
        resource = self._resources().get(path)
        if resource is not None:
            return "resource", _resource(resource)
        return None

    def _resources(self) -> dict[str, str]:
        """Path → file name of every file the pages link to."""
        files = {"/Images/logo.png": "logo.png"}
        for section in self.agency.sections:
            if section.placement == "sidebar_image":
                files[self._banner_src(section)] = f"banner-{section.key}.png"
            for post in section.posts:
                if post.image:
                    files[self._image_src(post)] = f"tin-{post.id}.png"
                if section.layout == "documents" and self.feature("legal_download"):
                    files[self._file_href(post)] = self._file_name(post)
        if self.feature("tthc_announcement_download"):
            files["/Uploads/TTHC/Quyet-dinh-cong-bo-TTHC.pdf"] = "Quyet-dinh-cong-bo-TTHC.pdf"
        if self.field_present("gop-y", "toan_van"):
            files["/Uploads/DuThao/du-thao-quy-che.pdf"] = "du-thao-quy-che.pdf"
        if self.feature("multimedia"):
            files["/Uploads/Video/gioi-thieu.mp4"] = "gioi-thieu.mp4"
        if self.field_present("gioi-thieu", "ban_do"):
            files["/Uploads/Images/ban-do-hanh-chinh.png"] = "ban-do-hanh-chinh.png"
        return files

    @staticmethod
    def _image_src(post: Post) -> str:
        return f"/Uploads/Images/tin-{post.id}.png"

    @staticmethod
    def _banner_src(section: Section) -> str:
        return f"/Uploads/Banner/{section.key}.png"

    @staticmethod
    def _file_name(post: Post) -> str:
        return str(post.extra.get("file") or f"van-ban-{post.id}.pdf")

    def _file_href(self, post: Post) -> str:
        return "/Uploads/VanBan/" + self._file_name(post)

    # -- view state -------------------------------------------------------------------------------
    def _mac(self, path: str, body: bytes) -> bytes:
        return hmac.new(self._machine_key, path.encode("utf-8") + b"\x00" + body,
                        hashlib.sha1).digest()

    @staticmethod
    def _page_id(path: str) -> str:
        return f"{zlib.crc32(path.encode('utf-8')):010d}"

    @staticmethod
    def _generator(path: str) -> str:
        return f"{zlib.crc32(('gen:' + path).encode('utf-8')):08X}"

    def _seal(self, path: str, obj: Any) -> str:
        body = bytearray(_HEADER)
        _serialize(obj, body)
        return base64.b64encode(bytes(body) + self._mac(path, bytes(body))).decode("ascii")

    def _unseal(self, path: str, value: str) -> Any:
        try:
            raw = base64.b64decode(value.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise PostbackError("mac") from None
        body, mac = raw[:-_MAC_LEN], raw[-_MAC_LEN:]
        if (len(raw) <= len(_HEADER) + _MAC_LEN or not body.startswith(_HEADER)
                or not hmac.compare_digest(mac, self._mac(path, body))):
            raise PostbackError("mac")
        try:
            return _deserialize(body[len(_HEADER):])
        except (ValueError, UnicodeDecodeError):
            raise PostbackError("mac") from None

    def _viewstate(self, path: str, state: list) -> str:
        return self._seal(path, ((self._page_id(path), state), None))

    @staticmethod
    def _event_hash(target: str, argument: str) -> int:
        return zlib.crc32(f"{target}|{argument}".encode("utf-8"))

    def _eventvalidation(self, path: str, events: list[tuple[str, str]]) -> str:
        hashes = [zlib.crc32(path.encode("utf-8"))] + [self._event_hash(t, a) for t, a in events]
        return self._seal(path, hashes)

    def _read_state(self, path: str, form) -> list:
        value = form.get("__VIEWSTATE", "")
        if not value:
            raise PostbackError("missing")
        decoded = self._unseal(path, value)
        try:
            (page_id, state), _ = decoded
        except (TypeError, ValueError):
            raise PostbackError("mac") from None
        if page_id != self._page_id(path) or not isinstance(state, list) or not state:
            raise PostbackError("mac")
        return state

    def _check_event(self, path: str, form, target: str, argument: str) -> None:
        value = form.get("__EVENTVALIDATION", "")
        if not value:
            raise PostbackError("event")
        try:
            hashes = self._unseal(path, value)
        except PostbackError:
            raise PostbackError("event") from None
        if not isinstance(hashes, list) or self._event_hash(target, argument) not in hashes[1:]:
            raise PostbackError("event")

    # -- post-backs -------------------------------------------------------------------------------
    def _postback(self, path: str, kind: str, arg, form) -> View:
        state = self._read_state(path, form)
        target = form.get("__EVENTTARGET", "")
        argument = form.get("__EVENTARGUMENT", "")
        if kind == "listing":
            section = arg
            if state[0] != "chuyen-muc" or len(state) != 6 or state[1] != self._number[section.key]:
                raise PostbackError("mac")
            page = state[2]
            filt = (state[3], state[4]) if state[3] else None
            if target:
                self._check_event(path, form, target, argument)
                if target == GRID and argument.startswith("Page$"):
                    count = len(self._paged(self._filtered(section, filt), section))
                    page = self._page_argument(argument[len("Page$"):], page, count)
            elif SEARCH_BUTTON in form and self._search_enabled(section):
                self._check_event(path, form, SEARCH_BUTTON, "")
                keyword = " ".join(form.get(SEARCH_BOX, "").split())[:100]
                filt, page = (("q", keyword) if keyword else None), 1
            return self._listing_view(section, page, filt)
        view = self._view(kind, arg, {})
        if view.state != state:
            raise PostbackError("mac")
        if target:
            self._check_event(path, form, target, argument)
        elif SEND_BUTTON in form and (SEND_BUTTON, "") in view.events:
            self._check_event(path, form, SEND_BUTTON, "")
            if form.get(FORM_NAME, "").strip() and form.get(FORM_TEXT, "").strip():
                view.ctx["message"] = "Cảm ơn bạn đã gửi thông tin. Chúng tôi sẽ phản hồi sớm."
            else:
                view.ctx["message"] = "Vui lòng nhập họ tên và nội dung."
        return view

    @staticmethod
    def _page_argument(value: str, page: int, count: int) -> int:
        moves = {"First": 1, "Prev": page - 1, "Next": page + 1, "Last": count}
        if value in moves:
            wanted = moves[value]
        elif value.isdigit():
            wanted = int(value)
        else:
            raise PostbackError("event")
        return min(max(wanted, 1), max(count, 1))

    # -- views ------------------------------------------------------------------------------------
    def _view(self, kind: str, arg, query) -> View:
        if kind == "home":
            return self._home_view()
        if kind == "listing":
            return self._listing_view(arg, 1, self._query_filter(arg, query))
        if kind == "article":
            return self._article_view(*arg)
        if kind == "procedure":
            return self._procedure_view(arg)
        if kind == "pakn":
            return self._pakn_view(arg)
        return self._static_view(arg)

    def _home_view(self) -> View:
        general = next((s for s in self.agency.sections if s.general), None)
        newest = []
        more = None
        if general is not None:
            for post in general.posts[:5]:
                newest.append(self._news_row(general, post))
            if self._linked(general):
                more = self.section_path(general)
        feed = self._feed(general) if general is not None else None
        return View("home.html", "Trang chủ", ["trang-chu"],
                    ctx={"newest": newest, "more": more, "feed": feed})

    def _feed(self, section: Section) -> dict | None:
        path = self.rss_path(section)
        return {"title": section.name, "href": path} if path else None

    def _news_row(self, section: Section, post: Post) -> dict:
        return {"href": self.post_path(section, post), "title": post.title, "lead": post.lead,
                "date": grid_date(self.grid_style(section), post.published)
                if section.listing_dates else "",
                "img": self._image_src(post) if post.image else None,
                "alt": post.title if self.feature("alt_text") else ""}

    # documents filters
    def _search_enabled(self, section: Section) -> bool:
        return section.layout == "documents" and self.feature("document_search")

    def _facets(self, section: Section) -> list[dict]:
        if section.layout != "documents":
            return []
        facets = []
        path = self.section_path(section)
        for feature, title in LEGAL_FACETS.items():
            if not self.feature(feature):
                continue
            param = FACET_PARAMS[feature]
            values: dict[str, str] = {}
            for post in section.posts:
                text = facet_value(feature, post)
                if text:
                    values.setdefault(slugify(text), text)
            facets.append({"title": title, "param": param, "options": [
                {"href": f"{path}?{param}={slug}", "text": text, "slug": slug}
                for slug, text in values.items()]})
        return facets

    def _query_filter(self, section: Section, query) -> tuple[str, str] | None:
        for facet in self._facets(section):
            wanted = query.get(facet["param"])
            if wanted:
                return facet["param"], wanted
        return None

    def _filtered(self, section: Section, filt) -> list[Post]:
        if not filt:
            return list(section.posts)
        kind, value = filt
        if kind == "q":
            needle = fold(value)
            return [p for p in section.posts
                    if needle in fold(f"{p.title} {p.extra.get('number', '')}")]
        facet = next((f for f, param in FACET_PARAMS.items() if param == kind), None)
        if facet is None:
            return list(section.posts)
        return [p for p in section.posts if slugify(facet_value(facet, p)) == value]

    @staticmethod
    def _paged(posts: list[Post], section: Section) -> list[list[Post]]:
        size = max(1, section.page_size)
        return [posts[i:i + size] for i in range(0, len(posts), size)] or [[]]

    def _filter_text(self, section: Section, filt) -> str:
        if not filt:
            return ""
        kind, value = filt
        if kind == "q":
            return f"Kết quả tìm kiếm: “{value}”"
        for facet in self._facets(section):
            if facet["param"] == kind:
                text = next((v["text"] for v in facet["options"] if v["slug"] == value), value)
                return f"{facet['title']}: {text}"
        return ""

    def _pager(self, page: int, count: int) -> list[dict]:
        if count <= 1:
            return []

        def link(text: str, argument: str) -> dict:
            return {"text": text, "arg": argument,
                    "href": f"javascript:__doPostBack('{GRID}','{argument}')"}

        items = []
        first = (page - 1) // PAGE_BUTTONS * PAGE_BUTTONS + 1
        last = min(first + PAGE_BUTTONS - 1, count)
        if page > 1:
            items += [link("« Đầu", "Page$First"), link("‹ Trước", "Page$Prev")]
        if first > 1:
            items.append(link("...", f"Page${first - 1}"))
        for number in range(first, last + 1):
            items.append({"text": str(number), "arg": None, "href": None} if number == page
                         else link(str(number), f"Page${number}"))
        if last < count:
            items.append(link("...", f"Page${last + 1}"))
        if page < count:
            items += [link("Sau ›", "Page$Next"), link("Cuối »", "Page$Last")]
        return items

    def _listing_view(self, section: Section, page: int, filt) -> View:
        posts = self._filtered(section, filt)
        chunks = self._paged(posts, section)
        page = min(max(page, 1), len(chunks))
        chunk = chunks[page - 1]
        offset = (page - 1) * max(1, section.page_size)
        headers: list[str] = []
        if section.layout == "documents":
            headers, rows = self._document_rows(section, chunk, offset)
        elif section.layout == "qa":
            headers, rows = self._qa_rows(section, chunk, offset)
        else:
            rows = [self._news_row(section, post) for post in chunk]
        pager = self._pager(page, len(chunks))
        events = [(GRID, item["arg"]) for item in pager if item["arg"]]
        search = self._search_enabled(section)
        if search:
            events.append((SEARCH_BUTTON, ""))
        empty = ("Không tìm thấy văn bản phù hợp." if filt
                 else "Chưa có tin bài trong chuyên mục này.")
        state = ["chuyen-muc", self._number[section.key], page, filt[0] if filt else None,
                 filt[1] if filt else None, [p.id for p in chunk]]
        ctx = {"section": section, "rows": rows, "headers": headers, "pager": pager,
               "columns": max(1, len(headers)), "facets": self._facets(section),
               "search": search, "search_box": SEARCH_BOX, "search_button": SEARCH_BUTTON,
               "keyword": filt[1] if filt and filt[0] == "q" else "",
               "db_link": section.layout == "documents" and self.feature("legal_db_link"),
               "filter_text": self._filter_text(section, filt), "empty_text": empty,
               "feed": self._feed(section)}
        return View("listing.html", section.name, state, events, ctx)

    def _document_rows(self, section: Section, posts, offset: int):
        present = self.agency.fields.get("van-ban", [])
        labels = FIELD_LABELS["van-ban"]
        # The title and (when the listing shows dates) the post date are always there, under
        # neutral headings when their field is absent; no date at all when listing_dates is off.
        always = {"trich_yeu": "Văn bản", "ngay_ban_hanh": "Ngày đăng"}
        columns = []
        for name in labels:
            if name in ("ngay_ban_hanh", "ngay_hieu_luc") and not section.listing_dates:
                continue
            if name in present or name in always:
                columns.append(name)
        headers = ["STT"] + [labels[n] if n in present else always[n] for n in columns]
        download = self.feature("legal_download")
        rows = []
        for number, post in enumerate(posts, start=offset + 1):
            cells = [{"text": str(number)}]
            for name in columns:
                cells.append(self._document_cell(section, post, name, download,
                                                 "file" not in present))
            rows.append({"cells": cells})
        return headers, rows

    def _document_cell(self, section, post, name, download, file_in_title) -> dict:
        if name == "trich_yeu":
            cell = {"text": post.title, "href": self.post_path(section, post), "cls": "trich-yeu"}
            if download and file_in_title:
                cell["file"] = {"href": self._file_href(post), "text": self._file_name(post)}
            return cell
        if name == "file":
            if download:
                return {"text": self._file_name(post), "href": self._file_href(post)}
            return {"text": self._file_name(post)}
        cell = {"text": document_values(post).get(name, "")}
        if name == "ngay_ban_hanh":
            cell["cls"] = "ngay"
        return cell

    def _qa_rows(self, section: Section, posts, offset: int):
        headers = ["STT", "Câu hỏi", "Người hỏi"]
        if section.listing_dates:
            headers.append("Ngày gửi")
        headers.append("Trạng thái")
        rows = []
        for number, post in enumerate(posts, start=offset + 1):
            cells = [{"text": str(number)},
                     {"text": post.title, "href": self.post_path(section, post), "cls": "cau-hoi"},
                     {"text": str(post.extra.get("asker", ""))}]
            if section.listing_dates:
                cells.append({"text": grid_date(self.grid_style(section), post.published),
                              "cls": "ngay"})
            if post.extra.get("answered"):
                cells.append({"text": "Đã trả lời", "note": str(post.extra.get("answer", ""))})
            else:
                cells.append({"text": "Chưa trả lời"})
            rows.append({"cells": cells})
        return headers, rows

    def _article_view(self, section: Section, post: Post) -> View:
        ctx = {"section": section, "post": post,
               "section_href": self.section_path(section) if self._linked(section) else None,
               "date": article_date(self.article_style(section), post.published, self._place),
               "img": self._image_src(post) if post.image else None,
               "alt": post.title if self.feature("alt_text") else "",
               "qa": section.layout == "qa", "doc_rows": [], "attachment": None}
        if section.layout == "documents":
            ctx["doc_rows"], ctx["attachment"] = self._document_details(post)
        elif section.layout == "qa":
            ctx["asker"] = post.extra.get("asker")
            if post.extra.get("answered"):
                ctx["answer"] = post.extra.get("answer", "")
                ctx["answered_on"] = answered_on(post)
        return View("article.html", post.title, ["tin-tuc", post.id], ctx=ctx)

    def _document_details(self, post: Post):
        download = self.feature("legal_download")
        values = {**document_values(post), "file": self._file_name(post)}
        rows = [(label, values[name],
                 self._file_href(post) if name == "file" and download else None)
                for name, label in self.present_fields("van-ban")]
        attachment = None
        if download and not self.field_present("van-ban", "file"):
            attachment = {"href": self._file_href(post), "text": self._file_name(post)}
        return rows, attachment

    def _procedure_view(self, procedure) -> View:
        ctx = {"kind": "thu-tuc-chi-tiet", "heading": procedure.name, "procedure": procedure,
               "rows": self.procedure_rows(procedure, PROCEDURE_TEXT),
               "back": self.page_path("thu-tuc"),
               "field_title": procedure.field if self.feature("tthc_by_field") else None}
        return View("static.html", procedure.name, ["thu-tuc", procedure.code], ctx=ctx)

    def _pakn_view(self, feature: str) -> View:
        title = FEATURE_TEXT[feature]
        return View("static.html", title, ["pakn", feature], [(SEND_BUTTON, "")],
                    {"kind": "pakn", "heading": title})

    def _static_view(self, kind: str) -> View:
        ctx: dict[str, Any] = {"kind": kind, "heading": STATIC_PAGES[kind]}
        events: list[tuple[str, str]] = []
        fields = self.agency.fields
        if kind in ("gioi-thieu", "co-cau-to-chuc"):
            names = (["co_cau_to_chuc"] if kind == "co-cau-to-chuc"
                     else list(FIELD_LABELS["gioi-thieu"]))
            blocks = []
            for name in names:
                if name not in fields.get("gioi-thieu", []):
                    continue
                block = {"label": FIELD_LABELS["gioi-thieu"][name],
                         "text": self.agency.intro.get(name) or "Nội dung đang được cập nhật."}
                if name == "ban_do":
                    block["img"] = "/Uploads/Images/ban-do-hanh-chinh.png"
                    block["alt"] = block["label"] if self.feature("alt_text") else ""
                blocks.append(block)
            ctx["blocks"] = blocks
        elif kind in ("lanh-dao", "danh-ba"):
            field_set = "lanh-dao" if kind == "lanh-dao" else "can-bo"
            people = self.agency.leaders if kind == "lanh-dao" else self.agency.directory
            # the spokesperson is named once below the table, not in a column
            columns = [(n, l) for n, l in self.present_fields(field_set) if n != "nguoi_phat_ngon"]
            ctx["headers"] = [label for _, label in columns]
            ctx["people"] = [[person_values(p)[n] for n, _ in columns] for p in people]
            ctx["extra_rows"] = []
            if kind == "lanh-dao" and self.field_present("lanh-dao", "nguoi_phat_ngon"):
                ctx["extra_rows"] = [(FIELD_LABELS["lanh-dao"]["nguoi_phat_ngon"],
                                      self.spokesperson() or "Đang cập nhật")]
        elif kind == "lien-he":
            ctx["rows"] = self.field_rows("lien-he", contact_values(self.agency.contact))
            if self.feature("feedback_form"):
                events.append((SEND_BUTTON, ""))
        elif kind == "duong-day-nong":
            contact = self.agency.contact
            ctx["hotline"] = contact.get("hotline") or contact.get("phone", "")
        elif kind == "thu-tuc":
            ctx.update(self._procedure_groups())
        elif kind == "du-an":
            ctx["groups"] = self._project_groups()
        elif kind == "gop-y":
            ctx.update(self._draft(events))
        elif kind == "so-do":
            ctx["section_links"] = [{"href": self.section_path(s), "text": s.name}
                                    for s in self.agency.sections]
            ctx["page_links"] = [{"href": self.page_path(k), "text": STATIC_PAGES[k]}
                                 for k in self.available_pages() if k != "so-do"]
            ctx["page_links"] += [{"href": "/vn/" + slug, "text": FEATURE_TEXT[feature]}
                                  for feature, slug in PAKN_SLUGS.items() if self.feature(feature)]
        return View("static.html", STATIC_PAGES[kind], ["trang", kind], events, ctx)

    def _procedure_groups(self) -> dict:
        listed = [{"title": field or None,
                   "procedures": [{"code": p.code, "name": p.name, "level": p.level,
                                   "href": self.procedure_path(p.code)} for p in procedures]}
                  for field, procedures in self.procedure_groups()]
        return {"groups": listed, "announcement": "/Uploads/TTHC/Quyet-dinh-cong-bo-TTHC.pdf",
                "pakn_tthc": "/vn/" + PAKN_SLUGS["tthc_feedback"]
                if self.feature("tthc_feedback") else None}

    def _project_groups(self) -> list[dict]:
        projects = [{"name": p.name, "stage": p.stage, "updated": fmt_dmy(p.updated),
                     "rows": self.project_rows(p)} for p in self.agency.projects]
        if not projects:
            return []
        if not self.feature("project_classification"):
            return [{"title": None, "projects": projects}]
        order = list(STAGES) + sorted({p["stage"] for p in projects} - set(STAGES))
        groups = [{"title": "Dự án " + stage,
                   "projects": [p for p in projects if p["stage"] == stage]} for stage in order]
        return [group for group in groups if group["projects"]]

    def _draft(self, events: list) -> dict:
        present = self.agency.fields.get("gop-y", [])
        labels = FIELD_LABELS["gop-y"]
        as_of = self.province.as_of
        rows = []
        if "toan_van" in present:
            rows.append((labels["toan_van"], "du-thao-quy-che.pdf",
                         "/Uploads/DuThao/du-thao-quy-che.pdf"))
        if "thoi_han" in present:
            start, end = as_of - timedelta(days=10), as_of + timedelta(days=20)
            rows.append((labels["thoi_han"], f"Từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}", None))
        if "xem_gop_y" in present:
            rows.append((labels["xem_gop_y"], "Các ý kiến", "#cac-y-kien"))
        if "dia_chi_tiep_nhan" in present:
            contact = self.agency.contact
            where = ", ".join(v for v in (contact.get("address"), contact.get("email")) if v)
            rows.append((labels["dia_chi_tiep_nhan"], where, None))
        send = labels["gui_gop_y"] if "gui_gop_y" in present else None
        if send:
            events.append((SEND_BUTTON, ""))
        return {"draft": f"Quy chế hoạt động của cổng thông tin {self.agency.name}",
                "rows": rows, "show_comments": "xem_gop_y" in present, "send_label": send}

    def _rss(self, section: Section) -> bytes:
        items = [{"title": p.title, "link": self.post_path(section, p), "lead": p.lead,
                  "guid": f"{self._number[section.key]}-{p.id}",
                  "date": fmt_rfc822(p.published)}
                 for p in section.posts[:20]]
        return ENV.get_template("rss.xml").render(
            agency=self.agency, section=section, link=self.section_path(section),
            items=items).encode("utf-8")

    # -- chrome and rendering ---------------------------------------------------------------------
    def _chrome(self) -> dict:
        def page(kind: str) -> dict:
            return {"href": self.page_path(kind), "text": STATIC_PAGES[kind]}

        about = [page("gioi-thieu")]
        if self.page_available("co-cau-to-chuc"):
            about.append(page("co-cau-to-chuc"))
        about += [page("lanh-dao"), page("danh-ba")]
        menu = [{"href": HOME_PATH, "text": "Trang chủ"},
                {"href": self.page_path("gioi-thieu"), "text": "Giới thiệu", "children": about}]
        submenu = self.sections_at("submenu")
        if submenu:
            menu.append({"href": "#", "text": "Tin tức",
                         "children": [{"href": self.section_path(s), "text": s.name}
                                      for s in submenu]})
        menu += [{"href": self.section_path(s), "text": s.name} for s in self.sections_at("menu")]
        if self.dead_menu_link():
            label, href = self.dead_menu_link()
            menu.append({"href": href, "text": label})
        menu += [{"href": self.page_path("thu-tuc"), "text": "Thủ tục hành chính"},
                 {"href": self.page_path("lien-he"), "text": "Liên hệ"}]
        if self.feature("access_keys"):
            keys = "1234567890abcdefghijklmnopqrstuvwxyz"
            for item, key in zip(menu, keys):
                item["accesskey"] = key
        footer = [{"href": self.section_path(s), "text": s.name}
                  for s in self.sections_at("footer")]
        footer += [page(k) for k in ("du-an", "gop-y", "duong-day-nong", "tro-giup", "so-do")
                   if self.page_available(k)]
        banners = [{"href": self.section_path(s), "src": self._banner_src(s)}
                   for s in self.sections_at("sidebar_image")]
        return {"menu": menu, "footer": footer, "banners": banners,
                "pakn_admin": "/vn/" + PAKN_SLUGS["administrative_feedback"]
                if self.feature("administrative_feedback") else None}

    def _features(self) -> dict[str, bool]:
        names = ("font_size", "text_to_speech", "contrast", "access_keys", "alt_text",
                 "help_text_alternatives", "multimedia", "mobile", "feedback_form",
                 "tthc_announcement_download")
        return {name: self.feature(name) for name in names}

    def _render(self, view: View, path: str) -> Response:
        context = {**self._chrome(), **view.ctx, "agency": self.agency, "f": self._features(),
                   "text": FEATURE_TEXT, "home": HOME_PATH, "title": view.title, "action": path,
                   "content": view.template, "viewstate": self._viewstate(path, view.state),
                   "generator": self._generator(path),
                   "eventvalidation": self._eventvalidation(path, view.events),
                   "form_name": FORM_NAME, "form_mail": FORM_MAIL, "form_text": FORM_TEXT,
                   "send_button": SEND_BUTTON}
        context.setdefault("message", None)
        context.setdefault("feed", None)
        body = ENV.get_template("base.html").render(context)
        return Response(body, status=200, content_type="text/html; charset=utf-8",
                        headers=HEADERS)

    def _not_found(self, path: str) -> Response:
        return self._error(404, path, "The resource cannot be found.",
                           "HTTP 404. The resource you are looking for (or one of its "
                           "dependencies) could have been removed, had its name changed, or is "
                           "temporarily unavailable. Please review the following URL and make "
                           "sure that it is spelled correctly.")

    def _error(self, status: int, path: str, message: str, description: str,
               exception: str | None = None) -> Response:
        body = ENV.get_template("error.html").render(
            message=message, description=description, exception=exception, path=path)
        return Response(body, status=status, content_type="text/html; charset=utf-8",
                        headers=HEADERS)
