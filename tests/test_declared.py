"""Declared against observed: the report's figures beside what the crawl and the service checks
saw, flagged for the reviewer beyond the tolerance; the zero rule only by a reviewer."""

from __future__ import annotations

from datetime import date

import pytest

from inspector.model.checklist import load_all
from inspector.scoring.declared import FLAG, tolerance
from inspector.scoring.engine import score_criterion
from inspector.scoring.quantities import Context, Declaration, ServiceResult

AS_OF = date(2026, 11, 26)
CRITERIA = {cr.id: cr for c in load_all() for cr in c.criteria}


def news(count: int, undated: int = 0) -> dict:
    posts = [{"url": f"https://so.example.gov.vn/tin/{i}", "title": "Tin",
              "published": str(date(2026, 1 + i % 11, 10))} for i in range(count)]
    posts += [{"url": f"https://so.example.gov.vn/khac/{i}", "title": "Tin", "published": None}
              for i in range(undated)]
    return {"section": {"found": True, "own": True}, "posts": posts}


def context(declared: float, observed: int, undated: int = 0) -> Context:
    return Context("so-a", "province", 10, 100,
                   observations={"posts/tin-tuc-su-kien": news(observed, undated)},
                   declarations=[Declaration("posts_news", "2. Tin tức, sự kiện", declared,
                                             ("tin-tuc-su-kien",),
                                             source="so-a.xlsx: Mục 4!C6")])


@pytest.mark.parametrize("declared,observed,flagged", [
    (48, 12, True),     # the example: a factor of four
    (48, 36, False),    # 12 short: within ±12 (a quarter of 48)
    (48, 35, True),     # 13 short
    (4, 6, False),      # within the floor of ±2
    (4, 7, True),
    (0, 3, True),       # declared none, three seen
])
def test_a_difference_beyond_the_tolerance_flags_the_finding(declared, observed, flagged):
    finding = score_criterion(CRITERIA["1B/III/2"], context(declared, observed), AS_OF)
    assert (FLAG in finding.flags) is flagged
    row = finding.metrics["declared"][0]
    assert (row["declared"], row["observed"], row["source"]) == (declared, observed,
                                                                 "so-a.xlsx: Mục 4!C6")
    if flagged:
        assert row["message"].startswith(f"khai báo {declared:g} tin, bài, kiểm tra thấy "
                                         f"{observed}")
    # the flag never changes the points: the zero rule is a reviewer's decision
    assert finding.points == score_criterion(CRITERIA["1B/III/2"], context(observed, observed),
                                             AS_OF).points


def test_undated_posts_could_be_the_declared_ones():
    # 10 dated + 30 undated could be the 40 declared: no flag
    finding = score_criterion(CRITERIA["1B/III/2"], context(40, 10, undated=30), AS_OF)
    assert FLAG not in finding.flags


def test_tolerance_is_two_or_a_quarter():
    assert [tolerance(v) for v in (0, 4, 8, 12, 48, 100)] == [2, 2, 2, 3, 12, 25]


def test_services_declared_against_recognised():
    services = [ServiceResult(f"DV {i}", 3, [f"1.{i:03d}"], i < 4) for i in range(10)]
    ctx = Context("so-a", "province", 20, 100, services=services,
                  declarations=[Declaration("services_level3", "3. DVCTT mức độ 3", 10,
                                            services_level=3)])
    level3 = score_criterion(CRITERIA["1B/IV/2"], ctx, AS_OF)
    assert FLAG in level3.flags
    assert "khai báo 10 DVCTT mức độ 3, kiểm tra thấy 4" in level3.metrics["declared"][0][
        "message"]
    assert FLAG not in score_criterion(CRITERIA["1B/IV/3"], ctx, AS_OF).flags  # level 4's


def test_a_topic_not_observed_is_not_compared():
    ctx = context(48, 12)
    ctx.observations["posts/tin-tuc-su-kien"] = {"status": "failed", "reason": "HTTP 503"}
    finding = score_criterion(CRITERIA["1B/III/2"], ctx, AS_OF)
    assert finding.status == "not_assessed" and FLAG not in finding.flags
