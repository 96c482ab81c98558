"""What the platform tests share: reading pages, walking a section's pager, crawling a site."""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Callable
from urllib.parse import urlsplit
from xml.etree import ElementTree

import lxml.html
import pytest
import yaml
from werkzeug.test import Client

from inspector.sandbox.model import PLATFORMS, Post, Section
from inspector.sandbox.platforms import portal_class
from inspector.sandbox.portal import FEATURE_TEXT, FIELD_LABELS, STATIC_PAGES
from inspector.model.checklist import DEFAULT_DIR
from inspector.model.textnorm import Matcher

from .factory import make_agency, make_province

TOPICS = yaml.safe_load((DEFAULT_DIR / "topics.yaml").read_text(encoding="utf-8"))
# information page → the field set it shows
FIELD_SET_PAGES = {"gioi-thieu": "gioi-thieu", "lanh-dao": "lanh-dao", "lien-he": "lien-he",
                   "danh-ba": "can-bo", "du-an": "du-an", "gop-y": "gop-y"}
# the national sites a portal may link outside itself
EXTERNAL = ("https://vbpl.vn/", "https://pakn.dichvucong.gov.vn/", "https://dichvucong.gov.vn/")
ICT = timezone(timedelta(hours=7))
DAY = re.compile(r"\b(\d{2}/\d{2}/\d{4})\b")
# the factory agency's sections, the same on every platform
SECTION_KEYS = [s.key for s in make_agency(PLATFORMS[0]).sections]


# -- reading pages -----------------------------------------------------------------------------
def build(platform: str, **kwargs):
    """The factory agency of a platform and its portal."""
    province = make_province(platform, **kwargs)
    agency = province.agencies[0]
    return agency, portal_class(platform)(agency, province)


def site_fixture(platform: str):
    """A module fixture: (agency, portal, client) of the platform's factory agency with every
    feature."""
    @pytest.fixture(scope="module")
    def site():
        agency, portal = build(platform)
        return agency, portal, Client(portal)
    return site


