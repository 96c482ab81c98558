"""What a perfect inspection of the sandbox province finds: observations derived from the model,
and the findings the real scoring engine gives on them (the ground truth)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from ..register.importer import service_id as register_service_id
from ..scoring.engine import AgencyResult, score_agency
from ..scoring.quantities import (ChildSummary, Context, ServiceResult, Unknown, peer_maxima,
                                  peer_names, resolve)
from ..survey.forms import declarations
from ..scoring.ratings import RatingTables
from ..model.textnorm import Matcher
from .generator import checklists, needed_topics, topics
from .model import Agency, Post, Province, Section, Service
from .services.behaviour import expected_verdict

# A post's URL and a section's listing URLs, given by the platform (or stand-ins while searching).
PostUrl = Callable[[Section, Post], str]
ListingUrls = Callable[[Section], list[str]]


def _stand_in_post_url(section: Section, post: Post) -> str:
    return f"post:{post.id}"


def _stand_in_listing_urls(section: Section) -> list[str]:
    return [f"section:{section.key}"]


def service_verdict(service: Service, catalogue_codes: set[str]) -> dict[str, Any]:
    """The verdict a correct check of Section V.4.2 reaches, and why."""
    if not service.procedures or not set(service.procedures) <= catalogue_codes:
        return {"verdict": "not_recognised", "failed_step": None, "recheck": False,
                "reason": "the service's name matches no procedure of the approved catalogue"}
    return expected_verdict(service)


def topic_posts(agency: Agency, topic: str) -> tuple[dict[str, Any], list[tuple[Section, Post]]]:
    """The section a perfect inspection uses for a topic, and the posts it counts: those of the
    sections named for the topic, else the general sections' posts whose title matches the
    topic's keywords (topic-matched, for a reviewer to confirm)."""
    own = [s for s in agency.sections if topic in s.topics]
    if own:
        return ({"found": True, "own": True, "sections": own},
                [(s, p) for s in own for p in s.posts])
    keywords = topics().topics[topic].get("topic_keywords") or []
    matched = [(s, p) for s in agency.sections if s.general for p in s.posts
               if keywords and Matcher(p.title).find(keywords)]
    general = [s for s in agency.sections if s.general]
    return ({"found": bool(matched), "own": False, "sections": general}, matched)


