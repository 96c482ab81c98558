"""The simulated Liferay portal: listings reachable by its pager, placements, field pages, features."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial

import lxml.etree
import pytest
from werkzeug.test import Client

from inspector.sandbox.portal import FIELD_LABELS, STATIC_PAGES

from . import walking
from .walking import (DAY, SECTION_KEYS, assert_feature_switch, assert_labels, assert_sitemap_only,
                      assert_sparse_site_renders, dated_rows, feature_checks, hrefs, html,
                      image_links, path_of, renders_twice, text, walk_pager)
from .walking import page as fetch

PLATFORM = "liferay"
NEWS_DATE = re.compile(r"(\d{2}/\d{2}/\d{4}) \| (\d{2}:\d{2} [AP]M)")
QA_DATE = re.compile(r"\((\d{2}/\d{2}/\d{4}) (\d{2}:\d{2})\)")


build = partial(walking.build, PLATFORM)
site = walking.site_fixture(PLATFORM)


# -- reading a listing with the platform's markup ------------------------------------------------
def listing_rows(doc, layout: str) -> list[tuple[str, str, str]]:
    """(article path, title, date text or '') of each row of a listing page."""
    rows = []
    if layout == "news":
        for box in doc.cssselect(".asset-abstract"):
            link = box.cssselect("h3.asset-title a")[0]
            dates = box.cssselect("div.assetPublishDate")
            rows.append((link.get("href"), text(link), text(dates[0]) if dates else ""))
    elif layout == "qa":
        for box in doc.cssselect("div.tintuc_chuyenmuc"):
            link = box.cssselect("div.boxhoidap a")[0]
            asker = box.cssselect("p.nguoi-hoi")
            rows.append((link.get("href"), text(link), text(asker[0]) if asker else ""))
    else:
        table = doc.cssselect(".lfr-search-container table")[0]
        header = [text(th) for th in table.cssselect("thead th")]
        for tr in table.cssselect("tbody tr"):
            cells = tr.cssselect("td")
            links = [a for a in tr.cssselect("a") if "download" not in (a.get("class") or "")]
            if not links:                      # "no documents" row
                continue
            link = links[0]
            day = cells[header.index("Ngày ban hành")] if "Ngày ban hành" in header else None
            rows.append((link.get("href"), text(link), text(day) if day is not None else ""))
    return rows


def parse_date(value: str, layout: str):
    if layout == "news":
        found = NEWS_DATE.search(value)
        return datetime.strptime(" ".join(found.groups()), "%d/%m/%Y %I:%M %p") if found else None
    if layout == "qa":
        found = QA_DATE.search(value)
        return datetime.strptime(" ".join(found.groups()), "%d/%m/%Y %H:%M") if found else None
    found = DAY.search(value)
    return datetime.strptime(found.group(1), "%d/%m/%Y").date() if found else None


def expected_date(post, layout: str):
    return post.published.date() if layout == "documents" else post.published


def pager_links(doc) -> list[str]:
    return [a.get("href") for a in doc.cssselect(".taglib-page-iterator a")
            if a.get("href", "").startswith("/")]


def entry_url(client, portal, section) -> str:
    """The section's first listing page as the home page or the site map links it."""
    for url in (portal.home_path(), portal.page_path("so-do")):
        for href in hrefs(fetch(client, url)):
            if path_of(href) == portal.section_path(section):
                return href
    raise AssertionError(f"no link to {section.key}")


def walk(client, portal, section):
    """Follow the pager from the section's entry page; url → rows of every page reached."""
    start = entry_url(client, portal, section)
    return start, walk_pager(client, start, lambda doc: listing_rows(doc, section.layout),
                             pager_links, lambda href: path_of(href) == portal.section_path(section))


def article_moment(client, href: str) -> datetime:
    return parse_date(text(fetch(client, href).cssselect(".asset-full-content .assetPublishDate")[0]),
                      "news")


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_listing_walk_finds_exactly_the_posts(site, key):
    agency, portal, client = site
    section = agency.section(key)
    start, pages = walk(client, portal, section)
    found = dated_rows(pages, section, parse_date, lambda href: article_moment(client, href), DAY)
    expected = {(portal.post_path(section, p), p.title, expected_date(p, section.layout))
                for p in section.posts}
    assert found == expected

    # listing_pages() agrees with what the pager reaches (page 1 is also reached as _cur=1)
    listed = portal.listing_pages(section)
    assert listed[0].url == start
    for listing_page in listed:
        assert listing_page.url in pages
        assert [r[0] for r in pages[listing_page.url]] == [portal.post_path(section, p)
                                                           for p in listing_page.posts]
    contents = {tuple(r[0] for r in rows) for rows in pages.values()}
    assert contents == {tuple(portal.post_path(section, p) for p in lp.posts) for lp in listed}


def test_listing_pages_use_cur_parameter(site):
    agency, portal, _ = site
    pages = portal.listing_pages(agency.section("tin-tuc-su-kien"))
    assert [len(p.posts) for p in pages] == [10, 10, 3]
    assert pages[0].url == "/web/sotttt/tin-tuc-su-kien"
    assert re.search(r"p_p_id=101_INSTANCE_\w{12}&.*_101_INSTANCE_\w{12}_cur=2$", pages[1].url)


