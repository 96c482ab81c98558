"""What the crawl has learnt about one agency's portal so far, and its observations at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .blocks import FrameRegistry, Hints, choose
from .listings import Listing, PostLink, canonical
from .scope import Scope

# The frame registry's key of the home page.
HOME_PAGE = "home"


@dataclass
class SectionState:
    """One section (listing) being read: where it was found and the posts of its pages."""

    url: str
    name: str
    topics: list[str]
    how: str                                    # menu, submenu, …, register, reviewer
    general: bool = False                       # general news: topic-matched posts come from here
    pages: list[str] = field(default_factory=list)        # listing page URLs read
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)  # post URL → {title, published}
    undated: set[str] = field(default_factory=set)         # posts whose article is being opened
    failed: str | None = None                   # why the section could not be read
    qa: list[tuple[int, int]] = field(default_factory=list)  # (questions, answered) per Q&A page
    document_fields: list[str] | None = None    # van-ban fields of its table headings
    info_page: str | None = None                # also an information page (du-an, gop-y…)
    page_posts: dict[str, list[str]] = field(default_factory=dict)  # listing page → its posts
    # later listing pages that failed after a page was read: {url, reason, after (the listing
    # page that linked it)}; their posts are missing (observe.py judges whether that matters)
    lost_pages: list[dict[str, str]] = field(default_factory=list)
    # each listing page as read (its blocks of posts and pager), the posts of the block taken
    # as its listing and why, where it was read (URL, post-back), and the pages whose next
    # pages were asked for
    listings: dict[str, Listing] = field(default_factory=dict)
    chosen: dict[str, list[PostLink]] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)
    page_urls: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    followed: set[str] = field(default_factory=set)
    home: str = ""                              # the portal's home page (never a post)

    def hints(self, home: str = "") -> Hints:
        return Hints(self.name if self.how not in ("register", "reviewer") else "", self.url,
                     home)

    def read_page(self, page: str, listing: Listing, url: str, postback: str | None) -> None:
        self.listings[page] = listing
        self.chosen[page] = list(listing.posts)
        self.why[page] = listing.why
        self.page_urls[page] = (url, postback)

    def choose_again(self, frame: FrameRegistry) -> bool:
        """Each page's listing chosen again with what the portal's other pages now tell of its
        frame; whether any page's posts changed."""
        changed = False
        for page, listing in self.listings.items():
            left_out = frame.frame(page, listing.blocks)
            choice = choose(listing.blocks, self.hints(self.home), left_out, listing.empty)
            posts = list(choice.block.posts) if choice.block is not None else []
            if [p.url for p in posts] != [p.url for p in self.chosen.get(page, [])]:
                self.chosen[page] = posts
                changed = True
            self.why[page] = choice.why
        return changed

    def opens_articles(self) -> bool:
        """Whether its undated posts' articles are opened to date them: not for an information
        page read as a section in case it lists posts (a "Thủ tục hành chính" news category),
        which feeds no topic."""
        return bool(self.topics) or self.info_page is None

    def refresh(self, article_dates: dict[str, dict[str, Any]]) -> None:
        """The section's posts from its pages' listings, in reading order, each once, dated by
        the listing or else by its article (``article_dates``: URL → value, reason) when it
        opens articles (one opened for another section would otherwise date it or not by the
        order the pages came in)."""
        dating = self.opens_articles()
        posts: dict[str, dict[str, Any]] = {}
        for page in self.pages:
            for post in self.chosen.get(page, []):
                url = canonical(post.url)
                if url in posts:
                    continue
                published = post.moment or post.published
                entry: dict[str, Any] = {"title": post.title, "published": published}
                if published is None and not dating:
                    entry["undated"] = "article not opened: an information page feeds no topic"
                elif published is None:
                    dated = article_dates.get(url)
                    if dated is not None:
                        entry["published"] = dated["value"]
                        if dated["value"] is None:
                            entry["undated"] = dated["reason"] or "no date found"
                posts[url] = entry
        self.posts = posts
        self.page_posts = {page: [canonical(p.url) for p in self.chosen.get(page, [])]
                           for page in self.pages}

    def reaches(self, page: str, stop_before: date | None) -> bool:
        """Whether a listing page holds a post newer than ``stop_before`` (its next page may
        then hold posts the window counts)."""
        if stop_before is None:
            return True
        days = [_day(self.posts[u]["published"]) for u in self.page_posts.get(page, [])
                if u in self.posts]
        return any(d is not None and d >= stop_before for d in days)

    def alive(self) -> bool:
        return self.failed is None and bool(self.pages)

    def lost_in_window(self, stop_before: date | None) -> list[dict[str, str]]:
        """The lost pages that may have held posts the criteria count. A listing runs newest
        first, so a lost page holds posts older than those of the page that linked it: when
        that page already reached before `stop_before` (the window's start minus the margin the
        crawl reads past it), nothing the criteria count was lost; otherwise (or when the page
        had no dated post) it may have been."""
        kept = []
        for lost in self.lost_pages:
            days = [_day(self.posts[u]["published"]) for u in self.page_posts.get(lost["after"], [])
                    if u in self.posts]
            days = [d for d in days if d is not None]
            if stop_before is None or not days or min(days) >= stop_before:
                kept.append(lost)
        return kept

    def is_section(self) -> bool:
        """An information page whose name reads like a section ("Dự án đầu tư", "Lấy ý kiến dự
        thảo văn bản") is a section only if it lists posts."""
        return self.info_page is None or bool(self.posts)


