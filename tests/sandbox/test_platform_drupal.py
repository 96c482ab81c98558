"""The Drupal 7 and 8 portals walked as a crawler would: menus, ?page=N pagers (from zero), feeds,
information pages and features."""

from __future__ import annotations

import re
from datetime import date, datetime

import lxml.html
import pytest
from werkzeug.test import Client

from inspector.sandbox.platforms import portal_class
from inspector.sandbox.platforms.drupal import DrupalPortal
from inspector.sandbox.portal import FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES

from .factory import make_province
from .walking import (SECTION_KEYS, assert_article_features, assert_feature_pages_absent,
                      assert_feeds_list_first_page, assert_hidden_sections,
                      assert_neutral_field_pages, assert_walk_matches_listing_pages, crawl,
                      document_headers, follow_next, page, site_bodies, visible_text)
from .walking import get as fetch

DMY = re.compile(r"(\d\d)/(\d\d)/(\d{4})")
VERSIONS = (7, 8)


def build(version: int, **kwargs):
    province = make_province("drupal", **kwargs)
    agency = province.agencies[0]
    portal = DrupalPortal(agency, province, version=version)
    return agency, portal, Client(portal)


@pytest.fixture(scope="module", params=VERSIONS, ids=lambda v: f"d{v}")
def site(request):
    return build(request.param)


