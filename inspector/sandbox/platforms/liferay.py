"""A simulated Liferay 6.2 agency portal (Asset Publisher listings), modelled on a real Sở TT&TT portal."""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass
from datetime import timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlencode
from xml.sax.saxutils import escape as xml_escape

import jinja2
from markupsafe import Markup
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from ..model import Agency, Post, Procedure, Province, Section
from ..portal import (FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES, ListingPage, Portal,
                      esc, fmt_12h, fmt_dmy)

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

# Facet links above the legal documents table: feature → (URL parameter, value of a document).
FACETS = {"legal_by_field": ("linhVuc", lambda p: p.extra.get("field")),
          "legal_by_date": ("namBanHanh", lambda p: str(p.published.year)),
          "legal_by_issuer": ("coQuanBanHanh", lambda p: p.extra.get("issuer")),
          "legal_by_type": ("loaiVanBan", lambda p: p.extra.get("doc_type"))}

STAGES = ("chuẩn bị đầu tư", "đang triển khai", "hoàn thành")
DRAFT_NAME = "Quy chế quản lý, vận hành cổng thông tin điện tử"
ICT = timezone(timedelta(hours=7))


def _png() -> bytes:
    """A 1×1 grey PNG, served for every illustration and banner."""
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


class LiferayPortal(Portal):
    platform = "liferay"

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
                        self.files[self.file_path(post)] = self._file_bytes(post.extra["file"])
        if self.feature("multimedia"):
            self.files[self.video_src()] = MP4
        if self.feature("tthc_announcement_download"):
            self.files[f"{self.doc_root}/quyet-dinh-cong-bo-tthc.pdf"] = PDF
        if self.field_present("gop-y", "toan_van"):
            self.files[f"{self.doc_root}/du-thao-quy-che.pdf"] = PDF

    # -- URLs ------------------------------------------------------------------------------
    def home_path(self) -> str:
        return f"{self.site_root}/trang-chu"

    def section_path(self, section: Section) -> str:
        return f"{self.site_root}/{section.key}"

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

    def banner_src(self, section: Section) -> str:
        return f"{self.doc_root}/banner-{section.key}.png"

    def video_src(self) -> str:
        return f"{self.doc_root}/video-gioi-thieu.mp4"

    def file_path(self, post: Post) -> str:
        return f"{self.doc_root}/{post.extra['file']}"

    def image_src(self, post: Post) -> str:
        return f"/image/journal/article?img_id={1000 + post.id * 7}&t={post.id}"

    @staticmethod
    def _file_bytes(name: str) -> bytes:
        return PDF if name.lower().endswith(".pdf") else b"\xd0\xcf\x11\xe0" + name.encode()

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

    def _alt(self, post: Post) -> str:
        return post.title if self.feature("alt_text") else ""

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
            return Response(self.files[path], content_type=FILE_TYPES.get(ext, "application/octet-stream"))
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
        links = [{"text": self.page_title(k), "href": self.page_path(k)} for k in self.available_pages()]
        if self.feature("administrative_feedback"):
            links.append({"text": FEATURE_TEXT["administrative_feedback"],
                          "href": "https://pakn.dichvucong.gov.vn/"})
        if self.feature("legal_db_link"):
            links.append({"text": FEATURE_TEXT["legal_db_link"], "href": FEATURE_TEXT["legal_db_href"]})
        rss = self.rss_path(general) if general is not None else None
        return self._render("home.html", title="Trang chủ", news=news, links=links, current=self.home_path(),
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
                on = post.extra.get("answered_on")
                item.answered_on = f"({fmt_dmy(on)})" if on else ""
            elif section.layout == "documents":
                item.cells = tuple(self._document_cells(section, post, number))
            items.append(item)
        return items

    def _document_columns(self, section: Section) -> list[tuple[str, str]]:
        present = self.agency.fields.get("van-ban", [])
        columns = []
        for name, label in FIELD_LABELS["van-ban"].items():
            if name not in present:
                continue
            if not section.listing_dates and name in ("ngay_ban_hanh", "ngay_hieu_luc"):
                continue
            columns.append((name, label))
        return columns

    def _document_value(self, post: Post, name: str, link: str | None) -> Markup:
        extra = post.extra
        if name == "so_ky_hieu":
            return Markup(esc(extra.get("number", "")))
        if name == "ngay_ban_hanh":
            return Markup(esc(fmt_dmy(post.published)))
        if name == "trich_yeu":
            return Markup(f'<a href="{esc(link)}">{esc(post.title)}</a>') if link else Markup(esc(post.title))
        if name == "co_quan_ban_hanh":
            return Markup(esc(extra.get("issuer", "")))
        if name == "hinh_thuc":
            return Markup(esc(extra.get("doc_type", "")))
        if name == "ngay_hieu_luc":
            effective = extra.get("effective")
            return Markup(esc(fmt_dmy(effective) if effective else ""))
        if name == "file":
            return self._file_link(post)
        return Markup("")

    def _file_link(self, post: Post) -> Markup:
        name = post.extra.get("file", "")
        if not name:
            return Markup("")
        if self.feature("legal_download"):
            return Markup(f'<a class="download" href="{esc(self.file_path(post))}">{esc(name)}</a>')
        return Markup(esc(name))

    def _document_header(self, section: Section) -> list[str]:
        """Column headings: STT, the van-ban fields present, and a link/file column if needed."""
        columns = self._document_columns(section)
        names = [name for name, _ in columns]
        header = ["STT"] + [label for _, label in columns]
        if "trich_yeu" not in names:
            header.append("Chi tiết")
        if "file" not in names and self.feature("legal_download"):
            header.append("Đính kèm")
        return header

    def _document_cells(self, section: Section, post: Post, number: int) -> list[Markup]:
        names = [name for name, _ in self._document_columns(section)]
        link = self.post_path(section, post)
        cells = [Markup(str(number))] + [self._document_value(post, name, link) for name in names]
        if "trich_yeu" not in names:       # the row still links its document
            cells.append(Markup(f'<a href="{esc(link)}">{esc(post.extra.get("number") or "Xem")}</a>'))
        if "file" not in names and self.feature("legal_download"):
            cells.append(self._file_link(post))
        return cells

    def _facets(self, section: Section) -> list[dict]:
        facets = []
        for feature, label in LEGAL_FACETS.items():
            if not self.feature(feature):
                continue
            param, get = FACETS[feature]
            values = sorted({v for v in (get(p) for p in section.posts) if v},
                            reverse=feature == "legal_by_date")
            facets.append({"label": label, "values": [
                {"text": v, "href": self.page_url(section, 0, **{param: v})} for v in values]})
        return facets

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
        filtered = False
        if section.layout == "documents":
            for feature, (param, get) in FACETS.items():
                value = args.get(ns + param)
                if value and self.feature(feature):
                    posts = [p for p in (posts if filtered else section.posts) if get(p) == value]
                    filtered = True
            keywords = args.get(ns + "keywords", "").strip().lower()
            if keywords and self.feature("document_search"):
                posts = [p for p in (posts if filtered else section.posts)
                         if keywords in p.title.lower()
                         or keywords in str(p.extra.get("number", "")).lower()]
                filtered = True
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
                    for name, label in FIELD_LABELS["van-ban"].items() if name in present]
        answered_on = post.extra.get("answered_on")
        return self._render(
            "article.html", title=post.title, section=section, post=post, date=self.article_date(post),
            breadcrumb=section.name, current=self.section_path(section),
            image=self.image_src(post) if post.image else "", alt=self._alt(post),
            tts=self.feature("text_to_speech"), tts_text=FEATURE_TEXT["text_to_speech"], rows=rows,
            file_link=self._file_link(post) if section.layout == "documents" and "file" not in present
            and self.feature("legal_download") else "",
            answered_on=f"({fmt_dmy(answered_on)})" if answered_on else "",
            rss=self.rss_path(section))

    def render_rss(self, section: Section) -> Response:
        items = []
        for post in section.posts[:20]:
            moment = post.published.replace(tzinfo=ICT)
            items.append(
                f"<item><title>{xml_escape(post.title)}</title>"
                f"<link>{xml_escape(self.post_path(section, post))}</link>"
                f"<guid isPermaLink=\"false\">{self.instances[section.key]}-{post.id}</guid>"
                f"<description>{xml_escape(post.lead)}</description>"
                f"<pubDate>{format_datetime(moment)}</pubDate></item>")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{xml_escape(section.name)}</title>"
                f"<link>{xml_escape(self.section_path(section))}</link>"
                f"<description>{xml_escape(self.agency.name)}</description>"
                "<generator>Liferay Portal</generator>" + "".join(items) + "</channel></rss>\n")
        return Response(body.encode("utf-8"), content_type="application/rss+xml; charset=utf-8")

    # -- static pages ------------------------------------------------------------------------
    def _present(self, field_set: str) -> list[tuple[str, str]]:
        present = self.agency.fields.get(field_set, [])
        return [(name, label) for name, label in FIELD_LABELS[field_set].items() if name in present]

    def _person_rows(self, person, field_set: str) -> list[tuple[str, str]]:
        values = {"ho_ten": person.name, "chuc_vu": person.title, "dien_thoai": person.phone,
                  "email": person.email, "nhiem_vu": person.duty, "don_vi": person.unit}
        return [(label, values[name]) for name, label in self._present(field_set) if name in values]

    def render_page(self, kind: str, *, posted: bool = False) -> Response:
        agency = self.agency
        context: dict = {"title": self.page_title(kind), "kind": kind, "posted": posted,
                         "breadcrumb": self.page_title(kind), "page_url": self.page_path(kind),
                         "current": self.page_path(kind)}
        if kind in ("gioi-thieu", "co-cau-to-chuc"):
            fields = self._present("gioi-thieu")
            if kind == "co-cau-to-chuc":
                fields = [(n, l) for n, l in fields if n == "co_cau_to_chuc"]
            context["rows"] = [(label, agency.intro.get(name, "Đang cập nhật.")) for name, label in fields]
        elif kind == "lanh-dao":
            context["people"] = [self._person_rows(p, "lanh-dao") for p in agency.leaders]
            context["people"] = [rows for rows in context["people"] if rows]
            context["spokesperson"] = (agency.leaders[0].name if agency.leaders
                                       and self.field_present("lanh-dao", "nguoi_phat_ngon") else "")
        elif kind == "danh-ba":
            context["columns"] = [label for _, label in self._present("can-bo")]
            context["people"] = [[v for _, v in self._person_rows(p, "can-bo")] for p in agency.directory]
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
                key = procedure.field if self.feature("tthc_by_field") else ""
                groups.setdefault(key, []).append(
                    {"code": procedure.code, "name": procedure.name, "level": procedure.level,
                     "href": self.procedure_path(procedure.code)})
            context["groups"] = list(groups.items())
            context["announcement"] = (f"{self.doc_root}/quyet-dinh-cong-bo-tthc.pdf"
                                       if self.feature("tthc_announcement_download") else "")
            context["announcement_text"] = FEATURE_TEXT["tthc_announcement_download"]
            context["feedback"] = FEATURE_TEXT["tthc_feedback"] if self.feature("tthc_feedback") else ""
        elif kind == "du-an":
            projects = []
            for project in agency.projects:
                rows = [(label, project.fields[name]) for name, label in FIELD_LABELS["du-an"].items()
                        if name in project.fields]
                projects.append({"name": project.name, "rows": rows, "stage": project.stage,
                                 "updated": fmt_dmy(project.updated)})
            if self.feature("project_classification"):
                groups = [(stage[:1].upper() + stage[1:], [p for p in projects if p["stage"] == stage])
                          for stage in STAGES]
                others = [p for p in projects if p["stage"] not in STAGES]
                if others:
                    groups.append(("Khác", others))
                context["groups"] = [(name, ps) for name, ps in groups if ps]
            else:
                context["groups"] = [("", projects)] if projects else []
        elif kind == "gop-y":
            as_of = self.province.as_of
            rows = []
            for name, label in self._present("gop-y"):
                if name == "toan_van":
                    value = Markup(f'<a href="{esc(self.doc_root)}/du-thao-quy-che.pdf">'
                                   f'Dự thảo {esc(DRAFT_NAME)} (.pdf)</a>')
                elif name == "thoi_han":
                    value = (f"Từ {fmt_dmy(as_of - timedelta(days=20))} "
                             f"đến {fmt_dmy(as_of + timedelta(days=10))}")
                elif name == "xem_gop_y":
                    value = "Chưa có ý kiến nào được công khai."
                elif name == "gui_gop_y":
                    value = Markup('<a href="#form-gop-y">Mở mẫu bên dưới</a>')
                else:
                    value = f"{agency.contact.get('address', '')}; {agency.contact.get('email', '')}"
                rows.append((label, value))
            context.update(rows=rows, draft=DRAFT_NAME, form=self.field_present("gop-y", "gui_gop_y"))
        elif kind == "so-do":
            context.update(self._sitemap())
        return self._render("page_so-do.html" if kind == "so-do" else "page.html", **context)

    def _sitemap(self) -> dict:
        """The site map: the menu tree, the other static pages, footer and site-map-only sections."""
        tree = [item for item in self._chrome()["menu"] if item["href"] != self.page_path("so-do")]
        in_menu = {"gioi-thieu", "co-cau-to-chuc", "lanh-dao", "danh-ba", "thu-tuc", "lien-he", "so-do"}
        tree += [{"text": self.page_title(k), "href": self.page_path(k), "children": []}
                 for k in self.available_pages() if k not in in_menu]
        tree += [{"text": s.name, "href": self.section_path(s), "children": []}
                 for s in self.sections_at("footer")]
        hidden = [{"text": s.name, "href": self.section_path(s)} for s in self.sections_at("sitemap_only")]
        return {"tree": tree, "hidden": hidden}

    def render_procedure(self, procedure: Procedure) -> Response:
        rows = [(FIELD_LABELS["thu-tuc"][name],
                 PROCEDURE_TEXT[name].format(agency=self.agency.name))
                for name in FIELD_LABELS["thu-tuc"] if name in procedure.details]
        return self._render("procedure.html", title=procedure.name, procedure=procedure, rows=rows,
                            breadcrumb=STATIC_PAGES["thu-tuc"],
                            back=self.page_path("thu-tuc"))