def test_date_label_varies_by_section(site):
    agency, portal, client = site
    labels = set()
    for section in agency.sections:
        if section.layout == "news" and section.listing_dates and section.posts:
            doc = fetch(client, portal.section_path(section))
            labels.add(text(doc.cssselect("div.assetPublishDate")[0]).split(" ")[0])
    assert {"Ngày", "Publish"} & labels and any(DAY.match(x) for x in labels)


def test_pager_labels_switch_language_after_paging(site):
    agency, portal, client = site
    section = agency.section("tin-tuc-su-kien")
    first = text(fetch(client, portal.section_path(section)).cssselect("ul.pager")[0])
    second = text(fetch(client, portal.listing_pages(section)[1].url).cssselect("ul.pager")[0])
    assert "Đầu tiên" in first and "next" in first
    assert "First" in second and "Previous" in second and "Last" in second
    doc = fetch(client, portal.section_path(section))
    assert doc.cssselect("ul.pager li.first a")[0].get("href") == "javascript:;"


# -- placements ----------------------------------------------------------------------------------
def all_pages(portal, agency) -> list[str]:
    urls = [portal.home_path()] + [portal.page_path(k) for k in portal.available_pages()]
    for section in agency.sections:
        urls.append(portal.section_path(section))
        urls += [portal.post_path(section, p) for p in section.posts[:1]]
    return urls


def test_menu_submenu_and_footer(site):
    agency, portal, client = site
    home = fetch(client, portal.home_path())
    top = {path_of(a.get("href")): text(a) for a in home.cssselect("nav#navigation ul.navi > li > a")}
    nested = {path_of(a.get("href")) for a in home.cssselect("nav#navigation ul.navi ul.child-menu a")}
    footer = {path_of(a.get("href")) for a in home.cssselect("#footer a")}
    for section in agency.sections:
        path = portal.section_path(section)
        assert (path in top) == (section.placement == "menu"), section.key
        assert (path in nested) == (section.placement == "submenu"), section.key
        assert (path in footer) == (section.placement == "footer"), section.key
    assert portal.page_path("so-do") in footer


def test_sidebar_sections_are_linked_only_by_images_without_alt(site):
    agency, portal, client = site
    for section in portal.sections_at("sidebar_image"):
        path = portal.section_path(section)
        # its own pager links it by numbers
        assert image_links(client, all_pages(portal, agency), section,
                           lambda href: path_of(href) == path,
                           skip=lambda url, href: url == path and "cur" in href) >= 2


def test_sitemap_only_sections_appear_only_on_the_site_map(site):
    agency, portal, client = site
    assert_sitemap_only(agency, portal, client, all_pages(portal, agency),
                        lambda section, href: path_of(href) == portal.section_path(section),
                        lambda section, url: url.startswith(portal.section_path(section)))


def test_home_links_every_static_page(site):
    agency, portal, client = site
    links = {path_of(h) for h in hrefs(fetch(client, portal.home_path()))}
    for kind in STATIC_PAGES:
        assert portal.page_path(kind) in links, kind


# -- field pages ---------------------------------------------------------------------------------
def page_text(client, url) -> str:
    return text(fetch(client, url))


@pytest.mark.parametrize("kind, field_set", [("gioi-thieu", "gioi-thieu"), ("lanh-dao", "lanh-dao"),
                                             ("lien-he", "lien-he"), ("danh-ba", "can-bo"),
                                             ("gop-y", "gop-y")])
def test_field_pages_show_exactly_the_present_fields(kind, field_set):
    for fields in (None, ["dien_thoai"], ["email", "ho_ten"]):
        agency, portal = build()
        if fields is not None:
            agency.fields[field_set] = [f for f in fields if f in FIELD_LABELS[field_set]]
        client = Client(portal)
        assert_labels(page_text(client, portal.page_path(kind)), field_set, agency.fields[field_set])


def test_procedure_and_project_pages(site):
    agency, portal, client = site
    for procedure in agency.procedures:
        body = page_text(client, portal.procedure_path(procedure.code))
        assert_labels(body, "thu-tuc", procedure.details)
        assert procedure.code in body
    body = page_text(client, portal.page_path("du-an"))
    for project in agency.projects:
        assert_labels(body, "du-an", project.fields)
    thu_tuc = fetch(client, portal.page_path("thu-tuc"))
    assert {path_of(h) for h in hrefs(thu_tuc)} >= {portal.procedure_path(p.code) for p in agency.procedures}


def test_document_table_columns_follow_the_field_set(site):
    agency, portal, client = site
    section = agency.section("van-ban")
    doc = fetch(client, portal.section_path(section))
    header = [text(th) for th in doc.cssselect(".lfr-search-container thead th")]
    assert header == ["STT"] + [FIELD_LABELS["van-ban"][n] for n in FIELD_LABELS["van-ban"]
                                if n in agency.fields["van-ban"]]


