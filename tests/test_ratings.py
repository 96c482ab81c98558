"""Ratings from category points, against the REAL checklists/ratings.yaml.

Province agencies (Mục VI.1 of the seed): "mức Tốt là đơn vị có điểm đánh giá lớn hơn hoặc
bằng 80% mức điểm tối đa của hạng mục; mức Khá … lớn hơn hoặc bằng 65% và nhỏ hơn 80% …;
mức Trung bình: … nhỏ hơn 65%".

Districts and communes (Mục V.3.2.a, tables i and ii): a category reaches Mức N when its points
reach "share × max" of its row; the overall Mức needs every row and both totals ("Điểm số tối
thiểu") at that level; "Các địa phương đạt điểm dưới Mức IV thì không xếp hạng".
Every expected value is worked by hand from those tables (the share × max is in the comment).
"""

from __future__ import annotations

import copy
from fractions import Fraction

import pytest

from inspector.scoring.ratings import RatingTables

TABLES = RatingTables.load()
BELOW = "Dưới Mức IV (không xếp hạng)"


# --- province: Tốt / Khá / Trung bình ---------------------------------------------------------

@pytest.mark.parametrize("points,max_points,label", [
    (100, 100, "Tốt"),
    (80, 100, "Tốt"),           # ≥ 80 %
    (79.99, 100, "Khá"),        # < 80 %
    (65, 100, "Khá"),           # ≥ 65 %
    (64.99, 100, "Trung bình"),  # < 65 %
    (0, 100, "Trung bình"),
    # 1B/IV has 200 points: 80 % = 160, 65 % = 130
    (160, 200, "Tốt"),
    (159.99, 200, "Khá"),
    (130, 200, "Khá"),
    (129.99, 200, "Trung bình"),
])
def test_province_rating_edges(points, max_points, label):
    assert TABLES.province_rating(points, max_points) == label
    assert TABLES.category_rating("province_rating", "", points, max_points) == label


# --- district / commune categories: Mức I–IV --------------------------------------------------

# (row, points, expected) — district table V.3.2.a.i
DISTRICT_EDGES = [
    # Hiện diện: "90% x400 | 90% x400 | 85% x400 | 80% x400" → 360 / 360 / 340 / 320
    ("presence", 400, "Mức I"),
    ("presence", 360, "Mức I"),
    ("presence", 359.9, "Mức III"),   # Mức II also needs 90 %: 359.9 falls to Mức III
    ("presence", 340, "Mức III"),
    ("presence", 339.9, "Mức IV"),
    ("presence", 320, "Mức IV"),
    ("presence", 319.9, BELOW),
    ("presence", 319, BELOW),
    # Hạ tầng: "90% x300 | 80% x300 | 75% x300 | 70% x300" → 270 / 240 / 225 / 210
    ("infrastructure", 270, "Mức I"),
    ("infrastructure", 269.9, "Mức II"),
    ("infrastructure", 240, "Mức II"),
    ("infrastructure", 239.9, "Mức III"),
    ("infrastructure", 225, "Mức III"),
    ("infrastructure", 224.9, "Mức IV"),
    ("infrastructure", 210, "Mức IV"),
    ("infrastructure", 209.9, BELOW),
    # Nhân lực: "90% x120 …" → 108 / 96 / 90 / 84
    ("human", 108, "Mức I"),
    ("human", 107.9, "Mức II"),
    ("human", 96, "Mức II"),
    ("human", 90, "Mức III"),
    ("human", 84, "Mức IV"),
    ("human", 83.9, BELOW),
    # Môi trường: "90% x80 …" → 72 / 64 / 60 / 56
    ("environment", 72, "Mức I"),
    ("environment", 64, "Mức II"),
    ("environment", 60, "Mức III"),
    ("environment", 56, "Mức IV"),
    ("environment", 55.9, BELOW),
    # Chuyển đổi: "90% x50 | 50% x50 | 0% x50 | 0% x50" → 45 / 25 / 0 / 0
    ("conversion", 45, "Mức I"),
    ("conversion", 44.9, "Mức II"),
    ("conversion", 25, "Mức II"),
    ("conversion", 24.9, "Mức III"),
    ("conversion", 0, "Mức III"),    # 0 % of 50 already reaches Mức III
    # Giao dịch: "90% x200 | 80% x200 | 75% x200 | 70% x200" → 180 / 160 / 150 / 140
    ("transaction", 180, "Mức I"),
    ("transaction", 179.9, "Mức II"),
    ("transaction", 160, "Mức II"),
    ("transaction", 150, "Mức III"),
    ("transaction", 149.9, "Mức IV"),
    ("transaction", 140, "Mức IV"),
    ("transaction", 139.9, BELOW),
    # Tương tác: "90% x350 | 85% x350 | 80% x350 | 70% x350" → 315 / 297.5 / 280 / 245
    ("interaction", 315, "Mức I"),
    ("interaction", 314.9, "Mức II"),
    ("interaction", 297.5, "Mức II"),
    ("interaction", 297.4, "Mức III"),
    ("interaction", 280, "Mức III"),
    ("interaction", 279.9, "Mức IV"),
    ("interaction", 245, "Mức IV"),
    ("interaction", 244.9, BELOW),
]

