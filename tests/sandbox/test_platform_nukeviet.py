"""The NukeViet portal walked as a crawler would: menus, pagers, RSS, information pages and
features."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import deque
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import lxml.html
import pytest
import yaml
from werkzeug.test import Client

from inspector.sandbox.platforms import portal_class
from inspector.sandbox.portal import FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES
from inspector.textnorm import Matcher

from .factory import make_province

TOPICS = yaml.safe_load((Path(__file__).parents[2] / "checklists" / "topics.yaml")
                        .read_text(encoding="utf-8"))
LISTING_DATE = re.compile(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), "
                          r"(\d\d)/(\d\d)/(\d{4})")
ARTICLE_DATE = re.compile(r"(\d\d)/(\d\d)/(\d{4}) (\d{1,2}):(\d\d) (SA|CH)")
FIELD_SET_PAGES = {"gioi-thieu": "gioi-thieu", "lanh-dao": "lanh-dao", "lien-he": "lien-he",
                   "danh-ba": "can-bo", "du-an": "du-an", "gop-y": "gop-y"}


def build(**kwargs):
    province = make_province("nukeviet", **kwargs)
    agency = province.agencies[0]
    portal = portal_class("nukeviet")(agency, province)
    return agency, portal, Client(portal)


@pytest.fixture(scope="module")
def site():
    return build()


def fetch(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response


def page(client, path):
    return lxml.html.fromstring(fetch(client, path).get_data(as_text=True))


def visible_text(doc) -> str:
    doc = lxml.html.fromstring(lxml.html.tostring(doc))
    for element in doc.xpath("//script|//style"):
        element.drop_tree()
    return " ".join(doc.text_content().split())


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
    url, visited, pager_links, rows = entry_link(agency, portal, client, section), [], set(), []
    while url:
        visited.append(url)
        doc = page(client, url)
        page_rows = listing_rows(doc, section)
        rows.append(page_rows)
        pager_links |= {a.get("href") for a in doc.cssselect("ul.pagination a")} - {"#"}
        nexts = doc.cssselect("ul.pagination a[rel=next]")
        assert all(a.text_content().strip() == "Trang sau" for a in nexts)
        url = nexts[0].get("href") if nexts else None
        assert url not in visited
    return visited, pager_links, rows


@pytest.mark.parametrize("key", [s.key for s in make_province("nukeviet").agencies[0].sections])
def test_listing_walk_finds_exactly_the_sections_posts(site, key):
    agency, portal, client = site
    section = agency.section(key)
    visited, pager_links, rows = walk(agency, portal, client, section)
    expected = portal.listing_pages(section)
    assert visited == [p.url for p in expected]
    assert pager_links <= set(visited)
    assert visited[1:] == [f"{visited[0]}page-{n}" for n in range(2, len(visited) + 1)]
    for page_rows, listing_page in zip(rows, expected):
        assert [r[0] for r in page_rows] == \
            [portal.post_path(section, p) for p in listing_page.posts]
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
    for section in agency.sections:
        listing = page(client, portal.listing_pages(section)[0].url)
        assert listing.xpath("//link[@rel='alternate' and @type='application/rss+xml']/@href") \
            == [portal.rss_path(section)]
        response = fetch(client, portal.rss_path(section))
        assert response.mimetype == "application/rss+xml"
        root = ET.fromstring(response.data)
        assert root.tag == "rss" and root.get("version") == "2.0"
        items = root.findall("./channel/item")
        first = portal.listing_pages(section)[0].posts
        assert [(i.findtext("title"), i.findtext("link")) for i in items] == \
            [(p.title, portal.post_path(section, p)) for p in first]
        for item, post in zip(items, first):
            moment = parsedate_to_datetime(item.findtext("pubDate"))
            assert moment == post.published.replace(tzinfo=timezone(timedelta(hours=7)))
            assert item.findtext("pubDate").endswith("+0700")


def site_pages(agency, portal, client):
    """Every page but the site map, each section's first listing page and first article."""
    paths = [portal.home_path()] + [portal.page_path(k) for k in STATIC_PAGES
                                    if k != "so-do" and portal.page_available(k)]
    for section in agency.sections:
        paths.append(portal.listing_pages(section)[0].url)
        paths += [portal.post_path(section, p) for p in section.posts[:1]]
    return {path: page(client, path) for path in paths}


