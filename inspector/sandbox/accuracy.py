"""How close a crawl of the sandbox comes to its ground truth: posts found with the right date,
sections discovered, criteria scored the same (the crawler issue's three measures), and posts
counted that do not belong (the generality corpus's fourth)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from w3lib.url import canonicalize_url

from ..model.checklist import load_all
from ..model.periods import Window
from ..records import observations
from ..records.findings import Finding, findings
from ..records.workspace import Workspace

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
    where, listings = _where_posts_live(truth)
    tally = _Tally(Window.ending(as_of), crawled_criteria(), where, listings)
    for agency in truth["agencies"]:
        aid = agency["id"]
        crawled = {key: {**obs.value, "status": obs.status, "reason": obs.reason}
                   for key, obs in observations.of_agency(ws, aid).items()}
        found = {f.criterion_id: f for f in findings(ws, aid)}
        down = "down" in agency["troubles"]
        for key, expected in agency["observations"].items():
            if key.startswith("posts/") and not down:
                tally.posts(agency, key, expected, crawled.get(key, {}))
                tally.foreign(aid, key, expected, crawled.get(key, {}))
        for item in agency["expected"]["criteria"]:
            tally.criterion(agency, item, crawled, found.get(item["id"]), down)
    return tally.result()


@dataclass
class _Tally:
    window: Window
    criteria: dict
    where: dict[str, tuple[str, str]]
    listings: dict[str, tuple[str, str]]
    posts_total: int = 0
    posts_right: int = 0
    sections_total: int = 0
    sections_right: int = 0
    points_total: int = 0
    points_right: int = 0
    foreign_listed: int = 0
    foreign_wrong: int = 0
    misses: Counter = field(default_factory=Counter)
    details: list[str] = field(default_factory=list)
    post_results: list[dict] = field(default_factory=list)
    foreign_posts: list[dict] = field(default_factory=list)
    criteria_results: list[dict] = field(default_factory=list)

    def posts(self, agency: dict, key: str, expected: dict, got: dict) -> None:
        """Each post of the window in the truth: read with its right date?"""
        dates = {canonicalize_url(p["url"]): (p.get("published") or "")[:10]
                 for p in got.get("posts", [])}
        for post in expected["posts"]:
            if not self.window.start <= date.fromisoformat(post["published"][:10]) \
                    <= self.window.end:
                continue
            self.posts_total += 1
            url = canonicalize_url(post["url"])
            ok = dates.get(url) == post["published"][:10]
            if ok:
                self.posts_right += 1
            else:
                self.misses[f"post {key} {agency['platform']}"] += 1
            self.post_results.append({
                "agency": agency["id"], "key": key, "url": post["url"], "ok": ok,
                "section": self.where.get(url, (None, None))[1],
                "got": None if ok else dates.get(url, "missing")})

    def foreign(self, aid: str, key: str, expected: dict, got: dict) -> None:
        """Posts the crawl counted for the topic that the ground truth does not: in the window
        by the crawl's own date, URLs compared canonicalised."""
        belong = {canonicalize_url(p["url"]) for p in expected["posts"]}
        read_from = [self.listings[u] for u in map(canonicalize_url,
                                                   (got.get("section") or {}).get("urls") or [])
                     if self.listings.get(u, ("",))[0] == aid]
        for post in got.get("posts", []) if got.get("status") == "ok" else []:
            published = (post.get("published") or "")[:10]
            try:
                day = date.fromisoformat(published)
            except ValueError:
                continue
            if not self.window.start <= day <= self.window.end:
                continue
            self.foreign_listed += 1
            url = canonicalize_url(post["url"])
            if url in belong:
                continue
            self.foreign_wrong += 1
            owner = self.where.get(url)
            self.foreign_posts.append({
                "agency": aid, "key": key, "url": post["url"], "published": published,
                "lives": ("not a post" if owner is None else
                          f"post of {owner[1]}" if owner[0] == aid else
                          f"post of another agency ({owner[0]})"),
                "read_from": read_from[0][1] if read_from else None})

    def criterion(self, agency: dict, item: dict, crawled: dict, row: Finding | None,
                  down: bool) -> None:
        """A crawled criterion: its section found (for posts), its points equal to the truth."""
        criterion = self.criteria.get(item["id"])
        if criterion is None:
            return
        aid = agency["id"]
        if criterion.input.get("kind") == "posts" and not down:
            self.sections_total += 1
            key = f"posts/{criterion.input['topic']}"
            want, got = agency["observations"][key], crawled.get(key, {})
            ok = got.get("status") == "ok" and got["section"]["own"] == want["section"]["own"]
            if ok and want["section"]["own"]:
                pages = {canonicalize_url(u.split("#")[0]) for u in got["section"]["urls"]}
                ok = all(canonicalize_url(u) in pages for u in want["section"]["urls"][:1])
            self.sections_right += ok
            if not ok:
                self.details.append(
                    f"section {aid} {item['id']} {key}: want own={want['section']['own']} "
                    f"{want['section']['names']} got {got.get('section', got.get('reason'))}")
        self.points_total += 1
        same = row is not None and row.points == item["points"] and (
            (row.status == "not_assessed") == (item["status"] == "not_assessed"))
        self.points_right += same
        self.criteria_results.append({"agency": aid, "criterion": item["id"],
                                      "same": bool(same), "want": item["points"],
                                      "got": row and row.points})
        if not same:
            self.details.append(
                f"points {aid} {item['id']}: want {item['points']} ({item['status']}) "
                f"got {row and row.points} ({row and row.status}: {row and row.reason})")

    def result(self) -> dict[str, object]:
        return {"posts": (self.posts_right, self.posts_total),
                "sections": (self.sections_right, self.sections_total),
                "points": (self.points_right, self.points_total), "misses": self.misses,
                "details": self.details, "foreign": (self.foreign_wrong, self.foreign_listed),
                "post_results": self.post_results, "foreign_posts": self.foreign_posts,
                "criteria_results": self.criteria_results}


def _where_posts_live(truth: dict) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """Canonical URL → (agency id, section key) of every post, and of every listing page, in the
    ground truth."""
    posts: dict[str, tuple[str, str]] = {}
    listings: dict[str, tuple[str, str]] = {}
    for agency in truth["agencies"]:
        for section in agency["sections"]:
            for post in section["posts"]:
                posts[canonicalize_url(post["url"])] = (agency["id"], section["key"])
            for page in section["listing_pages"]:
                listings.setdefault(canonicalize_url(page["url"]), (agency["id"], section["key"]))
    return posts, listings