# commune table V.3.2.a.ii; readiness rows on the commune's own maxima (ratings.yaml reading)
COMMUNE_EDGES = [
    # Hiện diện: "90% x270 | 90% x270 | 80% x270 | 70% x270" → 243 / 243 / 216 / 189
    ("presence", 243, "Mức I"),
    ("presence", 242.9, "Mức III"),   # Mức II also needs 90 %
    ("presence", 216, "Mức III"),
    ("presence", 215.9, "Mức IV"),
    ("presence", 189, "Mức IV"),
    ("presence", 188.9, BELOW),
    # Giao dịch: "90% x100 | 80% x100 | 75% x100 | 70% x100"
    ("transaction", 90, "Mức I"),
    ("transaction", 89.9, "Mức II"),
    ("transaction", 80, "Mức II"),
    ("transaction", 75, "Mức III"),
    ("transaction", 70, "Mức IV"),
    ("transaction", 69.9, BELOW),
    # Tương tác: "90% x180 | 85% x180 | 80% x180 | 70% x180" → 162 / 153 / 144 / 126
    ("interaction", 162, "Mức I"),
    ("interaction", 153, "Mức II"),
    ("interaction", 152.9, "Mức III"),
    ("interaction", 144, "Mức III"),
    ("interaction", 126, "Mức IV"),
    ("interaction", 125.9, BELOW),
    # Chuyển đổi: "90% x50 | 50% x50 | 0% x50 | 0% x50"
    ("conversion", 45, "Mức I"),
    ("conversion", 25, "Mức II"),
    ("conversion", 24.9, "Mức III"),
    # Hạ tầng 200 (90/80/75/70 %) → 180 / 160 / 150 / 140
    ("infrastructure", 180, "Mức I"),
    ("infrastructure", 159.9, "Mức III"),
    ("infrastructure", 140, "Mức IV"),
    ("infrastructure", 139.9, BELOW),
    # Nhân lực, Môi trường 50 → 45 / 40 / 37.5 / 35
    ("human", 37.5, "Mức III"),
    ("human", 37.4, "Mức IV"),
    ("environment", 40, "Mức II"),
    ("environment", 34.9, BELOW),
]


@pytest.mark.parametrize("row,points,label", DISTRICT_EDGES)
def test_district_category_levels(row, points, label):
    max_points = TABLES.scheme("district_level")["categories"][row]["max_points"]
    assert TABLES.category_rating("district_level", row, points, max_points) == label


@pytest.mark.parametrize("row,points,label", COMMUNE_EDGES)
def test_commune_category_levels(row, points, label):
    max_points = TABLES.scheme("commune_level")["categories"][row]["max_points"]
    assert TABLES.category_rating("commune_level", row, points, max_points) == label


