"""The simulated Liferay portal: listings reachable by its pager, placements, field pages, features."""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import pytest
from werkzeug.test import Client

from inspector.sandbox.model import Post, Section
from inspector.sandbox.platforms import portal_class
from inspector.sandbox.portal import FIELD_LABELS, STATIC_PAGES
from tests.sandbox.factory import make_province

PLATFORM = "liferay"
NEWS_DATE = re.compile(r"(\d{2}/\d{2}/\d{4}) \| (\d{2}:\d{2} [AP]M)")
QA_DATE = re.compile(r"\((\d{2}/\d{2}/\d{4}) (\d{2}:\d{2})\)")
DAY = re.compile(r"\b(\d{2}/\d{2}/\d{4})\b")


def build(**kwargs):
    province = make_province(PLATFORM, **kwargs)
    agency = province.agencies[0]
    return agency, portal_class(PLATFORM)(agency, province)


@pytest.fixture(scope="module")
def site():
    agency, portal = build()
    return agency, portal, Client(portal)


def fetch(client: Client, url: str, status: int = 200) -> lxml.html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, url
    return lxml.html.document_fromstring(response.get_data(as_text=True).lstrip("\ufeff"))


def text(element) -> str:
    return " ".join(element.text_content().split())


def path_of(href: str) -> str:
    return urlsplit(href).path


