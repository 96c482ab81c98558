"""The drawn choices of one variant portal: every template dimension and the option taken.

A theme is drawn from ``random.Random(f"variant/{seed}/{agency}")`` alone, so the same seed and
agency give the same markup whatever else changes. Options are those seen on real portals of
Vietnamese agencies (see docs/sandbox.md, "The generality corpus"). Draws happen in a fixed
order: append new dimensions at the end of `draw_theme`, never reorder, or every seed changes.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

from ..model import Section

LAYOUTS = ("html5", "divs", "tables")
CLASS_SCHEMES = ("english", "vietnamese", "random", "utility", "ids", "none")
CLOCKS = ("none", "hom_nay", "weekday_long", "date_time")
BREADCRUMBS = ("none", "raquo", "slash", "list")
SIDEBARS = ("left_before", "left_after", "right_before", "right_after")
LINKS = ("root", "absolute")
MENUS = ("ul_hash", "ul_js", "table_caps", "div_pipe")
# URL scheme of sections and posts → the pager URL styles seen with it
URL_SCHEMES = {
    "nukeviet": ("nukeviet", "path_page"),          # /<cat>/, /<cat>/page-2/, /<cat>/<slug>-<id>.html
    "aspx": ("page_q1", "p_q", "page_q0"),          # /chuyen-muc/12/<cat>.aspx, /tin-tuc/<id>/<slug>.aspx
    "joomla": ("start", "page_q1"),                 # index.php?option=com_content&view=…
    "joomla_sef": ("start", "p_q", "trang_html"),   # /<cat>.html, /<cat>/<id>-<slug>.html
    "php_custom": ("p_q", "page_q1", "page_q0"),    # index.php?com=tintuc_ct&id_news=N
    "wordpress": ("path_page", "page_q1"),          # /chuyen-muc/<cat>/, /<yyyy>/<mm>/<slug>/
    "bai_viet": ("page_q0", "page_q1", "p_q", "start"),  # /chuyen-muc/<cat>, /bai-viet/<slug>
    "html_flat": ("trang_html", "p_q", "page_q1"),  # /danh-muc/<cat>.html, /<cat>/<slug>.html
}
PAGER_URLS = ("page_q0", "page_q1", "p_q", "path_page", "nukeviet", "trang_html", "start")
PAGER_STYLES = ("numbers", "arrows", "next_only", "rel_next_head", "of_total")
NEXT_LABELS = ("Trang sau", "Xem thêm", "Tiếp", "Trang tiếp »")
# How a news section's listing shows its posts.
FORMS = ("blocks", "table_dated", "table_undated", "ul_dates", "featured_h2", "featured_list",
         "cards", "short_year_heading", "short_year_url")
# Forms that show no date in the listing (the article does).
UNDATED_FORMS = ("table_undated",)
DATE_FORMATS = ("dmy", "dmy_hm", "dmy_hms", "dang_luc", "weekday_vi", "dash", "dot", "long_vi",
                "long_vi_padded", "sa_ch", "paren", "pipe_time", "cap_nhat", "time_iso",
                "weekday_en")
ARTICLE_TITLES = ("h1", "h2", "div")
ARTICLE_DATE_POSITIONS = ("before_title", "after_title", "sentence_bottom")
ARTICLE_DATE_LABELS = ("", "Ngày đăng: ", "Ngày xuất bản: ", "Đăng ngày ")
DATE_SENTENCES = ("dang_luc", "tin_dang", "cap_nhat_luc")
RELATED = ("none", "lien_quan", "moi_cu", "cung_chuyen_muc")
ARTICLE_META = ("none", "og", "itemprop", "jsonld")
SIDEBAR_BLOCKS = ("Bài viết mới", "Tin mới nhất", "Tin xem nhiều", "Tin nổi bật")
HOMES = ("news_panels", "news_only", "panels_first")
STATIC_ROWS = ("table", "dl", "p_strong", "div_pairs")
SUBMENU_PARENTS = ("Tin tức", "Chuyên mục", "Thông tin")

# The dimensions a report groups by (Theme.summary() keys) and their options.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "layout": LAYOUTS, "classes": CLASS_SCHEMES, "site_h1": ("yes", "no"), "clock": CLOCKS,
    "breadcrumbs": BREADCRUMBS, "sidebar": SIDEBARS, "links": LINKS, "menu": MENUS,
    "menu_images": ("yes", "no"), "left_menu": ("yes", "no"), "url_scheme": tuple(URL_SCHEMES),
    "pager_url": PAGER_URLS, "pager_style": PAGER_STYLES, "page1_alias": ("yes", "no"),
    "page_size": tuple(str(n) for n in range(5, 21)), "listing": FORMS,
    "listing_alt": ("none",) + FORMS, "block_item": ("div", "article", "li"),
    "block_title": ("h2", "h3", "h4", "div"), "date_pos": ("before_title", "after_title", "after_lead"),
    "date_wrap": ("element", "inline"), "lead_date": ("yes", "no"), "other_posts": ("yes", "no"),
    "empty": ("list", "message"), "listing_date": DATE_FORMATS, "article_date": DATE_FORMATS,
    "article_title": ARTICLE_TITLES, "article_date_pos": ARTICLE_DATE_POSITIONS,
    "date_sentence": DATE_SENTENCES, "body_dates": ("yes", "no"), "related": RELATED,
    "article_meta": ARTICLE_META, "share": ("yes", "no"), "sidebar_dates": ("yes", "no"),
    "home": HOMES, "home_dates": ("yes", "no"), "static_rows": STATIC_ROWS,
    "sitemap_lower": ("yes", "no"), "subsite": ("yes", "no"), "next_label": NEXT_LABELS,
    "submenu_parent": SUBMENU_PARENTS,
    "article_date_label": tuple(label.strip(" :") or "none" for label in ARTICLE_DATE_LABELS),
}


@dataclass
class Theme:
    """One portal's template choices (see DIMENSIONS for the options of each)."""

    seed: int
    agency: str
    layout: str
    classes: str
    site_h1: str
    clock: str
    breadcrumbs: str
    sidebar: str
    links: str
    menu: str
    menu_images: str
    left_menu: str
    submenu_parent: str
    url_scheme: str
    pager_url: str
    pager_style: str
    page1_alias: str
    next_label: str
    page_size: int
    listing: str
    listing_alt: str
    block_item: str
    block_title: str
    date_pos: str
    date_wrap: str
    lead_date: str
    other_posts: str
    empty: str
    listing_date: str
    article_date: str
    article_title: str
    article_date_pos: str
    article_date_label: str
    date_sentence: str
    body_dates: str
    related: str
    article_meta: str
    share: str
    sidebar_blocks: tuple[str, ...]
    sidebar_dates: str
    sidebar_size: int
    home: str
    home_dates: str
    static_rows: str
    sitemap_lower: str
    cat_base: int
    cat_step: int
    tokens: dict[str, str] = field(default_factory=dict)   # random class names, by role
    subsite: str = "no"                                    # set by the province: a path under its district

    def form_of(self, section: Section) -> str:
        """The listing form of a section: its layout's own for documents and questions; for news
        the theme's form, or its second form on about a third of the sections."""
        if section.layout != "news":
            return section.layout
        if self.listing_alt != "none" and \
                zlib.crc32(f"{self.agency}/{section.key}".encode()) % 3 == 0:
            return self.listing_alt
        return self.listing

    def summary(self) -> dict[str, str]:
        """Dimension → option, as the ground truth records it and the measure groups by."""
        values = {name: getattr(self, name) for name in DIMENSIONS if hasattr(self, name)}
        values["page_size"] = str(self.page_size)
        values["article_date_label"] = self.article_date_label.strip(" :") or "none"
        return {k: str(v) for k, v in values.items()}


