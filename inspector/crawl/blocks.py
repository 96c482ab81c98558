"""A page's candidate listings (blocks of repeated post links) and the choice of its own one.

Real portals surround a section's listing with other lists of posts: "Bài viết mới" and "Tin
xem nhiều" boxes, "Các tin khác", the home page's news blocks. Their markup says nothing
reliable (NukeViet's own listing sits in ``ul.related`` in one of its layouts; many vendors use
no class at all), so a listing is chosen on what holds across portals:
  - a block the portal repeats on other pages with the same posts at the same place is the
    site's frame (a sidebar), never a page's listing (`FrameRegistry`);
  - among the rest, the largest coherent block, helped by what the page says of it (a heading
    naming the section, posts under the section's path, the main content column) and hindered
    by what marks a box beside the content (a heading "Tin mới", an aside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..model.textnorm import fold

# Headings of the boxes portals put beside a listing (folded): latest, most read, featured,
# related, other news. A block under such a heading is no section's listing.
SIDEBAR_HEADINGS = re.compile(
    r"^(?:cac )?(?:bai viet|tin|tin tuc|bai|thong tin)(?: bai)? (?:moi|moi nhat|moi cap nhat|"
    r"xem nhieu|doc nhieu|xem nhieu nhat|doc nhieu nhat|noi bat|tieu diem|lien quan|khac|"
    r"cung chuyen muc|da dua|cu hon|moi hon|hay|anh)\b|^(?:recent|latest|popular|related|"
    r"most (?:read|viewed)|other) (?:posts?|news|articles?)\b|^xem nhieu\b|^doc nhieu\b|"
    r"^tieu diem\b|^noi bat\b|^nhung tin (?:moi|cu) hon\b|^tin cung\b",
)
# What an empty listing says instead of posts.
EMPTY_LISTING = re.compile(r"chua co (?:bai viet|tin|du lieu|noi dung|thong tin)|"
                           r"khong co (?:bai viet|tin|du lieu|noi dung|ban ghi)|"
                           r"khong tim thay (?:bai viet|du lieu|ket qua)|"
                           r"dang (?:duoc )?cap nhat|no posts? found|nothing found|no results")
# Class tokens that vary between pages of one template (ids, counters) are left out of a
# block's signature.
VARIABLE_TOKEN = re.compile(r"\d")
# How similar two blocks' posts must be (Jaccard of their URL sets) to be the same frame block.
FRAME_SIMILARITY = 0.6
# Pages whose candidate post links are this similar are copies of one page (a page saved
# twice, "?_cur=1"): one is no evidence about the other.
DUPLICATE_SIMILARITY = 0.9


@dataclass(frozen=True)
class Block:
    """A group of sibling elements of a page, each linking one post.

    ``posts`` are PostLink objects (listings.py); ``signature`` says where the block sits in
    the page's template (tags and stable classes of its container and two ancestors);
    ``heading`` is the text of the heading just above it; ``aside`` whether its markup puts it
    in a menu, sidebar or "other news" box; ``menu`` whether in a navigation menu; ``main`` whether it lies in the page's main content
    block; ``order`` its first link's position in the page; ``source`` "platform" when the
    platform's own selectors found it, else "generic"."""

    signature: str
    posts: tuple
    heading: str = ""
    aside: bool = False
    menu: bool = False
    main: bool = False
    order: int = 0
    source: str = "generic"

    @property
    def urls(self) -> frozenset[str]:
        return frozenset(p.url for p in self.posts)

    @property
    def dated(self) -> int:
        return sum(1 for p in self.posts if p.published is not None)


@dataclass(frozen=True)
class Hints:
    """What the crawl knows of the page beside its markup: the section's name (the link text
    that led here) and URL, and the portal's home page (a sub-site's is no "/")."""

    section_name: str = ""
    section_url: str = ""
    home_url: str = ""


@dataclass(frozen=True)
class Choice:
    """The block taken as the page's own listing (None: the page lists no post), and why."""

    block: Block | None
    why: str
    frame: tuple[str, ...] = ()          # signatures of the blocks left out as the site's frame


# -- signatures -----------------------------------------------------------------------------------
def _stable_classes(element) -> str:
    tokens = sorted(t for t in (element.get("class") or "").split() if not VARIABLE_TOKEN.search(t))
    ident = element.get("id") or ""
    return element.tag + "".join(f".{t}" for t in tokens) + (
        f"#{ident}" if ident and not VARIABLE_TOKEN.search(ident) else "")


def signature(container, item_tag: str) -> str:
    """Where a block sits: its container and two ancestors (tag, stable classes, id) and the
    tag of its items: 'div.col-md-6>ul.block_tophits>li'."""
    parts = [f"{_stable_classes(container)}>{item_tag}"]
    node = container.getparent()
    for _ in range(2):
        if node is None or node.tag in ("body", "html"):
            break
        parts.append(_stable_classes(node))
        node = node.getparent()
    return ">".join(reversed(parts))