@pytest.mark.parametrize("scheme,maxima", [
    # district: the seed's "x300, x120, x80, x50, x200, x350, x400"
    ("district_level", {"infrastructure": 300, "human": 120, "environment": 80, "conversion": 50,
                        "transaction": 200, "interaction": 350, "presence": 400}),
    # commune: Phụ lục 3B's own maxima (readiness 200/50/50) and the table's x50, x100, x180, x270
    ("commune_level", {"infrastructure": 200, "human": 50, "environment": 50, "conversion": 50,
                       "transaction": 100, "interaction": 180, "presence": 270}),
])
def test_row_maxima(scheme, maxima):
    rows = TABLES.scheme(scheme)["categories"]
    assert {key: row["max_points"] for key, row in rows.items()} == maxima


def test_rows_point_at_the_scored_checklists():
    assert TABLES.row_for("district_level", "2B/II/I")[0] == "presence"
    assert TABLES.row_for("district_level", "2B/II/III")[0] == "transaction"
    assert TABLES.row_for("commune_level", "3B/II/I")[0] == "presence"
    assert TABLES.row_for("commune_level", "3B/II/III")[0] == "transaction"
    assert TABLES.row_for("district_level", "1B/III") is None


# --- overall level --------------------------------------------------------------------------

# Every row exactly on its Mức I … IV threshold (share × max), district
DISTRICT_AT = {
    1: {"infrastructure": 270, "human": 108, "environment": 72,
        "conversion": 45, "transaction": 180, "interaction": 315, "presence": 360},
    2: {"infrastructure": 240, "human": 96, "environment": 64,
        "conversion": 25, "transaction": 160, "interaction": 297.5, "presence": 360},
    3: {"infrastructure": 225, "human": 90, "environment": 60,
        "conversion": 0, "transaction": 150, "interaction": 280, "presence": 340},
    4: {"infrastructure": 210, "human": 84, "environment": 56,
        "conversion": 0, "transaction": 140, "interaction": 245, "presence": 320},
}
COMMUNE_AT = {
    1: {"infrastructure": 180, "human": 45, "environment": 45,
        "conversion": 45, "transaction": 90, "interaction": 162, "presence": 243},
    3: {"infrastructure": 150, "human": 37.5, "environment": 37.5,
        "conversion": 0, "transaction": 75, "interaction": 144, "presence": 216},
}
LABEL = {1: "Mức I", 2: "Mức II", 3: "Mức III", 4: "Mức IV"}


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_district_overall_on_each_threshold(level):
    # Điểm số tối thiểu: readiness 450 / 400 / 375 / 350, results 900 / 842.5 / 770 / 705
    readiness = {1: 450, 2: 400, 3: 375, 4: 350}[level]
    results = {1: 900, 2: 842.5, 3: 770, 4: 705}[level]
    overall = TABLES.overall("district_level", DISTRICT_AT[level])
    assert overall["level"] == LABEL[level]
    assert overall["readiness"] == {"level": LABEL[level], "points": readiness}
    assert overall["results"] == {"level": LABEL[level], "points": results}
    assert "missing" not in overall


@pytest.mark.parametrize("level", [1, 3])
def test_commune_overall_on_each_threshold(level):
    # "540/600 | 501/600 | 435/600 | 385/600"; readiness 270 / 240 / 225 / 210 of 300
    overall = TABLES.overall("commune_level", COMMUNE_AT[level])
    assert overall["level"] == LABEL[level]
    assert overall["readiness"]["points"] == {1: 270, 3: 225}[level]
    assert overall["results"]["points"] == {1: 540, 3: 435}[level]


