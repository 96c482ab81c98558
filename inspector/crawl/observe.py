"""Turn what the crawl learnt about a portal into the observations `inspector score` reads
(the contract of docs/checklists.md)."""

from __future__ import annotations

from typing import Any

from ..model.checklist import Topics
from ..model.sections import Correction, SectionRecord, topic_observation
from .discovery import url_words
from .listings import canonical
from .state import AgencyState, SectionState, post_list
from .topics import assign

FIELD_SETS_READ = ("gioi-thieu", "lanh-dao", "lien-he", "can-bo", "thu-tuc", "gop-y", "van-ban")
# The information pages (spider.py kinds) that show each field set (van-ban: the sections).
FIELD_SET_PAGES = {"gioi-thieu": ("gioi-thieu", "co-cau-to-chuc"), "lanh-dao": ("lanh-dao",),
                   "lien-he": ("lien-he",), "can-bo": ("danh-ba",), "gop-y": ("gop-y",),
                   "thu-tuc": ("thu-tuc", "procedure")}


def _failed(reason: str) -> dict[str, Any]:
    return {"status": "failed", "reason": reason}


def section_assignment(section: SectionState):
    """The topics a section feeds (crawl/topics.py): by its name (an image link's address when
    it has none), the posts it holds telling apart topics its name names alike; None for a
    section the register or a reviewer names."""
    if section.how in ("register", "reviewer"):
        return None
    name = section.name.strip() or url_words(section.url)
    return assign(name, [p["title"] for p in section.posts.values()])


def _topics(section: SectionState) -> list[str]:
    """The topics a section feeds: those its name names most specifically; the register's
    topic for the register's section; the topics its address names for an image link."""
    assignment = section_assignment(section)
    if assignment is None or not assignment.topics:
        return list(section.topics)
    return [t for t in assignment.topics if t in section.topics or not section.topics]


def _articles(state: AgencyState) -> set[str]:
    """Posts the portal lists (on its home page and in its sections): a "section" among them
    is an article whose title carries a topic's words, not a section. An article names its
    category (a breadcrumb, "Chuyên mục: …" by its date) and that link can read as the
    article's one post while the category lists the article: of two pages listing each
    other, the one that lists more posts is the section."""
    articles = set(state.home_posts)
    listers: dict[str, set[str]] = {}
    for key, section in state.sections.items():
        if section.info_page is None:   # a site map or a procedures page lists pages, not posts
            for url in section.posts:
                listers.setdefault(url, set()).add(key)
    for url, keys in listers.items():
        candidate = state.sections.get(url)
        if candidate is None or not all(_listed_back(candidate, state.sections[k]) for k in keys):
            articles.add(url)
    return articles


def _listed_back(candidate: SectionState, lister: SectionState) -> bool:
    """Whether ``candidate`` lists its lister among more posts than the lister lists."""
    return (canonical(lister.url) in candidate.posts
            and len(candidate.posts) > len(lister.posts))


def _is_article(section: SectionState, articles: set[str]) -> bool:
    """A "section" the portal itself lists as a post (in a section's listing, in a block of
    posts of its home page): an article whose title carries a topic's words, whatever its page
    shows beside the article (a "related posts" list is no listing)."""
    if section.how in ("register", "reviewer"):
        return False
    return canonical(section.url) in articles


def _why(section: SectionState) -> str:
    """Why a section feeds its topics, for the reviewer: where its link was, its text, the
    words matched, the topics its name also named and why they lost."""
    if section.how == "register":
        return "named by the register"
    assignment = section_assignment(section)
    where = f"{section.how} link {section.name!r}"
    if assignment is None or not assignment.topics:
        return f"{where} (its address names the topic)"
    return f"{where}: {assignment.explain()}"


def section_records(state: AgencyState) -> list[SectionRecord]:
    """What the crawl read of each section, as typed records (stored as crawl/sections)."""
    articles = _articles(state)
    return [SectionRecord(
        url=section.url, name=section.name, how=section.how, topics=_topics(section),
        named=list(section.topics), why=_why(section), general=section.general,
        article=_is_article(section, articles), info_page=section.info_page,
        pages=list(section.pages), failed=section.failed,
        lost=section.lost_in_window(state.stop_before), posts=post_list(section.posts),
        evidence=_evidence(state, [section])) for section in state.sections.values()]


def _evidence(state: AgencyState, sections: list[SectionState]) -> list[dict[str, Any]]:
    rows = []
    for section in sections:
        for url in section.pages[:1]:
            rows += state.evidence.get(url, [])
    return rows


