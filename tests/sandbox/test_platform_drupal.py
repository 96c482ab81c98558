"""The Drupal 7 and 8 portals walked as a crawler would: menus, ?page=N pagers (from zero), feeds,
information pages and features."""

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
from inspector.sandbox.platforms.drupal import DrupalPortal
from inspector.sandbox.portal import FEATURE_TEXT, FIELD_LABELS, LEGAL_FACETS, STATIC_PAGES
from inspector.textnorm import Matcher

from .factory import make_province

TOPICS = yaml.safe_load((Path(__file__).parents[2] / "checklists" / "topics.yaml")
                        .read_text(encoding="utf-8"))
DMY = re.compile(r"(\d\d)/(\d\d)/(\d{4})")
FIELD_SET_PAGES = {"gioi-thieu": "gioi-thieu", "lanh-dao": "lanh-dao", "lien-he": "lien-he",
                   "danh-ba": "can-bo", "du-an": "du-an", "gop-y": "gop-y"}
SECTION_KEYS = [s.key for s in make_province("drupal").agencies[0].sections]
VERSIONS = (7, 8)


def build(version: int, **kwargs):
    province = make_province("drupal", **kwargs)
    agency = province.agencies[0]
    portal = DrupalPortal(agency, province, version=version)
    return agency, portal, Client(portal)


@pytest.fixture(scope="module", params=VERSIONS, ids=lambda v: f"d{v}")
def site(request):
    return build(request.param)


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


def walk(portal, client, section):
    url, visited, pager_links, rows = entry_link(portal, client, section), [], set(), []
    while url:
        visited.append(url)
        doc = page(client, url)
        rows.append(listing_rows(doc, section))
        pager_links |= {a.get("href") for a in doc.cssselect("ul.pager a, ul.pager__items a")}
        nexts = doc.cssselect("li.pager-next a, li.pager__item--next a")
        for a in nexts:
            shown = a.xpath("./span[@aria-hidden='true']") or [a]
            assert shown[0].text_content().strip() in ("trang sau ›", "››")
        url = nexts[0].get("href") if nexts else None
        assert url not in visited
    return visited, pager_links, rows


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_listing_walk_finds_exactly_the_sections_posts(site, key):
    agency, portal, client = site
    section = agency.section(key)
    visited, pager_links, rows = walk(portal, client, section)
    expected = portal.listing_pages(section)
    assert visited == [p.url for p in expected]
    assert visited == [f"/{key}"] + [f"/{key}?page={n}" for n in range(1, len(visited))]
    assert pager_links <= set(visited)  # never ?page=0
    for page_rows, listing_page in zip(rows, expected):
        assert [r[0] for r in page_rows] == \
            [portal.post_path(section, p) for p in listing_page.posts]
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
    agency, portal, client = site
    for section in agency.sections:
        listing = page(client, portal.listing_pages(section)[0].url)
        assert listing.xpath("//link[@rel='alternate' and @type='application/rss+xml']/@href") \
            == [portal.rss_path(section)]
        root = ET.fromstring(fetch(client, portal.rss_path(section)).data)
        items = root.findall("./channel/item")
        first = portal.listing_pages(section)[0].posts
        assert [(i.findtext("title"), i.findtext("link")) for i in items] == \
            [(p.title, portal.post_path(section, p)) for p in first]
        for item, post in zip(items, first):
            assert parsedate_to_datetime(item.findtext("pubDate")) == \
                post.published.replace(tzinfo=timezone(timedelta(hours=7)))


def site_pages(agency, portal, client):
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
    assert {a.get("href") for a in sitemap.cssselect(".site-map a")} >= \
        {portal.listing_pages(s)[0].url for s in agency.sections}
    home_text = visible_text(pages["/"])
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
                assert links, path
                for a in links:
                    assert a.text_content().strip() == ""
                    assert [img.get("alt") for img in a.iter("img")] == [""]
                checked += 1
        if section.placement in ("sidebar_image", "sitemap_only"):
            assert section.name not in home_text
    assert checked


def assert_field_pages(agency, portal, client):
    checks = []
    for kind, field_set in FIELD_SET_PAGES.items():
        present = agency.fields.get(field_set, [])
        if field_set == "du-an":
            present = sorted({name for p in agency.projects for name in p.fields})
        checks.append((kind, field_set, portal.page_path(kind), present))
    for procedure in agency.procedures:
        checks.append((procedure.code, "thu-tuc", portal.procedure_path(procedure),
                       procedure.details))
    for kind, field_set, path, present in checks:
        doc = page(client, path)
        text, main = visible_text(doc), visible_text(doc.cssselect("#content")[0])
        labels = FIELD_LABELS[field_set]
        for name in present:
            assert labels[name] in main, (kind, name)
        matcher = Matcher(text)
        for name in labels:
            if name not in present:
                assert labels[name] not in text, (kind, name)
                keywords = TOPICS["field_sets"][field_set]["fields"][name]
                assert matcher.find(keywords) is None, (kind, name, matcher.find(keywords))
    for section in agency.sections:
        if section.layout == "documents":
            doc = page(client, portal.listing_pages(section)[0].url)
            headers = [th.text_content().strip() for th in doc.cssselect("table.views-table th")]
            present = agency.fields.get("van-ban", [])
            assert [h for h in headers if h] == \
                [label for name, label in FIELD_LABELS["van-ban"].items() if name in present]


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
    for section in agency.sections:
        for post in section.posts[:2]:
            doc = page(client, portal.post_path(section, post))
            assert FEATURE_TEXT["text_to_speech"] in visible_text(doc)
            assert all(img.get("alt") for img in doc.cssselect("#content img"))
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
    hrefs = {a.get("href") for a in home.iter("a")}
    assert portal.page_path("tro-giup") not in hrefs
    assert portal.page_path("duong-day-nong") not in hrefs
    fetch(client, portal.page_path("tro-giup"), 404)
    fetch(client, portal.page_path("duong-day-nong"), 404)
    for section in agency.sections:
        listing = page(client, portal.listing_pages(section)[0].url)
        assert not listing.xpath("//link[@type='application/rss+xml']")
        assert not listing.cssselect("a.feed-icon")
        fetch(client, portal.rss_path(section))
        assert all(img.get("alt") == "" for img in listing.cssselect("#content img"))
        for post in section.posts[:2]:
            doc = page(client, portal.post_path(section, post))
            assert FEATURE_TEXT["text_to_speech"] not in visible_text(doc)
            assert all(img.get("alt") == "" for img in doc.cssselect("#content img"))
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


def test_registry_and_version_choice():
    province = make_province("drupal")
    portal = portal_class("drupal")(province.agencies[0], province)
    assert isinstance(portal, DrupalPortal) and portal.version in VERSIONS
    assert portal_class("drupal")(province.agencies[0], province).version == portal.version


@pytest.mark.parametrize("version", VERSIONS)
def test_renders_are_byte_identical(version):
    bodies = []
    for _ in range(2):
        agency, portal, client = build(version)
        paths = ["/", *(p.url for s in agency.sections for p in portal.listing_pages(s)),
                 *(portal.post_path(s, p) for s in agency.sections for p in s.posts),
                 *(portal.page_path(k) for k in STATIC_PAGES),
                 *(portal.rss_path(s) for s in agency.sections), "/khong-co"]
        bodies.append([client.get(path).data for path in paths])
    assert bodies[0] == bodies[1]


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