def dmy(text: str) -> date | None:
    match = DMY.search(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    return date(year, month, day)


def article_moment(client, path) -> datetime | date:
    """The full moment from <time datetime>, else the date printed as '(26/11/2025)'."""
    doc = page(client, path)
    times = doc.cssselect(".submitted time")
    if times:
        return datetime.fromisoformat(times[0].get("datetime")).replace(tzinfo=None)
    text = doc.cssselect(".submitted span.date")[0].text_content().strip()
    assert re.fullmatch(r"\(\d\d/\d\d/\d{4}\)", text)
    return dmy(text)


def main_menu(doc):
    return doc.cssselect("#main-menu > li, #block-main-menu > ul > li")


def entry_link(portal, client, section) -> str:
    home = page(client, portal.home_path())
    def named(links):
        [href] = [a.get("href") for a in links if a.text_content().strip() == section.name]
        return href
    if section.placement == "menu":
        return named([li.xpath("./a")[0] for li in main_menu(home) if li.xpath("./a")])
    if section.placement == "submenu":
        parents = [li for li in main_menu(home) if li.xpath("./ul")]
        assert [li.xpath("./span")[0].text_content() for li in parents] == ["Tin tức"]
        return named(parents[0].cssselect("ul.menu a"))
    if section.placement == "sidebar_image":
        [a] = [a for a in home.cssselect("#sidebar-first .block-banner a")
               if section.key in a.get("href")]
        assert a.text_content().strip() == "" and a.xpath("./img/@alt") == [""]
        return a.get("href")
    if section.placement == "footer":
        return named(home.cssselect("#block-menu-footer a"))
    return named(page(client, portal.page_path("so-do")).cssselect(".site-map a"))


def listing_rows(doc, section) -> list[tuple[str, str, date | None]]:
    if section.layout == "documents":
        headers = [th.text_content().strip() for th in doc.cssselect("table.views-table thead th")]
        rows = []
        for tr in doc.cssselect("table.views-table tbody tr"):
            cells = tr.cssselect("td")
            link = tr.xpath(".//a[starts-with(@href, '/node/')]")[0]
            title = cells[headers.index("Trích yếu")].text_content().strip() \
                if "Trích yếu" in headers else None
            when = dmy(cells[headers.index("Ngày ban hành")].text_content()) \
                if "Ngày ban hành" in headers else None
            rows.append((link.get("href"), title, when))
        return rows
    rows = []
    for row in doc.cssselect(".view-content .views-row"):
        link = row.cssselect(".views-field-title a")[0]
        created = row.cssselect(".views-field-created .field-content")
        when = None
        if created:
            text = created[0].text_content().strip()
            assert text.startswith("Ngày đăng: ")
            when = dmy(text)
        rows.append((link.get("href"), link.text_content().strip(), when))
    return rows


def is_next(a) -> bool:
    shown = a.xpath("./span[@aria-hidden='true']") or [a]
    return shown[0].text_content().strip() in ("trang sau ›", "››")


def walk(portal, client, section):
    return follow_next(client, entry_link(portal, client, section),
                       lambda doc: listing_rows(doc, section), "ul.pager a, ul.pager__items a",
                       "li.pager-next a, li.pager__item--next a", is_next)


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_listing_walk_finds_exactly_the_sections_posts(site, key):
    agency, portal, client = site
    section = agency.section(key)
    visited, pager_links, rows = walk(portal, client, section)
    assert_walk_matches_listing_pages(portal, section, visited, pager_links, rows)  # never ?page=0
    assert visited == [f"/{key}"] + [f"/{key}?page={n}" for n in range(1, len(visited))]
    found = set()
    for path, title, when in (r for page_rows in rows for r in page_rows):
        if section.listing_dates:
            assert when is not None
        else:
            assert when is None
            moment = article_moment(client, path)
            when = moment.date() if isinstance(moment, datetime) else moment
        found.add((path, title, when))
    assert found == {(f"/node/{p.id + 1000}", p.title, p.published.date()) for p in section.posts}
    for post in section.posts:
        moment = article_moment(client, portal.post_path(section, post))
        assert moment == (post.published if isinstance(moment, datetime) else post.published.date())


def test_pager_styles_and_first_page_aliases(site):
    agency, portal, client = site
    general = agency.section("tin-tuc-su-kien")     # index 0: full pager
    doc = page(client, "/tin-tuc-su-kien?page=1")
    labels = {a.text_content().strip() for a in doc.cssselect("ul.pager a, ul.pager__items a")}
    if portal.version == 7:
        assert {"« đầu", "‹ trang trước", "1", "3", "trang sau ›", "cuối »"} <= labels
        assert doc.cssselect("li.pager-current")[0].text_content() == "2"
    else:
        assert doc.cssselect("nav.pager ul.pager__items li.is-active")
        assert any("trang sau ›" in label for label in labels)
    mini = page(client, "/chi-dao-dieu-hanh")          # index 1: views mini pager
    assert len(mini.cssselect("ul.pager a, ul.pager__items a")) == 1
    # ?page=0 is the first page (Drupal serves it) although no pager links to it
    assert fetch(client, "/tin-tuc-su-kien?page=0").data == fetch(client, "/tin-tuc-su-kien").data
    for bad in ("/tin-tuc-su-kien?page=3", "/tin-tuc-su-kien?page=-1", "/tin-tuc-su-kien?page=x"):
        fetch(client, bad, 404)
    assert len(portal.listing_pages(general)) == 3


def test_article_date_styles(site):
    agency, portal, client = site
    first = page(client, portal.post_path(agency.sections[0], agency.sections[0].posts[0]))
    second = page(client, portal.post_path(agency.sections[1], agency.sections[1].posts[0]))
    assert first.cssselect(".submitted span.date") and not first.cssselect(".submitted time")
    time = second.cssselect(".submitted time")[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+07:00", time.get("datetime"))


def test_feeds_list_the_first_page(site):
    assert_feeds_list_first_page(*site)


def test_sidebar_image_and_sitemap_only_sections_are_hidden_elsewhere(site):
    assert_hidden_sections(*site, sitemap_links=".site-map a")


def assert_field_pages(agency, portal, client):
    assert_neutral_field_pages(agency, portal, client, main="#content")
    # the legal documents table: exactly the present columns (and unlabelled link columns)
    for headers, expected in document_headers(agency, portal, client, "table.views-table th"):
        assert [h for h in headers if h] == expected


def test_information_pages_show_exactly_the_present_fields(site):
    assert_field_pages(*site)


@pytest.mark.parametrize("keep", [0, 1, 2])
def test_information_pages_with_few_fields_stay_neutral(keep):
    agency, portal, client = build(8)
    for field_set, names in agency.fields.items():
        agency.fields[field_set] = names[:keep]
    agency.fields["du-an"] = list(FIELD_LABELS["du-an"])[-keep:] if keep else []
    for project in agency.projects:
        project.fields = {k: v for k, v in project.fields.items() if k in agency.fields["du-an"]}
    for procedure in agency.procedures:
        procedure.details = procedure.details[:keep]
    agency.leaders[0].title = "Chuyên viên"
    portal = DrupalPortal(agency, portal.province, version=7)
    client = Client(portal)
    assert_field_pages(agency, portal, client)
    if "co_cau_to_chuc" not in agency.fields["gioi-thieu"]:
        fetch(client, portal.page_path("co-cau-to-chuc"), 404)
        assert portal.page_path("co-cau-to-chuc") not in fetch(client, "/").get_data(as_text=True)


def test_static_pages_are_aliased_nodes(site):
    agency, portal, client = site
    home = page(client, "/")
    hrefs = {a.get("href") for a in home.iter("a")}
    for number, kind in enumerate(STATIC_PAGES, start=1):
        path = portal.page_path(kind)
        assert path in hrefs
        assert not path.startswith("/node/")
        assert fetch(client, f"/node/{number}", 301).headers["Location"] == path
        doc = page(client, path)
        assert doc.cssselect(f"#node-{number}")
    hotline = page(client, portal.page_path("duong-day-nong"))
    assert agency.contact["hotline"] in visible_text(hotline)
    tthc = page(client, portal.page_path("thu-tuc"))
    assert {a.get("href") for a in tthc.cssselect("table.tthc-list a")} == \
        {portal.procedure_path(p) for p in agency.procedures}
    general = agency.section("tin-tuc-su-kien")
    assert [a.get("href") for a in home.cssselect("#content .views-field-title a")] == \
        [portal.post_path(general, p) for p in general.posts[:6]]


def test_section_owning_an_alias_pushes_the_page_to_its_node():
    province = make_province("drupal")
    agency = province.agencies[0]
    agency.sections[-1].key = "lien-he"
    portal = DrupalPortal(agency, province, version=7)
    client = Client(portal)
    assert portal.page_path("lien-he") == "/node/4"
    assert page(client, "/lien-he").cssselect("h1#page-title")[0].text_content() == \
        agency.sections[-1].name
    assert page(client, "/node/4").cssselect("#node-4")


def test_features_on(site):
    agency, portal, client = site
    response = fetch(client, "/")
    assert response.headers["X-Generator"] == f"Drupal {portal.version}"
    home = lxml.html.fromstring(response.get_data(as_text=True))
    text = visible_text(home)
    generator = home.xpath("//meta[@name='Generator']/@content")[0]
    assert generator.startswith(f"Drupal {portal.version} (")
    assert home.xpath("//meta[@name='viewport']/@content") == \
        ["width=device-width, initial-scale=1"]
    assert home.xpath("//button[@title='Tăng cỡ chữ' and text()='A+']")
    assert home.xpath("//button[@title='Giảm cỡ chữ' and text()='A-']")
    assert FEATURE_TEXT["contrast"] in text
    assert all(li.xpath("./a/@accesskey") for li in main_menu(home) if li.xpath("./a"))
    assert home.xpath("//video")
    assert FEATURE_TEXT["administrative_feedback"] in text
    assert home.xpath("//a[@href='https://vbpl.vn/']")
    assert_article_features(agency, portal, client, "#content", on=True)
    documents = agency.section("van-ban")
    doc = page(client, "/van-ban")
    text = visible_text(doc)
    assert all(label in text for label in LEGAL_FACETS.values())
    assert FEATURE_TEXT["document_search"] in text and doc.xpath("//input[@name='title']")
    files = doc.xpath("//table//a[contains(@href, '.pdf')]/@href")
    assert len(files) == len(portal.listing_pages(documents)[0].posts)
    for href in files + doc.xpath("//ul[@class='facetapi-facetapi-links']//a/@href"):
        fetch(client, href)
    found = listing_rows(page(client, "/van-ban?title=s%E1%BB%91+12"), documents)
    assert [r[1] for r in found] == ["Quyết định ban hành quy chế số 12"]
    assert FEATURE_TEXT["feedback_form"] in visible_text(page(client, portal.page_path("lien-he")))
    tthc = page(client, portal.page_path("thu-tuc"))
    assert [h.text_content() for h in tthc.cssselect("h3.tthc-group")] == \
        ["Lĩnh vực: In", "Lĩnh vực: Xuất bản"]
    assert FEATURE_TEXT["tthc_announcement_download"] in visible_text(tthc)
    assert FEATURE_TEXT["tthc_feedback"] in visible_text(tthc)
    assert page(client, portal.page_path("du-an")).cssselect("h2.project-group")


def test_features_off_disappear():
    agency, portal, client = build(7, all_features=False)
    raw = fetch(client, "/").get_data(as_text=True)
    home = lxml.html.fromstring(raw)
    text = visible_text(home)
    assert not home.xpath("//meta[@name='viewport']") and "min-width:1100px" in raw
    assert "A+" not in text and "Tăng cỡ chữ" not in raw
    assert FEATURE_TEXT["contrast"] not in raw
    assert "accesskey" not in raw
    assert not home.xpath("//video") and "application/rss+xml" not in raw
    assert FEATURE_TEXT["administrative_feedback"] not in text and "vbpl.vn" not in raw
    assert_feature_pages_absent(portal, client, home)
    for section in agency.sections:
        listing = page(client, portal.listing_pages(section)[0].url)
        assert not listing.xpath("//link[@type='application/rss+xml']")
        assert not listing.cssselect("a.feed-icon")
        fetch(client, portal.rss_path(section))
        assert all(img.get("alt") == "" for img in listing.cssselect("#content img"))
    assert_article_features(agency, portal, client, "#content", on=False)
    doc = page(client, "/van-ban")
    assert not doc.cssselect(".block-facetapi") and not doc.xpath("//form")
    assert not doc.xpath("//a[contains(@href, '.pdf')]")
    assert FEATURE_TEXT["legal_db_link"] not in visible_text(doc)
    assert not page(client, portal.page_path("lien-he")).xpath("//form")
    tthc = page(client, portal.page_path("thu-tuc"))
    assert not tthc.cssselect("h3.tthc-group") and not tthc.xpath("//a[contains(@href, '.pdf')]")
    assert FEATURE_TEXT["tthc_feedback"] not in visible_text(tthc)
    assert not page(client, portal.page_path("du-an")).cssselect("h2.project-group")


def test_unknown_paths_are_404(site):
    agency, portal, client = site
    for path in ["/khong-co", "/node/999", "/node/1001/edit", "/tin-tuc-su-kien/khong-co",
                 "/tthc/9.999999", "/sites/default/files/khong-co.pdf", "/user/login"]:
        response = fetch(client, path, 404)
        assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_every_link_on_the_site_answers_and_is_root_relative(site):
    agency, portal, client = site
    assert len(crawl(client)) > 100


def test_registry_and_version_choice():
    province = make_province("drupal")
    portal = portal_class("drupal")(province.agencies[0], province)
    assert isinstance(portal, DrupalPortal) and portal.version in VERSIONS
    assert portal_class("drupal")(province.agencies[0], province).version == portal.version


@pytest.mark.parametrize("version", VERSIONS)
def test_renders_are_byte_identical(version):
    assert site_bodies(*build(version)) == site_bodies(*build(version))


@pytest.mark.parametrize("version", VERSIONS)
def test_sections_without_listing_dates_show_no_date_at_all(version):
    agency, portal, client = build(version)
    for section in agency.sections:
        section.listing_dates = False
    portal = DrupalPortal(agency, portal.province, version=version)
    client = Client(portal)
    for section in agency.sections:
        for listing_page in portal.listing_pages(section):
            main = visible_text(page(client, listing_page.url).cssselect("#content")[0])
            assert not DMY.search(main) and "Ngày đăng" not in main, section.key
        for post in section.posts[:3]:
            assert article_moment(client, portal.post_path(section, post)) in \
                (post.published, post.published.date())
