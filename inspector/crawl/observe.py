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


def _failed(reason: str) -> dict[str, Any]:
    return {"status": "failed", "reason": reason}


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
    for topic in needed_topics:
        obs[f"posts/{topic}"] = topic_observation(state, topic, topics)
    for field_set in FIELD_SETS_READ:
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
    obs["records/du-an"] = {"status": "ok", "records": state.projects}
    qa = [pair for s in state.sections.values() if s.alive() for pair in s.qa]
    obs["observed/qa_questions"] = {"status": "ok", "value": sum(q for q, _ in qa)}
    obs["observed/qa_answered"] = {"status": "ok", "value": sum(a for _, a in qa)}
    return obs
