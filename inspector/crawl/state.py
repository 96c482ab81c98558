"""What the crawl has learnt about one agency's portal so far, and its observations at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class SectionState:
    """One section (listing) being read: where it was found and the posts of its pages."""

    url: str
    name: str
    topics: list[str]
    how: str                                    # menu, submenu, sidebar_image, footer, sitemap, register
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
    static_pages: dict[str, str] = field(default_factory=dict)        # kind → URL
    fields: dict[str, set[str]] = field(default_factory=dict)         # set → fields seen
    field_pages: dict[str, list[str]] = field(default_factory=dict)   # set → URLs read
    procedure_fields: list[set[str]] = field(default_factory=list)    # thu-tuc, per procedure page
    features: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # URL → evidence rows
    budget_hit: bool = False
    notes: list[str] = field(default_factory=list)    # pages that failed, for the reviewer
    # information pages that failed: kind (lien-he, thu-tuc, procedure…) → [(url, reason)]
    failed_pages: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    stop_before: date | None = None             # the window's start minus the reading margin
    pages_fetched: int = 0
    started: datetime | None = None


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
    """Posts newest first, as the observation contract lists them."""
    rows = [{"url": url, "title": p["title"],
             "published": p["published"].isoformat() if isinstance(p["published"], (date, datetime))
             else p["published"]} for url, p in posts.items()]
    return sorted(rows, key=lambda r: (r["published"] or "", r["url"]), reverse=True)
