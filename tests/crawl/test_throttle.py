"""The crawl's AutoThrottle (crawl/extensions/throttle.py): a portal's delay follows its
latency on 200 and 304 answers alike, never down on an error page, up on a slow answer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from inspector.crawl.extensions.throttle import RevalidationAwareThrottle
from inspector.crawl.settings import SETTINGS

URL = "http://127.0.0.1:8000/tin-tuc"


@pytest.fixture()
def throttle():
    crawler = get_crawler(settings_dict={key: value for key, value in SETTINGS.items()
                                         if key.startswith(("AUTOTHROTTLE", "DOWNLOAD_DELAY"))})
    extension = RevalidationAwareThrottle(crawler)
    extension.mindelay, extension.maxdelay = extension._min_delay(), extension._max_delay()
    return extension


def _delay_after(throttle, statuses: list[int], latency: float) -> float:
    """A portal's delay, from the start delay, after these answers each ``latency`` s long."""
    slot = SimpleNamespace(delay=SETTINGS["AUTOTHROTTLE_START_DELAY"])    # what is read of it
    for status in statuses:
        throttle._adjust_delay(slot, latency, Response(URL, status=status))
    return slot.delay


def test_the_crawl_uses_this_throttle_instead_of_scrapys():
    extensions = SETTINGS["EXTENSIONS"]
    assert extensions["scrapy.extensions.throttle.AutoThrottle"] is None
    assert "inspector.crawl.extensions.throttle.RevalidationAwareThrottle" in extensions
    assert SETTINGS["AUTOTHROTTLE_ENABLED"] is True


def test_a_night_of_revalidations_runs_at_the_portals_pace(throttle):
    # ten 304s answered in 20 ms: the delay comes down to latency / target concurrency, as
    # ten 200s would bring it (Scrapy's AutoThrottle keeps 0.5 s: it learns from 200 alone)
    after_304 = _delay_after(throttle, [304] * 10, latency=0.02)
    after_200 = _delay_after(throttle, [200] * 10, latency=0.02)
    assert after_304 == pytest.approx(after_200)
    assert after_304 < 0.02


def test_quick_error_pages_do_not_speed_the_crawl_up(throttle):
    for status in (301, 404, 500, 503):
        assert _delay_after(throttle, [status] * 10, latency=0.02) == \
            SETTINGS["AUTOTHROTTLE_START_DELAY"], status


def test_a_slow_portal_slows_the_crawl_down_whatever_it_answers(throttle):
    for status in (200, 304, 503):
        assert _delay_after(throttle, [status] * 3, latency=4.0) == \
            pytest.approx(4.0 / SETTINGS["AUTOTHROTTLE_TARGET_CONCURRENCY"]), status
