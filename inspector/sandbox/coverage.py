"""Make every band of every portal criterion reached by some agency of the sandbox province.

After generation, each (criterion, points) a rule can give that no agency reaches is produced on
purpose: one agency of the right level gets its content for that criterion rewritten (a topic's
posts, a field set, a feature), and the change is kept only if the agency (and its district) keep
their target ratings and no band reached before is lost.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, Callable

from ..model.checklist import Criterion
from ..model.periods import Span, Window, periods
from ..scoring.rules import title_selected
from ..model.textnorm import Matcher
from . import vocabulary as V
from .generator import checklists, slugify, topics
from .model import Agency, Post, Province

PORTAL_CATEGORIES = ("1B/III", "2B/II/I", "3B/II/I")


def band_values(criterion: Criterion) -> set[float]:
    """The points a criterion's rule can give, when they are a small set."""
    rule = criterion.rule
    if rule.get("bands") and rule["type"] in ("count_bands", "period_bands"):
        return {float(b["points"]) for b in rule["bands"]}
    if rule["type"] == "presence":
        values = {float(criterion.max_points), 0.0}
        partial = rule.get("partial_points")
        if partial and (criterion.input.get("kind") == "fields" or criterion.update_lag):
            values.add(float(partial))
        return values
    if rule["type"] == "feature":
        return {float(criterion.max_points), 0.0}
    return set()


def portal_criteria(level: str) -> list[Criterion]:
    return [c for cl in checklists() if cl.level == level and cl.id in PORTAL_CATEGORIES
            for c in cl.criteria if band_values(c)]


@dataclass
class Scorer:
    """Scores one agency (with its communes for a district) and tells its ratings."""

    score: Callable[[Agency], Any]       # agency → AgencyResult
    targets: Callable[[Agency], dict]    # agency → {category: rating wanted}


def reached(results: dict[str, Any]) -> set[tuple[str, float]]:
    return {(f.criterion_id, float(f.points)) for r in results.values() for f in r.findings
            if f.points is not None}


def _ratings_kept(result, targets: dict) -> bool:
    got = {c.id: c.rating for c in result.categories}
    return all(got.get(cid) == label for cid, label in targets.items())


def _moment(rng: random.Random, as_of, age_days: int) -> datetime:
    return datetime.combine(as_of - timedelta(days=age_days), time(rng.randint(7, 21), 30))


def _titles(topic: str, criterion: Criterion, moment: datetime, rng: random.Random) -> str:
    if topic in V.REPORT_TITLES:
        periodic, yearly = V.REPORT_TITLES[topic]
        quarterly = criterion.rule["type"] == "period_bands"
        candidates = [periodic.format(period=q, y=moment.year) for q in V.QUARTER_NAMES.values()] \
            if quarterly else [yearly.format(y=moment.year)]
    else:
        templates = {"du-an-dau-tu": V.PROJECT_TITLES, "nckh": V.RESEARCH_TITLES}.get(
            topic, V.TITLES.get(topic, V.FILLER_TITLES))
        candidates = [t.format(x=rng.choice(V.SUBJECTS), y=moment.year, m=moment.month, n=3,
                               q="I", law=rng.choice(V.LAWS)) for t in templates]
    for title in candidates:
        if title_selected(criterion.input, title):
            return title
    return candidates[0]


def _dates_for(criterion: Criterion, value: float, as_of) -> list[int] | None:
    """Ages in days of the posts that give `value` under the criterion's rule, or None."""
    rule, lag = criterion.rule, criterion.update_lag
    lag_days = (as_of - lag.before(as_of)).days if lag else None
    if rule["type"] == "count_bands":
        band = next(b for b in rule["bands"] if float(b["points"]) == value)
        return [1 + i * 20 for i in range(int(band["min"]))]
    if rule["type"] == "period_bands":
        band = next(b for b in rule["bands"] if float(b["points"]) == value)
        span = rule["period"] if isinstance(rule["period"], Span) else Span.parse(rule["period"])
        recent = list(reversed(periods(Window.ending(as_of), span)))[:int(band["min"])]
        # the newest post on the as-of date's eve (timely), the others mid-period
        return [1 if i == 0 else (as_of - (p.start + (p.end - p.start) / 2)).days
                for i, p in enumerate(recent)]
    if rule["type"] == "presence":
        if value == 0:
            return []
        if value == float(criterion.max_points):
            return [1]
        return [lag_days + 20] if lag_days is not None else None
    return None


