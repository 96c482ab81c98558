"""The NukeViet portal walked as a crawler would: menus, pagers, RSS, information pages and
features."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from werkzeug.test import Client

from inspector.sandbox.platforms import portal_class
from inspector.sandbox.portal import FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES

from .factory import make_province
from .walking import (SECTION_KEYS, assert_article_features, assert_feature_pages_absent,
                      assert_feeds_list_first_page, assert_hidden_sections,
                      assert_neutral_field_pages, assert_walk_matches_listing_pages, crawl,
                      document_headers, follow_next, page, site_bodies, visible_text)
from .walking import get as fetch

LISTING_DATE = re.compile(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
                          r"(\d\d)/(\d\d)/(\d{4})")
ARTICLE_DATE = re.compile(r"(\d\d)/(\d\d)/(\d{4}) (\d{1,2}):(\d\d) (SA|CH)")


def build(**kwargs):
    province = make_province("nukeviet", **kwargs)
    agency = province.agencies[0]
    portal = portal_class("nukeviet")(agency, province)
    return agency, portal, Client(portal)


@pytest.fixture(scope="module")
def site():
    return build()


def parse_listing_date(text: str) -> date | None:
    match = LISTING_DATE.search(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups()[1:])
    moment = date(year, month, day)
    assert match.group(1) == moment.strftime("%A")  # the weekday printed is the date's own
    return moment


def parse_article_date(text: str) -> datetime:
    day, month, year, hour, minute, half = ARTICLE_DATE.search(text).groups()
    hour = int(hour) % 12 + (12 if half == "CH" else 0)
    return datetime(int(year), int(month), int(day), hour, int(minute))


def article_moment(client, path) -> datetime:
    doc = page(client, path)
    return parse_article_date(doc.cssselect("span.publtime")[0].text_content())


def entry_link(agency, portal, client, section) -> str:
    """The section's link where its placement says it is."""
    home = page(client, portal.home_path())
    if section.placement == "menu":
        links = home.cssselect("#menu-site-default > ul > li > a")
        [href] = [a.get("href") for a in links if a.text_content().strip() == section.name]
    elif section.placement == "submenu":
        links = home.cssselect("#menu-site-default li.dropdown ul.dropdown-menu a")
        [href] = [a.get("href") for a in links if a.text_content().strip() == section.name]
    elif section.placement == "sidebar_image":
        [a] = [a for a in home.cssselect("#sidebar .nv-block-banners a")
               if section.key in a.get("href").lower()]
        assert a.text_content().strip() == "" and a.xpath("./img/@alt") == [""]
        href = a.get("href")
    elif section.placement == "footer":
        links = home.cssselect("#footer a")
        [href] = [a.get("href") for a in links if a.text_content().strip() == section.name]
    else:
        sitemap = page(client, portal.page_path("so-do"))
        [href] = [a.get("href") for a in sitemap.cssselect("ul.sitemap a")
                  if a.text_content().strip() == section.name]
    return href


def listing_rows(doc, section) -> list[tuple[str, str, date | None]]:
    if section.layout == "documents":
        headers = [th.text_content().strip() for th in doc.cssselect("table.laws-list thead th")]
        rows = []
        for tr in doc.cssselect("table.laws-list tbody tr"):
            cells = tr.cssselect("td")
            if len(cells) != len(headers):
                continue  # the "no document" row
            link = tr.xpath(".//a[not(contains(@href, '/uploads/'))]")[0]
            title = link.get("title")
            when = None
            if "Ngày ban hành" in headers:
                cell = cells[headers.index("Ngày ban hành")].text_content().strip()
                day, month, year = cell.split("/")
                when = date(int(year), int(month), int(day))
            rows.append((link.get("href"), title, when))
        return rows
    if section.layout == "qa":
        items = doc.cssselect(".faq-item")
        return [(i.cssselect(".faq-question a")[0].get("href"),
                 i.cssselect(".faq-question a")[0].text_content().strip(),
                 parse_listing_date(i.cssselect(".faq-info")[0].text_content())) for i in items]
    rows = []
    for item in doc.cssselect("#main .news_column"):
        link = item.cssselect("h3 a")[0]
        rows.append((link.get("href"), link.text_content().strip(),
                     parse_listing_date(item.text_content())))
    return rows


