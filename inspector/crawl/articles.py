"""An article's own publication date, found next to its own title.

Portals print many dates on an article page: the day in the header ("Hôm nay: Thứ Năm,
17/11/2026"), the site's name in an <h1> above the article's <h1>, dates inside the text
("Ngày 12/11/2026, UBND xã…"), related posts with theirs, sidebars with theirs. The
publication date is the one printed with the article's title: just after it (or just before
it), as a short line of its own ("Thứ Năm, 17/11/2026", "Ngày đăng: 17/11/2026 09:15") or in a
sentence that says so ("… đăng lúc 09:15 ngày 17/11/2026"). The title is known: the listing's
link gave it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz

from ..model.textnorm import fold, nfc
from .dates import FoundDate, find_date

BLOCK_TAGS = {"div", "p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "article", "header", "footer", "dd", "dt", "tr", "table", "ul", "ol", "aside",
              "nav", "main", "blockquote", "pre", "figure", "figcaption", "form", "address",
              "body", "center", "tbody", "thead", "dl", "time"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED = {"script", "style", "noscript", "template", "select", "option", "button", "title"}
# How far from the title a date may be: after it, up to the end of a long article's body
# (some portals print "Ngày đăng" under the text); before it, only a line or two.
AFTER_CHARS = 6000
BEFORE_CHARS = 160
# A date inside a sentence counts only this close after the title.
WEAK_AFTER_CHARS = 300
# Words that say a date is the post's: published, posted, updated.
PUBLISH_WORDS = re.compile(r"\b(?:dang luc|ngay dang|dang ngay|dang vao|duoc dang|dang tai|"
                           r"dang boi|cap nhat|xuat ban|thoi gian dang|ngay tao|gui luc|"
                           r"posted|published|updated)\b")
TODAY_WORDS = re.compile(r"\b(?:hom nay|today|bay gio)\b")
WEEKDAYS = re.compile(r"\b(?:thu (?:hai|ba|tu|nam|sau|bay)|chu nhat|thu [2-7]|cn|monday|tuesday|"
                      r"wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b")
LABEL_WORDS = re.compile(r"\b(?:ngay|luc|gio|dang|cap nhat|xuat ban|thoi gian|posted|published|"
                         r"updated|on|at|sa|ch|am|pm|sang|chieu|toi|trua|nam|thang)\b")
ASIDE_WORDS = re.compile(r"(?:^|[-_ ])(?:sidebar|side-bar|aside|menu|nav|navbar|navigation|"
                         r"breadcrumbs?|duong-?dan|banners?|tin-?moi|tinmoi|tin-?khac|tinkhac|"
                         r"lien-?quan|related|latest|most-?viewed?|xem-?nhieu|footer|header|"
                         r"comments?|binh-?luan)(?:$|[-_ ])", re.I)
MIN_TITLE_RATIO = 88


@dataclass
class _Chunk:
    """The text a block element holds itself (its nested blocks apart), where it starts in the
    page's text, and what it sits in."""

    element: object
    text: str
    start: int
    aside: bool
    listy: bool
    heading: bool
    link_chars: int = 0
    plain_chars: int = 0

    @property
    def in_link(self) -> bool:
        """Mostly the text of links to other pages (a related post, a menu item)."""
        return self.link_chars > self.plain_chars


def _aside(element) -> bool:
    for node in [element, *element.iterancestors()]:
        if node.tag in ("body", "html"):
            break          # a body class ("has-main-navigation") describes the page
        if node.tag in ("nav", "aside", "footer", "header") and next(
                node.iterancestors("article"), None) is None:
            return True
        role = (node.get("role") or "").lower()
        if role in ("navigation", "complementary", "banner", "contentinfo", "menubar"):
            return True
        names = f"{node.get('class') or ''} {node.get('id') or ''}"
        if ASIDE_WORDS.search(names) and next(node.iterancestors("article"), None) is None:
            return True
    return False


def _link_item(child) -> bool:
    """A child that is one link's title, maybe with a date or a few words (an entry of a list
    of posts): not a header or a footer full of links."""
    anchors = [child] if child.tag == "a" else child.xpath(".//a[@href]")
    if not anchors or len(anchors) > 3:
        return False
    linked = sum(len(" ".join(" ".join(a.itertext()).split())) for a in anchors)
    words = max((len(" ".join(a.itertext()).split()) for a in anchors), default=0)
    total = len(" ".join(" ".join(child.itertext()).split()))
    return words >= 3 and linked * 2 >= total and total <= 300