def _token(rng: random.Random) -> str:
    return f"{rng.choice(['c', 'x', 'k', 'm', 'w', 'z'])}-{rng.getrandbits(16):04x}"


def draw_theme(seed: int, agency_id: str) -> Theme:
    """The theme of one agency's portal in the generality corpus."""
    rng = random.Random(f"variant/{seed}/{agency_id}")
    pick = rng.choice
    layout = pick(LAYOUTS)
    classes = pick(CLASS_SCHEMES)
    site_h1 = pick(("yes", "no"))
    clock = pick(CLOCKS)
    breadcrumbs = pick(BREADCRUMBS)
    sidebar = pick(SIDEBARS)
    if layout == "tables":  # a table's columns are in document order as shown
        sidebar = "left_before" if sidebar.startswith("left") else "right_after"
    links = pick(LINKS)
    menu = pick(MENUS)
    menu_images = "yes" if rng.random() < 0.35 else "no"
    left_menu = "yes" if rng.random() < 0.4 else "no"
    submenu_parent = pick(SUBMENU_PARENTS)
    url_scheme = pick(tuple(URL_SCHEMES))
    pager_url = pick(URL_SCHEMES[url_scheme])
    pager_style = pick(PAGER_STYLES)
    page1_alias = "yes" if pager_url != "nukeviet" and rng.random() < 0.4 else "no"
    next_label = pick(NEXT_LABELS)
    page_size = rng.randint(5, 20)
    forms = [f for f in FORMS if f != "short_year_url" or url_scheme == "wordpress"]
    listing = pick(forms)
    listing_alt = pick(["none", "none"] + [f for f in forms if f != listing])
    block_item = pick(("div", "article", "li"))
    block_title = pick(("h2", "h3", "h4", "div"))
    date_pos = pick(("before_title", "after_title", "after_lead"))
    date_wrap = pick(("element", "inline"))
    # a lead that opens with another date ("Ngày 24/10/2026, …", as NukeViet's sample content)
    # only where the post's own date comes before it
    lead_date = "yes" if rng.random() < 0.35 and date_pos != "after_lead" else "no"
    other_posts = "yes" if rng.random() < 0.35 else "no"
    empty = pick(("list", "message"))
    listing_date = pick(DATE_FORMATS)
    article_date = pick(DATE_FORMATS)
    article_title = rng.choices(ARTICLE_TITLES, weights=(5, 4, 2))[0]
    article_date_pos = pick(ARTICLE_DATE_POSITIONS)
    article_date_label = pick(ARTICLE_DATE_LABELS)
    date_sentence = pick(DATE_SENTENCES)
    body_dates = "yes" if rng.random() < 0.6 else "no"
    related = pick(RELATED)
    article_meta = rng.choices(ARTICLE_META, weights=(5, 2, 2, 2))[0]
    share = "yes" if rng.random() < 0.5 else "no"
    blocks = [b for b in SIDEBAR_BLOCKS if rng.random() < 0.5] or [pick(SIDEBAR_BLOCKS)]
    sidebar_dates = pick(("yes", "no"))
    sidebar_size = rng.randint(4, 8)
    home = pick(HOMES)
    home_dates = pick(("yes", "no"))
    static_rows = pick(STATIC_ROWS)
    sitemap_lower = "yes" if rng.random() < 0.3 else "no"
    cat_base = rng.choice([1, 5, 12, 40, 101, 1173])
    cat_step = rng.choice([1, 1, 2, 7])
    roles = sorted(_ROLE_NAMES)
    tokens = {role: _token(rng) for role in roles}
    return Theme(seed=seed, agency=agency_id, layout=layout, classes=classes, site_h1=site_h1,
                 clock=clock, breadcrumbs=breadcrumbs, sidebar=sidebar, links=links, menu=menu,
                 menu_images=menu_images, left_menu=left_menu, submenu_parent=submenu_parent,
                 url_scheme=url_scheme, pager_url=pager_url, pager_style=pager_style,
                 page1_alias=page1_alias, next_label=next_label, page_size=page_size,
                 listing=listing, listing_alt=listing_alt, block_item=block_item,
                 block_title=block_title, date_pos=date_pos, date_wrap=date_wrap,
                 lead_date=lead_date, other_posts=other_posts, empty=empty,
                 listing_date=listing_date, article_date=article_date,
                 article_title=article_title, article_date_pos=article_date_pos,
                 article_date_label=article_date_label, date_sentence=date_sentence,
                 body_dates=body_dates, related=related, article_meta=article_meta, share=share,
                 sidebar_blocks=tuple(blocks), sidebar_dates=sidebar_dates,
                 sidebar_size=sidebar_size, home=home, home_dates=home_dates,
                 static_rows=static_rows, sitemap_lower=sitemap_lower, cat_base=cat_base,
                 cat_step=cat_step, tokens=tokens)


# The roles of elements that carry a class (css.py names them per scheme); listed here so that
# the random tokens are drawn in a fixed order.
_ROLE_NAMES = (
    "page", "header", "logo", "sitename", "slogan", "clock", "tools", "menu", "submenu",
    "parent_link", "crumbs", "columns", "main", "sidebar", "footer", "block", "block_title",
    "block_list", "banner", "page_title", "listing", "item", "item_title", "item_date",
    "item_lead", "item_image", "featured", "year", "table", "other", "empty", "pager", "article",
    "article_title", "article_date", "article_lead", "article_body", "note", "share", "related",
    "panel", "card", "row", "fields", "communes", "video", "left_menu")
