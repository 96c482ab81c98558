"""NukeViet 4 portal: /vi/news/<Alias>/page-N listings, <slug>-<id>.html articles, RSS feeds."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from werkzeug.wrappers import Response

from ..content import ThemedPortal
from ..model import Agency, Post, Procedure, Province, Section
from ..portal import WEEKDAYS_EN, ListingPage, fmt_dmy, fmt_rfc822, fmt_sa_ch

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates" / "nukeviet"),
                   autoescape=True, trim_blocks=True, lstrip_blocks=True)

GENERATOR = "NukeViet v4.5"
NEWS = "/vi/news/"

# static page kind → path (NukeViet's "about" module for pages, "contact" for the contact form)
STATIC_PATHS = {
    "gioi-thieu": "/vi/about/gioi-thieu-chung.html",
    "co-cau-to-chuc": "/vi/about/co-cau-to-chuc.html",
    "lanh-dao": "/vi/about/lanh-dao.html",
    "lien-he": "/vi/contact/",
    "duong-day-nong": "/vi/about/duong-day-nong.html",
    "danh-ba": "/vi/about/danh-ba-can-bo.html",
    "thu-tuc": "/vi/tthc/",
    "du-an": "/vi/du-an/",
    "gop-y": "/vi/gop-y/",
    "tro-giup": "/vi/about/tro-giup.html",
    "so-do": "/vi/about/so-do-cong.html",
}


class NukeVietPortal(ThemedPortal):
    platform = "nukeviet"

    def __init__(self, agency: Agency, province: Province):
        super().__init__(agency, province)
        self._index = {s.key: i for i, s in enumerate(agency.sections)}
        self._by_alias = {self.alias(s): s for s in agency.sections}
        self._articles = {self.post_path(s, p): (s, p) for s in agency.sections for p in s.posts}
        self._procedures = {self.procedure_path(p): p for p in agency.procedures}
        self._files = self._file_types()

    # -- URLs ------------------------------------------------------------------------------
    LOGO = "/uploads/logo.png"
    VIDEO = "/uploads/video/gioi-thieu.mp4"
    ANNOUNCEMENT = "/uploads/tthc/quyet-dinh-cong-bo-bo-tthc.pdf"
    DRAFT = "/uploads/gop-y/van-ban-lay-y-kien.pdf"
    # document facet → query parameter
    FACET_PARAMS = {"legal_by_field": "linhvuc", "legal_by_date": "nam",
                    "legal_by_issuer": "coquan", "legal_by_type": "loai"}
    SEARCH_PARAM = "q"

    @staticmethod
    def alias(section: Section) -> str:
        """NukeViet's category alias: the key with its first letter capitalised."""
        return section.key[:1].upper() + section.key[1:]

    def home_path(self) -> str:
        return "/"

    def section_path(self, section: Section, page: int = 1) -> str:
        base = f"{NEWS}{self.alias(section)}/"
        return base if page <= 1 else f"{base}page-{page}"

    def listing_pages(self, section: Section) -> list[ListingPage]:
        return [ListingPage(self.section_path(section, n), posts)
                for n, posts in enumerate(self.chunks(section), start=1)]

    def post_path(self, section: Section, post: Post) -> str:
        return f"{NEWS}{self.alias(section)}/{post.slug}-{post.id}.html"

    def page_path(self, kind: str) -> str:
        return STATIC_PATHS[kind]

    def rss_path(self, section: Section) -> str | None:
        return f"{NEWS}rss/{self.alias(section)}/"

    def procedure_path(self, procedure: Procedure) -> str:
        return f"/vi/tthc/{procedure.code}.html"

    @staticmethod
    def image_path(post: Post) -> str:
        return f"/uploads/news/{post.published:%Y_%m}/{post.slug}.png"

    @staticmethod
    def file_path(post: Post) -> str:
        return f"/uploads/laws/{post.extra['file']}"

    @staticmethod
    def banner_path(section: Section) -> str:
        return f"/uploads/banners/{section.key}.png"

    # -- serving ---------------------------------------------------------------------------
    def handle(self, request):
        path = request.path
        if path == "/":
            return self._html(self._render(**self._home_page()))
        if path in ("/vi", "/vi/", "/index.php"):
            return self._redirect("/")
        if path in self._articles:
            return self._html(self._article(*self._articles[path]))
        if path in self._files:
            return self._file(self._files[path])
        if path in self._procedures:
            return self._html(self._render(**self._procedure_page(self._procedures[path])))
        for kind, static in STATIC_PATHS.items():
            if path == static and self.page_available(kind):
                page = self._static_page(kind, sent=request.method == "POST")
                return self._html(self._render(**page))
        match = re.fullmatch(r"/vi/news/rss/([A-Za-z0-9-]+)/", path)
        if match and match.group(1) in self._by_alias:
            return Response(self._rss(self._by_alias[match.group(1)]),
                            content_type="application/rss+xml; charset=utf-8")
        match = re.fullmatch(r"/vi/news/([A-Za-z0-9-]+)(/(?:page-(\d+))?)?", path)
        if match and match.group(1) in self._by_alias:
            section = self._by_alias[match.group(1)]
            if not match.group(2):
                return self._redirect(self.section_path(section))
            page = int(match.group(3) or 1)
            if match.group(3) is not None and page <= 1:
                return self._redirect(self.section_path(section))
            if page > len(self.chunks(section)):
                return self._not_found()
            return self._html(self._listing(section, page, request.args))
        return self._not_found()

    def _html(self, body: str, status: int = 200) -> Response:
        return Response(body, status=status, content_type="text/html; charset=utf-8")

    @staticmethod
    def _redirect(location: str) -> Response:
        return Response("", status=301, headers={"Location": location})

    def _not_found(self) -> Response:
        return self._html(self._render("error.html", "Lỗi 404", [], code=404), status=404)

    # -- page parts ------------------------------------------------------------------------
    def _render(self, template: str, title: str, crumbs: list, *, feeds=(), **context) -> str:
        menu = self._menu(heading_href="#")
        if self.feature("access_keys"):
            for number, item in enumerate(menu[:9], start=1):
                item["accesskey"] = str(number)
        return _ENV.get_template(template).render(
            title=title, crumbs=crumbs, menu=menu, generator=GENERATOR, logo=self.LOGO,
            **self._layout(feeds), **context)

    @staticmethod
    def listing_date(moment: datetime) -> str:
        """'Thursday, 18/07/2024' as NukeViet's news listings print it."""
        return f"{WEEKDAYS_EN[moment.weekday()]}, {fmt_dmy(moment)}"

    def _pager(self, section: Section, page: int) -> list[dict]:
        total = len(self.chunks(section))
        if total <= 1:
            return []
        wanted = {1, total} | set(range(max(1, page - 2), min(total, page + 2) + 1))
        items = []
        if page > 1:
            items.append({"label": "Trang trước", "href": self.section_path(section, page - 1),
                          "rel": "prev"})
        previous = 0
        for number in sorted(wanted):
            if number - previous > 1:
                items.append({"label": "...", "href": None})
            items.append({"label": str(number), "active": number == page,
                          "href": None if number == page else self.section_path(section, number)})
            previous = number
        if page < total:
            items.append({"label": "Trang sau", "href": self.section_path(section, page + 1),
                          "rel": "next"})
        return items

    def _listing(self, section: Section, page: int, args) -> str:
        context = self._listing_rows(section, self.chunks(section)[page - 1],
                                     args if page == 1 else None)
        pager = [] if context.get("filtered") else self._pager(section, page)
        title = section.name if page == 1 else f"{section.name} - Trang {page}"
        crumbs = [{"label": section.name, "href": self.section_path(section)}]
        return self._render("listing.html", title, crumbs, feeds=[section], section=section,
                            page=page, pager=pager, **context)

    def _article(self, section: Section, post: Post) -> str:
        # sections alternate the two hour styles NukeViet sites print (08:30 CH / 8:30 CH)
        padded = self._index[section.key] % 2 == 0
        return self._render(**self._article_page(section, post),
                            date=fmt_sa_ch(post.published, padded=padded))

    def _rss(self, section: Section) -> str:
        items = [{"title": p.title, "link": self.post_path(section, p), "lead": p.lead,
                  "guid": f"{section.key}-{p.id}", "date": fmt_rfc822(p.published)}
                 for p in self.chunks(section)[0]]
        return _ENV.get_template("rss.xml").render(
            agency=self.agency, section=section, link=self.section_path(section), items=items,
            generator=GENERATOR)