def get(client: Client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def page(client: Client, url: str, status: int = 200) -> lxml.html.HtmlElement:
    """The page parsed (a leading byte order mark skipped)."""
    body = get(client, url, status).get_data(as_text=True).lstrip("\ufeff")
    return lxml.html.document_fromstring(body)


def html(client: Client, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def text(element) -> str:
    return " ".join(element.text_content().split())


def visible_text(doc) -> str:
    """The text a reader sees: without scripts and style sheets."""
    doc = lxml.html.fromstring(lxml.html.tostring(doc))
    for element in doc.xpath("//script|//style"):
        element.drop_tree()
    return " ".join(doc.text_content().split())


def path_of(href: str) -> str:
    return urlsplit(href).path


def hrefs(doc) -> list[str]:
    return [a.get("href") for a in doc.iter("a") if a.get("href")]


# -- walking a section's listing -----------------------------------------------------------------
def walk_pager(client: Client, start: str, read_rows: Callable, pager_links: Callable,
               in_section: Callable[[str], bool]) -> dict[str, list]:
    """Follow every pager link from the entry page, breadth first; url → rows of every page
    reached. Every pager link must stay in the section."""
    seen: dict[str, list] = {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        doc = page(client, url)
        seen[url] = read_rows(doc)
        for href in pager_links(doc):
            assert in_section(href), href
            queue.append(href)
    return seen


def follow_next(client: Client, start: str, read_rows: Callable, pager: str, next_link: str,
                is_next: Callable) -> tuple[list[str], set[str], list[list]]:
    """Walk a listing from its entry page by the pager's "next" link, as a crawler does: the
    pages visited, every link of their pagers ('#' aside), the rows of each page."""
    url, visited, links, rows = start, [], set(), []
    while url:
        visited.append(url)
        doc = page(client, url)
        rows.append(read_rows(doc))
        links |= {a.get("href") for a in doc.cssselect(pager)} - {"#"}
        nexts = doc.cssselect(next_link)
        assert all(is_next(a) for a in nexts)
        url = nexts[0].get("href") if nexts else None
        assert url not in visited
    return visited, links, rows


def assert_walk_matches_listing_pages(portal, section: Section, visited: list[str],
                                      pager_links: set[str], rows: list[list]) -> None:
    """The pager reaches exactly the pages listing_pages() declares, each with its posts."""
    expected = portal.listing_pages(section)
    assert visited == [p.url for p in expected]
    assert pager_links <= set(visited)
    for page_rows, listing_page in zip(rows, expected):
        assert [r[0] for r in page_rows] == \
            [portal.post_path(section, p) for p in listing_page.posts]


def dated_rows(pages: dict[str, list], section: Section, listing_date: Callable,
               article_date: Callable, day) -> set[tuple]:
    """(article url, title, moment) of every row walked: the moment from the listing, or from
    the article when the listing must show no date (documents: the day only)."""
    found = set()
    for rows in pages.values():
        for href, title, when in rows:
            if section.listing_dates:
                moment = listing_date(when, section.layout)
                assert moment is not None, (href, when)
            else:
                assert not day.search(when), "listing must show no date"
                moment = article_date(href)
                if section.layout == "documents":
                    moment = moment.date()
            found.add((href, title, moment))
    return found


# -- pages and sections a crawler reaches ---------------------------------------------------------
def site_pages(agency, portal, client) -> dict:
    """Every page but the site map, each section's first listing page and first article."""
    paths = [portal.home_path()] + [portal.page_path(k) for k in STATIC_PAGES
                                    if k != "so-do" and portal.page_available(k)]
    for section in agency.sections:
        paths.append(portal.listing_pages(section)[0].url)
        paths += [portal.post_path(section, p) for p in section.posts[:1]]
    return {path: page(client, path) for path in paths}


def assert_hidden_sections(agency, portal, client, sitemap_links: str) -> None:
    """Site-map-only sections are linked from the site map alone, sidebar-image sections by an
    image without alt on every page; neither is named on the home page."""
    pages = site_pages(agency, portal, client)
    sitemap = page(client, portal.page_path("so-do"))
    assert {a.get("href") for a in sitemap.cssselect(sitemap_links)} >= \
        {portal.listing_pages(s)[0].url for s in agency.sections}
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


def crawl(client: Client, start: str = "/") -> set[str]:
    """Follow every link, image, source, feed and form from ``start``: each answers 200 and is
    root-relative (or a national site, or an anchor); the paths reached."""
    queue, seen = deque([start]), {start}
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
    return seen


def assert_root_relative(url: str, body: bytes) -> None:
    """No link, image, source, feed or form of the page leaves the site but to a national one."""
    assert b"127.0.0.1" not in body, url
    doc = lxml.html.document_fromstring(body.decode("utf-8").lstrip("\ufeff"))
    for element in doc.iter("a", "img", "source", "link", "form"):
        target = element.get("href") or element.get("src") or element.get("action")
        if target is None:
            continue                         # a named anchor
        assert target.startswith(("/", "#", "javascript:")) or target.startswith(EXTERNAL), \
            (url, target)


def site_bodies(agency, portal, client) -> list[bytes]:
    """The bodies of every page of the site, a feed per section and a missing page."""
    paths = ["/", *(p.url for s in agency.sections for p in portal.listing_pages(s)),
             *(portal.post_path(s, p) for s in agency.sections for p in s.posts),
             *(portal.page_path(k) for k in STATIC_PAGES),
             *(portal.rss_path(s) for s in agency.sections), "/khong-co"]
    return [client.get(path).data for path in paths]


def assert_feeds_list_first_page(agency, portal, client) -> list[ElementTree.Element]:
    """Each listing links its section's feed, which lists the first page's posts with their
    moments (local time); the feeds' roots."""
    roots = []
    for section in agency.sections:
        listing = page(client, portal.listing_pages(section)[0].url)
        assert listing.xpath("//link[@rel='alternate' and @type='application/rss+xml']/@href") \
            == [portal.rss_path(section)]
        root = ElementTree.fromstring(get(client, portal.rss_path(section)).data)
        items = root.findall("./channel/item")
        first = portal.listing_pages(section)[0].posts
        assert [(i.findtext("title"), i.findtext("link")) for i in items] == \
            [(p.title, portal.post_path(section, p)) for p in first]
        for item, post in zip(items, first):
            assert parsedate_to_datetime(item.findtext("pubDate")) == post.published.replace(
                tzinfo=ICT)
        roots.append(root)
    return roots


def assert_feature_pages_absent(portal, client, home) -> None:
    """Without their features the help and hotline pages are neither linked nor served."""
    links = {a.get("href") for a in home.iter("a")}
    for kind in ("tro-giup", "duong-day-nong"):
        assert portal.page_path(kind) not in links
        get(client, portal.page_path(kind), 404)


def renders_twice(platform: str, urls_of: Callable) -> dict[str, bytes]:
    """url → body of every page ``urls_of(portal, agency)`` names and every listing page, each
    the same bytes from two portals built alike, and root-relative."""
    _, first = build(platform)
    agency, second = build(platform)
    c1, c2 = Client(first), Client(second)
    bodies = {}
    for url in urls_of(second, agency) + [lp.url for s in agency.sections
                                          for lp in second.listing_pages(s)]:
        one, two = c1.get(url).data, c2.get(url).data
        assert one == two, url
        assert_root_relative(url, one)
        bodies[url] = one
    return bodies


def image_links(client: Client, urls: list[str], section: Section, links: Callable[[str], bool],
                skip: Callable[[str, str], bool] = lambda url, href: False) -> int:
    """How many links to a sidebar-image section the pages hold (those ``skip(url, href)`` aside):
    each must be one image with an empty alt and no text."""
    count = 0
    for url in urls:
        for a in page(client, url).iter("a"):
            href = a.get("href", "")
            if not links(href) or skip(url, href):
                continue
            images = a.findall(".//img")
            assert len(images) == 1 and images[0].get("alt") == "" and not text(a), url
            assert section.key in href
            count += 1
    return count


def assert_sitemap_only(agency, portal, client, urls: list[str], links: Callable,
                        own: Callable) -> None:
    """The site map links every section; a site-map-only section is linked nowhere else (its own
    pages, ``own(section, url)``, aside). ``links(section, href)``: the href is the section's."""
    sitemap = portal.page_path("so-do")
    sitemap_links = hrefs(page(client, sitemap))
    for section in agency.sections:
        assert any(links(section, h) for h in sitemap_links), section.key
    for section in portal.sections_at("sitemap_only"):
        for url in urls:
            if url == sitemap or own(section, url):
                continue
            assert not any(links(section, h) for h in hrefs(page(client, url))), url


def feature_checks(article: Callable, documents: Callable) -> dict[str, Callable]:
    """Checks (agency, portal, client) → shown? of the features that read the same on every
    portal; ``article(agency, portal)`` and ``documents(agency, portal)`` are URLs to look at."""
    def home(portal) -> str:
        return portal.home_path()

    return {
        "text_to_speech": lambda a, p, c: "Đọc bài viết" in html(c, article(a, p)),
        "contrast": lambda a, p, c: "Tương phản cao" in html(c, home(p)),
        "help_text_alternatives": lambda a, p, c: c.get(p.page_path("tro-giup")).status_code == 200
        and p.page_path("tro-giup") in html(c, home(p)),
        "multimedia": lambda a, p, c: bool(page(c, home(p)).cssselect("video source")),
        "mobile": lambda a, p, c: '<meta name="viewport" content="width=device-width, '
                                  'initial-scale=1">' in html(c, home(p)),
        "legal_by_field": lambda a, p, c: "Lĩnh vực" in text(page(c, documents(a, p))),
        "legal_by_date": lambda a, p, c: "Năm ban hành" in text(page(c, documents(a, p))),
        "legal_by_type": lambda a, p, c: "Loại văn bản" in text(page(c, documents(a, p))),
        "legal_db_link": lambda a, p, c: "https://vbpl.vn/" in html(c, documents(a, p)),
        "document_search": lambda a, p, c: "Tìm kiếm văn bản" in html(c, documents(a, p)),
        "feedback_form": lambda a, p, c: bool(page(c, p.page_path("lien-he"))
                                              .cssselect("form textarea")),
        "administrative_feedback": lambda a, p, c:
        "Phản ánh, kiến nghị về quy định hành chính" in html(c, home(p)),
        "hotline": lambda a, p, c: c.get(p.page_path("duong-day-nong")).status_code == 200,
        "tthc_announcement_download": lambda a, p, c: "Quyết định công bố bộ TTHC"
        in html(c, p.page_path("thu-tuc")),
        "tthc_by_field": lambda a, p, c: "Lĩnh vực: " in html(c, p.page_path("thu-tuc")),
        "tthc_feedback": lambda a, p, c: "Phản ánh, kiến nghị về thủ tục hành chính"
        in html(c, p.page_path("thu-tuc")),
        "rss": lambda a, p, c: 'type="application/rss+xml"' in html(c, home(p)),
    }


def assert_feature_switch(platform: str, check: Callable) -> None:
    """The check holds with every feature on and fails with every feature off."""
    for on in (True, False):
        agency, portal = build(platform, all_features=on)
        assert check(agency, portal, Client(portal)) is on, on


def assert_article_features(agency, portal, client, main: str, on: bool) -> None:
    """The first articles of every section offer reading aloud, and give their illustrations
    an alt text, exactly when the features are on."""
    for section in agency.sections:
        for post in section.posts[:2]:
            doc = page(client, portal.post_path(section, post))
            assert (FEATURE_TEXT["text_to_speech"] in visible_text(doc)) is on
            alts = [img.get("alt") for img in doc.cssselect(f"{main} img")]
            assert all(alts) if on else all(alt == "" for alt in alts)


# -- field sets ----------------------------------------------------------------------------------
def assert_labels(body: str, field_set: str, present) -> None:
    """A field's label shows exactly when the field is present."""
    for name, label in FIELD_LABELS[field_set].items():
        assert (label in body) == (name in present), (field_set, name)


def field_pages(agency, portal):
    """(page, field set, path, fields present) of every information page and procedure (a themed
    portal's: procedure_path takes the procedure)."""
    for kind, field_set in FIELD_SET_PAGES.items():
        present = agency.fields.get(field_set, [])
        if field_set == "du-an":
            present = sorted({name for p in agency.projects for name in p.fields})
        yield kind, field_set, portal.page_path(kind), present
    for procedure in agency.procedures:
        yield procedure.code, "thu-tuc", portal.procedure_path(procedure), procedure.details


def assert_neutral_field_pages(agency, portal, client, main: str) -> None:
    """Each information page shows the labels of its fields present in its ``main`` block, and
    neither the label nor any keyword of a field absent anywhere."""
    for kind, field_set, path, present in field_pages(agency, portal):
        doc = page(client, path)
        body, shown = visible_text(doc), visible_text(doc.cssselect(main)[0])
        labels = FIELD_LABELS[field_set]
        for name in present:
            assert labels[name] in shown, (kind, name)
        matcher = Matcher(body)
        for name in labels:
            if name not in present:
                assert labels[name] not in body, (kind, name)
                keywords = TOPICS["field_sets"][field_set]["fields"][name]
                assert matcher.find(keywords) is None, (kind, name, matcher.find(keywords))


def document_headers(agency, portal, client, headers: str) -> list[tuple[list[str], list[str]]]:
    """(column headings shown, headings expected) of each documents section: the labels of the
    van-ban fields present, with the document's date under "Ngày đăng" when the issue date is
    not presented, and no date column in a listing without dates."""
    present = agency.fields.get("van-ban", [])
    result = []
    for s in agency.sections:
        if s.layout != "documents":
            continue
        expected = []
        for name, label in FIELD_LABELS["van-ban"].items():
            if name in ("ngay_ban_hanh", "ngay_hieu_luc") and not s.listing_dates:
                continue
            if name in present:
                expected.append(label)
            elif name == "ngay_ban_hanh":
                expected.append("Ngày đăng")
        shown = [th.text_content().strip() for th in
                 page(client, portal.listing_pages(s)[0].url).cssselect(headers)]
        result.append((shown, expected))
    return result


# -- a sparse agency ------------------------------------------------------------------------------
def assert_sparse_site_renders(platform: str, read_documents: Callable) -> None:
    """An agency with no general section, empty and date-less sections, a section key taking a
    static page's name and no data: every page answers, its date-less documents table shows no
    date and still links each document."""
    province = make_province(platform, all_features=False)
    agency = province.agencies[0]
    for section in agency.sections:
        section.general = False
    agency.section("van-ban").listing_dates = False
    agency.sections.append(Section("lien-he", "Liên hệ công tác", ["x"], [
        Post(900, "bai-900", "Bài 900", datetime(2026, 1, 2, 0, 5), "Tóm tắt", ["Nội dung"])],
        placement="footer"))
    agency.sections.append(Section("rong", "Chuyên mục rỗng", ["y"], [],
                                   placement="sitemap_only", layout="qa"))
    agency.fields = {"van-ban": ["so_ky_hieu"]}
    agency.leaders, agency.directory, agency.procedures, agency.projects = [], [], [], []
    agency.contact, agency.intro = {}, {}
    portal = portal_class(platform)(agency, province)
    client = Client(portal)
    urls = [portal.home_path()] + [portal.page_path(k) for k in portal.available_pages()]
    for section in agency.sections:
        urls += [lp.url for lp in portal.listing_pages(section)]
        urls += [portal.post_path(section, post) for post in section.posts]
    assert len(set(urls)) == len(urls)
    for url in urls:
        assert client.get(url).status_code == 200, url
    documents = agency.section("van-ban")
    doc = page(client, portal.listing_pages(documents)[0].url)
    assert not DAY.search(text(doc.cssselect("table")[0]))
    assert read_documents(doc)[0][0] == portal.post_path(documents, documents.posts[0])
