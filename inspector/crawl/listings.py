"""Listing page objects: a section page's posts, dates and pager, one class per platform."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from w3lib.url import canonicalize_url

from ..model.textnorm import fold, nfc
from . import articles
from .blocks import (Block, FrameRegistry, Hints, choose, heading_of, is_post_list,
                     names_section, says_empty, signature, url_shape)
from .dates import FoundDate, find_date

PLATFORMS = ("liferay", "sharepoint", "nukeviet", "drupal", "aspnet", "wordpress", "generic")


@dataclass(frozen=True)
class PostLink:
    """A post as a listing shows it; ``published`` is None when the listing prints no date (the
    article then has to be opened, see `parse_article_date`)."""

    url: str
    title: str
    published: date | None = None
    moment: datetime | None = None
    date_text: str | None = None


@dataclass(frozen=True)
class Postback:
    """A WebForms pager link: the form fields to POST (every hidden input of the page's form,
    __EVENTTARGET and __EVENTARGUMENT set) to ``url``, the form's action."""

    target: str
    argument: str
    formdata: dict[str, str]
    url: str = ""


@dataclass(frozen=True)
class Listing:
    """A listing page as read: the posts of its own listing, its pager, and every block of
    posts it shows (``blocks``, to tell the site's frame from the listing across pages; ``why``
    says which block was taken); ``empty`` when the page says it has no post."""

    platform: str
    posts: list[PostLink] = field(default_factory=list)
    page_urls: list[str] = field(default_factory=list)      # other pages the pager links
    postbacks: list[Postback] = field(default_factory=list)
    next_url: str | None = None
    blocks: list[Block] = field(default_factory=list)
    why: str = ""
    empty: bool = False


# -- entry points ----------------------------------------------------------------------------------
def detect_platform(html: str, url: str) -> str:
    """The platform a page was built on, from its generator meta, URL shapes and markup."""
    doc = _parse(html)
    if doc is None:
        return "generic"
    generator = " ".join(doc.xpath("//meta[translate(@name, 'GENERATOR', 'generator')"
                                   "='generator']/@content")).lower()
    for name, platform in (("nukeviet", "nukeviet"), ("drupal", "drupal"),
                           ("wordpress", "wordpress"), ("sharepoint", "sharepoint"),
                           ("liferay", "liferay")):
        if name in generator:
            return platform
    scores = {platform: sum(1 for signature in signatures if signature.search(html))
              for platform, signatures in SIGNATURES.items()}
    path = urlsplit(url).path
    for platform, shape in URL_SHAPES.items():
        if shape.search(path):
            scores[platform] += 1
    # SharePoint pages are ASP.NET pages too: its own marks decide before the view state does.
    if scores["sharepoint"] >= 2:
        return "sharepoint"
    best = max(scores, key=lambda p: scores[p])
    return best if scores[best] >= 2 else "generic"


def parse_listing(html: str, url: str, platform: str | None = None, hints: Hints | None = None,
                  frame: FrameRegistry | None = None, page_key: str | None = None) -> Listing:
    """The posts of a listing page's own listing (not its menus, sidebars or "tin mới" boxes),
    the other pages its pager links, and its WebForms post-backs. ``hints``: the section's
    name and URL; ``frame``: the portal's other pages' blocks (this page's are added to it),
    so that a block repeated across pages is not taken for this page's listing."""
    return choose_listing(read_listing(html, url, platform, hints), hints, frame,
                          page_key or canonical(url))


@dataclass
class ListingReading:
    """What a listing page's markup says, whatever else the portal shows: every block of
    posts, the pager, the post-backs. The same page gives the same reading (an incremental
    crawl remembers it, `to_json`); which block is the listing depends on the portal's frame
    too (`choose_listing`)."""

    platform: str
    blocks: list[Block] = field(default_factory=list)
    page_urls: list[str] = field(default_factory=list)
    next_url: str | None = None
    postbacks: list[Postback] = field(default_factory=list)
    empty: bool = False
    readable: bool = True       # False: the page has no document to read

    def to_json(self) -> dict:
        return {"platform": self.platform, "page_urls": self.page_urls,
                "next_url": self.next_url, "empty": self.empty, "readable": self.readable,
                "postbacks": [[p.target, p.argument, p.formdata, p.url] for p in self.postbacks],
                "blocks": [{"signature": b.signature, "heading": b.heading, "aside": b.aside,
                            "menu": b.menu, "main": b.main, "order": b.order,
                            "source": b.source, "posts": [_post_json(p) for p in b.posts]}
                           for b in self.blocks]}

    @classmethod
    def from_json(cls, value: dict) -> "ListingReading":
        blocks = [Block(signature=b["signature"], heading=b["heading"], aside=b["aside"],
                        menu=b["menu"], main=b["main"], order=b["order"], source=b["source"],
                        posts=tuple(_post_from_json(p) for p in b["posts"]))
                  for b in value["blocks"]]
        return cls(value["platform"], blocks, list(value["page_urls"]), value["next_url"],
                   [Postback(*p) for p in value["postbacks"]], value["empty"],
                   value["readable"])


def _post_json(post: PostLink) -> list:
    return [post.url, post.title, post.published.isoformat() if post.published else None,
            post.moment.isoformat() if post.moment else None, post.date_text]


def _post_from_json(value: list) -> PostLink:
    url, title, published, moment, date_text = value
    return PostLink(url, title, date.fromisoformat(published) if published else None,
                    datetime.fromisoformat(moment) if moment else None, date_text)


def read_listing(html: str, url: str, platform: str | None = None,
                 hints: Hints | None = None) -> ListingReading:
    """The reading of a listing page (blocks, pager, post-backs): what `parse_listing` takes
    its listing from."""
    platform = platform if platform in EXTRACTORS else detect_platform(html, url)
    doc = _parse(html)
    if doc is None:
        return ListingReading(platform, readable=False)
    return EXTRACTORS[platform]().reading(doc, url, platform, hints)


def choose_listing(reading: ListingReading, hints: Hints | None = None,
                   frame: FrameRegistry | None = None, page_key: str = "") -> Listing:
    """The page's own listing among the blocks read: the site's frame (blocks ``frame`` has
    seen repeated on other pages; this page's are added to it) left out."""
    if not reading.readable:
        return Listing(reading.platform)
    blocks = reading.blocks
    left_out: set[int] = set()
    if frame is not None:
        frame.add(page_key, blocks)
        left_out = frame.frame(page_key, blocks)
    choice = choose(blocks, hints or Hints(), left_out, reading.empty)
    posts = list(choice.block.posts) if choice.block is not None else []
    return Listing(reading.platform, posts, reading.page_urls, reading.postbacks,
                   reading.next_url, blocks=blocks, why=choice.why, empty=reading.empty)


