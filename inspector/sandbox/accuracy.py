"""How close a crawl of the sandbox comes to its ground truth: posts found with the right date,
sections discovered, criteria scored the same (the crawler issue's three measures)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from w3lib.url import canonicalize_url

from ..scoring.checklist import load_all
from ..scoring.periods import Window
from ..workspace import Workspace, loads

CRAWLED_KINDS = {"posts", "fields", "feature", "features", "records"}
def crawled_criteria() -> dict[str, object]:
    """The portal criteria fed only by what the crawl observes."""
    result = {}
    for checklist in load_all():
        if checklist.id not in ("1B/III", "2B/II/I", "3B/II/I"):
            continue
        for criterion in checklist.criteria:
            spec = criterion.input
            if spec.get("kind") in CRAWLED_KINDS or (
                    spec.get("kind") == "ratio" and str(spec.get("numerator", "")).startswith("observed.")):
                result[criterion.id] = criterion
    return result


def measure(truth: dict, ws: Workspace, as_of: date) -> dict[str, object]:
    """Compare the workspace's crawl observations and findings with the ground truth; each
    measure is (right, total), with the misses named for the report."""
    window = Window.ending(as_of)
    criteria = crawled_criteria()
    posts_total = posts_right = 0
    sections_total = sections_right = 0
    points_total = points_right = 0
    misses: Counter[str] = Counter()
    details: list[str] = []
    for agency in truth["agencies"]:
        aid = agency["id"]
        crawled = {row["key"]: {**loads(row["value"], {}), "status": row["status"],
                                "reason": row["reason"]}
                   for row in ws.db["observations"].rows_where("agency_id = ?", [aid])}
        found = {row["criterion_id"]: row for row in ws.db["findings"].rows_where("agency_id = ?", [aid])}
        down = "down" in agency["troubles"]
        for key, expected in agency["observations"].items():
            if not key.startswith("posts/") or down:
                continue
            got = crawled.get(key, {})
            dates = {canonicalize_url(p["url"]): p["published"][:10] for p in got.get("posts", [])}
            for post in expected["posts"]:
                if not window.start <= date.fromisoformat(post["published"][:10]) <= window.end:
                    continue
                posts_total += 1
                if dates.get(canonicalize_url(post["url"])) == post["published"][:10]:
                    posts_right += 1
                else:
                    misses[f"post {key} {agency['platform']}"] += 1
        for item in agency["expected"]["criteria"]:
            criterion = criteria.get(item["id"])
            if criterion is None:
                continue
            if criterion.input.get("kind") == "posts" and not down:
                sections_total += 1
                key = f"posts/{criterion.input['topic']}"
                want, got = agency["observations"][key], crawled.get(key, {})
                ok = got.get("status") == "ok" and got["section"]["own"] == want["section"]["own"]
                if ok and want["section"]["own"]:
                    pages = {canonicalize_url(u.split("#")[0]) for u in got["section"]["urls"]}
                    ok = all(canonicalize_url(u) in pages for u in want["section"]["urls"][:1])
                sections_right += ok
                if not ok:
                    details.append(f"section {aid} {item['id']} {key}: want own={want['section']['own']} "
                                   f"{want['section']['names']} got {got.get('section', got.get('reason'))}")
            points_total += 1
            row = found.get(item["id"])
            same = row is not None and row["points"] == item["points"] and (
                (row["status"] == "not_assessed") == (item["status"] == "not_assessed"))
            points_right += same
            if not same:
                details.append(f"points {aid} {item['id']}: want {item['points']} ({item['status']}) "
                               f"got {row and row['points']} ({row and row['status']}: {row and row['reason']})")
    return {"posts": (posts_right, posts_total), "sections": (sections_right, sections_total),
            "points": (points_right, points_total), "misses": misses, "details": details}
