"""Declared against observed: an agency's reported figure beside what the inspection saw.

Phụ lục 1A Mục 4 declares how many posts each portal section carried in the year and Mục 5 how
many online services each level has; the crawl and the service checks observe both. A
difference beyond the tolerance becomes a flag on the findings those figures concern, for the
reviewer ("khai báo 48 tin, kiểm tra thấy 12"). Section V.3.1.b ("Số liệu khai báo không đúng
với thực tế": 0 điểm) is never applied here: only a reviewer's confirmation applies it.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from ..model.checklist import Criterion
from ..model.periods import Window
from .quantities import Context, Declaration, Unknown, resolve

FLAG = "declared_vs_observed"
# A difference is flagged when it exceeds both 2 and a quarter of the declared figure: a
# count of a year's posts is never exact (a post moved, a listing page missed by the agency's
# own count), a factor of four is not a counting slip.
TOLERANCE_SHARE = 0.25
TOLERANCE_MIN = 2


def tolerance(declared: float) -> float:
    return max(TOLERANCE_MIN, math.floor(TOLERANCE_SHARE * declared))


def _topics(criterion: Criterion) -> set[str]:
    found = set()
    for spec in [criterion.input] + [p.get("input", {}) for p in criterion.rule.get("parts", [])]:
        if spec.get("kind") == "posts":
            found.add(spec["topic"])
    return found


def _service_levels(criterion: Criterion) -> set[int]:
    """The levels whose recognised services the criterion counts on their own (1B/IV/2 level
    3, 1B/IV/3 level 4; "level34" alone is no level's own count)."""
    text = repr(criterion.rule) + repr(criterion.input)
    return {int(level) for level in re.findall(r"services\.recognised_level([34])\b", text)}


def observed_posts(observations: dict[str, dict[str, Any]], topics: tuple[str, ...] | list[str],
                   window: Window) -> tuple[int, int] | None:
    """(dated posts in the window, undated posts) over the topics, each URL once; None when a
    topic was not observed (nothing to compare with)."""
    dated, undated = set(), set()
    for topic in topics:
        obs = observations.get(f"posts/{topic}")
        if obs is None or obs.get("status") == "failed":
            return None
        for post in obs.get("posts") or []:
            key = post.get("url") or post.get("title")
            day = post.get("published")
            if not day:
                undated.add(key)
                continue
            try:
                when = date.fromisoformat(str(day)[:10])
            except ValueError:
                undated.add(key)
                continue
            if when in window:
                dated.add(key)
    return len(dated), len(undated - dated)


def compare(criterion: Criterion, ctx: Context, as_of: date) -> list[dict[str, Any]]:
    """The declarations concerning this criterion, each with what was observed and, when the
    difference exceeds the tolerance, a message for the reviewer."""
    topics, levels = _topics(criterion), _service_levels(criterion)
    window = Window.ending(as_of)
    result = []
    for decl in ctx.declarations:
        row: dict[str, Any] = {"item": decl.item, "label": decl.label,
                               "declared": decl.value, "source": decl.source,
                               "tolerance": tolerance(decl.value)}
        if decl.topics and topics & set(decl.topics):
            seen = observed_posts(ctx.observations, decl.topics, window)
            if seen is None:
                continue
            low, undated = seen
            row.update(observed=low, undated=undated, topics=list(decl.topics))
            high = low + undated
            gap = decl.value - high if decl.value > high else \
                (low - decl.value if low > decl.value else 0)
            what = "tin, bài"
        elif decl.services_level is not None and decl.services_level in levels:
            try:
                observed = resolve(f"services.recognised_level{decl.services_level}", ctx)
            except Unknown:
                continue
            row.update(observed=observed, services_level=decl.services_level)
            gap = abs(decl.value - observed)
            what = f"DVCTT mức độ {decl.services_level}"
        else:
            continue
        if gap > row["tolerance"]:
            seen_text = f"{row['observed']:g}" + (f" (và {row['undated']} tin chưa xác định "
                                                   "ngày)" if row.get("undated") else "")
            row["message"] = (f"khai báo {decl.value:g} {what}, kiểm tra thấy {seen_text}: "
                              f"chênh lệch quá mức cho phép ±{row['tolerance']:g}")
        result.append(row)
    return result


__all__ = ["FLAG", "Declaration", "compare", "observed_posts", "tolerance"]
