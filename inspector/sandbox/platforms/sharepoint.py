"""A simulated SharePoint 2013 agency portal (publishing pages, `?ChuyenMucID=&Page=N` listings)."""

from __future__ import annotations

import hashlib
import struct
import uuid
import zlib
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ..model import Agency, Post, Procedure, Province, Section
from ..portal import (FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES, WEEKDAYS_VI, ListingPage,
                      Portal, esc, fmt_dmy)

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates" / "sharepoint")),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)

# Publishing page of each static page (kind → file name under /Pages/).
STATIC_FILES = {
    "gioi-thieu": "gioi-thieu.aspx", "co-cau-to-chuc": "co-cau-to-chuc.aspx",
    "lanh-dao": "lanh-dao.aspx", "lien-he": "lien-he.aspx", "duong-day-nong": "duong-day-nong.aspx",
    "danh-ba": "danh-ba-can-bo.aspx", "thu-tuc": "thu-tuc-hanh-chinh.aspx",
    "du-an": "du-an-dau-tu.aspx", "gop-y": "lay-y-kien.aspx", "tro-giup": "tro-giup.aspx",
    "so-do": "so-do-cong.aspx",
}

# Neutral wording of a procedure's detail fields (no other field's keyword in any value).
PROCEDURE_TEXT = {
    "trinh_tu": "Tổ chức, cá nhân chuẩn bị giấy tờ; nộp trực tuyến hoặc qua dịch vụ bưu chính; "
                "nhận kết quả theo ngày hẹn.",
    "thanh_phan_ho_so": "Tờ khai theo mẫu (01 bản); bản sao giấy tờ liên quan (01 bản).",
    "noi_tiep_nhan": "Trung tâm Phục vụ hành chính công tỉnh",
    "nguoi_xu_ly": "Công chức được phân công, {agency}",
    "thoi_han": "15 ngày làm việc kể từ ngày nhận đủ giấy tờ hợp lệ.",
    "phi_le_phi": "100.000 đồng.",
}

# Facet links above the legal documents table: feature → (URL parameter, value of a document).
FACETS = {"legal_by_field": ("LinhVuc", lambda p: p.extra.get("field")),
          "legal_by_date": ("NamBanHanh", lambda p: str(p.published.year)),
          "legal_by_issuer": ("CoQuanBanHanh", lambda p: p.extra.get("issuer")),
          "legal_by_type": ("LoaiVanBan", lambda p: p.extra.get("doc_type"))}

STAGES = ("chuẩn bị đầu tư", "đang triển khai", "hoàn thành")
DRAFT_NAME = "Quy định về tiếp nhận, xử lý phản ánh trên cổng thông tin điện tử"
ICT = timezone(timedelta(hours=7))