def hrefs(doc) -> list[str]:
    return [a.get("href") for a in doc.iter("a") if a.get("href")]


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
    seen: dict[str, list] = {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        doc = fetch(client, url)
        seen[url] = listing_rows(doc, section.layout)
        for href in pager_links(doc):
            assert path_of(href) == portal.section_path(section)
            queue.append(href)
    return start, seen


@pytest.mark.parametrize("key", ["tin-tuc-su-kien", "chi-dao-dieu-hanh", "tuyen-truyen-pbgdpl",
                                 "chien-luoc-quy-hoach", "van-ban", "hoi-dap", "khen-thuong"])
def test_listing_walk_finds_exactly_the_posts(site, key):
    agency, portal, client = site
    section = agency.section(key)
    start, pages = walk(client, portal, section)
    found = set()
    for rows in pages.values():
        for href, title, when in rows:
            if section.listing_dates:
                moment = parse_date(when, section.layout)
                assert moment is not None, (href, when)
            else:
                assert not DAY.search(when), "listing must show no date"
                article = fetch(client, href)
                moment = parse_date(text(article.cssselect(".asset-full-content .assetPublishDate")[0]),
                                    "news")
                if section.layout == "documents":
                    moment = moment.date()
            found.add((href, title, moment))
    expected = {(portal.post_path(section, p), p.title, expected_date(p, section.layout))
                for p in section.posts}
    assert found == expected

    # listing_pages() agrees with what the pager reaches (page 1 is also reached as _cur=1)
    listed = portal.listing_pages(section)
    assert listed[0].url == start
    for page in listed:
        assert page.url in pages
        assert [r[0] for r in pages[page.url]] == [portal.post_path(section, p) for p in page.posts]
    contents = {tuple(r[0] for r in rows) for rows in pages.values()}
    assert contents == {tuple(portal.post_path(section, p) for p in page.posts) for page in listed}


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
        count = 0
        for url in all_pages(portal, agency):
            doc = fetch(client, url)
            for a in doc.iter("a"):
                if path_of(a.get("href", "")) != portal.section_path(section):
                    continue
                if url == portal.section_path(section) and "cur" in a.get("href"):
                    continue
                images = a.findall(".//img")
                assert len(images) == 1 and images[0].get("alt") == "" and not text(a), url
                assert section.key in a.get("href")
                count += 1
        assert count >= 2


def test_sitemap_only_sections_appear_only_on_the_site_map(site):
    agency, portal, client = site
    sitemap = portal.page_path("so-do")
    sitemap_links = {path_of(h) for h in hrefs(fetch(client, sitemap))}
    for section in agency.sections:
        assert portal.section_path(section) in sitemap_links, section.key
    for section in portal.sections_at("sitemap_only"):
        for url in all_pages(portal, agency):
            if url == sitemap or url.startswith(portal.section_path(section)):
                continue
            assert portal.section_path(section) not in {path_of(h) for h in hrefs(fetch(client, url))}, url


def test_home_links_every_static_page(site):
    agency, portal, client = site
    links = {path_of(h) for h in hrefs(fetch(client, portal.home_path()))}
    for kind in STATIC_PAGES:
        assert portal.page_path(kind) in links, kind


# -- field pages ---------------------------------------------------------------------------------
def page_text(client, url) -> str:
    return text(fetch(client, url))


def assert_labels(body: str, field_set: str, present) -> None:
    for name, label in FIELD_LABELS[field_set].items():
        assert (label in body) == (name in present), (field_set, name)


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
def _html(client, url) -> str:
    return client.get(url).get_data(as_text=True)


def _article(agency, portal):
    section = agency.section("tin-tuc-su-kien")
    return portal.post_path(section, section.posts[0])


FEATURE_CHECKS = {
    "font_size": lambda a, p, c: 'title="Tăng cỡ chữ"' in _html(c, p.home_path())
    and ">A-<" in _html(c, p.home_path()),
    "text_to_speech": lambda a, p, c: "Đọc bài viết" in _html(c, _article(a, p)),
    "contrast": lambda a, p, c: "Tương phản cao" in _html(c, p.home_path()),
    "access_keys": lambda a, p, c: bool(fetch(c, p.home_path()).cssselect("ul.navi > li > a[accesskey]")),
    "alt_text": lambda a, p, c: all(img.get("alt") for img in fetch(c, _article(a, p)).iter("img")
                                    if "banner" not in img.get("src")),
    "help_text_alternatives": lambda a, p, c: c.get(p.page_path("tro-giup")).status_code == 200
    and p.page_path("tro-giup") in _html(c, p.home_path()),
    "multimedia": lambda a, p, c: bool(fetch(c, p.home_path()).cssselect("video source")),
    "mobile": lambda a, p, c: '<meta name="viewport" content="width=device-width, initial-scale=1">'
    in _html(c, p.home_path()),
    "legal_download": lambda a, p, c: bool(fetch(c, p.section_path(a.section("van-ban")))
                                           .cssselect("td a.download[href$='.pdf']")),
    "legal_by_field": lambda a, p, c: "Lĩnh vực" in text(fetch(c, p.section_path(a.section("van-ban")))),
    "legal_by_date": lambda a, p, c: "Năm ban hành" in text(fetch(c, p.section_path(a.section("van-ban")))),
    "legal_by_type": lambda a, p, c: "Loại văn bản" in text(fetch(c, p.section_path(a.section("van-ban")))),
    "legal_db_link": lambda a, p, c: "https://vbpl.vn/" in _html(c, p.section_path(a.section("van-ban"))),
    "document_search": lambda a, p, c: "Tìm kiếm văn bản" in _html(c, p.section_path(a.section("van-ban"))),
    "feedback_form": lambda a, p, c: bool(fetch(c, p.page_path("lien-he")).cssselect("form textarea")),
    "administrative_feedback": lambda a, p, c: "Phản ánh, kiến nghị về quy định hành chính"
    in _html(c, p.home_path()),
    "hotline": lambda a, p, c: c.get(p.page_path("duong-day-nong")).status_code == 200,
    "tthc_announcement_download": lambda a, p, c: "Quyết định công bố bộ TTHC"
    in _html(c, p.page_path("thu-tuc")),
    "tthc_by_field": lambda a, p, c: "Lĩnh vực: " in _html(c, p.page_path("thu-tuc")),
    "tthc_feedback": lambda a, p, c: "Phản ánh, kiến nghị về thủ tục hành chính"
    in _html(c, p.page_path("thu-tuc")),
    "project_classification": lambda a, p, c: bool(fetch(c, p.page_path("du-an")).cssselect("h3.giai-doan")),
    "rss": lambda a, p, c: 'type="application/rss+xml"' in _html(c, p.home_path()),
}


@pytest.mark.parametrize("feature", sorted(FEATURE_CHECKS))
def test_feature_present_and_absent(feature):
    for on in (True, False):
        agency, portal = build(all_features=on)
        assert FEATURE_CHECKS[feature](agency, portal, Client(portal)) is on, (feature, on)


def test_fixed_layout_without_mobile_feature():
    agency, portal = build(all_features=False)
    html = _html(Client(portal), portal.home_path())
    assert "min-width:1100px" in html and "viewport" not in html
    agency, portal = build(all_features=True)
    assert "min-width:1100px" not in _html(Client(portal), portal.home_path())


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


EXTERNAL = ("https://vbpl.vn/", "https://pakn.dichvucong.gov.vn/", "https://dichvucong.gov.vn/")


def test_renders_are_byte_identical_and_root_relative():
    _, first = build()
    agency, second = build()
    c1, c2 = Client(first), Client(second)
    urls = all_pages(second, agency) + [page.url for s in agency.sections
                                        for page in second.listing_pages(s)]
    for url in urls:
        one, two = c1.get(url).data, c2.get(url).data
        assert one == two, url
        assert one.startswith("\ufeff".encode())       # Liferay pages start with a BOM
        assert b"127.0.0.1" not in one, url
        doc = lxml.html.document_fromstring(one.decode("utf-8").lstrip("\ufeff"))
        for element in doc.iter("a", "img", "source", "link", "form"):
            target = element.get("href") or element.get("src") or element.get("action")
            if target is None:
                continue                         # a named anchor
            assert target.startswith(("/", "#", "javascript:")) or target.startswith(EXTERNAL), (url, target)


def test_sparse_agency_renders_everywhere():
    """No general section, empty and date-less sections, a key taking a static page's name, no data."""
    province = make_province(PLATFORM, all_features=False)
    agency = province.agencies[0]
    for section in agency.sections:
        section.general = False
    agency.section("van-ban").listing_dates = False
    agency.sections.append(Section("lien-he", "Liên hệ công tác", ["x"], [
        Post(900, "bai-900", "Bài 900", datetime(2026, 1, 2, 0, 5), "Tóm tắt", ["Nội dung"])],
        placement="footer"))
    agency.sections.append(Section("rong", "Chuyên mục rỗng", ["y"], [], placement="sitemap_only",
                                   layout="qa"))
    agency.fields = {"van-ban": ["so_ky_hieu"]}
    agency.leaders, agency.directory, agency.procedures, agency.projects = [], [], [], []
    agency.contact, agency.intro = {}, {}
    portal = portal_class(PLATFORM)(agency, province)
    client = Client(portal)
    urls = [portal.home_path()] + [portal.page_path(k) for k in portal.available_pages()]
    for section in agency.sections:
        urls += [page.url for page in portal.listing_pages(section)]
        urls += [portal.post_path(section, post) for post in section.posts]
    assert len(set(urls)) == len(urls)
    for url in urls:
        assert client.get(url).status_code == 200, url
    doc = fetch(client, portal.listing_pages(agency.section("van-ban"))[0].url)
    assert not DAY.search(text(doc.cssselect("table")[0]))
    assert listing_rows(doc, "documents")[0][0] == portal.post_path(
        agency.section("van-ban"), agency.section("van-ban").posts[0])
