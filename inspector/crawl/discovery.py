"""Page objects that find a portal's sections, its information pages and a page's main content."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Iterator
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import lxml.html
from lxml.etree import ParserError
from w3lib.url import canonicalize_url

from ..model.checklist import Topics, load_topics
from ..model.textnorm import Matcher, fold, has_diacritics

# Abbreviations and short forms portals use in section names and URL slugs, with the words
# they stand for. topics.yaml already lists some (pbgdpl, qppl, cđđh, attp); the expansion lets
# every keyword of the long form match too ("Báo cáo KT-XH" is a "báo cáo kinh tế xã hội").
ABBREVIATIONS = {
    "PBGDPL": "phổ biến giáo dục pháp luật",
    "PBPL": "phổ biến pháp luật",
    "QPPL": "quy phạm pháp luật",
    "VBQPPL": "văn bản quy phạm pháp luật",
    "VBPQ": "văn bản pháp quy",
    "VBPL": "văn bản pháp luật",
    "TTHC": "thủ tục hành chính",
    "CĐĐH": "chỉ đạo điều hành",
    "CDDH": "chỉ đạo điều hành",
    "ATTP": "an toàn thực phẩm",
    "VSATTP": "vệ sinh an toàn thực phẩm",
    "KT-XH": "kinh tế - xã hội",
    "KTXH": "kinh tế - xã hội",
    "VH-XH": "văn hóa - xã hội",
    "QP-AN": "quốc phòng - an ninh",
    "AN-QP": "an ninh - quốc phòng",
    "KHCN": "khoa học công nghệ",
    "KH&CN": "khoa học công nghệ",
    "NCKH": "nghiên cứu khoa học",
    "TĐKT": "thi đua khen thưởng",
    "TDKT": "thi đua khen thưởng",
    "XLVPHC": "xử lý vi phạm hành chính",
    "XPVPHC": "xử phạt vi phạm hành chính",
    "PCTT": "phòng chống thiên tai",
    "PCTT-TKCN": "phòng chống thiên tai tìm kiếm cứu nạn",
    "TKCN": "tìm kiếm cứu nạn",
    "TNMT": "tài nguyên môi trường",
    "TN-MT": "tài nguyên môi trường",
    "LĐTBXH": "lao động thương binh xã hội",
    "LDTBXH": "lao động thương binh xã hội",
    "XTĐT": "xúc tiến đầu tư",
    "XTDT": "xúc tiến đầu tư",
    "KNTC": "khiếu nại tố cáo",
    "PAKN": "phản ánh kiến nghị",
    "CCHC": "cải cách hành chính",
    "PCTN": "phòng chống tham nhũng",
    "OCOP": "sản phẩm ocop",
}

# Where a link sits, most telling first: a URL linked from several places keeps the first.
HOW_ORDER = ("menu", "submenu", "sidebar_image", "footer", "body", "sitemap")

# Links to these are files, feeds or media, not sections.
FILE_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar",
                   ".7z", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".svg", ".webp", ".mp3",
                   ".mp4", ".avi", ".wmv", ".flv", ".rss", ".xml", ".atom", ".txt", ".csv",
                   ".css", ".js", ".ico", ".swf"}
SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "ftp:", "file:", "callto:")

# Static information pages: (link texts that name the kind, allowing a few more words after
# them, e.g. "Lãnh đạo Sở"; words of an href that name it). Order matters: a more specific
# kind is tried before one whose words it contains (co-cau "sơ đồ tổ chức" before so-do).
STATIC_KINDS: dict[str, tuple[list[str], list[str]]] = {
    "co-cau-to-chuc": (["cơ cấu tổ chức", "sơ đồ tổ chức", "tổ chức bộ máy", "bộ máy tổ chức"],
                       ["co cau to chuc", "so do to chuc", "to chuc bo may", "co cau"]),
    "gioi-thieu": (["giới thiệu chung", "giới thiệu", "thông tin giới thiệu", "tổng quan"],
                   ["gioi thieu", "about"]),
    "lanh-dao": (["lãnh đạo", "ban lãnh đạo", "thông tin lãnh đạo", "lãnh đạo sở"],
                 ["lanh dao", "lanh ao", "ban giam doc"]),
    "lien-he": (["liên hệ", "thông tin liên hệ", "liên hệ góp ý"], ["lien he", "contact"]),
    "duong-day-nong": (["đường dây nóng", "hotline"], ["duong day nong", "hotline"]),
    "danh-ba": (["danh bạ", "danh bạ cán bộ", "danh bạ điện thoại", "danh bạ thư điện tử"],
                ["danh ba"]),
    "thu-tuc": (["thủ tục hành chính", "bộ thủ tục hành chính", "tthc",
                 "thông tin thủ tục hành chính"], ["thu tuc hanh chinh", "tthc", "thu tuc"]),
    "du-an": (["dự án đầu tư", "thông tin dự án", "dự án", "danh mục dự án"], ["du an"]),
    "gop-y": (["lấy ý kiến dự thảo văn bản", "lấy ý kiến văn bản dự thảo", "góp ý dự thảo văn bản",
               "lấy ý kiến", "góp ý dự thảo", "lấy ý kiến dự thảo", "dự thảo văn bản",
               "lấy ý kiến nhân dân"], ["lay y kien", "gop y", "du thao"]),
    "tro-giup": (["trợ giúp", "hướng dẫn sử dụng"], ["tro giup", "help", "huong dan su dung"]),
    "so-do": (["sơ đồ cổng", "sơ đồ trang", "sơ đồ website", "sơ đồ site", "sơ đồ cổng thông tin",
               "site map", "sitemap"], ["so do cong", "so do website", "so do trang", "sitemap",
                                        "site map", "so do site"]),
}
STATIC_EXTRA_WORDS = 3          # "Lãnh đạo Sở", "Danh bạ cán bộ công chức"
# How a static page's link is preferred when several links name the same kind: an information
# block or the footer links the page itself; a menu may hold a section of the same name
# ("Dự án đầu tư" as a news section).
STATIC_HOW_PREFERENCE = ("body", "footer", "menu", "submenu", "sitemap", "sidebar_image")
# URL words of listings: a section's URL rather than an information page's.
LISTING_URL_WORDS = ("chuyen muc", "chuyenmuc", "category", "news", "tin tuc", "asset publisher")

SITEMAP_TITLES = ["sơ đồ cổng", "sơ đồ trang", "sơ đồ website", "sơ đồ site", "site map",
                  "sitemap", "sơ đồ cổng thông tin"]
SITEMAP_URL_WORDS = ["so do cong", "so do website", "so do trang", "so do site", "sitemap",
                     "site map"]

# id/class words of page regions.
MENU_WORDS = {"menu", "nav", "navbar", "navigation", "navi", "mainmenu", "topmenu", "topnav",
              "megamenu", "menubar", "menusite"}
FOOTER_WORDS = {"footer", "foot", "chantrang", "copyright"}
SIDEBAR_WORDS = {"sidebar", "sidenav", "sidenavbox", "aside", "sidebox", "leftcol", "rightcol",
                 "widget", "complementary"}
BREADCRUMB_WORDS = {"breadcrumb", "breadcrumbs"}
MAIN_IDS = ("main-content", "maincontent", "main_content", "content-main", "noi-dung", "noidung",
            "content", "contentbox", "content-area", "page-content", "deltaplaceholdermain",
            "main", "primary")
MAIN_CLASSES = ("main-content", "maincontent", "content-main", "noi-dung", "page-content")
BOILERPLATE_ROLES = {"navigation", "complementary", "banner", "contentinfo", "search", "menubar"}
# Text of pager and utility links: never a section.
PAGER_TEXTS = {"trang sau", "trang truoc", "sau", "truoc", "dau tien", "cuoi cung", "next",
               "previous", "prev", "first", "last", "xem tiep", "xem them", "xem tat ca",
               "chi tiet", "rss", "ve dau trang", "dang nhap", "tiep", "more", "trang dau",
               "trang cuoi", "quay lai", "tro ve"}
# Words a post's URL carries (an article, not a listing).
POST_QUERY_KEYS = {"itemid", "id_news", "newsid", "news_id", "articleid", "article_id", "idtin"}
POST_PATH_WORDS = ("/content/", "/view_content/", "/chi-tiet", "/chitiet", "/detail",
                   "/bai-viet/")


@dataclass
class SectionLink:
    """A link that may lead to a section: absolute URL, its text, where it sits on the page
    (menu, submenu, sidebar_image, footer, sitemap, body) and the topics its name carries."""

    url: str
    text: str
    how: str
    topics: list[str] = field(default_factory=list)
    # the information page the link also names ("Dự án đầu tư" may be the projects page or a
    # news section): a listing with posts is a section, a page without is that page
    page: str | None = None


# -- parsing ------------------------------------------------------------------------------------
def parse(html: str | bytes) -> lxml.html.HtmlElement:
    """The document of a page, a leading byte order mark skipped; an empty page is an empty
    document rather than an error."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    html = (html or "").lstrip("\ufeff").strip()
    try:
        return lxml.html.document_fromstring(html or "<html><body></body></html>")
    except (ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


def text_of(element) -> str:
    """The element's text, whitespace collapsed, scripts and styles left out."""
    return " ".join(" ".join(_text_parts(element)).split())


def short_text(element, most_words: int) -> str | None:
    """text_of(element) when it has at most ``most_words`` words, else None; a long element
    (a page's wrapper) is read no further than its first words over the limit."""
    parts, words = [], 0
    for part in _text_parts(element):
        words += len(part.split())
        if words > most_words:
            return None
        parts.append(part)
    return " ".join(" ".join(parts).split())


def _text_parts(element) -> Iterator[str]:
    """The pieces of text of an element, in document order (text_of joins them)."""
    for node in element.iter():
        if not isinstance(node.tag, str):
            if node.tail:                      # a comment's tail is still text
                yield node.tail
            continue
        if node.tag in ("script", "style", "noscript", "template"):
            if node is not element and node.tail:
                yield node.tail
            continue
        if node.text:
            yield node.text
        if node is not element and node.tail:
            yield node.tail


def _words_of(element) -> set[str]:
    """The words of an element's id and class ('portlet-column-first span9' → portlet, column,
    first, span9; 'contentBox' → content, box, contentbox)."""
    raw = f"{element.get('id') or ''} {element.get('class') or ''}"
    words = set()
    for token in raw.split():
        words.add(token.lower())
        spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", token)
        words.update(w.lower() for w in re.split(r"[\s_\-]+", spaced) if w)
    return words


def _is_element(node) -> bool:
    return isinstance(node.tag, str)


# -- main content -------------------------------------------------------------------------------
def main_content(html: str | bytes) -> lxml.html.HtmlElement:
    """The element holding the page's own content, without header, menus, sidebars, footer
    (nor any sidebar nested inside the content block, as Liferay's right column)."""
    doc = parse(html)
    root, excluded = find_main(doc)
    for element in excluded:
        element.drop_tree()
    return root


def find_main(doc) -> tuple[lxml.html.HtmlElement, list]:
    """(content block, boilerplate inside it) of a parsed page, without changing it."""
    body = doc.body if doc.find("body") is not None else doc
    root = _marked_main(body)
    if root is None:
        root = _densest_block(body)
    root = _widest_column(root)
    return root, _boilerplate_inside(root)


def _has_content(element) -> bool:
    return bool(text_of(element)) or bool(element.xpath(".//img|.//table|.//form|.//video"))


def _marked_main(body):
    """The block a page marks as its content: role=main, <main>, or a well-known id/class."""
    for element in body.xpath(".//*[@role='main'] | .//main"):
        if element.tag != "a" and _has_content(element):
            return element
    by_id = {}
    for element in body.xpath(".//*[@id]"):
        key = element.get("id", "").lower()
        if key in MAIN_IDS and key not in by_id and element.tag not in ("a", "span", "input"):
            if _has_content(element):
                by_id[key] = element
    for key in MAIN_IDS:
        if key in by_id:
            return by_id[key]
    for element in body.xpath(".//*[@class]"):
        if element.tag in ("div", "section", "article", "td") and \
                _words_of(element) & set(MAIN_CLASSES) and _has_content(element):
            return element
    return None


def _is_boilerplate(element) -> bool:
    if element.tag in ("nav", "aside"):
        return True
    if (element.get("role") or "").lower() in BOILERPLATE_ROLES:
        return True
    if element.tag not in ("div", "section", "ul", "header", "footer", "td", "table", "p"):
        return False
    words = _words_of(element)
    return bool(words & (SIDEBAR_WORDS | BREADCRUMB_WORDS))


def _boilerplate_inside(root) -> list:
    """Outermost navigation and sidebar blocks inside the content block."""
    found: list = []
    for element in root.iterdescendants():
        if not _is_element(element) or any(a in found for a in element.iterancestors()):
            continue
        if _is_boilerplate(element):
            found.append(element)
    return found


def _outside_boilerplate(body):
    """Header, footer, menus and sidebars of the whole page (for the no-marker fallback)."""
    found = []
    for element in body.iterdescendants():
        if not _is_element(element):
            continue
        words = _words_of(element)
        if element.tag in ("header", "footer", "nav", "aside") or _is_boilerplate(element) or \
                (element.tag in ("div", "section", "ul") and
                 words & (MENU_WORDS | FOOTER_WORDS | {"header"})):
            found.append(element)
    return found


def _plain_text_lengths(element, skipped: set, in_link: bool, lengths: dict) -> int:
    """Length of the text of each block not inside links nor skipped blocks, in one walk."""
    if element in skipped or element.tag in ("script", "style", "noscript"):
        return 0
    in_link = in_link or element.tag == "a"
    total = 0 if in_link else len((element.text or "").strip())
    for child in element:
        if _is_element(child):
            total += _plain_text_lengths(child, skipped, in_link, lengths)
        if not in_link and child.tail:
            total += len(child.tail.strip())
    lengths[element] = total
    return total


def _densest_block(body):
    """Without markers: the deepest block holding most of the page's text outside links,
    headers, menus, sidebars and footers."""
    skipped = set(_outside_boilerplate(body))
    lengths: dict = {}
    _plain_text_lengths(body, skipped, False, lengths)
    scores = {e: n for e, n in lengths.items()
              if e.tag in ("div", "section", "article", "td", "main")}
    best = max(scores.values(), default=0)
    if not best:
        return body
    deepest, depth = body, -1
    for element, score in scores.items():
        if score >= 0.6 * best:
            level = sum(1 for _ in element.iterancestors())
            if level > depth:
                deepest, depth = element, level
    return deepest


_GRID = (re.compile(r"^span(\d{1,2})$"), re.compile(r"^col-(?:xs|sm|md|lg|xl)-(\d{1,2})$"))


def _grid_width(element) -> int | None:
    widths = []
    for token in (element.get("class") or "").split():
        for pattern in _GRID:
            match = pattern.match(token.lower())
            if match:
                widths.append(int(match.group(1)))
    return max(widths) if widths else None


def _widest_column(root, depth: int = 3):
    """Inside a content block laid out as grid columns (span9 + span3, col-md-18 + col-md-6),
    the widest column when it is at least twice as wide as the others: the rest are sidebars."""
    frontier = [root]
    for _ in range(depth):
        next_frontier = []
        for element in frontier:
            children = [c for c in element if _is_element(c)]
            columns = [(c, _grid_width(c)) for c in children if _grid_width(c)]
            if len(columns) >= 2:
                columns.sort(key=lambda cw: -cw[1])
                widest, width = columns[0]
                if all(width >= 2 * w for _, w in columns[1:]):
                    return widest
            next_frontier += children
        frontier = next_frontier
    return root


# -- topics -------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def vocabulary() -> Topics:
    return load_topics()


@functools.lru_cache(maxsize=1)
def _abbreviation_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = []
    for short, long in ABBREVIATIONS.items():
        parts = [re.escape(p) for p in re.split(r"[-&]", short)]
        joiner = r"\s*[-–&]?\s*" if "-" in short or "&" in short else ""
        patterns.append((re.compile(r"(?<!\w)" + joiner.join(parts) + r"(?!\w)", re.IGNORECASE),
                         long))
    return patterns


def expand_abbreviations(text: str) -> str:
    """The text with each known abbreviation replaced by its words ('Tuyên truyền PBGDPL' →
    'Tuyên truyền phổ biến giáo dục pháp luật'); folded words for a text without accents."""
    accented = has_diacritics(text)
    for pattern, long in _abbreviation_patterns():
        text = pattern.sub(long if accented else fold(long), text)
    return text


def _variants(text: str) -> list[str]:
    expanded = expand_abbreviations(text)
    return [text] if expanded == text else [text, expanded]


@functools.lru_cache(maxsize=8192)
def section_topics(name: str) -> tuple[str, ...]:
    """The topics (keys of topics.yaml) whose section keywords a section's name carries, its
    abbreviations read out."""
    matchers = [Matcher(v) for v in _variants(name)]
    return tuple(key for key, topic in vocabulary().topics.items()
                 if any(m.find(topic["section_keywords"]) for m in matchers))


@functools.lru_cache(maxsize=1)
def _href_keywords() -> dict[str, tuple[list[str], list[str]]]:
    """Per topic: section keywords folded for URL words (also with 'đ' dropped, as some CMS
    slug it: 'Hỏi đáp' → 'hoi-ap'), and their run-together forms ('luatthudo', 'pbgdpl')."""
    result = {}
    for key, topic in vocabulary().topics.items():
        words, compact = set(), set()
        for keyword in topic["section_keywords"]:
            variants = {keyword, expand_abbreviations(keyword)}
            if " " in keyword:      # a lone word without its 'đ' is too short to tell apart
                variants.add(keyword.replace("đ", "").replace("Đ", ""))
            for variant in variants:
                folded = fold(variant)
                if not folded:
                    continue
                words.add(folded)
                joined = folded.replace(" ", "")
                # run-together forms short enough to occur by chance inside a word are left out
                if (" " in folded and len(joined) >= 7) or (" " not in folded and len(joined) >= 4
                                                            and not has_diacritics(keyword)):
                    compact.add(joined)
        result[key] = (sorted(words), sorted(compact))
    return result


def _url_tokens(url: str) -> list[str]:
    """Words of a URL's path and query values, file extensions and hashes left out, camel case
    split ('ChiDaoDieuHanh'), letters and digits apart ('ttpbgdpl03f5' → 'ttpbgdpl')."""
    parts = urlsplit(url)
    pieces = [PurePosixPath(unquote(seg)).stem if "." in seg else unquote(seg)
              for seg in parts.path.split("/") if seg]
    pieces += [unquote(v) for kv in parts.query.split("&") for v in kv.split("=")[1:]]
    tokens = []
    for piece in pieces:
        piece = re.sub(r"([a-z])([A-Z])", r"\1 \2", piece)
        for word in re.split(r"[^0-9A-Za-zÀ-ỹĐđ]+", piece):
            tokens += [t.lower() for t in re.findall(r"[^\W\d_]+|\d+", word) if t]
    return tokens


def url_words(url: str) -> str:
    return " ".join(_url_tokens(url))


def _compact_segments(url: str) -> list[str]:
    """Each path segment with its separators dropped: 'thu-tuc-hanh-chinhfea0.html' →
    'thutuchanhchinhfea'."""
    result = []
    for segment in urlsplit(url).path.split("/"):
        segment = PurePosixPath(unquote(segment)).stem if "." in segment else unquote(segment)
        joined = "".join(t for t in re.findall(r"[A-Za-z]+", segment)).lower()
        if joined:
            result.append(joined)
    return result


def href_topics(*urls: str) -> tuple[str, ...]:
    """Topics named by the words of URLs (a link's href, its image's file name)."""
    words = " ".join(url_words(u) for u in urls if u)
    compacts = [c for u in urls if u for c in _compact_segments(u)]
    if not words and not compacts:
        return ()
    matchers = [Matcher(v) for v in _variants(words)]
    found = []
    for key, (keywords, compact) in _href_keywords().items():
        if any(m.find(keywords) for m in matchers) or \
                any(c in segment for c in compact for segment in compacts):
            found.append(key)
    return tuple(found)


# -- links --------------------------------------------------------------------------------------
def _same_site(host: str, page_host: str) -> bool:
    def bare(h: str) -> str:
        h = h.lower().split(":")[0]
        return h[4:] if h.startswith("www.") else h
    return not host or bare(host) == bare(page_host)


def absolute(href: str, base: str) -> str | None:
    """The link's absolute URL without fragment; None for anchors, scripts, mail, phone."""
    href = (href or "").strip()
    if not href or href.startswith("#") or href.lower().startswith(SKIPPED_SCHEMES):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "file", ""):
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def is_file(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return PurePosixPath(path).suffix in FILE_EXTENSIONS or path.rstrip("/").endswith("/rss")


def _looks_like_post(url: str) -> bool:
    """An article's URL (ItemID=, /content/…, /node/123, a slug ending in its number)."""
    parts = urlsplit(url)
    keys = {kv.split("=")[0].lower() for kv in parts.query.split("&") if kv}
    if keys & POST_QUERY_KEYS:
        return True
    path = parts.path.lower()
    if any(word in path for word in POST_PATH_WORDS):
        return True
    if re.search(r"/node/\d+/?$", path):
        return True
    segments = [s for s in path.split("/") if s]
    match = re.search(r"-(\d+)\.(?:html?|aspx|php)$", segments[-1]) if segments else None
    if not match or not re.search(r"[a-z]", segments[-1]):
        return False
    # a slug ending in the post's number ('tai-che-chat-thai-49-49.html', '/tin-tuc/1/x-1.aspx'),
    # not a section named with a number ('phong-chong-dich-benh-covid-19.html')
    number = match.group(1)
    is_year = len(number) == 4 and 1900 <= int(number) <= 2100
    return (len(number) >= 3 and not is_year) or f"-{number}-{number}." in segments[-1] or \
        f"/{number}/" in path or len(segments) >= 3


HOME_NAMES = {"", "index", "default", "home", "trang-chu", "trangchu", "trang_chu", "homepage"}


def _is_home(target: str, page_url: str) -> bool:
    """A link to the site's home page (its root, or index/default/trang-chu at the top)."""
    path = urlsplit(target).path
    if urlsplit(target).query:
        return False
    segments = [s for s in path.split("/") if s]
    if not segments:
        return True
    stem = PurePosixPath(segments[-1]).stem.lower()
    return stem in HOME_NAMES and len(segments) <= 3


def _image_only(a) -> tuple[bool, list[str]]:
    """Whether a link shows only images (no text, alt empty or missing), and their sources."""
    images = [img for img in a.iter("img")]
    if not images or text_of(a):
        return False, []
    if any((img.get("alt") or "").strip() for img in images):
        return False, [img.get("src") or "" for img in images]
    return True, [img.get("src") or "" for img in images]


def _link_text(a) -> str:
    """A link's text; for an image link, its images' alt text or the link's title."""
    text = text_of(a)
    if text:
        return text
    alts = " ".join((img.get("alt") or "").strip() for img in a.iter("img")).strip()
    return alts or (a.get("title") or "").strip()


class _Regions:
    """Where on the page each element sits: menus, footer, content block, sidebars."""

    def __init__(self, doc):
        self.main, excluded = find_main(doc)
        self.excluded = set(excluded)

    def placement(self, a, sitemap_page: bool) -> str:
        in_menu = in_footer = in_sidebar = in_main = False
        nested_lists = 0
        for ancestor in a.iterancestors():
            if ancestor.tag in ("body", "html"):
                break          # a body class ("one-sidebar sidebar-first") describes the page
            words = _words_of(ancestor)
            role = (ancestor.get("role") or "").lower()
            if ancestor is self.main:
                in_main = True
            if ancestor in self.excluded or ancestor.tag == "aside" or role == "complementary" \
                    or words & SIDEBAR_WORDS:
                in_sidebar = True
            if ancestor.tag == "footer" or role == "contentinfo" or words & FOOTER_WORDS:
                in_footer = True
            if ancestor.tag == "nav" or role in ("navigation", "menubar", "menu") or \
                    words & MENU_WORDS or any(w.startswith("menu") or w.endswith("menu")
                                              for w in words):
                in_menu = True      # "menutop", "menu-ngang", "leftmenu" too
            if ancestor.tag == "li":
                nested_lists += 1
        in_main = in_main and not in_sidebar
        if sitemap_page and in_main:
            return "sitemap"
        if in_footer:
            return "footer"
        if in_menu and not in_main and not in_sidebar:
            return "submenu" if nested_lists >= 2 else "menu"
        if _image_only(a)[0]:
            return "sidebar_image"
        return "body"


def is_sitemap_page(doc, url: str) -> bool:
    title = " ".join(t.text_content() for t in doc.iter("title", "h1"))
    return bool(Matcher(title).find(SITEMAP_TITLES) or
                Matcher(url_words(url)).find(SITEMAP_URL_WORDS))


def _links(doc, url: str):
    """(absolute url, anchor) of the page's links to the same site, files and scripts aside."""
    page_host = urlsplit(url).netloc
    base = url
    for element in doc.iter("base"):
        if element.get("href"):
            base = urljoin(url, element.get("href"))
            break
    for a in doc.iter("a"):
        target = absolute(a.get("href"), base)
        if target is None or is_file(target):
            continue
        if not _same_site(urlsplit(target).netloc, page_host):
            continue
        yield target, a


def section_links(html: str, url: str) -> list[SectionLink]:
    """Every link of the page that may lead to a section, once per URL, with where it sits and
    the topics its name carries; an image-only link is judged by its href and image file name."""
    doc = parse(html)
    regions = _Regions(doc)
    sitemap_page = is_sitemap_page(doc, url)
    found: dict[str, SectionLink] = {}
    named: set[str] = set()                 # URLs whose topics came from a link text
    for target, a in _links(doc, url):
        how = regions.placement(a, sitemap_page)
        text = _link_text(a)
        image_only, sources = _image_only(a)
        if fold(text) in PAGER_TEXTS or (text and text.strip().isdigit()):
            continue
        if how not in ("menu", "submenu", "footer") and _looks_like_post(target):
            continue
        if _is_home(target, url):
            continue           # the logo's link: its alt text is the agency's name, no section
        if image_only:
            topics = list(href_topics(target, *sources))
            if a.get("title"):
                topics = sorted(set(topics) | set(section_topics(a.get("title"))))
        else:
            topics = list(section_topics(text))
        link = found.get(target)
        if link is None:
            page = _kind_by_href(target) if image_only else _kind_by_text(text)
            found[target] = SectionLink(target, text, how, topics, page)
            if not image_only and text:
                named.add(target)
            continue
        # the same URL again: keep the most telling place, and the name given in words
        if HOW_ORDER.index(how) < HOW_ORDER.index(link.how):
            link.how = how
        if not image_only and text and target not in named:
            link.text, link.topics, link.page = text, topics, _kind_by_text(text)
            named.add(target)
        elif image_only and target not in named:
            link.topics = sorted(set(link.topics) | set(topics))
    return list(found.values())


# Where a link to a section sits in the site's navigation: there a post-like link or a long
# name is still a section (elsewhere on the home page it is an article).
NAVIGATION = ("menu", "submenu", "footer", "sitemap", "register")
# A section's name is a few words; a link text longer than this outside the navigation is a
# post's title.
MAX_SECTION_WORDS = 10


def sections_to_read(html: str, url: str, listed_posts: set[str],
                     how_override: str | None = None) -> list[SectionLink]:
    """The links of a page worth reading as sections: those whose name (or address) names a
    topic, and the menu's other sections (a reviewer may name one); not a post the page lists
    in a block of posts (``listed_posts``), nor a long title outside the navigation (an
    article whose title carries a topic's words), nor the site map. ``how_override``: where
    the links count as found (the site map's links, "sitemap")."""
    chosen = []
    for link in section_links(html, url):
        how = how_override if how_override and link.how != "sidebar_image" else link.how
        if not link.topics and (how not in ("menu", "submenu") or not link.text
                                or link.page == "so-do"):
            continue
        if how not in NAVIGATION and (canonicalize_url(link.url) in listed_posts
                                      or len(link.text.split()) > MAX_SECTION_WORDS):
            continue
        link.how = how
        chosen.append(link)
    return chosen


# -- information pages --------------------------------------------------------------------------
def _kind_by_text(text: str) -> str | None:
    folded = fold(expand_abbreviations(text)) if text else ""
    if not folded:
        return None
    words = folded.split()
    for kind, (names, _) in STATIC_KINDS.items():
        for name in names:
            name_words = fold(name).split()
            extra = text.split()[len(name_words):]
            if words[:len(name_words)] == name_words and len(extra) <= STATIC_EXTRA_WORDS \
                    and not (extra and section_topics(" ".join(extra))):
                return kind          # not "Giới thiệu sản phẩm", a section of products
    return None


def _kind_by_href(url: str) -> str | None:
    words = url_words(url)
    compacts = _compact_segments(url)
    matcher = Matcher(words)
    for kind, (_, href_words) in STATIC_KINDS.items():
        if matcher.find(href_words) or any(w.replace(" ", "") in c for w in href_words
                                           if len(w.replace(" ", "")) >= 6 for c in compacts):
            return kind
    return None


def static_pages(html: str, url: str) -> dict[str, str]:
    """Links to the information pages (kinds: gioi-thieu, co-cau-to-chuc, lanh-dao, lien-he,
    duong-day-nong, danh-ba, thu-tuc, du-an, gop-y, tro-giup, so-do), by link text, else by
    href words; kind → absolute URL."""
    doc = parse(html)
    regions = _Regions(doc)
    sitemap_page = is_sitemap_page(doc, url)
    best: dict[str, tuple[tuple, str]] = {}
    for order, (target, a) in enumerate(_links(doc, url)):
        if _looks_like_post(target) or _is_home(target, url):
            continue           # an article or the home page is no information page
        text = text_of(a)
        kind = _kind_by_text(text) if text else None
        score = 2 if kind else 0
        if kind is None:
            kind = _kind_by_href(target)
            score = 1 if kind else 0
        if kind is None:
            continue
        how = regions.placement(a, sitemap_page)
        listing_like = bool(Matcher(url_words(target)).find(list(LISTING_URL_WORDS)))
        rank = (-score, listing_like, STATIC_HOW_PREFERENCE.index(how), order)
        if kind not in best or rank < best[kind][0]:
            best[kind] = (rank, target)
    return {kind: target for kind, (_, target) in best.items()}
