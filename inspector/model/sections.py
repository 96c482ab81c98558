"""A portal's sections as a crawl read them (typed records, stored in the crawl/sections
observation) and each topic's posts observation derived from them, with the register's and the
reviewers' word on which section is a topic's.

The crawl (crawl/observe.py) derives the posts/<topic> observations with `topic_observation`;
a reviewer's correction ("this section is not topic X", "topic X is at URL") is applied with the
same function to what was already read, without crawling again (review/corrections.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from w3lib.url import canonicalize_url

from .textnorm import Matcher

# Topics of general news: every section named for them feeds them, beside its own topic; a
# topic without a section of its own takes the posts of these sections whose title names it.
GENERAL_TOPICS = ("tin-tuc-su-kien", "tin-dia-phuong")
IS, IS_NOT = "is", "is_not"


@dataclass
class SectionRecord:
    """One section the crawl read: where its link was (``how``: menu, submenu, footer,
    sitemap, sidebar_image, body, register) and its text (``name``), the topics it feeds and
    those its name carries, why, whether it turned out to be an article or an information
    page, the listing pages read, why it could not be read, the later pages lost that may have
    held counted posts, its posts (url, title, published, and why a post stayed undated) and
    the evidence of its first page."""

    url: str
    name: str
    how: str
    topics: list[str] = field(default_factory=list)
    named: list[str] = field(default_factory=list)
    why: str = ""
    general: bool = False
    article: bool = False
    info_page: str | None = None
    pages: list[str] = field(default_factory=list)
    failed: str | None = None
    lost: list[dict[str, str]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def alive(self) -> bool:
        return self.failed is None and bool(self.pages)

    def is_section(self) -> bool:
        """An information page whose name reads like a section counts only if it lists posts;
        an article is no section."""
        return not self.article and (self.info_page is None or bool(self.posts))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SectionRecord":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Correction:
    """A reviewer's word on a topic's section: the section at ``url`` is (IS) or is not
    (IS_NOT) the topic's."""

    topic: str
    url: str
    verdict: str
    by: str = ""
    at: str = ""
    reason: str = ""


def _failed(reason: str, **extra) -> dict[str, Any]:
    return {"status": "failed", "reason": reason, **extra}


def _summary(sections: list[SectionRecord], own: bool, found: bool,
             why: dict[str, str] | None = None) -> dict[str, Any]:
    summary = {"found": found, "own": own, "how": sorted({s.how for s in sections}),
               "names": [s.name for s in sections], "sections": [s.url for s in sections],
               "urls": [u for s in sections for u in s.pages]}
    if why:
        summary["why"] = why
    return summary


def _merge(sections: list[SectionRecord]) -> list[dict[str, Any]]:
    """The posts of several sections, each once, newest first."""
    posts: dict[str, dict[str, Any]] = {}
    for section in sections:
        for post in section.posts:
            posts.setdefault(post["url"], post)
    return sorted(posts.values(), key=lambda p: (p.get("published") or "", p["url"]), reverse=True)


def _evidence(sections: list[SectionRecord]) -> list[dict[str, Any]]:
    return [ref for s in sections for ref in s.evidence]


def _partial(topic: str, sections: list[SectionRecord], posts: list[dict[str, Any]],
             own: bool) -> dict[str, Any] | None:
    """A section read only in part is not assessed: the posts read are a lower bound."""
    lost = [lost for s in sections for lost in s.lost]
    if not lost:
        return None
    pages = "; ".join(f"{item['url']}: {item['reason']}" for item in lost)
    return _failed(f"the section for topic {topic!r} was read only in part: a later listing "
                   f"page failed, its posts may count ({pages})", partial=lost,
                   section=_summary(sections, own, True), posts=posts)


def _undated(topic: str, sections: list[SectionRecord], posts: list[dict[str, Any]],
             own: bool) -> dict[str, Any] | None:
    """Posts found but none could be dated: not assessed (no count, no zero); the reason says
    how many and why."""
    if not posts or any(p.get("published") for p in posts):
        return None
    reasons = sorted({p.get("undated") or "no date on the listing" for p in posts})
    return _failed(f"{len(posts)} posts found for topic {topic!r} in "
                   f"{', '.join(repr(s.name) for s in sections)}, none could be dated ("
                   + "; ".join(reasons[:3]) + ")", undated=len(posts),
                   section=_summary(sections, own, True), posts=posts)


def topic_observation(sections: Iterable[SectionRecord], topic: str,
                      topic_keywords: list[str], *, register: bool = False,
                      corrections: Iterable[Correction] = ()) -> dict[str, Any]:
    """posts/<topic>: the posts of the sections that feed the topic; else the general
    sections' posts whose title carries ``topic_keywords`` (own: false, for a reviewer to
    confirm). A topic whose own section exists, even empty, borrows nothing. When the register
    (``register``) or a reviewer names the topic's section, only named sections count; a
    section a reviewer says is not the topic's does not."""
    sections = list(sections)
    by_url = {canonicalize_url(s.url): s for s in sections}
    mine = [c for c in corrections if c.topic == topic]
    named = [c for c in mine if c.verdict == IS]
    refused = {canonicalize_url(c.url) for c in mine if c.verdict == IS_NOT}
    if named:
        unread = [c.url for c in named if canonicalize_url(c.url) not in by_url]
        if unread:
            return _failed(f"a reviewer named {', '.join(unread)} as the section of topic "
                           f"{topic!r}; it has not been read yet (the next crawl reads it)",
                           section={"found": True, "own": True, "how": ["reviewer"],
                                    "names": [], "urls": unread})
        candidates = [by_url[canonicalize_url(c.url)] for c in named]
        why = {s.name or s.url: f"named by a reviewer ({c.by}: {c.reason})"
               for c, s in zip(named, candidates)}
    else:
        candidates = [s for s in sections if topic in s.topics and s.is_section()
                      and canonicalize_url(s.url) not in refused]
        if register:  # the register names the section: discovery does not count
            candidates = [s for s in candidates if s.how == "register"]
        # a topic with a section of its own alone ("Báo cáo tình hình kinh tế - xã hội") does
        # not also take a section it shares with other topics ("Thống kê - Báo cáo")
        alone = [s for s in candidates
                 if [t for t in s.topics if t not in GENERAL_TOPICS] == [topic]]
        if alone:
            candidates = alone
        why = {s.name or s.url: s.why for s in candidates}
    alive = [s for s in candidates if s.alive()]
    if alive:
        posts = _merge(alive)
        failure = _partial(topic, alive, posts, True) or _undated(topic, alive, posts, True)
        if failure:
            return failure
        return {"status": "ok", "section": _summary(alive, True, True,
                                                    {k: v for k, v in why.items() if v}),
                "posts": posts, "evidence": _evidence(alive)}
    if candidates:  # named sections exist but none could be read
        reasons = "; ".join(f"{s.url}: {s.failed or 'no listing page read'}" for s in candidates)
        return _failed(f"the section for topic {topic!r} could not be read ({reasons})")
    general = [s for s in sections if s.alive() and canonicalize_url(s.url) not in refused
               and (s.general or set(s.topics) & set(GENERAL_TOPICS))]
    matched: list[dict[str, Any]] = []
    if topic_keywords:
        matched = [p for p in _merge(general) if Matcher(p.get("title") or "").find(
            topic_keywords)]
        # a lost page of a general section may hold posts of this topic too
        failure = _partial(topic, general, matched, False) or _undated(topic, general, matched,
                                                                       False)
        if failure:
            return failure
    return {"status": "ok", "section": _summary(general, False, bool(matched)),
            "posts": matched, "evidence": _evidence(general)}