def walk(agency, portal, client, section):
    """Follow 'Trang sau' from the entry link; every pager link must be one of the pages."""
    return follow_next(client, entry_link(agency, portal, client, section),
                       lambda doc: listing_rows(doc, section), "ul.pagination a",
                       "ul.pagination a[rel=next]",
                       lambda a: a.text_content().strip() == "Trang sau")


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_listing_walk_finds_exactly_the_sections_posts(site, key):
    agency, portal, client = site
    section = agency.section(key)
    visited, pager_links, rows = walk(agency, portal, client, section)
    assert_walk_matches_listing_pages(portal, section, visited, pager_links, rows)
    assert visited[1:] == [f"{visited[0]}page-{n}" for n in range(2, len(visited) + 1)]
    found = set()
    for path, title, when in (r for page_rows in rows for r in page_rows):
        if section.listing_dates:
            assert when is not None
        else:
            assert when is None  # no date on the listing at all
            when = article_moment(client, path).date()
        found.add((path, title, when))
    assert found == {(portal.post_path(section, p), p.title, p.published.date())
                     for p in section.posts}
    # every article shows its own date and time (12-hour clock, SA/CH)
    for post in section.posts:
        assert article_moment(client, portal.post_path(section, post)) == post.published


def test_article_dates_use_both_hour_styles(site):
    agency, portal, client = site
    texts = {}
    for index, section in enumerate(agency.sections[:2]):
        post = next(p for p in section.posts if p.published.hour % 12 not in (0, 10, 11))
        doc = page(client, portal.post_path(section, post))
        texts[index] = doc.cssselect("span.publtime")[0].text_content()
    assert re.search(r" 0\d:\d\d (SA|CH)$", texts[0])
    assert re.search(r" [1-9]:\d\d (SA|CH)$", texts[1])


def test_rss_feed_lists_the_first_page_with_pubdates(site):
    agency, portal, client = site
    for root in assert_feeds_list_first_page(agency, portal, client):
        assert root.tag == "rss" and root.get("version") == "2.0"
        assert all(i.findtext("pubDate").endswith("+0700") for i in root.iter("item"))
    for section in agency.sections:
        assert fetch(client, portal.rss_path(section)).mimetype == "application/rss+xml"


def test_sidebar_image_and_sitemap_only_sections_are_hidden_elsewhere(site):
    assert_hidden_sections(*site, sitemap_links="ul.sitemap a")


def assert_field_pages(agency, portal, client):
    assert_neutral_field_pages(agency, portal, client, main="#main")
    # the legal documents table: exactly the present columns, in the set's order
    for headers, expected in document_headers(agency, portal, client, "table.laws-list thead th"):
        assert [h for h in headers if h not in ("STT", "")] == expected


def test_information_pages_show_exactly_the_present_fields(site):
    assert_field_pages(*site)


@pytest.mark.parametrize("keep", [0, 1, 2])
def test_information_pages_with_few_fields_stay_neutral(keep):
    agency, portal, client = build()
    for field_set, names in agency.fields.items():
        agency.fields[field_set] = names[-keep:] if keep else []
    agency.fields["du-an"] = list(FIELD_LABELS["du-an"])[:keep]
    for project in agency.projects:
        project.fields = {k: v for k, v in project.fields.items() if k in agency.fields["du-an"]}
    for procedure in agency.procedures:
        procedure.details = procedure.details[-keep:] if keep else []
    agency.leaders[0].title = "Chuyên viên"   # 'giám đốc' is itself a chức vụ keyword
    portal = portal_class("nukeviet")(agency, portal.province)
    client = Client(portal)
    assert_field_pages(agency, portal, client)
    if "co_cau_to_chuc" not in agency.fields["gioi-thieu"]:
        fetch(client, portal.page_path("co-cau-to-chuc"), 404)
        home = fetch(client, "/").get_data(as_text=True)
        assert portal.page_path("co-cau-to-chuc") not in home


