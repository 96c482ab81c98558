"""URLs of a variant portal (paths relative to its root, as Portal's API gives them): sections,
their pages, posts, information pages, procedures, files and feeds, in the theme's URL scheme
and pager style."""

from __future__ import annotations

from urllib.parse import parse_qsl

from ..model import Agency, Post, Section
from ..portal import STATIC_PAGES
from .theme import Theme

# information page kind → the slug it is published under
STATIC_SLUGS = {
    "gioi-thieu": "gioi-thieu", "co-cau-to-chuc": "co-cau-to-chuc", "lanh-dao": "lanh-dao",
    "lien-he": "lien-he", "duong-day-nong": "duong-day-nong", "danh-ba": "danh-ba-can-bo",
    "thu-tuc": "thu-tuc-hanh-chinh", "du-an": "du-an", "gop-y": "lay-y-kien",
    "tro-giup": "tro-giup", "so-do": "so-do-cong",
}
# pager styles where page 1 has an explicit form besides the section's own URL
ALIASED = {"page_q0", "page_q1", "p_q", "path_page", "trang_html", "start"}


def route_key(path: str, query: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """What identifies a page whatever the order of its query parameters."""
    return path, tuple(sorted(parse_qsl(query, keep_blank_values=True)))


def split(url: str) -> tuple[str, str]:
    path, _, query = url.partition("?")
    return path, query


def with_query(base: str, name: str, value: object) -> str:
    return f"{base}{'&' if '?' in base else '?'}{name}={value}"


def _bare_slug(post: Post) -> str:
    """The generator's slug without its trailing "-<id>"."""
    tail = f"-{post.id}"
    return post.slug[:-len(tail)] if post.slug.endswith(tail) else post.slug


class Urls:
    def __init__(self, theme: Theme, agency: Agency):
        self.theme = theme
        self.scheme = theme.url_scheme
        self.pager = theme.pager_url
        self.cat_ids = {s.key: theme.cat_base + i * theme.cat_step
                        for i, s in enumerate(agency.sections)}

    # -- sections and their pages ------------------------------------------------------------
    def section(self, section: Section) -> str:
        key, cid = section.key, self.cat_ids[section.key]
        return {
            "nukeviet": f"/{key}/",
            "aspx": f"/chuyen-muc/{cid}/{key}.aspx",
            "joomla": f"/index.php?option=com_content&view=category&id={cid}",
            "joomla_sef": f"/{key}.html",
            "php_custom": f"/index.php?com=tintuc&id_cat={cid}",
            "wordpress": f"/chuyen-muc/{key}/",
            "bai_viet": f"/chuyen-muc/{key}",
            "html_flat": f"/danh-muc/{key}.html",
        }[self.scheme]

    def page(self, section: Section, index: int, *, alias: bool = False) -> str:
        """The URL of a section's page `index` (0 = the first). ``alias``: the first page in the
        pager's explicit form ("?page=1", "/page/1/"), which serves the same page."""
        base = self.section(section)
        if index == 0 and not (alias and self.pager in ALIASED):
            return base
        number = index + 1
        style = self.pager
        if style == "page_q0":
            return with_query(base, "page", index)
        if style == "page_q1":
            return with_query(base, "page", number)
        if style == "p_q":
            return with_query(base, "p", number)
        if style == "start":
            return with_query(base, "start", index * max(1, section.page_size))
        stem = base if base.endswith("/") else base.rsplit(".", 1)[0] + "/"
        if style == "path_page":
            return f"{stem}page/{number}/"
        if style == "nukeviet":
            return f"{stem}page-{number}/"
        if style == "trang_html":
            return f"{stem}trang-{number}.html"
        raise ValueError(style)

    def feed(self, section: Section) -> str:
        key, cid = section.key, self.cat_ids[section.key]
        return {
            "nukeviet": f"/rss/{key}/",
            "joomla": f"/index.php?option=com_content&view=category&id={cid}&format=feed&type=rss",
            "php_custom": f"/rss.php?id_cat={cid}",
            "wordpress": f"/chuyen-muc/{key}/feed/",
        }.get(self.scheme, f"/rss/{key}.rss")

    # -- posts ------------------------------------------------------------------------------
    def post(self, section: Section, post: Post) -> str:
        key, cid, slug = section.key, self.cat_ids[section.key], post.slug
        return {
            "nukeviet": f"/{key}/{slug}.html",
            "aspx": f"/tin-tuc/{post.id}/{_bare_slug(post)}.aspx",
            "joomla": f"/index.php?option=com_content&view=article&id={post.id}&catid={cid}",
            "joomla_sef": f"/{key}/{post.id}-{_bare_slug(post)}.html",
            "php_custom": f"/index.php?com=tintuc_ct&id_news={post.id}",
            "wordpress": f"/{post.published:%Y}/{post.published:%m}/{slug}/",
            "bai_viet": f"/bai-viet/{slug}",
            "html_flat": f"/{key}/{slug}.html",
        }[self.scheme]

    # -- information pages, procedures, files -------------------------------------------------
    def static(self, kind: str) -> str:
        slug = STATIC_SLUGS[kind]
        number = 9001 + list(STATIC_PAGES).index(kind)
        return {
            "nukeviet": f"/about/{slug}.html",
            "aspx": f"/Pages/{slug}.aspx",
            "joomla": f"/index.php?option=com_content&view=article&id={number}",
            "joomla_sef": f"/gioi-thieu/{slug}.html",
            "php_custom": f"/index.php?com=trang&alias={slug}",
            "wordpress": f"/{slug}/",
            "bai_viet": f"/trang/{slug}",
            "html_flat": f"/trang/{slug}.html",
        }[self.scheme]

    def procedure(self, code: str) -> str:
        return {
            "nukeviet": f"/thu-tuc/{code}.html",
            "aspx": f"/Pages/chi-tiet-thu-tuc.aspx?ma={code}",
            "joomla": f"/index.php?option=com_tthc&view=thutuc&ma={code}",
            "joomla_sef": f"/thu-tuc/{code}.html",
            "php_custom": f"/index.php?com=tthc_ct&ma={code}",
            "wordpress": f"/thu-tuc/{code}/",
            "bai_viet": f"/thu-tuc/{code}",
            "html_flat": f"/thu-tuc/{code}.html",
        }[self.scheme]

    @staticmethod
    def image(post: Post) -> str:
        return f"/uploads/news/{post.published:%Y_%m}/{post.slug}.png"

    @staticmethod
    def document(post: Post) -> str:
        return f"/uploads/van-ban/{post.extra['file']}"

    @staticmethod
    def banner(section: Section) -> str:
        return f"/images/banner/{section.key}.png"

    @staticmethod
    def menu_image(section: Section) -> str:
        return f"/images/menu/{section.key}.png"