def observations(agency: Agency, post_url: PostUrl = _stand_in_post_url,
                 listing_urls: ListingUrls = _stand_in_listing_urls,
                 verdicts: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    """The observations a perfect crawl and service check store for one agency."""
    obs: dict[str, dict[str, Any]] = {}
    down = agency.has("down")
    for topic in needed_topics(agency.level):
        if down:
            obs[f"posts/{topic}"] = {"status": "failed", "reason": "connection refused: the portal is down"}
            continue
        section, counted = topic_posts(agency, topic)
        obs[f"posts/{topic}"] = {
            "status": "ok",
            "section": {"found": section["found"], "own": section["own"],
                        "how": sorted({s.placement for s in section["sections"]}),
                        "names": [s.name for s in section["sections"]],
                        "urls": [u for s in section["sections"] for u in listing_urls(s)]},
            "posts": [{"url": post_url(s, p), "title": p.title,
                       "published": p.published.isoformat(timespec="minutes")}
                      for s, p in sorted(counted, key=lambda sp: (sp[1].published, sp[1].id),
                                         reverse=True)]}
    if down:
        failed = {"status": "failed", "reason": "connection refused: the portal is down"}
        for name in topics().field_sets:
            obs[f"fields/{name}"] = dict(failed)
        for name in topics().features:
            obs[f"feature/{name}"] = dict(failed)
        obs["records/du-an"] = dict(failed)
        obs["observed/qa_questions"] = dict(failed)
        obs["observed/qa_answered"] = dict(failed)
    else:
        for name in topics().field_sets:
            present = agency.fields.get(name, [])
            if name == "thu-tuc" and not agency.procedures:
                present = []  # no procedure page shows anything
            obs[f"fields/{name}"] = {"status": "ok", "present": list(present)}
        for name in topics().features:
            if name == "accessibility_helpers":
                present = any(agency.features.get(n) for n in ("font_size", "text_to_speech", "contrast"))
            else:
                present = bool(agency.features.get(name))
            obs[f"feature/{name}"] = {"status": "ok", "present": present}
        obs["records/du-an"] = {"status": "ok", "records": [
            {"name": p.name, "fields": sorted(p.fields), "updated": p.updated.isoformat()}
            for p in agency.projects]}
        questions = [p for s in agency.sections if s.layout == "qa" for p in s.posts]
        obs["observed/qa_questions"] = {"status": "ok", "value": len(questions)}
        obs["observed/qa_answered"] = {"status": "ok",
                                       "value": sum(1 for p in questions if p.extra.get("answered"))}
    for name, value in agency.survey.items():
        obs[f"survey/{name}"] = {"status": "ok", "value": value}
    for service in agency.services:
        verdict = (verdicts or {}).get(service.id)
        if verdict and verdict["verdict"] != "needs_human":
            obs[f"service/{register_service_id(agency.id, service.name)}"] = {
                "status": "ok", "recognised": verdict["verdict"] == "recognised"}
    return obs


def context(agency: Agency, province: Province, obs: dict[str, dict[str, Any]],
            children: list[ChildSummary] | None = None,
            peers: dict[str, float | None] | None = None) -> Context:
    services = []
    for service in agency.services:
        verdict = obs.get(f"service/{register_service_id(agency.id, service.name)}")
        services.append(ServiceResult(
            name=service.name, level=service.level, procedures=list(service.procedures),
            recognised=None if verdict is None else verdict["recognised"],
            online_dossiers=service.online_dossiers, total_dossiers=service.total_dossiers))
    return Context(agency_id=agency.id, level=agency.level, tthc_total=agency.tthc_total,
                   province_tthc_total=province.tthc_total, services=services,
                   children=children, observations=obs, peers=dict(peers or {}),
                   declarations=declarations(agency.level, obs))


def child_summary(agency: Agency, ctx: Context) -> ChildSummary:
    def maybe(name):
        try:
            value = resolve(name, ctx)
        except Unknown:
            return None
        return int(value) if float(value).is_integer() else value

    return ChildSummary(id=agency.id, has_portal=True,
                        recognised_level3=maybe("services.recognised_level3"),
                        recognised_level4=maybe("services.recognised_level4"),
                        tthc_total=agency.tthc_total,
                        services_level12=maybe("survey.services_level12"))


def perfect_observations(agency: Agency, codes: set[str]) -> dict[str, dict[str, Any]]:
    """observations() with the verdicts a correct service check reaches (stand-in URLs)."""
    return observations(agency, verdicts={s.id: service_verdict(s, codes) for s in agency.services})


def children_summaries(district_id: str, agencies, province: Province,
                       observations_of: Callable[[Agency], dict[str, dict[str, Any]]]
                       ) -> list[ChildSummary]:
    """What a district's score needs to know of each of its communes."""
    return [child_summary(c, context(c, province, observations_of(c)))
            for c in agencies if c.parent == district_id]


def score(agency: Agency, province: Province, obs: dict[str, dict[str, Any]],
          children: list[ChildSummary] | None = None,
          tables: RatingTables | None = None,
          peers: dict[str, float | None] | None = None) -> AgencyResult:
    ctx = context(agency, province, obs, children, peers)
    return score_agency(list(checklists()), ctx, province.as_of, tables or _tables())


def level_peers(province: Province, obs_by_agency: dict[str, dict[str, dict[str, Any]]]
                ) -> dict[str, dict[str, float | None]]:
    """The level-wide maxima ("peers.max.*") each level's checklists name, over every agency
    of the level, as the scoring store computes them."""
    result = {}
    for level in ("province", "district", "commune"):
        names = set()
        for checklist in checklists():
            if checklist.level == level:
                for criterion in checklist.criteria:
                    names |= peer_names(criterion.rule) | peer_names(criterion.input)
        contexts = [context(a, province, obs_by_agency[a.id]) for a in province.agencies
                    if a.level == level]
        result[level] = peer_maxima(names, contexts) if names and contexts else {}
    return result


@lru_cache(maxsize=1)
def _tables() -> RatingTables:
    return RatingTables.load()


def ratings(result: AgencyResult) -> dict[str, str | None]:
    return {c.id: c.rating for c in result.categories}