def test_static_pages_contact_hotline_and_sitemap(site):
    agency, portal, client = site
    assert agency.contact["hotline"] in page_text(client, portal.page_path("duong-day-nong"))
    assert agency.intro["lich_su"] in page_text(client, portal.page_path("gioi-thieu"))
    assert agency.leaders[1].name in page_text(client, portal.page_path("lanh-dao"))
    fetch(client, portal.page_path("co-cau-to-chuc"))


# -- features ------------------------------------------------------------------------------------
def _article(agency, portal):
    section = agency.section("tin-tuc-su-kien")
    return portal.post_path(section, section.posts[0])


def _documents(agency, portal):
    return portal.section_path(agency.section("van-ban"))


FEATURE_CHECKS = {
    **feature_checks(_article, _documents),
    "font_size": lambda a, p, c: 'title="Tăng cỡ chữ"' in html(c, p.home_path())
    and ">A-<" in html(c, p.home_path()),
    "access_keys": lambda a, p, c: bool(fetch(c, p.home_path()).cssselect("ul.navi > li > a[accesskey]")),
    "alt_text": lambda a, p, c: all(img.get("alt") for img in fetch(c, _article(a, p)).iter("img")
                                    if "banner" not in img.get("src")),
    "legal_download": lambda a, p, c: bool(fetch(c, _documents(a, p))
                                           .cssselect("td a.download[href$='.pdf']")),
    "project_classification": lambda a, p, c: bool(fetch(c, p.page_path("du-an")).cssselect("h3.giai-doan")),
}


@pytest.mark.parametrize("feature", sorted(FEATURE_CHECKS))
def test_feature_present_and_absent(feature):
    assert_feature_switch(PLATFORM, FEATURE_CHECKS[feature])


def test_fixed_layout_without_mobile_feature():
    agency, portal = build(all_features=False)
    home = html(Client(portal), portal.home_path())
    assert "min-width:1100px" in home and "viewport" not in home
    agency, portal = build(all_features=True)
    assert "min-width:1100px" not in html(Client(portal), portal.home_path())


def test_illustrations_have_empty_alt_without_alt_text():
    agency, portal = build(all_features=False)
    doc = fetch(Client(portal), portal.section_path(agency.section("tin-tuc-su-kien")))
    images = doc.cssselect(".asset-image img")
    assert images and all(img.get("alt") == "" for img in images)


def test_facet_and_search_filter_documents(site):
    agency, portal, client = site
    section = agency.section("van-ban")
    doc = fetch(client, portal.section_path(section))
    year_link = [a for a in doc.cssselect(".vanban-filter a") if text(a) == "2026"]
    rows = listing_rows(fetch(client, year_link[0].get("href")), "documents")
    assert len(rows) == sum(p.published.year == 2026 for p in section.posts) > section.page_size
    ns = f"_{portal.portlet_id(section)}_"
    rows = listing_rows(fetch(client, f"{portal.section_path(section)}?{ns}keywords=113/QĐ"), "documents")
    assert [r[1] for r in rows] == [p.title for p in section.posts if p.extra["number"].startswith("113/")]
    assert len(rows) == 1


def test_rss_feed_lists_the_section(site):
    agency, portal, client = site
    section = agency.section("tin-tuc-su-kien")
    response = client.get(portal.rss_path(section))
    assert response.status_code == 200 and "rss" in response.content_type
    feed = lxml.etree.fromstring(response.data)
    assert [i.findtext("link") for i in feed.iter("item")] == [portal.post_path(section, p)
                                                              for p in section.posts[:20]]
    assert build(all_features=False)[1].rss_path(section) is None


def test_files_are_served(site):
    agency, portal, client = site
    doc = fetch(client, portal.section_path(agency.section("van-ban")))
    for href in {a.get("href") for a in doc.cssselect("a.download")}:
        response = client.get(href)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    image = fetch(client, portal.home_path()).cssselect("img")[0].get("src")
    assert client.get(image).content_type == "image/png"


# -- errors and determinism ----------------------------------------------------------------------
def test_unknown_paths_get_a_liferay_404(site):
    agency, portal, client = site
    for url in ("/web/sotttt/khong-co-trang-nay", "/nope.html",
                portal.section_path(agency.section("tin-tuc-su-kien")) + "/-/asset_publisher/x/content/y"):
        doc = fetch(client, url, status=404)
        assert "Không tìm thấy" in text(doc)
    _, plain = build(all_features=False)
    assert Client(plain).get(plain.page_path("tro-giup")).status_code == 404


def test_root_redirects_home(site):
    agency, portal, client = site
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith(portal.home_path())


def test_renders_are_byte_identical_and_root_relative():
    for url, body in renders_twice(PLATFORM, all_pages).items():
        assert body.startswith("\ufeff".encode()), url      # Liferay pages start with a BOM


def test_sparse_agency_renders_everywhere():
    """No general section, empty and date-less sections, a key taking a static page's name, no data."""
    assert_sparse_site_renders(PLATFORM, lambda doc: listing_rows(doc, "documents"))