def _link_lists(body) -> set:
    """Elements whose children are mostly links to other pages by a title-like text (related
    posts, sidebars, menus): a date there is another post's."""
    found = set()
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        children = [c for c in element if isinstance(c.tag, str) and c.tag not in SKIPPED
                    and " ".join(c.itertext()).strip()]
        if len(children) < 2:
            continue
        items = sum(1 for c in children if _link_item(c))
        if items >= 2 and items * 2 >= len(children):
            found.add(element)
    return found


def _links_elsewhere(element, url: str) -> bool:
    for node in [element, *element.iterancestors()]:
        if node.tag == "a":
            href = (node.get("href") or "").strip()
            return bool(href) and not href.startswith("#") and not (url and url.endswith(href))
    return False


def _chunks(body, url: str = "") -> list[_Chunk]:
    """The page's text as block-level chunks, in document order."""
    lists = _link_lists(body)
    chunks: dict[object, _Chunk] = {}
    order: list[_Chunk] = []
    position = 0

    def owner_of(node):
        while node is not None and node.tag not in BLOCK_TAGS:
            node = node.getparent()
        return node if node is not None else body

    def add(text: str, owner, inside) -> None:
        nonlocal position
        text = " ".join(nfc(text).split())
        if not text:
            return
        chunk = chunks.get(owner)
        if chunk is None:
            ancestors = [owner, *owner.iterancestors()]
            chunk = _Chunk(owner, "", position, _aside(owner),
                           any(a in lists for a in ancestors[1:]) or owner in lists,
                           owner.tag in HEADINGS)
            chunks[owner] = chunk
            order.append(chunk)
        if _links_elsewhere(inside, url):
            chunk.link_chars += len(text)
        else:
            chunk.plain_chars += len(text)
        chunk.text = f"{chunk.text} {text}".strip()
        position += len(text) + 1

    def walk(element) -> None:
        if not isinstance(element.tag, str) or element.tag in SKIPPED:
            return
        if element.tag == "time" and element.get("datetime"):
            add(f"{' '.join(element.itertext())} [{element.get('datetime')}]", owner_of(element),
                element)
        elif element.text:
            add(element.text, owner_of(element), element)
        for child in element:
            walk(child)
            if child.tail:
                add(child.tail, owner_of(element), element)

    walk(body)
    return order


def _title_chunk(chunks: list[_Chunk], title: str | None) -> int | None:
    """The chunk that shows the article's own title: a heading first, never a link."""
    if not title:
        return None
    wanted = fold(title.rstrip(" .…"))
    if len(wanted) < 8:
        return None
    best, best_rank = None, None
    for index, chunk in enumerate(chunks):
        if chunk.in_link or not chunk.text:
            continue
        text = fold(chunk.text)
        if len(text) > 3 * len(wanted) + 40:
            continue
        score = fuzz.ratio(text, wanted)
        if wanted in text or text.startswith(wanted[:max(20, len(wanted) - 3)]):
            score = max(score, 95)
        if score < MIN_TITLE_RATIO:
            continue
        rank = (chunk.listy, not chunk.heading, chunk.aside, -score, index)
        if best_rank is None or rank < best_rank:
            best, best_rank = index, rank
    return best


def _main_heading(chunks: list[_Chunk], page_title: str = "") -> int | None:
    """Without a known title: the heading the page's <title> names ("Tiêu đề - Tên cổng"),
    else the last <h1> (a site's name comes first, in the header), else the first heading of
    two or more words outside the page's frame."""
    wanted = fold(page_title)
    if wanted:
        scored = [(fuzz.partial_ratio(fold(c.text), wanted), i) for i, c in enumerate(chunks)
                  if c.heading and not c.in_link and len(c.text.split()) >= 3]
        best = max(scored, default=None)
        if best and best[0] >= 85:
            return max(i for score, i in scored if score == best[0])
    h1s = [i for i, c in enumerate(chunks) if c.element.tag == "h1" and not c.in_link
           and len(c.text.split()) >= 3]
    outside = [i for i in h1s if not chunks[i].aside]
    if outside:
        return outside[-1]
    if h1s:
        return h1s[-1]
    for index, chunk in enumerate(chunks):
        if chunk.heading and not chunk.aside and not chunk.in_link and len(chunk.text.split()) >= 4:
            return index
    return None


