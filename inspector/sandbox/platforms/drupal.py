"""Drupal 7/8 portal: sections as path aliases paged by ?page=N (from 0), articles at /node/N."""

from __future__ import annotations

import zlib
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from werkzeug.wrappers import Response

from ..content import ThemedPortal
from ..model import Agency, Post, Procedure, Province, Section
from ..portal import STATIC_PAGES, ListingPage, fmt_dmy, fmt_rfc822

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates" / "drupal"),
                   autoescape=True, trim_blocks=True, lstrip_blocks=True)

GENERATORS = {7: "Drupal 7 (http://drupal.org)", 8: "Drupal 8 (https://www.drupal.org)"}
FILES_DIR = "/sites/default/files"
NODE_OFFSET = 1000          # a post's node id is post.id + 1000; static pages are nodes 1..11
# static page kind → preferred path alias (falls back to /node/N when a section owns the alias)
STATIC_ALIASES = {
    "gioi-thieu": "/gioi-thieu", "co-cau-to-chuc": "/co-cau-to-chuc", "lanh-dao": "/lanh-dao",
    "lien-he": "/lien-he", "duong-day-nong": "/duong-day-nong", "danh-ba": "/danh-ba",
    "thu-tuc": "/thu-tuc-hanh-chinh", "du-an": "/du-an", "gop-y": "/lay-y-kien",
    "tro-giup": "/tro-giup", "so-do": "/sitemap",
}
RESERVED = ("node", "tthc", "sites", "user", "misc", "rss.xml")


def iso_local(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}+07:00"


