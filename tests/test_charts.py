"""The year's charts worked on small documents: points lost count complete categories only (an
unknown is not a loss), the same year draws the same picture, an empty group says so."""

from __future__ import annotations

import io

from PIL import Image

from inspector.export.charts import (category_shares, points_lost_chart, rating_chart,
                                     short_title, year_chart)
from inspector.export.rankings import rankings
from tests.test_rankings import agency


def _document():
    return {"agencies": [
        agency("so-a", "province", [("1B/III", 80.0, 100, "Tốt", True),
                                    ("1B/IV", 100.0, 200, "Trung bình", True)], 180.0),
        agency("so-b", "province", [("1B/III", 60.0, 100, "Trung bình", True),
                                    ("1B/IV", 0.0, 200, None, False)], None, missing=["1B/IV"]),
    ]}


def test_points_lost_count_complete_categories_only():
    shares = {s.category_id: s for s in category_shares(_document(), "province")}
    assert (shares["1B/III"].points, shares["1B/III"].max_points) == (140.0, 200.0)
    assert shares["1B/III"].share == 0.7
    # so-b's 1B/IV is not known: only so-a's 100 of 200 count, not a 0 of so-b's
    assert (shares["1B/IV"].points, shares["1B/IV"].max_points, shares["1B/IV"].agencies) == (
        100.0, 200.0, 1)


def test_the_same_year_draws_the_same_pictures():
    document = _document()
    found = rankings(document)
    first = rating_chart(found, "province")
    assert first == rating_chart(rankings(_document()), "province")
    assert points_lost_chart(document, "province") == points_lost_chart(_document(), "province")
    picture = Image.open(io.BytesIO(first))
    assert picture.format == "PNG" and picture.width > 600


def test_a_group_with_nothing_complete_draws_no_bar_and_the_year_before_is_beside():
    nothing = {"agencies": [agency("xa-a", "commune", [("3B/I/I", 10.0, 200, None, False)],
                                   None, missing=["3B/I/I"])]}
    assert category_shares(nothing, "commune")[0].max_points == 0
    assert points_lost_chart(nothing, "commune").startswith(b"\x89PNG")
    picture = year_chart(_document(), nothing, "province", 2026, 2025)
    assert Image.open(io.BytesIO(picture)).format == "PNG"


def test_an_axis_label_drops_the_word_hang_muc_and_cuts_at_a_word():
    assert short_title("Hạng mục Trang/Cổng thông tin điện tử") == "Trang/Cổng thông tin điện tử"
    cut = short_title("Các tiêu chí về môi trường chính sách và các quy định cho ứng dụng CNTT")
    assert cut.endswith(" …") and len(cut) <= 42 and not cut[:-2].endswith(" ")