def _rewrite_posts(agency: Agency, criterion: Criterion, value: float, as_of,
                   rng: random.Random) -> bool:
    topic = criterion.input["topic"]
    ages = _dates_for(criterion, value, as_of)
    if ages is None:
        return False
    home = next((s for s in agency.sections if topic in s.topics), None) or \
        next((s for s in agency.sections if s.general), None)
    if home is None or home.layout != "news":
        return False
    next_id = max((p.id for s in agency.sections for p in s.posts), default=0) + 1
    keywords = criterion.input.get("title_keywords")
    if topic in home.topics:  # every post of the section counts: keep only what the filter skips
        def counted(post: Post) -> bool:
            return not keywords or title_selected(criterion.input, post.title)
    else:  # topic-matched among general news
        topic_keywords = topics().topics[topic].get("topic_keywords") or []

        def counted(post: Post) -> bool:
            return bool(Matcher(post.title).find(topic_keywords))
    home.posts = [p for p in home.posts if not counted(p)]
    for age in ages:
        moment = _moment(rng, as_of, age)
        title = _titles(topic, criterion, moment, rng)
        home.posts.append(Post(id=next_id, slug=f"{slugify(title)[:60].strip('-')}-{next_id}",
                               title=title, published=moment,
                               lead=f"{title}. {V.NEUTRAL_SENTENCES[0]}",
                               body=[V.NEUTRAL_SENTENCES[1]], topic=topic))
        next_id += 1
    home.posts.sort(key=lambda p: (p.published, p.id), reverse=True)
    return True


def _rewrite(agency: Agency, criterion: Criterion, value: float, as_of, rng) -> bool:
    spec = criterion.input
    if spec["kind"] == "posts":
        return _rewrite_posts(agency, criterion, value, as_of, rng)
    if spec["kind"] == "fields":
        required = list(spec["required"])
        present = [f for f in agency.fields.get(spec["set"], []) if f not in required]
        if value == float(criterion.max_points):
            present += required
        elif value > 0:
            present += required[:-1]
        agency.fields[spec["set"]] = present
        if spec["set"] == "thu-tuc":
            for procedure in agency.procedures:
                procedure.details = list(present)
        return True
    if spec["kind"] == "feature":
        agency.features[spec["name"]] = value > 0
        return True
    return False


def _snapshot(agency: Agency):
    return ([(s, list(s.posts)) for s in agency.sections], {k: list(v) for k, v in agency.fields.items()},
            dict(agency.features), [(p, list(p.details)) for p in agency.procedures])


def _restore(agency: Agency, snap) -> None:
    sections, fields, features, procedures = snap
    for section, posts in sections:
        section.posts = posts
    agency.fields, agency.features = fields, features
    for procedure, details in procedures:
        procedure.details = details


def complete_bands(province: Province, scorer: Scorer) -> list[tuple[str, float]]:
    """Rewrite content until every band is reached; returns the (criterion, points) still
    missing (none on the default province; tests hold it to that)."""
    rng = random.Random(f"{province.seed}/coverage")
    live = [a for a in province.agencies if not a.has("down")]
    results = {a.id: scorer.score(a) for a in live}
    missing = []
    for level in ("commune", "district", "province"):
        agencies = [a for a in live if a.level == level]
        # agencies without a target first: they may change freely
        agencies.sort(key=lambda a: (bool(scorer.targets(a)), a.id))
        for criterion in portal_criteria(level):
            for value in sorted(band_values(criterion)):
                if (criterion.id, value) in reached(results):
                    continue
                if not _try(criterion, value, agencies, province, scorer, results, rng):
                    missing.append((criterion.id, value))
    return missing


def _try(criterion, value, agencies, province, scorer, results, rng) -> bool:
    before = reached(results)
    for agency in agencies:
        snap = _snapshot(agency)
        if not _rewrite(agency, criterion, value, province.as_of, rng):
            continue
        affected = [agency] + [a for a in province.agencies
                               if a.id == agency.parent and a.id in results]
        trial = dict(results)
        for a in affected:
            trial[a.id] = scorer.score(a)
        if all(_ratings_kept(trial[a.id], scorer.targets(a)) for a in affected) \
                and (criterion.id, value) in reached(trial) and before <= reached(trial):
            results.update(trial)
            return True
        _restore(agency, snap)
    return False