# -- headings -------------------------------------------------------------------------------------
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HEADING_MAX = 60


def _short_text(element) -> str:
    text = " ".join(" ".join(element.itertext()).split())
    return text if 0 < len(text) <= _HEADING_MAX else ""


def heading_of(container, stop=None) -> str:
    """The heading just above a block: a previous sibling (of the block or of one of its three
    nearest ancestors) that is a heading, or a short text with at most one link (a box title
    "Tin xem nhiều", a section title "Tin hoạt động")."""
    node = container
    for _ in range(4):
        if node is None or node is stop or node.tag in ("body", "html"):
            break
        sibling = node.getprevious()
        looked = 0
        while sibling is not None and looked < 3:
            if isinstance(sibling.tag, str) and sibling.tag == node.tag and \
                    sibling.tag not in HEADING_TAGS and sibling.xpath(".//a"):
                break           # a peer (the item before in the same list) is no heading
            if isinstance(sibling.tag, str) and sibling.tag not in ("script", "style", "br", "hr"):
                looked += 1
                text = _short_text(sibling)
                if text and (sibling.tag in HEADING_TAGS or len(sibling.xpath(".//a")) <= 1):
                    if sibling.tag in HEADING_TAGS or sibling.xpath(
                            f".//{'|.//'.join(sorted(HEADING_TAGS))}|.//strong|.//b") \
                            or len(text) <= 40:
                        return text
                if text or len(sibling):
                    break
            sibling = sibling.getprevious()
        # a heading inside the same wrapper, above the list: <div><h3>…</h3><ul>…</ul></div>
        node = node.getparent()
    return ""


def is_sidebar_heading(text: str) -> bool:
    return bool(text) and bool(SIDEBAR_HEADINGS.search(fold(text)))


def is_post_list(block: Block) -> bool:
    """Whether a block's links are posts beyond doubt (dated, or long titles), not a menu of
    sections: what the home page lists as posts is no section."""
    if len(block.posts) < 2 or (block.menu and not block.dated):
        return False
    mean_title = sum(len(p.title) for p in block.posts) / len(block.posts)
    return block.dated * 2 >= len(block.posts) or mean_title >= 30


def says_empty(text: str) -> bool:
    """Whether a page's main text says its listing holds no post ("Chưa có bài viết")."""
    return bool(EMPTY_LISTING.search(fold(text)))


# -- the site's frame -----------------------------------------------------------------------------
def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass
class _PageBlocks:
    links: frozenset[str]               # every candidate post URL of the page
    blocks: dict[str, list[frozenset[str]]]   # each block's posts, by the block's signature


@dataclass
class FrameRegistry:
    """The blocks of every page read on one portal, to tell its frame (blocks repeated at the
    same place with the same posts on other pages) from each page's own listing."""

    pages: dict[str, _PageBlocks] = field(default_factory=dict)
    # each registered page's copies: the registered pages whose links are nearly its own. Known
    # as pages are added (each pair compared once), not when each page's frame is asked for: a
    # portal of a hundred listing pages would otherwise compare the same pairs a million times
    _copies: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @property
    def size(self) -> int:
        return len(self.pages)

    def add(self, page: str, blocks: list[Block]) -> None:
        links = frozenset(u for b in blocks for u in b.urls)
        by_signature: dict[str, list[frozenset[str]]] = {}
        for block in blocks:
            by_signature.setdefault(block.signature, []).append(block.urls)
        for copy in self._copies.pop(page, set()):   # read again: compared anew
            self._copies[copy].discard(page)
        copies = set()
        for key, other in self.pages.items():
            if key != page and _jaccard(other.links, links) >= DUPLICATE_SIMILARITY:
                copies.add(key)
                self._copies[key].add(page)
        self._copies[page] = copies
        self.pages[page] = _PageBlocks(links, by_signature)

    def frame(self, page: str, blocks: list[Block], *, required: int = 2) -> set[int]:
        """Indices of ``blocks`` (of ``page``) that other pages repeat: found with the same
        signature and nearly the same posts on at least ``required`` other pages (fewer when
        fewer pages were read), copies of ``page`` itself not counting."""
        if page in self.pages:
            copies = self._copies[page]
            others = [key for key in self.pages if key != page and key not in copies]
        else:
            own_links = frozenset(u for b in blocks for u in b.urls)
            others = [key for key, p in self.pages.items()
                      if _jaccard(p.links, own_links) < DUPLICATE_SIMILARITY]
        # copies of one another count once: the first of them, in the order pages were read
        kept: set[str] = set()
        distinct: list[_PageBlocks] = []
        for other in others:
            if not self._copies[other] & kept:
                kept.add(other)
                distinct.append(self.pages[other])
        need = max(1, min(required, len(distinct)))
        found = set()
        for index, block in enumerate(blocks):
            urls = block.urls
            if not urls:
                continue
            seen = sum(1 for other in distinct if any(
                _jaccard(urls, theirs) >= FRAME_SIMILARITY
                for theirs in other.blocks.get(block.signature, ())))
            if distinct and seen >= need:
                found.add(index)
        return found