def test_sidebar_image_and_sitemap_only_sections_are_hidden_elsewhere(site):
    agency, portal, client = site
    pages = site_pages(agency, portal, client)
    sitemap = page(client, portal.page_path("so-do"))
    sitemap_links = {a.get("href") for a in sitemap.cssselect("ul.sitemap a")}
    assert sitemap_links >= {portal.listing_pages(s)[0].url for s in agency.sections}
    home_text = visible_text(pages[portal.home_path()])
    checked = 0
    for section in agency.sections:
        url = portal.listing_pages(section)[0].url
        own = {url} | {portal.post_path(section, p) for p in section.posts}
        for path, doc in pages.items():
            if path in own:
                continue
            links = [a for a in doc.iter("a") if a.get("href") == url]
            if section.placement == "sitemap_only":
                assert links == [], path
                checked += 1
            elif section.placement == "sidebar_image":
                assert links, path  # the banner is on every page
                for a in links:
                    assert a.text_content().strip() == ""
                    assert [img.get("alt") for img in a.iter("img")] == [""]
                checked += 1
        if section.placement in ("sidebar_image", "sitemap_only"):
            assert section.name not in home_text
    assert checked


def field_set_checks(agency, portal, client):
    """For each information page: (page text, labels that must show, field names absent)."""
    for kind, field_set in FIELD_SET_PAGES.items():
        doc = page(client, portal.page_path(kind))
        labels = FIELD_LABELS[field_set]
        present = agency.fields.get(field_set, [])
        if field_set == "du-an":
            present = sorted({name for p in agency.projects for name in p.fields})
        yield (kind, field_set, doc, [labels[n] for n in present],
               [n for n in labels if n not in present])
    for procedure in agency.procedures:
        doc = page(client, portal.procedure_path(procedure))
        labels = FIELD_LABELS["thu-tuc"]
        yield (procedure.code, "thu-tuc", doc, [labels[n] for n in procedure.details],
               [n for n in labels if n not in procedure.details])


def assert_field_pages(agency, portal, client):
    for kind, field_set, doc, shown, absent in field_set_checks(agency, portal, client):
        text = visible_text(doc)
        main = visible_text(doc.cssselect("#main")[0])
        for label in shown:
            assert label in main, (kind, label)
        matcher = Matcher(text)
        for name in absent:
            assert FIELD_LABELS[field_set][name] not in text, (kind, name)
            keywords = TOPICS["field_sets"][field_set]["fields"][name]
            assert matcher.find(keywords) is None, (kind, name, matcher.find(keywords))
    # the legal documents table: exactly the present columns, in the set's order
    for section in agency.sections:
        if section.layout == "documents":
            doc = page(client, portal.listing_pages(section)[0].url)
            headers = [th.text_content().strip()
                       for th in doc.cssselect("table.laws-list thead th")]
            present = agency.fields.get("van-ban", [])
            assert [h for h in headers if h not in ("STT", "")] == \
                [label for name, label in FIELD_LABELS["van-ban"].items() if name in present]


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
    for section in agency.sections:
        for post in section.posts[:2]:
            doc = page(client, portal.post_path(section, post))
            assert FEATURE_TEXT["text_to_speech"] in visible_text(doc)
            for img in doc.cssselect("#main img"):
                assert img.get("alt")
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
    hrefs = {a.get("href") for a in home.iter("a")}
    assert portal.page_path("tro-giup") not in hrefs
    assert portal.page_path("duong-day-nong") not in hrefs
    fetch(client, portal.page_path("tro-giup"), 404)
    fetch(client, portal.page_path("duong-day-nong"), 404)
    for section in agency.sections:
        listing = page(client, portal.listing_pages(section)[0].url)
        assert not listing.xpath("//link[@type='application/rss+xml']")
        fetch(client, portal.rss_path(section))  # the feed itself still answers
        for img in listing.cssselect("#main img"):
            assert img.get("alt") == ""
        for post in section.posts[:2]:
            doc = page(client, portal.post_path(section, post))
            assert FEATURE_TEXT["text_to_speech"] not in visible_text(doc)
            assert all(img.get("alt") == "" for img in doc.cssselect("#main img"))
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
    queue, seen = deque(["/"]), {"/"}
    while queue:
        path = queue.popleft()
        response = client.get(path)
        assert response.status_code == 200, path
        if response.mimetype != "text/html":
            continue
        doc = lxml.html.fromstring(response.get_data(as_text=True))
        for attr in doc.xpath("//a/@href|//img/@src|//source/@src|//link/@href|//form/@action"):
            if attr.startswith(("https://", "#")):
                continue
            assert attr.startswith("/") and "127.0.0.1" not in attr, (path, attr)
            target = attr.split("#")[0]
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert len(seen) > 100


def test_renders_are_byte_identical():
    bodies = []
    for _ in range(2):
        agency, portal, client = build()
        paths = ["/", *(p.url for s in agency.sections for p in portal.listing_pages(s)),
                 *(portal.post_path(s, p) for s in agency.sections for p in s.posts),
                 *(portal.page_path(k) for k in STATIC_PAGES),
                 *(portal.rss_path(s) for s in agency.sections), "/khong-co"]
        bodies.append([client.get(path).data for path in paths])
    assert bodies[0] == bodies[1]


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
