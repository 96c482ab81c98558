"""Chromium (Debian's, through Playwright) renders one page of each sandbox platform."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat

from inspector.browser import chromium, own_host_only

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:  # Debian's Chromium, or INSPECTOR_CHROMIUM
        yield running


def test_one_page_of_each_platform_renders(browser, truth, tmp_path):
    shots = {}
    for agency in truth["agencies"]:
        if agency["platform"] in shots or \
                {"down", "slow", "intermittent_503"} & set(agency["troubles"]):
            continue
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.route("**/*", own_host_only(agency["portal"]))
            response = page.goto(agency["portal"], wait_until="load")
            assert response.status == 200
            assert page.title()
            png = page.screenshot(full_page=False)
        finally:
            context.close()
        path = tmp_path / f"{agency['platform']}.png"
        path.write_bytes(png)
        image = Image.open(io.BytesIO(png)).convert("L")
        assert image.size == (1280, 900)
        # a blank page has no contrast: the portal's menus and text must be drawn
        assert ImageStat.Stat(image).stddev[0] > 10, agency["platform"]
        shots[agency["platform"]] = path
    assert set(shots) == {"liferay", "sharepoint", "nukeviet", "drupal", "aspnet"}


def test_mobile_layout_is_where_the_ground_truth_says(browser, truth):
    """At a phone's width, a portal with the mobile feature has a viewport meta and no horizontal
    scroll; one without it scrolls sideways (what the crawler's mobile check will observe)."""
    seen = {True: 0, False: 0}
    for agency in truth["agencies"]:
        if {"down", "slow", "intermittent_503"} & set(agency["troubles"]):
            continue
        context = browser.new_context(ignore_https_errors=True,
                                      viewport={"width": 375, "height": 740})
        try:
            page = context.new_page()
            page.goto(agency["portal"], wait_until="load")
            has_meta = page.evaluate(
                "() => !!document.querySelector('meta[name=viewport][content*=device-width]')")
            scrolls = page.evaluate(
                "() => document.documentElement.scrollWidth > window.innerWidth + 1")
        finally:
            context.close()
        mobile = agency["features"]["mobile"]
        assert (has_meta, scrolls) == (mobile, not mobile), agency["id"]
        seen[mobile] += 1
    assert seen[True] and seen[False]