@dataclass
class AgencyState:
    agency_id: str
    level: str
    portal: str
    obey_robots: bool = True                    # the register may waive robots.txt for a portal
    platform: str | None = None
    home_url: str | None = None                 # where the home page was read (after redirects)
    failure: str | None = None                  # the portal could not be read at all
    # exceptions of our own code while reading this portal (a bug): its results are not trusted
    internal_errors: list[str] = field(default_factory=list)
    sections: dict[str, SectionState] = field(default_factory=dict)   # canonical URL → section
    overrides: dict[str, list[str]] = field(default_factory=dict)     # topic → register URLs
    reviewer_sections: list[str] = field(default_factory=list)        # sections reviewers named
    static_pages: dict[str, str] = field(default_factory=dict)        # kind → URL
    fields: dict[str, set[str]] = field(default_factory=dict)         # set → fields seen
    field_pages: dict[str, list[str]] = field(default_factory=dict)   # set → URLs read
    procedure_fields: list[set[str]] = field(default_factory=list)    # thu-tuc, per procedure page
    features: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # URL → evidence rows
    # URL → the Content-Type it was served with (its charset), to show the stored HTML again
    content_types: dict[str, str] = field(default_factory=dict)
    budget_hit: bool = False
    notes: list[str] = field(default_factory=list)    # pages that failed, for the reviewer
    # information pages that failed: kind (lien-he, thu-tuc, procedure…) → [(url, reason)]
    failed_pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    stop_before: date | None = None             # the window's start minus the reading margin
    pages_fetched: int = 0
    started: datetime | None = None
    scope: Scope | None = None                  # where this portal's crawl may go
    # the blocks of posts of every page read (the site's frame: boxes repeated on its pages),
    # and its size when listings were last chosen again
    frame: FrameRegistry = field(default_factory=FrameRegistry)
    frame_seen: int = -1
    home_posts: set[str] = field(default_factory=set)      # posts the home page lists
    # articles opened to date a post: URL → {value, reason}; asked for; sections waiting
    article_dates: dict[str, dict[str, Any]] = field(default_factory=dict)
    articles_asked: set[str] = field(default_factory=set)
    waiting: dict[str, set[str]] = field(default_factory=dict)

    def in_scope(self, url: str) -> bool:
        return self.scope is None or self.scope.allows(url)


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def post_list(posts: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Posts newest first, as the observation contract lists them; an undated post says why."""
    rows = [{"url": url, "title": p["title"],
             "published": p["published"].isoformat() if isinstance(p["published"], (date, datetime))
             else p["published"],
             **({"undated": p["undated"]} if p.get("undated") and not p["published"] else {})}
            for url, p in posts.items()]
    return sorted(rows, key=lambda r: (r["published"] or "", r["url"]), reverse=True)