def date_strength(chunk_text: str, found: FoundDate) -> int:
    """2: the line says it is the post's date (a time of day, "Ngày đăng", or nothing but the
    date); 1: a date inside a sentence; 0: today's date in the header."""
    folded = fold(chunk_text)
    if TODAY_WORDS.search(folded):
        return 0
    if found.moment is not None or PUBLISH_WORDS.search(folded):
        return 2
    rest = fold(chunk_text.replace(found.text, " "))
    rest = WEEKDAYS.sub(" ", rest)
    rest = LABEL_WORDS.sub(" ", rest)
    rest = re.sub(r"[\d\W_]+", " ", rest)
    return 2 if len(rest.split()) <= 2 else 1


def _dates_in(chunk: _Chunk) -> list[FoundDate]:
    """The dates a chunk holds (a <time datetime> value first)."""
    found = []
    stamp = re.search(r"\[([^\]]+)\]$", chunk.text)
    if stamp:
        value = find_date(stamp.group(1))
        if value:
            found.append(FoundDate(value.value, value.moment, chunk.text[:stamp.start()].strip()
                                   or value.text))
    value = find_date(chunk.text[:stamp.start()] if stamp else chunk.text)
    if value:
        found.append(value)
    return found


def near_title(body, title: str | None, url: str = "", page_title: str = "") -> FoundDate | None:
    """The publication date printed with the article's title (``title``, or the page's main
    heading when unknown: the one its <title>, ``page_title``, names), or None."""
    chunks = _chunks(body, url)
    anchor = _title_chunk(chunks, title)
    if anchor is None:
        anchor = _main_heading(chunks, page_title)
    if anchor is None:
        return None
    start = chunks[anchor].start + len(chunks[anchor].text)
    weak: FoundDate | None = None
    # the title's own line may carry the date ("Tiêu đề (17/11/2026)", "Tiêu đề | 17/11/2026")
    rest = _without(chunks[anchor].text, title)
    if rest:
        for found in _dates_in(_Chunk(None, rest, 0, False, False, False)):
            if date_strength(rest, found) == 2:
                return found
    after = []
    for chunk in chunks[anchor + 1:]:
        distance = chunk.start - start
        if distance > AFTER_CHARS or chunk.listy or (chunk.heading and chunk.element.tag in
                                                      ("h1", "h2") and distance > 0):
            break
        if not chunk.in_link and not chunk.aside:
            after.append(chunk)
    strong = _first_strong(after, reverse=False)
    if strong is not None:
        return strong
    before = []
    end = chunks[anchor].start
    for chunk in reversed(chunks[:anchor]):
        if end - (chunk.start + len(chunk.text)) > BEFORE_CHARS or chunk.listy:
            break
        if not chunk.in_link and not chunk.aside:
            before.append(chunk)
    strong = _first_strong(before, reverse=True)
    if strong is not None:
        return strong
    for chunk in after:
        if chunk.start - start > WEAK_AFTER_CHARS:
            break
        for found in _dates_in(chunk):
            if date_strength(chunk.text, found) == 1:
                return found
    return weak


# Dates printed this close together are one line ("Đăng: 18/07/2024 – Cập nhật: 22/07/2024"):
# the publication is the earliest of them.
SAME_LINE_CHARS = 60


def _first_strong(chunks: list[_Chunk], reverse: bool) -> FoundDate | None:
    """The first date of the post's own date line met going away from the title (``chunks``
    in that order), the earliest of the dates printed together with it."""
    for index, chunk in enumerate(chunks):
        found = [f for f in _dates_in(chunk) if date_strength(chunk.text, f) == 2]
        if not found:
            continue
        edge = chunk.start
        for other in chunks[index + 1:]:
            gap = (edge - (other.start + len(other.text))) if reverse else (
                other.start - (edge + len(chunk.text)))
            if gap > SAME_LINE_CHARS:
                break
            found += [f for f in _dates_in(other) if date_strength(other.text, f) == 2]
            edge = other.start
        return min(found, key=lambda f: (f.value, f.moment or datetime.min))
    return None


def _without(text: str, title: str | None) -> str:
    """A title line's text without the title itself (nothing when the title is unknown or not
    in it as written)."""
    if not title:
        return ""
    title = " ".join(nfc(title).split())
    index = text.find(title)
    if index < 0:
        return ""
    return (text[:index] + " " + text[index + len(title):]).strip()


def structured(doc) -> FoundDate | None:
    """A publication date the page states for machines: JSON-LD datePublished."""
    for script in doc.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in _ld_items(data):
            value = item.get("datePublished") if isinstance(item, dict) else None
            if isinstance(value, str):
                found = find_date(value)
                if found:
                    return found
    return None


def _ld_items(data):
    if isinstance(data, list):
        for item in data:
            yield from _ld_items(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_items(data["@graph"])
