"""A simulated SharePoint 2013 agency portal (publishing pages, `?ChuyenMucID=&Page=N` listings)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ..content import (MIME_TYPES, MP4, NO_OPINIONS_YET, PDF, EnterprisePortal, attachment_bytes,
                       png_1x1)
from ..model import Agency, Post, Procedure, Province, Section
from ..portal import (FEATURE_TEXT, STATIC_PAGES, WEEKDAYS_VI, ListingPage, answered_on, esc,
                      fmt_dmy, fmt_rfc822, fmt_sa_ch, person_values, receiving_address)

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

# Facet links above the legal documents table: feature → URL parameter (matched ignoring case).
FACET_PARAMS = {"legal_by_field": "LinhVuc", "legal_by_date": "NamBanHanh",
                "legal_by_issuer": "CoQuanBanHanh", "legal_by_type": "LoaiVanBan"}

PNG = png_1x1()           # served for every picture of the site


def stable_guid(*parts: str) -> str:
    return str(uuid.UUID(bytes=hashlib.md5("/".join(parts).encode()).digest()))


def fmt_weekday(moment: datetime) -> str:
    """'Thứ Hai, 12/03/2018 08:30'."""
    return f"{WEEKDAYS_VI[moment.weekday()]}, {fmt_dmy(moment)} {moment:%H:%M}"


def fmt_updated(moment: datetime) -> str:
    """'Cập nhật lúc 08:30 ngày 26/11/2025'."""
    return f"Cập nhật lúc {moment:%H:%M} ngày {fmt_dmy(moment)}"


class SharePointPortal(EnterprisePortal):
    platform = "sharepoint"
    DRAFT_NAME = "Quy định về tiếp nhận, xử lý phản ánh trên cổng thông tin điện tử"
    ANNOUNCEMENT = "/Documents/quyet-dinh-cong-bo-tthc.pdf"

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
                    self.files[self.file_path(post).lower()] = attachment_bytes(post.extra["file"])
        if self.feature("multimedia"):
            self.files[self.video_src().lower()] = MP4
        if self.feature("tthc_announcement_download"):
            self.files[self.ANNOUNCEMENT.lower()] = PDF
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

    def section_href(self, section: Section) -> str:
        return self.page_url(section)         # the bare .aspx needs its ChuyenMucID

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

    def announcement_href(self) -> str:
        return self.ANNOUNCEMENT

    def banner_src(self, section: Section) -> str:
        return f"/PublishingImages/Banner/{section.key}.png"

    def image_src(self, post: Post) -> str:
        return f"/PublishingImages/TinTuc/anh-{post.id}.png"

    def video_src(self) -> str:
        return "/VideoLibrary/gioi-thieu.mp4"

    def file_path(self, post: Post) -> str:
        return f"/Lists/VanBan/Attachments/{post.id}/{post.extra['file']}"

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
        if self.dead_menu_link():
            label, href = self.dead_menu_link()
            menu.append({"text": label, "href": href, "children": []})
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

    # -- serving -----------------------------------------------------------------------------
    def handle(self, request):
        path = request.path
        lower = path.lower()
        args = {k.lower(): v for k, v in request.args.items()}
        if lower in ("", "/", "/default.aspx", "/pages", "/pages/"):
            return redirect(self.home_path(), 302)
        if lower in self.files:
            ext = lower.rsplit(".", 1)[-1]
            return Response(self.files[lower], content_type=MIME_TYPES.get(ext, "application/octet-stream"))
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
        return self._render("home.html", title=f"Trang chủ - {self.agency.name}", news=news,
                            links=self._home_links(),
                            video=self.video_src() if self.feature("multimedia") else "",
                            rss=self.rss_path(general) if general is not None else None)

    # -- listings ----------------------------------------------------------------------------
    def _file_link(self, post: Post) -> Markup:
        name = post.extra.get("file", "")
        if not name:
            return Markup("")
        if self.feature("legal_download"):
            icon = "icpdf" if name.lower().endswith(".pdf") else "icdoc"
            return Markup(f'<a class="file-dinh-kem" href="{esc(self.file_path(post))}">'
                          f'<span class="{icon}"></span>{esc(name)}</a>')
        return Markup(esc(name))

    def _document_table(self, section: Section, posts) -> tuple[list[str], list[list[Markup]]]:
        columns = self.document_columns(section)
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
        return [{"label": label, "values": [
            {"text": v, "href": self.page_url(section, 1, **{FACET_PARAMS[facet]: v})} for v in values]}
            for facet, label, values in self.document_facets(section, newest_year_first=True)]

    def render_listing(self, section: Section, args: dict) -> Response:
        pages = self.chunks(section)
        filtered = None
        if section.layout == "documents":
            wanted = {facet: args.get(param.lower()) for facet, param in FACET_PARAMS.items()}
            filtered = self.filter_documents(section, wanted, args.get("tukhoa", "").strip() or None)
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
                item.update(asker=post.extra.get("asker", ""), answered=bool(post.extra.get("answered")),
                            answer=post.extra.get("answer", ""), answered_on=answered_on(post))
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
            rows = [(label, self._document_value(post, name, None))
                    for name, label in self.present_fields("van-ban")]
            if not self.field_present("van-ban", "file") and self.feature("legal_download"):
                rows.append(("Đính kèm", self._file_link(post)))
        return self._render(
            "article.html", title=post.title, section=section, post=post, date=fmt_updated(post.published),
            image=self.image_src(post) if post.image else "", alt=self._alt(post),
            tts=self.feature("text_to_speech"), tts_text=FEATURE_TEXT["text_to_speech"], rows=rows,
            answered_on=answered_on(post), breadcrumb=section.name,
            rss=self.rss_path(section), server_path="/Pages/chi-tiet.aspx", item_id=post.id)

    def render_rss(self, section: Section) -> Response:
        items = []
        for post in section.posts[:20]:
            items.append(
                f"<item><title>{xml_escape(post.title)}</title>"
                f"<link>{xml_escape(self.post_path(section, post))}</link>"
                f"<description>{xml_escape(post.lead)}</description>"
                f"<pubDate>{fmt_rfc822(post.published)}</pubDate>"
                f"<guid isPermaLink=\"false\">{stable_guid(self.agency.id, str(post.id))}</guid></item>")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{xml_escape(self.agency.name)}: {xml_escape(section.name)}</title>"
                f"<link>{xml_escape(self.page_url(section))}</link>"
                f"<description>{xml_escape(section.name)}</description><language>vi-VN</language>"
                "<generator>Microsoft SharePoint Foundation RSS Generator</generator>"
                + "".join(items) + "</channel></rss>\n")
        return Response(body.encode("utf-8"), content_type="application/rss+xml; charset=utf-8")

    # -- static pages ------------------------------------------------------------------------
    def render_page(self, kind: str, *, posted: bool = False) -> Response:
        context = self._page_context(kind, posted=posted)
        return self._render("so_do.html" if kind == "so-do" else "page.html",
                            server_path=self.page_path(kind), **context)

    def _people(self, kind: str) -> dict:
        """The leaders or the staff as a table (the spokesperson named once, below it)."""
        field_set = "lanh-dao" if kind == "lanh-dao" else "can-bo"
        columns = [(n, l) for n, l in self.present_fields(field_set) if n != "nguoi_phat_ngon"]
        people = self.agency.leaders if kind == "lanh-dao" else self.agency.directory
        return {"columns": [label for _, label in columns],
                "people": ([[person_values(p)[n] for n, _ in columns] for p in people]
                           if columns else []),
                "spokesperson": (self.spokesperson() or "") if kind == "lanh-dao" else ""}

    def _draft_values(self) -> dict[str, str]:
        as_of = self.province.as_of
        return {"toan_van": Markup('<a href="/Documents/du-thao-quy-dinh.pdf">Tệp dự thảo (.pdf)</a>'),
                "thoi_han": f"{fmt_dmy(as_of - timedelta(days=15))} - {fmt_dmy(as_of + timedelta(days=15))}",
                "xem_gop_y": NO_OPINIONS_YET,
                "gui_gop_y": Markup('<a href="#gop-y-form">Điền mẫu bên dưới</a>'),
                "dia_chi_tiep_nhan": receiving_address(self.agency.contact)}

    def render_procedure(self, procedure: Procedure) -> Response:
        rows = self.procedure_rows(procedure, PROCEDURE_TEXT)
        return self._render("procedure.html", title=procedure.name, procedure=procedure, rows=rows,
                            breadcrumb=STATIC_PAGES["thu-tuc"], back=self.page_path("thu-tuc"),
                            server_path=self.page_path("thu-tuc"))