def test_static_pages_content(site):
    agency, portal, client = site
    home = page(client, "/")
    hrefs = {a.get("href") for a in home.iter("a")}
    for kind in STATIC_PAGES:
        assert portal.page_path(kind) in hrefs or kind == "so-do" and \
            portal.page_path(kind) in {a.get("href") for a in home.cssselect("#footer a")}
    hotline = page(client, portal.page_path("duong-day-nong"))
    assert agency.contact["hotline"] in visible_text(hotline)
    tthc = page(client, portal.page_path("thu-tuc"))
    assert {a.get("href") for a in tthc.cssselect("table.tthc-list a")} == \
        {portal.procedure_path(p) for p in agency.procedures}
    headings = [h.text_content() for h in tthc.cssselect("h2.tthc-group")]
    assert headings == sorted(f"Lĩnh vực: {p.field}" for p in agency.procedures)
    projects = visible_text(page(client, portal.page_path("du-an")))
    assert "Dự án đang triển khai" in projects and "45 tỷ đồng" in projects
    general = next(s for s in agency.sections if s.general)
    latest = {a.get("href") for a in home.cssselect("#main h3 a")}
    assert latest == {portal.post_path(general, p) for p in general.posts[:6]}


def test_features_on(site):
    agency, portal, client = site
    home = page(client, "/")
    text = visible_text(home)
    assert home.xpath("//meta[@name='generator']/@content") == ["NukeViet v4.5"]
    assert home.xpath("//meta[@name='viewport']/@content") == \
        ["width=device-width, initial-scale=1"]
    assert {"A+", "A-", FEATURE_TEXT["contrast"]} <= set(a.text_content() for a in home.iter("a"))
    assert home.xpath("//a[@title='Tăng cỡ chữ']")
    assert home.xpath("//a[@title='Giảm cỡ chữ']")
    assert all(a.get("accesskey") for a in home.cssselect("#menu-site-default > ul > li > a"))
    assert home.xpath("//video")
    assert FEATURE_TEXT["administrative_feedback"] in text
    assert home.xpath("//a[@href='https://vbpl.vn/']")
    assert_article_features(agency, portal, client, "#main", on=True)
    documents = next(s for s in agency.sections if s.layout == "documents")
    doc = page(client, portal.listing_pages(documents)[0].url)
    text = visible_text(doc)
    assert all(label in text for label in LEGAL_FACETS.values())
    assert doc.xpath("//form[@method='get']//input[@name='q']")
    assert FEATURE_TEXT["document_search"] in text
    files = doc.xpath("//table//a[contains(@href, '.pdf')]/@href")
    assert len(files) == len(portal.listing_pages(documents)[0].posts)
    for href in files + doc.xpath("//div[contains(@class,'laws-facet')]//a/@href"):
        fetch(client, href)
    facet = doc.xpath("//div[contains(@class,'laws-facet')]//a/@href")[0]
    assert len(listing_rows(page(client, facet), documents)) == len(documents.posts)
    found = listing_rows(page(client, portal.listing_pages(documents)[0].url + "?q=s%E1%BB%91+3"),
                         documents)
    assert [r[1] for r in found] == ["Quyết định ban hành quy chế số 3"]
    contact = page(client, portal.page_path("lien-he"))
    assert contact.xpath("//form[@method='post']//textarea")
    assert FEATURE_TEXT["feedback_form"] in visible_text(contact)
    tthc = visible_text(page(client, portal.page_path("thu-tuc")))
    assert FEATURE_TEXT["tthc_announcement_download"] in tthc
    assert FEATURE_TEXT["tthc_feedback"] in tthc
    assert "Trợ giúp" in visible_text(page(client, portal.page_path("tro-giup")))