# -- the choice -----------------------------------------------------------------------------------
def url_shape(url: str) -> tuple:
    """The template a URL was made on: host, path without its last segment (a trailing slash
    aside) and with digits blanked, the number of segments, the query's keys: '/node/1205' and
    '/node/1206', '/2026/10/lich-tuan-2/' and '/2026/11/lich-thang-11/' share theirs."""
    parts = urlsplit(url)
    segments = parts.path.rstrip("/").split("/")
    prefix = re.sub(r"\d+", "#", "/".join(segments[:-1]))
    keys = tuple(sorted(k.split("=")[0] for k in parts.query.split("&") if k))
    return parts.netloc, prefix, len(segments), keys


def coherence(block: Block) -> float:
    """The share of the block's posts made on its most common URL template."""
    shapes = [url_shape(p.url) for p in block.posts]
    return max(shapes.count(s) for s in shapes) / len(shapes) if shapes else 0.0


def _section_prefix(section_url: str) -> str | None:
    """A section URL's path as its posts' URLs may start with ('/tin-hoat-dong/'), when it says
    more than the site's root."""
    path = urlsplit(section_url).path
    if not path or path == "/":
        return None
    if "." in path.rsplit("/", 1)[-1]:
        path = path.rsplit(".", 1)[0]
    path = path.rstrip("/") + "/"
    return path if path.count("/") >= 2 else None


def affinity(block: Block, hints: Hints) -> float:
    """The share of the block's posts whose URL lies under the section's own path."""
    prefix = _section_prefix(hints.section_url) if hints.section_url else None
    if not prefix or not block.posts:
        return 0.0
    return sum(1 for p in block.posts if urlsplit(p.url).path.startswith(prefix)) / len(block.posts)


def names_section(heading: str, section_name: str) -> bool:
    """Whether a heading names the section (the link text that led to the page)."""
    if not heading or not section_name:
        return False
    a, b = fold(heading), fold(section_name)
    return bool(a) and bool(b) and (a == b or a.startswith(b) or b.startswith(a))


def score(block: Block, hints: Hints) -> float:
    """How much a block looks like the page's own listing (0 for none)."""
    n = len(block.posts)
    if not n or (block.menu and not block.dated):
        return 0.0          # a menu's links are sections, not posts
    if n == 1 and block.aside and not block.main and not block.dated:
        return 0.0          # a sidebar's one link ("Liên kết") is no section's only post
    dated = block.dated / n
    mean_title = sum(min(len(p.title), 80) for p in block.posts) / n
    value = min(n, 40) * (0.6 + 0.4 * dated) * (0.5 + 0.5 * coherence(block)) \
        * min(mean_title, 60) / 60
    if block.aside:
        value *= 0.3
    if is_sidebar_heading(block.heading):
        value *= 0.2
    elif names_section(block.heading, hints.section_name):
        value *= 2.0
    if block.main:
        value *= 1.5
    value *= 1.0 + affinity(block, hints)
    if block.source == "platform":
        value *= 1.5
    return value


def choose(blocks: list[Block], hints: Hints, frame: set[int] = frozenset(),
           empty: bool = False) -> Choice:
    """The page's own listing among its blocks, the frame left out; a page that says it has
    no post ("Chưa có bài viết") lists only what its main content holds."""
    left_out = tuple(sorted({blocks[i].signature for i in frame}))
    candidates = [(score(b, hints), -b.order, i) for i, b in enumerate(blocks)
                  if i not in frame and (b.main or not empty)]
    candidates = [c for c in candidates if c[0] > 0]
    if not candidates:
        why = "no list of posts on the page" + (
            f" besides the site's frame ({len(frame)} blocks repeated on other pages)"
            if frame else "")
        return Choice(None, why, left_out)
    value, _, index = max(candidates)
    block = blocks[index]
    reasons = [f"{len(block.posts)} posts, {block.dated} dated", f"at {block.signature}"]
    if block.heading:
        reasons.append(f"under {block.heading!r}")
    if frame:
        reasons.append(f"{len(frame)} blocks repeated on other pages left out")
    return Choice(block, "; ".join(reasons), left_out)
