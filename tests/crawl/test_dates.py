"""find_date and all_dates on the date strings portals print, each with where it was seen."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from inspector.crawl.dates import FoundDate, all_dates, find_date

REAL = "real fixture sotttt-hanoi-2022"
DESIGN = "DESIGN.md, facts from the field"

# (text as printed, where it was seen, expected date, expected local time or None)
FOUND = [
    # the real Liferay portal (12-hour clock, labels in two languages, view count after the date)
    (" Ngày đăng 23/03/2016 | 03:48 PM \u00a0|\u00a0View count: 1549 ", f"{REAL}/luatthudo.html",
     date(2016, 3, 23), datetime(2016, 3, 23, 15, 48)),
    ("Publish date 26/08/2013 | 12:00 AM  | View count: 308", f"{REAL}/luatthudo511b.html",
     date(2013, 8, 26), datetime(2013, 8, 26, 0, 0)),
    ("(24/08/2022)", f"{REAL}/index.html (home-page news)", date(2022, 8, 24), None),
    # DESIGN.md
    ("Thứ Hai, 12/03/2018 08:30", DESIGN, date(2018, 3, 12), datetime(2018, 3, 12, 8, 30)),
    ("(26/11/2025)", DESIGN, date(2025, 11, 26), None),
    ("Ngày đăng: 26/11/2025", DESIGN, date(2025, 11, 26), None),
    ("Cập nhật lúc 08:30 ngày 26/11/2025", DESIGN, date(2025, 11, 26),
     datetime(2025, 11, 26, 8, 30)),
    ("Hà Nội, ngày 24 tháng 6 năm 2022", DESIGN, date(2022, 6, 24), None),
    ("03/04/2020 | 10:36 PM", DESIGN, date(2020, 4, 3), datetime(2020, 4, 3, 22, 36)),
    ("12/03/2018 8:30 CH", DESIGN, date(2018, 3, 12), datetime(2018, 3, 12, 20, 30)),
    ("Thursday, 18/07/2024", DESIGN, date(2024, 7, 18), None),
    # dateparser misreads the zero-padded month; the pattern does not
    ("21 tháng 09 năm 2025", DESIGN, date(2025, 9, 21), None),
    # DMY forced on dateparser turns this into 3 December; the pattern reads ISO first
    ("2018-03-12", DESIGN, date(2018, 3, 12), None),
    # the sandbox platforms (docs/sandbox.md)
    ("Ngày đăng: 18/11/2026 | 10:36 PM", "sandbox liferay article", date(2026, 11, 18),
     datetime(2026, 11, 18, 22, 36)),
    ("Thứ Tư, 18/11/2026 22:36", "sandbox sharepoint listing", date(2026, 11, 18),
     datetime(2026, 11, 18, 22, 36)),
    ("08:30 SA 12/03/2018", "sandbox sharepoint (time before the date)", date(2018, 3, 12),
     datetime(2018, 3, 12, 8, 30)),
    ("18/11/2026 10:36 CH", "sandbox nukeviet article", date(2026, 11, 18),
     datetime(2026, 11, 18, 22, 36)),
    ("18/11/2026 08:05 SA", "sandbox nukeviet article (padded hour)", date(2026, 11, 18),
     datetime(2026, 11, 18, 8, 5)),
    ("12/11/2026 12:15 CH", "sandbox nukeviet (noon is CH)", date(2026, 11, 12),
     datetime(2026, 11, 12, 12, 15)),
    ("Wed, 18 Nov 2026 22:36:00 +0700", "sandbox RSS pubDate (RFC 822)", date(2026, 11, 18),
     datetime(2026, 11, 18, 22, 36)),
    ("2026-11-18T22:36:00+07:00", "sandbox drupal <time datetime>", date(2026, 11, 18),
     datetime(2026, 11, 18, 22, 36)),
    ("Ngày 21 tháng 09 năm 2025", "sandbox aspnet grid", date(2025, 9, 21), None),
    ("(26/11/2025 14:05)", "sandbox liferay FAQ", date(2025, 11, 26),
     datetime(2025, 11, 26, 14, 5)),
    # WordPress and other themes
    ("2024-07-05T20:00:00+00:00", "WordPress <time datetime> in UTC: next day in Vietnam",
     date(2024, 7, 6), datetime(2024, 7, 6, 3, 0)),
    ("July 18, 2024", "English theme", date(2024, 7, 18), None),
    ("18 tháng 7, 2024", "Vietnamese WordPress locale", date(2024, 7, 18), None),
    ("18-07-2024", "custom PHP portal", date(2024, 7, 18), None),
    ("18.07.2024", "custom PHP portal", date(2024, 7, 18), None),
    ("2024/07/18", "read by dateparser (no pattern)", date(2024, 7, 18), None),
    # a document number before the date is no date
    ("Quyết định số 15/2026/QĐ-UBND ngày 12/03/2026", "legal documents table",
     date(2026, 3, 12), None),
]

# (text, where, the start of the reason given)
NOT_FOUND = [
    ("", "an empty date cell", "empty text"),
    ("   \u00a0 ", "a date filled in by JavaScript (real fixture header clock)", "empty text"),
    ("View count: 1549", f"{REAL}/luatthudo.html", "no date in text"),
    ("Không có ngày đăng", "a listing without dates", "no date in text"),
    ("31/02/2020", "impossible date", "impossible date"),
    ("Ngày đăng: 30/02/2024, sửa 01/03/2024", "the first date decides", "impossible date"),
    ("13/13/2020", "month 13", "impossible date"),
    ("0001-01-01", "an unset database date", "year out of range"),
    ("2 giờ trước", "relative time on a news theme", "relative date"),
    ("hôm qua", "relative time", "relative date"),
    ("03/04/20", "two-digit year", "ambiguous"),
    ("Thăm hỏi gia đình thương binh, liệt sĩ nhân ngày 27/7", "sandbox title", "day and month"),
    ("Báo cáo tháng 3/2020", "a report's period", "month without a day"),
]


@pytest.mark.parametrize("text, source, expected, moment", FOUND,
                         ids=[f"{i}:{row[0][:30]}" for i, row in enumerate(FOUND)])
def test_finds_the_date(text, source, expected, moment):
    found = find_date(text)
    assert found.value == expected, (source, found)
    assert found.moment == moment, (source, found)
    assert found.reason is None and found
    assert found.text and found.text in " ".join(text.split())


@pytest.mark.parametrize("text, source, reason", NOT_FOUND,
                         ids=[f"{i}:{row[0][:30]}" for i, row in enumerate(NOT_FOUND)])
def test_says_why_there_is_no_date(text, source, reason):
    found = find_date(text)
    assert found.value is None and found.moment is None and not found, (source, found)
    assert found.reason and found.reason.startswith(reason), (source, found.reason)


def test_found_date_is_frozen():
    found = find_date("(26/11/2025)")
    assert isinstance(found, FoundDate)
    with pytest.raises(AttributeError):
        found.value = None  # type: ignore[misc]


def test_all_dates_in_order():
    text = ("Quyết định số 2/2015/QĐ-UBND ngày 11/02/2015; Hà Nội, ngày 24 tháng 6 năm 2022; "
            "hiệu lực từ 2022-07-01, hết hiệu lực 31/02/2023 (sai), cập nhật 08:30 ngày 26/11/2025")
    assert all_dates(text) == [date(2015, 2, 11), date(2022, 6, 24), date(2022, 7, 1),
                               date(2025, 11, 26)]
    assert all_dates("") == []
    assert all_dates("Không có ngày") == []


def test_text_is_normalised_first():
    # decomposed Vietnamese (NFD, as some editors save it) reads like the composed form
    import unicodedata
    text = unicodedata.normalize("NFD", "Hà Nội, ngày 24 tháng 6 năm 2022")
    assert find_date(text).value == date(2022, 6, 24)