def listed_posts(listing: Listing) -> set[str]:
    """The posts a page lists in blocks that are posts beyond doubt (dated, or long titles;
    not a menu): what is listed there is an article, never a section."""
    return {p.url for b in listing.blocks if is_post_list(b) for p in b.posts}


def parse_article_date(html: str, url: str, platform: str | None = None,
                       title: str | None = None) -> FoundDate:
    """An article's own publication date, not a date in its body text, its header or its
    sidebars: the one printed with its title (``title``: as the listing showed it)."""
    platform = platform if platform in EXTRACTORS else detect_platform(html, url)
    doc = _parse(html)
    if doc is None:
        return FoundDate(None, None, "", "empty page")
    return EXTRACTORS[platform]().article_date(doc, url, title)


# -- platform signatures ---------------------------------------------------------------------------
SIGNATURES = {
    "liferay": [re.compile(p) for p in (r"\bLiferay\.", r"p_p_id[=_]", r"portlet-boundary",
                                        r"/-/(?:asset_publisher|view_content)/", r"lfr-")],
    "sharepoint": [re.compile(p) for p in (r"_spPageContextInfo|SP\.ClientContext",
                                           r"\bms-webpart|ms-core-|ms-WPBody|ms-listviewtable",
                                           r"/_layouts/", r"Microsoft SharePoint",
                                           r"/Pages/[^\"'<>]+\.aspx")],
    "nukeviet": [re.compile(p) for p in (r"nv_base_siteurl|nv-block|\bnv_", r"/vi/news/",
                                         r"NukeViet", r"/uploads/news/")],
    "drupal": [re.compile(p) for p in (r"Drupal\.settings|drupalSettings", r"/sites/default/files",
                                       r"views-row|view-content|views-field", r"/node/\d+")],
    "aspnet": [re.compile(p) for p in (r"__VIEWSTATE", r"__doPostBack", r"ctl00[$_]",
                                       r"\.aspx\b")],
    "wordpress": [re.compile(p) for p in (r"/wp-content/", r"/wp-includes/|wp-json",
                                          r"\bhentry\b|entry-title", r"page-numbers")],
}
URL_SHAPES = {
    "liferay": re.compile(r"^/web/|/-/"),
    "sharepoint": re.compile(r"/Pages/[^/]+\.aspx$", re.I),
    "nukeviet": re.compile(r"^/(?:vi|en)/news/"),
    "drupal": re.compile(r"^/node/\d+"),
    "aspnet": re.compile(r"\.aspx$", re.I),
    "wordpress": re.compile(r"/page/\d+/?$|/\d{4}/\d{2}/[^/]+/?$"),
}


# -- reading HTML ----------------------------------------------------------------------------------
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
FILE_LINK = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|zip|rar|7z|jpe?g|png|gif|bmp|svg|"
                       r"mp4|mp3|avi|wmv|flv|rss|xml)$", re.I)
HOME_PATH = re.compile(r"^/?(?:(?:index|default|home|trang-?chu)\.(?:php|aspx?|html?|jsp))?$",
                       re.I)
FEED_LINK = re.compile(r"/(?:rss|feed)(?:[/.]|$)|\.rss$|[?&]format=(?:rss|atom)", re.I)
# Where a listing's rows keep the answer to a question: its date is not the post's.
ANSWER_CLASS = re.compile(r"tra-?loi|traloi|answer|reply", re.I)
ANSWER_LABEL = re.compile(r"^(?:trả lời|answer)\b", re.I)
DATE_CLASS = re.compile(r"date|time|ngay|publish|posted|created|thoi-?gian|calendar", re.I)
# Containers that hold other content than the listing: menus, sidebars, "tin mới" boxes. A
# class or id counts when one of these is a whole word of it ("box-tin-moi", "region-sidebar"),
# not a piece of another word ("lfr-icon-menu-text" counts, "menuitem" does not).
ASIDE_WORDS = re.compile(r"(?:^|[-_ ])(?:sidebar|side-bar|aside|menu|nav|navbar|navigation|"
                         r"breadcrumbs?|duong-?dan|banners?|tin-?moi|tinmoi|tin-?khac|tinkhac|"
                         r"tin-?lien-?quan|lien-?quan|related|latest|most-?viewed?|xem-?nhieu)"
                         r"(?:$|[-_ ])", re.I)
MENU_WORDS = re.compile(r"(?:^|[-_ ])(?:menu|nav|navbar|navigation|mainmenu|topmenu|megamenu)"
                        r"(?:$|[-_ ])|listMenu", re.I)
# The page's header and footer (today's date is often printed there); an article's own header
# (WordPress "entry-header", holding the post's date) is not one.
FRAME_WORDS = re.compile(r"(?:^|[-_ ])(?:header|footer)(?:$|[-_ ])", re.I)
# Drupal names a view's classes after its machine name, which may be any section's name.
MACHINE_NAMED = re.compile(r"^view-(?:id-|display-id-)?", re.I)
ASIDE_TAGS = {"nav", "aside"}
FRAME_TAGS = {"header", "footer"}
GENERIC_LINK_TEXT = re.compile(r"^(?:xem|chi tiet|xem chi tiet|xem tiep|doc tiep|tai ve|"
                               r"xem tat ca|tat ca|xem them|doc them|more|read more|"
                               r"view all|see all|details?)$")


def _parse(html: str | bytes | None):
    if not html:
        return None
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    # lxml refuses a str that declares its encoding; the BOM of the real portal is noise.
    text = XML_DECLARATION.sub("", html.lstrip("\ufeff"), count=1)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _text(element) -> str:
    """An element's text as a reader sees it (a title, a label)."""
    if element is None:
        return ""
    return " ".join(nfc(element.text_content()).split())


def _spaced_text(element) -> str:
    """An element's text with its parts kept apart: two adjacent <time> elements must not run
    into one number ("18/07/202422/07/2024")."""
    return " ".join(nfc(" ".join(element.itertext())).split())


def _classes(element) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}"


def _is_aside(element) -> bool:
    if element.tag in ASIDE_TAGS:
        return True
    names = [n for n in (element.get("class") or "").split() + [element.get("id") or ""]
             if n and not MACHINE_NAMED.match(n)]
    if any(ASIDE_WORDS.search(name) for name in names):
        return True
    if element.tag in FRAME_TAGS or any(FRAME_WORDS.search(name) for name in names):
        return next(element.iterancestors("article"), None) is None
    return False


FACET_VALUE = re.compile(r"^(?:(?:19|20)\d\d|.*[^\d\W].*)$")