def observations(state: AgencyState, needed_topics: list[str], topics: Topics,
                 corrections: list[Correction] = ()) -> dict[str, dict[str, Any]]:
    """Every observation of one agency; all failed, with the reason, when the portal was not
    read at all."""
    obs: dict[str, dict[str, Any]] = {}
    keys = ([f"posts/{t}" for t in needed_topics] + [f"fields/{s}" for s in FIELD_SETS_READ]
            + [f"feature/{f}" for f in topics.features if f != "mobile"]
            + ["records/du-an", "observed/qa_questions", "observed/qa_answered",
               "crawl/sections"])
    if state.failure:
        return {key: _failed(state.failure) for key in keys}
    if state.internal_errors:
        return {key: _failed(internal_error(state.internal_errors)) for key in keys}
    records = section_records(state)
    for topic in needed_topics:
        obs[f"posts/{topic}"] = topic_observation(
            records, topic, topics.topics[topic].get("topic_keywords") or [],
            register=topic in state.overrides, corrections=corrections)
    obs["crawl/sections"] = {"status": "ok", "sections": [r.to_json() for r in records]}
    for field_set in FIELD_SETS_READ:
        failure = _field_set_failure(state, field_set)
        if failure:
            obs[f"fields/{field_set}"] = _failed(failure)
            continue
        if field_set == "thu-tuc":
            pages = state.procedure_fields
            present = sorted(set.intersection(*pages)) if pages else []
        elif field_set == "van-ban":
            tables = [s.document_fields for s in state.sections.values()
                      if s.alive() and s.document_fields is not None]
            present = sorted(set().union(*tables)) if tables else []
        else:
            present = sorted(state.fields.get(field_set, set()))
        pages = state.field_pages.get(field_set, [])
        obs[f"fields/{field_set}"] = {
            "status": "ok", "present": present, "pages": pages,
            "evidence": [ref for url in pages for ref in state.evidence.get(canonical(url), [])]}
    for name in topics.features:
        if name == "mobile":
            continue  # observed in Chromium (mobile.py), not from the HTML
        seen = state.features.get(name)
        obs[f"feature/{name}"] = {"status": "ok", "present": bool(seen and seen.get("present")),
                                  **({"where": seen["where"]} if seen and seen.get("where") else {})}
    du_an = state.failed_pages.get("du-an")
    obs["records/du-an"] = (_failed(_pages_failed("du-an", du_an)) if du_an and not state.projects
                            else {"status": "ok", "records": state.projects})
    qa_sections = [s for s in state.sections.values() if "hoi-dap" in s.topics]
    qa = [pair for s in qa_sections if s.alive() for pair in s.qa]
    qa_failed = [s for s in qa_sections if not s.alive()]
    if qa_failed and not qa:  # the Q&A section could not be read: no count, not zero
        reason = "the Q&A section could not be read (" + "; ".join(
            f"{s.url}: {s.failed or 'no listing page read'}" for s in qa_failed) + ")"
        obs["observed/qa_questions"] = _failed(reason)
        obs["observed/qa_answered"] = _failed(reason)
    else:
        obs["observed/qa_questions"] = {"status": "ok", "value": sum(q for q, _ in qa)}
        obs["observed/qa_answered"] = {"status": "ok", "value": sum(a for _, a in qa)}
    return obs


def internal_error(errors: list[str]) -> str:
    """The reason of an agency whose crawl met a bug of the crawler (failures.py: internal)."""
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return (f"internal error of the crawler at {errors[0]}{more}: this portal's results are not "
            "trusted; the traceback is in the crawl log (a bug to report)")


def _pages_failed(what: str, failed: list[tuple[str, str]]) -> str:
    return f"the {what} page could not be read (" + "; ".join(
        f"{url}: {reason}" for url, reason in failed) + ")"


def _field_set_failure(state: AgencyState, field_set: str) -> str | None:
    """Why a field set could not be observed: every page that shows it failed (a page absent
    from the portal is a finding, present [], not a failure)."""
    if field_set == "van-ban":
        tables = [s for s in state.sections.values() if "van-ban-qppl" in s.topics]
        if tables and not any(s.alive() for s in tables):
            return "the legal documents section could not be read (" + "; ".join(
                f"{s.url}: {s.failed or 'no listing page read'}" for s in tables) + ")"
        return None
    if state.field_pages.get(field_set):
        return None                     # a page of it was read
    failed = [row for kind in FIELD_SET_PAGES[field_set] for row in state.failed_pages.get(kind, [])]
    return _pages_failed(field_set, failed) if failed else None
