"""A simulated Liferay 6.2 agency portal (Asset Publisher listings), modelled on a real Sở TT&TT portal."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
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
from ..portal import (FEATURE_TEXT, STATIC_PAGES, ListingPage, answered_on, esc, fmt_12h, fmt_dmy,
                      fmt_rfc822, person_values, receiving_address)

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates" / "liferay")),
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)

# Friendly URLs of the static pages (kind → page name under /web/<site>/).
STATIC_SLUGS = {
    "gioi-thieu": "gioi-thieu", "co-cau-to-chuc": "co-cau-to-chuc", "lanh-dao": "lanh-dao",
    "lien-he": "lien-he", "duong-day-nong": "duong-day-nong", "danh-ba": "danh-ba",
    "thu-tuc": "thu-tuc-hanh-chinh", "du-an": "thong-tin-du-an",
    "gop-y": "lay-y-kien-van-ban-du-thao", "tro-giup": "tro-giup", "so-do": "so-do-website",
}

# Label before the listing date, by section index (the real portal shows all three).
DATE_LABELS = ("", "Ngày đăng ", "Publish date ")

# Neutral wording of a procedure's detail fields (no other field's keyword in any value).
PROCEDURE_TEXT = {
    "trinh_tu": "Bước 1: Tổ chức, cá nhân chuẩn bị giấy tờ theo quy định. Bước 2: Nộp trực tuyến "
                "hoặc trực tiếp tại Bộ phận Một cửa. Bước 3: Nhận kết quả.",
    "thanh_phan_ho_so": "Đơn đề nghị theo mẫu (01 bản chính); bản sao giấy tờ chứng minh đủ điều "
                        "kiện (01 bản).",
    "noi_tiep_nhan": "Bộ phận Một cửa, {agency}",
    "nguoi_xu_ly": "Chuyên viên được phân công, {agency}",
    "thoi_han": "10 ngày làm việc kể từ ngày nhận đủ giấy tờ hợp lệ.",
    "phi_le_phi": "50.000 đồng/lần.",
}

# Facet links above the legal documents table: feature → URL parameter.
FACET_PARAMS = {"legal_by_field": "linhVuc", "legal_by_date": "namBanHanh",
                "legal_by_issuer": "coQuanBanHanh", "legal_by_type": "loaiVanBan"}

PNG = png_1x1()           # served for every illustration and banner

_B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def instance_id(*parts: str) -> str:
    """A Liferay-like 12-character portlet instance id, stable for its parts."""
    number = int.from_bytes(hashlib.sha1("/".join(parts).encode()).digest()[:12], "big")
    out = []
    for _ in range(12):
        number, digit = divmod(number, 62)
        out.append(_B62[digit])
    return "".join(out)


def numeric_entities(text: str) -> Markup:
    """Escape text and write every non-ASCII character as a numeric entity, as the footer does."""
    return Markup("".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in str(esc(text))))


_ENV.filters["entities"] = numeric_entities


@dataclass
class _Item:
    """One row of a listing, ready for the template."""

    url: str
    title: str
    date: str
    lead: str = ""
    image: str = ""
    alt: str = ""
    extra: str = ""          # e.g. the view count
    asker: str = ""
    answered: bool = False
    answer: str = ""
    answered_on: str = ""
    cells: tuple = ()


class LiferayPortal(EnterprisePortal):
    platform = "liferay"
    DRAFT_NAME = "Quy chế quản lý, vận hành cổng thông tin điện tử"

    def __init__(self, agency: Agency, province: Province):
        super().__init__(agency, province)
        self.site_root = f"/web/{agency.site}"
        self.group_id = 500000 + int(hashlib.sha1(agency.id.encode()).hexdigest()[:6], 16) % 400000
        self.doc_root = f"/documents/{self.group_id}/0"
        taken = {"trang-chu"} | {s.key for s in agency.sections}
        self.slugs: dict[str, str] = {}
        for kind, slug in STATIC_SLUGS.items():
            name, n = slug, 0
            while name in taken:                 # Liferay appends -1, -2… to a taken friendly URL
                n += 1
                name = f"{slug}-{n}"
            taken.add(name)
            self.slugs[kind] = name
        self.instances = {s.key: instance_id(agency.site, s.key) for s in agency.sections}
        self.index = {s.key: i for i, s in enumerate(agency.sections)}
        self.routes: dict[str, tuple] = {self.home_path(): ("home",)}
        for section in agency.sections:
            self.routes[self.section_path(section)] = ("section", section)
            for post in section.posts:
                self.routes[self.post_path(section, post)] = ("post", section, post)
            if self.rss_path(section):
                self.routes[self.rss_path(section)] = ("rss", section)
        for kind in self.available_pages():
            self.routes[self.page_path(kind)] = ("page", kind)
        for procedure in agency.procedures:
            self.routes[self.procedure_path(procedure.code)] = ("procedure", procedure)
        self.files: dict[str, bytes] = {}
        for section in agency.sections:
            self.files[self.banner_src(section)] = PNG
            if self.feature("legal_download") and section.layout == "documents":
                for post in section.posts:
                    if post.extra.get("file"):
                        self.files[self.file_path(post)] = attachment_bytes(post.extra["file"])
        if self.feature("multimedia"):
            self.files[self.video_src()] = MP4
        if self.feature("tthc_announcement_download"):
            self.files[self.announcement_href()] = PDF
        if self.field_present("gop-y", "toan_van"):
            self.files[f"{self.doc_root}/du-thao-quy-che.pdf"] = PDF

    # -- URLs ------------------------------------------------------------------------------
    def home_path(self) -> str:
        return f"{self.site_root}/trang-chu"

    def section_path(self, section: Section) -> str:
        return f"{self.site_root}/{section.key}"

    section_href = section_path        # a section is linked by its friendly URL

    def portlet_id(self, section: Section) -> str:
        portlet = "vanban_WAR_vanbanportlet" if section.layout == "documents" else "101"
        return f"{portlet}_INSTANCE_{self.instances[section.key]}"

    def page_url(self, section: Section, number: int, **params: str) -> str:
        """A listing page as the pager links it (page 1 again with _cur=1, as Liferay does)."""
        pid = self.portlet_id(section)
        ns = f"_{pid}_"
        query = [("p_p_id", pid), ("p_p_lifecycle", "0"), ("p_p_state", "normal"),
                 ("p_p_mode", "view"), ("p_p_col_id", "column-1"), ("p_p_col_count", "1")]
        query += [(ns + k, v) for k, v in params.items()]
        if number:
            query += [(ns + "delta", str(section.page_size)), (ns + "keywords", ""),
                      (ns + "advancedSearch", "false"), (ns + "andOperator", "true"),
                      (ns + "cur", str(number))]
        return f"{self.section_path(section)}?{urlencode(query)}"

    def listing_pages(self, section: Section) -> list[ListingPage]:
        pages = self.chunks(section)
        return [ListingPage(self.section_path(section) if n == 1 else self.page_url(section, n), posts)
                for n, posts in enumerate(pages, start=1)]

    def post_path(self, section: Section, post: Post) -> str:
        return (f"{self.section_path(section)}/-/asset_publisher/{self.instances[section.key]}"
                f"/content/{post.slug}")

    def page_path(self, kind: str) -> str:
        return f"{self.site_root}/{self.slugs[kind]}"

    def rss_path(self, section: Section) -> str | None:
        if not self.feature("rss"):
            return None
        return f"{self.section_path(section)}/-/asset_publisher/{self.instances[section.key]}/rss"

    def procedure_path(self, code: str) -> str:
        return f"{self.page_path('thu-tuc')}/-/tthc/chi-tiet/{code}"

    def announcement_href(self) -> str:
        return f"{self.doc_root}/quyet-dinh-cong-bo-tthc.pdf"

    def banner_src(self, section: Section) -> str:
        return f"{self.doc_root}/banner-{section.key}.png"

    def video_src(self) -> str:
        return f"{self.doc_root}/video-gioi-thieu.mp4"

    def file_path(self, post: Post) -> str:
        return f"{self.doc_root}/{post.extra['file']}"

    def image_src(self, post: Post) -> str:
        return f"/image/journal/article?img_id={1000 + post.id * 7}&t={post.id}"

    # -- shared page parts -------------------------------------------------------------------
    def _chrome(self, *, rss: str | None = None) -> dict:
        menu = [{"text": "Trang chủ", "href": self.home_path(), "children": []}]
        intro = [{"text": self.page_title(k), "href": self.page_path(k)}
                 for k in ("co-cau-to-chuc", "lanh-dao", "danh-ba") if k in self.available_pages()]
        menu.append({"text": "Giới thiệu", "href": self.page_path("gioi-thieu"), "children": intro})
        submenu = [{"text": s.name, "href": self.section_path(s)} for s in self.sections_at("submenu")]
        general = next((s for s in self.sections_at("menu") if s.general), None)
        for section in self.sections_at("menu"):
            children = submenu if section is general else []
            menu.append({"text": section.name, "href": self.section_path(section), "children": children})
        if submenu and general is None:
            menu.append({"text": "Chuyên mục", "href": "", "children": submenu})   # a heading only
        if self.dead_menu_link():
            label, href = self.dead_menu_link()
            menu.append({"text": label, "href": href, "children": []})
        menu.append({"text": STATIC_PAGES["thu-tuc"], "href": self.page_path("thu-tuc"), "children": []})
        menu.append({"text": STATIC_PAGES["lien-he"], "href": self.page_path("lien-he"), "children": []})
        menu.append({"text": "Sơ đồ cổng", "href": self.page_path("so-do"), "children": []})
        keys = iter(range(100))
        for item in menu:
            linked = item["href"] and self.feature("access_keys")
            item["accesskey"] = str(next(keys) % 10) if linked else ""
        return {
            "agency": self.agency, "menu": menu, "home": self.home_path(),
            "sitemap": self.page_path("so-do"),
            "banners": [{"href": self.section_path(s), "src": self.banner_src(s)}
                        for s in self.sections_at("sidebar_image")],
            "footer_links": [{"text": s.name, "href": self.section_path(s)}
                             for s in self.sections_at("footer")],
            "f": {name: self.feature(name) for name in
                  ("font_size", "text_to_speech", "contrast", "mobile", "accessibility_helpers")},
            "font_size_titles": FEATURE_TEXT["font_size"], "contrast_text": FEATURE_TEXT["contrast"],
            "rss": rss,
        }

    def _render(self, template: str, status: int = 200, **context) -> Response:
        chrome = self._chrome(rss=context.pop("rss", None))
        chrome.update(group_id=self.group_id, home_instance=instance_id(self.agency.site, "home"),
                      current="")
        chrome.update(context)
        body = "\ufeff" + _ENV.get_template(template).render(**chrome)
        return Response(body.encode("utf-8"), status=status, content_type="text/html; charset=utf-8")

    # -- dates -------------------------------------------------------------------------------
    def listing_date(self, section: Section, post: Post) -> str:
        if not section.listing_dates:
            return ""
        if section.layout == "documents":
            return fmt_dmy(post.published)
        if section.layout == "qa":
            return f"({fmt_dmy(post.published)} {post.published:%H:%M})"
        label = DATE_LABELS[self.index[section.key] % len(DATE_LABELS)]
        return f"{label}{fmt_dmy(post.published)} | {fmt_12h(post.published)}"

    @staticmethod
    def article_date(post: Post) -> str:
        return f"Ngày đăng: {fmt_dmy(post.published)} | {fmt_12h(post.published)}"

    # -- serving -----------------------------------------------------------------------------
    def handle(self, request):
        path = request.path
        if path in ("", "/", "/web/guest", f"{self.site_root}", f"{self.site_root}/"):
            return redirect(self.home_path(), 302)
        if path.startswith(f"{self.doc_root}/") and path in self.files:
            ext = path.rsplit(".", 1)[-1].lower()
            return Response(self.files[path], content_type=MIME_TYPES.get(ext, "application/octet-stream"))
        if path == "/image/journal/article":
            return Response(PNG, content_type="image/png")
        route = self.routes.get(path.rstrip("/") if path != "/" else path)
        if route is None:
            return self.not_found(path)
        kind = route[0]
        if kind == "home":
            return self.render_home()
        if kind == "section":
            return self.render_listing(route[1], request.args)
        if kind == "post":
            return self.render_post(route[1], route[2])
        if kind == "rss":
            return self.render_rss(route[1])
        if kind == "procedure":
            return self.render_procedure(route[1])
        return self.render_page(route[1], posted=request.method == "POST")

    def not_found(self, path: str) -> Response:
        return self._render("error.html", status=404, title="Trạng thái", url=path)

    def render_home(self) -> Response:
        general = next((s for s in self.agency.sections if s.general), None)
        news = []
        if general is not None:
            for post in general.posts[:5]:
                news.append(_Item(url=self.post_path(general, post), title=post.title,
                                  date=f"({fmt_dmy(post.published)})" if general.listing_dates else "",
                                  lead=post.lead, image=self.image_src(post) if post.image else "",
                                  alt=self._alt(post)))
        rss = self.rss_path(general) if general is not None else None
        return self._render("home.html", title="Trang chủ", news=news, links=self._home_links(),
                            current=self.home_path(),
                            video=self.video_src() if self.feature("multimedia") else "", rss=rss)

    def _items(self, section: Section, posts, first: int = 1) -> list[_Item]:
        items = []
        views = DATE_LABELS[self.index[section.key] % len(DATE_LABELS)] == "Ngày đăng "
        for number, post in enumerate(posts, start=first):
            item = _Item(url=self.post_path(section, post), title=post.title,
                         date=self.listing_date(section, post), lead=post.lead,
                         image=self.image_src(post) if post.image else "", alt=self._alt(post),
                         extra=f"View count: {100 + post.id * 37 % 4000}" if views else "")
            if section.layout == "qa":
                item.asker = post.extra.get("asker", "")
                item.answered = bool(post.extra.get("answered"))
                item.answer = post.extra.get("answer", "")
                item.answered_on = f"({answered_on(post)})" if answered_on(post) else ""
            elif section.layout == "documents":
                item.cells = tuple(self._document_cells(section, post, number))
            items.append(item)
        return items

    def _file_link(self, post: Post) -> Markup:
        name = post.extra.get("file", "")
        if not name:
            return Markup("")
        if self.feature("legal_download"):
            return Markup(f'<a class="download" href="{esc(self.file_path(post))}">{esc(name)}</a>')
        return Markup(esc(name))

    def _document_header(self, section: Section) -> list[str]:
        """Column headings: STT, the van-ban fields present, and a link/file column if needed."""
        columns = self.document_columns(section)
        names = [name for name, _ in columns]
        header = ["STT"] + [label for _, label in columns]
        if "trich_yeu" not in names:
            header.append("Chi tiết")
        if "file" not in names and self.feature("legal_download"):
            header.append("Đính kèm")
        return header

    def _document_cells(self, section: Section, post: Post, number: int) -> list[Markup]:
        names = [name for name, _ in self.document_columns(section)]
        link = self.post_path(section, post)
        cells = [Markup(str(number))] + [self._document_value(post, name, link) for name in names]
        if "trich_yeu" not in names:       # the row still links its document
            cells.append(Markup(f'<a href="{esc(link)}">{esc(post.extra.get("number") or "Xem")}</a>'))
        if "file" not in names and self.feature("legal_download"):
            cells.append(self._file_link(post))
        return cells

    def _facets(self, section: Section) -> list[dict]:
        return [{"label": label, "values": [
            {"text": v, "href": self.page_url(section, 0, **{FACET_PARAMS[facet]: v})} for v in values]}
            for facet, label, values in self.document_facets(section, newest_year_first=True)]

    def _pager(self, section: Section, current: int, total: int, first: int, shown: int, *,
               english: bool) -> dict:
        """The taglib page iterator; its labels turn English once a page has been paged to."""
        def url(n: int) -> str:
            return self.page_url(section, n)
        return {
            "current": current, "ns": f"_{self.portlet_id(section)}_",
            "numbers": [{"n": n, "href": url(n)} for n in range(1, total + 1)],
            "first": url(1) if current > 1 else "", "prev": url(current - 1) if current > 1 else "",
            "next": url(current + 1) if current < total else "",
            "last": url(total) if current < total else "",
            "labels": ("\u2190 First", "Previous", "Next", "Last \u2192") if english
            else ("\u2190 Đầu tiên", "Trước", "next", "Cuối cùng \u2192"),
            "summary": f"Hiển thị {first} - {first + shown - 1} of {len(section.posts)} kết quả.",
        }

    def render_listing(self, section: Section, args) -> Response:
        pid = self.portlet_id(section)
        ns = f"_{pid}_"
        pages = self.chunks(section)
        posts = None
        if section.layout == "documents":
            wanted = {facet: args.get(ns + param) for facet, param in FACET_PARAMS.items()}
            posts = self.filter_documents(section, wanted,
                                          args.get(ns + "keywords", "").strip() or None)
        filtered = posts is not None
        cur_arg = args.get(ns + "cur")
        try:
            current = max(1, int(cur_arg)) if cur_arg is not None else 1
        except ValueError:
            current = 1
        pager = None
        first = 1
        if not filtered:
            current = min(current, len(pages))     # past the end: the last page, as Liferay does
            posts = pages[current - 1]
            first = (current - 1) * section.page_size + 1
            if len(pages) > 1:
                pager = self._pager(section, current, len(pages), first, len(posts),
                                    english=cur_arg is not None)
        context = {"title": section.name, "section": section, "items": self._items(section, posts, first),
                   "pager": pager, "ns": ns, "pid": pid, "rss": self.rss_path(section),
                   "breadcrumb": section.name, "current": self.section_path(section),
                   "action": self.section_path(section)}
        if section.layout == "documents":
            context.update(header=self._document_header(section), facets=self._facets(section),
                           search=self.feature("document_search"),
                           search_text=FEATURE_TEXT["document_search"],
                           legal_db=self.feature("legal_db_link"),
                           legal_db_text=FEATURE_TEXT["legal_db_link"],
                           legal_db_href=FEATURE_TEXT["legal_db_href"], filtered=filtered)
        return self._render(f"listing_{section.layout}.html", **context)

    def render_post(self, section: Section, post: Post) -> Response:
        rows = []
        present = self.agency.fields.get("van-ban", [])
        if section.layout == "documents":
            rows = [(label, self._document_value(post, name, None))
                    for name, label in self.present_fields("van-ban")]
        return self._render(
            "article.html", title=post.title, section=section, post=post, date=self.article_date(post),
            breadcrumb=section.name, current=self.section_path(section),
            image=self.image_src(post) if post.image else "", alt=self._alt(post),
            tts=self.feature("text_to_speech"), tts_text=FEATURE_TEXT["text_to_speech"], rows=rows,
            file_link=self._file_link(post) if section.layout == "documents" and "file" not in present
            and self.feature("legal_download") else "",
            answered_on=f"({answered_on(post)})" if answered_on(post) else "",
            rss=self.rss_path(section))

    def render_rss(self, section: Section) -> Response:
        items = []
        for post in section.posts[:20]:
            items.append(
                f"<item><title>{xml_escape(post.title)}</title>"
                f"<link>{xml_escape(self.post_path(section, post))}</link>"
                f"<guid isPermaLink=\"false\">{self.instances[section.key]}-{post.id}</guid>"
                f"<description>{xml_escape(post.lead)}</description>"
                f"<pubDate>{fmt_rfc822(post.published)}</pubDate></item>")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{xml_escape(section.name)}</title>"
                f"<link>{xml_escape(self.section_path(section))}</link>"
                f"<description>{xml_escape(self.agency.name)}</description>"
                "<generator>Liferay Portal</generator>" + "".join(items) + "</channel></rss>\n")
        return Response(body.encode("utf-8"), content_type="application/rss+xml; charset=utf-8")

    # -- static pages ------------------------------------------------------------------------
    def _person_rows(self, person, field_set: str) -> list[tuple[str, str]]:
        """The person's present fields but the spokesperson's, named once below the leaders."""
        values = person_values(person)
        return [(label, values[name]) for name, label in self.present_fields(field_set) if name in values]

    def render_page(self, kind: str, *, posted: bool = False) -> Response:
        context = self._page_context(kind, posted=posted)
        return self._render("page_so-do.html" if kind == "so-do" else "page.html",
                            current=self.page_path(kind), **context)

    def _people(self, kind: str) -> dict:
        if kind == "danh-ba":
            return {"columns": [label for _, label in self.present_fields("can-bo")],
                    "people": [[v for _, v in self._person_rows(p, "can-bo")]
                               for p in self.agency.directory]}
        people = [self._person_rows(p, "lanh-dao") for p in self.agency.leaders]
        return {"people": [rows for rows in people if rows],
                "spokesperson": self.spokesperson() or ""}

    def _draft_values(self) -> dict[str, str]:
        as_of = self.province.as_of
        return {"toan_van": Markup(f'<a href="{esc(self.doc_root)}/du-thao-quy-che.pdf">'
                                   f'Dự thảo {esc(self.DRAFT_NAME)} (.pdf)</a>'),
                "thoi_han": (f"Từ {fmt_dmy(as_of - timedelta(days=20))} "
                             f"đến {fmt_dmy(as_of + timedelta(days=10))}"),
                "xem_gop_y": NO_OPINIONS_YET,
                "gui_gop_y": Markup('<a href="#form-gop-y">Mở mẫu bên dưới</a>'),
                "dia_chi_tiep_nhan": receiving_address(self.agency.contact)}

    def render_procedure(self, procedure: Procedure) -> Response:
        rows = self.procedure_rows(procedure, PROCEDURE_TEXT)
        return self._render("procedure.html", title=procedure.name, procedure=procedure, rows=rows,
                            breadcrumb=STATIC_PAGES["thu-tuc"],
                            back=self.page_path("thu-tuc"))
