"""VariantPortal: a ThemedPortal whose markup, URLs, date formats and pagers come from a Theme
drawn from the seed (the platform "variant" of the generality corpus).

What each page shows is ThemedPortal's (the feature contract of inspector/sandbox/portal.py, the
field labels in the main content); only the markup around it is drawn. A portal published as a
sub-site (a commune under its district's host, ``province.mounts``) has its own root below a
path prefix: Portal's API gives paths relative to that root, every link it renders carries the
prefix, and the server hands it requests with the prefix stripped (PATH_INFO)."""

from __future__ import annotations

import zlib
from urllib.parse import parse_qsl

from werkzeug.wrappers import Response

from ..content import ThemedPortal
from ..model import Agency, Post, Procedure, Province, Section
from ..portal import ListingPage, esc, facet_value, fmt_rfc822, slugify
from . import articles, dates, frame, listings, menus, pages
from .css import Css
from .theme import Theme, draw_theme
from .urls import Urls, route_key, split, with_query

FILTER_PARAMS = ("linh_vuc", "nam", "co_quan", "loai", "tu_khoa")


class VariantPortal(ThemedPortal):
    platform = "variant"
    FACET_PARAMS = {"legal_by_field": "linh_vuc", "legal_by_date": "nam",
                    "legal_by_issuer": "co_quan", "legal_by_type": "loai"}
    SEARCH_PARAM = "tu_khoa"

    def __init__(self, agency: Agency, province: Province, *, theme: Theme | None = None):
        super().__init__(agency, province)
        themes = getattr(province, "themes", None) or {}
        self.theme = theme or themes.get(agency.id) or draw_theme(province.seed, agency.id)
        mounts = getattr(province, "mounts", None) or {}
        self.host = mounts[agency.id][0] if agency.id in mounts else None
        self.prefix = mounts[agency.id][1].rstrip("/") if agency.id in mounts else ""
        self.css = Css(self.theme)
        self.urls = Urls(self.theme, agency)
        self.LOGO = "/images/logo.png"
        self.VIDEO = "/uploads/video/gioi-thieu.mp4"
        self.ANNOUNCEMENT = "/uploads/tthc/quyet-dinh-cong-bo-bo-tthc.pdf"
        self.DRAFT = "/uploads/du-thao/du-thao-lay-y-kien.pdf"
        self._children: list[VariantPortal] | None = None
        self._routes = self._build_routes()

    # -- URLs (Portal's API: paths relative to this portal's root) ---------------------------
    def home_path(self) -> str:
        return "/"

    def section_path(self, section: Section) -> str:
        return self.urls.section(section)

    def page_url(self, section: Section, index: int, *, from_pager: bool = False) -> str:
        """A listing page's URL; the pager links the first page in its explicit form on
        portals that do (``page1_alias``)."""
        alias = from_pager and index == 0 and self.theme.page1_alias == "yes"
        return self.urls.page(section, index, alias=alias)

    def listing_pages(self, section: Section) -> list[ListingPage]:
        return [ListingPage(self.urls.page(section, i), posts)
                for i, posts in enumerate(self.chunks(section))]

    def post_path(self, section: Section, post: Post) -> str:
        return self.urls.post(section, post)

    def page_path(self, kind: str) -> str:
        return self.urls.static(kind)

    def rss_path(self, section: Section) -> str | None:
        return self.urls.feed(section) if self.feature("rss") else None

    def procedure_path(self, procedure: Procedure) -> str:
        return self.urls.procedure(procedure.code)

    def image_path(self, post: Post) -> str:
        return self.urls.image(post)

    def file_path(self, post: Post) -> str:
        return self.urls.document(post)

    def banner_path(self, section: Section) -> str:
        return self.urls.banner(section)

    # -- links as the pages write them -------------------------------------------------------
    def href(self, path: str) -> str:
        """A link to a path of this portal: root-relative with the sub-site prefix, or absolute
        on portals that write their host in every link."""
        if path.startswith(("http://", "https://", "#", "javascript:")):
            return path
        if self.theme.links == "absolute" and self.agency.base_url:
            return self.agency.base_url.rstrip("/") + path
        return self.prefix + path

    def absolute(self, path: str) -> str:
        if self.agency.base_url:
            return self.agency.base_url.rstrip("/") + path
        return self.prefix + path

    def listing_date(self, moment) -> str:
        return dates.fmt(self.theme.listing_date, moment)

    # -- what the frame and pages draw from the model -----------------------------------------
    def parent_agency(self) -> Agency | None:
        if not self.agency.parent:
            return None
        try:
            return self.province.agency(self.agency.parent)
        except KeyError:
            return None

    def parent_href(self) -> str:
        parent = self.parent_agency()
        return parent.base_url if parent is not None and parent.base_url else "/"

    def child_portals(self) -> list["VariantPortal"]:
        """A district's communes (on this platform), each as its own portal."""
        if self._children is None:
            self._children = [VariantPortal(a, self.province) for a in self.province.agencies
                              if a.parent == self.agency.id and a.platform == self.platform]
        return self._children

    def menu_items(self) -> list[dict]:
        items = [{"label": "Giới thiệu", "href": self.page_path("gioi-thieu"), "children": []}]
        submenu = self.sections_at("submenu")
        if submenu:
            items.append({"label": self.theme.submenu_parent, "href": None, "children": [
                {"label": s.name, "href": self.section_path(s), "children": [],
                 "image": self._menu_image(s)} for s in submenu]})
        items += [{"label": s.name, "href": self.section_path(s), "children": [],
                   "image": self._menu_image(s)} for s in self.sections_at("menu")]
        items.append({"label": "Liên hệ", "href": self.page_path("lien-he"), "children": []})
        return items

    def _menu_image(self, section: Section) -> str | None:
        """Some sections are image-only menu items on portals that have such items."""
        if self.theme.menu_images != "yes" or zlib.crc32(section.key.encode()) % 3:
            return None
        return self.urls.menu_image(section)

    def _news_posts(self) -> list[tuple[Section, Post]]:
        return [(s, p) for s in self.agency.sections if s.layout == "news" for p in s.posts]

    def newest_posts(self, n: int, *, general_only: bool) -> list[tuple[Section, Post]]:
        pairs = [(s, p) for s, p in self._news_posts() if s.general or not general_only]
        pairs.sort(key=lambda sp: (sp[1].published, sp[1].id), reverse=True)
        return pairs[:n]

    def _ranked(self, salt: str, pairs, n: int) -> list[tuple[Section, Post]]:
        return sorted(pairs, key=lambda sp: zlib.crc32(f"{salt}/{self.agency.id}/{sp[1].id}".encode()))[:n]

    def topical_posts(self, n: int) -> list[tuple[Section, Post]]:
        """Posts whose titles carry their topic's words, newest first (single posts on the home
        page: "Tập huấn sản xuất kinh doanh…")."""
        pairs = [(s, p) for s, p in self._news_posts()
                 if p.topic and (s.general or s.placement in ("menu", "submenu"))]
        pairs.sort(key=lambda sp: (sp[1].published, sp[1].id), reverse=True)
        return pairs[:n]

    def panel_sections(self) -> list[Section]:
        return [s for s in self.agency.sections if s.layout == "news" and s.posts and not s.general
                and s.placement in ("menu", "submenu")][:6]

    def sidebar(self, *, home: bool = False) -> str:
        t = self.theme
        parts = [menus.left_menu(self)]
        banners = "".join(f'<a{self.css("banner")} href="{esc(self.href(self.section_path(s)))}">'
                          f'<img src="{esc(self.href(self.banner_path(s)))}" alt="" width="280" height="90"/></a>'
                          for s in self.sections_at("sidebar_image"))
        if banners:
            parts.append(f"<div>{banners}</div>")
        size = t.sidebar_size
        for heading in t.sidebar_blocks:
            if heading in ("Bài viết mới", "Tin mới nhất"):
                posts = self.newest_posts(size, general_only=False)
            elif heading == "Tin xem nhiều":
                posts = self._ranked("xem", self._news_posts(), size)
            else:
                posts = self._ranked("noi-bat", [sp for sp in self._news_posts() if sp[1].topic], size)
            if posts:
                parts.append(listings.sidebar_posts(self, heading, posts))
        if home:
            parts.append(pages.quick_links(self, self._home_page()))
        return "\n".join(x for x in parts if x)

    # -- files -------------------------------------------------------------------------------
    def _file_types(self) -> dict[str, str]:
        files = super()._file_types()
        for section in self.agency.sections:
            files[self.urls.menu_image(section)] = "png"
        return files

    def _documents(self, section: Section, posts) -> dict:
        """ThemedPortal's table, with facet links that keep the section's own query."""
        context = super()._documents(section, posts)
        base = self.section_path(section)
        context["facets"] = [{"label": label, "links": [
            {"label": v, "href": with_query(base, self.FACET_PARAMS[facet], slugify(v)),
             "count": sum(1 for p in section.posts if facet_value(facet, p) == v)} for v in values]}
            for facet, label, values in self.document_facets(section)]
        return context

    # -- routing -----------------------------------------------------------------------------
    def _build_routes(self) -> dict:
        routes: dict = {}

        def add(url: str, target: tuple) -> None:
            key = route_key(*split(url))
            if key in routes:
                raise ValueError(f"{self.agency.id}: two pages at {url}")
            routes[key] = target

        add("/", ("home",))
        for section in self.agency.sections:
            for i in range(len(self.chunks(section))):
                add(self.urls.page(section, i), ("listing", section, i))
            alias = self.urls.page(section, 0, alias=True)
            if self.theme.page1_alias == "yes" and alias != self.urls.page(section, 0):
                add(alias, ("listing", section, 0))
            for post in section.posts:
                add(self.post_path(section, post), ("post", section, post))
            if self.feature("rss"):
                add(self.urls.feed(section), ("rss", section))
        for kind in self.available_pages():
            add(self.page_path(kind), ("static", kind))
        for procedure in self.agency.procedures:
            add(self.procedure_path(procedure), ("procedure", procedure))
        for path, kind in self._file_types().items():
            if path:
                add(path, ("file", kind))
        return routes

    def _target(self, path: str, query: str):
        target = self._routes.get(route_key(path, query))
        if target is not None:
            return target
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if k not in FILTER_PARAMS]
        if len(kept) < len(pairs):  # a documents table narrowed by facets or a search
            base = self._routes.get((path, tuple(sorted(kept))))
            if base and base[0] == "listing" and base[1].layout == "documents" and base[2] == 0:
                return base
        return None

    def handle(self, request):
        path = request.path
        query = request.query_string.decode("utf-8", "replace")
        target = self._target(path, query)
        if target is None and not path.endswith("/") and self._target(path + "/", query):
            location = self.href(path + "/") + (f"?{query}" if query else "")
            return Response("", status=301, headers={"Location": location})
        if target is None:
            body = frame.document(self, title="Không tìm thấy trang", main=pages.not_found(self),
                                  crumbs=[])
            return self._html(body, status=404)
        kind = target[0]
        if kind == "home":
            return self._html(self._home())
        if kind == "listing":
            return self._html(self._listing(target[1], target[2], request.args))
        if kind == "post":
            return self._html(self._article(target[1], target[2]))
        if kind == "static":
            sent = request.method == "POST" and target[1] == "lien-he"
            page = self._static_page(target[1], sent=sent)
            return self._html(self._page(page))
        if kind == "procedure":
            return self._html(self._page(self._procedure_page(target[1])))
        if kind == "rss":
            return Response(self._rss(target[1]), content_type="application/rss+xml; charset=utf-8")
        return self._file(target[1])

    @staticmethod
    def _html(body: str, status: int = 200) -> Response:
        return Response(body, status=status, content_type="text/html; charset=utf-8")

    # -- pages -------------------------------------------------------------------------------
    def _home(self) -> str:
        page = self._home_page()
        return frame.document(self, title="Trang chủ", main=pages.home(self, page), crumbs=[],
                              feeds=page["feeds"], home=True)

    def _heading(self, text: str) -> str:
        tag = "h1" if self.theme.site_h1 == "no" else "h2"
        return f"<{tag}{self.css('page_title')}>{esc(text)}</{tag}>"

    def _listing(self, section: Section, index: int, args) -> str:
        chunks = self.chunks(section)
        posts = chunks[index]
        filtered = False
        if section.layout == "documents":
            context = self._listing_rows(section, posts, args if index == 0 else None)
            filtered = context["filtered"]
            body = listings.documents(self, context)
        elif section.layout == "qa":
            body = listings.questions(self, self._listing_rows(section, posts, None))
        else:
            body = listings.news(self, section, index, posts, self.theme.form_of(section))
            following = chunks[index + 1] if index + 1 < len(chunks) else ()
            body += listings.other_posts(self, section, following)
        pager = "" if filtered else listings.pager(self, section, index, len(chunks))
        feed = ""
        if self.feature("rss"):
            feed = f'<p><a href="{esc(self.href(self.urls.feed(section)))}">RSS</a></p>'
        title = section.name if index == 0 else f"{section.name} - Trang {index + 1}"
        head = "" if filtered else listings.head_links(self, section, index, len(chunks))
        main = self._heading(section.name) + "\n" + body + "\n" + pager + feed
        return frame.document(self, title=title, main=main,
                              crumbs=[(section.name, self.section_path(section))], head=head,
                              feeds=[section])

    def _article(self, section: Section, post: Post) -> str:
        page = self._article_page(section, post)
        return frame.document(self, title=post.title, main=articles.article(self, page),
                              crumbs=[(section.name, self.section_path(section)),
                                      (post.title, self.post_path(section, post))],
                              head=articles.head(self, section, post))

    def _page(self, page: dict) -> str:
        crumbs = [(c["label"], c["href"]) for c in page["crumbs"]]
        return frame.document(self, title=page["title"], main=pages.static(self, page),
                              crumbs=crumbs)

    def _rss(self, section: Section) -> str:
        items = "".join(
            f"<item><title>{esc(p.title)}</title><link>{esc(self.absolute(self.post_path(section, p)))}</link>"
            f"<description>{esc(p.lead)}</description><pubDate>{fmt_rfc822(p.published)}</pubDate>"
            f"<guid isPermaLink=\"false\">{self.agency.id}-{p.id}</guid></item>"
            for p in self.chunks(section)[0])
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>{esc(section.name)}</title><link>{esc(self.absolute(self.section_path(section)))}</link>"
                f"<description></description><language>vi</language>{items}</channel></rss>")

    # -- what the ground truth records of the theme ---------------------------------------------
    def theme_summary(self) -> dict:
        summary = self.theme.summary()
        summary["subsite"] = "yes" if self.prefix else "no"
        return {"dimensions": summary,
                "sections": {s.key: self.theme.form_of(s) for s in self.agency.sections}}