def test_one_category_below_its_share_pulls_the_level_down():
    # all rows at Mức I except Hiện diện at 359.9 (< 90 % x400: Mức III) → results Mức III,
    # although the results total 899.9 is still above Mức II's 842.5
    points = dict(DISTRICT_AT[1], presence=359.9)
    overall = TABLES.overall("district_level", points)
    assert overall["results"] == {"level": "Mức III", "points": 899.9}
    assert overall["readiness"]["level"] == "Mức I"
    assert overall["level"] == "Mức III"


def test_the_worse_of_the_two_groups_decides():
    points = {**DISTRICT_AT[2], **{k: DISTRICT_AT[1][k] for k in
                                   ("conversion", "transaction", "interaction", "presence")}}
    overall = TABLES.overall("district_level", points)
    assert (overall["readiness"]["level"], overall["results"]["level"]) == ("Mức II", "Mức I")
    assert overall["level"] == "Mức II"


def test_a_category_below_muc_IV_leaves_the_agency_unranked():
    # Môi trường 55.9 < 70 % x80: "đạt điểm dưới Mức IV thì không xếp hạng"
    points = dict(DISTRICT_AT[1], environment=55.9)
    overall = TABLES.overall("district_level", points)
    assert overall["readiness"]["level"] == BELOW
    assert overall["level"] == BELOW


@pytest.mark.parametrize("scheme", ["district_level", "commune_level"])
def test_total_minimum_equals_the_sum_of_the_row_thresholds(scheme):
    # Transcription check: in the seed's tables every "Điểm số tối thiểu" is the sum of the
    # rows' share × max (district 450 = 270+108+72, 842.5 = 25+160+297.5+360, …; commune as
    # read in ratings.yaml, 270 = 180+45+45, 501 = 25+80+153+243, …). So with the real tables
    # the minimum never decides on its own: rows at level N always sum to at least the minimum.
    data = TABLES.scheme(scheme)
    for total in data["totals"].values():
        for index, minimum in enumerate(total["minimum"]):
            rows = [data["categories"][r] for r in total["rows"]]
            edge = sum(Fraction(str(r["shares"][index])) * Fraction(str(r["max_points"]))
                       for r in rows)
            assert edge == Fraction(str(minimum)), (total["title"], index)
        assert total["max_points"] == sum(data["categories"][r]["max_points"]
                                          for r in total["rows"])


def test_the_total_minimum_decides_when_it_exceeds_the_rows():
    # The real minima equal the rows' sums (test above), so the rule "total ≥ Điểm số tối
    # thiểu" is exercised on a copy of the district table whose Mức I results minimum is 950:
    # rows exactly at Mức I (900) reach every Mức I share but not the 950 total → Mức II.
    data = copy.deepcopy(TABLES.data)
    data["district_level"]["totals"]["results"]["minimum"][0] = 950
    tables = RatingTables(data)
    overall = tables.overall("district_level", DISTRICT_AT[1])
    assert overall["results"] == {"level": "Mức II", "points": 900}
    assert overall["level"] == "Mức II"
    above = dict(DISTRICT_AT[1], presence=400, interaction=350, transaction=200)
    assert tables.overall("district_level", above)["level"] == "Mức I"  # 45+200+350+400 = 995


def test_overall_is_none_and_names_the_unknown_categories():
    points = dict(DISTRICT_AT[1], conversion=None)
    del points["interaction"]
    overall = TABLES.overall("district_level", points)
    assert overall["level"] is None
    assert overall["missing"] == ["2B/II/IV (Chuyển đổi)", "2B/II/II (Tương tác)"]
    assert overall["note"] == ("Chưa xếp hạng: thiếu điểm 2B/II/IV (Chuyển đổi), "
                               "2B/II/II (Tương tác)")
    assert overall["results"] == {"level": None, "points": None}
    assert overall["readiness"] == {"level": "Mức I", "points": 450}  # still shown


def test_commune_overall_names_its_own_categories():
    points = dict(COMMUNE_AT[1], infrastructure=None)
    overall = TABLES.overall("commune_level", points)
    assert overall["level"] is None
    assert overall["missing"] == ["3B/I/I (Hạ tầng)"]