def _facet(link, page: str) -> bool:
    """Whether a link is a listing ``page`` filtered: the same path with every parameter of the
    page kept and more added, each a word or a year ("?co_quan=ubnd-xa", "?nam=2026"); a post
    of a script-driven portal adds its number instead ("thong-bao.php?id=311")."""
    here = urlsplit(page)
    if link.path != here.path or not link.query or link.netloc != here.netloc:
        return False
    mine = set(parse_qsl(here.query, keep_blank_values=True))
    theirs = set(parse_qsl(link.query, keep_blank_values=True))
    added = theirs - mine
    return mine < theirs and all(FACET_VALUE.match(value) for _, value in added)


def _in_heading(anchor) -> bool:
    return next(anchor.iterancestors(*HEADINGS), None) is not None


def _in_menu(element) -> bool:
    """Whether an element is, or sits in, a navigation menu."""
    for node in [element, *element.iterancestors()]:
        if node.tag == "nav" or (node.get("role") or "").lower() in ("navigation", "menubar",
                                                                     "menu"):
            return True
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if MENU_WORDS.search(names):
            return True
    return False


def _is_answer(element) -> bool:
    # Class only: Liferay's FAQ names the box holding question and answer alike "box-answer…".
    return bool(ANSWER_CLASS.search(element.get("class") or ""))


@functools.lru_cache(maxsize=512)
def _css(selector: str) -> CSSSelector:
    """A CSS selector compiled once (platform selectors run on every item of every page)."""
    return CSSSelector(selector)


def _bare_host(netloc: str) -> str:
    """A host as two links to one site compare: lower case, without "www." (port kept)."""
    netloc = netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


@functools.lru_cache(maxsize=16384)
def canonical(url: str) -> str:
    """A URL as posts and pages are compared: w3lib's canonical form (query sorted, fragment
    dropped), the path's case kept (ASP.NET and SharePoint paths may differ only in case).
    Remembered: a section's posts are compared again each time one of its pages is read."""
    return canonicalize_url(url)