class DrupalPortal(ThemedPortal):
    platform = "drupal"

    LOGO = f"{FILES_DIR}/logo.png"
    VIDEO = f"{FILES_DIR}/video/gioi-thieu.mp4"
    ANNOUNCEMENT = f"{FILES_DIR}/tthc/quyet-dinh-cong-bo-bo-tthc.pdf"
    DRAFT = f"{FILES_DIR}/lay-y-kien/van-ban-lay-y-kien.pdf"
    FEED_ICON = "/misc/feed.png"
    # document facet → views exposed filter parameter
    FACET_PARAMS = {"legal_by_field": "linh_vuc", "legal_by_date": "nam",
                    "legal_by_issuer": "co_quan", "legal_by_type": "loai"}
    SEARCH_PARAM = "title"

    def __init__(self, agency: Agency, province: Province, *, version: int | None = None):
        super().__init__(agency, province)
        # the site's Drupal major version: fixed per agency (7 or 8), or chosen by the caller
        self.version = version or (7 if zlib.crc32(agency.id.encode()) % 2 == 0 else 8)
        self._index = {s.key: i for i, s in enumerate(agency.sections)}
        self._by_path = {self.section_path(s): s for s in agency.sections
                         if s.key not in RESERVED}
        self._feeds = {self.rss_path(s): s for s in agency.sections}
        self._nodes = {self.post_path(s, p): (s, p) for s in agency.sections for p in s.posts}
        self._static = {}
        for number, kind in enumerate(STATIC_PAGES, start=1):
            alias = STATIC_ALIASES[kind]
            self._static[kind] = (f"/node/{number}" if alias in self._by_path else alias, number)
        self._procedures = {self.procedure_path(p): p for p in agency.procedures}
        self._files = {**self._file_types(), self.FEED_ICON: "png"}

    # -- URLs ------------------------------------------------------------------------------
    def home_path(self) -> str:
        return "/"

    def section_path(self, section: Section, page: int = 0) -> str:
        """Drupal's pager: the first page has no query, the second is ?page=1."""
        return f"/{section.key}" if page <= 0 else f"/{section.key}?page={page}"

    def listing_pages(self, section: Section) -> list[ListingPage]:
        return [ListingPage(self.section_path(section, n), posts)
                for n, posts in enumerate(self.chunks(section))]

    def post_path(self, section: Section, post: Post) -> str:
        return f"/node/{post.id + NODE_OFFSET}"

    def page_path(self, kind: str) -> str:
        return self._static[kind][0]

    def rss_path(self, section: Section) -> str | None:
        return f"/{section.key}/feed"

    def procedure_path(self, procedure: Procedure) -> str:
        return f"/tthc/{procedure.code}"

    @staticmethod
    def image_path(post: Post) -> str:
        return f"{FILES_DIR}/styles/medium/public/{post.published:%Y-%m}/{post.slug}.png"

    @staticmethod
    def file_path(post: Post) -> str:
        return f"{FILES_DIR}/van-ban/{post.extra['file']}"

    @staticmethod
    def banner_path(section: Section) -> str:
        return f"{FILES_DIR}/banner/{section.key}.png"

    # -- serving ---------------------------------------------------------------------------
    def handle(self, request):
        path = request.path
        if path == "/":
            return self._html(self._render(**self._home_page(), page_class="front"))
        if path in self._nodes:
            return self._html(self._article(*self._nodes[path]))
        if path in self._files:
            return self._file(self._files[path])
        if path in self._procedures:
            page = self._procedure_page(self._procedures[path])
            return self._html(self._render(**page, page_class="page-tthc"))
        if path in self._feeds:
            return Response(self._rss(self._feeds[path]),
                            content_type="application/rss+xml; charset=utf-8")
        for kind, (alias, number) in self._static.items():
            if not self.page_available(kind):
                continue
            if path == alias:
                page = self._static_page(kind, sent=request.method == "POST")
                return self._html(self._render(**page, node=number,
                                               page_class=f"page-node page-node-{number}"))
            if path == f"/node/{number}":
                return self._redirect(alias)  # the redirect module sends node paths to aliases
        if path in self._by_path:
            section = self._by_path[path]
            raw = request.args.get("page", "0")
            if not raw.isdigit() or int(raw) >= len(self.chunks(section)):
                return self._not_found()
            return self._html(self._listing(section, int(raw), request.args))
        return self._not_found()

    def _headers(self) -> dict[str, str]:
        return {"X-Generator": GENERATORS[self.version].split(" (")[0]}

    def _html(self, body: str, status: int = 200) -> Response:
        return Response(body, status=status, content_type="text/html; charset=utf-8",
                        headers=self._headers())

    def _redirect(self, location: str) -> Response:
        return Response("", status=301, headers={"Location": location, **self._headers()})

    def _not_found(self) -> Response:
        body = self._render("error.html", "Không tìm thấy trang", [], page_class="page-404")
        return self._html(body, status=404)

    # -- page parts ------------------------------------------------------------------------
    def _render(self, template: str, title: str, crumbs: list, *, feeds=(), page_class="",
                **context) -> str:
        menu = self._menu(heading_href=None)
        if self.feature("access_keys"):
            number = 1
            for item in menu:
                if item["href"] and number <= 9:
                    item["accesskey"] = str(number)
                    number += 1
        return _ENV.get_template(template).render(
            title=title, crumbs=crumbs, menu=menu, v8=self.version >= 8,
            generator=GENERATORS[self.version], logo=self.LOGO, page_class=page_class,
            **self._layout(feeds), **context)

    @staticmethod
    def listing_date(moment: datetime) -> str:
        return f"Ngày đăng: {fmt_dmy(moment)}"

    def _pager(self, section: Section, page: int) -> dict | None:
        """Drupal's full pager (first, previous, up to 9 numbers with ellipses, next, last) on
        even-numbered sections, the views mini pager (previous, current, next) on odd ones."""
        total = len(self.chunks(section))
        if total <= 1:
            return None
        link = lambda n: self.section_path(section, n)  # noqa: E731
        pager = {"mini": self._index[section.key] % 2 == 1, "current": page, "total": total,
                 "first": link(0) if page > 0 else None,
                 "previous": link(page - 1) if page > 0 else None,
                 "next": link(page + 1) if page < total - 1 else None,
                 "last": link(total - 1) if page < total - 1 else None}
        start = max(0, min(page - 4, total - 9))
        end = min(total, start + 9)
        pager["ellipsis_before"] = start > 0
        pager["ellipsis_after"] = end < total
        pager["pages"] = [{"number": n + 1, "href": link(n), "current": n == page}
                          for n in range(start, end)]
        return pager

    def _listing(self, section: Section, page: int, args) -> str:
        context = self._listing_rows(section, self.chunks(section)[page],
                                     args if page == 0 else None)
        pager = None if context.get("filtered") else self._pager(section, page)
        title = section.name if page == 0 else f"{section.name} | Trang {page + 1}"
        crumbs = [{"label": section.name, "href": self.section_path(section)}]
        return self._render("listing.html", title, crumbs, feeds=[section],
                            page_class=f"page-{section.key}", section=section, pager=pager,
                            feed=self.rss_path(section) if self.feature("rss") else None,
                            feed_icon=self.FEED_ICON, **context)

    def _article(self, section: Section, post: Post) -> str:
        node = post.id + NODE_OFFSET
        return self._render(**self._article_page(section, post), node=node,
                            page_class=f"page-node page-node-{node}",
                            time_element=self._index[section.key] % 2 == 1,
                            dmy=fmt_dmy(post.published), iso=iso_local(post.published),
                            hm=f"{post.published:%H:%M}")

    def _rss(self, section: Section) -> str:
        items = [{"title": p.title, "link": self.post_path(section, p), "lead": p.lead,
                  "guid": f"{p.id + NODE_OFFSET} at {self.section_path(section)}",
                  "date": fmt_rfc822(p.published), "creator": "Quản trị viên"}
                 for p in self.chunks(section)[0]]
        return _ENV.get_template("rss.xml").render(
            agency=self.agency, section=section, link=self.section_path(section), items=items)
