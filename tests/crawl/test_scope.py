"""Where a portal's crawl may go: its own host (www., https and the register's aliases alike),
inside its folder when it is a sub-site, never into another agency's sub-site; and the
middleware that drops every other request before it is sent."""

from __future__ import annotations

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from inspector.crawl.middleware.scope import OUTSIDE, ScopeMiddleware
from inspector.crawl.scope import Scope, directory_of, host_of

DISTRICT = "http://huyenphutan.angiang.gov.vn/"
COMMUNE = "http://huyenphutan.angiang.gov.vn/xa-phu-lam/"
OTHER_COMMUNE = "http://huyenphutan.angiang.gov.vn/xa-tan-hoa/"


@pytest.mark.parametrize("url,host", [
    ("http://www.PhuLam.gov.vn/", "phulam.gov.vn"),
    ("https://phulam.gov.vn:443/tin-tuc", "phulam.gov.vn"),
    ("http://phulam.gov.vn:80/", "phulam.gov.vn"),
    ("http://127.0.0.1:8101/", "127.0.0.1:8101"),
])
def test_host_of_ignores_www_scheme_and_default_ports(url, host):
    assert host_of(url) == host


@pytest.mark.parametrize("url,folder", [
    ("http://h/", "/"), ("http://h/index.html", "/"), ("http://h/xa-phu-lam/", "/xa-phu-lam/"),
    ("http://h/xa-phu-lam/index.php", "/xa-phu-lam/"), ("http://h/xa-phu-lam", "/xa-phu-lam/"),
])
def test_directory_of(url, folder):
    assert directory_of(url) == folder


def test_a_portal_covers_its_host_and_nothing_else():
    scope = Scope.of("http://phulam.gov.vn/")
    assert scope.allows("http://phulam.gov.vn/tin-tuc/")
    assert scope.allows("https://www.phulam.gov.vn/tin-tuc/bai-1.html")
    # share buttons, national portals, the platform's vendor
    for url in ("http://twitter.com/share", "https://www.facebook.com/sharer/sharer.php?u=x",
                "https://dichvucong.gov.vn/", "http://nukeviet.vn/", "mailto:a@b.vn"):
        assert not scope.allows(url), url
    assert "another site" in scope.why_not("http://twitter.com/share")


def test_a_commune_under_its_districts_host_stays_in_its_folder():
    commune = Scope.of(COMMUNE, others=[DISTRICT, OTHER_COMMUNE])
    assert commune.allows(COMMUNE + "tin-tuc/")
    assert not commune.allows(DISTRICT + "tin-tuc/")          # the district's own sections
    assert not commune.allows(OTHER_COMMUNE + "tin-tuc/")
    assert commune.why_not(DISTRICT + "tin-tuc/") == "outside the portal's folder"


def test_a_commune_sub_site_without_a_trailing_slash_is_one_when_its_district_is_registered():
    commune = Scope.of(COMMUNE.rstrip("/"), others=[DISTRICT])
    assert commune.allows(COMMUNE + "tin-tuc/") and not commune.allows(DISTRICT + "tin-tuc/")
    # alone in the register, a path without slash is no folder to keep to (/web/guest/home)
    alone = Scope.of("http://sotttt.gov.vn/web/guest/home")
    assert alone.allows("http://sotttt.gov.vn/web/guest/tin-tuc")


def test_the_district_leaves_its_communes_sub_sites_alone():
    district = Scope.of(DISTRICT, others=[COMMUNE, OTHER_COMMUNE])
    assert district.allows(DISTRICT + "tin-tuc/")
    assert not district.allows(COMMUNE + "tin-tuc/")
    assert not district.allows(OTHER_COMMUNE)
    assert district.why_not(COMMUNE) == "another agency's sub-site"


def test_the_registers_aliases_and_the_same_portal_registered_twice():
    scope = Scope.of("http://phulam.gov.vn/", aliases=["https://phulam.angiang.gov.vn/"],
                     others=["http://phulam.gov.vn/"])
    assert scope.allows("https://phulam.angiang.gov.vn/tin-tuc/")
    assert scope.allows("http://phulam.gov.vn/tin-tuc/")      # the twin is not a sub-site


def test_the_middleware_drops_a_request_outside_the_scope_and_counts_it():
    class Stats:
        def __init__(self):
            self.values = {}

        def inc_value(self, key):
            self.values[key] = self.values.get(key, 0) + 1

    stats = Stats()
    middleware = ScopeMiddleware(stats)
    scope = Scope.of("http://phulam.gov.vn/")
    assert middleware.process_request(Request("http://phulam.gov.vn/a", meta={"scope": scope})) \
        is None
    assert middleware.process_request(Request("http://twitter.com/share")) is None  # no scope
    with pytest.raises(IgnoreRequest) as raised:
        middleware.process_request(Request("http://twitter.com/share", meta={"scope": scope}))
    assert str(raised.value).startswith(OUTSIDE) and "twitter.com" in str(raised.value)
    assert stats.values == {"inspector/dropped/outside": 1}