def _absolute(href: str | None, base: str) -> str | None:
    """The canonical absolute URL of a link, None for script, mail and in-page links."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return None
    scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
    if scheme in ("javascript", "mailto", "tel", "data", "sms", "callto"):
        return None
    url = urljoin(base, href)
    if urlsplit(url).scheme not in ("http", "https", "file"):
        return None
    return canonical(url)


class _Page:
    """A parsed page: its document, URL, base for relative links, and cached table headers."""

    def __init__(self, doc, url: str):
        self.doc = doc
        self.url = canonical(url) if url else ""
        self.host = _bare_host(urlsplit(self.url).netloc) if url else ""
        self.pages: set[str] = set()          # the pager's links: never posts
        self.shared: set[str] = set()         # links every block repeats (categories)
        base = doc.xpath("//base/@href")
        self.base = urljoin(url, base[0].strip()) if base and base[0].strip() else url
        self._headers: dict = {}
        self._links: dict = {}                # href → canonical absolute URL
        self.section = ""                     # the section's own URL (its facets are no posts)

    def link_url(self, anchor) -> str | None:
        href = anchor.get("href")
        if href not in self._links:
            self._links[href] = _absolute(href, self.base)
        return self._links[href]

    def post_url(self, anchor) -> str | None:
        """The URL of a link that may lead to a post (not a file, a feed, this page, nor a page
        of another site: a share button, a national portal)."""
        url = self.link_url(anchor)
        if url is None or url == self.url or url in self.pages:
            return None
        parts = urlsplit(url)
        if self.host and _bare_host(parts.netloc) != self.host:
            return None
        path = parts.path
        if not parts.query and HOME_PATH.search(path):
            return None                 # the home page ("Trang chủ", the logo)
        if any(_facet(parts, page) for page in (self.url, self.section) if page):
            return None                 # the listing filtered ("?co_quan=…", "?nam=2026")
        if FILE_LINK.search(path) or FEED_LINK.search(url):
            return None
        return url

    def headers(self, table) -> list[str]:
        """The folded column headings of a table ([] when it has none)."""
        if table not in self._headers:
            labels: list[str] = []
            for row in table.xpath("./thead/tr|./tr|./tbody/tr"):
                cells = row.xpath("./th|./td")
                if row.xpath("./th") or row.getparent().tag == "thead":
                    labels = [fold(_text(c)) for c in cells]
                    break
            self._headers[table] = labels
        return self._headers[table]


# -- the page objects ------------------------------------------------------------------------------
class ListingExtractor:
    """The generic page object, for markup nobody told us about: the main content is found by
    the usual landmarks, the posts as repeated blocks (same parent, same tag) each holding one
    post link and, most of them, a date. Platform classes narrow it with their own selectors."""

    # CSS selectors, tried in order; the first that matches wins.
    main_selectors: tuple[str, ...] = ()
    item_selectors: tuple[str, ...] = ()
    title_selectors: tuple[str, ...] = ()
    date_selectors: tuple[str, ...] = ()
    article_date_selectors: tuple[str, ...] = ()
    GENERIC_MAIN = ("main", "[role=main]", "#main-content", "#maincontent", "#content-main",
                    "#content", "#main", ".main-content", "#primary")
    # <meta> names (property, name or itemprop, lower case) of an article's publication date.
    ARTICLE_META = ("article:published_time", "og:published_time", "datepublished", "pubdate",
                    "publishdate", "dc.date", "dc.date.issued", "dcterms.created",
                    "dcterms.date", "date")
    MAX_CLIMB = 6          # how far above a link a repeated block may start

    # -- the listing -------------------------------------------------------------------------
    def reading(self, doc, url: str, platform: str,
                hints: Hints | None = None) -> ListingReading:
        """Every block of posts of the page, its pager and post-backs (ListingReading)."""
        hints = hints or Hints()
        page = _Page(doc, url)
        # the section's own first page and the portal's home are never its posts
        page.pages.update(canonical(u) for u in (hints.section_url, hints.home_url) if u)
        page.section = canonical(hints.section_url) if hints.section_url else ""
        root = self.main_root(doc)
        page_urls, next_url = self.pager(doc, root, page)
        page.pages.update(page_urls)
        blocks = self.blocks(doc, root, page, hints)
        empty = says_empty(_text(root)) if len(_text(root)) < 4000 else False
        return ListingReading(platform, blocks, page_urls, next_url,
                              self.postbacks(doc, page), empty)

    def main_root(self, doc):
        body = doc.find("body") if doc.find("body") is not None else doc
        for selector in self.main_selectors + self.GENERIC_MAIN:
            # an empty landmark (Drupal's <a id="main-content"> skip target) is no content
            found = [e for e in _css(selector)(doc)
                     if len(e) and len(_text(e)) >= 40 and not self.in_aside(e, body)]
            if found:
                return found[0]
        return body

    def blocks(self, doc, root, page: _Page, hints: Hints | None = None) -> list[Block]:
        """Every block of the page that may be a listing: the platform's own items, the groups
        of repeated post links anywhere in the page, a lone dated post."""
        body = doc.find("body") if doc.find("body") is not None else doc
        found: list[Block] = []
        order = {a: i for i, a in enumerate(body.iter("a"))}
        items = self.items(root, page)
        if items:
            posts = self._posts(items, page, page.shared)
            if posts:
                container = items[0].getparent() if items[0].getparent() is not None else root
                found.append(self._block(container, items, posts, page, root, order,
                                         source="platform"))
        for container, members, shared in self.groups(body, page):
            posts = self._posts(members, page, shared)
            if not self._listing_like(posts):
                continue
            if len(members) == 1 and members[0].tag != "tr" and posts[0].published is None:
                continue        # a list of one undated link (a facet, a teaser) is no listing
            featured = self._featured(container, members, posts, page)
            if featured is not None:
                posts = [featured] + posts
            found.append(self._block(container, members, posts, page, root, order))
        listed = {p.url for b in found for p in b.posts}
        for single in self.lone_posts(body, page, listed, (hints or Hints()).section_name):
            posts = self._posts([single], page, set())
            if posts:
                parent = single.getparent()
                found.append(self._block(root if parent is None else parent, [single], posts,
                                         page, root, order, source="single"))
        return found

    def _posts(self, members, page: _Page, shared: set[str]) -> list[PostLink]:
        posts, seen = [], set()
        for member in members:
            post = self.post(member, page, shared)
            if post is not None and post.url not in seen:
                seen.add(post.url)
                posts.append(post)
        return posts

    def _block(self, container, members, posts, page: _Page, root, order,
               source: str = "generic") -> Block:
        first = next((a for m in members for a in m.iter("a") if a in order), None)
        inside = root is not None and root.tag != "body" and (
            container is root or any(a is root for a in container.iterancestors()))
        aside = _is_aside(container) or self.in_aside(container, None)
        return Block(signature(container, members[0].tag), tuple(posts),
                     heading=heading_of(container), aside=aside, menu=_in_menu(container),
                     main=inside,
                     order=order.get(first, 0), source=source)

    @staticmethod
    def _listing_like(posts: list[PostLink]) -> bool:
        """Whether a group's links read like posts: dated, or titles rather than labels, or the
        ids posts carry; short labels to id-less pages are menus (a sub-menu of departments)."""
        urls = {p.url for p in posts}
        if not urls:
            return False
        if any(p.published is not None for p in posts):
            return True
        mean_title = sum(len(p.title) for p in posts) / len(posts)
        numbered = all(re.search(r"\d", urlsplit(u).path + urlsplit(u).query) for u in urls)
        if mean_title < 15 or (mean_title < 30 and not numbered):
            return False
        return len(urls) >= 3 or mean_title >= 25 or (len(urls) == 1 and numbered)

    def _featured(self, container, members, posts, page: _Page) -> PostLink | None:
        """A post shown apart just before a block (NukeViet's featured first post, a "tin nổi
        bật" above the list): one post link made on the block's URL template, in an element
        right before the block's container or one of its two nearest ancestors."""
        shapes = [url_shape(p.url) for p in posts]
        shape = max(set(shapes), key=shapes.count)
        known = {p.url for p in posts}
        node = container
        for _ in range(3):
            if node is None:
                return None
            sibling = node.getprevious()
            while sibling is not None and not isinstance(sibling.tag, str):
                sibling = sibling.getprevious()
            if sibling is not None and sibling.tag not in ("script", "style"):
                urls = self._urls(sibling, page) - known
                if len(urls) == 1 and not (self._urls(sibling, page) & known):
                    post = self.post(sibling, page, set())
                    if post is not None and url_shape(post.url) == shape and len(post.title) >= 15:
                        return post
                if self._urls(sibling, page):
                    return None
            node = node.getparent()
        return None

    def items(self, root, page: _Page) -> list:
        """The platform's own items, when its selectors find posts: each item must hold one
        post (a selector that matches a wrapper of many posts does not fit this portal)."""
        for selector in self.item_selectors:
            found = [e for e in _css(selector)(root)
                     if not self.in_aside(e, root) and self.title_link(e, page) is not None]
            if found and not any(len(self._titled_urls(e, page)) > 1 for e in found):
                return found
        return []

    def _titled_urls(self, element, page: _Page) -> set[str]:
        """The post URLs an element links by a heading or a long text (titles, not tags)."""
        return {page.post_url(a) for a in element.iter("a")
                if page.post_url(a) and (len(_text(a)) >= 25 or next(
                    (h for h in a.iterancestors(*HEADINGS)), None) is not None)}

    @staticmethod
    def in_aside(element, root) -> bool:
        """Whether an element sits in a menu, a sidebar or another box beside the content."""
        node = element.getparent()
        while node is not None and node is not root:
            if _is_aside(node):
                return True
            node = node.getparent()
        return False

    def groups(self, scope, page: _Page) -> list[tuple]:
        """Groups of sibling elements (same parent, same tag) each linking one post of its own:
        (container, members, links shared by several members). Groups of the same place in
        sibling containers (the rows of a grid, a list per year under its heading) are one
        group, a last row of one post included; a table with a heading row or a list holding
        one post is a group of one (a section with a single post)."""
        groups: dict[tuple, list] = {}
        for anchor in scope.iter("a"):
            if page.post_url(anchor) is None:
                continue
            node = anchor
            for _ in range(self.MAX_CLIMB):
                parent = node.getparent()
                if parent is None or node is scope:
                    break
                members = groups.setdefault((parent, node.tag), [])
                if not members or members[-1] is not node:
                    members.append(node)
                node = parent
        result = []
        for (parent, _tag), members in groups.items():
            members = [m for m in members if not _is_aside(m)]   # a breadcrumb among the posts
            if not members or (len(members) < 2 and not _lists_one(parent, members[0])):
                continue
            # A link found in several blocks (a category, an author) is no block's own post.
            seen: dict[str, int] = {}
            for member in members:
                for url in self._urls(member, page):
                    seen[url] = seen.get(url, 0) + 1
            shared = {url for url, count in seen.items() if count > 1}
            ones = [m for m in members if self._own_post(m, page, shared)]
            if not ones or len(ones) < len(members) / 2 or (len(ones) < 2 and len(members) > 1):
                continue
            if not _alike(ones):
                continue        # a panel's heading and its body are no two posts
            result.append((parent, ones, shared))
        return self._merge_rows(result, page)

    def _merge_rows(self, groups: list[tuple], page: _Page) -> list[tuple]:
        """Groups whose containers are siblings of one shape (the rows of a grid of posts, one
        list per year) as one group, in document order, with the members of sibling containers
        too small to be groups of their own (a last row of one card)."""
        merged: list[tuple] = []
        by_key: dict[tuple, int] = {}
        taken = {m for _, members, _ in groups for m in members}
        for container, members, shared in groups:
            parent = container.getparent()
            key = (parent, container.tag, container.get("class") or "", members[0].tag)
            if parent is not None and key in by_key:
                index = by_key[key]
                first, old_members, old_shared = merged[index]
                merged[index] = (first, old_members + members, old_shared | shared)
                continue
            if parent is not None:
                by_key[key] = len(merged)
            merged.append((container, members, shared))
        result = []
        for container, members, shared in merged:
            parent = container.getparent()
            siblings = [c for c in parent if c is not container and c.tag == container.tag and
                        (c.get("class") or "") == (container.get("class") or "")] \
                if parent is not None and len(members) >= 2 else []
            extra = [m for c in siblings for m in c if isinstance(m.tag, str)
                     and m.tag == members[0].tag and m not in taken
                     and self._own_post(m, page, shared)]
            if extra:
                members = sorted(members + extra, key=_document_order(container))
            result.append((container, members, shared))
        return result

    MAX_LONE = 8      # lone posts looked at on a page

    def lone_posts(self, body, page: _Page, listed: set[str], section: str = "") -> list:
        """A listing of one post has no repetition to see: the blocks around post links that
        are in no group (a title, not a label), when the block also shows the post's date or
        sits right under the heading that names the ``section`` (an undated lone link
        elsewhere is a teaser, a banner, an "about us" box)."""
        found, seen = [], set(listed)
        for anchor in body.iter("a"):
            url = page.post_url(anchor)
            if url is None or url in seen or len(self.title_of(anchor, anchor)) < 20 \
                    or _in_menu(anchor):
                continue
            seen.add(url)
            block, named = anchor, False
            while block.getparent() is not None and block.getparent() is not body and \
                    self._one_post(block.getparent(), page) and not _is_aside(block.getparent()):
                block = block.getparent()
                named = named or names_section(heading_of(block), section)
            if block is anchor:
                continue
            date = self.date_of(block, anchor, page)
            if date.value is not None or named:
                found.append(block)
                if len(found) >= self.MAX_LONE:
                    break
        return found

    @staticmethod
    def _urls(element, page: _Page) -> set[str]:
        return {page.post_url(a) for a in element.iter("a")} - {None}

    def _own_post(self, element, page: _Page, shared: set[str]) -> bool:
        """Whether a block links one post of its own: one URL besides the shared ones, or one
        linked by a heading or a long text (a tag or a category is a short word)."""
        own = self._urls(element, page) - shared
        if len(own) == 1:
            return True
        headed = {page.post_url(a) for a in element.iter("a")
                  if page.post_url(a) in own and _in_heading(a)}
        title = max((len(_text(a)) for a in element.iter("a") if page.post_url(a) in headed),
                    default=0)
        if len(headed) == 1 and len(own) <= 3 and not any(
                page.post_url(a) in own - headed and len(_text(a)) >= max(25, title)
                for a in element.iter("a")):
            return True             # the title in a heading, a category link or two under it
        if headed:
            return False            # a heading over other posts' titles: a panel of posts
        titled = {page.post_url(a) for a in element.iter("a")
                  if page.post_url(a) in own and len(_text(a)) >= 25}
        return len(titled) == 1

    def _one_post(self, element, page: _Page) -> bool:
        """Whether a block links one post (an image and a title may both link it)."""
        return len(self._urls(element, page)) == 1

    # -- one post ------------------------------------------------------------------------------
    def post(self, item, page: _Page, shared: set[str] | None = None) -> PostLink | None:
        anchor = self.title_link(item, page, shared if shared is not None else page.shared)
        if anchor is None:
            return None
        title = self.title_of(anchor, item)
        if GENERIC_LINK_TEXT.match(fold(title)):
            # "Xem" in a row that says what it links (a documents table); alone ("Xem tất cả")
            # a link to the whole section, no post
            title = _text_before_answer(item, skip=anchor) if item is not anchor else ""
            if len(title) < 10:
                return None
        found = self.date_of(item, anchor, page)
        return PostLink(page.post_url(anchor), title, found.value, found.moment,
                        found.text if found.value else None)

    def title_link(self, item, page: _Page, shared: set[str] = frozenset()):
        for selector in self.title_selectors:
            for anchor in _css(selector)(item):
                if page.post_url(anchor):
                    return anchor
        anchors = [a for a in item.iter("a") if page.post_url(a) not in (None, *shared)
                   and not _is_answer(a)]
        headed = [a for a in anchors if _in_heading(a) and _text(a)]
        if len({page.post_url(a) for a in headed}) == 1:
            return headed[0]
        with_text = [a for a in anchors if _text(a)]
        if with_text:      # the title is the longest link text (an image link has none)
            return max(with_text, key=lambda a: len(_text(a)))
        return anchors[0] if anchors else None

    @staticmethod
    def title_of(anchor, item) -> str:
        text = _text(anchor)
        attribute = " ".join(nfc(anchor.get("title") or "").split())
        if not text:
            images = anchor.xpath(".//img/@alt")
            text = " ".join(nfc(images[0]).split()) if images else ""
        shortened = text.endswith(("...", "…")) and attribute.startswith(text.rstrip(".… "))
        if attribute and len(attribute) > len(text) and (
                len(text) < 25 or shortened or GENERIC_LINK_TEXT.match(fold(text))):
            return attribute
        return text or attribute

    def date_of(self, item, anchor, page: _Page) -> FoundDate:
        """The post's date: the table's date column, a date element, else the block's text
        outside the title and before any answer."""
        if item.tag == "tr":
            cell = self.date_cell(item, page)
            if cell is not None:
                found = find_date(_spaced_text(cell))
                if found.value:
                    return found
        for selector in self.date_selectors:
            for element in _css(selector)(item):
                found = self.date_in(element, item)
                if found is not None:
                    return found
        for element in item.iter():
            if not isinstance(element.tag, str) or element is item:
                continue
            if element.tag == "time" or DATE_CLASS.search(_classes(element)):
                found = self.date_in(element, item)
                if found is not None:
                    return found
        found = _item_date(item, anchor)
        if found.value is None and found.reason and "without a year" in found.reason:
            year = _year_hint(item, anchor, page)
            if year is not None:
                return find_date(_text_before_answer(item, skip=anchor), year=year)
        return found

    def date_in(self, element, item) -> FoundDate | None:
        node = element
        while node is not None and node is not item:   # an answer's date is not the question's
            if _is_answer(node):
                return None
            node = node.getparent()
        for value in (element.get("datetime"), element.get("content"), _spaced_text(element)):
            if value:
                found = find_date(value)
                if found.value:
                    return found
        return None

    def date_cell(self, row, page: _Page):
        """The cell of a table row under the date column (issue, posting or sending date)."""
        table = next((a for a in row.iterancestors("table")), None)
        if table is None:
            return None
        headers = page.headers(table)
        cells = row.xpath("./td|./th")
        if not headers or len(cells) != len(headers):
            return None
        for wanted in ("ngay ban hanh", "ngay dang", "ngay gui", "ngay"):
            for index, label in enumerate(headers):
                if wanted in label and "hieu luc" not in label and "tra loi" not in label:
                    return cells[index]
        return None

    # -- the pager -----------------------------------------------------------------------------
    def pager(self, doc, root, page: _Page) -> tuple[list[str], str | None]:
        """The other pages the pager links, and the next one: rel="next", else a link saying
        so ("Trang sau", "Next", "›"), else the number after the current page's, else "»"
        (which means "last" on some portals)."""
        urls: list[str] = []
        candidates: list[tuple[int, str]] = []
        numbered: dict[int, str] = {}
        body = doc.find("body") if doc.find("body") is not None else doc
        scopes = [root] if root is body else [root, body]
        for scope in scopes:              # a pager drawn outside the main content, if need be
            for anchor in scope.iter("a"):
                url = page.link_url(anchor)
                if url is None or url == page.url or self.is_current(url, page):
                    continue
                if scope is not root and (self.in_aside(anchor, scope)
                                          or not self.in_pager(anchor, scope)):
                    continue
                label = _label(anchor)
                rel = (anchor.get("rel") or "").lower().split()
                number = _page_number(label)
                is_nav = bool(PAGER_LABEL.search(label))
                in_pager = self.in_pager(anchor, scope)
                shaped = _page_shaped(url, page.url)
                if not ((in_pager and (number is not None or is_nav or shaped)) or "next" in rel
                        or "prev" in rel or (shaped and (number is not None or is_nav))):
                    continue
                if url not in urls:
                    urls.append(url)
                if "next" in rel:
                    candidates.append((0, url))
                elif not OTHER_MOVE.search(label):
                    if NEXT_WORDS.search(label):
                        candidates.append((1, url))
                    elif NEXT_ARROW.search(label):
                        candidates.append((2, url))
                    elif NEXT_DOUBLE_ARROW.search(label):
                        candidates.append((4, url))
                if number is not None:
                    numbered.setdefault(number, url)
            if urls:
                current = self.current_number(scope)
                if current is not None and current + 1 in numbered:
                    candidates.append((3, numbered[current + 1]))
                break
        for href in doc.xpath("//link[@rel='next']/@href"):
            url = _absolute(href, page.base)
            if url and url != page.url:
                candidates.append((0, url))
                if url not in urls:
                    urls.append(url)
        next_url = min(candidates, key=lambda c: c[0])[1] if candidates else None
        return urls, next_url

    def current_number(self, scope) -> int | None:
        """The current page's number, as the pager shows it unlinked (or linked to nowhere)."""
        for element in scope.iter():
            if not isinstance(element.tag, str) or not self.in_pager(element, scope):
                continue
            if element.tag == "a" and _absolute(element.get("href"), "http://x/") is not None:
                continue
            if element.tag != "a" and (element.xpath(".//a") or len(element)):
                continue
            number = _page_number(_label(element))
            if number is not None:
                return number
        return None

    def is_current(self, url: str, page: _Page) -> bool:
        """Whether a pager link leads to the page itself under another URL."""
        return False

    @staticmethod
    def in_pager(anchor, root) -> bool:
        node, depth = anchor.getparent(), 0
        while node is not None and depth < 6:
            if PAGER_CLASS.search(_classes(node)):
                return True
            if node is root:
                break
            node, depth = node.getparent(), depth + 1
        return False

    # -- WebForms post-backs ---------------------------------------------------------------------
    def postbacks(self, doc, page: _Page) -> list[Postback]:
        found: list[Postback] = []
        arguments = set()
        for anchor in doc.iter("a"):
            script = f"{anchor.get('href') or ''} {anchor.get('onclick') or ''}"
            match = DO_POSTBACK.search(script)
            if not match or not match.group(2).startswith("Page$"):
                continue
            target, argument = match.group(1), match.group(2)
            if argument in arguments:
                continue
            arguments.add(argument)
            form = next(anchor.iterancestors("form"), None)
            if form is None:
                forms = doc.xpath("//form[.//input[@name='__VIEWSTATE']]") or doc.xpath("//form")
                form = forms[0] if forms else None
            formdata = {}
            action = page.url
            if form is not None:
                for field_ in form.xpath(".//input[translate(@type, 'HIDEN', 'hiden')='hidden']"):
                    if field_.get("name"):
                        formdata[field_.get("name")] = field_.get("value") or ""
                action = _absolute(form.get("action"), page.base) or page.url
            formdata["__EVENTTARGET"] = target
            formdata["__EVENTARGUMENT"] = argument
            found.append(Postback(target, argument, formdata, action))
        return found

    # -- an article's date -------------------------------------------------------------------------
    def article_date(self, doc, url: str, title: str | None = None) -> FoundDate:
        """The platform's own date element; else a date the page states for machines (meta,
        itemprop, JSON-LD); else the date printed with the article's title; else a date
        element of the main content."""
        root = self.main_root(doc)
        for selector in self.article_date_selectors:
            for element in _css(selector)(root) or _css(selector)(doc):
                found = self.date_in(element, root)
                if found is not None:
                    return found
        metas: dict[str, str] = {}
        for meta in doc.iter("meta"):
            for key in ("property", "name", "itemprop"):
                if meta.get(key) and meta.get("content"):
                    metas.setdefault(meta.get(key).strip().lower(), meta.get("content"))
        for name in self.ARTICLE_META:
            if name in metas:
                found = find_date(metas[name])
                if found.value:
                    return found
        for element in doc.xpath("//*[@itemprop='datePublished']"):
            found = self.date_in(element, doc)
            if found is not None:
                return found
        found = articles.structured(doc)
        if found is not None:
            return found
        body = doc.find("body") if doc.find("body") is not None else doc
        found = articles.near_title(body, title, url,
                                    " ".join(doc.xpath("//head/title//text()")))
        if found is not None:
            return found
        for element in root.iter():
            if not isinstance(element.tag, str) or self.in_aside(element, root):
                continue
            if element.tag == "time" or DATE_CLASS.search(_classes(element)):
                found = self.date_in(element, root)
                if found is not None:
                    return found
        return FoundDate(None, None, "", "no publication date printed with the article's title")


HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# How far after an article's title its date line may be (the body text comes later).
ARTICLE_DATE_WINDOW = 160

PAGER_CLASS = re.compile(r"pag(?:ination|er|ing|e-?iterator|e-?numbers|e-?nav|enavi)|\bpgr\b|"
                         r"nav-links|phan-?trang|phantrang|\bpages\b", re.I)
NEXT_WORDS = re.compile(r"trang sau|trang tiếp|tiếp theo|kế tiếp|\btiếp\b|\bsau\b|\bnext\b|"
                        r"\bolder\b|xem thêm|xem tiếp|cũ hơn", re.I)
NEXT_ARROW = re.compile(r"^(?:›|→|>|››)$|›|→")
NEXT_DOUBLE_ARROW = re.compile(r"»|>>")
OTHER_MOVE = re.compile(r"cuối|\blast\b|đầu|\bfirst\b|trước|\bprev|newer|‹|«|←", re.I)
PAGER_LABEL = re.compile(r"trang sau|trang trước|tiếp|\bsau\b|trước|đầu|cuối|\bnext\b|\bprev|"
                         r"xem thêm|cũ hơn|mới hơn|"
                         r"\bfirst\b|\blast\b|older|newer|›|»|‹|«|→|←|^>+$|^<+$|^\.\.\.$|^…$",
                         re.I)
PAGE_NUMBER = re.compile(r"^(?:trang|page)?\s*(\d{1,4})\b(?!\s*[/.:-]\s*\d)", re.I)
PAGE_PARAM = re.compile(r"^(?:page|trang|p|pg|paged|pageindex|pagenum|pagenumber|page_no|"
                        r"currentpage|cur|start|.*_cur)$", re.I)
PAGE_PATH = re.compile(r"^(?P<base>.*?)/?(?:page|trang)[-/_]?\d+(?:\.html?)?/?$", re.I)
DO_POSTBACK = re.compile(r"__doPostBack\(\s*['\"]([^'\"]*)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)")


def _label(element) -> str:
    """What a link says: its text, title and ARIA label."""
    return " ".join(nfc(" ".join(filter(None, (
        " ".join(element.itertext()), element.get("title"), element.get("aria-label"))))).split())


def _page_number(label: str) -> int | None:
    match = PAGE_NUMBER.match(label)
    return int(match.group(1)) if match else None


def _page_shaped(url: str, current: str) -> bool:
    """Whether a URL is the current listing's URL with another page number."""
    link, here = urlsplit(url), urlsplit(current)
    if link.netloc != here.netloc:
        return False
    if link.path.lower() == here.path.lower():
        return any(PAGE_PARAM.match(k) for k, _ in parse_qsl(link.query, keep_blank_values=True))
    match = PAGE_PATH.match(link.path)
    if match:
        other = PAGE_PATH.match(here.path)
        here_base = other.group("base") if other else here.path.rstrip("/")
        # "/danh-muc/tin-tuc.html" pages on as "/danh-muc/tin-tuc/trang-2.html"
        here_base = re.sub(r"\.(?:html?|aspx?|php)$", "", here_base.rstrip("/"), flags=re.I)
        return match.group("base").rstrip("/").lower() == here_base.lower()
    return False


def _item_date(item, anchor) -> FoundDate:
    """A post's date in its block, outside its title and before any answer: a line that is
    only a date, says so ("Ngày đăng: …") or gives the time. A date inside a sentence of the
    lead ("Ngày 12/11/2026, UBND xã…") is the event's, often days before the post: alone, it
    leaves the post undated (its article tells)."""
    text = _text_before_answer(item, skip=anchor)
    first = find_date(text)
    if first.value is None:
        return first
    pieces: list[str] = []

    def walk(element):
        if element is anchor or not isinstance(element.tag, str) or element.tag in (
                "script", "style") or _is_answer(element):
            return
        pieces.append(element.text or "")
        for child in element:
            walk(child)
            pieces.append(child.tail or "")

    walk(item)
    for piece in (" ".join(nfc(p).split()) for p in pieces):
        if not piece or not any(c.isdigit() for c in piece):
            continue
        found = find_date(piece, loose=False)
        if found.value is not None and articles.date_strength(piece, found) == 2:
            return found
    if any(find_date(" ".join(nfc(p).split()), loose=False).value for p in pieces if p.strip()):
        return FoundDate(None, None, first.text, "only a date inside the lead (the event's)")
    return first            # a date split over several elements: read as a whole


YEAR_IN_PATH = re.compile(r"/((?:19|20)\d\d)/(?:\d{1,2}/)?")
YEAR_IN_HEADING = re.compile(r"\b((?:19|20)\d\d)\b")


def _year_hint(item, anchor, page: _Page) -> int | None:
    """The year of a post whose listing prints only day and month: from its address
    (/2026/11/…), else from the nearest heading above it that names one ("Năm 2026")."""
    url = page.post_url(anchor) or ""
    match = YEAR_IN_PATH.search(urlsplit(url).path)
    if match:
        return int(match.group(1))
    node = item
    for _ in range(4):
        sibling = node.getprevious()
        while sibling is not None:
            if isinstance(sibling.tag, str) and not sibling.xpath(".//a"):
                text = _text(sibling)
                match = YEAR_IN_HEADING.search(text) if len(text) <= 60 else None
                if match:
                    return int(match.group(1))
            sibling = sibling.getprevious()
        node = node.getparent()
        if node is None:
            break
    return None


def _text_before_answer(item, skip) -> str:
    """The text of a block outside ``skip`` (its title link), up to an answer block."""
    parts: list[str] = []
    stopped = False

    def walk(element):
        nonlocal stopped
        if stopped:
            return
        if element is not skip and isinstance(element.tag, str) and element.tag not in (
                "script", "style"):
            if _is_answer(element) or ANSWER_LABEL.match(" ".join(
                    nfc(element.text or "").split())):
                stopped = True
                return
            parts.append(element.text or "")
            for child in element:
                walk(child)
                if stopped:
                    return
        if element is not item:
            parts.append(element.tail or "")

    walk(item)
    return " ".join(" ".join(parts).split())


def _text_after(element, limit: int) -> str:
    """The text that follows an element in the document, up to ``limit`` characters."""
    parts: list[str] = []
    size = 0
    node = element
    while node is not None and size < limit:
        tail = node.tail or ""
        parts.append(tail)
        size += len(tail.strip())
        for sibling in node.itersiblings():
            if size >= limit:
                break
            if isinstance(sibling.tag, str) and sibling.tag not in ("script", "style"):
                text = sibling.text_content()
                parts.append(text)
                size += len(text.strip())
            parts.append(sibling.tail or "")
        node = node.getparent()
    return " ".join(nfc(" ".join(parts)).split())[:limit]


# Class words that vary between the items of one list (zebra rows, the first, the current).
ITEM_VARIANTS = re.compile(r"^(?:.*(?:odd|even|first|last).*|alt|alternate|active|current|"
                           r"featured|hot|new|noi-?bat|clearfix|.*\d.*)$", re.I)


def _alike(members) -> bool:
    """Whether a group's members are made alike (the items of one list): their classes (zebra,
    "first", "featured" and numbered words aside) mostly shared with the first one's, for at
    least half of them (all of them for two): a panel's heading and its body are not."""
    def words(member) -> set[str]:
        return {t for t in (member.get("class") or "").split() if not ITEM_VARIANTS.match(t)}

    first = words(members[0])

    def close(other: set[str]) -> bool:
        union = first | other
        return not union or len(first & other) * 2 >= len(union)

    alike = sum(1 for m in members if close(words(m)))
    return alike == len(members) if len(members) == 2 else alike * 2 >= len(members)


def _lists_one(parent, member) -> bool:
    """Whether a lone element is the one entry of a listing: the only data row of a table with
    a heading row, or the only item of a list."""
    if parent.tag in ("ul", "ol") and member.tag == "li":
        return True
    if member.tag == "tr" and parent.tag in ("table", "tbody"):
        table = parent if parent.tag == "table" else parent.getparent()
        return table is not None and bool(table.xpath(".//th|./thead"))
    return False


def _document_order(root):
    """A sort key: an element's position in the document ``root`` belongs to."""
    positions = {e: i for i, e in enumerate(root.getroottree().iter())}
    return lambda element: positions.get(element, 0)


# -- the platforms ---------------------------------------------------------------------------------
class LiferayListing(ListingExtractor):
    """Liferay 6.2 Asset Publisher (portlet 101), its document and FAQ portlets; pages by
    ``_cur=N`` (page 1 again as ``_cur=1``), dates ``03/04/2020 | 10:36 PM``."""

    main_selectors = ("#column-1", "#main-content")
    item_selectors = (".asset-abstract", ".vanban-portlet tbody tr", ".results-grid tbody tr",
                      ".lfr-search-container tbody tr", ".tintuc_chuyenmuc", ".faq-item")
    title_selectors = (".asset-title a", "h3 a", "h2 a")
    date_selectors = (".assetPublishDate", ".nguoi-hoi", ".date", ".time")
    article_date_selectors = (".asset-full-content .assetPublishDate", ".date_content_asset",
                              ".assetPublishDate")
    CUR = re.compile(r"(?:^|_)cur$")

    def is_current(self, url: str, page: _Page) -> bool:
        """Liferay links page 1 again as ``_cur=1``: the same page as the bare section URL."""
        if urlsplit(url).path.rstrip("/") != urlsplit(page.url).path.rstrip("/"):
            return False
        wanted = _liferay_cur(url)
        return wanted is not None and wanted == (_liferay_cur(page.url) or 1)


def _liferay_cur(url: str) -> int | None:
    for key, value in parse_qsl(urlsplit(url).query):
        if LiferayListing.CUR.search(key) and value.isdigit():
            return int(value)
    return None


class SharePointListing(ListingExtractor):
    """SharePoint publishing pages: content-query lists ``li.dfwp-item``, list-view tables,
    ``?ChuyenMucID=&Page=N``; dates ``Thứ Hai, 12/03/2018 08:30`` or ``12/03/2018 8:30 CH``."""

    main_selectors = ("#DeltaPlaceHolderMain", "#contentBox", "#MSO_ContentTable")
    item_selectors = ("li.dfwp-item", "table.ms-listviewtable tr", ".hoidap-item")
    title_selectors = (".link-item > a", "a.tieu-de", ".cau-hoi a")
    date_selectors = (".date-line", ".ngay-gui", ".ms-vb2 .date")
    article_date_selectors = (".article-date", ".ms-rtestate-field .date", ".news-date")


class NukeVietListing(ListingExtractor):
    """NukeViet 4 news module: ``.news_column`` blocks, ``/page-N``; ``Thursday, 18/07/2024``."""

    main_selectors = ("#main", ".col-md-18", "#content")
    item_selectors = (".news_column", "table.laws-list tbody tr", ".faq-item",
                      ".list-news li", ".news-list li")
    title_selectors = ("h3 a", "h2 a", ".faq-question a")
    date_selectors = (".publtime", ".faq-date", "time")
    article_date_selectors = ("[itemprop=datePublished]", ".publtime", ".news-time")


class DrupalListing(ListingExtractor):
    """Drupal 7/8 views: ``.views-row`` blocks and ``views-table`` tables, ``?page=N`` from 0;
    ``Ngày đăng: 26/11/2025``; articles ``/node/N`` with ``<time datetime>`` or ``(26/11/2025)``."""

    main_selectors = ("#content", "main", "[role=main]", ".region-content")
    item_selectors = (".view-content .views-row", ".view-content table tbody tr",
                      ".node-teaser", "article.node--view-mode-teaser")
    title_selectors = (".views-field-title a", "h2 a", "h3 a")
    date_selectors = (".views-field-created", ".views-field-changed", ".date-display-single",
                      "time")
    article_date_selectors = (".submitted time", ".node__meta time", ".submitted .date",
                              ".submitted", ".node__meta", ".field-name-post-date")


class AspNetListing(ListingExtractor):
    """ASP.NET WebForms GridView: rows of ``table[id$=gvNews]``, paged only by
    ``__doPostBack('…','Page$N')``; dates ``(26/11/2025)``, ``Ngày 21 tháng 09 năm 2025``."""

    main_selectors = ("#ctl00_ContentPlaceHolder1_pnlNoiDung", "[id$=ContentPlaceHolder1]",
                      "#content", "#main")
    # The grid's own rows, not those of the pager table nested in its last row.
    item_selectors = ("table.gv > tr", "table.gv > tbody > tr", "table[id*=gv] > tr",
                      "table[id*=gv] > tbody > tr", "table[id*=Grid] > tr",
                      "table[id*=Grid] > tbody > tr", ".news-item", ".tin-tuc-item")
    title_selectors = ("a.tieu-de", "td.cau-hoi a", "td.trich-yeu a")
    date_selectors = (".ngay", ".date")
    article_date_selectors = (".ngay-dang", ".ngay", ".date")


class WordPressListing(ListingExtractor):
    """WordPress themes: ``article.post`` with ``h2.entry-title a`` and ``time.entry-date``,
    ``/page/N/`` pages linked by ``a.next.page-numbers``."""

    main_selectors = ("main#main", "#main", "#primary", "main", "#content")
    item_selectors = ("article.post", "article.type-post", "article.hentry", "div.post",
                      "article")
    title_selectors = (".entry-title a", "h2 a", "h3 a")
    date_selectors = ("time.entry-date.published", "time.entry-date", "time[datetime]",
                      ".posted-on", ".entry-date")
    article_date_selectors = ("time.entry-date.published", ".entry-meta time.entry-date",
                              "time.entry-date", ".posted-on time")


EXTRACTORS: dict[str, type[ListingExtractor]] = {
    "liferay": LiferayListing, "sharepoint": SharePointListing, "nukeviet": NukeVietListing,
    "drupal": DrupalListing, "aspnet": AspNetListing, "wordpress": WordPressListing,
    "generic": ListingExtractor,
}