def test_features_off_disappear():
    agency, portal, client = build(all_features=False)
    home = page(client, "/")
    raw = fetch(client, "/").get_data(as_text=True)
    text = visible_text(home)
    assert not home.xpath("//meta[@name='viewport']")
    assert "min-width:1100px" in raw
    assert "A+" not in text and "Tăng cỡ chữ" not in raw
    assert FEATURE_TEXT["contrast"] not in raw
    assert "accesskey" not in raw
    assert not home.xpath("//video") and not home.xpath("//link[@type='application/rss+xml']")
    assert FEATURE_TEXT["administrative_feedback"] not in text and "vbpl.vn" not in raw
    assert_feature_pages_absent(portal, client, home)
    for section in agency.sections:
        listing = page(client, portal.listing_pages(section)[0].url)
        assert not listing.xpath("//link[@type='application/rss+xml']")
        fetch(client, portal.rss_path(section))  # the feed itself still answers
        for img in listing.cssselect("#main img"):
            assert img.get("alt") == ""
    assert_article_features(agency, portal, client, "#main", on=False)
    documents = next(s for s in agency.sections if s.layout == "documents")
    doc = page(client, portal.listing_pages(documents)[0].url)
    assert not doc.cssselect(".laws-facets") and not doc.xpath("//form")
    assert not doc.xpath("//a[contains(@href, '.pdf')]")
    assert FEATURE_TEXT["legal_db_link"] not in visible_text(doc)
    contact = page(client, portal.page_path("lien-he"))
    assert not contact.xpath("//form")
    tthc = page(client, portal.page_path("thu-tuc"))
    assert not tthc.cssselect("h2.tthc-group") and not tthc.xpath("//a[contains(@href, '.pdf')]")
    assert FEATURE_TEXT["tthc_feedback"] not in visible_text(tthc)
    assert not page(client, portal.page_path("du-an")).cssselect("h2.project-group")


def test_unknown_paths_are_404_and_old_forms_redirect(site):
    agency, portal, client = site
    for path in ["/vi/news/Khong-co/", "/vi/about/khong-co.html",
                 "/vi/news/Tin-tuc-su-kien/page-99", "/vi/news/Tin-tuc-su-kien/bai-1-2.html",
                 "/uploads/laws/khong-co.pdf", "/wp-admin/"]:
        response = fetch(client, path, 404)
        assert "Lỗi 404" in response.get_data(as_text=True)
    assert fetch(client, "/vi/", 301).headers["Location"] == "/"
    assert fetch(client, "/vi/news/Tin-tuc-su-kien/page-1", 301).headers["Location"] == \
        "/vi/news/Tin-tuc-su-kien/"
    assert fetch(client, "/vi/news/Tin-tuc-su-kien", 301).headers["Location"] == \
        "/vi/news/Tin-tuc-su-kien/"


def test_every_link_on_the_site_answers_and_is_root_relative(site):
    agency, portal, client = site
    assert len(crawl(client)) > 100


def test_renders_are_byte_identical():
    assert site_bodies(*build()) == site_bodies(*build())


def test_sections_without_listing_dates_show_no_date_at_all():
    agency, portal, client = build()
    for section in agency.sections:
        section.listing_dates = False
    portal = portal_class("nukeviet")(agency, portal.province)
    client = Client(portal)
    for section in agency.sections:
        for listing_page in portal.listing_pages(section):
            main = visible_text(page(client, listing_page.url).cssselect("#main")[0])
            assert not re.search(r"\d\d/\d\d/\d{4}", main), (section.key, main)
            assert not LISTING_DATE.search(main)
        for post in section.posts[:3]:
            assert article_moment(client, portal.post_path(section, post)) == post.published
