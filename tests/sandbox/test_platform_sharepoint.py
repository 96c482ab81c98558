"""The simulated SharePoint portal: listings reachable by its pager, placements, field pages, features."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from urllib.parse import parse_qs, urlsplit

import lxml.etree
import pytest
from werkzeug.test import Client

from inspector.sandbox.portal import FIELD_LABELS, STATIC_PAGES, WEEKDAYS_VI

from . import walking
from .walking import (DAY, SECTION_KEYS, assert_feature_switch, assert_labels, assert_sitemap_only,
                      assert_sparse_site_renders, dated_rows, feature_checks, hrefs, html,
                      image_links, path_of, renders_twice, text, walk_pager)
from .walking import page as fetch

PLATFORM = "sharepoint"
WEEKDAY_DATE = re.compile(r"(Thứ \w+|Chủ Nhật), (\d{2}/\d{2}/\d{4}) (\d{2}:\d{2})")
SA_CH_DATE = re.compile(r"(\d{2}/\d{2}/\d{4}) (\d{1,2}):(\d{2}) (SA|CH)")
UPDATED = re.compile(r"Cập nhật lúc (\d{2}:\d{2}) ngày (\d{2}/\d{2}/\d{4})")


build = partial(walking.build, PLATFORM)
site = walking.site_fixture(PLATFORM)


# -- reading a listing with the platform's markup ------------------------------------------------
def listing_rows(doc, layout: str) -> list[tuple[str, str, str]]:
    """(article url, title, date text or '') of each row of a listing page."""
    rows = []
    if layout == "news":
        for item in doc.cssselect("ul.dfwp-list li.dfwp-item div.item"):
            link = item.cssselect("div.link-item > a")[0]
            dates = item.cssselect("div.date-line")
            rows.append((link.get("href"), text(link), text(dates[0]) if dates else ""))
    elif layout == "qa":
        for item in doc.cssselect("div.hoidap-item"):
            link = item.cssselect("div.cau-hoi a")[0]
            dates = item.cssselect("span.ngay-gui")
            rows.append((link.get("href"), text(link), text(dates[0]) if dates else ""))
    else:
        table = doc.cssselect("table.ms-listviewtable")[0]
        header = [text(th) for th in table.cssselect("th")]
        for tr in table.cssselect("tr.ms-itmhover"):
            cells = tr.cssselect("td")
            link = [a for a in tr.cssselect("a") if "file-dinh-kem" not in (a.get("class") or "")][0]
            day = cells[header.index("Ngày ban hành")] if "Ngày ban hành" in header else None
            rows.append((link.get("href"), text(link), text(day) if day is not None else ""))
    return rows


def parse_listing_date(value: str, layout: str):
    if layout == "documents":
        found = DAY.search(value)
        return datetime.strptime(found.group(1), "%d/%m/%Y").date() if found else None
    found = WEEKDAY_DATE.search(value)
    if found:
        moment = datetime.strptime(f"{found.group(2)} {found.group(3)}", "%d/%m/%Y %H:%M")
        assert WEEKDAYS_VI[moment.weekday()] == found.group(1)
        return moment
    found = SA_CH_DATE.search(value)
    if found:
        day, hour, minute, half = found.groups()
        hour = int(hour) % 12 + (12 if half == "CH" else 0)
        return datetime.strptime(day, "%d/%m/%Y").replace(hour=hour, minute=int(minute))
    return None


def article_date(doc) -> datetime:
    found = UPDATED.search(text(doc.cssselect("div.article-date")[0]))
    return datetime.strptime(f"{found.group(2)} {found.group(1)}", "%d/%m/%Y %H:%M")


def pager_links(doc) -> list[str]:
    return [a.get("href") for a in doc.cssselect("div.paging a")]


def is_section_link(portal, section, href: str) -> bool:
    return path_of(href).lower() == portal.section_path(section).lower()


def entry_url(client, portal, section) -> str:
    for url in (portal.home_path(), portal.page_path("so-do")):
        for href in hrefs(fetch(client, url)):
            if is_section_link(portal, section, href):
                return href
    raise AssertionError(f"no link to {section.key}")


def walk(client, portal, section):
    start = entry_url(client, portal, section)
    return start, walk_pager(client, start, lambda doc: listing_rows(doc, section.layout),
                             pager_links, lambda href: is_section_link(portal, section, href))


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_listing_walk_finds_exactly_the_posts(site, key):
    agency, portal, client = site
    section = agency.section(key)
    start, pages = walk(client, portal, section)
    found = dated_rows(pages, section, parse_listing_date,
                       lambda href: article_date(fetch(client, href)), DAY)
    expected = {(portal.post_path(section, p), p.title,
                 p.published.date() if section.layout == "documents" else p.published)
                for p in section.posts}
    assert found == expected

    # the pager reaches exactly the pages listing_pages() declares, with their posts
    listed = portal.listing_pages(section)
    assert listed[0].url == start
    assert set(pages) == {listing_page.url for listing_page in listed}
    for listing_page in listed:
        assert [r[0] for r in pages[listing_page.url]] == [portal.post_path(section, p)
                                                           for p in listing_page.posts]


def test_listing_urls(site):
    agency, portal, _ = site
    section = agency.section("tin-tuc-su-kien")
    pages = portal.listing_pages(section)
    assert [len(p.posts) for p in pages] == [10, 10, 3]
    query = parse_qs(urlsplit(pages[2].url).query)
    assert path_of(pages[2].url) == "/Pages/tin-tuc-su-kien.aspx"
    assert query["Page"] == ["3"] and query["ChuyenMucID"] == [str(portal.ids[section.key])]
    assert "Page=" not in pages[0].url
    post = section.posts[0]
    assert portal.post_path(section, post) == f"/Pages/chi-tiet.aspx?ItemID={post.id}"


def test_pager_has_numbers_and_next_labels(site):
    agency, portal, client = site
    section = agency.section("tin-tuc-su-kien")
    pager = fetch(client, portal.listing_pages(section)[1].url).cssselect("div.paging")[0]
    labels = [text(a) for a in pager.cssselect("a")]
    assert {"«", "Trang trước", "1", "3", "Trang sau", "»"} <= set(labels)
    assert text(pager.cssselect("span.current")[0]) == "2"


def test_two_listing_date_formats(site):
    agency, portal, client = site
    samples = []
    for section in agency.sections:
        if section.layout in ("news", "qa") and section.listing_dates and section.posts:
            samples += [r[2] for r in listing_rows(fetch(client, portal.page_url(section)), section.layout)]
    assert any(WEEKDAY_DATE.search(s) for s in samples)
    assert any(SA_CH_DATE.search(s) for s in samples)


# -- placements ----------------------------------------------------------------------------------
def all_pages(portal, agency) -> list[str]:
    urls = [portal.home_path()] + [portal.page_path(k) for k in portal.available_pages()]
    for section in agency.sections:
        urls.append(portal.page_url(section))
        urls += [portal.post_path(section, p) for p in section.posts[:1]]
    return urls


def test_menu_submenu_and_footer(site):
    agency, portal, client = site
    home = fetch(client, portal.home_path())
    top = [a.get("href") for a in home.cssselect("#zz2_RootAspMenu > li > a")]
    nested = [a.get("href") for a in home.cssselect("#zz2_RootAspMenu ul.dynamic a")]
    footer = [a.get("href") for a in home.cssselect("#footer a")]
    for section in agency.sections:
        assert any(is_section_link(portal, section, h) for h in top) == (section.placement == "menu")
        assert any(is_section_link(portal, section, h) for h in nested) == (section.placement == "submenu")
        assert any(is_section_link(portal, section, h) for h in footer) == (section.placement == "footer")
    assert portal.page_path("so-do") in footer


def test_sidebar_sections_are_linked_only_by_images_without_alt(site):
    agency, portal, client = site
    for section in portal.sections_at("sidebar_image"):
        # its own pager links it by numbers
        assert image_links(client, all_pages(portal, agency), section,
                           lambda href: is_section_link(portal, section, href),
                           skip=lambda url, href: url == portal.page_url(section)) >= 2


def test_sitemap_only_sections_appear_only_on_the_site_map(site):
    agency, portal, client = site
    assert_sitemap_only(agency, portal, client, all_pages(portal, agency),
                        lambda section, href: is_section_link(portal, section, href),
                        lambda section, url: url == portal.page_url(section))


def test_home_links_every_static_page(site):
    agency, portal, client = site
    links = set(hrefs(fetch(client, portal.home_path())))
    for kind in STATIC_PAGES:
        assert portal.page_path(kind) in links, kind


def test_urls_are_case_insensitive_and_root_redirects(site):
    agency, portal, client = site
    assert client.get("/pages/DEFAULT.aspx").status_code == 200
    assert client.get("/Pages/chi-tiet.aspx?itemid=1").status_code == 200
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith(portal.home_path())


# -- field pages ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind, field_set", [("gioi-thieu", "gioi-thieu"), ("lanh-dao", "lanh-dao"),
                                             ("lien-he", "lien-he"), ("danh-ba", "can-bo"),
                                             ("gop-y", "gop-y")])
def test_field_pages_show_exactly_the_present_fields(kind, field_set):
    for fields in (None, ["dien_thoai"], ["email", "ho_ten", "nguoi_phat_ngon"]):
        agency, portal = build()
        if fields is not None:
            agency.fields[field_set] = [f for f in fields if f in FIELD_LABELS[field_set]]
        body = text(fetch(Client(portal), portal.page_path(kind)))
        assert_labels(body, field_set, agency.fields[field_set])


def test_procedure_and_project_pages(site):
    agency, portal, client = site
    for procedure in agency.procedures:
        body = text(fetch(client, portal.procedure_path(procedure.code)))
        assert_labels(body, "thu-tuc", procedure.details)
        assert procedure.code in body
    body = text(fetch(client, portal.page_path("du-an")))
    for project in agency.projects:
        assert_labels(body, "du-an", project.fields)
    links = set(hrefs(fetch(client, portal.page_path("thu-tuc"))))
    assert links >= {portal.procedure_path(p.code) for p in agency.procedures}


def test_document_table_columns_follow_the_field_set(site):
    agency, portal, client = site
    doc = fetch(client, portal.page_url(agency.section("van-ban")))
    header = [text(th) for th in doc.cssselect("table.ms-listviewtable th")]
    assert header == [FIELD_LABELS["van-ban"][n] for n in FIELD_LABELS["van-ban"]
                      if n in agency.fields["van-ban"]]


def test_static_page_contents(site):
    agency, portal, client = site
    assert agency.contact["hotline"] in text(fetch(client, portal.page_path("duong-day-nong")))
    assert agency.intro["co_cau_to_chuc"] in text(fetch(client, portal.page_path("co-cau-to-chuc")))
    assert agency.directory[0].unit in text(fetch(client, portal.page_path("danh-ba")))
    agency2, portal2 = build()
    agency2.fields["gioi-thieu"] = ["lich_su"]
    client2 = Client(portal2)
    assert client2.get(portal2.page_path("co-cau-to-chuc")).status_code == 404
    assert "Cơ cấu tổ chức" not in text(fetch(client2, portal2.page_path("gioi-thieu")))


# -- features ------------------------------------------------------------------------------------
def _article(agency, portal):
    section = agency.section("tin-tuc-su-kien")
    return portal.post_path(section, section.posts[0])


def _documents(agency, portal):
    return portal.page_url(agency.section("van-ban"))


FEATURE_CHECKS = {
    **feature_checks(_article, _documents),
    "font_size": lambda a, p, c: 'title="Tăng cỡ chữ"' in html(c, p.home_path())
    and 'title="Giảm cỡ chữ"' in html(c, p.home_path()),
    "access_keys": lambda a, p, c: bool(fetch(c, p.home_path())
                                        .cssselect("#zz2_RootAspMenu > li > a[accesskey]")),
    "alt_text": lambda a, p, c: all(img.get("alt") for img in
                                    fetch(c, p.page_url(a.section("tin-tuc-su-kien"))).iter("img")
                                    if "/Banner/" not in img.get("src")),
    "legal_download": lambda a, p, c: bool(fetch(c, _documents(a, p)).cssselect("td a.file-dinh-kem")),
    "project_classification": lambda a, p, c: bool(fetch(c, p.page_path("du-an")).cssselect("h2.giai-doan")),
}


@pytest.mark.parametrize("feature", sorted(FEATURE_CHECKS))
def test_feature_present_and_absent(feature):
    assert_feature_switch(PLATFORM, FEATURE_CHECKS[feature])


def test_fixed_layout_without_mobile_feature():
    _, portal = build(all_features=False)
    home = html(Client(portal), portal.home_path())
    assert "body{min-width:1100px}" in home and 'name="viewport"' not in home
    _, portal = build()
    assert "min-width:1100px" not in html(Client(portal), portal.home_path())


def test_illustrations_have_empty_alt_without_alt_text():
    agency, portal = build(all_features=False)
    doc = fetch(Client(portal), portal.page_url(agency.section("tin-tuc-su-kien")))
    images = doc.cssselect("div.image-area-left img")
    assert images and all(img.get("alt") == "" for img in images)


def test_facet_and_search_filter_documents(site):
    agency, portal, client = site
    section = agency.section("van-ban")
    doc = fetch(client, portal.page_url(section))
    year = [a for a in doc.cssselect(".vb-phan-loai a") if text(a) == "2026"][0]
    rows = listing_rows(fetch(client, year.get("href")), "documents")
    assert len(rows) == sum(p.published.year == 2026 for p in section.posts) > section.page_size
    form = doc.cssselect(".vb-tim-kiem form")[0]
    rows = listing_rows(fetch(client, f"{form.get('action')}?ChuyenMucID={portal.ids[section.key]}"
                                      f"&TuKhoa=113/QĐ"), "documents")
    assert [r[1] for r in rows] == [p.title for p in section.posts if p.extra["number"].startswith("113/")]


def test_rss_feed_lists_the_section(site):
    agency, portal, client = site
    section = agency.section("hoi-dap")
    response = client.get(portal.rss_path(section))
    assert response.status_code == 200 and "rss" in response.content_type
    feed = lxml.etree.fromstring(response.data)
    assert [i.findtext("link") for i in feed.iter("item")] == [portal.post_path(section, p)
                                                              for p in section.posts]
    _, plain = build(all_features=False)
    assert plain.rss_path(section) is None
    assert Client(plain).get(portal.rss_path(section)).status_code == 404


def test_files_are_served(site):
    agency, portal, client = site
    doc = fetch(client, portal.page_url(agency.section("van-ban")))
    links = {a.get("href") for a in doc.cssselect("a.file-dinh-kem")}
    assert links
    for href in links:
        response = client.get(href)
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
    for img in fetch(client, portal.home_path()).iter("img"):
        assert client.get(img.get("src")).content_type == "image/png"


# -- errors and determinism ----------------------------------------------------------------------
def test_unknown_urls_get_a_sharepoint_404(site):
    agency, portal, client = site
    section = agency.section("tin-tuc-su-kien")
    for url in ("/Pages/khong-co.aspx", "/nope", "/Pages/chi-tiet.aspx?ItemID=99999",
                f"/Pages/tin-tuc-su-kien.aspx?ChuyenMucID={portal.ids['hoi-dap']}",
                portal.section_path(section)):
        doc = fetch(client, url, status=404)
        assert "Không tìm thấy tệp" in text(doc)


def test_renders_are_byte_identical_and_root_relative():
    assert renders_twice(PLATFORM, all_pages)


def test_sparse_agency_renders_everywhere():
    """No general section, empty and date-less sections, a key taking a static page's name, no data."""
    assert_sparse_site_renders(PLATFORM, lambda doc: listing_rows(doc, "documents"))