def _png() -> bytes:
    """A 1×1 grey PNG, served for every picture of the site."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


PNG = _png()
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
       b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
FILE_TYPES = {"pdf": "application/pdf", "doc": "application/msword", "docx":
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              "png": "image/png", "mp4": "video/mp4"}


def stable_guid(*parts: str) -> str:
    return str(uuid.UUID(bytes=hashlib.md5("/".join(parts).encode()).digest()))


def fmt_weekday(moment: datetime) -> str:
    """'Thứ Hai, 12/03/2018 08:30'."""
    return f"{WEEKDAYS_VI[moment.weekday()]}, {fmt_dmy(moment)} {moment:%H:%M}"


def fmt_sa_ch(moment: datetime) -> str:
    """'12/03/2018 8:30 CH' (sáng / chiều, 12-hour clock)."""
    hour = moment.hour % 12 or 12
    return f"{fmt_dmy(moment)} {hour}:{moment.minute:02d} {'CH' if moment.hour >= 12 else 'SA'}"


def fmt_updated(moment: datetime) -> str:
    """'Cập nhật lúc 08:30 ngày 26/11/2025'."""
    return f"Cập nhật lúc {moment:%H:%M} ngày {fmt_dmy(moment)}"


class SharePointPortal(Portal):
    platform = "sharepoint"

    def __init__(self, agency: Agency, province: Province):
        super().__init__(agency, province)
        self.index = {s.key: i for i, s in enumerate(agency.sections)}
        self.ids = {s.key: 12 + 7 * i for i, s in enumerate(agency.sections)}   # ChuyenMucID
        self.by_id = {self.ids[s.key]: s for s in agency.sections}
        self.posts: dict[int, tuple[Section, Post]] = {}
        for section in agency.sections:
            for post in section.posts:
                self.posts.setdefault(post.id, (section, post))
        self.procedures = {p.code: p for p in agency.procedures}
        self.files: dict[str, bytes] = {}
        for section in agency.sections:
            self.files[self.banner_src(section).lower()] = PNG
            for post in section.posts:
                if post.image:
                    self.files[self.image_src(post).lower()] = PNG
                if (self.feature("legal_download") and section.layout == "documents"
                        and post.extra.get("file")):
                    name = post.extra["file"]
                    self.files[self.file_path(post).lower()] = (
                        PDF if name.lower().endswith(".pdf") else b"\xd0\xcf\x11\xe0" + name.encode())
        if self.feature("multimedia"):
            self.files[self.video_src().lower()] = MP4
        if self.feature("tthc_announcement_download"):
            self.files["/documents/quyet-dinh-cong-bo-tthc.pdf"] = PDF
        if self.field_present("gop-y", "toan_van"):
            self.files["/documents/du-thao-quy-dinh.pdf"] = PDF

    # -- URLs ------------------------------------------------------------------------------
    def home_path(self) -> str:
        return "/Pages/default.aspx"

    def section_path(self, section: Section) -> str:
        return f"/Pages/{section.key}.aspx"

    def page_url(self, section: Section, number: int = 1, **params: str) -> str:
        query = [("ChuyenMucID", str(self.ids[section.key]))] + list(params.items())
        if number > 1:
            query.append(("Page", str(number)))
        return f"{self.section_path(section)}?{urlencode(query)}"

    def listing_pages(self, section: Section) -> list[ListingPage]:
        return [ListingPage(self.page_url(section, n), posts)
                for n, posts in enumerate(self.chunks(section), start=1)]

    def post_path(self, section: Section, post: Post) -> str:
        return f"/Pages/chi-tiet.aspx?ItemID={post.id}"

    def page_path(self, kind: str) -> str:
        return f"/Pages/{STATIC_FILES[kind]}"

    def rss_path(self, section: Section) -> str | None:
        if not self.feature("rss"):
            return None
        return f"/Pages/rss.aspx?ChuyenMucID={self.ids[section.key]}"

    def procedure_path(self, code: str) -> str:
        return f"{self.page_path('thu-tuc')}?MaThuTuc={code}"

    def banner_src(self, section: Section) -> str:
        return f"/PublishingImages/Banner/{section.key}.png"

    def image_src(self, post: Post) -> str:
        return f"/PublishingImages/TinTuc/anh-{post.id}.png"

    def video_src(self) -> str:
        return "/VideoLibrary/gioi-thieu.mp4"

    def file_path(self, post: Post) -> str:
        return f"/Lists/VanBan/Attachments/{post.id}/{post.extra['file']}"

    def available_pages(self) -> list[str]:
        """Static pages this portal serves (a feature's page exists only with the feature)."""
        kinds = []
        for kind in STATIC_PAGES:
            if kind == "duong-day-nong" and not self.feature("hotline"):
                continue
            if kind == "tro-giup" and not self.feature("help_text_alternatives"):
                continue
            if kind == "co-cau-to-chuc" and not self.field_present("gioi-thieu", "co_cau_to_chuc"):
                continue
            kinds.append(kind)
        return kinds

    def page_title(self, kind: str) -> str:
        if kind == "gop-y" and not self.field_present("gop-y", "toan_van"):
            return "Lấy ý kiến nhân dân"    # the usual title names the draft (a toan_van keyword)
        return STATIC_PAGES[kind]

    # -- dates -------------------------------------------------------------------------------
    def listing_date(self, section: Section, post: Post) -> str:
        if not section.listing_dates:
            return ""
        if section.layout == "documents":
            return fmt_dmy(post.published)
        if self.index[section.key] % 2 == 0:
            return fmt_weekday(post.published)
        return fmt_sa_ch(post.published)

    # -- shared page parts -------------------------------------------------------------------
    def _chrome(self) -> dict:
        intro = [{"text": self.page_title(k), "href": self.page_path(k)}
                 for k in ("gioi-thieu", "co-cau-to-chuc", "lanh-dao", "danh-ba")
                 if k in self.available_pages()]
        menu = [{"text": "Trang chủ", "href": self.home_path(), "children": []},
                {"text": "Giới thiệu", "href": self.page_path("gioi-thieu"), "children": intro}]
        menu += [{"text": s.name, "href": self.page_url(s), "children": []}
                 for s in self.sections_at("menu")]
        submenu = [{"text": s.name, "href": self.page_url(s)} for s in self.sections_at("submenu")]
        if submenu:
            menu.append({"text": "Thông tin chuyên đề", "href": "", "children": submenu})
        menu += [{"text": STATIC_PAGES["thu-tuc"], "href": self.page_path("thu-tuc"), "children": []},
                 {"text": STATIC_PAGES["lien-he"], "href": self.page_path("lien-he"), "children": []},
                 {"text": "Sơ đồ cổng", "href": self.page_path("so-do"), "children": []}]
        keys = iter(range(100))
        for item in menu:
            item["accesskey"] = (str(next(keys) % 10) if item["href"] and self.feature("access_keys")
                                 else "")
        return {
            "agency": self.agency, "menu": menu, "home": self.home_path(),
            "sitemap": self.page_path("so-do"),
            "banners": [{"href": self.page_url(s), "src": self.banner_src(s)}
                        for s in self.sections_at("sidebar_image")],
            "footer_links": [{"text": s.name, "href": self.page_url(s)} for s in self.sections_at("footer")],
            "f": {name: self.feature(name) for name in
                  ("font_size", "contrast", "mobile", "accessibility_helpers")},
            "font_size_titles": FEATURE_TEXT["font_size"], "contrast_text": FEATURE_TEXT["contrast"],
            "list_guid": stable_guid(self.agency.id, "Pages"),
        }

    def _render(self, template: str, status: int = 200, **context) -> Response:
        chrome = self._chrome()
        chrome.update(rss=None, breadcrumb=None, server_path=self.home_path(), item_id=1)
        chrome.update(context)
        body = _ENV.get_template(template).render(**chrome)
        return Response(body.encode("utf-8"), status=status, content_type="text/html; charset=utf-8")

    def _alt(self, post: Post) -> str:
        return post.title if self.feature("alt_text") else ""

    # -- serving -----------------------------------------------------------------------------
    def handle(self, request):
        path = request.path
        lower = path.lower()
        args = {k.lower(): v for k, v in request.args.items()}
        if lower in ("", "/", "/default.aspx", "/pages", "/pages/"):
            return redirect(self.home_path(), 302)
        if lower in self.files:
            ext = lower.rsplit(".", 1)[-1]
            return Response(self.files[lower], content_type=FILE_TYPES.get(ext, "application/octet-stream"))
        if not lower.startswith("/pages/") or not lower.endswith(".aspx"):
            return self.not_found(path)
        name = lower[len("/pages/"):-len(".aspx")]
        if "chuyenmucid" in args and name != "rss":
            section = self.by_id.get(self._int(args["chuyenmucid"]))
            if section is None or section.key.lower() != name:
                return self.not_found(path)
            return self.render_listing(section, args)
        if name == "default":
            return self.render_home()
        if name == "chi-tiet":
            found = self.posts.get(self._int(args.get("itemid")))
            return self.render_post(*found) if found else self.not_found(path)
        if name == "rss":
            section = self.by_id.get(self._int(args.get("chuyenmucid")))
            if section is None or not self.feature("rss"):
                return self.not_found(path)
            return self.render_rss(section)
        kinds = {STATIC_FILES[k][:-len(".aspx")]: k for k in self.available_pages()}
        if name not in kinds:
            return self.not_found(path)
        if kinds[name] == "thu-tuc" and "mathutuc" in args:
            procedure = self.procedures.get(args["mathutuc"])
            return self.render_procedure(procedure) if procedure else self.not_found(path)
        return self.render_page(kinds[name], posted=request.method == "POST")

    @staticmethod
    def _int(value) -> int | None:
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def not_found(self, path: str) -> Response:
        return self._render("error.html", status=404, title="Lỗi", url=path,
                            correlation=stable_guid(self.agency.id, path))

    def render_home(self) -> Response:
        general = next((s for s in self.agency.sections if s.general), None)
        news = []
        if general is not None:
            for post in general.posts[:5]:
                news.append({"url": self.post_path(general, post), "title": post.title,
                             "date": f"Ngày đăng: {fmt_dmy(post.published)}" if general.listing_dates
                             else "", "image": self.image_src(post) if post.image else "",
                             "alt": self._alt(post), "lead": post.lead})
        links = [{"text": self.page_title(k), "href": self.page_path(k)} for k in self.available_pages()]
        if self.feature("administrative_feedback"):
            links.append({"text": FEATURE_TEXT["administrative_feedback"],
                          "href": "https://pakn.dichvucong.gov.vn/"})
        if self.feature("legal_db_link"):
            links.append({"text": FEATURE_TEXT["legal_db_link"], "href": FEATURE_TEXT["legal_db_href"]})
        return self._render("home.html", title=f"Trang chủ - {self.agency.name}", news=news, links=links,
                            video=self.video_src() if self.feature("multimedia") else "",
                            rss=self.rss_path(general) if general is not None else None)

    # -- listings ----------------------------------------------------------------------------
    def _document_columns(self, section: Section) -> list[tuple[str, str]]:
        present = self.agency.fields.get("van-ban", [])
        return [(name, label) for name, label in FIELD_LABELS["van-ban"].items() if name in present
                and (section.listing_dates or name not in ("ngay_ban_hanh", "ngay_hieu_luc"))]

    def _file_link(self, post: Post) -> Markup:
        name = post.extra.get("file", "")
        if not name:
            return Markup("")
        if self.feature("legal_download"):
            icon = "icpdf" if name.lower().endswith(".pdf") else "icdoc"
            return Markup(f'<a class="file-dinh-kem" href="{esc(self.file_path(post))}">'
                          f'<span class="{icon}"></span>{esc(name)}</a>')
        return Markup(esc(name))

    def _document_value(self, post: Post, name: str, link: str | None) -> Markup:
        extra = post.extra
        if name == "trich_yeu":
            return Markup(f'<a href="{esc(link)}">{esc(post.title)}</a>') if link else Markup(esc(post.title))
        if name == "file":
            return self._file_link(post)
        value = {"so_ky_hieu": extra.get("number", ""), "ngay_ban_hanh": fmt_dmy(post.published),
                 "co_quan_ban_hanh": extra.get("issuer", ""), "hinh_thuc": extra.get("doc_type", ""),
                 "ngay_hieu_luc": fmt_dmy(extra["effective"]) if extra.get("effective") else ""}
        return Markup(esc(value.get(name, "")))

    def _document_table(self, section: Section, posts) -> tuple[list[str], list[list[Markup]]]:
        columns = self._document_columns(section)
        names = [name for name, _ in columns]
        header = [label for _, label in columns]
        link_column = "trich_yeu" not in names
        file_column = "file" not in names and self.feature("legal_download")
        header += ["Xem"] if link_column else []
        header += ["Đính kèm"] if file_column else []
        rows = []
        for post in posts:
            link = self.post_path(section, post)
            cells = [self._document_value(post, name, link) for name in names]
            if link_column:
                cells.append(Markup(f'<a href="{esc(link)}">{esc(post.extra.get("number") or "Xem")}</a>'))
            if file_column:
                cells.append(self._file_link(post))
            rows.append(cells)
        return header, rows

    def _facets(self, section: Section) -> list[dict]:
        facets = []
        for feature, label in LEGAL_FACETS.items():
            if not self.feature(feature):
                continue
            param, get = FACETS[feature]
            values = sorted({v for v in (get(p) for p in section.posts) if v},
                            reverse=feature == "legal_by_date")
            facets.append({"label": label, "values": [
                {"text": v, "href": self.page_url(section, 1, **{param: v})} for v in values]})
        return facets

    def render_listing(self, section: Section, args: dict) -> Response:
        pages = self.chunks(section)
        filtered = None
        if section.layout == "documents":
            for feature, (param, get) in FACETS.items():
                value = args.get(param.lower())
                if value and self.feature(feature):
                    filtered = [p for p in (filtered if filtered is not None else section.posts)
                                if get(p) == value]
            keywords = args.get("tukhoa", "").strip().lower()
            if keywords and self.feature("document_search"):
                filtered = [p for p in (filtered if filtered is not None else section.posts)
                            if keywords in p.title.lower()
                            or keywords in str(p.extra.get("number", "")).lower()]
        current = min(max(1, self._int(args.get("page")) or 1), len(pages))
        pager = None
        if filtered is not None:
            posts = filtered
        else:
            posts = pages[current - 1]
            if len(pages) > 1:
                pager = {"current": current,
                         "numbers": [{"n": n, "href": self.page_url(section, n)}
                                     for n in range(1, len(pages) + 1)],
                         "first": self.page_url(section, 1) if current > 1 else "",
                         "prev": self.page_url(section, current - 1) if current > 1 else "",
                         "next": self.page_url(section, current + 1) if current < len(pages) else "",
                         "last": self.page_url(section, len(pages)) if current < len(pages) else ""}
        items = []
        for post in posts:
            item = {"url": self.post_path(section, post), "title": post.title, "lead": post.lead,
                    "date": self.listing_date(section, post),
                    "image": self.image_src(post) if post.image else "", "alt": self._alt(post)}
            if section.layout == "qa":
                answered_on = post.extra.get("answered_on")
                item.update(asker=post.extra.get("asker", ""), answered=bool(post.extra.get("answered")),
                            answer=post.extra.get("answer", ""),
                            answered_on=fmt_dmy(answered_on) if answered_on else "")
            items.append(item)
        context = {"title": section.name, "section": section, "items": items, "pager": pager,
                   "rss": self.rss_path(section), "breadcrumb": section.name,
                   "server_path": self.section_path(section), "item_id": self.ids[section.key]}
        if section.layout == "documents":
            header, rows = self._document_table(section, posts)
            context.update(header=header, rows=rows, facets=self._facets(section),
                           search=self.feature("document_search"),
                           search_text=FEATURE_TEXT["document_search"],
                           cid=self.ids[section.key], action=self.section_path(section),
                           legal_db=self.feature("legal_db_link"),
                           legal_db_text=FEATURE_TEXT["legal_db_link"],
                           legal_db_href=FEATURE_TEXT["legal_db_href"])
        return self._render(f"listing_{section.layout}.html", **context)

    def render_post(self, section: Section, post: Post) -> Response:
        rows = []
        if section.layout == "documents":
            rows = [(label, self._document_value(post, name, None)) for name, label in
                    FIELD_LABELS["van-ban"].items() if name in self.agency.fields.get("van-ban", [])]
            if "file" not in self.agency.fields.get("van-ban", []) and self.feature("legal_download"):
                rows.append(("Đính kèm", self._file_link(post)))
        answered_on = post.extra.get("answered_on")
        return self._render(
            "article.html", title=post.title, section=section, post=post, date=fmt_updated(post.published),
            image=self.image_src(post) if post.image else "", alt=self._alt(post),
            tts=self.feature("text_to_speech"), tts_text=FEATURE_TEXT["text_to_speech"], rows=rows,
            answered_on=fmt_dmy(answered_on) if answered_on else "", breadcrumb=section.name,
            rss=self.rss_path(section), server_path="/Pages/chi-tiet.aspx", item_id=post.id)

    def render_rss(self, section: Section) -> Response:
        items = []
        for post in section.posts[:20]:
            items.append(
                f"<item><title>{xml_escape(post.title)}</title>"
                f"<link>{xml_escape(self.post_path(section, post))}</link>"
                f"<description>{xml_escape(post.lead)}</description>"
                f"<pubDate>{format_datetime(post.published.replace(tzinfo=ICT))}</pubDate>"
                f"<guid isPermaLink=\"false\">{stable_guid(self.agency.id, str(post.id))}</guid></item>")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{xml_escape(self.agency.name)}: {xml_escape(section.name)}</title>"
                f"<link>{xml_escape(self.page_url(section))}</link>"
                f"<description>{xml_escape(section.name)}</description><language>vi-VN</language>"
                "<generator>Microsoft SharePoint Foundation RSS Generator</generator>"
                + "".join(items) + "</channel></rss>\n")
        return Response(body.encode("utf-8"), content_type="application/rss+xml; charset=utf-8")

    # -- static pages ------------------------------------------------------------------------
    def _present(self, field_set: str) -> list[tuple[str, str]]:
        present = self.agency.fields.get(field_set, [])
        return [(name, label) for name, label in FIELD_LABELS[field_set].items() if name in present]

    @staticmethod
    def _person_values(person) -> dict[str, str]:
        return {"ho_ten": person.name, "chuc_vu": person.title, "dien_thoai": person.phone,
                "email": person.email, "nhiem_vu": person.duty, "don_vi": person.unit}

    def render_page(self, kind: str, *, posted: bool = False) -> Response:
        agency = self.agency
        context: dict = {"title": self.page_title(kind), "kind": kind, "posted": posted,
                         "breadcrumb": self.page_title(kind), "page_url": self.page_path(kind),
                         "server_path": self.page_path(kind)}
        if kind in ("gioi-thieu", "co-cau-to-chuc"):
            fields = self._present("gioi-thieu")
            if kind == "co-cau-to-chuc":
                fields = [(n, l) for n, l in fields if n == "co_cau_to_chuc"]
            context["rows"] = [(label, agency.intro.get(name, "Đang cập nhật.")) for name, label in fields]
        elif kind in ("lanh-dao", "danh-ba"):
            field_set = "lanh-dao" if kind == "lanh-dao" else "can-bo"
            columns = [(n, l) for n, l in self._present(field_set) if n != "nguoi_phat_ngon"]
            people = agency.leaders if kind == "lanh-dao" else agency.directory
            context["columns"] = [label for _, label in columns]
            context["people"] = ([[self._person_values(p)[n] for n, _ in columns] for p in people]
                                 if columns else [])
            context["spokesperson"] = (agency.leaders[0].name if kind == "lanh-dao" and agency.leaders
                                       and self.field_present("lanh-dao", "nguoi_phat_ngon") else "")
        elif kind == "lien-he":
            contact = agency.contact
            values = {"dia_chi": contact.get("address", ""), "dien_thoai": contact.get("phone", ""),
                      "fax": contact.get("fax", ""), "email": contact.get("email", "")}
            context["rows"] = [(label, values[name]) for name, label in self._present("lien-he")]
            context["form"] = self.feature("feedback_form")
            context["form_text"] = FEATURE_TEXT["feedback_form"]
        elif kind == "duong-day-nong":
            context["hotline"] = agency.contact.get("hotline", "")
        elif kind == "thu-tuc":
            groups: dict[str, list] = {}
            for procedure in agency.procedures:
                groups.setdefault(procedure.field if self.feature("tthc_by_field") else "", []).append(
                    {"code": procedure.code, "name": procedure.name, "level": procedure.level,
                     "href": self.procedure_path(procedure.code)})
            context["groups"] = list(groups.items())
            context["announcement"] = ("/Documents/quyet-dinh-cong-bo-tthc.pdf"
                                       if self.feature("tthc_announcement_download") else "")
            context["announcement_text"] = FEATURE_TEXT["tthc_announcement_download"]
            context["feedback"] = FEATURE_TEXT["tthc_feedback"] if self.feature("tthc_feedback") else ""
        elif kind == "du-an":
            projects = [{"name": p.name, "stage": p.stage, "updated": fmt_dmy(p.updated),
                         "rows": [(label, p.fields[name]) for name, label in FIELD_LABELS["du-an"].items()
                                  if name in p.fields]} for p in agency.projects]
            if self.feature("project_classification"):
                groups = [(stage[:1].upper() + stage[1:], [p for p in projects if p["stage"] == stage])
                          for stage in STAGES]
                groups.append(("Khác", [p for p in projects if p["stage"] not in STAGES]))
                context["groups"] = [(name, ps) for name, ps in groups if ps]
            else:
                context["groups"] = [("", projects)] if projects else []
        elif kind == "gop-y":
            as_of = self.province.as_of
            rows = []
            for name, label in self._present("gop-y"):
                if name == "toan_van":
                    value = Markup('<a href="/Documents/du-thao-quy-dinh.pdf">Tệp dự thảo (.pdf)</a>')
                elif name == "thoi_han":
                    value = f"{fmt_dmy(as_of - timedelta(days=15))} - {fmt_dmy(as_of + timedelta(days=15))}"
                elif name == "xem_gop_y":
                    value = "Chưa có ý kiến nào được công khai."
                elif name == "gui_gop_y":
                    value = Markup('<a href="#gop-y-form">Điền mẫu bên dưới</a>')
                else:
                    value = f"{agency.contact.get('address', '')}; {agency.contact.get('email', '')}"
                rows.append((label, value))
            context.update(rows=rows, draft=DRAFT_NAME, form=self.field_present("gop-y", "gui_gop_y"))
        elif kind == "so-do":
            chrome = self._chrome()
            tree = [item for item in chrome["menu"] if item["href"] != self.page_path("so-do")]
            shown = {"gioi-thieu", "co-cau-to-chuc", "lanh-dao", "danh-ba", "thu-tuc", "lien-he", "so-do"}
            tree += [{"text": self.page_title(k), "href": self.page_path(k), "children": []}
                     for k in self.available_pages() if k not in shown]
            tree += [{"text": s.name, "href": self.page_url(s), "children": []}
                     for s in self.sections_at("footer")]
            context["tree"] = tree
            context["hidden"] = [{"text": s.name, "href": self.page_url(s)}
                                 for s in self.sections_at("sitemap_only")]
        return self._render("so_do.html" if kind == "so-do" else "page.html", **context)

    def render_procedure(self, procedure: Procedure) -> Response:
        rows = [(FIELD_LABELS["thu-tuc"][name], PROCEDURE_TEXT[name].format(agency=self.agency.name))
                for name in FIELD_LABELS["thu-tuc"] if name in procedure.details]
        return self._render("procedure.html", title=procedure.name, procedure=procedure, rows=rows,
                            breadcrumb=STATIC_PAGES["thu-tuc"], back=self.page_path("thu-tuc"),
                            server_path=self.page_path("thu-tuc"))
