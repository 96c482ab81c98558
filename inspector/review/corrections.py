"""A reviewer corrects which section is a topic's ("this section is not topic X", "topic X is
at URL"): the correction is kept (register/corrections.py, audit-logged), the topic's
observation is derived again from what the last crawl already read, and the agency re-scored;
the next crawl reads a named section it had not read."""

from __future__ import annotations

from typing import Any

from ..records import registry
from ..model.errors import UserError
from ..register import corrections as store
from ..model.checklist import load_all, load_topics, posts_topics, topics_of_criteria
from ..scoring.store import rescore
from ..model.sections import SectionRecord, topic_observation
from ..records import observations
from ..records.workspace import Workspace, dumps, loads
from .limits import check_text


def _agency(ws: Workspace, agency_id: str) -> dict[str, Any]:
    return registry.agencies(ws, [agency_id])[0]


def sections_read(ws: Workspace, agency_id: str) -> list[SectionRecord] | None:
    """The sections the last crawl read of the agency's portal (None: not crawled, or its
    portal could not be read)."""
    read = observations.get(ws, agency_id, "crawl/sections")
    if read is None or read.status != observations.OK:
        return None
    return [SectionRecord.from_json(s) for s in read.value.get("sections", [])]


def derive_again(ws: Workspace, agency_id: str) -> list[str]:
    """Each posts/<topic> observation of the agency derived again from the sections already
    read, with the register's and the reviewers' word; the keys that changed."""
    records = sections_read(ws, agency_id)
    if records is None:
        return []
    agency = _agency(ws, agency_id)
    checklists = load_all()
    topics = load_topics()
    by_criterion = topics_of_criteria(checklists)
    registered = {by_criterion[c] for c in (loads(agency["sections"], {}) or {})
                  if c in by_criterion}
    corrections = store.corrections(ws, agency_id)
    changed = []
    with ws.transaction():
        for topic in posts_topics(checklists, agency["level"]):
            key = f"posts/{topic}"
            obs = topic_observation(records, topic,
                                    topics.topics[topic].get("topic_keywords") or [],
                                    register=topic in registered, corrections=corrections)
            status, reason = obs.pop("status"), obs.pop("reason", None)
            before = observations.get(ws, agency_id, key)
            if before is not None and before.read_for and status == observations.OK:
                obs["read_for"] = before.read_for      # the same posts, read for that window
            if before is not None and before.status == status and before.reason == reason \
                    and before.value == loads(dumps(obs), {}):
                continue
            observations.put(ws, agency_id, key, obs, status=status, reason=reason,
                             run_id=before.run_id if before else None)
            changed.append(key)
    return changed


def correct_section(ws: Workspace, agency_id: str, topic: str, url: str, verdict: str,
                    reviewer: str, reason: str) -> list[str]:
    """Record the reviewer's correction, derive the agency's topics again from what was read,
    re-score it; the observation keys that changed."""
    check_text(reason, "lý do")
    needed = posts_topics(load_all(), _agency(ws, agency_id)["level"])
    if topic not in needed:
        raise UserError(f"{agency_id}: không tiêu chí nào của cấp này đếm tin bài chủ đề "
                        f"{topic!r} (các chủ đề: {', '.join(needed)})")
    store.add(ws, agency_id, topic, url, verdict, reviewer, reason)
    changed = derive_again(ws, agency_id)
    rescore(ws, [agency_id])
    return changed


def withdraw_correction(ws: Workspace, agency_id: str, topic: str, url: str, reviewer: str,
                        reason: str) -> list[str]:
    store.withdraw(ws, agency_id, topic, url, reviewer, reason)
    changed = derive_again(ws, agency_id)
    rescore(ws, [agency_id])
    return changed


def topic_rows(ws: Workspace, agency_id: str) -> dict[str, Any]:
    """What the agency page shows of its topics' sections: per topic counted, the sections
    that feed it and why (or that it borrows from general news, or that none was found), the
    corrections standing; and every section read, for a reviewer to name one."""
    agency = _agency(ws, agency_id)
    topics = load_topics()
    observed = {key[len("posts/"):]: obs
                for key, obs in observations.of_agency(ws, agency_id, "posts/").items()}
    corrections = store.corrections(ws, agency_id)
    rows = []
    for topic in posts_topics(load_all(), agency["level"]):
        row = observed.get(topic)
        value = row.value if row else {}
        section = value.get("section") or {}
        rows.append({"topic": topic, "title": topics.topics[topic]["title"],
                     "status": row.status if row else None,
                     "reason": row.reason if row else None,
                     "own": section.get("own"), "found": section.get("found"),
                     "names": section.get("names") or [], "urls": section.get("urls") or [],
                     "sections": list(zip(section.get("names") or [],
                                          section.get("sections") or [])),
                     "why": section.get("why") or {}, "posts": len(value.get("posts") or []),
                     "corrections": [c for c in corrections if c.topic == topic]})
    read = sections_read(ws, agency_id) or []
    return {"topics": rows, "sections": [s for s in read if s.alive() and not s.article]}
