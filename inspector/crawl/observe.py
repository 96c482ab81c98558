"""Turn what the crawl learnt about a portal into the observations `inspector score` reads
(the contract of docs/checklists.md)."""

from __future__ import annotations

from typing import Any

from ..scoring.checklist import Topics
from ..textnorm import Matcher
from .listings import canonical
from .state import AgencyState, SectionState, post_list

# Topics whose section is a general news section: topic-matched posts are taken from there.
GENERAL_TOPICS = ("tin-tuc-su-kien", "tin-dia-phuong")
FIELD_SETS_READ = ("gioi-thieu", "lanh-dao", "lien-he", "can-bo", "thu-tuc", "gop-y", "van-ban")
# The information pages (spider.py kinds) that show each field set (van-ban: the sections).
FIELD_SET_PAGES = {"gioi-thieu": ("gioi-thieu", "co-cau-to-chuc"), "lanh-dao": ("lanh-dao",),
                   "lien-he": ("lien-he",), "can-bo": ("danh-ba",), "gop-y": ("gop-y",),
                   "thu-tuc": ("thu-tuc", "procedure")}


def _failed(reason: str) -> dict[str, Any]:
    return {"status": "failed", "reason": reason}


def _partial(state: AgencyState, sections: list[SectionState]) -> list[dict[str, str]]:
    """The lost later listing pages of these sections that may have held counted posts."""
    return [lost for s in sections for lost in s.lost_in_window(state.stop_before)]


def _partial_failure(topic: str, lost: list[dict[str, str]], sections: list[SectionState],
                     posts: dict[str, dict[str, Any]], own: bool) -> dict[str, Any]:
    """A section read only in part is not assessed: the posts read are a lower bound, and a
    count, a coverage or a band scored on them could be too low. The posts read stay in the
    observation for the reviewer."""
    pages = "; ".join(f"{lost['url']}: {lost['reason']}" for lost in lost)
    return {**_failed(f"the section for topic {topic!r} was read only in part: a later listing "
                      f"page failed, its posts may count ({pages})"),
            "partial": lost, "section": _section_summary(sections, own, True),
            "posts": post_list(posts)}


def _section_summary(sections: list[SectionState], own: bool, found: bool) -> dict[str, Any]:
    return {"found": found, "own": own, "how": sorted({s.how for s in sections}),
            "names": [s.name for s in sections], "urls": [u for s in sections for u in s.pages]}


def topic_observation(state: AgencyState, topic: str, topics: Topics) -> dict[str, Any]:
    """posts/<topic>: the posts of the sections named for the topic, else the general sections'
    posts whose title carries the topic's keywords (own: false, for a reviewer to confirm)."""
    candidates = [s for s in state.sections.values() if topic in s.topics and s.is_section()]
    if topic in state.overrides:  # the register names the section: discovery does not count
        candidates = [s for s in candidates if s.how == "register"]
    alive = [s for s in candidates if s.alive()]
    if alive:
        posts: dict[str, dict[str, Any]] = {}
        for section in alive:
            posts.update(section.posts)
        lost = _partial(state, alive)
        if lost:
            return _partial_failure(topic, lost, alive, posts, True)
        return {"status": "ok", "section": _section_summary(alive, True, True),
                "posts": post_list(posts), "evidence": _evidence(state, alive)}
    if candidates:  # named sections exist but none could be read
        reasons = "; ".join(f"{s.url}: {s.failed or 'no listing page read'}" for s in candidates)
        return _failed(f"the section for topic {topic!r} could not be read ({reasons})")
    general = [s for s in state.sections.values()
               if s.alive() and (s.general or set(s.topics) & set(GENERAL_TOPICS))]
    keywords = topics.topics[topic].get("topic_keywords") or []
    matched: dict[str, dict[str, Any]] = {}
    if keywords:
        for section in general:
            for url, post in section.posts.items():
                if Matcher(post["title"]).find(keywords):
                    matched[url] = post
        lost = _partial(state, general)
        if lost:  # a lost page of a general section may hold posts of this topic too
            return _partial_failure(topic, lost, general, matched, False)
    return {"status": "ok", "section": _section_summary(general, False, bool(matched)),
            "posts": post_list(matched), "evidence": _evidence(state, general)}


def _evidence(state: AgencyState, sections: list[SectionState]) -> list[dict[str, Any]]:
    rows = []
    for section in sections:
        for url in section.pages[:1]:
            rows += state.evidence.get(url, [])
    return rows


def observations(state: AgencyState, needed_topics: list[str],
                 topics: Topics) -> dict[str, dict[str, Any]]:
    """Every observation of one agency; all failed, with the reason, when the portal was not
    read at all."""
    obs: dict[str, dict[str, Any]] = {}
    keys = ([f"posts/{t}" for t in needed_topics] + [f"fields/{s}" for s in FIELD_SETS_READ]
            + [f"feature/{f}" for f in topics.features if f != "mobile"]
            + ["records/du-an", "observed/qa_questions", "observed/qa_answered"])
    if state.failure:
        return {key: _failed(state.failure) for key in keys}
    if state.internal_errors:
        return {key: _failed(internal_error(state.internal_errors)) for key in keys}
    for topic in needed_topics:
        obs[f"posts/{topic}"] = topic_observation(state, topic, topics)
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
